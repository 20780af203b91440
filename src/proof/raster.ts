import type { Font, Glyph } from 'fontkit';
import type { FaceGlyphs, FontRegistry } from '../fonts/registry.js';
import type { PreparedPicture } from '../images/prepare.js';
import { loadSharp } from '../images/sharp.js';
import { formOf, type ComposedPage, type PlacedFrame, type PlacedGlyph } from '../page/types.js';
import type { GlyphForm } from '../text/types.js';
import { screenRgb } from './svg.js';

/**
 * The preview's quick page image: the page model drawn straight into pixels, without SVG or the
 * PDF, so the desk sees an edit before pdf.js has read the new PDF. Each glyph's outline is
 * turned into a coverage mask once per face, size and horizontal phase and kept, so a build after
 * an edit draws only glyphs it has not drawn before; pictures are converted to the screen's
 * colours once per picture and size. It is a proof of the composition, not of the PDF's bytes.
 */

const POINTS_PER_INCH = 72;
/** Horizontal positions a glyph is drawn at within a pixel: quarters keep a justified line's spacing even. */
const PHASES = 4;
/** Sizes are told apart to a sixteenth of a pixel: closer, two sizes draw the same mask. */
const SIZE_STEPS = 16;
/** Size steps a mask's key has room for: a glyph up to 65,536 pixels an em. */
const SIZE_KEYS = 2 ** 20;
/** How far a flattened curve may stray from the outline, pixels. */
const FLATNESS = 0.1;
/** The most pieces one curve is flattened into: a glyph of the preview is some tens of pixels high. */
const MAX_PIECES = 32;
/** The grey of an ad space not drawn and of its frame, as the SVG proof shows it. */
const SPACE_FILL = 0xe8;
const SPACE_FRAME: [number, number, number] = [0x80, 0x80, 0x80];
const SPACE_FRAME_WIDTH = 0.8;
const BLACK: [number, number, number] = [0, 0, 0];

/** A glyph's or a rule's coverage: 0–255 a pixel, placed by its top-left pixel. */
interface Mask {
  left: number;
  top: number;
  width: number;
  height: number;
  alpha: Uint8Array;
}

/** A glyph's outline as fontkit gives it, in font units, y up. */
type Outline = Glyph['path']['commands'];

/** A picture in the screen's colours at the size of its slot in pixels. */
interface ScreenPicture {
  width: number;
  height: number;
  rgb: Promise<Buffer>;
}

