import { createHash } from 'node:crypto';
import { dirname, relative } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import { inherited, pageTrim } from './page.js';
import { FileRefused, readRegularFile } from '../files.js';
import { pictureFolders } from '../issue/confine.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { AdSource, SourcePos } from '../issue/types.js';
import type { PdfxLevel } from '../layout/template.js';
import { ptToMm } from '../layout/units.js';
import { LIMITS } from '../limits.js';
import type { ComposedPage, Composition, Finding, PlacedSpace } from '../page/types.js';
import { profileOfLayout } from '../preflight/layout.js';
import { preflight } from '../preflight/preflight.js';
import type { Workspace } from '../workspace/workspace.js';

/**
 * 广告: the advertiser's PDF for an ad space, read, preflighted and measured before anything is
 * drawn. A file that cannot be read as the page asked for is bad input at its `source`; one the
 * plant would bounce, or of another size than its space, is a blocking finding and the space
 * stays white, never half-drawn.
 */

/** An advertisement's page ready to be placed: its document as parsed and the page's trim in its own space. */
export interface PreparedAd {
  pdf: PDFDocument;
  page: PDFDict;
  /** The page's TrimBox (else MediaBox): left, bottom, right, top, pt. */
  trim: [number, number, number, number];
  /** A hash of the file and the page taken: what the PDF's /ID and the preview's page look follow. */
  digest: string;
}

export interface Ads {
  placed: Map<PlacedSpace, PreparedAd>;
  findings: Finding[];
}

/** Reads and checks the advertisement of every ad space that names one, for a rendition at `level`. */
export async function prepareAds(c: Composition, level: PdfxLevel, ws: Workspace): Promise<Ads> {
  const placed = new Map<PlacedSpace, PreparedAd>();
  const findings: Finding[] = [];
  const errors: IssueError[] = [];
  for (const page of c.pages) {
    for (const space of page.spaces) {
      if (!space.ad) continue;
      try {
        const found = await prepareAd(page, space, space.ad, level, ws);
        if (found.findings.length) findings.push(...found.findings);
        if (found.ad) placed.set(space, found.ad);
      } catch (e) {
        if (e instanceof IssueError) errors.push(e);
        else throw e;
      }
    }
  }
  if (errors.length) throw new IssueErrors(errors);
  return { placed, findings };
}

async function prepareAd(page: ComposedPage, space: PlacedSpace, ad: AdSource, level: PdfxLevel, ws: Workspace): Promise<{ ad?: PreparedAd; findings: Finding[] }> {
  const shown = relative(dirname(ad.pos.file), ad.file);
  const bytes = readAdFile(ad, shown, page.template.pictures.allow, ws);
  const pdf = await parseAd(bytes, ad, shown);
  const pages = pagesOf(pdf, ad, shown);
  const number = ad.page ?? 1;
  if (pages.length > 1 && ad.page === undefined) throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} has ${pages.length} pages; say which to place with page: N beside the source`);
  if (number > pages.length) throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} has ${pages.length === 1 ? '1 page' : `${pages.length} pages`}, no page ${number}; give a page it has`);
  const leaf = pages[number - 1].node;

  const name = `ad${space.label ? ` "${space.label}"` : ''} (${shown}${pages.length > 1 ? `, page ${number}` : ''}; space at ${where(space.pos)})`;
  const finding = (code: 'ad-preflight' | 'ad-size', blocking: boolean, message: string): Finding => ({ code, blocking, page: page.number, pos: space.pos, message: `${name}: ${message}` });
  const findings: Finding[] = [];
  const report = await preflight(bytes, shown, profileOfLayout(page.template, false));
  for (const f of report.findings) {
    if (f.page !== undefined && f.page !== number) continue;
    findings.push(finding('ad-preflight', f.severity === 'error', `${f.check}: ${f.message}${f.severity === 'error' ? '; not placed: ask the advertiser for a corrected file' : ''}`));
  }
  // The plant gets one PDF/X level: an advertisement may bring no more than the rendition allows.
  if (level === 'PDF/X-1a' && report.claims !== null && !report.claims.startsWith('PDF/X-1')) {
    findings.push(finding('ad-preflight', true, `the file is ${report.claims}, and this page goes to the plant as PDF/X-1a; not placed: ask for a PDF/X-1a file`));
  }
  const upright = uprightProblem(leaf);
  if (upright) findings.push(finding('ad-preflight', true, `${upright}; not placed: ask for the page as it prints, upright and at its size`));

  const trim = pageTrim(leaf);
  if (!trim) {
    findings.push(finding('ad-preflight', true, 'the page has no readable TrimBox or MediaBox; not placed'));
    return { findings };
  }
  const width = trim[2] - trim[0];
  const height = trim[3] - trim[1];
  const tolerance = page.template.ads.tolerance;
  if (Math.abs(width - space.width) > tolerance || Math.abs(height - space.height) > tolerance) {
    const mm = (pt: number) => ptToMm(pt).toFixed(1);
    findings.push(finding('ad-size', true, `its trim is ${mm(width)} × ${mm(height)} mm, the space ${mm(space.width)} × ${mm(space.height)} mm (within ${mm(tolerance)} mm); ads are never scaled: ask the advertiser for the space's size, or size the space to the ad`));
  }
  if (findings.some((f) => f.blocking)) return { findings };
  const digest = createHash('sha256').update(bytes).update(`page ${number}`).digest('hex');
  return { ad: { pdf, page: leaf, trim, digest }, findings };
}

