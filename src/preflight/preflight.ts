import sharp from 'sharp';
import type { PDFDict, PDFObject } from 'pdf-lib';
import { maxInk } from '../images/ink.js';
import { ptToMm } from '../layout/units.js';
import { IDENTITY, isMatrix, multiply, operations, type Matrix, type Operand } from './content.js';
import { PdfView } from './pdf.js';

/** The plant's limits a file is checked against. */
export interface PreflightProfile {
  /** Total area coverage, percent. */
  tac: number;
  /** Image resolution below which a picture is an error, and below which a warning. */
  minPpi: number;
  warnPpi: number;
  /** The trim every page must have, pt; none: any. */
  trim?: { width: number; height: number };
  /** Spot colours the plant accepts (newsprint: none). */
  spots: string[];
}

export type PreflightCheck = 'file' | 'pdfx' | 'boxes' | 'fonts' | 'colour' | 'ink' | 'images' | 'overprint' | 'transparency';

export interface PreflightFinding {
  check: PreflightCheck;
  severity: 'error' | 'warning';
  page?: number;
  message: string;
}

export interface PreflightReport {
  file: string;
  /** The PDF/X level the file claims, if any. */
  claims: string | null;
  pass: boolean;
  findings: PreflightFinding[];
}

/** The file cannot be read as a PDF at all: exit 2, not a finding. */
export class UnreadablePdf extends Error {}

/** JPEG's rounding moves a pixel's coverage by a percent or two. */
const INK_TOLERANCE = 3;
const OVERPRINT_BELOW = 12;

/**
 * Checks a PDF from the outside, as the plant's preflight does: our own pages or a client's
 * advertisement. The checklist is the print-ready reference's: PDF/X identification and output
 * intent, boxes, embedded fonts, colour spaces and spot colours, ink coverage, image resolution,
 * overprinting black text, and (for PDF/X-1a) transparency.
 */
