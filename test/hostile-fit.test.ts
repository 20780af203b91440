// Text the engine sets outside article bodies, made too long for its room on purpose: the paper's
// name, the folio's page name and editor, a table, a caption, a hanging lead-in; and characters
// outside bodies that no font has, or combining marks the base face lacks. Each must be fitted,
// or left out with a blocking finding at its place; never drawn over a neighbour or off the trim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeFile, fontRegistry } from '../src/pipeline/compose.js';
import type { Composition } from '../src/page/types.js';
import { issueYaml, reserveFree, type FixtureArticle } from './fixture.js';
import { assertDrawnClean, readPdf, type ReadPage } from './readback.js';
import { ROOT, runCompose } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const TMP = mkdtempSync(join(tmpdir(), 'banmian-hostile-fit-'));
process.env.BANMIAN_CACHE = join(TMP, 'cache');

/** The sample's running text, as one string: where the tests take their copy from. */
const COPY = (() => {
  const out: string[] = [];
  const walk = (v: unknown, inText: boolean): void => {
    if (typeof v === 'string') {
      if (inText) out.push(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, inText);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k !== 'lead') walk(x, inText || k === 'body' || k === 'text');
  };
  walk(parse(readFileSync(SAMPLE, 'utf8')), false);
  return out.join('');
})();

/** `n` Han characters in a row from the sample, the k-th such run. */
function han(n: number, k = 0): string {
  const runs = [...COPY.matchAll(new RegExp(`\\p{Script=Han}{${n}}`, 'gu'))];
  assert.ok(runs.length > k, `the sample has no ${k + 1} runs of ${n} Han characters`);
  return runs[k]![0];
}

let n = 0;
/** Writes the issue and composes it in-process; returns its file, what composition found and the PDF read back. */
async function compose(text: string): Promise<{ file: string; c: Composition; read: ReadPage[] }> {
  const dir = join(TMP, `case-${++n}`);
  mkdirSync(dir);
  const file = join(dir, 'issue.yaml');
  writeFileSync(file, text);
  const { pdf, composition } = await composeFile(file, join(dir, 'out'));
  return { file, c: composition, read: readPdf(readFileSync(pdf)) };
}

const body = (k = 0) => [COPY.slice(k * 200, k * 200 + 600)];
/** One article filling the tabloid page, so the page has no hole. */
const whole = (extra: Partial<FixtureArticle> = {}): FixtureArticle => ({ id: 'story', place: '{column: 1, span: 6, line: 1, lines: bottom}', body: body(), ...extra });
/** The line (1-based) of the first line of `text` that starts with `start`. */
const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

/** The fixture's page made a front page, what the masthead leaves free declared reserved. */
const onMasthead = (text: string) => reserveFree(text.replace('    layout: tabloid\n', '    layout: tabloid\n    masthead: true\n'));

const oversetOf = (c: Composition, fragment: string) => c.findings.find((f) => f.code === 'overset' && f.message.includes(fragment));

test('a paper name wider than the masthead is a blocking overset at its page, and is not drawn over the ear or off the trim', async () => {
  const name = han(40);
  const text = onMasthead(issueYaml('tabloid', [{ ...whole(), place: '{column: 1, span: 6, line: 11, lines: bottom}' }]).replace('paper: 重庆日报', `paper: ${name}`));
  const { file, c, read } = await compose(text);
  const f = oversetOf(c, "masthead's paper name");
  assert.ok(f?.blocking, `a blocking overset naming the paper name: ${JSON.stringify(c.findings.map((x) => x.message))}`);
  assert.equal(f.page, 2);
  assert.deepEqual(f.pos, { file, line: lineOf(text, '  - number: 2'), column: 5 });
  assert.match(f.message, /needs [\d.]+ pt, and its room holds [\d.]+ pt/);
  assert.ok(!read[0]!.lines.some((l) => l.text.includes(name.slice(0, 4))), 'the name is not drawn');
  assertDrawnClean(read);
});

