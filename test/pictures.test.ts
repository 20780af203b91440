// The pictures stage: a photograph turned upright, cut to its slot's shape without distortion,
// resampled to the layout's resolution (never up), converted to CMYK or kept gray, cached, judged
// for resolution, and set into a page the body flows around. Test pictures are made here with sharp
// from flat coloured blocks, so where each block lands in the output tells what was done to it;
// colours are read back through sharp's own CMYK → sRGB and compared coarsely, by nearest block.
//
// Spawning the command costs a Node start and a font load each, so only runs whose exit code or
// stderr matters are spawned, all at once in `before`; everything else runs in-process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import sharp, { type Sharp } from 'sharp';
import { parse } from 'yaml';
import { composeFile } from '../src/pipeline/compose.js';
import { cropRect, preparePicture, type CropRect, type PreparedPicture } from '../src/images/prepare.js';
import { IssueError, IssueErrors, formatIssueError } from '../src/issue/errors.js';
import type { Crop } from '../src/issue/types.js';
import { columnX, geometryOf, lineTop, loadHao, loadTemplate, spanWidth } from '../src/layout/template.js';
import { ROOT, escapeRegExp, runCompose, type Run } from './spawn.js';
import { readPdf, type ReadLine } from './readback.js';
import { reserveFree } from './fixture.js';

// Runs compiled, from dist/test/: the package root is two folders up.
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');

// The cache must never be the user's: set before anything prepares a picture.
const tmp = mkdtempSync(join(tmpdir(), 'banmian-pictures-'));
const CACHE = join(tmp, 'cache');
process.env.BANMIAN_CACHE = CACHE;
// Spawned runs get their own cache, so they cannot disturb the counting in the cache test.
const CLI_CACHE = join(tmp, 'cli-cache');

const LAYOUTS = join(ROOT, 'layouts');
const TABLOID = loadTemplate(LAYOUTS, 'tabloid', loadHao(LAYOUTS));
const SETTINGS = TABLOID.pictures;
const G = geometryOf(TABLOID);
const POS = { file: 'pictures.test', line: 1, column: 1 };

type Obj = Record<string, unknown>;
const sampleArticles = (parse(readFileSync(SAMPLE, 'utf8')) as { pages: { articles: Obj[] }[] }).pages.flatMap((p) => p.articles);
const article = (id: string) => sampleArticles.find((a) => a.id === id)!;
/** Plain-string paragraphs of one of the sample's articles: real copy, not invented text. */
const paragraphs = (id: string): string[] => (article(id).body as unknown[]).filter((b): b is string => typeof b === 'string');
const squash = (s: string) => s.replace(/\s+/g, '');
// The robotics story less its own （上接1版）: ~1,150 characters, enough to fill four columns round a picture.
const ROBOTICS = () => paragraphs('robotics-jump').filter((p) => !p.includes('上接'));
// The sample's own photograph caption and credit, from the 垫江 story.
const CAPTION = () => paragraphs('dianjiang')[0]!;
const CREDIT = () => String((article('dianjiang').pictures as Obj[])[0]!.credit);

// ---------------------------------------------------------------------------
// Test pictures

/** Colours that survive sharp's built-in CMYK and back, far enough apart to tell by nearest. */
const PALETTE = { red: '#dc2828', green: '#28a03c', blue: '#2846b4', yellow: '#f0dc28' } as const;
type Colour = keyof typeof PALETTE;
const rgbOf = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** A w×h picture in four blocks: [top-left, top-right, bottom-left, bottom-right]. */
function quadrants(w: number, h: number, [tl, tr, bl, br]: [Colour, Colour, Colour, Colour]): Sharp {
  const block = (c: Colour) => ({ create: { width: w / 2, height: h / 2, channels: 3 as const, background: PALETTE[c] } });
  return sharp({ create: { width: w, height: h, channels: 3, background: PALETTE[tl] } }).composite([
    { input: block(tr), left: w / 2, top: 0 },
    { input: block(bl), left: 0, top: h / 2 },
    { input: block(br), left: w / 2, top: h / 2 },
  ]);
}
const flat = (w: number, h: number, c: Colour): Sharp => sharp({ create: { width: w, height: h, channels: 3, background: PALETTE[c] } });

let pictureCount = 0;
/** Writes a picture file; every name is new, so no two tests share an original. */
async function picture(image: Sharp, ext: 'png' | 'jpg' = 'png'): Promise<string> {
  const dir = join(tmp, 'pictures');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `p${++pictureCount}.${ext}`);
  writeFileSync(file, await (ext === 'png' ? image.png() : image.jpeg()).toBuffer());
  return file;
}