export async function preflight(bytes: Uint8Array, file: string, profile: PreflightProfile): Promise<PreflightReport> {
  const pdf = await openPdf(bytes, file);
  if (pdf === 'encrypted' || pdf.encrypted) return { file, claims: null, pass: false, findings: [{ check: 'file', severity: 'error', message: ENCRYPTED }] };
  const findings: PreflightFinding[] = [];
  const add = (check: PreflightCheck, severity: 'error' | 'warning', message: string, page?: number) => findings.push({ check, severity, message, ...(page ? { page } : {}) });
  // What the view could not read goes in as it is met, against the page being checked.
  const faults = (page?: number) => {
    for (const message of pdf.takeFaults()) add('file', 'error', message, page);
  };
  let claims: string | null = null;
  try {
    claims = identification(pdf, add);
    faults();
    await checkPages(pdf, claims, profile, add, faults);
  } catch (e) {
    // A client's file can break a check in ways no list foresees: the file gets its report all the same.
    faults();
    add('file', 'error', `the file cannot be checked further: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { file, claims, pass: !findings.some((f) => f.severity === 'error'), findings };
}

const ENCRYPTED = 'encrypted: cannot be checked; ask for the file without a password or security settings';

/** The file as a PDF, or that it is encrypted so far that pdf-lib cannot parse it (encrypted object streams). */
async function openPdf(bytes: Uint8Array, file: string): Promise<PdfView | 'encrypted'> {
  try {
    return await PdfView.open(bytes);
  } catch (e) {
    if (/\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/.test(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'))) return 'encrypted';
    throw new UnreadablePdf(`${file}: not a readable PDF (${e instanceof Error ? e.message : String(e)})`);
  }
}

async function checkPages(pdf: PdfView, claims: string | null, profile: PreflightProfile, add: Add, faults: (page?: number) => void): Promise<void> {
  const x1a = claims !== null && claims.startsWith('PDF/X-1');
  const pages = pdf.pages();
  faults();
  const seenFonts = new Set<PDFObject>();
  for (const [index, page] of pages.entries()) {
    const number = index + 1;
    boxes(pdf, page, number, profile, add);
    if (x1a && pdf.get(page, 'Group')) add('transparency', 'error', 'the page has a transparency group; PDF/X-1a allows no transparency', number);
    const resources = pdf.inherited(page, 'Resources');
    fonts(pdf, resources, number, seenFonts, add, new Set());
    await walk(pdf, contentsOf(pdf, page), resources, IDENTITY, number, profile, x1a, add, new Set());
    faults(number);
  }
  if (pages.length === 0) add('file', 'error', 'the file has no pages');
}

type Add = (check: PreflightCheck, severity: 'error' | 'warning', message: string, page?: number) => void;

function identification(pdf: PdfView, add: Add): string | null {
  if (pdf.array(pdf.trailer('ID')).length !== 2) add('pdfx', 'error', 'the trailer has no /ID');
  const info = pdf.trailer('Info');
  const root = pdf.trailer('Root');
  const version = pdf.text(pdf.get(info, 'GTS_PDFXVersion')) ?? null;
  const metadata = Buffer.from(pdf.bytes(pdf.get(root, 'Metadata'))).toString('utf8');
  const xmpVersion = metadata.match(/pdfxid:GTS_PDFXVersion>([^<]+)</)?.[1] ?? metadata.match(/pdfxid:GTS_PDFXVersion="([^"]+)"/)?.[1] ?? null;
  const claims = version ?? xmpVersion;
  if (!claims) {
    add('pdfx', 'error', 'no PDF/X identification (GTS_PDFXVersion in Info or in the XMP metadata)');
  } else {
    const limit = claims.startsWith('PDF/X-4') ? '1.6' : claims === 'PDF/X-1:2001' || claims.startsWith('PDF/X-1a:2001') ? '1.3' : '1.4';
    if (pdf.header > limit) add('pdfx', 'error', `PDF ${pdf.header} is newer than ${claims} allows (${limit})`);
    if (claims === 'PDF/X-1:2001' && pdf.text(pdf.get(info, 'GTS_PDFXConformance')) !== 'PDF/X-1a:2001') add('pdfx', 'error', 'PDF/X-1:2001 without GTS_PDFXConformance (PDF/X-1a:2001)');
    if (claims.startsWith('PDF/X-4') && !xmpVersion) add('pdfx', 'error', 'PDF/X-4 is not identified in the XMP metadata');
  }
  const trapped = pdf.name(pdf.get(info, 'Trapped'));
  if (trapped !== 'True' && trapped !== 'False') add('pdfx', 'error', '/Trapped is not /True or /False');
  for (const key of ['Title', 'CreationDate', 'ModDate']) if (!pdf.text(pdf.get(info, key))) add('pdfx', 'error', `Info has no ${key}`);
  const intents = pdf.array(pdf.get(root, 'OutputIntents')).filter((o) => pdf.name(pdf.get(o, 'S')) === 'GTS_PDFX');
  if (intents.length !== 1) add('pdfx', 'error', `${intents.length} GTS_PDFX output intents; PDF/X needs exactly one`);
  for (const intent of intents) {
    if (!pdf.text(pdf.get(intent, 'OutputConditionIdentifier'))) add('pdfx', 'error', 'the output intent has no OutputConditionIdentifier');
    const icc = pdf.bytes(pdf.get(intent, 'DestOutputProfile'));
    const kind = Buffer.from(icc.subarray(12, 20)).toString('latin1');
    if (icc.length === 0 && !pdf.text(pdf.get(intent, 'RegistryName'))) add('pdfx', 'error', 'the output intent embeds no profile and names no registry');
    else if (icc.length > 0 && kind !== 'prtrCMYK') add('pdfx', 'error', `the output profile is ${kind.slice(0, 4)}/${kind.slice(4)}, not an output-device CMYK profile`);
  }
  return claims;
}

function boxes(pdf: PdfView, page: PDFDict, number: number, profile: PreflightProfile, add: Add): void {
  const media = pdf.numbers(pdf.inherited(page, 'MediaBox'));
  const trim = pdf.numbers(pdf.get(page, 'TrimBox'));
  const art = pdf.numbers(pdf.get(page, 'ArtBox'));
  const bleed = pdf.numbers(pdf.get(page, 'BleedBox'));
  const box = trim.length === 4 ? trim : art;
  if (box.length !== 4) {
    add('boxes', 'error', 'no TrimBox (or ArtBox)', number);
    return;
  }
  const inside = (a: number[], b: number[]) => b.length !== 4 || (a[0] >= b[0] - 0.01 && a[1] >= b[1] - 0.01 && a[2] <= b[2] + 0.01 && a[3] <= b[3] + 0.01);
  if (!inside(box, bleed.length === 4 ? bleed : media) || (bleed.length === 4 && !inside(bleed, media))) add('boxes', 'error', 'the boxes are not nested (trim in bleed in media)', number);
  if (profile.trim) {
    const w = box[2] - box[0];
    const h = box[3] - box[1];
    if (Math.abs(w - profile.trim.width) > 0.5 || Math.abs(h - profile.trim.height) > 0.5) {
      const mm = (pt: number) => ptToMm(pt).toFixed(1);
      add('boxes', 'error', `trim ${mm(w)} × ${mm(h)} mm, the layout's is ${mm(profile.trim.width)} × ${mm(profile.trim.height)} mm`, number);
    }
  }
}

