// The preview's quick page image, read back as pixels: its ink stands where mupdf's rendering of
// the PDF puts it, its picture is in colour, its masthead red; a build after an edit draws only the
// glyphs it has not drawn before and leaves the articles the edit did not reach as they were.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import type { ComposedPage } from '../src/page/types.js';
import { composeSession } from '../src/pipeline/compose.js';
import { changedArea, pageArea, PageRaster, type PagePixels } from '../src/proof/raster.js';
import { ROOT } from './spawn.js';

const FRONT = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), 'utf8');
const DPI = 60;
const SCALE = DPI / 72;
/** Darker than this, of 255, a pixel is ink: a hairline rule (0.5 pt, under half a pixel) is not, as renderers spread it differently. */
const INK = 128;
/** How far in from a box's edges its text is looked for, pt. */
const FRAME = 1.5;
const dir = mkdtempSync(join(tmpdir(), 'banmian-raster-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The issue built once and its PDF rendered, in one session, and its pages drawn by one raster. */
async function built(text: string, session = composeSession(), raster = new PageRaster(DPI)) {
  const file = join(dir, 'front.yaml');
  writeFileSync(file, text);
  const issue = await session.build(file);
  const pdf = await session.render(issue);
  const pages: PagePixels[] = [];
  const made: number[] = [];
  for (const p of issue.composition.pages) {
    pages.push(await raster.pixels(p, issue.fonts, issue.pictures.images));
    made.push(raster.counts().glyphsMade);
  }
  return { issue, pdf, pages, made, session, raster };
}

/** A page of the PDF as mupdf draws it at the raster's resolution, in RGB. */
function mupdfPage(pdf: Buffer, index: number): PagePixels {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  const pix = doc.loadPage(index).toPixmap(mupdf.Matrix.scale(SCALE, SCALE), mupdf.ColorSpace.DeviceRGB, false);
  assert.equal(pix.getNumberOfComponents(), 3);
  const samples = pix.getPixels();
  return { left: 0, top: 0, width: pix.getWidth(), height: pix.getHeight(), rgb: new Uint8Array(samples.buffer, samples.byteOffset, samples.length) };
}

const darkness = (img: PagePixels, x: number, y: number) => {
  const i = (y * img.width + x) * 3;
  return 255 - (img.rgb[i] + img.rgb[i + 1] + img.rgb[i + 2]) / 3;
};

/** The pixels of a rectangle given in points, clipped to the image. */
function pixelsOf(img: PagePixels, r: { x: number; y: number; width: number; height: number }) {
  return {
    x0: Math.max(0, Math.floor(r.x * SCALE)),
    y0: Math.max(0, Math.floor(r.y * SCALE)),
    x1: Math.min(img.width, Math.ceil((r.x + r.width) * SCALE)),
    y1: Math.min(img.height, Math.ceil((r.y + r.height) * SCALE)),
  };
}

/** The smallest rectangle holding every ink pixel of the region, pixels. */
function inkBounds(img: PagePixels, r: { x: number; y: number; width: number; height: number }) {
  const { x0, y0, x1, y1 } = pixelsOf(img, r);
  const b = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (darkness(img, x, y) < INK) continue;
      b.left = Math.min(b.left, x);
      b.right = Math.max(b.right, x);
      b.top = Math.min(b.top, y);
      b.bottom = Math.max(b.bottom, y);
    }
  }
  return b;
}

/** Pearson's correlation of the mean darkness of `cell`-pixel squares of two images of one size. */
function cellCorrelation(a: PagePixels, b: PagePixels, cell: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let cy = 0; cy + cell <= a.height; cy += cell) {
    for (let cx = 0; cx + cell <= a.width; cx += cell) {
      let da = 0;
      let db = 0;
      for (let y = cy; y < cy + cell; y++) {
        for (let x = cx; x < cx + cell; x++) {
          da += darkness(a, x, y);
          db += darkness(b, x, y);
        }
      }
      xs.push(da);
      ys.push(db);
    }
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** The mean colour of a rectangle given in points. */
function meanColour(img: PagePixels, r: { x: number; y: number; width: number; height: number }): [number, number, number] {
  const { x0, y0, x1, y1 } = pixelsOf(img, r);
  const sum = [0, 0, 0];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) sum[c] += img.rgb[(y * img.width + x) * 3 + c];
  const n = (x1 - x0) * (y1 - y0);
  return [sum[0] / n, sum[1] / n, sum[2] / n];
}

const glyphRect = (page: ComposedPage, i: number) => {
  const g = page.glyphs[i];
  return { x: g.x, y: g.y - g.size, width: g.size, height: g.size * 1.2 };
};

test('the quick image has its ink where mupdf draws the PDF: page by page, cell by cell, article by article within two pixels', async () => {
  const { issue, pdf, pages } = await built(FRONT);
  issue.composition.pages.forEach((page, index) => {
    const ours = pages[index];
    const theirs = mupdfPage(pdf, index);
    assert.deepEqual([ours.width, ours.height], [theirs.width, theirs.height], `page ${page.number}: the image is the page's trim at ${DPI} dpi`);
    const r = cellCorrelation(ours, theirs, 6);
    assert.ok(r > 0.9, `page ${page.number}: ink of 6-pixel cells correlates ${r.toFixed(3)} with mupdf's`);
    for (const box of page.boxes) {
      // Inside the box's frame: its rules stand on its edges, and cross at its corners.
      const inside = { x: box.x + FRAME, y: box.y + FRAME, width: box.width - 2 * FRAME, height: box.height - 2 * FRAME };
      const a = inkBounds(ours, inside);
      const b = inkBounds(theirs, inside);
      assert.ok(Number.isFinite(a.left) && Number.isFinite(b.left), `page ${page.number} ${box.id}: ink in its box`);
      for (const side of ['left', 'top', 'right', 'bottom'] as const) {
        assert.ok(Math.abs(a[side] - b[side]) <= 2, `page ${page.number} ${box.id}: ink's ${side} at ${a[side]} px, mupdf's at ${b[side]} px`);
      }
    }
  });
});