const where = (pos: SourcePos) => `${pos.file}:${pos.line}:${pos.column}`;

function readAdFile(ad: AdSource, shown: string, allow: readonly string[], ws: Workspace): Buffer {
  try {
    return readRegularFile(ad.file, { maxBytes: LIMITS.pictureBytes, within: pictureFolders(ad.pos.file, allow, ws) });
  } catch (e) {
    if (!(e instanceof FileRefused)) throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} cannot be read (${e instanceof Error ? e.message : String(e)}); check its permissions`);
    switch (e.why) {
      case 'missing':
        throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} not found; give the PDF's path relative to the issue file, or an absolute one`);
      case 'directory':
      case 'special':
        throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} is not a regular file but ${e.why === 'directory' ? 'a folder' : e.kind}; give the PDF itself`);
      case 'outside':
        throw new IssueError('outside', ad.pos, `advertisement ${shown} is outside the issue's folder, the workspace, its picture folders and the layout's pictures.allow folders; move it in, or allow its folder in the layout`);
      case 'too-large':
        throw new IssueError('too-large', ad.pos, `advertisement ${shown} has ${e.size} bytes, more than the limit of ${LIMITS.pictureBytes}; ask for a smaller file, or raise BANMIAN_MAX_PICTURE_BYTES`);
    }
  }
}

const ENCRYPT = /\/Encrypt\s*(?:\d+\s+\d+\s+R|<<)/;

/** The file as a PDF; one that is not, or is encrypted (nothing in it can be copied as it is), is bad input. */
async function parseAd(bytes: Buffer, ad: AdSource, shown: string): Promise<PDFDocument> {
  const encrypted = () => new IssueError('bad-ad', ad.pos, `advertisement ${shown} is encrypted; ask the advertiser for the file without a password or security settings`);
  let pdf: PDFDocument;
  try {
    pdf = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true, throwOnInvalidObject: true });
  } catch (e) {
    if (ENCRYPT.test(bytes.toString('latin1'))) throw encrypted();
    throw new IssueError('bad-ad', ad.pos, `advertisement ${shown} is not a readable PDF (${e instanceof Error ? e.message : String(e)}); ask the advertiser for the PDF/X file`);
  }
  if (pdf.isEncrypted) throw encrypted();
  return pdf;
}

function pagesOf(pdf: PDFDocument, ad: AdSource, shown: string) {
  try {
    return pdf.getPages();
  } catch (e) {
    throw new IssueError('bad-ad', ad.pos, `advertisement ${shown}: its pages cannot be found (${e instanceof Error ? e.message : String(e)}); ask the advertiser for the PDF/X file`);
  }
}

/** A page that asks to be turned or scaled when shown would be placed otherwise than it prints. */
function uprightProblem(page: PDFDict): string | undefined {
  const rotate = inherited(page, 'Rotate');
  const turns = rotate instanceof PDFNumber ? rotate.asNumber() : 0;
  if (turns % 360 !== 0) return `the page is turned by /Rotate ${turns}`;
  const unit = page.lookup(PDFName.of('UserUnit'));
  if (unit instanceof PDFNumber && unit.asNumber() !== 1) return `the page has /UserUnit ${unit.asNumber()}`;
  return undefined;
}
