// The front page's masthead as the plant gets it: the paper's name in process red (M100 Y100) from
// the layout, knocking out, and every other character on the black plate alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { parse } from 'yaml';
import { composeFile } from '../src/pipeline/compose.js';
import { ROOT } from './spawn.js';

const FRONT = join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml');

/** Every character the page fills, with the colour it is filled in. */
function inkedText(pdf: mupdf.PDFDocument, page: number): { ch: string; colour: string }[] {
  const out: { ch: string; colour: string }[] = [];
  const device = new mupdf.Device({
    fillText: (text, _ctm, cs, color) => {
      const colour = [cs.getName(), ...color.map((v) => +v.toFixed(3))].join(' ');
      text.walk({ showGlyph: (_f, _m, _g, unicode) => void out.push({ ch: String.fromCodePoint(unicode), colour }) });
    },
  });
  pdf.loadPage(page).run(device, mupdf.Matrix.identity);
  device.close();
  return out;
}

test('the masthead name prints in the layout\u2019s process red and knocks out; all other text is process black', async () => {
  const { pdf: file } = await composeFile(FRONT, mkdtempSync(join(tmpdir(), 'banmian-masthead-')));
  const pdf = mupdf.Document.openDocument(readFileSync(file), 'application/pdf') as mupdf.PDFDocument;
  const paper = (parse(readFileSync(FRONT, 'utf8')) as { paper: string }).paper;
  const layout = parse(readFileSync(join(ROOT, 'layouts', 'tabloid.yaml'), 'utf8')) as { masthead: { ink: number[] } };
  const red = ['DeviceCMYK', ...layout.masthead.ink.map((v) => v / 100)].join(' ');
  const chars = inkedText(pdf, 0);
  const coloured = chars.filter((c) => c.colour !== 'DeviceCMYK 0 0 0 1');
  assert.equal(coloured.map((c) => c.ch).join(''), paper, 'only the paper\u2019s name is in colour');
  assert.ok(coloured.every((c) => c.colour === red), `in ${red}`);
  assert.ok(chars.length > 1000, 'and the rest of the page is there, in black');
  // The graphics state in force where the red is set: knock-out, so no black shows through the red.
  const contents = pdf.loadPage(0).getObject().get('Contents');
  const stream = (o: mupdf.PDFObject) => Buffer.from(o.readStream().asUint8Array()).toString('latin1');
  const raw = contents.isArray() ? Array.from({ length: contents.length }, (_, k) => stream(contents.get(k))).join('\n') : stream(contents);
  let state = '';
  let fill = '';
  let redShows = 0;
  for (const m of raw.matchAll(/\/(GS\w+) gs|([\d.]+ [\d.]+ [\d.]+ [\d.]+) (?:k|scn)|\] TJ/g)) {
    if (m[1]) state = m[1];
    else if (m[2]) fill = m[2];
    else if (fill === layout.masthead.ink.map((v) => v / 100).join(' ')) {
      redShows++;
      assert.equal(state, 'GSko', 'the red name knocks out');
    }
  }
  assert.ok(redShows > 0, 'the name is set with a process-red fill');
  // The other pages have no masthead: nothing in colour there.
  for (let i = 1; i < pdf.countPages(); i++) assert.deepEqual(inkedText(pdf, i).filter((c) => c.colour !== 'DeviceCMYK 0 0 0 1'), []);
});