function fonts(pdf: PdfView, resources: PDFObject | undefined, number: number, seen: Set<PDFObject>, add: Add, forms: Set<PDFObject>): void {
  for (const [name, ref] of pdf.entries(pdf.get(resources, 'Font'))) {
    const font = pdf.resolve(ref)!;
    if (seen.has(font)) continue;
    seen.add(font);
    const base = pdf.name(pdf.get(font, 'BaseFont')) ?? name;
    const subtype = pdf.name(pdf.get(font, 'Subtype'));
    if (subtype === 'Type3') {
      add('fonts', 'warning', `${base} is a Type 3 font`, number);
      continue;
    }
    const described = subtype === 'Type0' ? pdf.array(pdf.get(font, 'DescendantFonts'))[0] : font;
    const descriptor = pdf.get(described, 'FontDescriptor');
    if (!['FontFile', 'FontFile2', 'FontFile3'].some((k) => pdf.get(descriptor, k))) add('fonts', 'error', `${base} is not embedded`, number);
  }
  for (const [, ref] of pdf.entries(pdf.get(resources, 'XObject'))) {
    const x = pdf.resolve(ref)!;
    if (pdf.name(pdf.get(x, 'Subtype')) === 'Form' && !forms.has(x)) {
      forms.add(x);
      fonts(pdf, pdf.get(x, 'Resources'), number, seen, add, forms);
    }
  }
}

function contentsOf(pdf: PdfView, page: PDFDict): Uint8Array {
  const contents = pdf.get(page, 'Contents');
  const parts = pdf.array(contents).length ? pdf.array(contents) : [contents];
  // Streams of one page's contents are one program: joined with a space between, as the spec reads them.
  return Buffer.concat(parts.filter(Boolean).flatMap((p) => [Buffer.from(pdf.bytes(p)), Buffer.from('\n')]));
}

