import { basename, extname, join } from 'node:path';
import { FontRegistry } from '../fonts/registry.js';
import { preparePictures, type Pictures } from '../images/pictures.js';
import { outputProfile } from '../images/profile.js';
import { loadIssue } from '../issue/parse.js';
import type { Issue } from '../issue/types.js';
import { resolveIssue, type IssuePlan } from '../layout/resolve.js';
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

export interface ComposeOptions {
  /** Overrides the layout's PDF/X level. */
  pdfx?: PdfxLevel;
}

/** An issue composed and its pictures made ready: what the PDF and the proofs are drawn from. */
export interface ComposedIssue {
  issue: Issue;
  plan: IssuePlan;
  composition: Composition;
  pictures: Pictures;
}

/** parse → resolve → compose → pictures. */
export async function buildIssue(issuePath: string): Promise<ComposedIssue> {
  const issue = loadIssue(issuePath);
  const fonts = fontRegistry();
  const plan = resolveIssue(issue, join(packageRoot(), 'layouts'), fonts);
  const composition = composeIssue(issue, plan, fonts);
  const pictures = await preparePictures(composition);
  composition.findings.push(...pictures.findings);
  return { issue, plan, composition, pictures };
}

/** The whole pipeline for one issue file: build → render → write. */
export async function composeFile(issuePath: string, outDir: string, options: ComposeOptions = {}): Promise<ComposeResult> {
  const { issue, plan, composition, pictures } = await buildIssue(issuePath);
  // One output intent per file: the plant's profile as the first page's layout names it.
  const profile = await outputProfile(plan.pages[0].template.pictures.profile);
  const pdfx = options.pdfx ?? plan.pages[0].template.pdfx;
  const bytes = await renderPdf(composition, fontRegistry(), { title: `${issue.paper} ${issue.date}`, date: issue.date, pdfx }, pictures.images, profile);
  const pdf = join(outDir, `${basename(issuePath, extname(issuePath))}.pdf`);
  writeAtomically(pdf, bytes);
  return { pdf, composition };
}
