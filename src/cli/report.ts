import type { Issue } from '../issue/types.js';
import type { ArticleReport, Composition, Hole } from '../page/types.js';
import { diagnosticsOfFindings, type Diagnostic } from './diagnostic.js';

/** The version of the report's shape (schema/report.schema.json): a pipeline checks it before it reads on. */
export const REPORT_VERSION = 1;

export interface PageReport {
  number: number;
  name: string;
  /** findings: a blocking finding stands on the page. */
  status: 'ok' | 'findings';
  articles: string[];
  holes: Hole[];
  spaces: { kind: string; label?: string }[];
  /** Overset of the articles whose last part stands on this page. */
  oversetCharacters: number;
  oversetLines: number;
}

/**
 * The run's verdict for the nightly pipeline, written by `compose -r` and, one per issue, by
 * `batch`: the issue, its PDF, its exit code, its pages and articles with their copyfit, and every
 * finding or problem as a diagnostic. An issue that did not compose has no PDF, pages or articles.
 */
export interface RunReport {
  reportVersion: typeof REPORT_VERSION;
  issue: string;
  pdf: string | null;
  exitCode: number;
  /** How long the issue took, in a batch. */
  ms?: number;
  pages: PageReport[];
  articles: (ArticleReport & { warnings: { code: string; message: string }[] })[];
  findings: Diagnostic[];
}

export function buildReport(issue: Issue, pdf: string, c: Composition, exitCode: number): RunReport {
  const findings = diagnosticsOfFindings(c.findings, issue);
  // Grouped once: a large issue has thousands of findings over hundreds of articles and pages.
  const warnings = new Map<string, { code: string; message: string }[]>();
  for (const f of c.findings) {
    if (f.article === undefined || f.code === 'overset') continue;
    let list = warnings.get(f.article);
    if (!list) warnings.set(f.article, (list = []));
    list.push({ code: f.code, message: f.message });
  }
  const blockedPages = new Set(c.findings.filter((f) => f.blocking).map((f) => f.page));
  const endedOn = new Map<number, ArticleReport[]>();
  for (const a of c.articles) {
    const last = a.pages[a.pages.length - 1];
    if (last === undefined) continue;
    let list = endedOn.get(last);
    if (!list) endedOn.set(last, (list = []));
    list.push(a);
  }
  return {
    reportVersion: REPORT_VERSION,
    issue: issue.file,
    pdf,
    exitCode,
    pages: c.pages.map((p) => {
      const ended = endedOn.get(p.number) ?? [];
      return {
        number: p.number,
        name: p.name,
        status: blockedPages.has(p.number) ? 'findings' : 'ok',
        articles: [...new Set(p.boxes.map((b) => b.id))],
        holes: p.holes,
        spaces: p.spaces.map((s) => ({ kind: s.kind, label: s.label })),
        oversetCharacters: ended.reduce((n, a) => n + a.oversetCharacters, 0),
        oversetLines: ended.reduce((n, a) => n + a.oversetLines, 0),
      };
    }),
    articles: c.articles.map((a) => ({
      ...a,
      warnings: warnings.get(a.id) ?? [],
    })),
    findings,
  };
}

/** The report of an issue that was not composed: bad input or a fault, as its diagnostics. */
export function failedReport(issue: string, exitCode: number, findings: Diagnostic[]): RunReport {
  return { reportVersion: REPORT_VERSION, issue, pdf: null, exitCode, pages: [], articles: [], findings };
}

/**
 * One article's copyfit as the desk reads it: rank and headline size, characters set, the head's
 * depth, body lines used of those available per column, and 超 / 缺.
 */
export function articleLine(a: ArticleReport): string {
  const size = a.headlineSize ? `, ${a.headlineSize} pt` : '';
  const parts = a.parts.map((p) => `p${p.page} ${p.place.lines} lines (head ${p.headLines}; ${p.columns.map((c) => `${c.used}/${c.available}`).join(' ')})`).join(', ');
  const fit = a.oversetCharacters ? `超${a.oversetCharacters}字 in ${a.oversetLines} lines overset` : `缺${a.underset}行`;
  return `${a.id} (page ${a.pages.join(', ')}; ${a.rank}${size}): ${a.charactersSet} characters set; ${parts}; ${fit}`;
}
