// Threads (转版): an article whose body flows through parts on several pages, the jump lines the
// composer sets between them (下转N版 / 上接M版), the errors a broken thread gives, the run report
// and the masthead (报头). Jump lines and overset are checked on the PDF read back, not on the
// engine's word. Fixtures are written at test time from the sample issue's own text.
//
// Spawning the command costs a Node start and a font load each, so every run whose exit code or
// stderr matters is started at once in `before` and awaited by its test; everything else is
// composed in-process with composeFile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeFile, type ComposeResult } from '../src/pipeline/compose.js';
import type { Geometry } from '../src/layout/template.js';
import type { ArticleBox } from '../src/page/types.js';
import { ROOT, escapeRegExp, runCompose, type Run } from './spawn.js';
import type { RunReport } from '../src/cli/report.js';
import { readPdf, type ReadLine, type ReadPage } from './readback.js';
import { reserveFree } from './fixture.js';
import { readRunReport } from './report-schema.js';

// Runs compiled, from dist/test/: the package root is two folders up. The copy comes from the
// broadsheet sample (one page); the threads, jump lines and masthead of a sample from the tabloid
// front sample, whose page 1 has the masthead and stories that go on on page 2.
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const FRONT = join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml');

type Obj = Record<string, unknown>;
type SampleIssue = { paper: string; date: string; pages: { number: number; articles: Obj[] }[] };
const sampleIssue = parse(readFileSync(SAMPLE, 'utf8')) as SampleIssue;
const sampleArticles = sampleIssue.pages.flatMap((p) => p.articles);
const frontIssue = parse(readFileSync(FRONT, 'utf8')) as SampleIssue;
const frontArticles = frontIssue.pages.flatMap((p) => p.articles);
/** Plain-string paragraphs of one of the sample's articles: real copy, not invented text. */
const paragraphs = (id: string): string[] => (sampleArticles.find((a) => a.id === id)!.body as unknown[]).filter((b): b is string => typeof b === 'string');
const squash = (s: string) => s.replace(/\s+/g, '');

// The robotics story less its own （上接1版）: ~525 characters, some 48 lines of a 12-字 column.
const THREAD_BODY = () => paragraphs('robotics-jump').filter((p) => !p.includes('上接')).slice(0, 5);
// All of it: far more than the parts below hold.
const LONG_BODY = () => paragraphs('robotics-jump').filter((p) => !p.includes('上接'));
const FILLER = () => paragraphs('spring-gala').slice(0, 1);

// Tabloid boxes: two 8-line parts on page 1 (about 31 lines between them), then a 20-line part.
const PART_A = '{column: 1, span: 2, line: 1, lines: 8}';
const PART_B = '{column: 3, span: 2, line: 1, lines: 8}';
const PART_C = '{column: 1, span: 2, line: 1, lines: 20}';
const FILLER_PLACE = '{column: 5, span: 2, line: 1, lines: 10}';

interface FxArticle {
  id: string;
  place: string;
  headline?: string;
  continued?: { page: number; place: string }[];
  body: string[];
}
interface FxPage {
  number: number;
  masthead?: boolean;
  articles: FxArticle[];
}

/** An issue file; JSON strings are YAML double-quoted scalars, so any copy goes in verbatim. */
function issueYaml(pages: FxPage[]): string {
  const lines = ['# yaml-language-server: $schema=../schema/issue.schema.json', 'format: 1', `paper: ${sampleIssue.paper}`, `date: "${sampleIssue.date}"`, 'pages:'];
  for (const p of pages) {
    lines.push(`  - number: ${p.number}`, '    name: 要闻', '    layout: tabloid');
    if (p.masthead) lines.push('    masthead: true');
    lines.push('    articles:');
    for (const a of p.articles) {
      lines.push(`      - id: ${a.id}`, `        place: ${a.place}`);
      if (a.continued) lines.push('        continued:', ...a.continued.map((c) => `          - {page: ${c.page}, place: ${c.place}}`));
      if (a.headline) lines.push(`        headline: ${JSON.stringify(a.headline)}`);
      lines.push('        body:', ...a.body.map((t) => `          - ${JSON.stringify(t)}`));
    }
  }
  return lines.join('\n') + '\n';
}