/** A prepared JPEG as sRGB pixels, with a sampler averaging a small patch at fractions of its size. */
async function decode(jpeg: Buffer) {
  const { data, info } = await sharp(jpeg).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const at = (fx: number, fy: number): number[] => {
    const cx = Math.round(fx * (info.width - 1));
    const cy = Math.round(fy * (info.height - 1));
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = Math.max(0, cy - 2); y <= Math.min(info.height - 1, cy + 2); y++)
      for (let x = Math.max(0, cx - 2); x <= Math.min(info.width - 1, cx + 2); x++) {
        for (let k = 0; k < 3; k++) sum[k]! += data[(y * info.width + x) * info.channels + k]!;
        n++;
      }
    return sum.map((v) => v / n);
  };
  return { width: info.width, height: info.height, at, colourAt: (fx: number, fy: number) => nearest(at(fx, fy)) };
}
function nearest(rgb: number[]): Colour {
  let best: Colour = 'red';
  let bestD = Infinity;
  for (const c of Object.keys(PALETTE) as Colour[]) {
    const d = Math.hypot(...rgbOf(PALETTE[c]).map((v, i) => v - rgb[i]!));
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

const prepare = (source: string, width: number, height: number, crop?: Crop): Promise<PreparedPicture> => preparePicture({ source, width, height, crop, pos: POS }, SETTINGS);
/** How far (in pixels) a w×h picture is from the aspect a: whichever side is nearer to fitting. */
const aspectError = (w: number, h: number, a: number) => Math.min(Math.abs(w - h * a), Math.abs(h - w / a));

// ---------------------------------------------------------------------------
// Issue fixtures and runs

interface FxPicture {
  place: string;
  source?: string;
  crop?: string;
  caption?: string;
  credit?: string;
}
interface FxArticle {
  id: string;
  place: string;
  body?: string[];
  pictures?: FxPicture[];
}
/** A one-page tabloid issue; JSON strings are YAML double-quoted scalars, so any copy goes in verbatim. */
function issueYaml(articles: FxArticle[]): string {
  const lines = ['# yaml-language-server: $schema=../schema/issue.schema.json', 'format: 1', 'paper: 重庆日报', 'date: "2024-12-25"', 'pages:', '  - number: 2', '    name: 要闻', '    layout: tabloid', '    articles:'];
  for (const a of articles) {
    lines.push(`      - id: ${a.id}`, `        place: ${a.place}`);
    if (a.pictures) {
      lines.push('        pictures:');
      for (const p of a.pictures) {
        lines.push(`          - place: ${p.place}`);
        if (p.source) lines.push(`            source: ${JSON.stringify(p.source)}`);
        if (p.crop) lines.push(`            crop: ${p.crop}`);
        if (p.caption) lines.push(`            caption: ${JSON.stringify(p.caption)}`);
        if (p.credit) lines.push(`            credit: ${JSON.stringify(p.credit)}`);
      }
    }
    if (a.body) lines.push('        body:', ...a.body.map((t) => `          - ${JSON.stringify(t)}`));
  }
  return lines.join('\n') + '\n';
}

/** A picture-only article: one two-column slot of 12 lines, the picture's file beside the issue; the rest of the page reserved. */
const SLOT = '{column: 1, span: 2, line: 1, lines: 12}';
const pictureIssue = (source: string, crop?: string) => reserveFree(issueYaml([{ id: 'photo', place: '{column: 1, span: 2, line: 1, lines: 14}', pictures: [{ place: SLOT, source, crop }] }]));
/** The picture item's line:col: where its mapping starts, at `place`. */
function picturePos(text: string): { line: number; col: number } {
  const at = text.indexOf(`- place: ${SLOT}`) + 2;
  const before = text.slice(0, at);
  return { line: before.split('\n').length, col: at - (before.lastIndexOf('\n') + 1) + 1 };
}
/** SLOT's width: two columns and the gutter between. */
const SLOT_WIDTH = spanWidth(G, 2);

const run = (file: string, out: string) => runCompose([file, '-o', out], { ...process.env, BANMIAN_CACHE: CLI_CACHE });
const escape = escapeRegExp;

interface Case {
  dir: string;
  file: string;
  text: string;
  out: string;
  /** The picture file the run should name. */
  picture: string;
  /** The good PDF composed before the bad run, under the same name. */
  good?: Buffer;
  run?: Promise<Run>;
}
const cases: Record<string, Case> = {};
/** A folder of its own with the issue file `issue.yaml` and `picture` written beside it. */
async function makeCase(name: string, source: string, picture?: Buffer, crop?: string): Promise<Case> {
  const dir = join(tmp, `case-${name}`);
  mkdirSync(dir, { recursive: true });
  if (picture) writeFileSync(join(dir, source), picture);
  const text = pictureIssue(source, crop);
  const file = join(dir, 'issue.yaml');
  writeFileSync(file, text);
  return (cases[name] = { dir, file, text, out: join(dir, 'out'), picture: join(dir, source) });
}

/** Pixels across that give `ppi` in SLOT (at least it, floored to it in the message). */
const pixelsFor = (ppi: number) => Math.ceil((ppi * SLOT_WIDTH) / 72);

before(async () => {
  // Square originals: the slot is wider than tall, so the crop keeps the full width and the
  // effective resolution is the original's width over the slot's.
  for (const ppi of [120, 170]) {
    const w = pixelsFor(ppi);
    const c = await makeCase(`ppi-${ppi}`, `photo-${ppi}ppi.jpg`, await flat(w, w, 'blue').jpeg().toBuffer());
    c.run = run(c.file, c.out);
  }
  // A good run first, then the picture file goes bad under the same issue and output names.
  const good = await quadrants(400, 400, ['red', 'green', 'blue', 'yellow']).jpeg().toBuffer();
  const bad: [string, string, Buffer | undefined][] = [
    ['missing', 'absent.jpg', undefined],
    ['corrupt', 'corrupt.jpg', Buffer.from('This is a text file, not a JPEG.\n')],
  ];
  for (const [name, source, bytes] of bad) {
    const c = await makeCase(name, 'good.jpg', good);
    c.good = readFileSync((await composeFile(c.file, c.out)).pdf);
    c.text = pictureIssue(source);
    c.picture = join(c.dir, source);
    writeFileSync(c.file, c.text);
    if (bytes) writeFileSync(c.picture, bytes);
    c.run = run(c.file, c.out);
  }
});

after(async () => {
  // A still-running child would hold the folder open: let them all finish first.
  await Promise.all(Object.values(cases).map((c) => c.run));
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// 1. Orientation

test('a picture stored on its side with EXIF orientation 6 comes out upright', async () => {
  // Stored 600×400 landscape; orientation 6 says "turn 90° clockwise to view": the stored left
  // column is the top of the picture, so it is 400×600 upright with blue top-left.
  const file = await picture(quadrants(600, 400, ['red', 'green', 'blue', 'yellow']).jpeg().withMetadata({ orientation: 6 }), 'jpg');
  const stored = await sharp(file).metadata();
  assert.deepEqual([stored.width, stored.height, stored.orientation], [600, 400, 6], 'the test picture is not what it claims');

  // A portrait slot of the upright picture's shape: 1 × 1.5 inches.
  const p = await prepare(file, 72, 108);
  const img = await decode(p.jpeg);
  assert.deepEqual([img.width, img.height], [p.pixelWidth, p.pixelHeight], 'the JPEG is not the size reported');
  assert.ok(aspectError(p.pixelWidth, p.pixelHeight, 72 / 108) <= 1, `${p.pixelWidth}×${p.pixelHeight} is not the slot's 2:3`);
  assert.ok(p.pixelHeight > p.pixelWidth, 'still lying on its side');
  const seen = [img.colourAt(0.25, 0.25), img.colourAt(0.75, 0.25), img.colourAt(0.25, 0.75), img.colourAt(0.75, 0.75)];
  assert.deepEqual(seen, ['blue', 'red', 'yellow', 'green'], 'blocks not where an upright picture has them');

  // The desk's rectangle is in the upright picture's pixels: its top-left 200×300 is all blue.
  const r = await decode((await prepare(file, 72, 108, { rect: [0, 0, 200, 300] })).jpeg);
  for (const [fx, fy] of [[0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9], [0.5, 0.5]] as const)
    assert.equal(r.colourAt(fx, fy), 'blue', `rect crop at ${fx},${fy}: taken from the stored, not the upright, picture`);
});

// ---------------------------------------------------------------------------
// 2. Crop

test('cropRect: the largest rectangle of the slot’s shape, inside the picture, where the desk asked', () => {
  const [W, H] = [800, 600];
  const aspects = [3, 16 / 9, 4 / 3, 1, 0.7, 1 / 3];
  const crops: (Crop | undefined)[] = [undefined, { focus: [0, 0] }, { focus: [1, 1] }, { focus: [0.3, 0.8] }, { rect: [100, 50, 400, 400] }, { rect: [0, 0, 800, 600] }, { rect: [650, 450, 400, 400] }];
  for (const a of aspects)
    for (const crop of crops) {
      const r = cropRect(W, H, a, crop);
      const what = `aspect ${a.toFixed(3)}, crop ${JSON.stringify(crop)} → ${JSON.stringify(r)}`;
      assert.ok([r.left, r.top, r.width, r.height].every(Number.isInteger), `${what}: not whole pixels`);
      assert.ok(r.left >= 0 && r.top >= 0 && r.left + r.width <= W && r.top + r.height <= H && r.width > 0 && r.height > 0, `${what}: outside the picture`);
      assert.ok(aspectError(r.width, r.height, a) <= 1, `${what}: not the slot's shape, so the picture would be stretched`);
      // The area the crop may use: the desk's rectangle cut to the picture, or the whole picture.
      const [x, y, w, h] = crop && 'rect' in crop ? [crop.rect[0], crop.rect[1], Math.min(crop.rect[2], W - crop.rect[0]), Math.min(crop.rect[3], H - crop.rect[1])] : [0, 0, W, H];
      assert.ok(r.left >= x && r.top >= y && r.left + r.width <= x + w && r.top + r.height <= y + h, `${what}: outside the desk's rectangle`);
      assert.ok(r.width === w || r.height === h, `${what}: not the largest such rectangle`);
      if (crop && 'rect' in crop) {
        // About the rectangle's centre, to the pixel.
        assert.ok(Math.abs(r.left + r.width / 2 - (x + w / 2)) <= 1 && Math.abs(r.top + r.height / 2 - (y + h / 2)) <= 1, `${what}: not about the rectangle's centre`);
      }
    }
  const at = (a: number, focus: [number, number]): CropRect => cropRect(W, H, a, { focus });
  for (const a of aspects) {
    const tl = at(a, [0, 0]);
    assert.deepEqual([tl.left, tl.top], [0, 0], `aspect ${a}: focus [0,0] is not the top-left`);
    const br = at(a, [1, 1]);
    assert.deepEqual([br.left + br.width, br.top + br.height], [W, H], `aspect ${a}: focus [1,1] is not the bottom-right`);
  }
  assert.deepEqual(cropRect(W, H, 2, { rect: [100, 50, 400, 400] }), { left: 100, top: 150, width: 400, height: 200 });
});

test('prepared pictures fill wide, tall and square slots without distortion', async () => {
  // 1200×900: a red band down the left 300 px, a yellow band across the top 300 px, blue elsewhere.
  // Where the band edges land in the output shows both the crop and that nothing was stretched.
  const image = sharp({ create: { width: 1200, height: 900, channels: 3, background: PALETTE.blue } }).composite([
    { input: { create: { width: 1200, height: 300, channels: 3, background: PALETTE.yellow } }, left: 0, top: 0 },
    { input: { create: { width: 300, height: 900, channels: 3, background: PALETTE.red } }, left: 0, top: 0 },
  ]);
  const file = await picture(image);
  const source = (x: number, y: number): Colour => (x < 300 ? 'red' : y < 300 ? 'yellow' : 'blue');
  const slots = {
    wide: [spanWidth(G, 3), 6 * G.pitch],
    tall: [G.columnWidth, 30 * G.pitch],
    square: [G.columnWidth, G.columnWidth],
  };
  for (const [name, [w, h]] of Object.entries(slots) as [string, [number, number]][]) {
    const a = w / h;
    for (const focus of [[0, 0], [1, 1]] as [number, number][]) {
      const p = await prepare(file, w, h, { focus });
      const img = await decode(p.jpeg);
      const what = `${name} slot (${w.toFixed(1)}×${h.toFixed(1)} pt), focus ${focus}`;
      assert.deepEqual([img.width, img.height], [p.pixelWidth, p.pixelHeight], `${what}: the JPEG is not the size reported`);
      assert.ok(aspectError(p.pixelWidth, p.pixelHeight, a) <= 1, `${what}: ${p.pixelWidth}×${p.pixelHeight} is not the slot's shape`);
      // The crop worked out here, not by the engine: full width or full height, at the focus corner.
      const [cw, ch] = a >= 1200 / 900 ? [1200, 1200 / a] : [900 * a, 900];
      const [x0, y0] = focus[0] === 0 ? [0, 0] : [1200 - cw, 900 - ch];
      for (const fx of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95])
        for (const fy of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]) {
          const [sx, sy] = [x0 + fx * cw, y0 + fy * ch];
          // Too near a band edge to call after resampling and JPEG.
          if (Math.abs(sx - 300) < 0.04 * cw || Math.abs(sy - 300) < 0.04 * ch) continue;
          assert.equal(img.colourAt(fx, fy), source(sx, sy), `${what}: at ${fx},${fy} of the output (source ${sx.toFixed(0)},${sy.toFixed(0)})`);
        }
    }
  }
});

// ---------------------------------------------------------------------------
// 3. Resolution

test('a large original is resampled to the layout’s resolution; a small one is never upsampled', async () => {
  // A 3 × 1.5 inch slot.
  const [w, h] = [216, 108];
  const large = await prepare(await picture(quadrants(2400, 1200, ['red', 'green', 'blue', 'yellow'])), w, h);
  assert.ok(Math.abs(large.pixelWidth - 3 * SETTINGS.ppi) <= 1, `${large.pixelWidth} px across 3 inches is not ${SETTINGS.ppi} ppi`);
  assert.ok(Math.abs(large.pixelHeight - 1.5 * SETTINGS.ppi) <= 1, `${large.pixelHeight} px down 1.5 inches is not ${SETTINGS.ppi} ppi`);
  assert.equal(Math.round(large.ppi), SETTINGS.ppi);
  assert.deepEqual([(await sharp(large.jpeg).metadata()).width, (await sharp(large.jpeg).metadata()).height], [large.pixelWidth, large.pixelHeight]);

  // 300×150 across 3 inches is 100 ppi: kept at 300×150, and it says so.
  const small = await prepare(await picture(quadrants(300, 150, ['red', 'green', 'blue', 'yellow'])), w, h);
  assert.deepEqual([small.pixelWidth, small.pixelHeight], [300, 150], 'upsampled');
  assert.ok(Math.abs(small.ppi - 100) < 0.01, `reports ${small.ppi} ppi, has 100`);
  const meta = await sharp(small.jpeg).metadata();
  assert.deepEqual([meta.width, meta.height], [300, 150]);

  // Wider than the slot: the crop (300×150 of 400×150) is the size kept, not the original.
  const cropped = await prepare(await picture(quadrants(400, 150, ['red', 'green', 'blue', 'yellow'])), w, h);
  assert.deepEqual([cropped.pixelWidth, cropped.pixelHeight], [300, 150]);
  assert.ok(Math.abs(cropped.ppi - 100) < 0.01, `reports ${cropped.ppi} ppi for a 300-px crop across 3 inches`);
});

test('a picture below the plant’s minimum resolution is a blocking finding naming file and ppi (exit 1)', async () => {
  assert.ok(120 < SETTINGS.minPpi, 'the layout’s minimum moved: 120 ppi no longer tests it');
  const c = cases['ppi-120']!;
  const r = await c.run!;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`: error: low-resolution \\(page 2, article photo\\): photo-120ppi\\.jpg .*\\b120 ppi\\b`, 'm'), r.stderr);
  assert.ok(existsSync(join(c.out, 'issue.pdf')), 'composed with findings, so the PDF is still written');
});

