import type { PDFObject } from 'pdf-lib';
import { IDENTITY } from './content.js';
import type { Note, PreflightFinding } from './findings.js';
import { additionalJavaScript, annotations, boxes, contentsOf, fonts, runsJavaScript } from './page.js';
import { PdfView } from './pdf.js';
import { thresholds, type PreflightProfile, type Thresholds } from './profile.js';
import { walk } from './walk.js';

export type { PreflightCheck, PreflightFinding, Severity } from './findings.js';
export { NEWSPAPER, type PreflightProfile, type WhiteOverprint } from './profile.js';

export interface PreflightReport {
  file: string;
  /** The PDF/X level the file claims, if any. */
  claims: string | null;
  pass: boolean;
  findings: PreflightFinding[];
}

/** The file cannot be read as a PDF at all: exit 2, not a finding. */
export class UnreadablePdf extends Error {}

/**
 * Checks a PDF from the outside, as the plant's preflight does: our own pages or a client's
 * advertisement. The checklist is PDF/X's and the GWG 2015 newspaper specification's: the
 * identification and output intent, boxes, embedded fonts, process colour only (in paths, text,
 * images, inline images, shadings and patterns), ink coverage, image resolution, white and black
 * overprint, rule weight, small text in several inks, transparency in PDF/X-1a, and what a RIP must
 * not meet: JavaScript, annotations on the page, transfer functions, OPI, LZW, empty pages.
 */
