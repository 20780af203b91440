import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import { openAd } from './open.js';
import { inherited, pageTrim } from './page.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { AdSource, SourcePos } from '../issue/types.js';
import type { PdfxLevel } from '../layout/template.js';
import { ptToMm } from '../layout/units.js';
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
  /** The file as read, and the page of it placed (1-based): what a proof draws. */
  bytes: Buffer;
  number: number;
  /** The ad as findings name it: its label, file and page, and the space's line. */
  name: string;
}

export interface Ads {
  placed: Map<PlacedSpace, PreparedAd>;
  /** Why each space left white is: its blocking findings, without the ad's name, for a proof to show in the space. */
  refused: Map<PlacedSpace, string[]>;
  findings: Finding[];
}

/** Reads and checks the advertisement of every ad space that names one, for a rendition at `level`. */
export async function prepareAds(c: Composition, level: PdfxLevel, ws: Workspace): Promise<Ads> {
  const placed = new Map<PlacedSpace, PreparedAd>();
  const refused = new Map<PlacedSpace, string[]>();
  const findings: Finding[] = [];
  const errors: IssueError[] = [];
  for (const page of c.pages) {
    for (const space of page.spaces) {
      if (!space.ad) continue;
      try {
        const found = await prepareAd(page, space, space.ad, level, ws);
        if (found.findings.length) findings.push(...found.findings);
        if (found.ad) placed.set(space, found.ad);
        if (found.why.length) refused.set(space, found.why);
      } catch (e) {
        if (e instanceof IssueError) errors.push(e);
        else throw e;
      }
    }
  }
  if (errors.length) throw new IssueErrors(errors);
  return { placed, refused, findings };
}

async function prepareAd(page: ComposedPage, space: PlacedSpace, ad: AdSource, level: PdfxLevel, ws: Workspace): Promise<{ ad?: PreparedAd; findings: Finding[]; why: string[] }> {
  const { bytes, pdf, shown, pages, number, leaf } = await openAd(ad, page.template.pictures.allow, ws);
  const name = `ad${space.label ? ` "${space.label}"` : ''} (${shown}${pages > 1 ? `, page ${number}` : ''}; space at ${where(space.pos)})`;
  const findings: Finding[] = [];
  const why: string[] = [];
  const finding = (code: 'ad-preflight' | 'ad-size', blocking: boolean, message: string): Finding => {
    if (blocking) why.push(message);
    return { code, blocking, page: page.number, pos: space.pos, message: `${name}: ${message}` };
  };
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
    return { findings, why };
  }
  const width = trim[2] - trim[0];
  const height = trim[3] - trim[1];
  const tolerance = page.template.ads.tolerance;
  if (Math.abs(width - space.width) > tolerance || Math.abs(height - space.height) > tolerance) {
    const mm = (pt: number) => ptToMm(pt).toFixed(1);
    findings.push(finding('ad-size', true, `its trim is ${mm(width)} × ${mm(height)} mm, the space ${mm(space.width)} × ${mm(space.height)} mm (within ${mm(tolerance)} mm); ads are never scaled: ask the advertiser for the space's size, or size the space to the ad`));
  }
  if (why.length) return { findings, why };
  const digest = createHash('sha256').update(bytes).update(`page ${number}`).digest('hex');
  return { ad: { pdf, page: leaf, trim, digest, bytes, number, name }, findings, why };
}

const where = (pos: SourcePos) => `${pos.file}:${pos.line}:${pos.column}`;

/** A page that asks to be turned or scaled when shown would be placed otherwise than it prints. */
function uprightProblem(page: PDFDict): string | undefined {
  const rotate = inherited(page, 'Rotate');
  const turns = rotate instanceof PDFNumber ? rotate.asNumber() : 0;
  if (turns % 360 !== 0) return `the page is turned by /Rotate ${turns}`;
  const unit = page.lookup(PDFName.of('UserUnit'));
  if (unit instanceof PDFNumber && unit.asNumber() !== 1) return `the page has /UserUnit ${unit.asNumber()}`;
  return undefined;
}