test('a picture between the minimum and the target resolution is a warning only (exit 0)', async () => {
  assert.ok(170 >= SETTINGS.minPpi && 170 < SETTINGS.ppi, 'the layout’s resolutions moved: 170 ppi no longer tests the warning');
  const r = await cases['ppi-170']!.run!;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /: warning: low-resolution \(page 2, article photo\): photo-170ppi\.jpg .*\b170 ppi\b/m, r.stderr);
  assert.doesNotMatch(r.stderr, /(^|: )error: /m);
});

// ---------------------------------------------------------------------------
// 4. Gray stays gray; colour is CMYK

/** Where mupdf draws each image on a page, as [x0, y0, x1, y1] top-down, with its colour space. */
function imagesOn(pdf: Buffer, pageIndex = 0): { space: string; rect: [number, number, number, number] }[] {
  const doc = mupdf.Document.openDocument(pdf, 'application/pdf');
  const page = doc.loadPage(pageIndex);
  const found: { space: string; rect: [number, number, number, number] }[] = [];
  const device = new mupdf.Device({
    fillImage: (image, ctm) => {
      const [a, b, c, d, e, f] = ctm;
      const xs = [e, a + e, c + e, a + c + e];
      const ys = [f, b + f, d + f, b + d + f];
      found.push({ space: image.getColorSpace()?.getName() ?? 'mask', rect: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] });
    },
  });
  page.run(device, mupdf.Matrix.identity);
  device.close();
  return found;
}

