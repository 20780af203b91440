// Fonts read by their tables, outlines only when a subset needs them: the PDF the same as from a
// kept subset, an empty cache composing every face, damaged tables refused when the font loads,
// and a font file changed under a running process refused rather than embedded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FontRegistry } from '../src/fonts/registry.js';
import { IssueError } from '../src/issue/errors.js';
import { composeFile, fontRegistry } from '../src/pipeline/compose.js';
import { readPdf } from './readback.js';
import { ROOT, runCompose } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const FRONT = join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml');
const dir = mkdtempSync(join(tmpdir(), 'banmian-speed-fonts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const RECORD = 16;
const HEADER = 12;
/** Where a table lies in a TrueType file, and where its directory record is. */
function tableOf(font: Buffer, tag: string) {
  for (let k = 0; k < font.readUInt16BE(4); k++) {
    const record = HEADER + RECORD * k;
    if (font.toString('latin1', record, record + 4) === tag) return { record, offset: font.readUInt32BE(record + 8), length: font.readUInt32BE(record + 12) };
  }
  throw new Error(`no ${tag} table`);
}

/** The sfnt checksum of a table (loca and hmtx have no adjustment word). */
function checksum(font: Buffer, offset: number, length: number): number {
  let sum = 0;
  for (let at = offset; at < offset + length; at += 4) {
    const word = Buffer.alloc(4);
    font.copy(word, 0, at, Math.min(at + 4, offset + length));
    sum = (sum + word.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

const songBytes = () => readFileSync(fontRegistry().face(fontRegistry().faceOf('song')).file);

/** A registry whose only role is the song font as `bytes`, from a file of its own. */
function songFrom(name: string, bytes: Buffer): { file: string; load: () => FontRegistry } {
  const file = join(dir, `${name}.ttf`);
  writeFileSync(file, bytes);
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, `roles:\n  song:\n    path: ${name}.ttf\n`);
  return { file, load: () => new FontRegistry(config) };
}

test('from an empty cache every face of the front sample is subset, and the PDF is the one a kept subset gives', async () => {
  const empty = join(dir, 'empty-cache');
  const env = { ...process.env, BANMIAN_CACHE: empty };
  const first = await runCompose([FRONT, '-o', join(dir, 'empty'), '-q'], env);
  assert.equal(first.code, 0, first.stderr);
  const again = await runCompose([FRONT, '-o', join(dir, 'kept'), '-q'], env);
  assert.equal(again.code, 0, again.stderr);
  const made = readFileSync(join(dir, 'empty', 'cqrb-2024-12-25-front.pdf'));
  assert.ok(made.equals(readFileSync(join(dir, 'kept', 'cqrb-2024-12-25-front.pdf'))), 'a subset made and a subset kept gave different PDFs');
  const drawn = readPdf(made).flatMap((page) => page.drawn);
  assert.ok(drawn.length > 1000, `the front sample reads back ${drawn.length} glyphs`);
  assert.deepEqual(drawn.filter((d) => d.glyph === 0 || !d.ch), [], 'glyphs drawn as .notdef or mapped to no character');
});

test('the bundled command sets display lines with the phrases the page stage finds in process', async () => {
  const out = join(dir, 'bundle');
  const run = await runCompose([SAMPLE, '-o', out, '-q']);
  assert.equal(run.code, 0, run.stderr);
  const inProcess = await composeFile(SAMPLE, join(dir, 'in-process'));
  assert.ok(readFileSync(join(out, 'cqrb-2024-12-25.pdf')).equals(readFileSync(inProcess.pdf)), 'the bundle and the modules gave different PDFs');
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist', 'compose', 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
  const inputs = Object.keys(meta.inputs);
  assert.ok(inputs.some((f) => /node_modules\/budoux\/.*parser\.js$/.test(f)), "the bundle has no budoux parser");
  for (const html of ['linkedom', 'htmlparser2', 'css-select', 'cssom']) assert.ok(!inputs.some((f) => f.includes(`node_modules/${html}/`)), `the bundle carries ${html}`);
});

test('a font whose metrics table does not match its checksum is refused when it loads', () => {
  const bytes = songBytes();
  const hmtx = tableOf(bytes, 'hmtx');
  bytes[hmtx.offset + 1] ^= 0xff;
  assert.throws(() => songFrom('hmtx', bytes).load(), (e: unknown) => e instanceof IssueError && /font role "song": .*hmtx\.ttf is damaged \(its hmtx table does not match its checksum\); give a TrueType or OpenType font file/.test(e.message));
});

test('a font whose glyph locations run past its outlines is refused when it loads', () => {
  const bytes = songBytes();
  const loca = tableOf(bytes, 'loca');
  const glyf = tableOf(bytes, 'glyf');
  const long = bytes.readInt16BE(tableOf(bytes, 'head').offset + 50) === 1;
  if (long) bytes.writeUInt32BE(glyf.length + 4, loca.offset + loca.length - 4);
  else bytes.writeUInt16BE(Math.min(0xffff, glyf.length / 2 + 2), loca.offset + loca.length - 2);
  bytes.writeUInt32BE(checksum(bytes, loca.offset, loca.length), loca.record + 4);
  assert.throws(() => songFrom('loca', bytes).load(), (e: unknown) => e instanceof IssueError && /loca\.ttf is damaged \(its loca table places glyph \d+ outside the glyf table\)/.test(e.message));
});

test('outlines are read from the font file as it was loaded, and a file changed since is refused', () => {
  const face = songFrom('loaded', songBytes()).load().face('song');
  const id = face.font.glyphForCodePoint('重'.codePointAt(0)!).id;
  assert.ok(face.font.getGlyph(id).path.toSVG().length > 0, 'a face loaded by its tables draws no outline');
  const { file, load } = songFrom('changed', songBytes());
  const changed = load().face('song');
  const later = new Date(Date.now() + 60_000);
  utimesSync(file, later, later);
  assert.throws(() => changed.bytes, (e: unknown) => e instanceof IssueError && /font role "song": .*changed\.ttf was changed while in use; compose again/.test(e.message));
});