const filler = (n: number): FxArticle => ({ id: `filler-${n}`, place: FILLER_PLACE, body: FILLER() });
/** Pages 1..count, each with a filler article (a page needs one); `thread` goes on page 1. */
function threadIssue(count: number, thread: FxArticle): string {
  return issueYaml(Array.from({ length: count }, (_, i) => ({ number: i + 1, articles: i === 0 ? [thread, filler(1)] : [filler(i + 1)] })));
}
/** Parts A and B on page 1, then part C on `lastPage`. */
const threeParts = (lastPage: number, body: string[]): FxArticle => ({
  id: 'robotics',
  place: PART_A,
  continued: [
    { page: 1, place: PART_B },
    { page: lastPage, place: PART_C },
  ],
  body,
});

/** 1-based line and column of the character at `index` of `text`. */
function positionAt(text: string, index: number): { line: number; col: number } {
  assert.ok(index >= 0, 'needle not in the fixture');
  const before = text.slice(0, index);
  return { line: before.split('\n').length, col: index - (before.lastIndexOf('\n') + 1) + 1 };
}
const nthIndex = (text: string, needle: string, n: number) => {
  let at = -1;
  for (let i = 0; i < n; i++) at = text.indexOf(needle, at + 1);
  return at;
};

const run = (...args: string[]) => runCompose(args);
const escape = escapeRegExp;

const tabloid = parse(readFileSync(join(ROOT, 'layouts', 'tabloid.yaml'), 'utf8')) as { grid: { columns: number }; masthead: { lines: number; columns?: number } };
const mastheadLines = tabloid.masthead.lines;
/** The columns the masthead takes from the left; beside it is room for an 报眼. */
const mastheadColumns = tabloid.masthead.columns ?? tabloid.grid.columns;

// Fixtures, written in `before`; the CLI runs that need them start there too.
let tmp: string;
const files: Record<string, { file: string; text: string }> = {};
const runs: Record<string, Promise<Run>> = {};
function fixture(name: string, text: string): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, text);
  files[name] = { file, text };
  return file;
}

let sample: ComposeResult;
let samplePages: ReadPage[];

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-thread-'));
  const out = (name: string) => join(tmp, `out-${name}`);

  // The fixtures that compose declare the rest of their pages reserved: only what the test is
  // about is found.
  fixture('to-page-2', reserveFree(threadIssue(3, threeParts(2, THREAD_BODY()))));
  fixture('to-page-3', reserveFree(threadIssue(3, threeParts(3, THREAD_BODY()))));
  // 1 → 2 → 2 → 3: the second jump must be numbered from the part it leaves, not from the first.
  fixture(
    'overset',
    reserveFree(
      threadIssue(3, {
        id: 'robotics',
        place: PART_A,
        continued: [
          { page: 2, place: PART_A },
          { page: 2, place: PART_B },
          { page: 3, place: PART_A },
        ],
        body: LONG_BODY(),
      }),
    ),
  );
  fixture('missing-page', threadIssue(2, { id: 'robotics', place: PART_A, continued: [{ page: 9, place: PART_C }], body: THREAD_BODY() }));
  fixture('out-of-order', threadIssue(3, { id: 'robotics', place: PART_A, continued: [{ page: 3, place: PART_C }, { page: 2, place: PART_C }], body: THREAD_BODY() }));
  // One short paragraph fills a fraction of part A: part C never gets a line.
  fixture('empty-part', threadIssue(2, { id: 'robotics', place: PART_A, continued: [{ page: 2, place: PART_C }], body: FILLER() }));
  fixture(
    'duplicate-id',
    issueYaml([
      { number: 1, articles: [filler(1)] },
      { number: 2, articles: [{ ...filler(2), id: 'filler-1' }] },
    ]),
  );
  const story = sampleArticles.find((a) => a.id === 'spring-gala')!;
  fixture(
    'masthead-clash',
    issueYaml([
      {
        number: 1,
        masthead: true,
        articles: [
          // Line M is the masthead's own last line: one line too high.
          { id: 'intruder', place: `{column: 1, span: 2, line: ${mastheadLines}, lines: 10}`, body: FILLER() },
          // Its own box is clear of the masthead; its continuation on the same page, in the
          // masthead's last two columns from line 2, is not.
          {
            id: 'robotics',
            place: `{column: 3, span: 2, line: ${mastheadLines + 1}, lines: 10}`,
            continued: [{ page: 1, place: `{column: ${mastheadColumns - 1}, span: 2, line: 2, lines: ${mastheadLines - 2}}` }],
            body: THREAD_BODY(),
          },
        ],
      },
    ]),
  );
  fixture(
    'masthead-ok',
    reserveFree(issueYaml([{ number: 1, masthead: true, articles: [{ id: 'spring-gala', place: `{column: 1, span: 3, line: ${mastheadLines + 1}, lines: 30}`, headline: String(story.headline), body: paragraphs('spring-gala') }] }])),
  );

  for (const name of ['missing-page', 'out-of-order', 'empty-part', 'duplicate-id', 'masthead-clash']) runs[name] = run(files[name]!.file, '-o', out(name));
  runs['overset'] = run(files['overset']!.file, '-o', out('overset'), '--report', join(tmp, 'overset.json'));
  runs['clean'] = run(files['to-page-2']!.file, '-o', out('clean'), '--report', join(tmp, 'clean.json'));

  sample = await composeFile(FRONT, join(tmp, 'sample'));
  samplePages = readPdf(readFileSync(sample.pdf));
});

