// npm run bench: Banmian's speed and memory, and Typst's on the same content in the same run.
// Medians of several runs; nothing here is a test, and no test times anything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { composeFile, fontRegistry } from '../src/pipeline/compose.js';
import { writeAtomically } from '../src/files.js';
import { composeParagraph } from '../src/text/paragraph.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'articles.jsonl');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'banmian-bench-'));
const env = { ...process.env, BANMIAN_CACHE: join(work, 'cache') };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (f: () => unknown | Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

/** Real text: the sample's paragraphs, and the corpus articles where the corpus is beside the project. */
type Article = { headline: string; paragraphs: string[] };
const sampleIssue = parse(readFileSync(SAMPLE, 'utf8')) as { pages: { articles: { id: string; headline?: string | string[]; body?: unknown[] }[] }[] };
const sampleArticles: Article[] = sampleIssue.pages.flatMap((p) => p.articles).map((a) => ({
  headline: Array.isArray(a.headline) ? a.headline.join(' ') : (a.headline ?? ''),
  paragraphs: (a.body ?? []).map((b) => (typeof b === 'string' ? b : ((b as { text?: string }).text ?? ''))).filter(Boolean),
}));
const corpus: Article[] = existsSync(CORPUS)
  ? readFileSync(CORPUS, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Article).filter((a) => a.headline && a.paragraphs.length)
  : [];
const articles = corpus.length ? corpus : sampleArticles;

// ---------------------------------------------------------------------------
// Typst, in-process through its npm compiler, fed the same text on the same page.

const typstFonts = [
  join(ROOT, 'node_modules', '@expo-google-fonts', 'noto-serif-sc', '400Regular'),
  join(ROOT, 'node_modules', '@expo-google-fonts', 'noto-sans-sc', '700Bold'),
];
const typstString = (s: string) => `#"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** One broadsheet page per `pages`, 8 columns of 9 pt Noto Serif SC, justified, 2-em indents. */
function typstDocument(list: Article[], pages: number): string {
  const head = `#set page(width: 390mm, height: 545mm, margin: (x: 18.8mm, y: 27.3mm), columns: 8)
#set columns(gutter: 9pt)
#set text(font: "Noto Serif SC", size: 9pt, lang: "zh", region: "cn")
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 4.5pt, spacing: 4.5pt)
#show heading: set text(font: "Noto Sans SC", size: 16pt)
`;
  const body: string[] = [];
  for (let p = 0; p < pages; p++) {
    if (p) body.push('#pagebreak()');
    for (const a of list.slice((p * 4) % list.length).concat(list).slice(0, 4)) {
      body.push(...(a.headline ? [`= ${typstString(a.headline)}`] : []), ...a.paragraphs.map(typstString));
    }
  }
  return head + body.join('\n\n');
}

function typstCold(doc: string): { ms: number; rssMiB: number } {
  const main = join(work, 'typst-main.typ');
  writeFileSync(main, doc);
  const script = `
    import { NodeCompiler } from ${JSON.stringify(join(ROOT, 'node_modules', '@myriaddreamin', 'typst-ts-node-compiler', 'index.js'))};
    import { writeFileSync } from 'node:fs';
    const c = NodeCompiler.create({ workspace: ${JSON.stringify(work)}, fontArgs: [{ fontPaths: ${JSON.stringify(typstFonts)} }] });
    writeFileSync(${JSON.stringify(join(work, 'typst.pdf'))}, c.pdf({ mainFilePath: ${JSON.stringify(main)} }));
    process.stderr.write('RSS ' + process.resourceUsage().maxRSS + '\\n');`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`typst: ${r.stderr}`);
  return { ms, rssMiB: Number(r.stderr.match(/RSS (\d+)/)?.[1] ?? 0) / 1024 };
}

// ---------------------------------------------------------------------------
// Banmian

function banmianCold(issue: string): { ms: number; rssMiB: number } {
  const script = `
    import { main } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'main.js'))};
    const code = await main(['node', 'compose', ${JSON.stringify(issue)}, '-o', ${JSON.stringify(join(work, 'out'))}, '-q']);
    process.stderr.write('RSS ' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = code > 1 ? code : 0;`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: ROOT });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`banmian: ${r.stderr}`);
  return { ms, rssMiB: Number(r.stderr.match(/RSS (\d+)/)?.[1] ?? 0) / 1024 };
}

/** An issue of `pages` broadsheet pages, four articles of two columns each, from real text. */
function manyPages(pages: number): string {
  const issue = {
    format: 1,
    paper: '重庆日报',
    date: '2024-12-25',
    pages: Array.from({ length: pages }, (_, p) => ({
      number: p + 1,
      name: '要闻',
      layout: 'broadsheet',
      articles: [0, 1, 2, 3].map((k) => {
        const a = articles[(p * 4 + k) % articles.length];
        return { id: `a${p + 1}-${k + 1}`, place: { column: 1 + 2 * k, span: 2, line: 1, lines: 'bottom' }, ...(a.headline ? { headline: a.headline } : {}), body: a.paragraphs };
      }),
    })),
  };
  const file = join(work, `pages-${pages}.yaml`);
  writeFileSync(file, stringify(issue));
  return file;
}

async function main(): Promise<void> {
  const rows: { what: string; banmian: string; typst: string; ratio: string }[] = [];
  const results: Record<string, unknown> = { date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, runs: RUNS, corpusArticles: corpus.length };
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

  // 1. Cold: a new process composes the sample issue / Typst compiles the same text on as many pages.
  banmianCold(SAMPLE); // fills the picture cache, as a desk's machine has it
  const cold = Array.from({ length: RUNS }, () => banmianCold(SAMPLE));
  const samplePages = sampleIssue.pages.length;
  const sampleText = typstDocument(sampleArticles, samplePages);
  const typstColdRuns = Array.from({ length: RUNS }, () => typstCold(sampleText));
  const coldB = median(cold.map((c) => c.ms));
  const coldT = median(typstColdRuns.map((c) => c.ms));
  rows.push({ what: `cold: sample issue (${samplePages} page${samplePages === 1 ? '' : 's'}), whole process`, banmian: ms(coldB), typst: ms(coldT), ratio: ratio(coldB, coldT) });
  results.cold = { banmianMs: coldB, typstMs: coldT, banmianRssMiB: median(cold.map((c) => c.rssMiB)), typstRssMiB: median(typstColdRuns.map((c) => c.rssMiB)) };

  // 2. Warm: the desk edits the issue and composes again in the same process.
  const edited = join(work, 'edited.yaml');
  const sample = readFileSync(SAMPLE, 'utf8');
  await composeFile(SAMPLE, join(work, 'out'));
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(edited, sample.replace(/(number: 2\n\s+name: )要闻/, i % 2 ? '$1综合' : '$1要闻'));
    warm.push(await time(() => composeFile(edited, join(work, 'out'))));
  }
  const { NodeCompiler } = (await import('@myriaddreamin/typst-ts-node-compiler')) as typeof import('@myriaddreamin/typst-ts-node-compiler');
  const compiler = NodeCompiler.create({ workspace: work, fontArgs: [{ fontPaths: typstFonts }] });
  compiler.pdf({ mainFileContent: sampleText });
  const typstWarm: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    compiler.evictCache(0);
    typstWarm.push(await time(() => compiler.pdf({ mainFileContent: sampleText.replace('= ', i % 2 ? '= #"综合" ' : '= ') })));
  }
  const warmB = median(warm);
  const warmT = median(typstWarm);
  rows.push({ what: `warm: recompose after an edit (${samplePages} page${samplePages === 1 ? '' : 's'})`, banmian: ms(warmB), typst: ms(warmT), ratio: ratio(warmB, warmT) });
  results.warm = { banmianMs: warmB, typstMs: warmT };

  // 3. Composition alone: paragraphs into 13-em lines, characters per second.
  const fonts = fontRegistry();
  const face = fonts.faceOf('song');
  const paragraphs = articles.flatMap((a) => a.paragraphs);
  const characters = paragraphs.reduce((n, p) => n + [...p].length, 0);
  // Total fit (what the page uses) and first fit (the greedy breaker it replaced), on the same text in the same run.
  const compose = (firstFit: boolean) => () => {
    for (const p of paragraphs)
      composeParagraph({ runs: [{ text: p, face, latin: { min: 1 / 8, max: 1 / 4 } }], measure: 13, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: '亿万元年月日版', firstFit }, fonts);
  };
  const rate = async (firstFit: boolean) => {
    compose(firstFit)();
    const runs: number[] = [];
    for (let r = 0; r < RUNS; r++) runs.push(characters / ((await time(compose(firstFit))) / 1000));
    return median(runs);
  };
  const perSecond = await rate(false);
  const greedyPerSecond = await rate(true);
  const chars = (v: number) => `${Math.round(v).toLocaleString('en')} chars/s`;
  rows.push({ what: `composition alone, total fit (${characters.toLocaleString('en')} characters)`, banmian: chars(perSecond), typst: '–', ratio: '' });
  rows.push({ what: `composition alone, first fit (same text)`, banmian: chars(greedyPerSecond), typst: '–', ratio: '' });
  results.composition = { characters, charactersPerSecond: perSecond, firstFitCharactersPerSecond: greedyPerSecond };

  // 4. Cost per page: issues of 8, 24, 48 and 96 pages, warm, in one process each (for their peak memory).
  results.pages = [];
  for (const n of [8, 24, 48, 96]) {
    const file = manyPages(n);
    const script = `
      import { composeFile } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'pipeline', 'compose.js'))};
      const out = ${JSON.stringify(join(work, 'out'))};
      await composeFile(${JSON.stringify(SAMPLE)}, out);
      const t = performance.now();
      await composeFile(${JSON.stringify(file)}, out);
      process.stderr.write('MS ' + (performance.now() - t) + ' RSS ' + process.resourceUsage().maxRSS + '\\n');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env, cwd: ROOT, maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`banmian ${n} pages: ${r.stderr}`);
    const total = Number(r.stderr.match(/MS ([\d.]+)/)?.[1]);
    const rss = Number(r.stderr.match(/RSS (\d+)/)?.[1]) / 1024;
    const doc = typstDocument(articles, n);
    compiler.evictCache(0);
    const typstMs = await time(() => compiler.pdf({ mainFileContent: doc }));
    rows.push({ what: `${n} pages, warm, per page (peak ${rss.toFixed(0)} MiB)`, banmian: ms(total / n), typst: ms(typstMs / n), ratio: ratio(total, typstMs) });
    (results.pages as unknown[]).push({ pages: n, banmianMsPerPage: total / n, typstMsPerPage: typstMs / n, banmianPeakRssMiB: rss });
  }

  const width = Math.max(...rows.map((r) => r.what.length));
  process.stdout.write(`${'measure'.padEnd(width)}  ${'Banmian'.padStart(18)}  ${'Typst'.padStart(10)}  ratio\n`);
  for (const r of rows) process.stdout.write(`${r.what.padEnd(width)}  ${r.banmian.padStart(18)}  ${r.typst.padStart(10)}  ${r.ratio}\n`);
  writeAtomically(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`bench/results.json written (${RUNS} runs each, medians; ${corpus.length ? `${corpus.length} corpus articles` : 'the sample only'})\n`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