test('a grayscale picture stays one-channel gray; a colour one becomes CMYK; the PDF paints no RGB', async () => {
  const gray8 = await picture(flat(400, 300, 'blue').toColourspace('b-w'), 'jpg');
  // Gray with alpha, and 16-bit gray: PNGs as scanners and editors write them.
  const grayAlpha = await picture(sharp(Buffer.alloc(400 * 300 * 2, 0x80), { raw: { width: 400, height: 300, channels: 2 } }).toColourspace('b-w'));
  const gray16 = await picture(flat(400, 300, 'blue').toColourspace('grey16'));
  const colour = await picture(quadrants(400, 300, ['red', 'green', 'blue', 'yellow']), 'jpg');
  const kind = async (f: string) => {
    const m = await sharp(f).metadata();
    return `${m.channels} ${m.space}`;
  };
  assert.deepEqual([await kind(gray8), await kind(grayAlpha), await kind(gray16), await kind(colour)], ['1 b-w', '2 b-w', '1 grey16', '3 srgb'], 'the test pictures are not what they claim');

  for (const f of [gray8, grayAlpha, gray16]) {
    const p = await prepare(f, 144, 108);
    const m = await sharp(p.jpeg).metadata();
    assert.equal(p.gray, true, `${f}: not taken as gray`);
    assert.deepEqual([m.format, m.channels, m.space], ['jpeg', 1, 'b-w'], `${f}: the gray picture did not stay one-channel gray`);
  }
  const p = await prepare(colour, 144, 108);
  const m = await sharp(p.jpeg).metadata();
  assert.equal(p.gray, false);
  assert.deepEqual([m.format, m.channels, m.space], ['jpeg', 4, 'cmyk'], 'the colour picture is not CMYK');

  const dir = join(tmp, 'gray');
  mkdirSync(dir, { recursive: true });
  // Beside the pictures' folder: a picture may come from the issue's folder and below.
  const file = join(tmp, 'gray.yaml');
  writeFileSync(
    file,
    issueYaml([
      { id: 'gray', place: '{column: 1, span: 2, line: 1, lines: 14}', pictures: [{ place: SLOT, source: gray8 }] },
      { id: 'colour', place: '{column: 3, span: 2, line: 1, lines: 14}', pictures: [{ place: SLOT, source: colour }] },
    ]),
  );
  const { pdf } = await composeFile(file, join(dir, 'out'));
  const bytes = readFileSync(pdf);
  const images = readPdf(bytes)[0]!.paints.filter((s) => s.startsWith('image'));
  assert.deepEqual(images.sort(), ['image DeviceCMYK', 'image DeviceGray'], `images painted: ${images.join(', ')}`);

  // What the press sees: the CMYK picture rendered back keeps its colours (not inverted, not
  // swapped), and the gray one is neutral.
  const placed = imagesOn(bytes);
  const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  const pix = doc.loadPage(0).toPixmap(mupdf.Matrix.identity, mupdf.ColorSpace.DeviceRGB, false);
  const px = pix.getPixels();
  const n = pix.getNumberOfComponents();
  const sample = (rect: [number, number, number, number], fx: number, fy: number) => {
    const x = Math.round(rect[0] + fx * (rect[2] - rect[0]));
    const y = Math.round(rect[1] + fy * (rect[3] - rect[1]));
    const i = y * pix.getStride() + x * n;
    return [px[i]!, px[i + 1]!, px[i + 2]!];
  };
  const cmyk = placed.find((i) => i.space === 'DeviceCMYK')!;
  const seen = [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]].map(([fx, fy]) => nearest(sample(cmyk.rect, fx!, fy!)));
  assert.deepEqual(seen, ['red', 'green', 'blue', 'yellow'], 'the CMYK picture renders in the wrong colours');
  const gray = sample(placed.find((i) => i.space === 'DeviceGray')!.rect, 0.5, 0.5);
  assert.ok(Math.max(...gray) - Math.min(...gray) <= 2, `the gray picture renders coloured: ${gray}`);
});

