// Fonts and the profile as the renderer embeds them: hb-subset subsets that keep their glyph ids
// and the cmap, post and name tables, PDF fonts of the same kind as before, and kept work (the
// subsets, the deflated profile) giving the very bytes a cold run gives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import * as mupdf from 'mupdf';
import { FontRegistry } from '../src/fonts/registry.js';
import { composeFile, fontRegistry } from '../src/pipeline/compose.js';
import { subsetFont } from '../src/render/subset.js';
import { ROOT, runCompose } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');

let dir: string;
let cache: string;
let bytes: Buffer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-embed-'));
  cache = join(dir, 'cache');
  process.env.BANMIAN_CACHE = cache;
  bytes = readFileSync((await composeFile(SAMPLE, join(dir, 'first'))).pdf);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The font table tags of a TrueType file. */
const tablesOf = (font: Buffer) => Array.from({ length: font.readUInt16BE(4) }, (_, k) => font.toString('latin1', 12 + 16 * k, 16 + 16 * k));

test('a subset keeps each glyph at its own id, and the cmap, post and name tables', () => {
  const face = fontRegistry().face(fontRegistry().faceOf('song'));
  const text = '重庆日报2024年';
  const ids = [...text].map((ch) => face.font.glyphForCodePoint(ch.codePointAt(0)!).id);
  const subset = subsetFont(face.bytes, ids);
  const tables = tablesOf(subset);
  for (const tag of ['cmap', 'post', 'name', 'glyf', 'loca', 'hmtx', 'head']) assert.ok(tables.includes(tag), `the subset has no ${tag} table`);
  for (const tag of ['GSUB', 'GPOS']) assert.ok(!tables.includes(tag), `the subset keeps ${tag}`);
  assert.ok(subset.length < face.bytes.length / 10, `a subset of ${ids.length} glyphs has ${subset.length} bytes`);
  const font = fontkit.create(subset);
  for (const [k, ch] of [...text].entries()) {
    const glyph = font.glyphForCodePoint(ch.codePointAt(0)!);
    assert.equal(glyph.id, ids[k], `${ch} moved to another glyph id`);
    assert.ok(glyph.path.toSVG().length > 0, `${ch} has no outline in the subset`);
  }
});

test('advances read from hmtx are fontkit\'s glyph advances', () => {
  const fonts = fontRegistry();
  for (const role of ['song', 'hei-bold']) {
    const face = fonts.faceOf(role);
    const font = fonts.face(face).font;
    for (const ch of '重庆日报，“2024”年Ab') {
      const glyph = font.glyphForCodePoint(ch.codePointAt(0)!);
      assert.equal(fonts.advance(face, ch.codePointAt(0)!), glyph.advanceWidth / font.unitsPerEm, `${role} ${ch}`);
    }
  }
});

test('the PDF fonts: Type0 Identity-H over CIDFontType2 with widths, ToUnicode and the subset as FontFile2', () => {
  const pdf = mupdf.Document.openDocument(bytes, 'application/pdf') as mupdf.PDFDocument;
  const fonts = pdf.loadPage(0).getObject().get('Resources').get('Font');
  const names: string[] = [];
  fonts.forEach((font) => {
    assert.equal(font.get('Subtype').asName(), 'Type0');
    assert.equal(font.get('Encoding').asName(), 'Identity-H');
    assert.match(font.get('ToUnicode').readStream().asString(), /beginbfchar/);
    const cid = font.get('DescendantFonts').get(0);
    assert.equal(cid.get('Subtype').asName(), 'CIDFontType2');
    assert.equal(cid.get('CIDToGIDMap').asName(), 'Identity');
    assert.ok(cid.get('W').length >= 2, 'no widths');
    const name = cid.get('FontDescriptor').get('FontName').asName();
    assert.match(name, /^[A-Z]{6}\+/);
    names.push(name);
    const program = Buffer.from(cid.get('FontDescriptor').get('FontFile2').readStream().asUint8Array());
    for (const tag of ['cmap', 'post', 'name']) assert.ok(tablesOf(program).includes(tag), `${name} has no ${tag} table`);
  });
  assert.ok(names.length >= 3, `${names.length} fonts on the page`);
  assert.equal(new Set(names.map((n) => n.slice(0, 6))).size, names.length, 'two subsets share a tag');
});

test('a recompose from kept subsets and profile gives the bytes of a cold run, and so does a new process', async () => {
  const kept = readdirSync(cache).filter((f) => f.endsWith('.z'));
  assert.ok(kept.some((f) => f.endsWith('.ttf.z')) && kept.some((f) => f.endsWith('.icc.z')), `kept: ${kept.join(', ')}`);
  const again = readFileSync((await composeFile(SAMPLE, join(dir, 'again'))).pdf);
  assert.ok(again.equals(bytes), 'a recompose in the same process differs');
  const run = await runCompose([SAMPLE, '-o', join(dir, 'process'), '-q'], { ...process.env, BANMIAN_CACHE: cache });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(readFileSync(join(dir, 'process', 'cqrb-2024-12-25.pdf')).equals(bytes), 'a new process with the kept entries differs');
});

test('a kept entry altered on disk is made again, never embedded', async () => {
  for (const f of readdirSync(cache).filter((f) => f.endsWith('.z'))) {
    const entry = readFileSync(join(cache, f));
    entry[entry.length - 1] ^= 0xff;
    writeFileSync(join(cache, f), entry);
  }
  const run = await runCompose([SAMPLE, '-o', join(dir, 'altered'), '-q'], { ...process.env, BANMIAN_CACHE: cache });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(readFileSync(join(dir, 'altered', 'cqrb-2024-12-25.pdf')).equals(bytes), 'altered entries changed the PDF');
});

test('a font without TrueType outlines is refused when it is loaded, not embedded wrongly', () => {
  const face = fontRegistry().face(fontRegistry().faceOf('song'));
  const bytes = Buffer.from(face.bytes);
  const k = tablesOf(bytes).indexOf('glyf');
  bytes.write('glyX', 12 + 16 * k, 'latin1');
  writeFileSync(join(dir, 'outlines.ttf'), bytes);
  writeFileSync(join(dir, 'fonts.yaml'), 'roles:\n  song:\n    path: outlines.ttf\n');
  assert.throws(() => new FontRegistry(join(dir, 'fonts.yaml')), /has no TrueType \(glyf\) outlines, which the PDF does not embed; give a TrueType font file/);
});
