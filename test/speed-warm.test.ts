// A warm render draws again only the pages an edit reached: the pages it keeps are read back as
// they read before the edit, the page edited reads as edited, and the file is a cold run's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeFile, composeSession } from '../src/pipeline/compose.js';
import { startPreview } from '../src/serve/server.js';
import { readPdf, type ReadChar, type ReadPage } from './readback.js';
import { parseIssue } from '../src/issue/parse.js';
import { KeptTree } from '../src/issue/tree.js';
import type { ArticleBox } from '../src/page/types.js';
import { ROOT } from './spawn.js';

const FRONT = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), 'utf8');
/** spring-gala, on page 2 of the front issue, the page 1 stories go on to page 2 as well. */
const ON_PAGE_2 = '12月24日，中央广播电视总台';
const dir = mkdtempSync(join(tmpdir(), 'banmian-speed-warm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pageText = (p: ReadPage) => p.lines.map((l) => l.text).join('\n');

/** The front issue composed in one session, then edited by `edit` and composed again; and cold. */
async function editedWarm(name: string, edit: (issue: string) => string) {
  const file = join(dir, `${name}.yaml`);
  const session = composeSession();
  writeFileSync(file, FRONT);
  const before = readFileSync((await session.compose(file, join(dir, `${name}-warm`))).pdf);
  assert.deepEqual(session.pageCounts(), { drawn: 2, kept: 0 });
  const edited = edit(FRONT);
  assert.notEqual(edited, FRONT);
  writeFileSync(file, edited);
  const warm = readFileSync((await session.compose(file, join(dir, `${name}-warm`))).pdf);
  const cold = readFileSync((await composeFile(file, join(dir, `${name}-cold`))).pdf);
  return { before: readPdf(before), warm, cold, read: readPdf(warm), counts: session.pageCounts() };
}

test('an edit on page 2 draws page 2 alone; page 1 reads as before and the file is the cold run\'s', async () => {
  const { before, warm, cold, read, counts } = await editedWarm('page-2', (issue) => issue.replace(ON_PAGE_2, '12月23日，中央广播电视总台'));
  assert.deepEqual(counts, { drawn: 1, kept: 1 });
  assert.equal(pageText(read[0]), pageText(before[0]));
  assert.ok(pageText(read[1]).includes('12月23日'), 'page 2 does not read as edited');
  assert.ok(!pageText(read[1]).includes('12月24日，中央'), 'page 2 still reads as before the edit');
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('glyphs new to the issue on the edited page join the subsets, and the kept page keeps its own', async () => {
  // Latin letters the front issue sets nowhere: the faces' glyph sets grow, page 1 is kept.
  const { before, warm, cold, read, counts } = await editedWarm('new-glyphs', (issue) => issue.replace(ON_PAGE_2, `${ON_PAGE_2}QXZ`));
  assert.ok(!FRONT.includes('QXZ'));
  assert.deepEqual(counts, { drawn: 1, kept: 1 });
  assert.equal(pageText(read[0]), pageText(before[0]));
  assert.deepEqual(
    read[0].drawn.map((d) => d.glyph),
    before[0].drawn.map((d) => d.glyph),
  );
  assert.ok(pageText(read[1]).replace(/\s/g, '').includes('QXZ'), 'the new letters do not read back from page 2');
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('an edit that reaches every page (the date in each folio) draws every page again', async () => {
  const { warm, cold, counts } = await editedWarm('every-page', (issue) => issue.replace('date: "2024-12-25"', 'date: "2024-12-26"'));
  assert.deepEqual(counts, { drawn: 2, kept: 0 });
  assert.ok(warm.equals(cold), 'the warm PDF differs from the cold one');
});

test('the preview serves after an edit the bytes a cold compose of the edited file writes', async () => {
  const file = join(dir, 'previewed.yaml');
  writeFileSync(file, FRONT);
  const preview = await startPreview(file, { host: '127.0.0.1', port: 0, dpi: 10 });
  const version = async () => ((await (await fetch(`${preview.url}state.json`)).json()) as { version: number }).version;
  try {
    await preview.ready;
    const first = await version();
    writeFileSync(file, FRONT.replace(ON_PAGE_2, '12月23日，中央广播电视总台'));
    while ((await version()) === first) await new Promise((r) => setTimeout(r, 50));
    const served = Buffer.from(await (await fetch(`${preview.url}issue.pdf`)).arrayBuffer());
    const cold = readFileSync((await composeFile(file, join(dir, 'previewed-cold'))).pdf);
    assert.ok(served.equals(cold), 'the preview serves other bytes than a cold compose writes');
  } finally {
    await preview.close();
  }
});

const SAMPLE_FILE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const SAMPLE = readFileSync(SAMPLE_FILE, 'utf8');
/** The bench's warm edit: a word of the spring-gala story, changed back and forth. */
const WORD = { from: '满屏新意', to: '满屏新颖' };

/** The page's characters as read back, those inside the article box `id` and those outside every box apart. */
function byBox(page: ReadPage, boxes: readonly ArticleBox[], id: string) {
  const inside = (c: ReadChar, b: ArticleBox) => c.x0 >= b.x - 0.01 && c.x0 < b.x + b.width && c.y >= b.y && c.y <= b.y + b.height;
  const edited = boxes.find((b) => b.id === id)!;
  const chars = page.lines.flatMap((l) => l.chars);
  return {
    article: chars.filter((c) => inside(c, edited)).map((c) => c.ch).join(''),
    others: chars.filter((c) => !inside(c, edited)).map((c) => `${c.ch}@${c.x0.toFixed(2)},${c.y.toFixed(2)}`),
  };
}

test('the bench\'s edit, back and forth in one session: every PDF is a fresh session\'s, and the other articles read as before', async () => {
  const file = join(dir, 'sample.yaml');
  writeFileSync(file, SAMPLE);
  const session = composeSession();
  const first = await session.compose(file, join(dir, 'sample-warm'));
  const before = byBox(readPdf(first.bytes)[0], first.composition.pages[0].boxes, 'spring-gala');
  assert.ok(before.article.includes(WORD.from));
  for (const [k, text] of [SAMPLE.replace(WORD.from, WORD.to), SAMPLE, SAMPLE.replace(WORD.from, WORD.to)].entries()) {
    assert.notEqual(text.includes(WORD.to), k === 1);
    writeFileSync(file, text);
    const warm = await session.compose(file, join(dir, 'sample-warm'));
    const fresh = await composeFile(file, join(dir, 'sample-cold'));
    assert.ok(Buffer.from(warm.bytes).equals(Buffer.from(fresh.bytes)), `edit ${k + 1}: the warm PDF differs from a fresh session's`);
    const read = byBox(readPdf(warm.bytes)[0], warm.composition.pages[0].boxes, 'spring-gala');
    assert.ok(read.article.includes(k === 1 ? WORD.from : WORD.to), `edit ${k + 1}: spring-gala does not read as edited`);
    assert.deepEqual(read.others, before.others, `edit ${k + 1}: text outside spring-gala moved or changed`);
  }
});

test('an issue read through the kept YAML tree after each edit is the issue read afresh, positions and refusals included', () => {
  const kept = new KeptTree();
  const read = (text: string, tree?: KeptTree) => {
    try {
      return JSON.stringify(parseIssue(text, SAMPLE_FILE, undefined, tree));
    } catch (e) {
      return `refused: ${(e as Error).message}`;
    }
  };
  const edits: [string, string][] = [
    [WORD.from, WORD.to], // inside a list item: the value is changed in the tree
    ['重庆成为2025年春晚分会场', '重庆成为2025年春晚主会场'], // a headline, with ASCII digits before the change
    ['新颖', '新颖新颖新颖'], // longer: every position after it moves
    ['新颖新颖新颖', '新'], // shorter
    ['id: spring-gala', 'id: spring-gala2'], // ASCII: read anew
    ['rank: third', 'rank: 第三'], // a value the schema refuses
    ['rank: 第三', 'rank: third'],
    ['headline: 重庆', 'headline: "重庆'], // a quote never closed
    ['headline: "重庆', 'headline: 重庆'],
  ];
  let text = SAMPLE;
  assert.equal(read(text, kept), read(text));
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), from);
    text = text.replace(from, to);
    assert.equal(read(text, kept), read(text), `after ${from} → ${to}`);
  }
});