// ---------------------------------------------------------------------------
// 5. Text wrap

test('the body flows around a picture in the middle of its columns, losing nothing', async () => {
  const body = ROBOTICS();
  const dir = join(tmp, 'wrap');
  mkdirSync(dir, { recursive: true });
  const file = join(tmp, 'wrap.yaml');
  const source = await picture(quadrants(800, 600, ['red', 'green', 'blue', 'yellow']), 'jpg');
  // Four columns of 40 lines with a two-column picture in columns 2–3 from line 5: the body has
  // columns 1 and 4 beside it, and lines above and below it in columns 2–3.
  writeFileSync(
    file,
    issueYaml([
      {
        id: 'robotics',
        place: '{column: 1, span: 4, line: 1, lines: 40}',
        pictures: [{ place: '{column: 2, span: 2, line: 5, lines: 12}', source, caption: CAPTION(), credit: CREDIT() }],
        body,
      },
    ]),
  );
  const { pdf, composition } = await composeFile(file, join(dir, 'out'));
  const report = composition.articles.find((a) => a.id === 'robotics')!;
  assert.equal(report.oversetCharacters, 0, 'the fixture oversets: it no longer tests the wrap');

  const bytes = readFileSync(pdf);
  const [image, ...others] = imagesOn(bytes);
  assert.ok(image && others.length === 0, 'not one picture on the page');
  const frame = composition.pages[0]!.frames[0]!;
  const r = image.rect;
  assert.ok(Math.abs(r[0] - frame.x) < 0.01 && Math.abs(r[1] - frame.y) < 0.01 && Math.abs(r[2] - frame.x - frame.width) < 0.01 && Math.abs(r[3] - frame.y - frame.height) < 0.01, `the picture is drawn at ${r}, not in its frame`);
  // Columns 2–3 of the article, from its 5th line (no headline: the body area starts at the box's top).
  assert.ok(Math.abs(r[0] - columnX(G, 2)) < 0.01 && Math.abs(r[2] - r[0] - spanWidth(G, 2)) < 0.01, `the picture is not across columns 2–3: ${r}`);
  assert.ok(r[1] >= lineTop(G, 4) && r[1] < lineTop(G, 5), `the picture does not start on line 5: ${r}`);

  const lines = readPdf(bytes)[0]!.lines;
  // A set line's em box: 0.88 em above the baseline, 0.12 below.
  const top = (l: ReadLine) => l.y - 0.88 * l.size;
  const bottom = (l: ReadLine) => l.y + 0.12 * l.size;
  for (const l of lines) {
    const overlaps = l.x0 < r[2] && l.x1 > r[0] && top(l) < r[3] && bottom(l) > r[1];
    assert.ok(!overlaps, `“${l.text}” (${l.x0.toFixed(1)}–${l.x1.toFixed(1)}, ${top(l).toFixed(1)}–${bottom(l).toFixed(1)}) runs into the picture ${r.map((v) => v.toFixed(1))}`);
  }

  const box = composition.pages[0]!.boxes.find((b) => b.id === 'robotics')!;
  const bodySize = TABLOID.styles.body.size;
  // Punctuation may hang half an em past a column's edge.
  const hang = bodySize / 2 + 0.01;
  const bodyLines = lines.filter((l) => l.size === bodySize && l.y > box.y && l.y < box.y + box.height && l.x0 >= box.x - hang && l.x1 <= box.x + box.width + hang);
  const beside = bodyLines.filter((l) => top(l) < r[3] && bottom(l) > r[1]);
  const across = bodyLines.filter((l) => l.x0 < r[2] && l.x1 > r[0]);
  assert.ok(beside.some((l) => l.x1 <= r[0]), 'no body line left of the picture');
  assert.ok(beside.some((l) => l.x0 >= r[2]), 'no body line right of the picture');
  assert.ok(across.some((l) => bottom(l) <= r[1]), 'no body line above the picture');
  assert.ok(across.some((l) => top(l) >= r[3]), 'no body line below the picture');
  // Caption and credit sit in the slot under the picture, in their own (smaller) size.
  const under = lines.filter((l) => l.size < bodySize && l.x0 >= r[0] - 0.01 && l.x1 <= r[2] + 0.01 && top(l) >= r[3]);
  assert.equal(squash(under.map((l) => l.text).join('')), squash(CAPTION() + CREDIT()), 'caption and credit not under the picture');

  assert.equal(bodyLines.map((l) => l.text).join(''), squash(body.join('')), 'body text lost or out of order around the picture');
});

