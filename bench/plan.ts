// The plan's figures for `npm run bench`: time per page, fill and holes over broadsheet pages of 6
// to 10 corpus stories (beside the project) chosen so that their natural depths fill the page,
// else the sample page's stories unplaced; and the sample's first plan in a new process.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument, stringify, type YAMLMap } from 'yaml';
import { loadIssue, parseIssue } from '../src/issue/parse.js';
import { fillOf } from '../src/plan/figures.js';
import { pagesToPlan, planIssue } from '../src/plan/plan.js';
import type { PageToPlan } from '../src/plan/plan.js';
import { cpuSince, figure, median, reportLine } from './child.js';
import type { PlainArticle } from './text.js';

/** Stories a bench page takes. */
const STORIES = [6, 10] as const;
/**
 * A page is made up when its stories' area at their ranks' typical spans is this share of the
 * page's free area: never more, or a story finds no room; a little less, which the underset the
 * layout lets pass and the other spans make up.
 */
const AREA_SHARE = [0.92, 1] as const;
/** The lead takes this share of the page at the least and the most, as a 头条 does. */
const LEAD_SHARE = [0.15, 0.4] as const;
/** A story longer than this would not fit a span of its rank: the desk would have jumped it. */
const LONGEST_STORY = 3_000;
/** Ranks in the order a page's stories are chosen: its lead first, then the seconds and thirds, then briefs. */
const RANKS = ['lead', 'second', 'second', 'third', 'third', 'third'];
const LATER_RANK = 'brief';
const SAMPLE_RANKS: Record<string, string> = { 'robotics-jump': 'second', 'commentary-jump': 'second' };
const ISSUE = { format: 1, paper: '重庆日报', date: '2024-12-25' };

export interface PlanPageFigures {
  /** The stories' area at their ranks' typical spans over the page's free area, percent. */
  areaShare: number;
  stories: number;
  fill: number;
  holeCells: number;
  leftOut: number;
  /** Median of the runs: wall and CPU, shapes and search. */
  ms: number;
  cpuMs: number;
  shapesMs: number;
  searchMs: number;
}

export interface PlanBench {
  pages: number;
  medianMs: number;
  worstMs: number;
  medianCpuMs: number;
  worstCpuMs: number;
  meanFill: number;
  withHoles: number;
  perPage: PlanPageFigures[];
  /** The sample's stories planned first thing in a new process (fonts loaded, shapes set, search), and the whole process. */
  firstMs: number;
  firstCpuMs: number;
  processMs: number;
}


/** One page of stories as the bench writes it: ranked in the order chosen, no places. */
const pageArticles = (page: PlainArticle[]) => page.map((a, k) => ({ id: `s${k + 1}`, rank: RANKS[k] ?? LATER_RANK, headline: a.headline, body: a.paragraphs }));

const issueText = (articles: object[]) => stringify({ ...ISSUE, pages: [{ number: 2, name: '要闻', layout: 'broadsheet', articles }] });

/** The middle of a rank's spans: where a story of that rank usually stands. */
function typicalSpan(p: PageToPlan, rank: string): number {
  const [fewest, most] = p.settings.spans.get(rank)!;
  return Math.floor((fewest + most) / 2);
}

/** Grid cells a story takes at its rank's typical span (or the nearest it fits), its free line under it counted. */
function areaAt(p: PageToPlan, k: number): number {
  const s = p.stories[k];
  const typical = typicalSpan(p, s.article.rank!);
  const shape = s.shapes.reduce((best, x) => (Math.abs(x.span - typical) < Math.abs(best.span - typical) ? x : best));
  return shape.span * (shape.natural + 1);
}

/**
 * Pages of corpus stories whose natural depths fill the page: stories are taken in corpus order,
 * the first of each page as its lead, each kept only while the page's total stays within its
 * free area; a page is made once the total comes to the least share.
 */
