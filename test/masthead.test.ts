// The front page's masthead as the plant gets it: the paper's name in process red (M100 Y100) from
// the layout, knocking out, and every other character on the black plate alone; and its ear (报眼)
// as a reader finds it: the date block, and the 导读 announcing a story inside with its page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { parse } from 'yaml';
import { IssueErrors } from '../src/issue/errors.js';
import { parseIssue } from '../src/issue/parse.js';
import { composeFile } from '../src/pipeline/compose.js';
import { readPdf } from './readback.js';
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

const frontText = readFileSync(FRONT, 'utf8');
/** The front sample with its masthead page's 导读 line replaced (or removed with ''). */
const withTeasers = (line: string) => frontText.replace(/^ {4}teasers: .*$/m, line);
async function composeVariant(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'banmian-ear-'));
  const file = join(dir, 'front.yaml');
  writeFileSync(file, text);
  const result = await composeFile(file, join(dir, 'out'));
  return { ...result, read: readPdf(readFileSync(result.pdf)) };
}

test('导读: the masthead\'s ear announces the story inside by its headline and page, boxed beside the paper\'s name', async () => {
  const c = await composeVariant(frontText.replace(/^date: .*$/m, '$&\nserial: CN 50-0001\npostal-code: 77-1'));
  const page = c.composition.pages[0];
  const g = page.geometry;
  const spring = c.composition.pages[1].number;
  const lines = c.read[0].lines;
  const teaser = lines.find((l) => l.text === `重庆成为2025年春晚分会场（${spring}版）`);
  assert.ok(teaser, 'the 导读 reads as the story\'s headline and its page');
  const name = lines.find((l) => l.text === '重庆日报')!;
  const mastheadRight = g.typeLeft + 4 * g.columnWidth + 3 * g.gutter;
  const bandBottom = g.typeTop + 10 * g.pitch;
  assert.ok(teaser.x0 > name.x1 && teaser.x1 <= mastheadRight + 0.01 && teaser.y < bandBottom, 'beside the name, inside the masthead\'s columns and lines');
  // Boxed: rules above and below it and at either side.
  const strokes = c.read[0].strokes.filter(([, , , y1]) => y1 < bandBottom);
  assert.ok(strokes.some(([x0, y0, x1, y1]) => y1 - y0 < 2 && y1 < teaser.y - teaser.size * 0.88 && x0 < teaser.x0 && x1 > teaser.x1), 'a rule above it');
  assert.ok(strokes.some(([x0, y0, x1, y1]) => y1 - y0 < 2 && y0 > teaser.y && x0 < teaser.x0 && x1 > teaser.x1), 'a rule under it');
  assert.ok(strokes.some(([x0, y0, x1, y1]) => x1 - x0 < 2 && x1 < teaser.x0 && y0 < teaser.y && y1 > teaser.y), 'a rule at its left');
  // The date block above it gives the serial number and the 邮发代号 the issue names.
  for (const text of ['2024年12月25日星期三', '国内统一连续出版物号CN50-0001', '邮发代号77-1', `今日${c.composition.pages.length}版`]) {
    const l = lines.find((x) => x.text.replace(/\s/g, '') === text);
    assert.ok(l && l.y < teaser.y && l.x0 > name.x1, `"${text}" in the ear, above the 导读`);
  }
});

test('a 导读 too long for the ear is a blocking overset, and is not drawn over the name or past the band', async () => {
  const long = '紧盯做大做强制造业着力打造新质生产力动力源';
  const text = withTeasers('    teasers: [spring-gala]').replace('        headline: 重庆成为2025年春晚分会场', `        headline: ${long}`);
  const c = await composeVariant(text);
  const f = c.composition.findings.find((x) => x.code === 'overset' && x.page === 1 && x.message.includes(long));
  assert.ok(f?.blocking, 'a blocking overset naming the teaser');
  assert.ok(f.figures!.width > f.figures!.room);
  assert.ok(!c.read[0].lines.some((l) => l.text.includes(long.slice(0, 6)) && l.y < c.composition.pages[0].geometry.typeTop + 10 * 13.5), 'and not drawn in the masthead');
});

test('a 导读 must name a story of the issue on another page, from a page with a masthead: else bad input at its place', () => {
  const errorsOf = (text: string) => {
    try {
      parseIssue(text, 'front.yaml');
    } catch (e) {
      if (e instanceof IssueErrors) return e.errors.filter((x) => x.code === 'bad-teaser');
    }
    return [];
  };
  const line = frontText.split('\n').findIndex((l) => l.startsWith('    teasers:')) + 1;
  const unknown = errorsOf(withTeasers('    teasers: [spring-gal]'));
  assert.equal(unknown.length, 1);
  assert.equal(unknown[0].pos.line, line);
  assert.match(unknown[0].message, /which the issue does not have \(did you mean "spring-gala"\?\)/);
  assert.match(errorsOf(withTeasers('    teasers: [briefs]'))[0]?.message ?? '', /stands on this page/);
  assert.match(errorsOf(withTeasers('    teasers: [spring-gala, spring-gala]'))[0]?.message ?? '', /announced twice/);
  const page2 = withTeasers('').replace(/^ {4}name: 要闻\n {4}layout: tabloid\n {4}articles:\n {6}- id: spring-gala/m, '    name: 要闻\n    layout: tabloid\n    teasers: [roundtable]\n    articles:\n      - id: spring-gala');
  assert.notEqual(page2, withTeasers(''), 'the variant has teasers on page 2');
  assert.match(errorsOf(page2)[0]?.message ?? '', /has no masthead/);
});