test('the picture is in colour where the PDF places it, and the masthead is red', async () => {
  const { issue, pdf, pages } = await built(FRONT);
  const front = issue.composition.pages[0];
  const ours = pages[0];
  const theirs = mupdfPage(pdf, 0);
  assert.ok(front.frames.some((f) => issue.pictures.images.has(f)), 'the front page places a picture');
  for (const frame of front.frames.filter((f) => issue.pictures.images.has(f))) {
    // Inside the frame's edge: a pixel of rounding either way does not count.
    const inner = { x: frame.x + 2, y: frame.y + 2, width: frame.width - 4, height: frame.height - 4 };
    const a = meanColour(ours, inner);
    const b = meanColour(theirs, inner);
    assert.ok(a.some((c) => c < 200), `the picture's area is not left white: mean ${a.map(Math.round)}`);
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(a[c] - b[c]) < 24, `the picture's mean colour ${a.map(Math.round)} against mupdf's ${b.map(Math.round)}`);
  }
  const red = front.glyphs.flatMap((g, i) => (g.ink ? [i] : []));
  assert.ok(red.length > 0, 'the masthead sets glyphs in red');
  for (const i of red) {
    const { x0, y0, x1, y1 } = pixelsOf(ours, glyphRect(front, i));
    let reds = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const p = (y * ours.width + x) * 3;
        if (ours.rgb[p] > 200 && ours.rgb[p + 1] < 80 && ours.rgb[p + 2] < 80) reds++;
      }
    }
    assert.ok(reds > 10, `the masthead's ${front.glyphs[i].ch} is drawn red: ${reds} red pixels`);
  }
});

test('a build after an edit draws only glyphs it has not drawn before, and the articles it did not reach stay pixel for pixel', async () => {
  const first = await built(FRONT);
  const total = first.issue.composition.pages.reduce((n, p) => n + p.glyphs.length, 0);
  assert.ok(first.made.reduce((a, b) => a + b, 0) > 1000, `the first build draws its glyphs: ${first.made}`);
  const edited = FRONT.replace('满屏新意', '满屏新貌');
  assert.notEqual(edited, FRONT);
  const second = await built(edited, first.session, first.raster);
  const made = second.made.reduce((a, b) => a + b, 0);
  assert.ok(made > 0 && made < total / 50, `the edit's build drew ${made} new glyph masks of ${total} glyphs`);
  const page = second.issue.composition.pages.findIndex((p) => p.boxes.some((b) => b.id === 'spring-gala'));
  assert.ok(page >= 0, 'spring-gala stands on a page');
  const same = (a: PagePixels, b: PagePixels, r: { x: number; y: number; width: number; height: number }) => {
    const { x0, y0, x1, y1 } = pixelsOf(a, r);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) if (a.rgb[(y * a.width + x) * 3 + c] !== b.rgb[(y * b.width + x) * 3 + c]) return false;
    return true;
  };
  const edit = second.issue.composition.pages[page].boxes.find((b) => b.id === 'spring-gala')!;
  assert.ok(!same(first.pages[page], second.pages[page], edit), 'the edited article is drawn anew');
  const others = second.issue.composition.pages[page].boxes.filter((b) => b.id !== 'spring-gala');
  assert.ok(others.length > 0);
  for (const box of others) {
    // Boxes may touch: only the part away from the edited one is its own.
    const apart = box.y + box.height <= edit.y || box.y >= edit.y + edit.height || box.x + box.width <= edit.x || box.x >= edit.x + edit.width;
    if (apart) assert.ok(same(first.pages[page], second.pages[page], box), `${box.id}, not edited, is drawn as before`);
  }
});

test("the part of a page an edit changed holds the edited glyphs only, drawn as the whole page draws them there", async () => {
  const first = await built(FRONT);
  const second = await built(FRONT.replace('满屏新意', '满屏新貌'), first.session, first.raster);
  const index = second.issue.composition.pages.findIndex((p) => p.boxes.some((b) => b.id === 'spring-gala'));
  const [before, after] = [first.issue.composition.pages[index], second.issue.composition.pages[index]];
  const area = changedArea(before, after, DPI);
  assert.ok(area, 'the edit changed the page');
  const whole = pageArea(after, DPI);
  assert.ok((area.right - area.left) * (area.bottom - area.top) < (whole.right * whole.bottom) / 100, `a word's change is a small part of the page: ${JSON.stringify(area)}`);
  const edited = after.glyphs.find((g) => g.ch === '貌')!;
  assert.ok(edited, 'the new word is set');
  const [x, y] = [edited.x * SCALE, edited.y * SCALE];
  assert.ok(x >= area.left && x < area.right && y > area.top && y <= area.bottom, `the edited glyph at (${x}, ${y}) px is in the part ${JSON.stringify(area)}`);
  const part = await second.raster.pixels(after, second.issue.fonts, second.issue.pictures.images, area);
  const drawn = second.pages[index];
  for (let row = 0; row < part.height; row++) {
    const from: number = ((area.top + row) * drawn.width + area.left) * 3;
    assert.ok(Buffer.from(part.rgb.subarray(row * part.width * 3, (row + 1) * part.width * 3)).equals(Buffer.from(drawn.rgb.subarray(from, from + part.width * 3))), `row ${row} of the part differs from the whole page's`);
  }
  assert.equal(changedArea(after, after, DPI), undefined, 'a page is not changed from itself');
});