/** A page image as RGB pixels, 3 bytes a pixel, rows top to bottom: the page's, or a part's at (left, top) of it. */
export interface PagePixels {
  left: number;
  top: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** A rectangle of the page's pixels, from (left, top), the right and bottom edges outside it. */
export interface PixelArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The page's pixels at `dpi`: whole pixels covering the trim, as a PDF page is rendered. */
export function pageArea(page: ComposedPage, dpi: number): PixelArea {
  const s = dpi / POINTS_PER_INCH;
  return { left: 0, top: 0, right: Math.max(1, Math.ceil(page.geometry.trimWidth * s)), bottom: Math.max(1, Math.ceil(page.geometry.trimHeight * s)) };
}

/** How far a glyph's ink may reach from its origin and baseline, in ems: generous, as a part drawn too large costs only pixels. */
const GLYPH_REACH = { left: 0.5, right: 1.5, up: 1.25, down: 0.5 };

/**
 * The pixels of `after` at `dpi` drawn otherwise than those of `before`: the glyphs, rules,
 * frames and ad spaces one has and the other not, as one rectangle; undefined when none differ,
 * the whole page when the trim changed. A warm build keeps the glyph objects of the articles an
 * edit did not reach, so only the others are compared by value.
 */
export function changedArea(before: ComposedPage, after: ComposedPage, dpi: number): PixelArea | undefined {
  const whole = pageArea(after, dpi);
  const was = pageArea(before, dpi);
  if (was.right !== whole.right || was.bottom !== whole.bottom) return whole;
  const s = dpi / POINTS_PER_INCH;
  const area = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  const add = (x0: number, y0: number, x1: number, y1: number) => {
    area.left = Math.min(area.left, Math.floor(x0 * s) - 1);
    area.top = Math.min(area.top, Math.floor(y0 * s) - 1);
    area.right = Math.max(area.right, Math.ceil(x1 * s) + 1);
    area.bottom = Math.max(area.bottom, Math.ceil(y1 * s) + 1);
  };
  const glyphKey = (g: PlacedGlyph) => `${g.x} ${g.y} ${g.size} ${g.face} ${g.ch} ${g.fullWidth} ${g.halfWidth} ${g.ink?.join()}`;
  const addGlyph = (g: PlacedGlyph) => add(g.x - g.size * GLYPH_REACH.left, g.y - g.size * GLYPH_REACH.up, g.x + g.size * GLYPH_REACH.right, g.y + g.size * GLYPH_REACH.down);
  const kept = new Set(after.glyphs);
  const gone = new Map<string, PlacedGlyph[]>();
  for (const g of before.glyphs) {
    if (kept.has(g)) continue;
    const key = glyphKey(g);
    const same = gone.get(key);
    if (same) same.push(g);
    else gone.set(key, [g]);
  }
  const had = new Set(before.glyphs);
  for (const g of after.glyphs) {
    if (had.has(g)) continue;
    // The same glyph made anew where it stood is drawn as it was.
    if (!gone.get(glyphKey(g))?.pop()) addGlyph(g);
  }
  for (const left of gone.values()) for (const g of left) addGlyph(g);
  const others = (p: ComposedPage) => [...p.rules.map((r) => ({ r, x0: Math.min(r.x1, r.x2) - r.width, y0: Math.min(r.y1, r.y2) - r.width, x1: Math.max(r.x1, r.x2) + r.width, y1: Math.max(r.y1, r.y2) + r.width })), ...[...p.frames, ...p.spaces].map((r) => ({ r, x0: r.x - 1, y0: r.y - 1, x1: r.x + r.width + 1, y1: r.y + r.height + 1 }))];
  const [a, b] = [others(before), others(after)];
  const keys = (list: typeof a) => new Set(list.map((o) => JSON.stringify(o.r)));
  const [inA, inB] = [keys(a), keys(b)];
  for (const o of a) if (!inB.has(JSON.stringify(o.r))) add(o.x0, o.y0, o.x1, o.y1);
  for (const o of b) if (!inA.has(JSON.stringify(o.r))) add(o.x0, o.y0, o.x1, o.y1);
  if (area.left > area.right) return undefined;
  return { left: Math.max(0, area.left), top: Math.max(0, area.top), right: Math.min(whole.right, area.right), bottom: Math.min(whole.bottom, area.bottom) };
}

/**
 * Area coverage of a filled outline: each edge adds, in the cell where it crosses a row, the part
 * of its height that lies right of it, and the cells past it the whole; a row summed left to right
 * is then the winding number's coverage of each pixel. One buffer serves every outline.
 */
class Coverage {
  private cells = new Float32Array(1024);
  private stride = 0;
  private rows = 0;
  private left = 0;
  private top = 0;

  begin(minX: number, minY: number, maxX: number, maxY: number): void {
    this.left = Math.floor(minX);
    this.top = Math.floor(minY);
    // One cell more than the outline's width takes what an edge on its right side hands on.
    this.stride = Math.ceil(maxX) - this.left + 2;
    this.rows = Math.max(1, Math.ceil(maxY) - this.top);
    const size = this.stride * this.rows;
    if (this.cells.length < size) this.cells = new Float32Array(size * 2);
    this.cells.fill(0, 0, size);
  }

  line(x0: number, y0: number, x1: number, y1: number): void {
    if (y0 === y1) return;
    let dir = 1;
    if (y0 > y1) {
      [x0, y0, x1, y1] = [x1, y1, x0, y0];
      dir = -1;
    }
    x0 -= this.left;
    x1 -= this.left;
    y0 -= this.top;
    y1 -= this.top;
    const dxdy = (x1 - x0) / (y1 - y0);
    for (let row = Math.max(0, Math.floor(y0)); row < y1 && row < this.rows; row++) {
      const ya = Math.max(y0, row);
      const yb = Math.min(y1, row + 1);
      this.across(row * this.stride, x0 + (ya - y0) * dxdy, x0 + (yb - y0) * dxdy, (yb - ya) * dir);
    }
  }

