// A problem as a value, from bad input or from composition alike: what the run report holds and
// what the command writes. Kept apart from the writing so the library's types need nothing of it.
import { IssueError, IssueErrors, printable } from '../issue/errors.js';
import type { Issue, SourcePos } from '../issue/types.js';
import type { Finding } from '../page/types.js';

export type Severity = 'error' | 'warning';

/**
 * One problem as the desk and the pipeline read it, from bad input or from composition alike: where
 * (file, line, column; the page and article of a finding), how bad, what kind, and what to do. The
 * run report's findings are these objects too.
 */
export interface Diagnostic {
  file: string;
  line: number | null;
  column: number | null;
  severity: Severity;
  code: string;
  page: number | null;
  article: string | null;
  message: string;
  /** A finding's figures (characters, lines, columns), for the pipeline to read without parsing the message. */
  figures?: Record<string, number>;
}

/** Where bad input is: every problem of an aggregate, in file order. */
export function diagnosticsOfError(e: IssueError | IssueErrors): Diagnostic[] {
  return (e instanceof IssueErrors ? e.errors : [e]).map((p) => ({ file: p.pos.file, line: p.pos.line, column: p.pos.column, severity: 'error', code: p.code, page: null, article: null, message: p.message }));
}

/** A fault of the machine or of the program, on the issue it stopped: no position to give. */
export function internalDiagnostic(file: string, message: string): Diagnostic {
  return { file, line: null, column: null, severity: 'error', code: 'internal', page: null, article: null, message: printable(message) };
}

/**
 * A finding of the composition at the place the desk acts on it: its own position, else its
 * article's, else its page's, else the issue file's start.
 */
export function diagnosticOfFinding(f: Finding, issue: Issue): Diagnostic {
  const page = issue.pages.find((p) => p.number === f.page);
  const article = f.article === undefined ? undefined : issue.pages.flatMap((p) => p.articles).find((a) => a.id === f.article);
  const pos: SourcePos = f.pos ?? article?.pos ?? page?.pos ?? { file: issue.file, line: 1, column: 1 };
  const d: Diagnostic = { file: pos.file, line: pos.line, column: pos.column, severity: f.blocking ? 'error' : 'warning', code: f.code, page: f.page ?? null, article: f.article ?? null, message: printable(f.message) };
  if (f.figures) d.figures = f.figures;
  return d;
}