test('a folio page name and editor too long for the folio: each a blocking overset, the rest of the folio clear of them', async () => {
  const long = (k: number) => han(20, k) + han(20, k + 1) + han(20, k + 2);
  const text = issueYaml('tabloid', [whole()]).replace('    name: 要闻\n', `    name: ${long(0)}\n    editor: ${long(3)}\n`);
  const { c, read } = await compose(text);
  for (const what of ["folio's page name", "folio's editor"]) assert.ok(oversetOf(c, what)?.blocking, `a blocking overset for the ${what}`);
  const folio = read[0]!.lines.filter((l) => l.y < c.pages[0]!.geometry.typeTop);
  assert.ok(folio.some((l) => l.text.includes('重庆日报')), 'the paper name still stands in the folio');
  assert.ok(!folio.some((l) => l.text.includes(long(0).slice(0, 4))), 'the page name is not drawn');
  assertDrawnClean(read);
  const cli = await runCompose([join(TMP, `case-${n}`, 'issue.yaml'), '-o', join(TMP, `case-${n}`, 'cli'), '-q']);
  assert.equal(cli.code, 1, cli.stderr);
  assert.match(cli.stderr, /error: overset \(page 2\): the folio's page name/);
});

test('a table row wider than its article is a blocking overset at the table, and nothing is drawn past the article', async () => {
  const cells = [han(12), han(12, 1), han(12, 2)];
  const text = issueYaml('tabloid', [
    { id: 'narrow', place: '{column: 1, span: 1, line: 1, lines: bottom}', body: body(), extra: ['        table:', `          - [${cells.join(', ')}]`, `          - [${han(3)}, ${han(3, 1)}, ${han(3, 2)}]`] },
    { id: 'rest', place: '{column: 2, span: 5, line: 1, lines: bottom}', body: body(3) },
  ]);
  const { file, c, read } = await compose(text);
  const f = oversetOf(c, 'the table');
  assert.ok(f?.blocking, JSON.stringify(c.findings.map((x) => x.message)));
  assert.equal(f.article, 'narrow');
  assert.equal(f.pos?.line, lineOf(text, '          - ['));
  assert.equal(f.pos?.file, file);
  const box = c.pages[0]!.boxes.find((b) => b.id === 'narrow')!;
  assert.ok(!read[0]!.lines.some((l) => l.text.includes(cells[1]!.slice(0, 5))), 'the table is not drawn');
  // A squeezed mark at a line end may keep its blank half past the column, as in any body line.
  for (const l of read[0]!.lines) if (l.y > box.y && l.x0 < box.x + box.width) assert.ok(l.x1 <= box.x + box.width + 0.5 * l.size, `"${l.text}" runs out of the narrow article`);
  assert.equal(c.articles.find((a) => a.id === 'narrow')!.oversetCharacters >= cells.join('').length, true, 'the table counts as overset');
});

// Limits bound work: a table of more rows (or cells in a row) than a call takes arguments is set,
// or counted overset, without overflowing the stack or taking quadratic time over its columns.
test('a table of 130,000 rows, and one of a row of 20,000 cells, are overset at the table, not a crash', async () => {
  const cell = han(1);
  for (const rows of [Array.from({ length: 130_000 }, () => `          - [${cell}]`), [`          - [${Array.from({ length: 20_000 }, () => cell).join(', ')}]`]]) {
    const text = issueYaml('tabloid', [{ ...whole(), extra: ['        table:', ...rows] }]);
    const { c } = await compose(text);
    const story = c.articles.find((a) => a.id === 'story')!;
    assert.ok(c.findings.some((f) => f.blocking && f.code === 'overset' && f.article === 'story'), 'a blocking overset');
    assert.ok(story.oversetCharacters >= 20_000, `${story.oversetCharacters} characters overset`);
  }
});

test('a caption longer than its picture slot is a blocking overset at the picture, and does not print over the body', async () => {
  const caption = COPY.slice(0, 300);
  const text = issueYaml('tabloid', [
    whole({ extra: ['        pictures:', '          - place: {column: 1, span: 2, line: 1, lines: 4}', `            caption: ${JSON.stringify(caption)}`] }),
  ]);
  const { c, read } = await compose(text);
  const f = oversetOf(c, 'the caption');
  assert.ok(f?.blocking, JSON.stringify(c.findings.map((x) => x.message)));
  assert.equal(f.pos?.line, lineOf(text, '          - place: {column: 1, span: 2'));
  assert.match(f.message, /needs \d+ lines, and its room holds 3 lines/);
  assertDrawnClean(read);
});

test('a hanging lead-in wider than half its column runs in, and no character of the paragraph leaves the column', async () => {
  const lead = han(9);
  const text = issueYaml('tabloid', [
    { id: 'hang', place: '{column: 1, span: 1, line: 1, lines: bottom}', body: [], extra: ['        body:', `          - {lead: ${lead}, text: ${JSON.stringify(COPY.slice(0, 120))}, hang: true}`] },
    { id: 'rest', place: '{column: 2, span: 5, line: 1, lines: bottom}', body: body(3) },
  ]);
  const { c, read } = await compose(text);
  const box = c.pages[0]!.boxes.find((b) => b.id === 'hang')!;
  const inColumn = read[0]!.lines.filter((l) => l.y > box.y && l.x0 < box.x + box.width - 1);
  for (const l of inColumn) assert.ok(l.x1 <= box.x + box.width + 0.5 * l.size, `"${l.text}" leaves the column at ${l.x1.toFixed(1)} (the column ends at ${(box.x + box.width).toFixed(1)})`);
  const lines = inColumn.filter((l) => l.x0 < box.x + box.width);
  assert.ok(lines.every((l) => [...l.text].length > 2), `lines of one or two characters: ${lines.map((l) => l.text).join(' / ')}`);
  assertDrawnClean(read);
});

/** A private-use character: no font of the paper has one. */
const PRIVATE = String.fromCodePoint(0xe000 + 0x123);

test('a character no font has in the paper name, page name or editor is a blocking missing-glyph, on a folio page and a masthead page', async () => {
  for (const masthead of [false, true]) {
    const place = masthead ? '{column: 1, span: 6, line: 11, lines: bottom}' : '{column: 1, span: 6, line: 1, lines: bottom}';
    for (const field of ['paper', 'name', 'editor'] as const) {
      let text = issueYaml('tabloid', [{ ...whole(), place }]);
      const odd = `${han(2)}${PRIVATE}${han(2, 1)}`;
      if (field === 'paper') text = text.replace('paper: 重庆日报', `paper: "${odd}"`);
      if (field === 'name') text = text.replace('    name: 要闻\n', `    name: "${odd}"\n`);
      if (field === 'editor') text = text.replace('    name: 要闻\n', `    name: 要闻\n    editor: "${odd}"\n`);
      if (masthead) text = onMasthead(text);
      const { c } = await compose(text);
      const missing = c.findings.filter((f) => f.code === 'missing-glyph');
      assert.equal(missing.length, 1, `${field}${masthead ? ' on a masthead page' : ''}: ${JSON.stringify(c.findings.map((f) => f.message))}`);
      assert.ok(missing[0]!.blocking);
      assert.match(missing[0]!.message, /^1 character no font has \(.* U\+E123\)/);
    }
  }
});

test('a character no font has in a bold lead-in is reported once, as one character', async () => {
  const lead = `${han(4)}${PRIVATE}`;
  const text = issueYaml('tabloid', [{ ...whole(), body: [], extra: ['        body:', `          - {lead: "${lead}", text: ${JSON.stringify(body()[0])}}`] }]);
  const { c } = await compose(text);
  const missing = c.findings.filter((f) => f.code === 'missing-glyph');
  assert.equal(missing.length, 1, JSON.stringify(c.findings.map((f) => f.message)));
  assert.match(missing[0]!.message, /^1 character no font has \(.* U\+E123\)/);
});

test('combining marks: one the body face lacks is drawn from a face that has it, never as .notdef; one no face has is reported missing', async () => {
  const fonts = fontRegistry();
  const faces = [fonts.faceOf('song'), ...fonts.fallback];
  const has = (f: string, cp: number) => fonts.face(f).font.hasGlyphForCodePoint(cp);
  const marks = Array.from({ length: 0x370 - 0x300 }, (_, i) => 0x300 + i);
  // A mark the body face lacks and a fallback has, and one no face has, found in the fonts themselves.
  const composes = (cp: number) => `A${String.fromCodePoint(cp)}`.normalize('NFC').length === 1;
  const borrowed = marks.find((cp) => !composes(cp) && !has(fonts.faceOf('song'), cp) && faces.some((f) => has(f, cp) && has(f, 0x41)))!;
  const none = [...marks.filter((cp) => !composes(cp)), ...Array.from({ length: 0x1b00 - 0x1ab0 }, (_, i) => 0x1ab0 + i)].find((cp) => /\p{M}/u.test(String.fromCodePoint(cp)) && !faces.some((f) => has(f, cp)));
  assert.ok(borrowed, 'no combining mark to borrow');
  const word = `A${String.fromCodePoint(borrowed)}B${none ? String.fromCodePoint(none) : ''}`;
  const text = issueYaml('tabloid', [whole({ body: [`${han(10)}${word}${han(10, 1)}`] })]);
  const { c, read } = await compose(text);
  assert.deepEqual(read[0]!.drawn.filter((d) => d.glyph === 0).map((d) => d.ch), [], 'a .notdef box is drawn');
  assert.ok(read[0]!.drawn.some((d) => d.ch.codePointAt(0) === borrowed), 'the borrowed mark is drawn');
  const fallback = c.findings.find((f) => f.code === 'glyph-fallback');
  assert.ok(fallback?.message.includes(`U+${borrowed.toString(16).toUpperCase().padStart(4, '0')}`), JSON.stringify(c.findings.map((f) => f.message)));
  if (none) {
    const missing = c.findings.find((f) => f.code === 'missing-glyph');
    assert.ok(missing?.blocking && missing.message.includes(`U+${none.toString(16).toUpperCase().padStart(4, '0')}`), JSON.stringify(c.findings.map((f) => f.message)));
  }
});

test('a letter typed with its combining mark (NFD) is set as the precomposed letter where the face has it', async () => {
  const text = issueYaml('tabloid', [whole({ body: [`${han(10)}Cho\u0301ngqi\u0300ng${han(10, 1)}`] })]);
  const { c, read } = await compose(text);
  const drawn = read[0]!.drawn.map((d) => d.ch).join('');
  assert.ok(drawn.includes('Chóngqìng'.normalize('NFC')), `drawn: ${drawn.slice(0, 80)}`);
  assert.deepEqual(c.findings.filter((f) => f.code === 'missing-glyph' || f.code === 'glyph-fallback'), []);
});