  /** An edge's piece within one row, from x `xa` to `xb`, `dy` of the row's height, signed by its direction. */
  private across(base: number, xa: number, xb: number, dy: number): void {
    const cells = this.cells;
    const lo = Math.max(0, Math.min(xa, xb));
    const hi = Math.max(0, Math.max(xa, xb));
    const first = Math.floor(lo);
    const last = Math.floor(hi);
    if (first === last) {
      const mid = (lo + hi) / 2 - first;
      cells[base + first] += dy * (1 - mid);
      cells[base + first + 1] += dy * mid;
      return;
    }
    const perX = dy / (hi - lo);
    for (let i = first; i <= last; i++) {
      const p0 = Math.max(lo, i);
      const p1 = Math.min(hi, i + 1);
      if (p1 <= p0) continue;
      const h = perX * (p1 - p0);
      const mid = (p0 + p1) / 2 - i;
      cells[base + i] += h * (1 - mid);
      cells[base + i + 1] += h * mid;
    }
  }

  quadratic(x0: number, y0: number, cx: number, cy: number, x1: number, y1: number): void {
    const bend = Math.abs(x0 - 2 * cx + x1) + Math.abs(y0 - 2 * cy + y1);
    const n = Math.min(MAX_PIECES, Math.max(1, Math.ceil(Math.sqrt(bend / (4 * FLATNESS)))));
    let px = x0;
    let py = y0;
    for (let k = 1; k <= n; k++) {
      const t = k / n;
      const u = 1 - t;
      const x = u * u * x0 + 2 * u * t * cx + t * t * x1;
      const y = u * u * y0 + 2 * u * t * cy + t * t * y1;
      this.line(px, py, x, y);
      px = x;
      py = y;
    }
  }

  cubic(x0: number, y0: number, ax: number, ay: number, bx: number, by: number, x1: number, y1: number): void {
    const bend = Math.max(Math.abs(x0 - 2 * ax + bx) + Math.abs(y0 - 2 * ay + by), Math.abs(ax - 2 * bx + x1) + Math.abs(ay - 2 * by + y1));
    const n = Math.min(MAX_PIECES, Math.max(1, Math.ceil(Math.sqrt((3 * bend) / (4 * FLATNESS)))));
    let px = x0;
    let py = y0;
    for (let k = 1; k <= n; k++) {
      const t = k / n;
      const u = 1 - t;
      const x = u * u * u * x0 + 3 * u * u * t * ax + 3 * u * t * t * bx + t * t * t * x1;
      const y = u * u * u * y0 + 3 * u * u * t * ay + 3 * u * t * t * by + t * t * t * y1;
      this.line(px, py, x, y);
      px = x;
      py = y;
    }
  }

  /** The coverage summed into a mask of its own, the size of the outline's pixels. */
  finish(): Mask {
    const width = this.stride - 1;
    const alpha = new Uint8Array(width * this.rows);
    const cells = this.cells;
    for (let row = 0; row < this.rows; row++) {
      let sum = 0;
      const from = row * this.stride;
      const to = row * width;
      for (let x = 0; x < width; x++) {
        sum += cells[from + x];
        const a = Math.abs(sum);
        alpha[to + x] = a >= 1 ? 255 : Math.round(a * 255);
      }
    }
    return { left: this.left, top: this.top, width, height: this.rows, alpha };
  }
}

/**
 * Draws pages of one preview at `dpi`, keeping across builds the glyph masks and the pictures it
 * made: a warm build draws again only what it has not seen.
 */
export class PageRaster {
  private readonly coverage = new Coverage();
  /** By face, then by glyph id, size and phase packed in one number; null for a glyph with no ink (a space). */
  private readonly masks = new Map<string, Map<number, Mask | null>>();
  /** By face, then by glyph id: fontkit decodes a glyph's outline again each time it is asked for one. */
  private readonly outlines = new Map<string, Map<number, Outline>>();
  private readonly pictures = new WeakMap<PreparedPicture, ScreenPicture>();
  private madeLast = 0;

