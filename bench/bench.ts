// npm run bench: Banmian's speed and memory, and Typst's on the same text in the same run.
// Medians of several runs; ratios from this run's medians; nothing here is a test, and no test times anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { buildIssue, composeSession, fontRegistry, pdfPathOf } from '../src/pipeline/compose.js';
import { writeAtomically } from '../src/files.js';
import type { Composition } from '../src/page/types.js';
import { startPreview } from '../src/serve/server.js';
import { composeParagraph } from '../src/text/paragraph.js';
import { CHROMIUM, previewSaveToDrawn } from './browser.js';
import { cpuSince, figure, median, reportLine } from './child.js';
import type { ParallelFigures } from './parallel.js';
import { planBench } from './plan.js';
import { applyEdit, articleBlocks, editRound, plainBlocks, setPart, type Edit, type PlainArticle, type TextBlock } from './text.js';
import { typstCharacters, typstCold, typstCompile, typstDocument, typstFonts, WATCH_EVICTION_AGE } from './typst.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'articles.jsonl');
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5));
const PAGE_COUNTS = [8, 24, 48, 96];
/** Corpus pages the plan's figures are taken over. */
const PLAN_PAGES = 12;
/** The desk's edit for the warm figures: a word of the 春晚 story, changed back and forth. */
const EDIT: Edit = { from: '满屏新意', to: '满屏新颖' };
/** Edits each side takes untimed before the warm rounds. */
const WARM_UP_EDITS = 5;
/** Edits timed, warm and in the browser alike: the median of at least ten. */
const TIMED_EDITS = Math.max(11, RUNS);
/**
 * The same word made another at each save of the preview's image: changed back and forth, the
 * page would look as it did two saves before, and its image would come from the preview's cache.
 */
const NEW_WORDS = ['满屏新颖', '满屏新奇', '满屏新鲜', '满屏新潮', '满屏新貌', '满屏新景', '满屏新风', '满屏新象', '满屏新篇', '满屏新韵', '满屏新彩', '满屏新姿'];
/** The sample with the word of its `i`th preview save. */
const withNewWord = (sample: string, i: number) => applyEdit(sample, { from: EDIT.from, to: NEW_WORDS[i % NEW_WORDS.length] });
const work = mkdtempSync(join(tmpdir(), 'banmian-bench-'));
const out = join(work, 'out');
const typstPdf = join(work, 'typst-warm.pdf');
const env = { ...process.env, BANMIAN_CACHE: join(work, 'cache') };

const time = async (f: () => unknown) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};
const repeat = async <T>(n: number, f: (i: number) => T | Promise<T>): Promise<T[]> => {
  const xs: T[] = [];
  for (let i = 0; i < n; i++) xs.push(await f(i));
  return xs;
};
const setTotals = (c: Composition) => ({
  set: c.articles.reduce((n, a) => n + a.charactersSet, 0),
  overset: c.articles.reduce((n, a) => n + a.oversetCharacters, 0),
});

/** Real text: the corpus articles where the corpus is beside the project, else none (the sample alone). */
const corpus: PlainArticle[] = existsSync(CORPUS)
  ? readFileSync(CORPUS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PlainArticle).filter((a) => a.headline && a.paragraphs.length)
  : [];

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
/**
 * The corpus read with a stride prime to its length: it opens with a run of short reports, and an
 * issue of a few pages taken from its start would be mostly empty pages, unlike a large one.
 */
const mixed: PlainArticle[] = (() => {
  let stride = Math.max(1, Math.floor(corpus.length / 3));
  while (gcd(stride, corpus.length) !== 1) stride++;
  return corpus.map((_, i) => corpus[(i * stride) % corpus.length]);
})();

/** One run of Banmian: wall and CPU time, peak memory, the PDF's size. */
interface BanmianRun {
  ms: number;
  cpuMs: number;
  rssMiB: number;
  bytes: number;
}

