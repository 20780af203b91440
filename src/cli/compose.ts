import { basename, extname, join } from 'node:path';
import { FontRegistry } from '../fonts/registry.js';
import { preparePictures } from '../images/pictures.js';
import { outputProfile } from '../images/profile.js';
import { loadIssue } from '../issue/parse.js';
import { resolveIssue } from '../layout/resolve.js';
import type { PdfxLevel } from '../layout/template.js';
import { composeIssue } from '../page/compose.js';
import type { Composition } from '../page/types.js';
import { packageRoot } from '../paths.js';
import { renderPdf } from '../render/pdf.js';
import { writeAtomically } from '../files.js';

export interface ComposeResult {
  pdf: string;
  composition: Composition;
}

let registry: FontRegistry | undefined;
/** Fonts load once per process, whatever number of issues it composes. */
export function fontRegistry(): FontRegistry {
  registry ??= new FontRegistry(join(packageRoot(), 'fonts', 'fonts.yaml'));
  return registry;
}

/**
 * The whole pipeline for one issue file: parse → resolve → compose → pictures → render → write.
 */
export interface ComposeOptions {
  /** Overrides the layout's PDF/X level. */
  pdfx?: PdfxLevel;
}

export async function composeFile(issuePath: string, outDir: string, options: ComposeOptions = {}): Promise<ComposeResult> {
  const issue = loadIssue(issuePath);
  const fonts = fontRegistry();
  const plan = resolveIssue(issue, join(packageRoot(), 'layouts'), fonts);
  const composition = composeIssue(issue, plan, fonts);
  const pictures = await preparePictures(composition);
  composition.findings.push(...pictures.findings);
  // One output intent per file: the plant's profile as the first page's layout names it.
  const profile = await outputProfile(plan.pages[0].template.pictures.profile);
  const pdfx = options.pdfx ?? plan.pages[0].template.pdfx;
  const bytes = await renderPdf(composition, fonts, { title: `${issue.paper} ${issue.date}`, date: issue.date, pdfx }, pictures.images, profile);
  const pdf = join(outDir, `${basename(issuePath, extname(issuePath))}.pdf`);
  writeAtomically(pdf, bytes);
  return { pdf, composition };
}