  constructor(readonly dpi: number) {}

  /** Glyph masks the last page drawn had to make: the others it found made. */
  counts(): { glyphsMade: number } {
    return { glyphsMade: this.madeLast };
  }

  /** The page as a PNG, or the part of it `area` names. */
  async png(page: ComposedPage, fonts: FontRegistry, images: ReadonlyMap<PlacedFrame, PreparedPicture>, area?: PixelArea): Promise<Buffer> {
    const { width, height, rgb } = await this.pixels(page, fonts, images, area);
    // Fast deflate: the image crosses the loopback, where bytes cost less than squeezing them.
    const sharp = await loadSharp();
    return sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer();
  }

  /** The page's pixels, or those of `area`: pictures first, then frames, ad spaces and rules, then the glyphs over them. */
  async pixels(page: ComposedPage, fonts: FontRegistry, images: ReadonlyMap<PlacedFrame, PreparedPicture>, area = pageArea(page, this.dpi)): Promise<PagePixels> {
    const s = this.dpi / POINTS_PER_INCH;
    const width = area.right - area.left;
    const height = area.bottom - area.top;
    const shown = page.frames.map((frame) => {
      const prepared = images.get(frame);
      return prepared && { frame, picture: this.picture(prepared, frame, s) };
    });
    const rgb = new Uint8Array(width * height * 3).fill(255);
    const sheet: PagePixels = { left: area.left, top: area.top, width, height, rgb };
    for (const one of shown) {
      if (one) putPicture(sheet, one.picture, await one.picture.rgb, Math.round(one.frame.x * s), Math.round(one.frame.y * s));
    }
    page.frames.forEach((fr, i) => {
      if (!shown[i]) this.frameLines(sheet, fr.x, fr.y, fr.width, fr.height, fr.lineWidth, BLACK, s);
    });
    for (const sp of page.spaces) {
      if (sp.ad) fillGrey(sheet, Math.round(sp.x * s), Math.round(sp.y * s), Math.round((sp.x + sp.width) * s), Math.round((sp.y + sp.height) * s), SPACE_FILL);
      this.frameLines(sheet, sp.x, sp.y, sp.width, sp.height, SPACE_FRAME_WIDTH, SPACE_FRAME, s);
    }
    for (const r of page.rules) this.rule(sheet, r.x1 * s, r.y1 * s, r.x2 * s, r.y2 * s, r.width * s, BLACK);
    this.glyphs(sheet, page, fonts, s);
    return sheet;
  }

  private glyphs(sheet: PagePixels, page: ComposedPage, fonts: FontRegistry, s: number): void {
    let made = 0;
    // Glyphs come in runs of one face and form: the face's lookups are found again only when they change.
    let face = '';
    let form: GlyphForm | null = null;
    let drawing: FaceGlyphs | undefined;
    let masks: Map<number, Mask | null> | undefined;
    let outlines: Map<number, Outline> | undefined;
    let font: Font | undefined;
    let lastInk: ComposedPage['glyphs'][number]['ink'];
    let ink = BLACK;
    for (const gl of page.glyphs) {
      const glForm = formOf(gl);
      if (gl.face !== face || glForm !== form) {
        face = gl.face;
        form = glForm;
        drawing = fonts.drawing(face, glForm);
        font = fonts.face(face).font;
        masks = this.masks.get(face);
        if (!masks) this.masks.set(face, (masks = new Map()));
        outlines = this.outlines.get(face);
        if (!outlines) this.outlines.set(face, (outlines = new Map()));
      }
      if (gl.ink !== lastInk) {
        lastInk = gl.ink;
        ink = gl.ink ? screenRgb(gl.ink) : BLACK;
      }
      const x = gl.x * s;
      const y = gl.y * s;
      const em = gl.size * s;
      // Outside the part drawn: not looked up at all.
      if (x + em * GLYPH_REACH.right < sheet.left || x - em * GLYPH_REACH.left > sheet.left + sheet.width || y + em * GLYPH_REACH.down < sheet.top || y - em * GLYPH_REACH.up > sheet.top + sheet.height) continue;
      const id = drawing!.of(gl.ch).ids[0];
      if (id === undefined) continue;
      const px = Math.floor(x);
      const phase = Math.min(PHASES - 1, Math.floor((x - px) * PHASES));
      const sizeStep = Math.round(gl.size * s * SIZE_STEPS);
      const key = (id * SIZE_KEYS + sizeStep) * PHASES + phase;
      let mask = masks!.get(key);
      if (mask === undefined) {
        let outline = outlines!.get(id);
        if (!outline) outlines!.set(id, (outline = font!.getGlyph(id).path.commands));
        mask = this.glyphMask(outline, font!.unitsPerEm, sizeStep / SIZE_STEPS, phase / PHASES);
        masks!.set(key, mask);
        made++;
      }
      if (mask) blit(sheet, mask, px, Math.round(y), ink);
    }
    this.madeLast = made;
  }