/** A new process composes an issue file to PDF, pictures from the cache, with the bundle `compose` runs. */
function banmianCold(issue: string): BanmianRun {
  const script = `
    import { main } from ${JSON.stringify(join(ROOT, 'dist', 'compose', 'compose.js'))};
    const code = await main(['node', 'compose', ${JSON.stringify(issue)}, '-o', ${JSON.stringify(out)}, '-q']);
    ${reportLine()}
    process.exitCode = code > 1 ? code : 0;`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: ROOT });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`banmian: ${r.stderr}`);
  return { ms, cpuMs: figure(r.stderr, 'CPU'), rssMiB: figure(r.stderr, 'RSS') / 1024, bytes: statSync(pdfPathOf(issue, out)).size };
}

/**
 * A process warmed on the sample composes a large issue: its time and its peak memory. Both go
 * through the command's entry in the bundle, as the nightly pipeline's `compose` runs them.
 */
function banmianLarge(issue: string): BanmianRun {
  const compose = (file: string) => `await main(['node', 'compose', ${JSON.stringify(file)}, '-o', ${JSON.stringify(out)}, '-q'])`;
  const script = `
    import { main } from ${JSON.stringify(join(ROOT, 'dist', 'compose', 'compose.js'))};
    ${compose(SAMPLE)};
    const t = performance.now();
    const cpu = process.cpuUsage();
    const code = ${compose(issue)};
    const used = process.cpuUsage(cpu);
    ${reportLine('MS: performance.now() - t, TIMED: (used.user + used.system) / 1000,')}
    process.exitCode = code > 1 ? code : 0;`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: ROOT, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`banmian ${issue}: ${r.stderr}`);
  return { ms: figure(r.stderr, 'MS'), cpuMs: figure(r.stderr, 'TIMED'), rssMiB: figure(r.stderr, 'RSS') / 1024, bytes: statSync(pdfPathOf(issue, out)).size };
}

type Pages = PlainArticle[][];

/** An issue of broadsheet pages, four articles of two columns each down the whole page. */
function writeIssue(name: string, pages: Pages, first = 1): string {
  const issue = {
    format: 1,
    paper: '重庆日报',
    date: '2024-12-25',
    pages: pages.map((articles, p) => ({
      number: first + p,
      name: '要闻',
      layout: 'broadsheet',
      articles: articles.map((a, k) => ({ id: `a${first + p}-${k + 1}`, place: { column: 1 + 2 * k, span: 2, line: 1, lines: 'bottom' }, headline: a.headline, body: a.paragraphs })),
    })),
  };
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify(issue));
  return file;
}

/**
 * `count` pages of corpus text, each article cut to what its box sets, so that Banmian sets the
 * whole of it and Typst is handed the same characters: neither side sets text the other drops.
 */
async function sameTextIssue(count: number): Promise<{ file: string; pages: Pages; set: number; overset: number }> {
  let pages: Pages = Array.from({ length: count }, (_, p) => [0, 1, 2, 3].map((k) => mixed[(p * 4 + k) % mixed.length]));
  // A cut paragraph is broken anew and may end otherwise: cut again by what the shorter text set.
  for (let round = 0; ; round++) {
    const file = writeIssue(`pages-${count}`, pages);
    const { composition } = await buildIssue(file);
    const totals = setTotals(composition);
    if (!totals.overset || round === 3) return { file, pages, ...totals };
    const reports = new Map(composition.articles.map((a) => [a.id, a]));
    pages = pages.map((articles, p) => articles.map((a, k) => setPart(a, reports.get(`a${p + 1}-${k + 1}`)!)));
  }
}

/** The preview composes after a save and serves the changed page, drawn anew: from the save to the image's last byte. */
async function previewSaveToImage(sample: string, page: number): Promise<number[]> {
  const file = join(work, 'preview.yaml');
  writeFileSync(file, sample);
  const preview = await startPreview(file, { host: '127.0.0.1', port: 0, dpi: 60 });
  try {
    await preview.ready;
    const image = async () => (await fetch(`${preview.url}page/${page}.png`)).arrayBuffer();
    await image();
    return await repeat(RUNS, async (i) => {
      const events = new AbortController();
      const stream = (await fetch(`${preview.url}events`, { signal: events.signal })).body!.getReader();
      const versions = (async function* () {
        for (let chunk = await stream.read(); !chunk.done; chunk = await stream.read()) {
          for (const m of new TextDecoder().decode(chunk.value).matchAll(/data: (\d+)/g)) yield Number(m[1]);
        }
      })();
      const current = (await versions.next()).value as number;
      const t = performance.now();
      writeFileSync(file, withNewWord(sample, i));
      for await (const v of versions) if (v > current) break;
      await image();
      const ms = performance.now() - t;
      events.abort();
      return ms;
    });
  } finally {
    await preview.close();
  }
}

