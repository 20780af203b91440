// A warm render draws again only the pages an edit reached: the pages it keeps are read back as
// they read before the edit, the page edited reads as edited, and the file is a cold run's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeFile, composeSession } from '../src/pipeline/compose.js';
import { startPreview } from '../src/serve/server.js';
import { readPdf, type ReadPage } from './readback.js';
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