  /** A glyph's outline at `sizePx` pixels an em, its origin `phase` of a pixel right of the mask's grid. */
  private glyphMask(commands: Outline, unitsPerEm: number, sizePx: number, phase: number): Mask | null {
    const k = sizePx / unitsPerEm;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const c of commands) {
      for (let i = 0; i < c.args.length; i += 2) {
        const x = phase + c.args[i] * k;
        const y = -c.args[i + 1] * k;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    if (minX > maxX) return null;
    const cov = this.coverage;
    cov.begin(minX, minY, maxX, maxY);
    let startX = 0;
    let startY = 0;
    let x = 0;
    let y = 0;
    for (const { command, args: a } of commands) {
      if (command === 'moveTo') {
        cov.line(x, y, startX, startY);
        x = startX = phase + a[0] * k;
        y = startY = -a[1] * k;
      } else if (command === 'lineTo') {
        const nx = phase + a[0] * k;
        const ny = -a[1] * k;
        cov.line(x, y, nx, ny);
        x = nx;
        y = ny;
      } else if (command === 'quadraticCurveTo') {
        const nx = phase + a[2] * k;
        const ny = -a[3] * k;
        cov.quadratic(x, y, phase + a[0] * k, -a[1] * k, nx, ny);
        x = nx;
        y = ny;
      } else if (command === 'bezierCurveTo') {
        const nx = phase + a[4] * k;
        const ny = -a[5] * k;
        cov.cubic(x, y, phase + a[0] * k, -a[1] * k, phase + a[2] * k, -a[3] * k, nx, ny);
        x = nx;
        y = ny;
      } else {
        cov.line(x, y, startX, startY);
        x = startX;
        y = startY;
      }
    }
    // An outline left open is closed, as a filled path is.
    cov.line(x, y, startX, startY);
    return cov.finish();
  }

  /** A rule `width` px thick from one point to the other, its ends square, as a filled quadrilateral. */
  private rule(sheet: PagePixels, x1: number, y1: number, x2: number, y2: number, width: number, ink: [number, number, number]): void {
    const length = Math.hypot(x2 - x1, y2 - y1);
    if (length === 0 || width <= 0) return;
    const nx = (-(y2 - y1) / length) * (width / 2);
    const ny = ((x2 - x1) / length) * (width / 2);
    const xs = [x1 + nx, x2 + nx, x2 - nx, x1 - nx];
    const ys = [y1 + ny, y2 + ny, y2 - ny, y1 - ny];
    const cov = this.coverage;
    cov.begin(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys));
    for (let i = 0; i < 4; i++) cov.line(xs[i], ys[i], xs[(i + 1) % 4], ys[(i + 1) % 4]);
    blit(sheet, cov.finish(), 0, 0, ink);
  }