after(async () => {
  // A still-running child would hold the folder open: let them all finish first.
  await Promise.all(Object.values(runs));
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// Reading a thread back from the PDF

interface ReadPart {
  page: number;
  box: ArticleBox;
  /** In reading order: the head across the box top to bottom, then column by column, top to bottom. */
  lines: ReadLine[];
  /** The 转版题 (squashed) the part must open with: it comes from another page, and the article has a headline. */
  jumpHead?: string;
}

/**
 * Lines inside a box, in reading order: those of the head (`headLines` grid lines at the box's top:
 * headline group, 编者按, table, or a continued part's 转版题) line by line, left to right, then the
 * columns one after the other. A line-start opening bracket hangs half an em left of its column.
 */
function linesIn(page: ReadPage, box: ArticleBox, g: Geometry, headLines = 0): ReadLine[] {
  const column = (l: ReadLine) => Math.floor((l.x0 + l.size / 2 + 0.5 - box.x) / (g.columnWidth + g.gutter));
  const headFoot = box.y + headLines * g.pitch;
  const band = (l: ReadLine) => (l.y <= headFoot ? 0 : 1);
  return page.lines
    .filter((l) => inBox(l, box))
    .sort((a, b) => band(a) - band(b) || (band(a) === 0 ? a.y - b.y || a.x0 - b.x0 : column(a) - column(b) || a.y - b.y));
}

/** Whether a line starts inside a box and stands on one of its lines. */
const inBox = (l: ReadLine, box: ArticleBox) => l.x0 >= box.x - l.size / 2 - 0.5 && l.x0 < box.x + box.width && l.y > box.y && l.y <= box.y + box.height;

/** A headline as the issue file gives it: one line, a list of lines, or {text, size}; squashed. */
function headlineText(h: unknown): string | undefined {
  const t = h && typeof h === 'object' && !Array.isArray(h) ? (h as Obj).text : h;
  if (typeof t === 'string') return squash(t);
  if (Array.isArray(t)) return squash(t.join(''));
  return undefined;
}

/**
 * The parts of article `id`: its boxes page by page, in the order the composer laid them. Given the
 * article as the issue file has it, each part that comes from another page carries the 转版题 it
 * must open with: its continuation's headline, or the article's own.
 */
function threadParts(result: ComposeResult, read: ReadPage[], id: string, article?: Obj): ReadPart[] {
  const report = result.composition.articles.find((a) => a.id === id);
  const boxes = result.composition.pages.flatMap((cp, pi) => cp.boxes.filter((b) => b.id === id).map((box) => ({ cp, pi, box })));
  const continued = (article?.continued ?? []) as Obj[];
  return boxes.map(({ cp, pi, box }, k) => {
    const part: ReadPart = { page: cp.number, box, lines: linesIn(read[pi]!, box, cp.geometry, report?.parts[k]?.headLines ?? 0) };
    const prev = boxes[k - 1];
    if (article && prev && prev.cp.number !== cp.number) {
      const head = headlineText(continued[k - 1]?.headline) ?? headlineText(article.headline);
      if (head) part.jumpHead = head;
    }
    return part;
  });
}

const to = (page: number) => `（下转${page}版）`;
const from = (page: number) => `（上接${page}版）`;
const text = (l: ReadLine | undefined) => (l ? squash(l.text) : '');

/** A part's lines after its 转版题, which must open it, whole, where one is due. */
function afterJumpHead(p: ReadPart): ReadLine[] {
  if (!p.jumpHead) return p.lines;
  let read = '';
  let n = 0;
  while (n < p.lines.length && read.length < p.jumpHead.length) read += text(p.lines[n++]);
  assert.equal(read, p.jumpHead, `page ${p.page}: the part of ${p.box.id} does not open with its 转版题`);
  return p.lines.slice(n);
}

/**
 * The article's text as a reader follows it: its parts' lines less the jump line at the foot of
 * a part whose next part is on another page and the 转版题 and jump line heading that next part.
 * Only those places are stripped, so a jump line anywhere else shows up in the text.
 */
function threadText(parts: ReadPart[]): string {
  return parts
    .map((p, k) => {
      const prev = parts[k - 1];
      const next = parts[k + 1];
      const lines = prev && prev.page !== p.page ? afterJumpHead(p) : [...p.lines];
      if (prev && prev.page !== p.page && text(lines[0]) === from(prev.page)) lines.shift();
      if (next && next.page !== p.page && text(lines[lines.length - 1]) === to(next.page)) lines.pop();
      return lines.map(text).join('');
    })
    .join('');
}

/**
 * Where a part's next one is on another page, its last line (at the foot of its last column) is
 * 下转 that page and the next part opens with its 转版题 (if the article has a headline) and then
 * 上接 this one; between parts on one page, neither.
 */
function assertJumps(parts: ReadPart[], result: ComposeResult): void {
  parts.forEach((p, k) => {
    const next = parts[k + 1];
    if (!next) return;
    const foot = p.lines[p.lines.length - 1];
    if (next.page === p.page) {
      const head = next.lines[0];
      assert.ok(!/下转|上接/.test(text(foot)), `page ${p.page}: a part followed on the same page ends with ${text(foot)}`);
      assert.ok(!/下转|上接/.test(text(head)), `page ${p.page}: a part following one on the same page opens with ${text(head)}`);
      return;
    }
    assert.equal(text(foot), to(next.page), `page ${p.page}: the part before page ${next.page}'s ends with the wrong line`);
    assertAtFoot(foot!, p.box, geometry(result, p.page));
    const body = afterJumpHead(next);
    const head = body[0];
    assert.equal(text(head), from(p.page), `page ${next.page}: the part after page ${p.page}'s opens with the wrong line`);
    // Reading order puts the first column first; the jump line must also be on the part's top line under its 转版题.
    assert.ok(Math.abs(head!.y - Math.min(...body.map((l) => l.y))) < 0.01, `${text(head)} is not on the part's first line`);
  });
}

/** The foot of the box's last column: the 下转 line's place. */
function assertAtFoot(l: ReadLine, box: ArticleBox, g: Geometry): void {
  assert.ok(l.y > box.y + box.height - g.pitch && l.y <= box.y + box.height, `${l.text} is not on the box's last grid line`);
  assert.ok(Math.abs(l.x1 - (box.x + box.width)) < 0.5, `${l.text} does not end at the box's right edge`);
}

// ---------------------------------------------------------------------------
// 1. The sample

test('sample: every 下转N版 points forward to a part that opens with 上接 the same page, as the threads say', () => {
  const comp = sample.composition;
  const partsOf = (id: string) => threadParts(sample, samplePages, id, frontArticles.find((a) => a.id === id));
  const found: string[] = [];
  comp.pages.forEach((cp, pi) => {
    for (const l of samplePages[pi]!.lines) {
      const m = /^（下转(\d+)版）$/.exec(text(l));
      if (!m) continue;
      const n = Number(m[1]);
      assert.ok(n > cp.number, `page ${cp.number} jumps back to page ${n}`);
      const home = cp.boxes.find((b) => inBox(l, b));
      assert.ok(home, `${l.text} on page ${cp.number} is in no article's box`);
      const parts = partsOf(home.id);
      const own = parts.find((p) => p.box === home)!.lines;
      assert.equal(own[own.length - 1], l, `${l.text} does not close ${home.id}'s part on page ${cp.number}`);
      assertAtFoot(l, home, cp.geometry);
      assert.ok(comp.pages.some((p) => p.number === n), `page ${n} is not in the PDF`);
      const heads = parts.filter((p) => p.page === n).map((p) => afterJumpHead(p)[0]);
      assert.ok(
        heads.some((h) => text(h) === from(cp.number)),
        `no part of ${home.id} on page ${n} opens with ${from(cp.number)} under its 转版题: ${heads.map(text).join(' | ')}`,
      );
      found.push(`${home.id} ${cp.number}→${n}`);
    }
  });

  // Every part that follows one on another page, per the issue file, has its pair of jump lines.
  const expected: string[] = [];
  for (const p of frontIssue.pages) {
    for (const a of p.articles) {
      const pages = [p.number, ...((a.continued ?? []) as { page: number }[]).map((c) => c.page)];
      pages.forEach((n, i) => i > 0 && n !== pages[i - 1] && expected.push(`${String(a.id)} ${pages[i - 1]}→${n}`));
    }
  }
  assert.deepEqual(found.sort(), expected.sort());
  assert.ok(found.length >= 2, `only ${found.length} jump pairs`);

  // Every part opens with its 转版题 where one is due; a part that opens with 上接 is either the
  // head of such a part or a story whose copy says so itself.
  let jumpHeads = 0;
  for (const a of frontArticles) {
    for (const part of partsOf(String(a.id))) {
      if (part.jumpHead) jumpHeads++;
      const head = afterJumpHead(part)[0];
      const m = /^（上接(\d+)版）$/.exec(text(head));
      if (!m) continue;
      const paired = found.includes(`${String(a.id)} ${m[1]}→${part.page}`);
      const typed = Array.isArray(a.body) && squash(String(a.body[0])) === text(head);
      assert.ok(paired || typed, `${String(a.id)} on page ${part.page} opens with ${text(head)}, which no thread explains`);
    }
  }
  assert.equal(jumpHeads, expected.length, 'continued parts that open with a 转版题');
});

// ---------------------------------------------------------------------------
// 2. Jump lines follow the parts

async function composeFixture(name: string): Promise<{ parts: ReadPart[]; read: ReadPage[]; result: ComposeResult }> {
  const result = await composeFile(files[name]!.file, join(tmp, `lib-${name}`));
  const read = readPdf(readFileSync(result.pdf));
  return { parts: threadParts(result, read, 'robotics'), read, result };
}

const geometry = (result: ComposeResult, page: number) => result.composition.pages.find((p) => p.number === page)!.geometry;

for (const last of [2, 3]) {
  test(`a part moved to page ${last}: 下转${last}版 closes page 1, 上接1版 opens page ${last}, and the text runs through whole`, async () => {
    const { parts, read, result } = await composeFixture(`to-page-${last}`);
    assert.deepEqual(
      parts.map((p) => p.page),
      [1, 1, last],
    );
    const [a, b, c] = parts as [ReadPart, ReadPart, ReadPart];
    for (const p of parts) assert.ok(p.lines.length > 0, `the part on page ${p.page} is empty`);

    // A and B share page 1: the text goes on from one to the other without a word about it.
    assert.ok(!a.lines.some((l) => /下转|上接/.test(l.text)), `part A has a jump line: ${a.lines.map(text).join(' | ')}`);
    assert.equal(text(b.lines.at(-1)), to(last));
    assert.equal(text(c.lines[0]), from(1));
    assertJumps(parts, result);

    // Only those two jump lines in the whole issue: the page the part left has none.
    const jumps = read.flatMap((p, i) => p.lines.filter((l) => /下转|上接/.test(l.text)).map((l) => `${result.composition.pages[i]!.number}:${text(l)}`));
    assert.deepEqual(jumps.sort(), [`1:${to(last)}`, `${last}:${from(1)}`].sort());

    // Nothing lost or set twice where the text crosses from one part to the next.
    assert.equal(threadText(parts), squash(THREAD_BODY().join('')));
    const report = result.composition.articles.find((x) => x.id === 'robotics')!;
    assert.deepEqual(report.pages, [1, last]);
    assert.equal(report.oversetCharacters, 0);
  });
}

// ---------------------------------------------------------------------------
// 3. Broken threads

/** Exit 2, one problem, at `index` of the fixture's text, naming the article. */
async function assertBroken(name: string, index: number, id: string, message: RegExp): Promise<void> {
  const r = await runs[name]!;
  const { file, text: yaml } = files[name]!;
  const { line, col } = positionAt(yaml, index);
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `expected one problem:\n${r.stderr}`);
  assert.match(lines[0]!, new RegExp(`^${escape(file)}:${line}:${col}: `), r.stderr);
  assert.ok(lines[0]!.includes(`"${id}"`), `the message does not name ${id}: ${lines[0]}`);
  assert.match(lines[0]!, message);
  assert.ok(!existsSync(join(tmp, `out-${name}`, `${name}.pdf`)), 'a PDF was written for bad input');
}

// The parser records a continuation at its sequence item's value: the `{` of a flow mapping.
test('a continuation on a page the issue does not have exits 2 at the continuation', () =>
  assertBroken('missing-page', files['missing-page']!.text.indexOf('{page: 9'), 'robotics', /page 9/));

test('a continuation on a page before the part it follows exits 2 at that continuation', () =>
  assertBroken('out-of-order', files['out-of-order']!.text.indexOf('{page: 2'), 'robotics', /page 2.*before.*page 3/));

test('a continuation the text never reaches exits 2 at the continuation', () =>
  assertBroken('empty-part', files['empty-part']!.text.indexOf('{page: 2'), 'robotics', /text runs out before this continuation/));

test('two articles with one id exit 2 at the second one’s id', () =>
  assertBroken('duplicate-id', nthIndex(files['duplicate-id']!.text, 'id: filler-1', 2) + 'id: '.length, 'filler-1', /duplicate article id/));

// ---------------------------------------------------------------------------
// 4. The run report

type Report = RunReport;

/** The report follows schema/report.schema.json and has the documented keys, with their types. */
function readReport(path: string): Report {
  const r = readRunReport(path);
  assert.equal(typeof r.issue, 'string');
  assert.equal(typeof r.pdf, 'string');
  assert.equal(typeof r.exitCode, 'number');
  assert.ok(Array.isArray(r.pages) && Array.isArray(r.articles) && Array.isArray(r.findings), 'pages, articles and findings must be lists');
  for (const a of r.articles) {
    assert.equal(typeof a.id, 'string');
    assert.ok(Array.isArray(a.pages) && a.pages.every((n) => Number.isInteger(n)), `${a.id}: pages`);
    for (const k of ['charactersSet', 'oversetCharacters', 'oversetLines'] as const) assert.ok(Number.isInteger(a[k]) && a[k] >= 0, `${a.id}: ${k} = ${String(a[k])}`);
    assert.ok(Array.isArray(a.warnings), `${a.id}: warnings`);
  }
  return r;
}

test('an overset thread: exit 1, and the report, the summary and the PDF agree on what is missing', async () => {
  const r = await runs['overset']!;
  assert.equal(r.code, 1, r.stderr);
  const report = readReport(join(tmp, 'overset.json'));
  assert.equal(report.exitCode, 1);
  const entry = report.articles.find((a) => a.id === 'robotics');
  assert.ok(entry, 'no report entry for the thread');
  assert.deepEqual(entry.pages, [1, 2, 3]);
  assert.ok(entry.oversetCharacters > 0 && entry.oversetLines > 0, JSON.stringify(entry));

  // Overset shows in the last part.
  const m = /: error: overset \(page (\d+), article robotics\): (\d+) characters? in (\d+) lines? overset/m.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.deepEqual([Number(m[1]), Number(m[2]), Number(m[3])], [3, entry.oversetCharacters, entry.oversetLines]);
  // The summary line: pages and rank, characters set, each part's lines, and 超 (overset) N字 in M lines.
  const summary = /^ {2}robotics \(page 1, 2, 3; [^)]*\): (\d+) characters set; .*; 超(\d+)字 in (\d+) lines overset$/m.exec(r.stderr);
  assert.ok(summary, r.stderr);
  assert.deepEqual([Number(summary[1]), Number(summary[2]), Number(summary[3])], [entry.charactersSet, entry.oversetCharacters, entry.oversetLines]);

  // The reader finds the copy's beginning across both parts; what is missing is the overset.
  const { file } = files['overset']!;
  const lib = await composeFile(file, join(tmp, 'lib-overset'));
  const read = readPdf(readFileSync(report.pdf!));
  const parts = threadParts(lib, read, 'robotics');
  assert.deepEqual(
    parts.map((p) => p.page),
    [1, 2, 2, 3],
  );
  assertJumps(parts, lib);
  const copy = squash(LONG_BODY().join(''));
  const seen = threadText(parts);
  assert.ok(copy.startsWith(seen), `the parts do not hold the copy's beginning: …${seen.slice(-30)}`);
  assert.equal([...copy].length - [...seen].length, entry.oversetCharacters, 'characters missing from the PDF');
});

