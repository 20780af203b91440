import type { PDFObject } from 'pdf-lib';
import { initialColour, inkCount, inkOf, isSolidBlack, isWhite, spaceNamed, spaceOf, type Space } from './colour.js';
import { IDENTITY, isMatrix, multiply, operations, type Matrix, type Operand } from './content.js';
import { shadingColours } from './functions.js';
import { effectivePpi, filtersOf, imageInk, REFUSED_IMAGE_FILTERS } from './images.js';
import type { PdfView } from './pdf.js';
import type { Thresholds } from './profile.js';
import type { Note } from './findings.js';

/** Black text below this size should overprint (OP with OPM 1): register on newsprint would show a white edge. */
export const OVERPRINT_BELOW = 12;
/** Totals are printed rounded; a colour is over the limit only past the rounding. */
const INK_ROUNDING = 0.5;
/** A stroke counts as thin only past the float noise of a scaled width. */
const WIDTH_EPSILON = 1e-6;

/** What a colour paints in, for the finding's code: `rgb-shading`, `ink-image`… */
export type Subject = 'vector' | 'image' | 'inline-image' | 'shading' | 'pattern';

interface Colour {
  space: Space;
  values: number[];
  /** The pattern resource a Pattern colour names. */
  pattern?: string;
}

interface GraphicsState {
  ctm: Matrix;
  fill: Colour;
  stroke: Colour;
  overprintFill: boolean;
  overprintStroke: boolean;
  opm: number;
  lineWidth: number;
}

/** What one page's walk shares across its forms and patterns. */
export interface PageWalk {
  pdf: PdfView;
  limits: Thresholds;
  x1a: boolean;
  note: Note;
  /** Forms, patterns and shadings already walked on this page: each once, and no cycle walked twice. */
  seen: Set<PDFObject>;
  /** Whether anything on the page is painted at all. */
  painted: boolean;
}

const GRAY: Space = { kind: 'gray' };
const CMYK: Space = { kind: 'cmyk' };
const RGB: Space = { kind: 'rgb' };
const FILL_MODES = new Set([0, 2, 4, 6]);
const STROKE_MODES = new Set([1, 2, 5, 6]);

const nameOf = (o: Operand | undefined) => (typeof o === 'object' && o && 'name' in o ? o.name : '');
const numbers = (args: Operand[]) => args.filter((a): a is number => typeof a === 'number');

/** A colour space's faults: RGB, Lab, spots, the registration colour, ICC in PDF/X-1a, a space the RIP cannot resolve. */
export function checkSpace(w: PageWalk, space: Space, subject: Subject, what: string): void {
  switch (space.kind) {
    case 'rgb':
      return w.note('colour', `rgb-${subject}`, 'error', `${what} in RGB`);
    case 'lab':
      return w.note('colour', `lab-${subject}`, 'error', `${what} in Lab`);
    case 'icc-cmyk':
      if (w.x1a) w.note('colour', 'icc-in-x1a', 'error', `${what} in an ICC-based CMYK space; PDF/X-1a allows DeviceCMYK and DeviceGray`);
      return;
    case 'icc-gray':
      if (w.x1a) w.note('colour', 'icc-gray-in-x1a', 'error', `${what} in an ICC-based gray space; PDF/X-1a allows DeviceCMYK and DeviceGray`);
      return;
    case 'all':
      return w.note('colour', 'separation-all', 'error', `${what} in the registration colour All, which prints on every plate`);
    case 'inks': {
      const spots = space.spots.filter((s) => !w.limits.spots.includes(s));
      if (spots.length) w.note('colour', `spot-${subject}`, 'error', `${what} in spot colour ${spots.join(' + ')}; the plant takes process colours only`);
      return;
    }
    case 'indexed':
      return checkSpace(w, space.base, subject, what);
    case 'broken':
      return w.note('colour', 'bad-colour-space', 'error', `${what}: ${space.fault}`);
  }
}

function checkInk(w: PageWalk, ink: number | undefined, subject: Subject, what: string, tolerance = 0): void {
  if (ink !== undefined && ink > w.limits.tac + INK_ROUNDING + tolerance) {
    w.note('ink', `ink-${subject}`, 'error', `${what} carries ${subject === 'vector' || subject === 'pattern' ? '' : 'up to '}${ink.toFixed(0)} % ink, over the limit of ${w.limits.tac} %`);
  }
}