  /** A rectangle's outline stroked `lineWidth` pt wide on its edges, as the SVG proof strokes a frame. */
  private frameLines(sheet: PagePixels, x: number, y: number, w: number, h: number, lineWidth: number, ink: [number, number, number], s: number): void {
    const half = lineWidth / 2;
    this.rule(sheet, (x - half) * s, y * s, (x + w + half) * s, y * s, lineWidth * s, ink);
    this.rule(sheet, (x - half) * s, (y + h) * s, (x + w + half) * s, (y + h) * s, lineWidth * s, ink);
    this.rule(sheet, x * s, (y + half) * s, x * s, (y + h - half) * s, lineWidth * s, ink);
    this.rule(sheet, (x + w) * s, (y + half) * s, (x + w) * s, (y + h - half) * s, lineWidth * s, ink);
  }

  /** The picture in sRGB at its slot's size in pixels, converted once for as long as the prepared picture stands. */
  private picture(prepared: PreparedPicture, frame: PlacedFrame, s: number): ScreenPicture {
    const width = Math.max(1, Math.round((frame.x + frame.width) * s) - Math.round(frame.x * s));
    const height = Math.max(1, Math.round((frame.y + frame.height) * s) - Math.round(frame.y * s));
    const known = this.pictures.get(prepared);
    if (known && known.width === width && known.height === height) return known;
    const rgb = loadSharp().then((sharp) => sharp(prepared.jpeg).pipelineColourspace('cmyk').toColourspace('srgb').resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer());
    const picture = { width, height, rgb };
    this.pictures.set(prepared, picture);
    rgb.catch(() => this.pictures.get(prepared) === picture && this.pictures.delete(prepared));
    return picture;
  }
}

/** A mask laid on the sheet at pixel (x, y) in `ink`, clipped to the sheet. */
function blit(sheet: PagePixels, mask: Mask, x: number, y: number, ink: readonly [number, number, number]): void {
  const { width: sw, height: sh, rgb } = sheet;
  const left = x + mask.left - sheet.left;
  const top = y + mask.top - sheet.top;
  const x0 = Math.max(0, -left);
  const y0 = Math.max(0, -top);
  const x1 = Math.min(mask.width, sw - left);
  const y1 = Math.min(mask.height, sh - top);
  const [r, g, b] = ink;
  for (let my = y0; my < y1; my++) {
    let m = my * mask.width + x0;
    let p = ((top + my) * sw + left + x0) * 3;
    for (let mx = x0; mx < x1; mx++, m++, p += 3) {
      const a = mask.alpha[m];
      if (a === 0) continue;
      rgb[p] += ((r - rgb[p]) * a) / 255;
      rgb[p + 1] += ((g - rgb[p + 1]) * a) / 255;
      rgb[p + 2] += ((b - rgb[p + 2]) * a) / 255;
    }
  }
}

/** A picture's pixels copied onto the sheet, its top-left at the page's pixel (x, y), clipped to the sheet. */
function putPicture(sheet: PagePixels, picture: ScreenPicture, pixels: Buffer, pageX: number, pageY: number): void {
  const x = pageX - sheet.left;
  const y = pageY - sheet.top;
  const rows = Math.min(picture.height, sheet.height - y);
  const from = Math.max(0, -x);
  const to = Math.min(picture.width, sheet.width - x);
  if (to <= from) return;
  for (let row = Math.max(0, -y); row < rows; row++) {
    const start = (row * picture.width + from) * 3;
    sheet.rgb.set(pixels.subarray(start, start + (to - from) * 3), ((y + row) * sheet.width + x + from) * 3);
  }
}

/** A grey rectangle from the page's pixel (x0, y0) to (x1, y1), clipped to the sheet. */
function fillGrey(sheet: PagePixels, x0: number, y0: number, x1: number, y1: number, grey: number): void {
  const left = Math.max(0, x0 - sheet.left);
  const right = Math.min(sheet.width, x1 - sheet.left);
  if (right <= left) return;
  for (let row = Math.max(0, y0 - sheet.top); row < Math.min(sheet.height, y1 - sheet.top); row++) sheet.rgb.fill(grey, (row * sheet.width + left) * 3, (row * sheet.width + right) * 3);
}
