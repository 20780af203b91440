import type { Composition, Finding } from '../page/types.js';

/** The run's verdict for the nightly pipeline: one entry per article, with its findings. */
export interface RunReport {
  issue: string;
  pdf: string;
  exitCode: number;
  pages: { number: number; name: string; articles: string[] }[];
  articles: {
    id: string;
    pages: number[];
    charactersSet: number;
    oversetCharacters: number;
    oversetLines: number;
    warnings: { code: string; message: string }[];
  }[];
  findings: Finding[];
}

export function buildReport(issue: string, pdf: string, c: Composition, exitCode: number): RunReport {
  return {
    issue,
    pdf,
    exitCode,
    pages: c.pages.map((p) => ({ number: p.number, name: p.name, articles: [...new Set(p.boxes.map((b) => b.id))] })),
    articles: c.articles.map((a) => ({
      ...a,
      warnings: c.findings.filter((f) => f.article === a.id && f.code !== 'overset').map((f) => ({ code: f.code, message: f.message })),
    })),
    findings: c.findings,
  };
}
