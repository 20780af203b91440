// The plan's figures for `npm run bench`: time per page and fill over broadsheet pages of 6 to 10
// stories built from the corpus (beside the project), else the sample page's stories unplaced.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument, stringify, type YAMLMap } from 'yaml';
import { loadIssue } from '../src/issue/parse.js';
import { fillOf } from '../src/plan/figures.js';
import { planIssue } from '../src/plan/plan.js';
import type { PlainArticle } from './text.js';

/** Stories a bench page takes, and the characters it is filled to: about what a broadsheet page of 8 × 13 字 × 103 lines sets under its headlines. */
const STORIES = [6, 10] as const;
const PAGE_CHARACTERS = 8_500;
/** A story longer than this would not fit a span of its rank: the desk would have jumped it. */
const LONGEST_STORY = 3_000;
const RANKS = ['lead', 'second', 'second', 'third', 'third'];
const SAMPLE_RANKS: Record<string, string> = { 'robotics-jump': 'second', 'commentary-jump': 'second' };

export interface PlanBench {
  pages: number;
  medianMs: number;
  worstMs: number;
  meanFill: number;
  withHoles: number;
}

/** Pages of corpus stories, each filled to about a page's characters with 6 to 10 stories. */
function corpusPages(corpus: PlainArticle[], count: number): PlainArticle[][] {
  const usable = corpus.filter((a) => a.paragraphs.join('').length <= LONGEST_STORY);
  const pages: PlainArticle[][] = [];
  let k = 0;
  while (pages.length < count && k < usable.length) {
    const page: PlainArticle[] = [];
    let chars = 0;
    while (k < usable.length && page.length < STORIES[1] && (page.length < STORIES[0] || chars < PAGE_CHARACTERS)) {
      const a = usable[k++];
      const n = a.paragraphs.join('').length;
      if (page.length >= STORIES[0] && chars + n > PAGE_CHARACTERS * 1.05) continue;
      page.push(a);
      chars += n;
    }
    if (page.length >= STORIES[0]) pages.push(page);
  }
  return pages;
}

function corpusIssue(work: string, n: number, page: PlainArticle[]): string {
  const issue = {
    format: 1,
    paper: '重庆日报',
    date: '2024-12-25',
    pages: [{ number: 2, name: '要闻', layout: 'broadsheet', articles: page.map((a, k) => ({ id: `s${k + 1}`, rank: RANKS[k] ?? 'brief', headline: a.headline, body: a.paragraphs })) }],
  };
  const file = join(work, `plan-${n}.yaml`);
  writeFileSync(file, stringify(issue));
  return file;
}

/** The sample page with its places taken away and every story ranked. */
function sampleIssue(work: string, sample: string): string {
  const doc = parseDocument(readFileSync(sample, 'utf8'));
  for (const a of (doc.getIn(['pages', 0, 'articles']) as { items: YAMLMap[] }).items) {
    a.delete('place');
    const id = a.get('id') as string;
    if (SAMPLE_RANKS[id]) a.set('rank', SAMPLE_RANKS[id]);
  }
  const file = join(work, 'plan-sample.yaml');
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return file;
}

/** Plans each bench page once in this process (shapes set afresh per page) and gathers time and fill. */
export function planBench(work: string, corpus: PlainArticle[], sample: string, count: number): PlanBench {
  const files = corpus.length ? corpusPages(corpus, count).map((p, n) => corpusIssue(work, n, p)) : [sampleIssue(work, sample)];
  const times: number[] = [];
  const fills: number[] = [];
  let withHoles = 0;
  for (const file of files) {
    const started = performance.now();
    const [planned] = planIssue(loadIssue(file), { candidates: 1, seed: 1 });
    times.push(performance.now() - started);
    const best = planned.result.plans[0];
    fills.push(fillOf(planned, best));
    if (best.holeCells || best.leftOut.length) withHoles++;
  }
  const sorted = [...times].sort((a, b) => a - b);
  return { pages: files.length, medianMs: sorted[Math.floor(sorted.length / 2)], worstMs: sorted[sorted.length - 1], meanFill: fills.reduce((n, f) => n + f, 0) / fills.length, withHoles };
}