/** What a colour space is, for the checks: process, RGB-like, spot (with its name), or pattern. */
function kindOf(pdf: PdfView, space: PDFObject | undefined, byName?: string): { kind: 'cmyk' | 'gray' | 'rgb' | 'icc-cmyk' | 'lab' | 'spot' | 'pattern' | 'indexed' | 'broken'; spot?: string; fault?: string } {
  const name = byName ?? pdf.name(space);
  if (name === 'DeviceCMYK' || name === 'CMYK') return { kind: 'cmyk' };
  if (name === 'DeviceGray' || name === 'G') return { kind: 'gray' };
  if (name === 'DeviceRGB' || name === 'RGB') return { kind: 'rgb' };
  if (name === 'Pattern') return { kind: 'pattern' };
  const parts = pdf.array(space);
  const family = pdf.name(parts[0]);
  if (family === 'ICCBased') return pdf.num(pdf.get(parts[1], 'N')) === 4 ? { kind: 'icc-cmyk' } : pdf.num(pdf.get(parts[1], 'N')) === 1 ? { kind: 'gray' } : { kind: 'rgb' };
  if (family === 'CalRGB') return { kind: 'rgb' };
  if (family === 'CalGray') return { kind: 'gray' };
  if (family === 'Lab') return { kind: 'lab' };
  if (family === 'Separation') return { kind: 'spot', spot: pdf.name(parts[1]) };
  if (family === 'DeviceN') return { kind: 'spot', spot: pdf.array(parts[1]).map((x) => pdf.name(x)).join('+') };
  if (family === 'Indexed' || family === 'I') {
    // PDF gives an Indexed space a device, CIE-based or spot base, never another Indexed one (or
    // itself): so the base is read one level down and no further.
    const baseFamily = pdf.name(parts[1]) ?? pdf.name(pdf.array(parts[1])[0]);
    if (baseFamily === 'Indexed' || baseFamily === 'I' || baseFamily === 'Pattern') return { kind: 'broken', fault: `an Indexed colour space on ${baseFamily === 'Pattern' ? 'a Pattern' : 'an Indexed'} base (${pdf.label(space!)}); PDF allows neither, and the RIP cannot resolve it` };
    const base = kindOf(pdf, parts[1]);
    return base.kind === 'cmyk' || base.kind === 'gray' ? { kind: 'indexed' } : base;
  }
  return { kind: 'rgb' };
}

interface GraphicsState {
  ctm: Matrix;
  fill: { kind: string; values: number[] };
  overprint: boolean;
  opm: number;
}