interface Row {
  what: string;
  banmian: string;
  typst: string;
  ratio: string;
  /** Banmian's CPU time over Typst's: the comparison other work on the machine disturbs least. */
  cpuRatio?: string;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    runs: RUNS,
    corpusArticles: corpus.length,
  };
  const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const count = (n: number) => n.toLocaleString('en');
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const typst = NodeCompiler.create({ workspace: work, fontArgs: [{ fontPaths: typstFonts(ROOT) }] });

  // The sample as Banmian sets it, and the same articles page by page for Typst.
  const sample = readFileSync(SAMPLE, 'utf8');
  const built = await buildIssue(SAMPLE);
  const sampleTotals = setTotals(built.composition);
  const samplePages: TextBlock[][] = built.issue.pages.map((p, i) => p.articles.flatMap((a) => articleBlocks(a, built.plan.pages[i].template.styles)));
  const sampleDoc = typstDocument(samplePages);
  const pagesWord = `${samplePages.length} page${samplePages.length === 1 ? '' : 's'}`;
  notes.push(`sample: Banmian sets ${count(sampleTotals.set)} characters (${count(sampleTotals.overset)} overset), Typst is handed ${count(typstCharacters(samplePages))}`);

  // 1. Cold: a new process composes the sample issue / Typst compiles the same text on as many pages.
  banmianCold(SAMPLE); // fills the picture cache, as a desk's machine has it
  // Each side's runs alternate with the other's, so that both meet the machine in the same state.
  const coldPairs = await repeat(RUNS, () => ({ banmian: banmianCold(SAMPLE), typst: typstCold(ROOT, work, sampleDoc) }));
  const cold = coldPairs.map((p) => p.banmian);
  const typstColdRuns = coldPairs.map((p) => p.typst);
  const coldB = median(cold.map((c) => c.ms));
  const coldT = median(typstColdRuns.map((c) => c.ms));
  const [coldCpuB, coldCpuT] = [median(cold.map((c) => c.cpuMs)), median(typstColdRuns.map((c) => c.cpuMs))];
  rows.push({ what: `cold: sample issue (${pagesWord}), whole process`, banmian: ms(coldB), typst: ms(coldT), ratio: ratio(coldB, coldT), cpuRatio: ratio(coldCpuB, coldCpuT) });
  notes.push(`sample PDF: Banmian ${kb(cold[0].bytes)} (PDF/X, embedded profile), Typst ${kb(typstColdRuns[0].bytes)} on ${typstColdRuns[0].pages} page(s)`);
  results.cold = {
    banmianMs: coldB, typstMs: coldT, banmianCpuMs: coldCpuB, typstCpuMs: coldCpuT,
    banmianRssMiB: median(cold.map((c) => c.rssMiB)), typstRssMiB: median(typstColdRuns.map((c) => c.rssMiB)),
    banmianBytes: cold[0].bytes, typstBytes: typstColdRuns[0].bytes, typstPages: typstColdRuns[0].pages,
    banmianCharactersSet: sampleTotals.set, banmianCharactersOverset: sampleTotals.overset, typstCharacters: typstCharacters(samplePages),
  };

  // 2. Warm: the same edit to one article on both sides, until the PDF is written; Banmian in the
  // session a warm process (serve, compose --watch) keeps, so only the edited article is set again.
  const edited = join(work, 'edited.yaml');
  writeFileSync(edited, sample);
  const session = composeSession();
  await session.compose(edited, out);
  typstCompile(typst, sampleDoc, typstPdf);
  // Round by round: Banmian, then Typst with its cache kept, then Typst from nothing on the same text.
  // The first rounds are not counted, on either side: a desk's process has taken edits before the
  // one it is waited on for, and both sides' code is then as warm as their caches.
  const warmRound = async (i: number) => {
    writeFileSync(edited, editRound(sample, EDIT, i));
    const t = performance.now();
    const cpu = process.cpuUsage();
    await session.compose(edited, out);
    const banmian = { ms: performance.now() - t, cpuMs: cpuSince(cpu) };
    const doc = editRound(sampleDoc, EDIT, i);
    typst.evictCache(WATCH_EVICTION_AGE);
    const incremental = typstCompile(typst, doc, typstPdf);
    typst.evictCache(0);
    return { banmian, incremental, full: typstCompile(typst, doc, typstPdf) };
  };
  await repeat(WARM_UP_EDITS, warmRound);
  const warmRounds = await repeat(TIMED_EDITS, (i) => warmRound(WARM_UP_EDITS + i));
  const warmMedian = (k: 'banmian' | 'incremental' | 'full', of: 'ms' | 'cpuMs') => median(warmRounds.map((r) => r[k][of]));
  const [warmB, incT, fullT] = [warmMedian('banmian', 'ms'), warmMedian('incremental', 'ms'), warmMedian('full', 'ms')];
  const [warmCpuB, incCpuT, fullCpuT] = [warmMedian('banmian', 'cpuMs'), warmMedian('incremental', 'cpuMs'), warmMedian('full', 'cpuMs')];
  rows.push({ what: 'warm: one article edited, Banmian recompose vs Typst incremental', banmian: ms(warmB), typst: ms(incT), ratio: ratio(warmB, incT), cpuRatio: ratio(warmCpuB, incCpuT) });
  rows.push({ what: 'warm: the same edit, Typst full recompile (evictCache(0))', banmian: ms(warmB), typst: ms(fullT), ratio: ratio(warmB, fullT), cpuRatio: ratio(warmCpuB, fullCpuT) });
  results.warm = { edit: EDIT, banmianMs: warmB, typstIncrementalMs: incT, typstFullMs: fullT, banmianCpuMs: warmCpuB, typstIncrementalCpuMs: incCpuT, typstFullCpuMs: fullCpuT, typstEvictionAge: WATCH_EVICTION_AGE, banmianPath: 'a compose session kept between edits' };

  // 3. Composition alone: paragraphs into 13-em lines, total fit (what the page uses) and first fit, the same text.
  const fonts = fontRegistry();
  const face = fonts.faceOf('song');
  const paragraphs = (corpus.length ? corpus.map(plainBlocks) : samplePages).flat().filter((b) => !b.heading).map((b) => b.text);
  const characters = paragraphs.reduce((n, p) => n + [...p].length, 0);
  const compose = (firstFit: boolean) => () => {
    for (const p of paragraphs)
      composeParagraph({ runs: [{ text: p, face, latin: { min: 1 / 8, max: 1 / 4 } }], measure: 13, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: '亿万元年月日版', firstFit }, fonts);
  };
  const rate = async (firstFit: boolean) => {
    compose(firstFit)();
    return median(await repeat(RUNS, async () => characters / ((await time(compose(firstFit))) / 1000)));
  };
  const perSecond = await rate(false);
  const firstFitPerSecond = await rate(true);
  const chars = (v: number) => `${(v / 1e6).toFixed(2)} M chars/s`;
  rows.push({ what: `composition alone, total fit (${count(characters)} characters)`, banmian: chars(perSecond), typst: '–', ratio: '' });
  rows.push({ what: 'composition alone, first fit (the same text)', banmian: chars(firstFitPerSecond), typst: '–', ratio: '' });
  results.composition = { characters, charactersPerSecond: perSecond, firstFitCharactersPerSecond: firstFitPerSecond };

  // 4. Per page: issues of 8 to 96 pages, each a new process warmed on the sample (for its peak memory).
  const large: Record<string, unknown>[] = [];
  let biggest: { file: string; pages: Pages } | undefined;
  for (const n of corpus.length ? PAGE_COUNTS : []) {
    const issue = await sameTextIssue(n);
    const pages = issue.pages.map((p) => p.flatMap(plainBlocks));
    const doc = typstDocument(pages);
    const pairs = await repeat(RUNS, () => {
      const banmian = banmianLarge(issue.file);
      typst.evictCache(0);
      return { banmian, typst: typstCompile(typst, doc, typstPdf) };
    });
    const banmian = pairs.map((p) => p.banmian);
    const typstRuns = pairs.map((p) => p.typst);
    const [b, t] = [median(banmian.map((r) => r.ms)), median(typstRuns.map((r) => r.ms))];
    const [cpuB, cpuT] = [median(banmian.map((r) => r.cpuMs)), median(typstRuns.map((r) => r.cpuMs))];
    const rss = median(banmian.map((r) => r.rssMiB));
    rows.push({ what: `${n} pages, warm, per page (peak ${rss.toFixed(0)} MiB)`, banmian: ms(b / n), typst: ms(t / n), ratio: ratio(b, t), cpuRatio: ratio(cpuB, cpuT) });
    notes.push(`${n} pages: Banmian sets ${count(issue.set)} characters (${count(issue.overset)} overset), ${kb(banmian[0].bytes)}; Typst is handed ${count(typstCharacters(pages))} and sets them on ${typstRuns[0].pages} pages, ${kb(typstRuns[0].bytes)}`);
    large.push({
      pages: n, banmianMsPerPage: b / n, typstMsPerPage: t / n, banmianCpuMsPerPage: cpuB / n, typstCpuMsPerPage: cpuT / n, banmianPeakRssMiB: rss,
      banmianCharactersSet: issue.set, banmianCharactersOverset: issue.overset, typstCharacters: typstCharacters(pages), typstPages: typstRuns[0].pages,
      banmianBytes: banmian[0].bytes, typstBytes: typstRuns[0].bytes,
    });
    biggest = issue;
  }
  results.pages = large;

  // 5. The largest issue split over two warm worker threads against the main thread alone, round by round.
  if (biggest) {
    const half = Math.ceil(biggest.pages.length / 2);
    const parts = [writeIssue('part-1', biggest.pages.slice(0, half)), writeIssue('part-2', biggest.pages.slice(half), half + 1)];
    const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', 'parallel.js'), SAMPLE, biggest.file, out, String(RUNS), ...parts], { encoding: 'utf8', env, cwd: ROOT });
    if (r.status !== 0) throw new Error(`parallel: ${r.stderr}`);
    const f = JSON.parse(r.stdout) as ParallelFigures;
    const [whole, split, composition] = [median(f.wholeMs), median(f.splitMs), median(f.composeMs)];
    const n = biggest.pages.length;
    rows.push({ what: `${n} pages, ${f.workers} warm worker threads against one, per page (no join)`, banmian: `${ms(split / n)} vs ${ms(whole / n)}`, typst: '–', ratio: `${(whole / split).toFixed(2)}× speed-up` });
    const [wholeCpu, splitCpu] = [median(f.wholeCpuMs), median(f.splitCpuMs)];
    notes.push(`${n} pages in one thread: ${ms(whole)} (CPU ${ms(wholeCpu)}), of which composition ${ms(composition)} (${((composition / whole) * 100).toFixed(0)} %); over ${f.workers} threads ${ms(split)} (CPU ${ms(splitCpu)}); pool start ${ms(f.poolStartMs)}; peak ${f.peakRssMiB.toFixed(0)} MiB`);
    results.parallel = { pages: n, workers: f.workers, wholeMs: whole, splitMs: split, wholeCpuMs: wholeCpu, splitCpuMs: splitCpu, compositionMs: composition, speedUp: whole / split, poolStartMs: f.poolStartMs, peakRssMiB: f.peakRssMiB };
  }

  // 6. The preview: a save until the changed page's image has arrived (over HTTP; the browser's drawing not counted).
  const preview = median(await previewSaveToImage(sample, built.composition.pages[0].number));
  rows.push({ what: 'preview: save to updated page image (HTTP, a new word each save, 15 ms settle included)', banmian: ms(preview), typst: '–', ratio: '' });
  const drawn = await previewSaveToDrawn(work, sample, (i) => withNewWord(sample, i), TIMED_EDITS);
  if (drawn) {
    // The proof image is the composition drawn by the preview itself, not the PDF: pdf.js's drawing replaces it.
    const missed = drawn.imageMissed ? `, ${drawn.imageMissed} of ${TIMED_EDITS} drawn by pdf.js first` : '';
    rows.push({ what: `preview: save to the changed page's proof image on screen (browser; the composition, not yet the PDF${missed})`, banmian: drawn.image.length ? ms(median(drawn.image)) : '–', typst: '–', ratio: '' });
    rows.push({ what: 'preview: save to changed page drawn by pdf.js (canvas, Chromium)', banmian: ms(median(drawn.canvas)), typst: '–', ratio: '' });
    rows.push({ what: 'preview: save to changed page drawn by pdf.js with its text layer', banmian: ms(median(drawn.text)), typst: '–', ratio: '' });
  } else notes.push(`preview in the browser left out: no Chromium at ${CHROMIUM}`);
  results.preview = {
    saveToImageMs: preview,
    dpi: 60,
    saveToProofImageMs: drawn?.image.length ? median(drawn.image) : null,
    proofImageMissed: drawn ? drawn.imageMissed : null,
    saveToCanvasMs: drawn ? median(drawn.canvas) : null,
    saveToDrawnMs: drawn ? median(drawn.text) : null,
  };

  // 7. The plan (compose plan): broadsheet pages of 6 to 10 stories that fill the page, shapes set and the search, per page.
  const plan = planBench(ROOT, work, mixed, SAMPLE, PLAN_PAGES, RUNS);
  rows.push({ what: `plan: ${plan.pages} broadsheet page(s) of 6–10 stories, per page (worst ${ms(plan.worstMs)}); fill ${plan.meanFill.toFixed(1)} %, ${plan.withHoles} with holes`, banmian: ms(plan.medianMs), typst: '–', ratio: '', cpuRatio: `CPU ${ms(plan.medianCpuMs)} (worst ${ms(plan.worstCpuMs)})` });
  rows.push({ what: 'plan: the sample page, first in a new process (fonts, shapes, search)', banmian: ms(plan.firstMs), typst: '–', ratio: '', cpuRatio: `CPU ${ms(plan.firstCpuMs)}; process ${ms(plan.processMs)}` });
  plan.perPage.forEach((p, n) =>
    notes.push(`plan page ${n + 1}: ${p.stories} stories, area ${p.areaShare.toFixed(0)} % of the page; fill ${p.fill.toFixed(1)} %, holes ${p.holeCells} cells${p.leftOut ? `, ${p.leftOut} left out` : ''}; ${ms(p.ms)} (CPU ${ms(p.cpuMs)}; shapes ${ms(p.shapesMs)}, search ${ms(p.searchMs)})`),
  );
  results.plan = plan;

  const width = Math.max(...rows.map((r) => r.what.length));
  const ratioWidth = Math.max(...rows.map((r) => r.ratio.length), 'ratio'.length);
  process.stdout.write(`${'measure'.padEnd(width)}  ${'Banmian'.padStart(16)}  ${'Typst'.padStart(9)}  ${'ratio'.padEnd(ratioWidth)}  CPU ratio\n`);
  for (const r of rows) process.stdout.write(`${r.what.padEnd(width)}  ${r.banmian.padStart(16)}  ${r.typst.padStart(9)}  ${r.ratio.padEnd(ratioWidth)}  ${r.cpuRatio ?? ''}\n`);
  for (const n of notes) process.stdout.write(`  ${n}\n`);
  results.table = rows;
  writeAtomically(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`bench/results.json written (${RUNS} runs each, medians; ${corpus.length ? `${corpus.length} corpus articles` : 'the sample only'})\n`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
