// 自动组版: pages made from the sample's stories, their places taken away, planned by `compose plan`
// and read back from the proof or the written issue as the desk would check them.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Ajv } from 'ajv';
import { parse, parseDocument, type YAMLMap } from 'yaml';
import { readPdf, type ReadPage } from './readback.js';
import { ROOT, runCompose } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const dir = mkdtempSync(join(tmpdir(), 'banmian-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface PageMaking {
  /** Which of the sample's stories, by id, with the rank each is given; all others are dropped. */
  ranks: Record<string, string>;
  /** The stories listed in the order of `ranks` rather than the sample's. */
  reorder?: boolean;
  /** Stories that keep the sample's place, given here (the plan works around them). */
  fixed?: Record<string, string>;
  /** Spaces the page declares, as YAML flow mappings. */
  spaces?: string[];
}

/** The sample issue with only the chosen stories, their places taken away but for the fixed ones, ranks given. */
function pageFrom(name: string, making: PageMaking): string {
  const doc = parseDocument(readFileSync(SAMPLE, 'utf8'));
  const page = (doc.get('pages') as { items: YAMLMap[] }).items[0];
  const articles = page.get('articles') as { items: YAMLMap[] };
  articles.items = making.reorder ? Object.keys(making.ranks).map((id) => articles.items.find((a) => a.get('id') === id)!) : articles.items.filter((a) => a.get('id') as string in making.ranks);
  for (const a of articles.items) {
    const id = a.get('id') as string;
    a.set('rank', making.ranks[id]);
    if (making.fixed?.[id]) a.set('place', parseDocument(making.fixed[id]).contents);
    else a.delete('place');
  }
  if (making.spaces) page.set('spaces', parseDocument(`[${making.spaces.join(', ')}]`).contents);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return file;
}

interface Headline {
  id: string;
  /** Top and bottom of its lines on the page, pt. */
  top: number;
  bottom: number;
}

/** Each story's headline where the proof shows it: the big lines whose text is the headline's. */
function headlinesOn(page: ReadPage, file: string): Headline[] {
  const issue = parse(readFileSync(file, 'utf8')) as { pages: { articles: { id: string; headline?: string | string[] }[] }[] };
  const out: Headline[] = [];
  for (const a of issue.pages[0].articles) {
    if (!a.headline) continue;
    const text = (Array.isArray(a.headline) ? a.headline.join('') : a.headline).replace(/\s/g, '');
    const lines = page.lines.filter((l) => l.size >= 14 && l.text.replace(/\s/g, '').length > 1 && text.includes(l.text.replace(/\s/g, '')));
    assert.ok(lines.length, `the headline of ${a.id} is on the page`);
    out.push({ id: a.id, top: Math.min(...lines.map((l) => l.y - l.size)), bottom: Math.max(...lines.map((l) => l.y)) });
  }
  return out;
}

/** 撞题: no two headlines side by side at one height. */
function assertNoCollision(heads: Headline[]): void {
  for (const a of heads) for (const b of heads) if (a !== b) assert.ok(a.bottom <= b.top || b.bottom <= a.top, `the headlines of ${a.id} and ${b.id} stand side by side at one height (撞题)`);
}

/** Every paragraph of every story is on the page: nothing overset, nothing dropped. */
function assertAllText(page: ReadPage, file: string): void {
  const issue = parse(readFileSync(file, 'utf8')) as { pages: { articles: { id: string; body?: (string | { text?: string })[] }[] }[] };
  const all = page.lines.map((l) => l.text).join('').replace(/\s/g, '');
  for (const a of issue.pages[0].articles) {
    for (const p of a.body ?? []) {
      const text = (typeof p === 'string' ? p : (p.text ?? '')).replace(/\s/g, '');
      if (text) assert.ok(all.includes(text.slice(-12)), `the end of a paragraph of ${a.id} is on the page: ${text.slice(-12)}`);
    }
  }
}

interface Box {
  id: string;
  rank: string;
  column: number;
  span: number;
  line: number;
}

/** The places the plan wrote, with each story's rank. */
function placesIn(file: string): Box[] {
  const issue = parse(readFileSync(file, 'utf8')) as { pages: { articles: { id: string; rank: string; place: { column: number; span: number; line: number } }[] }[] };
  return issue.pages[0].articles.map((a) => ({ id: a.id, rank: a.rank, ...a.place }));
}

const RANKS = ['lead', 'second', 'third', 'brief'];

/** Down the same columns a louder story stands above a quieter one. */
function assertRankOrder(boxes: Box[]): void {
  for (const a of boxes) {
    for (const b of boxes) {
      const shared = a.column < b.column + b.span && b.column < a.column + a.span;
      if (shared && RANKS.indexOf(a.rank) < RANKS.indexOf(b.rank)) assert.ok(a.line < b.line, `${a.id} (${a.rank}) stands above ${b.id} (${b.rank})`);
    }
  }
}

const SAMPLE_RANKS = { roundtable: 'lead', 'robotics-jump': 'second', briefs: 'brief', 'state-council': 'second', 'spring-gala': 'third', 'commentary-jump': 'second', dianjiang: 'third' };

test('the sample page planned from its stories alone: written with its comments kept, valid, and composed with no hole and no overset, the round-table leading', async () => {
  const file = pageFrom('sample', { ranks: SAMPLE_RANKS });
  const before = readFileSync(file, 'utf8');
  const first = await runCompose(['plan', file, '-o', dir]);
  const second = await runCompose(['plan', file, '-o', dir]);
  assert.equal(first.code, 0, first.stderr);
  const places = (s: string) => s.split('\n').filter((l) => l.includes('{column:')).join('\n');
  assert.equal(places(second.stderr), places(first.stderr), 'the same plan on two runs');
  const written = await runCompose(['plan', file, '--write']);
  assert.equal(written.code, 0, written.stderr);
  const after = readFileSync(file, 'utf8');
  for (const line of before.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(after.includes(line), `the comment stays: ${line}`);
  const valid = await runCompose(['validate', file]);
  assert.equal(valid.code, 0, valid.stderr);
  const composed = await runCompose([file, '-o', dir]);
  assert.equal(composed.code, 0, composed.stderr);
  assert.doesNotMatch(composed.stderr, /error: (hole|overset)/);
  const boxes = placesIn(file);
  const lead = boxes.find((b) => b.id === 'roundtable')!;
  assert.deepEqual([lead.column, lead.line], [1, 1], 'the round-table leads at the head of the left-hand columns');
  assertRankOrder(boxes);
  const [page] = readPdf(readFileSync(join(dir, 'sample.pdf')));
  assertAllText(page, file);
  assertNoCollision(headlinesOn(page, file));
});

test('a page around a fixed picture story and a declared ad space plans with no hole, no overset, no 撞题 and its ranks in order', async () => {
  const file = pageFrom('around', {
    ranks: { roundtable: 'lead', 'state-council': 'second', 'spring-gala': 'third', 'commentary-jump': 'second', dianjiang: 'third' },
    fixed: { dianjiang: '{column: 6, span: 3, line: 74, lines: bottom}' },
    spaces: ['{place: {column: 1, span: 5, line: 77, lines: bottom}, kind: ad}'],
  });
  const run = await runCompose(['plan', file, '--write']);
  assert.equal(run.code, 0, run.stderr);
  const composed = await runCompose([file, '-o', dir]);
  assert.equal(composed.code, 0, composed.stderr);
  const boxes = placesIn(file);
  assert.deepEqual(boxes.find((b) => b.id === 'dianjiang'), { id: 'dianjiang', rank: 'third', column: 6, span: 3, line: 74, lines: 'bottom' }, 'the fixed story stays');
  assertRankOrder(boxes.filter((b) => b.id !== 'dianjiang'));
  const [page] = readPdf(readFileSync(join(dir, 'around.pdf')));
  assertAllText(page, file);
  assertNoCollision(headlinesOn(page, file));
});

test('a page with too little text says so and leaves a declared space in its proof, its stories not stretched', async () => {
  const file = pageFrom('short', { ranks: { 'spring-gala': 'lead', briefs: 'brief' } });
  const run = await runCompose(['plan', file, '-o', dir]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /too little text to fill the page: \{column: \d+, span: \d+, line: \d+, lines: [a-z0-9]+\} is left white/);
  assert.match(run.stderr, /kind: reserved/);
  assert.doesNotMatch(run.stderr, /error: hole/, 'the white is a declared space in the proof, not a hole');
  for (const m of run.stderr.matchAll(/缺(\d+)行/g)) assert.ok(Number(m[1]) <= 2, `no story stretched: ${m[0]}`);
  const [page] = readPdf(readFileSync(join(dir, 'short.plan.pdf')));
  assertAllText(page, file);
});

test('a page with too little text, planned with --write, declares the white as a reserved space in the file: it validates and composes with no hole', async () => {
  const file = pageFrom('short-write', { ranks: { 'spring-gala': 'lead', briefs: 'brief' } });
  const before = readFileSync(file, 'utf8');
  const run = await runCompose(['plan', file, '--write']);
  assert.equal(run.code, 1, 'the page still wants copy: exit 1');
  assert.match(run.stderr, /2 place\(s\) written, and 1 reserved space\(s\)/);
  const after = readFileSync(file, 'utf8');
  for (const line of before.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(after.includes(line), `the comment stays: ${line}`);
  const issue = parse(after) as { pages: { spaces?: { place: { column: number; span: number; line: number; lines: number | string }; kind: string }[] }[] };
  const spaces = issue.pages[0].spaces ?? [];
  assert.equal(spaces.length, 1);
  assert.equal(spaces[0].kind, 'reserved');
  assert.equal(spaces[0].place.lines, 'bottom', 'the white runs to the foot of the page');
  const valid = await runCompose(['validate', file]);
  assert.equal(valid.code, 0, valid.stderr);
  const composed = await runCompose([file, '-o', dir]);
  assert.equal(composed.code, 0, composed.stderr);
  assert.doesNotMatch(composed.stderr, /error: (hole|overset)/);
  for (const m of composed.stderr.matchAll(/缺(\d+)行/g)) assert.ok(Number(m[1]) <= 2, `no story stretched: ${m[0]}`);
  const [page] = readPdf(readFileSync(join(dir, 'short-write.pdf')));
  assertAllText(page, file);
  const box = placesIn(file);
  const bottom = Math.max(...box.map((b) => b.line));
  assert.ok(spaces[0].place.line > bottom, 'the space stands under the stories');
});

test('of two lead-rank stories the plan chooses which leads: the round-table at the head of the page, not the short 春晚 item listed first', async () => {
  const file = pageFrom('two-leads', { ranks: { 'spring-gala': 'lead', roundtable: 'lead', 'state-council': 'second', dianjiang: 'third' }, reorder: true });
  const run = await runCompose(['plan', file, '--write']);
  assert.equal(run.code, 0, run.stderr);
  const boxes = placesIn(file);
  const head = boxes.find((b) => b.column === 1 && b.line === 1);
  assert.equal(head?.id, 'roundtable', 'the round-table leads at the head of the left-hand columns');
  assertRankOrder(boxes);
  const composed = await runCompose([file, '-o', dir]);
  assert.equal(composed.code, 0, composed.stderr);
  assert.doesNotMatch(composed.stderr, /error: (hole|overset)/);
  const [page] = readPdf(readFileSync(join(dir, 'two-leads.pdf')));
  assertAllText(page, file);
});

test('the schema an editor reads takes place: auto, and a place that is neither a box nor auto it does not', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'issue.schema.json'), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const withPlace = (place: string) => parse(readFileSync(SAMPLE, 'utf8').replace('place: {column: 6, span: 3, line: 1, lines: auto}', `place: ${place}`)) as unknown;
  assert.ok(validate(withPlace('auto')), JSON.stringify(validate.errors));
  assert.ok(!validate(withPlace('automatic')), 'a place neither a box nor auto');
});