/** Walks a content stream with its graphics state: colours, ink, overprint, rules, text, images, shadings, forms and patterns. */
export async function walk(w: PageWalk, content: Uint8Array, resources: PDFObject | undefined, ctm: Matrix, subject: 'vector' | 'pattern'): Promise<void> {
  const { pdf } = w;
  const stack: GraphicsState[] = [];
  let gs: GraphicsState = { ctm, fill: { space: GRAY, values: [0] }, stroke: { space: GRAY, values: [0] }, overprintFill: false, overprintStroke: false, opm: 0, lineWidth: 1 };
  let tm: Matrix = IDENTITY;
  let size = 0;
  let mode = 0;
  const where = subject === 'pattern' ? 'in a pattern, ' : '';

  const paint = async (c: Colour, what: string, overprint: boolean) => {
    w.painted = true;
    if (c.space.kind === 'pattern') return pattern(c.pattern ?? '');
    checkSpace(w, c.space, subject, `${where}${what}`);
    checkInk(w, inkOf(c.space, c.values), subject, `${where}${what}`);
    if (overprint && isWhite(c.space, c.values)) w.note('overprint', 'white-overprint', w.limits.whiteOverprint, `${where}white ${what.replace(/ colour$/, '')} set to overprint: it vanishes on press`);
  };
  const fill = (what = 'a fill colour') => paint(gs.fill, what, gs.overprintFill);
  const stroke = async (what = 'a stroke colour') => {
    await paint(gs.stroke, what, gs.overprintStroke);
    const width = gs.lineWidth * Math.sqrt(Math.abs(gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]));
    if (width < w.limits.minRule - WIDTH_EPSILON) {
      w.note('content', 'thin-rule', 'error', `${where}a stroke ${width === 0 ? 'of width 0 (the device’s thinnest line)' : `${width.toFixed(3)} pt wide`}, thinner than ${w.limits.minRule} pt`);
    }
  };
  const pattern = async (name: string) => {
    const p = pdf.get(pdf.get(resources, 'Pattern'), name);
    if (!p || w.seen.has(p)) return;
    w.seen.add(p);
    if (pdf.num(pdf.get(p, 'PatternType')) === 2) return shading(pdf.get(p, 'Shading'), `the shading of pattern ${name}`);
    const matrix = pdf.numbers(pdf.get(p, 'Matrix'));
    await walk(w, pdf.bytes(p), pdf.get(p, 'Resources'), matrix.length === 6 ? (matrix as Matrix) : IDENTITY, 'pattern');
  };
  const shading = (sh: PDFObject | undefined, what: string) => {
    w.painted = true;
    if (!sh || w.seen.has(sh)) return;
    w.seen.add(sh);
    const space = spaceOf(pdf, pdf.get(sh, 'ColorSpace'));
    checkSpace(w, space, 'shading', what);
    const inks = shadingColours(pdf, sh)?.map((c) => inkOf(space, c) ?? 0);
    if (inks?.length) checkInk(w, Math.max(...inks), 'shading', what);
  };
  const setColour = (target: 'fill' | 'stroke', space: Space, values: number[]) => {
    gs[target] = { space, values };
  };

  for (const { op, args } of operations(content)) {
    switch (op) {
      case 'q':
        stack.push({ ...gs });
        break;
      case 'Q':
        gs = stack.pop() ?? gs;
        break;
      case 'cm':
        if (isMatrix(args)) gs.ctm = multiply(args as Matrix, gs.ctm);
        break;
      case 'w':
        if (typeof args[0] === 'number') gs.lineWidth = args[0];
        break;
      case 'g':
      case 'G':
        setColour(op === 'g' ? 'fill' : 'stroke', GRAY, numbers(args));
        break;
      case 'rg':
      case 'RG':
        setColour(op === 'rg' ? 'fill' : 'stroke', RGB, numbers(args));
        break;
      case 'k':
      case 'K':
        setColour(op === 'k' ? 'fill' : 'stroke', CMYK, numbers(args));
        break;
      case 'cs':
      case 'CS': {
        const space = spaceNamed(pdf, resources, nameOf(args[0]));
        setColour(op === 'cs' ? 'fill' : 'stroke', space, initialColour(space));
        break;
      }
      case 'sc':
      case 'scn':
      case 'SC':
      case 'SCN': {
        const target = op.startsWith('s') ? 'fill' : 'stroke';
        const last = args[args.length - 1];
        gs[target] = { space: gs[target].space, values: numbers(args), ...(nameOf(last) ? { pattern: nameOf(last) } : {}) };
        break;
      }
      case 'gs':
        extGState(w, pdf.get(pdf.get(resources, 'ExtGState'), nameOf(args[0])), nameOf(args[0]), gs, `${where}graphics state`);
        break;
      case 'BT':
        tm = IDENTITY;
        break;
      case 'Tf':
        size = typeof args[1] === 'number' ? args[1] : size;
        break;
      case 'Tr':
        mode = typeof args[0] === 'number' ? args[0] : mode;
        break;
      case 'Tm':
        if (isMatrix(args)) tm = args as Matrix;
        break;
      case 'Tj':
      case 'TJ':
      case "'":
      case '"':
        await text(w, gs, size, multiply(tm, gs.ctm), mode, fill, stroke);
        break;
      case 'f':
      case 'F':
      case 'f*':
        await fill();
        break;
      case 'S':
      case 's':
        await stroke();
        break;
      case 'B':
      case 'B*':
      case 'b':
      case 'b*':
        await fill();
        await stroke();
        break;
      case 'sh':
        shading(pdf.get(pdf.get(resources, 'Shading'), nameOf(args[0])), `shading ${nameOf(args[0])}`);
        break;
      case 'EI':
        w.painted = true;
        inlineImage(w, args, resources, gs.ctm, () => fill('an image mask'));
        break;
      case 'Do': {
        const name = nameOf(args[0]);
        const x = pdf.get(pdf.get(resources, 'XObject'), name);
        const kind = pdf.name(pdf.get(x, 'Subtype'));
        if (x && pdf.get(x, 'OPI')) w.note('content', 'opi', 'error', `${kind === 'Form' ? 'form' : 'image'} ${name} is an OPI proxy: the plant gets the low-resolution stand-in`);
        if (kind === 'Image') {
          w.painted = true;
          await image(w, x!, name, gs.ctm, () => fill('an image mask'));
        } else if (kind === 'Form' && x && !w.seen.has(x)) {
          w.seen.add(x);
          const matrix = pdf.numbers(pdf.get(x, 'Matrix'));
          const m = matrix.length === 6 ? multiply(matrix as Matrix, gs.ctm) : gs.ctm;
          if (w.x1a && pdf.get(x, 'Group')) w.note('transparency', 'transparency', 'error', `form ${name} is a transparency group; PDF/X-1a allows none`);
          if (filtersOf(pdf, x).some((f) => f === 'LZWDecode')) w.note('content', 'lzw-content', 'error', `form ${name} is LZW-compressed; PDF/X takes Flate`);
          await walk(w, pdf.bytes(x), pdf.get(x, 'Resources') ?? resources, m, subject);
        }
        break;
      }
    }
  }
}