test('a clean run’s report: exit code 0 and no overset for any article', async () => {
  const r = await runs['clean']!;
  assert.equal(r.code, 0, r.stderr);
  const report = readReport(join(tmp, 'clean.json'));
  assert.equal(report.exitCode, 0);
  assert.equal(report.issue, files['to-page-2']!.file);
  assert.ok(report.pdf && existsSync(report.pdf), `the report names ${report.pdf}, which is not there`);
  const ids = (parse(files['to-page-2']!.text) as { pages: { articles: { id: string }[] }[] }).pages.flatMap((p) => p.articles.map((a) => a.id));
  assert.deepEqual(report.articles.map((a) => a.id).sort(), ids.sort());
  for (const a of report.articles) assert.deepEqual([a.id, a.oversetCharacters, a.oversetLines], [a.id, 0, 0]);
  assert.deepEqual(report.articles.find((a) => a.id === 'robotics')!.pages, [1, 2]);
  assert.deepEqual(report.pages.find((p) => p.number === 2)!.articles.sort(), ['filler-2', 'robotics']);
});

// ---------------------------------------------------------------------------
// 5. The masthead

const expectedDate = (date: string) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日星期${'日一二三四五六'[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]}`;
};

/**
 * The paper's name, alone on a line, in the masthead lines, larger than anything else on the page,
 * clear of every article's box (those under the masthead and an 报眼 beside it), and the date line
 * beside it.
 */
function assertMasthead(result: ComposeResult, read: ReadPage[], pageNumber: number, issue: { paper: string; date: string }): void {
  const pi = result.composition.pages.findIndex((p) => p.number === pageNumber);
  const cp = result.composition.pages[pi]!;
  const g = cp.geometry;
  const foot = g.typeTop + cp.template.masthead.lines * g.pitch;
  const lines = read[pi]!.lines;
  const name = lines.filter((l) => text(l) === issue.paper && l.y > g.typeTop && l.y < foot);
  assert.equal(name.length, 1, `the paper's name in the masthead lines: ${name.length} times`);
  const others = lines.filter((l) => l !== name[0]);
  const largest = Math.max(...others.map((l) => l.size));
  assert.ok(name[0]!.size > largest, `the name is set at ${name[0]!.size} pt, not above the page's largest other text at ${largest} pt`);
  // The name's em box: 0.88 em above the baseline, 0.12 below.
  const n = name[0]!;
  const [x0, y0, x1, y1] = [n.x0, n.y - 0.88 * n.size, n.x1, n.y + 0.12 * n.size];
  for (const b of cp.boxes) assert.ok(x1 <= b.x || x0 >= b.x + b.width || y1 <= b.y || y0 >= b.y + b.height, `the name runs into ${b.id}'s box`);
  assert.ok(
    lines.some((l) => text(l) === expectedDate(issue.date) && l.y > g.typeTop && l.y < foot),
    `no date line ${expectedDate(issue.date)} in the masthead`,
  );
}