// ---------------------------------------------------------------------------
// 6. Bad picture files

for (const [name, what] of [
  ['missing', 'a missing picture file'],
  ['corrupt', 'a .jpg that is text, not a picture,'],
] as const) {
  test(`${what} exits 2 at the picture’s line:col, naming the file; the previous PDF stays`, async () => {
    const c = cases[name]!;
    const r = await c.run!;
    assert.equal(r.code, 2, r.stderr);
    const at = picturePos(c.text);
    assert.match(r.stderr, new RegExp(`^${escape(c.file)}:${at.line}:${at.col}: `), r.stderr);
    assert.ok(r.stderr.includes(c.picture), `the message does not name ${c.picture}: ${r.stderr}`);
    assert.ok(readFileSync(join(c.out, 'issue.pdf')).equals(c.good!), 'the previous PDF changed');
    assert.deepEqual(readdirSync(c.out), ['issue.pdf'], 'stray files in the output folder');
  });
}

/** What the command would print for a run that fails as bad input; null if it did not fail so. */
async function badInput(file: string, out: string): Promise<string | null> {
  try {
    await composeFile(file, out);
    return null;
  } catch (e) {
    // Exactly what main() turns into exit 2; anything else is exit 3, an internal error.
    if (e instanceof IssueErrors || e instanceof IssueError) return formatIssueError(e);
    assert.fail(`not reported as bad input (would exit 3): ${e instanceof Error ? e.message : String(e)}`);
  }
}