/** Walks a content stream with its graphics state, checking colours, ink, images, text overprint. */
async function walk(pdf: PdfView, content: Uint8Array, resources: PDFObject | undefined, ctm: Matrix, page: number, profile: PreflightProfile, x1a: boolean, add: Add, forms: Set<PDFObject>): Promise<void> {
  const stack: GraphicsState[] = [];
  let gs: GraphicsState = { ctm, fill: { kind: 'gray', values: [0] }, overprint: false, opm: 0 };
  let tm: Matrix = IDENTITY;
  let size = 0;
  const reported = new Set<string>();
  const once = (check: PreflightCheck, severity: 'error' | 'warning', message: string) => {
    if (reported.has(message)) return;
    reported.add(message);
    add(check, severity, message, page);
  };
  const colour = (kind: string, values: number[], what: string) => {
    if (kind === 'rgb' || kind === 'lab') once('colour', 'error', `${what} in ${kind === 'rgb' ? 'RGB' : 'Lab'}`);
    if (kind === 'icc-cmyk' && x1a) once('colour', 'error', `${what} in an ICC-based colour space; PDF/X-1a allows DeviceCMYK and DeviceGray`);
    if (kind === 'cmyk' || kind === 'icc-cmyk') {
      const total = values.reduce((s, v) => s + v, 0) * 100;
      if (total > profile.tac + 0.5) once('ink', 'error', `${what} carries ${total.toFixed(0)} % ink, over the limit of ${profile.tac} %`);
    }
  };
  const space = (nameOrOp: Operand | undefined) => {
    const name = typeof nameOrOp === 'object' && nameOrOp && 'name' in nameOrOp ? nameOrOp.name : '';
    const k = kindOf(pdf, pdf.get(pdf.get(resources, 'ColorSpace'), name), ['DeviceCMYK', 'DeviceGray', 'DeviceRGB', 'Pattern'].includes(name) ? name : undefined);
    if (k.kind === 'spot' && !profile.spots.includes(k.spot ?? '')) once('colour', 'error', `spot colour ${k.spot}; the plant takes process colours only`);
    if (k.fault) once('colour', 'error', k.fault);
    return k.kind;
  };
  const nums = (args: Operand[]) => args.filter((a): a is number => typeof a === 'number');
  for (const { op, args } of operations(content)) {
    switch (op) {
      case 'q':
        stack.push({ ...gs, fill: { ...gs.fill } });
        break;
      case 'Q':
        gs = stack.pop() ?? gs;
        break;
      case 'cm':
        if (isMatrix(args)) gs.ctm = multiply(args as Matrix, gs.ctm);
        break;
      case 'rg':
      case 'RG':
        colour('rgb', [], op === 'rg' ? 'fill colour' : 'stroke colour');
        if (op === 'rg') gs.fill = { kind: 'rgb', values: nums(args) };
        break;
      case 'k':
      case 'K':
        colour('cmyk', nums(args), op === 'k' ? 'a fill colour' : 'a stroke colour');
        if (op === 'k') gs.fill = { kind: 'cmyk', values: nums(args) };
        break;
      case 'g':
        gs.fill = { kind: 'gray', values: nums(args) };
        break;
      case 'cs':
        gs.fill = { kind: space(args[0]), values: [] };
        colour(gs.fill.kind, [], 'a fill colour');
        break;
      case 'CS':
        colour(space(args[0]), [], 'a stroke colour');
        break;
      case 'sc':
      case 'scn':
        gs.fill = { kind: gs.fill.kind, values: nums(args) };
        colour(gs.fill.kind, nums(args), 'a fill colour');
        break;
      case 'gs': {
        const name = typeof args[0] === 'object' && args[0] && 'name' in args[0] ? args[0].name : '';
        const state = pdf.get(pdf.get(resources, 'ExtGState'), name);
        const op1 = pdf.bool(pdf.get(state, 'op')) ?? pdf.bool(pdf.get(state, 'OP'));
        if (op1 !== undefined) gs.overprint = op1;
        const opm = pdf.num(pdf.get(state, 'OPM'));
        if (opm !== undefined) gs.opm = opm;
        if (x1a) {
          const smask = pdf.get(state, 'SMask');
          const alpha = [pdf.num(pdf.get(state, 'CA')), pdf.num(pdf.get(state, 'ca'))];
          const blend = pdf.name(pdf.get(state, 'BM'));
          if ((smask && pdf.name(smask) !== 'None') || alpha.some((a) => a !== undefined && a < 1) || (blend && blend !== 'Normal' && blend !== 'Compatible')) {
            once('transparency', 'error', `graphics state ${name} uses transparency; PDF/X-1a allows none`);
          }
        }
        break;
      }
      case 'BT':
        tm = IDENTITY;
        break;
      case 'Tf':
        size = typeof args[1] === 'number' ? args[1] : size;
        break;
      case 'Tm':
        if (isMatrix(args)) tm = args as Matrix;
        break;
      case 'Tj':
      case 'TJ':
      case "'":
      case '"': {
        const m = multiply(tm, gs.ctm);
        const effective = size * Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));
        const v = gs.fill.values;
        const black = (gs.fill.kind === 'cmyk' && v.length === 4 && v[0] === 0 && v[1] === 0 && v[2] === 0 && v[3] >= 0.999) || (gs.fill.kind === 'gray' && v[0] === 0);
        if (black && effective < OVERPRINT_BELOW && !(gs.overprint && gs.opm === 1)) {
          once('overprint', 'warning', `black text below ${OVERPRINT_BELOW} pt does not overprint (OP with OPM 1)`);
        }
        if (gs.fill.kind === 'cmyk' && effective < OVERPRINT_BELOW && v.length === 4 && v[3] > 0 && v.slice(0, 3).some((x) => x > 0)) {
          once('colour', 'warning', `text below ${OVERPRINT_BELOW} pt in more than one ink (rich black or colour)`);
        }
        break;
      }
      case 'Do': {
        const name = typeof args[0] === 'object' && args[0] && 'name' in args[0] ? args[0].name : '';
        const x = pdf.get(pdf.get(resources, 'XObject'), name);
        const subtype = pdf.name(pdf.get(x, 'Subtype'));
        if (subtype === 'Image') await image(pdf, x!, name, gs.ctm, profile, x1a, once);
        else if (subtype === 'Form' && x && !forms.has(x)) {
          forms.add(x);
          const matrix = pdf.numbers(pdf.get(x, 'Matrix'));
          const m = matrix.length === 6 ? multiply(matrix as Matrix, gs.ctm) : gs.ctm;
          if (x1a && pdf.get(x, 'Group')) once('transparency', 'error', `form ${name} is a transparency group; PDF/X-1a allows none`);
          await walk(pdf, pdf.bytes(x), pdf.get(x, 'Resources') ?? resources, m, page, profile, x1a, add, forms);
        }
        break;
      }
    }
  }
}

