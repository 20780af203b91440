// Banmian as a library: what the `compose` command does, as functions a pipeline script calls. It
// never prints and never exits; it returns what it made and found, and throws IssueErrors (each
// problem at its file:line:column) for bad input. The command is a thin layer over it.
import { writeAtomically } from './files.js';
import type { PdfxLevel } from './layout/pdfx.js';
import type { Composition, Finding } from './page/types.js';
import { composeFile } from './pipeline/compose.js';
import { buildReport, type RunReport } from './cli/report.js';
import { validateIssue as validateFile, type Validation } from './cli/validate.js';
import type { PreflightRun } from './cli/preflight.js';
import type { Issue } from './issue/types.js';
import type { Workspace } from './workspace/workspace.js';

export { IssueError, IssueErrors, formatIssueError, type IssueErrorCode } from './issue/errors.js';
export type { SourcePos } from './issue/types.js';
export type { PdfxLevel } from './layout/pdfx.js';
export type { ArticleReport, Composition, Finding } from './page/types.js';
export type { RunReport } from './cli/report.js';
export type { Validation } from './cli/validate.js';
export type { PreflightRun } from './cli/preflight.js';
export type { PreflightFinding, PreflightReport } from './preflight/preflight.js';
export { workspaceOf, type Workspace } from './workspace/workspace.js';

/** The exit code the command gives a composed issue: 0 clean (warnings at most), 1 blocking findings. */
export const COMPOSED = { clean: 0, findings: 1 } as const;


export interface ComposeIssueOptions {
  /** The folder the PDF is written to, named after the issue file; default: the workspace's `output`, else `out`. */
  out?: string;
  /** The workspace's folder, instead of the banmian.yaml found upward from the issue file. */
  root?: string;
  /** The PDF's own path, instead of the issue file's name in `out`. */
  pdf?: string;
  /** The PDF/X level instead of the layout's. */
  pdfx?: PdfxLevel;
  /** Also write the run report (JSON) to this file, after the PDF. */
  report?: string;
}

export interface ComposeIssueResult {
  /** The PDF's path, written whole (never half a file where a good one was). */
  pdf: string;
  /** The PDF's bytes, as written: the same for the same issue on every run. */
  bytes: Uint8Array;
  /** 0, or 1 when a finding is blocking (overset, a hole, a missing glyph, a picture below the plant's resolution). */
  exitCode: (typeof COMPOSED)[keyof typeof COMPOSED];
  findings: Finding[];
  /** The run report, as `compose -r` writes it. */
  report: RunReport;
  composition: Composition;
  /** The issue as read: where each article and paragraph stands in its files. */
  issue: Issue;
  /** The workspace the issue was composed in. */
  workspace: Workspace;
}

/** Composes an issue file into its PDF. Throws IssueErrors for bad input; rejects with the machine's error when a file cannot be written. */
export async function composeIssue(issueFile: string, options: ComposeIssueOptions = {}): Promise<ComposeIssueResult> {
  const { pdf, bytes, composition, issue, workspace } = await composeFile(issueFile, options.out, { pdf: options.pdf, pdfx: options.pdfx, report: options.report, root: options.root });
  const exitCode = composition.findings.some((f) => f.blocking) ? COMPOSED.findings : COMPOSED.clean;
  const report = buildReport(issue, pdf, composition, exitCode);
  if (options.report !== undefined) writeAtomically(options.report, `${JSON.stringify(report, null, 2)}\n`);
  return { pdf, bytes, exitCode, findings: composition.findings, report, composition, issue, workspace };
}

/**
 * Every problem of an issue file that can be known without composing it, each at its
 * file:line:column, none thrown: the schema, the layouts and fonts, the grid, threads, pictures,
 * and each advertisement's file opened (whether the plant would take it is compose's preflight).
 */
export function validateIssue(issueFile: string, options: { root?: string } = {}): Promise<Validation> {
  return validateFile(issueFile, options.root);
}

export interface PreflightOptions {
  /** The layout whose ink limit and picture resolution apply (default broadsheet); naming it also checks every page's trim. */
  layout?: string;
  /** The workspace whose layouts are meant, instead of the one of the working folder. */
  root?: string;
}

/** Checks PDFs (ours, or an advertisement a client sent) against the plant's checklist: a report per file, and the files that could not be read. */
export async function preflight(pdfFiles: string | readonly string[], options: PreflightOptions = {}): Promise<PreflightRun> {
  // pdf-lib takes a fifth of a second to load: only a preflight pays for it.
  const { preflightFiles, profileFromLayout } = await import('./cli/preflight.js');
  const files = typeof pdfFiles === 'string' ? [pdfFiles] : [...pdfFiles];
  return preflightFiles(files, profileFromLayout(options.layout ?? 'broadsheet', options.layout !== undefined, options.root));
}