test('a truncated JPEG (header whole, data cut off) is bad input at the picture’s line:col', async () => {
  const whole = await quadrants(400, 400, ['red', 'green', 'blue', 'yellow']).jpeg().toBuffer();
  const c = await makeCase('truncated', 'truncated.jpg', whole.subarray(0, whole.length >> 1));
  const message = await badInput(c.file, c.out);
  assert.ok(message, 'composed as if the picture were whole');
  const at = picturePos(c.text);
  assert.match(message, new RegExp(`^${escape(c.file)}:${at.line}:${at.col}: `), message);
  assert.ok(message.includes(c.picture), message);
  assert.ok(!existsSync(join(c.out, 'issue.pdf')));
});

test('a crop rectangle outside the picture is bad input naming the issue file', async () => {
  // The picture is 400×400; the desk's rectangle starts past its right edge.
  const c = await makeCase('rect-outside', 'photo.jpg', await flat(400, 400, 'red').jpeg().toBuffer(), '{rect: [500, 0, 100, 100]}');
  const message = await badInput(c.file, c.out);
  assert.ok(message, 'composed with a crop outside the picture');
  assert.match(message, new RegExp(`^${escape(c.file)}:\\d+:\\d+: `), message);
});

// ---------------------------------------------------------------------------
// 7. Cache