async function image(pdf: PdfView, x: PDFObject, name: string, ctm: Matrix, profile: PreflightProfile, x1a: boolean, once: (c: PreflightCheck, s: 'error' | 'warning', m: string) => void): Promise<void> {
  if (pdf.bool(pdf.get(x, 'ImageMask'))) return;
  const width = pdf.num(pdf.get(x, 'Width')) ?? 0;
  const height = pdf.num(pdf.get(x, 'Height')) ?? 0;
  const k = kindOf(pdf, pdf.get(x, 'ColorSpace'));
  if (k.kind === 'rgb' || k.kind === 'lab') once('colour', 'error', `image ${name} is in ${k.kind === 'rgb' ? 'RGB' : 'Lab'}`);
  if (k.kind === 'icc-cmyk' && x1a) once('colour', 'error', `image ${name} is ICC-based; PDF/X-1a allows DeviceCMYK and DeviceGray`);
  if (k.kind === 'spot' && !profile.spots.includes(k.spot ?? '')) once('colour', 'error', `image ${name} uses spot colour ${k.spot}`);
  if (k.fault) once('colour', 'error', `image ${name}: ${k.fault}`);
  if (x1a && pdf.get(x, 'SMask')) once('transparency', 'error', `image ${name} has a soft mask; PDF/X-1a allows no transparency`);
  const wide = Math.hypot(ctm[0], ctm[1]) / 72;
  const tall = Math.hypot(ctm[2], ctm[3]) / 72;
  if (width > 16 && height > 16 && wide > 0 && tall > 0) {
    const ppi = Math.min(width / wide, height / tall);
    if (ppi < profile.minPpi) once('images', 'error', `image ${name} (${width} × ${height}) has ${Math.floor(ppi)} ppi, below ${profile.minPpi}`);
    else if (ppi < profile.warnPpi) once('images', 'warning', `image ${name} (${width} × ${height}) has ${Math.floor(ppi)} ppi, below ${profile.warnPpi}`);
  }
  const filters = [pdf.name(pdf.get(x, 'Filter')), ...pdf.array(pdf.get(x, 'Filter')).map((f) => pdf.name(f))];
  if (filters.includes('LZWDecode') || filters.includes('JBIG2Decode') || filters.includes('JPXDecode')) once('images', 'error', `image ${name} is ${filters.filter(Boolean).join('+')}-encoded; the plant's RIP takes neither LZW, JBIG2 nor JPEG 2000`);
  if ((k.kind === 'cmyk' || k.kind === 'icc-cmyk') && filters.includes('DCTDecode')) {
    const raw = await sharp(Buffer.from(pdf.bytes(x))).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer().catch(() => null);
    if (!raw) once('images', 'error', `image ${name} cannot be decoded`);
    else if (maxInk(raw) > profile.tac + INK_TOLERANCE) once('ink', 'error', `image ${name} carries up to ${maxInk(raw).toFixed(0)} % ink, over the limit of ${profile.tac} %`);
  }
}