test('sample: the front page’s masthead sets the name above every headline, with the date', () => {
  const front = frontIssue.pages.find((p) => (p as Obj).masthead === true);
  assert.ok(front, 'the front sample has no masthead page');
  assertMasthead(sample, samplePages, front.number, frontIssue);
  // The other pages are inside pages: the name is only in their folios, smaller than their headlines.
  sample.composition.pages.forEach((cp, pi) => {
    if (cp.number === front.number) return;
    const inside = samplePages[pi]!.lines;
    const names = inside.filter((l) => text(l) === frontIssue.paper);
    assert.ok(names.length > 0, `page ${cp.number} does not name the paper in its folio`);
    const largest = Math.max(...inside.filter((l) => !names.includes(l)).map((l) => l.size));
    for (const n of names) assert.ok(n.size < largest, `page ${cp.number} sets the name at ${n.size} pt`);
  });
  assert.ok(sample.composition.pages.length > 1, 'the front sample has no inside page');
});

test('an article right under the tabloid masthead composes; one on its last line exits 2 at its position', async () => {
  const ok = await composeFile(files['masthead-ok']!.file, join(tmp, 'lib-masthead-ok'));
  assert.deepEqual(ok.composition.findings.filter((f) => f.blocking), [], 'findings that stop the run');
  assertMasthead(ok, readPdf(readFileSync(ok.pdf)), 1, sampleIssue);

  const r = await runs['masthead-clash']!;
  const { file, text: yaml } = files['masthead-clash']!;
  assert.equal(r.code, 2, r.stderr);
  // Both boxes that reach into the masthead are named, each at its own place in the file.
  for (const [index, id] of [
    [yaml.indexOf('id: intruder'), 'intruder'],
    [yaml.indexOf('{page: 1'), 'robotics'],
  ] as const) {
    const { line, col } = positionAt(yaml, index);
    assert.match(r.stderr, new RegExp(`^${escape(file)}:${line}:${col}: .*"${id}".*masthead`, 'm'), r.stderr);
  }
  assert.equal(r.stderr.trimEnd().split('\n').length, 2, r.stderr);
});

