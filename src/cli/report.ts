import { printable } from '../issue/errors.js';
import type { ArticleReport, Composition, Finding, Hole } from '../page/types.js';

/** The run's verdict for the nightly pipeline: one entry per article, with its findings. */
export interface RunReport {
  issue: string;
  pdf: string;
  exitCode: number;
  pages: { number: number; name: string; articles: string[]; holes: Hole[]; spaces: { kind: string; label?: string }[] }[];
  articles: (ArticleReport & { warnings: { code: string; message: string }[] })[];
  findings: Finding[];
}

export function buildReport(issue: string, pdf: string, c: Composition, exitCode: number): RunReport {
  return {
    issue,
    pdf,
    exitCode,
    pages: c.pages.map((p) => ({ number: p.number, name: p.name, articles: [...new Set(p.boxes.map((b) => b.id))], holes: p.holes, spaces: p.spaces.map((s) => ({ kind: s.kind, label: s.label })) })),
    articles: c.articles.map((a) => ({
      ...a,
      warnings: c.findings.filter((f) => f.article === a.id && f.code !== 'overset').map((f) => ({ code: f.code, message: f.message })),
    })),
    findings: c.findings,
  };
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

/** A finding as standard error gives it: error or warning, its code, page and article, its message. */
export function findingLine(f: Finding): string {
  const where = [f.page !== undefined ? `page ${f.page}` : '', f.article ? `article ${f.article}` : ''].filter(Boolean).join(', ');
  return `${f.blocking ? 'error' : 'warning'}: ${f.code}${where ? ` (${where})` : ''}: ${printable(f.message)}`;
}
