import { basename, extname, join } from 'node:path';
import { FontRegistry } from '../fonts/registry.js';
import { preparePictures, type Pictures } from '../images/pictures.js';
import { outputProfile } from '../images/profile.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import { loadIssue } from '../issue/parse.js';
import type { Issue, SourcePos } from '../issue/types.js';
import { resolveIssue, type IssuePlan } from '../layout/resolve.js';
import type { PdfxLevel } from '../layout/template.js';
import { composeIssue } from '../page/compose.js';
import type { Composition } from '../page/types.js';
import { packageRoot } from '../paths.js';
import { renderPdf } from '../render/pdf.js';
import { sameFile, writeAtomically } from '../files.js';

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
  /** The run report's file (-r), written after the PDF: checked with it against the run's inputs. */
  report?: string;
}

/** An issue composed and its pictures made ready: what the PDF and the proofs are drawn from. */
export interface ComposedIssue {
  issue: Issue;
  plan: IssuePlan;
  composition: Composition;
  pictures: Pictures;
}

/** parse → resolve → compose → pictures. */
export function buildIssue(issuePath: string): Promise<ComposedIssue> {
  return buildLoaded(loadIssue(issuePath));
}

async function buildLoaded(issue: Issue): Promise<ComposedIssue> {
  const fonts = fontRegistry();
  const plan = resolveIssue(issue, join(packageRoot(), 'layouts'), fonts);
  const composition = composeIssue(issue, plan, fonts);
  const pictures = await preparePictures(composition);
  composition.findings.push(...pictures.findings);
  return { issue, plan, composition, pictures };
}

/** Where the PDF of an issue file goes: its name, in the output folder. */
export function pdfPathOf(issuePath: string, outDir: string): string {
  return join(outDir, `${basename(issuePath, extname(issuePath))}.pdf`);
}

/** The whole pipeline for one issue file: parse → check the outputs → build → render → write. */
export async function composeFile(issuePath: string, outDir: string, options: ComposeOptions = {}): Promise<ComposeResult> {
  const issue = loadIssue(issuePath);
  const pdf = pdfPathOf(issuePath, outDir);
  checkOutputs(issue, pdf, options.report);
  const { plan, composition, pictures } = await buildLoaded(issue);
  // One output intent per file: the plant's profile as the first page's layout names it.
  const profile = await outputProfile(plan.pages[0].template.pictures.profile);
  const pdfx = options.pdfx ?? plan.pages[0].template.pdfx;
  const bytes = await renderPdf(composition, fontRegistry(), { title: `${issue.paper} ${issue.date}`, date: issue.date, pdfx }, pictures.images, profile);
  writeAtomically(pdf, bytes);
  return { pdf, composition };
}

interface RunFile {
  path: string;
  /** Where the file is named: its value in the issue, or the issue file's start. */
  pos: SourcePos;
  /** "the issue file", "story file x.md", "the PDF". */
  noun: string;
}

/** Everything the run reads from the desk: the issue file, its story files and its pictures. */
function inputsOf(issue: Issue): RunFile[] {
  const start = { file: issue.file, line: 1, column: 1 };
  const inputs: RunFile[] = [{ path: issue.file, pos: start, noun: 'the issue file' }];
  for (const a of issue.pages.flatMap((p) => p.articles)) {
    if (a.story) inputs.push({ path: a.story, pos: a.pos, noun: `story file ${a.story}` });
    for (const p of a.pictures) if (p.source) inputs.push({ path: p.source, pos: p.pos, noun: `picture file ${p.source}` });
  }
  return inputs;
}

/**
 * Refuses, before anything is written, a run whose outputs would land on one of its inputs or on
 * each other: the PDF written over a picture, a report (-r) over the issue file or the PDF.
 */
function checkOutputs(issue: Issue, pdf: string, report: string | undefined): void {
  const start = { file: issue.file, line: 1, column: 1 };
  const outputs: RunFile[] = [{ path: pdf, pos: start, noun: `the PDF ${pdf}` }];
  if (report !== undefined) outputs.push({ path: report, pos: start, noun: `the report ${report} (-r)` });
  const errors: IssueError[] = [];
  outputs.forEach((out, i) => {
    for (const other of [...inputsOf(issue), ...outputs.slice(0, i)]) {
      if (sameFile(out.path, other.path)) errors.push(new IssueError('bad-value', other.pos, `${out.noun} would be written over ${other.noun}; give ${i === 0 ? 'another output folder (-o)' : 'the report another file name'}`));
    }
  });
  if (errors.length) throw new IssueErrors(errors);
}