export async function preflight(bytes: Uint8Array, file: string, profile: PreflightProfile): Promise<PreflightReport> {
  const pdf = await openPdf(bytes, file);
  if (pdf === 'encrypted' || pdf.encrypted) return { file, claims: null, pass: false, findings: [{ check: 'file', code: 'encrypted', severity: 'error', message: ENCRYPTED }] };
  const findings: PreflightFinding[] = [];
  const add = (page: number | undefined): Note => {
    // One finding per message and page: a colour set a thousand times is one fault to mend.
    const said = new Set<string>();
    return (check, code, severity, message) => {
      if (said.has(message)) return;
      said.add(message);
      findings.push({ check, code, severity, ...(page ? { page } : {}), message });
    };
  };
  const fileNote = add(undefined);
  // What the view could not read goes in as it is met, against the page being checked.
  const faults = (note: Note) => {
    for (const message of pdf.takeFaults()) note('file', 'unreadable-part', 'error', message);
  };
  let claims: string | null = null;
  try {
    claims = identification(pdf, fileNote);
    documentActions(pdf, fileNote);
    faults(fileNote);
    await checkPages(pdf, claims, thresholds(profile), add, faults);
  } catch (e) {
    // A client's file can break a check in ways no list foresees: the file gets its report all the same.
    faults(fileNote);
    fileNote('file', 'check-stopped', 'error', `the file cannot be checked further: ${e instanceof Error ? e.message : String(e)}`);
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

async function checkPages(pdf: PdfView, claims: string | null, limits: Thresholds, add: (page: number | undefined) => Note, faults: (note: Note) => void): Promise<void> {
  const x1a = claims !== null && claims.startsWith('PDF/X-1');
  const pages = pdf.pages();
  faults(add(undefined));
  const seenFonts = new Set<PDFObject>();
  for (const [index, page] of pages.entries()) {
    const note = add(index + 1);
    boxes(pdf, page, limits, note);
    annotations(pdf, page, note);
    if (x1a && pdf.get(page, 'Group')) note('transparency', 'transparency', 'error', 'the page has a transparency group; PDF/X-1a allows no transparency');
    const resources = pdf.inherited(page, 'Resources');
    fonts(pdf, resources, seenFonts, note);
    const w = { pdf, limits, x1a, note, seen: new Set<PDFObject>(), painted: false };
    await walk(w, contentsOf(pdf, page, note), resources, IDENTITY, 'vector');
    if (!w.painted) note('content', 'empty-page', 'error', 'the page is empty: nothing on it is painted');
    faults(note);
  }
  if (pages.length === 0) add(undefined)('file', 'no-pages', 'error', 'the file has no pages');
}

/** JavaScript anywhere in the document's actions, and an action run on opening. */
function documentActions(pdf: PdfView, note: Note): void {
  const root = pdf.trailer('Root');
  const open = pdf.get(root, 'OpenAction');
  const names = pdf.get(pdf.get(root, 'Names'), 'JavaScript');
  if (names || runsJavaScript(pdf, open) || additionalJavaScript(pdf, root)) note('actions', 'javascript', 'error', 'the document carries JavaScript; PDF/X allows none');
  else if (open && pdf.dictOf(open)) note('actions', 'open-action', 'warning', `the document runs an action on opening (/OpenAction /${pdf.name(pdf.get(open, 'S')) ?? 'unnamed'}); the RIP ignores it`);
}

function identification(pdf: PdfView, note: Note): string | null {
  const pdfx = (code: string, message: string) => note('pdfx', code, 'error', message);
  if (pdf.array(pdf.trailer('ID')).length !== 2) pdfx('no-id', 'the trailer has no /ID');
  const info = pdf.trailer('Info');
  const root = pdf.trailer('Root');
  const version = pdf.text(pdf.get(info, 'GTS_PDFXVersion')) ?? null;
  const metadata = Buffer.from(pdf.bytes(pdf.get(root, 'Metadata'))).toString('utf8');
  const xmpVersion = metadata.match(/pdfxid:GTS_PDFXVersion>([^<]+)</)?.[1] ?? metadata.match(/pdfxid:GTS_PDFXVersion="([^"]+)"/)?.[1] ?? null;
  const claims = version ?? xmpVersion;
  if (!claims) {
    pdfx('no-pdfx', 'no PDF/X identification (GTS_PDFXVersion in Info or in the XMP metadata)');
  } else {
    const limit = claims.startsWith('PDF/X-4') ? '1.6' : claims === 'PDF/X-1:2001' || claims.startsWith('PDF/X-1a:2001') ? '1.3' : '1.4';
    if (pdf.header > limit) pdfx('pdf-version', `PDF ${pdf.header} is newer than ${claims} allows (${limit})`);
    if (claims === 'PDF/X-1:2001' && pdf.text(pdf.get(info, 'GTS_PDFXConformance')) !== 'PDF/X-1a:2001') pdfx('pdfx-conformance', 'PDF/X-1:2001 without GTS_PDFXConformance (PDF/X-1a:2001)');
    if (claims.startsWith('PDF/X-4') && !xmpVersion) pdfx('x4-xmp', 'PDF/X-4 is not identified in the XMP metadata');
  }
  const trapped = pdf.name(pdf.get(info, 'Trapped'));
  if (trapped !== 'True' && trapped !== 'False') pdfx('trapped', '/Trapped is not /True or /False');
  for (const key of ['Title', 'CreationDate', 'ModDate']) if (!pdf.text(pdf.get(info, key))) pdfx('info', `Info has no ${key}`);
  const intents = pdf.array(pdf.get(root, 'OutputIntents')).filter((o) => pdf.name(pdf.get(o, 'S')) === 'GTS_PDFX');
  if (intents.length !== 1) pdfx('output-intent', `${intents.length} GTS_PDFX output intents; PDF/X needs exactly one`);
  for (const intent of intents) {
    if (!pdf.text(pdf.get(intent, 'OutputConditionIdentifier'))) pdfx('output-intent', 'the output intent has no OutputConditionIdentifier');
    const icc = pdf.bytes(pdf.get(intent, 'DestOutputProfile'));
    const kind = Buffer.from(icc.subarray(12, 20)).toString('latin1');
    if (icc.length === 0 && !pdf.text(pdf.get(intent, 'RegistryName'))) pdfx('output-intent', 'the output intent embeds no profile and names no registry');
    else if (icc.length > 0 && kind !== 'prtrCMYK') pdfx('output-profile', `the output profile is ${kind.slice(0, 4)}/${kind.slice(4)}, not an output-device CMYK profile`);
  }
  return claims;
}