test('a prepared picture is cached: one file per distinct preparation, reused as is', async () => {
  const files = () => (existsSync(CACHE) ? readdirSync(CACHE) : []);
  const entries = () => files().filter((f) => f.endsWith('.jpg'));
  const source = await picture(quadrants(800, 600, ['red', 'green', 'blue', 'yellow']));
  const existing = new Set(entries());
  const fresh = () => entries().filter((f) => !existing.has(f));

  // A 2:1 slot on a 4:3 picture, so that moving the focus moves the crop.
  const [w, h] = [144, 72];
  const first = await prepare(source, w, h);
  assert.equal(fresh().length, 1, `one preparation wrote ${fresh().length} cache files`);
  const [entry] = fresh();
  const cached = join(CACHE, entry!);
  assert.ok(readFileSync(cached).equals(first.jpeg), 'the cache file is not the picture returned');
  const stamp = statSync(cached);

  const second = await prepare(source, w, h);
  assert.ok(second.jpeg.equals(first.jpeg), 'the second preparation differs');
  assert.deepEqual([second.pixelWidth, second.pixelHeight, second.ppi, second.gray], [first.pixelWidth, first.pixelHeight, first.ppi, first.gray]);
  assert.equal(fresh().length, 1, 'the second preparation wrote another cache file');
  const again = statSync(cached);
  assert.deepEqual([again.ino, again.mtimeMs], [stamp.ino, stamp.mtimeMs], 'the cache file was written again, not reused');

  const moved = await prepare(source, w, h, { focus: [0, 0] });
  assert.equal(fresh().length, 2, 'a different crop did not get its own cache entry');
  assert.ok(!moved.jpeg.equals(first.jpeg), 'a different crop gave the same picture');

  // Keyed by content, not name: a new picture under the same path is prepared afresh.
  writeFileSync(source, await quadrants(800, 600, ['yellow', 'blue', 'green', 'red']).png().toBuffer());
  const replaced = await decode((await prepare(source, w, h)).jpeg);
  assert.equal(fresh().length, 3, 'a changed file did not get its own cache entry');
  assert.equal(replaced.colourAt(0.25, 0.25), 'yellow', 'the cache served the old picture for a changed file');
  // Beside the pictures: each picture's header, the built-in profile, and what the renderer keeps (font subsets, the deflated output profile).
  assert.ok(files().every((f) => /\.(jpg|header\.json|icc|ttf\.z|icc\.z)$/.test(f)), `stray files in the cache: ${files().join(', ')}`);
});