/** A graphics state dictionary: overprint, line width, transparency in PDF/X-1a, transfer functions. */
function extGState(w: PageWalk, state: PDFObject | undefined, name: string, gs: GraphicsState, what: string): void {
  const { pdf } = w;
  const strokeOp = pdf.bool(pdf.get(state, 'OP'));
  // /op is the fill's overprint; absent, /OP sets both (PDF 32000 8.4.5).
  const fillOp = pdf.bool(pdf.get(state, 'op')) ?? strokeOp;
  if (strokeOp !== undefined) gs.overprintStroke = strokeOp;
  if (fillOp !== undefined) gs.overprintFill = fillOp;
  const opm = pdf.num(pdf.get(state, 'OPM'));
  if (opm !== undefined) gs.opm = opm;
  const width = pdf.num(pdf.get(state, 'LW'));
  if (width !== undefined) gs.lineWidth = width;
  if (w.x1a) {
    const smask = pdf.get(state, 'SMask');
    const alpha = [pdf.num(pdf.get(state, 'CA')), pdf.num(pdf.get(state, 'ca'))];
    const blend = pdf.name(pdf.get(state, 'BM'));
    if ((smask && pdf.name(smask) !== 'None') || alpha.some((a) => a !== undefined && a < 1) || (blend && blend !== 'Normal' && blend !== 'Compatible')) {
      w.note('transparency', 'transparency', 'error', `${what} ${name} uses transparency; PDF/X-1a allows none`);
    }
  }
  for (const key of ['TR', 'TR2']) {
    const tr = pdf.get(state, key);
    if (tr && pdf.name(tr) !== 'Identity' && pdf.name(tr) !== 'Default') w.note('content', 'transfer', 'error', `${what} ${name} sets a transfer function (/${key}); PDF/X allows none, the plant's curves apply`);
  }
}

/** Text as it is painted: its colours, white set to overprint, small black type that knocks out, small type in several inks. */
async function text(w: PageWalk, gs: GraphicsState, size: number, m: Matrix, mode: number, fill: (what: string) => Promise<void>, stroke: (what: string) => Promise<void>): Promise<void> {
  const effective = size * Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));
  if (FILL_MODES.has(mode)) await fill('text');
  if (STROKE_MODES.has(mode)) await stroke('outlined text');
  if (!FILL_MODES.has(mode)) return;
  const { space, values } = gs.fill;
  // A separation paints its own plate alone when it overprints, whatever OPM says.
  const overprints = gs.overprintFill && (gs.opm === 1 || space.kind === 'inks');
  if (isSolidBlack(space, values) && effective < OVERPRINT_BELOW && !overprints) {
    w.note('overprint', 'black-text-knockout', 'warning', `black text below ${OVERPRINT_BELOW} pt does not overprint (OP with OPM 1)`);
  }
  if (effective < w.limits.multiInkTextBelow && space.kind !== 'pattern' && inkCount(space, values) > 1) {
    w.note('colour', 'multi-ink-text', 'warning', `text below ${w.limits.multiInkTextBelow} pt in more than one ink (rich black or colour): register on newsprint blurs it`);
  }
}