function corpusPages(corpus: PlainArticle[], count: number, file: string): { page: PlainArticle[]; share: number }[] {
  const pool = corpus.filter((a) => a.paragraphs.join('').length <= LONGEST_STORY);
  const areas = new Map<string, number>();
  let free = 0;
  // A story's area at the rank it would take, set once per story and rank.
  const area = (i: number, rank: string): number => {
    const key = `${i} ${rank}`;
    if (!areas.has(key)) {
      const articles = pageArticles([pool[i]]).map((a) => ({ ...a, rank }));
      try {
        const [p] = pagesToPlan(parseIssue(issueText(articles), file), {});
        free = p.room.white + p.room.columns;
        areas.set(key, areaAt(p, 0));
      } catch {
        // A story no span of the rank holds is not for this rank.
        areas.set(key, Infinity);
      }
    }
    return areas.get(key)!;
  };
  const used = new Set<number>();
  const pages: { page: PlainArticle[]; share: number }[] = [];
  while (pages.length < count) {
    const page: number[] = [];
    let total = 0;
    for (let i = 0; i < pool.length && page.length < STORIES[1]; i++) {
      if (used.has(i) || page.includes(i)) continue;
      const a = area(i, RANKS[page.length] ?? LATER_RANK);
      const share = (total + a) / free;
      if (page.length === 0 && (a / free < LEAD_SHARE[0] || a / free > LEAD_SHARE[1])) continue;
      if (share > AREA_SHARE[1]) continue;
      page.push(i);
      total += a;
      if (page.length >= STORIES[0] && total / free >= AREA_SHARE[0]) break;
    }
    if (page.length < STORIES[0] || total / free < AREA_SHARE[0]) break;
    for (const i of page) used.add(i);
    pages.push({ page: page.map((i) => pool[i]), share: total / free });
  }
  return pages;
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

/** The sample's stories planned first thing in a new process: its plan's time, CPU, and the process's time. */
function firstPlan(root: string, file: string): { ms: number; cpuMs: number; processMs: number } {
  const script = `
    import { loadIssue } from ${JSON.stringify(join(root, 'dist', 'src', 'issue', 'parse.js'))};
    import { planIssue } from ${JSON.stringify(join(root, 'dist', 'src', 'plan', 'plan.js'))};
    const t = performance.now();
    const cpu = process.cpuUsage();
    planIssue(loadIssue(${JSON.stringify(file)}), { candidates: 1, seed: 1 });
    const used = process.cpuUsage(cpu);
    ${reportLine('MS: performance.now() - t, TIMED: (used.user + used.system) / 1000,')}`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root });
  const processMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`plan: ${r.stderr}`);
  return { ms: figure(r.stderr, 'MS'), cpuMs: figure(r.stderr, 'TIMED'), processMs };
}

/**
 * Plans each bench page `runs` times in this process (shapes set afresh each time) and gathers
 * per page the median time, its fill and holes; then the sample's first plan in new processes.
 */
export function planBench(root: string, work: string, corpus: PlainArticle[], sample: string, count: number, runs: number): PlanBench {
  const sampleFile = sampleIssue(work, sample);
  const made = corpus.length ? corpusPages(corpus, count, join(work, 'plan-areas.yaml')) : [];
  const files = made.length
    ? made.map(({ page }, n) => {
        const file = join(work, `plan-${n}.yaml`);
        writeFileSync(file, issueText(pageArticles(page)));
        return file;
      })
    : [sampleFile];
  const perPage = files.map((file, n): PlanPageFigures => {
    const issue = loadIssue(file);
    const times: { ms: number; cpuMs: number; shapesMs: number; searchMs: number }[] = [];
    let planned: ReturnType<typeof planIssue>[number] | undefined;
    for (let r = 0; r < runs; r++) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      [planned] = planIssue(issue, { candidates: 1, seed: 1 });
      times.push({ ms: performance.now() - started, cpuMs: cpuSince(cpu), shapesMs: planned.shapesMs, searchMs: planned.searchMs });
    }
    const best = planned!.result.plans[0];
    return {
      areaShare: 100 * (made[n]?.share ?? NaN),
      stories: planned!.stories.length,
      fill: fillOf(planned!, best),
      holeCells: best.holeCells,
      leftOut: best.leftOut.length,
      ms: median(times.map((t) => t.ms)),
      cpuMs: median(times.map((t) => t.cpuMs)),
      shapesMs: median(times.map((t) => t.shapesMs)),
      searchMs: median(times.map((t) => t.searchMs)),
    };
  });
  const first = Array.from({ length: runs }, () => firstPlan(root, sampleFile));
  return {
    pages: perPage.length,
    medianMs: median(perPage.map((p) => p.ms)),
    worstMs: Math.max(...perPage.map((p) => p.ms)),
    medianCpuMs: median(perPage.map((p) => p.cpuMs)),
    worstCpuMs: Math.max(...perPage.map((p) => p.cpuMs)),
    meanFill: perPage.reduce((n, p) => n + p.fill, 0) / perPage.length,
    withHoles: perPage.filter((p) => p.holeCells || p.leftOut).length,
    perPage,
    firstMs: median(first.map((f) => f.ms)),
    firstCpuMs: median(first.map((f) => f.cpuMs)),
    processMs: median(first.map((f) => f.processMs)),
  };
}
