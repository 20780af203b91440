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
 * The composition's findings, each at the place the desk acts on it: its own position, else its
 * article's, else its page's, else the issue file's start. The places are looked up by id, not
 * searched for each finding: a large issue has thousands of findings over hundreds of articles.
 */
export function diagnosticsOfFindings(findings: readonly Finding[], issue: Issue): Diagnostic[] {
  const pages = new Map<number, SourcePos>();
  const articles = new Map<string, SourcePos>();
  for (const p of issue.pages) {
    if (!pages.has(p.number)) pages.set(p.number, p.pos);
    for (const a of p.articles) if (!articles.has(a.id)) articles.set(a.id, a.pos);
  }
  const start: SourcePos = { file: issue.file, line: 1, column: 1 };
  return findings.map((f) => {
    const pos = f.pos ?? (f.article === undefined ? undefined : articles.get(f.article)) ?? (f.page === undefined ? undefined : pages.get(f.page)) ?? start;
    const d: Diagnostic = { file: pos.file, line: pos.line, column: pos.column, severity: f.blocking ? 'error' : 'warning', code: f.code, page: f.page ?? null, article: f.article ?? null, message: printable(f.message) };
    if (f.figures) d.figures = f.figures;
    return d;
  });
}