/** Resolution against the 1-bit or the continuous-tone thresholds. */
function resolution(w: PageWalk, what: string, width: number, height: number, oneBit: boolean, ctm: Matrix): void {
  const ppi = effectivePpi(width, height, ctm);
  if (ppi === undefined) return;
  const { oneBitPpi, minPpi, warnPpi } = w.limits;
  const shown = `${what} (${width} × ${height}) has ${Math.floor(ppi)} ppi`;
  if (oneBit) {
    if (ppi < oneBitPpi) w.note('images', 'one-bit-ppi', 'error', `${shown}, below ${oneBitPpi} for 1-bit line art`);
  } else if (ppi < minPpi) w.note('images', 'image-ppi', 'error', `${shown}, below ${minPpi}`);
  else if (ppi < warnPpi) w.note('images', 'image-ppi-low', 'warning', `${shown}, below ${warnPpi}`);
}

async function image(w: PageWalk, x: PDFObject, name: string, ctm: Matrix, mask: () => Promise<void>): Promise<void> {
  const { pdf } = w;
  const what = `image ${name}`;
  const width = pdf.num(pdf.get(x, 'Width')) ?? 0;
  const height = pdf.num(pdf.get(x, 'Height')) ?? 0;
  const isMask = pdf.bool(pdf.get(x, 'ImageMask')) === true;
  resolution(w, what, width, height, isMask || pdf.num(pdf.get(x, 'BitsPerComponent')) === 1, ctm);
  const filters = filtersOf(pdf, x);
  if (filters.some((f) => REFUSED_IMAGE_FILTERS.includes(f))) w.note('images', 'image-filter', 'error', `${what} is ${filters.join('+')}-encoded; the plant's RIP takes neither LZW, JBIG2 nor JPEG 2000`);
  if (isMask) return mask();
  if (w.x1a && pdf.get(x, 'SMask')) w.note('transparency', 'transparency', 'error', `${what} has a soft mask; PDF/X-1a allows no transparency`);
  const space = spaceOf(pdf, pdf.get(x, 'ColorSpace'));
  checkSpace(w, space, 'image', what);
  const ink = await imageInk(pdf, x, space);
  if (ink === 'undecodable') w.note('images', 'image-undecodable', 'error', `${what} cannot be decoded`);
  else if (ink) checkInk(w, ink.ink, 'image', what, ink.tolerance);
}

/** Inline image keys by their abbreviations (PDF 32000 table 93) and full names. */
const INLINE_KEYS: Record<string, string> = { W: 'Width', H: 'Height', CS: 'ColorSpace', BPC: 'BitsPerComponent', IM: 'ImageMask', F: 'Filter' };

/** An inline image (BI … ID … EI): its colour space, filters and resolution, from its dictionary. */
function inlineImage(w: PageWalk, args: Operand[], resources: PDFObject | undefined, ctm: Matrix, mask: () => Promise<void>): Promise<void> | undefined {
  const dict: Record<string, Operand> = {};
  for (let i = 0; i + 1 < args.length; i += 2) {
    const key = nameOf(args[i]);
    dict[INLINE_KEYS[key] ?? key] = args[i + 1]!;
  }
  const num = (key: string) => (typeof dict[key] === 'number' ? (dict[key] as number) : 0);
  const what = 'an inline image';
  const imageMask = dict.ImageMask === true;
  resolution(w, what, num('Width'), num('Height'), imageMask || num('BitsPerComponent') === 1, ctm);
  const filters = (Array.isArray(dict.Filter) ? dict.Filter : [dict.Filter]).map(nameOf).filter(Boolean);
  if (filters.some((f) => REFUSED_IMAGE_FILTERS.includes(f))) w.note('images', 'image-filter', 'error', `${what} is ${filters.join('+')}-encoded; the plant's RIP takes neither LZW, JBIG2 nor JPEG 2000`);
  if (imageMask) return mask();
  const cs = dict.ColorSpace;
  let space: Space;
  if (Array.isArray(cs)) {
    const family = nameOf(cs[0]);
    space = family === 'I' || family === 'Indexed' ? spaceNamed(w.pdf, resources, nameOf(cs[1])) : RGB;
  } else space = spaceNamed(w.pdf, resources, nameOf(cs) === 'I' ? '' : nameOf(cs));
  checkSpace(w, space, 'inline-image', what);
  return undefined;
}