// ---------------------------------------------------------------------------
// 6. Threads whose trouble is elsewhere

test('page order is the order of page numbers, not of the file: a part on page 1 cannot follow one on page 2', async () => {
  const body = THREAD_BODY();
  const yaml = issueYaml([
    { number: 2, articles: [{ id: 'robotics', place: PART_A, continued: [{ page: 1, place: PART_C }], body }] },
    { number: 1, articles: [filler(1)] },
  ]);
  const file = join(tmp, 'pages-listed-backwards.yaml');
  writeFileSync(file, yaml);
  const { line, col } = positionAt(yaml, yaml.indexOf('{page: 1'));
  await assert.rejects(composeFile(file, join(tmp, 'out-pages-listed-backwards')), (e: Error) => {
    assert.match(e.message, new RegExp(`^${escape(file)}:${line}:${col}: .*"robotics".*page 1, before the part it follows on page 2`));
    return true;
  });
});

test('a headline too tall for the first part is overset with the body, not reported as an empty continuation', async () => {
  const yaml = threadIssue(2, {
    id: 'spring-gala',
    place: '{column: 1, span: 2, line: 1, lines: 1}',
    continued: [{ page: 2, place: PART_C }],
    headline: '重庆成为2025年春晚分会场',
    body: FILLER(),
  });
  const file = join(tmp, 'headline-too-tall.yaml');
  writeFileSync(file, yaml);
  const { composition } = await composeFile(file, join(tmp, 'out-headline-too-tall'));
  const report = composition.articles.find((a) => a.id === 'spring-gala')!;
  assert.equal(report.charactersSet, 0);
  assert.equal(report.oversetCharacters, squash('重庆成为2025年春晚分会场' + FILLER().join('')).length);
  assert.ok(composition.findings.some((f) => f.code === 'overset' && f.article === 'spring-gala' && f.blocking));
});
