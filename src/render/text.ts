import { NOT_NOTED, type DrawnGlyphs, type FontRegistry } from '../fonts/registry.js';
import { formOf, type PlacedGlyph } from '../page/types.js';
import { fontName, hex4, utf16Hex, type PageFaces } from './fonts.js';

type Doc = PDFKit.PDFDocument & { page: PDFKit.PDFPage & { height: number; content: { write(b: Uint8Array): void } } };

/**
 * Writes content-stream text to the current page as its bytes: the text is ASCII, and pdfkit's
 * own addContent converts it character by character, a tenth of the rendering of a large issue.
 */
export function addContent(pdf: PDFKit.PDFDocument, text: string): void {
  writeContent(pdf, Buffer.from(`${text}\n`, 'latin1'));
}

function writeContent(pdf: PDFKit.PDFDocument, bytes: Buffer): void {
  (pdf as Doc).page.content.write(bytes);
}

/** A number as the content streams write it: to a thousandth of a point. */
export const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

/** Whether `g` goes in the text object of the run `first` opens: one face, size, baseline, form, ink and ActualText. */
const sameRun = (g: PlacedGlyph, first: PlacedGlyph) => g.face === first.face && g.size === first.size && g.y === first.y && g.fullWidth === first.fullWidth && g.halfWidth === first.halfWidth && g.ink === first.ink && g.actualText === first.actualText;

/**
 * A run of glyphs as drawn: the glyph objects it was drawn from (placed glyphs are never changed,
 * so the same objects draw the same), the page height and font name it was drawn under, its
 * content-stream text, and the drawing of each of its glyphs, whose ids and texts it notes again.
 */
export interface DrawnRun {
  from: readonly PlacedGlyph[];
  start: number;
  end: number;
  height: number;
  name: string;
  bytes: Buffer;
  drawings: DrawnGlyphs[];
}

/**
 * The runs a warm process drew last, by their first glyph: an edit to one article leaves the other
 * articles' glyph objects as they were (their settings are kept), and their runs are written again
 * as they were drawn, without finding, measuring or writing out a glyph. Each render hands in
 * what it drew, so memory follows the last issue.
 */
export type RunMemory = {
  known(first: PlacedGlyph): DrawnRun | undefined;
  keep(run: DrawnRun): void;
};

/** A face as one page draws it: its resource name, and each glyph drawn with the text it stands for. */
interface PageFace {
  name: string;
  /** The name in bytes, as each run writes it. */
  nameBytes: Buffer;
  glyphs: Map<number, string>;
}

/**
 * Draws glyphs where the page stage placed them, one text object per run of glyphs that share a
 * face, a size and a baseline, each glyph moved to its place by a TJ adjustment. The glyph ids and
 * advances are the registry's, so nothing is shaped again here; a character drawn with several
 * glyphs (a letter and its marks) draws them all from the character's place. Fonts are named by
 * the page alone (F1, F2 … in the order the page first draws them), so a page's content stream
 * does not depend on the pages before it; returns the faces drawn and their glyphs, in that order.
 * The runs go to the page together, not one by one: `setState` calls `flush` before it writes.
 */
export function drawGlyphs(pdf: PDFKit.PDFDocument, glyphs: readonly PlacedGlyph[], fonts: FontRegistry, setState: (glyph: PlacedGlyph, flush: () => void) => void, runs?: RunMemory): PageFaces {
  const doc = pdf as Doc;
  const height = doc.page.height;
  const faces = new Map<string, PageFace>();
  const page = ++pages;
  at = 0;
  let flushed = 0;
  const flush = () => {
    if (at > flushed) writeContent(doc, Buffer.from(out.subarray(flushed, at)));
    flushed = at;
  };
  let i = 0;
  while (i < glyphs.length) {
    const first = glyphs[i];
    setState(first, flush);
    let face = faces.get(first.face);
    if (!face) faces.set(first.face, (face = pageFace(fontName(faces.size))));
    const known = runs?.known(first);
    if (known && known.height === height && known.name === face.name && sameGlyphs(known, glyphs, i)) {
      putBytes(known.bytes);
      for (const drawn of known.drawings) noteGlyphs(face, drawn, page);
      runs!.keep(known);
      i += known.end - known.start;
      continue;
    }
    const from = at;
    const drawings = runs && [];
    const end = drawRun(glyphs, i, fonts, height, face, page, drawings);
    if (runs) runs.keep({ from: glyphs, start: i, end, height, name: face.name, bytes: Buffer.from(out.subarray(from, at)), drawings: drawings! });
    i = end;
  }
  flush();
  const drawn = new Map<string, ReadonlyMap<number, string>>();
  for (const [key, face] of faces) drawn.set(key, face.glyphs);
  return drawn;
}

/** Whether the run drawn before stands at `i` again: the same glyph objects, and the run ends where it ended. */
function sameGlyphs(run: DrawnRun, glyphs: readonly PlacedGlyph[], i: number): boolean {
  const length = run.end - run.start;
  if (i + length > glyphs.length) return false;
  for (let k = 1; k < length; k++) if (glyphs[i + k] !== run.from[run.start + k]) return false;
  return i + length === glyphs.length || !sameRun(glyphs[i + length], glyphs[i]);
}

function pageFace(name: string): PageFace {
  return { name, nameBytes: Buffer.from(name, 'latin1'), glyphs: new Map() };
}

/**
 * The pages drawn, numbering each from 1: a character's drawing tells by it whether this page
 * noted it, a drawing never noted holding NOT_NOTED.
 */
let pages = NOT_NOTED;

/** Notes a character's glyphs with the text each stands for, keeping the first text the page drew a glyph for. */
function noteGlyphs(face: PageFace, drawn: DrawnGlyphs, page: number): void {
  // A character's drawing is of one face: noted on this page, its glyphs are noted with this face.
  if (drawn.notedOn === page) return;
  drawn.notedOn = page;
  for (let g = 0; g < drawn.ids.length; g++) if (!face.glyphs.has(drawn.ids[g])) face.glyphs.set(drawn.ids[g], drawn.texts[g]);
}

/**
 * The content-stream text of the page's glyphs, written as bytes straight into this buffer and
 * copied out whenever something else is written to the page: no string per glyph, nor the text as
 * a whole to convert, nor a copy and a write per run. It grows to the largest page's text and is
 * kept for the next page.
 */
let out = Buffer.allocUnsafe(1 << 16);
let at = 0;
const SPACE = 0x20;

function room(bytes: number): void {
  if (at + bytes <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + bytes));
  out.copy(bigger, 0, 0, at);
  out = bigger;
}

function put(text: string): void {
  room(text.length);
  at += out.write(text, at, 'latin1');
}

/** Thousandths: the precision of every number a content stream is written in (num). */
const THOUSANDTHS = 1000;
const ZERO = 0x30;
const MINUS = 0x2d;
const POINT = 0x2e;

/**
 * A number as num writes it, put as bytes: a justified line has a gap after nearly every glyph,
 * and a string for each was most of drawing a run.
 */
function putNum(n: number): void {
  room(NUM_BYTES);
  at = writeNum(out, at, n);
}

/** The most bytes num writes: -1.7976931348623157e+308. */
const NUM_BYTES = 24;
/** Below it a number's thousandths are an exact integer, and its shortest form their digits. */
const DIGITS_EXACT_BELOW = 2 ** 53 / THOUSANDTHS;

/**
 * Writes num(n) into `into` at `from` and returns where it ends. num(n) is Math.round(n * 1000) /
 * 1000 in JavaScript's shortest form, which for a page's numbers (far below 2^53 thousandths) is
 * the thousandths' decimal digits with trailing zeros dropped; any other number is written as num
 * writes it.
 */
export function writeNum(into: Buffer, from: number, n: number): number {
  if (!(Math.abs(n) < DIGITS_EXACT_BELOW)) return from + into.write(num(n), from, 'latin1');
  let p = from;
  let k = Math.round(n * THOUSANDTHS);
  if (k < 0) {
    into[p++] = MINUS;
    k = -k;
  }
  const whole = Math.floor(k / THOUSANDTHS);
  let fraction = k - whole * THOUSANDTHS;
  const end = p + digitsOf(whole);
  for (let w = whole, d = end - 1; d >= p; d--, w = Math.floor(w / 10)) into[d] = ZERO + (w % 10);
  p = end;
  if (fraction === 0) return p;
  into[p++] = POINT;
  for (let unit = THOUSANDTHS / 10; fraction > 0; unit /= 10) {
    const digit = Math.floor(fraction / unit);
    into[p++] = ZERO + digit;
    fraction -= digit * unit;
  }
  return p;
}

function digitsOf(n: number): number {
  let digits = 1;
  for (let w = n; w >= 10; w = Math.floor(w / 10)) digits++;
  return digits;
}

function putByte(byte: number): void {
  room(1);
  out[at++] = byte;
}

/**
 * Draws the run of glyphs from `i` as one text object and returns where it ends, found as it is
 * drawn; notes its glyphs in `face`, and gives each glyph's drawing to `drawings` if asked.
 */
function drawRun(glyphs: readonly PlacedGlyph[], i: number, fonts: FontRegistry, height: number, face: PageFace, page: number, drawings?: DrawnGlyphs[]): number {
  const first = glyphs[i];
  const scale = first.size / 1000;
  const drawing = fonts.drawing(first.face, formOf(first));
  // A PDF text string in UTF-16BE opens with its byte-order mark.
  if (first.actualText !== undefined) put(`/Span <</ActualText <feff${utf16Hex(first.actualText)}>>> BDC `);
  putBytes(OPEN);
  putNum(height);
  putBytes(FONT);
  putBytes(face.nameBytes);
  putByte(SPACE);
  putNum(first.size);
  putBytes(MATRIX);
  putNum(first.x);
  putByte(SPACE);
  putNum(height - first.y);
  putBytes(SHOW);
  let k = i;
  for (;;) {
    const glyph = glyphs[k];
    const drawn = drawing.of(glyph.ch);
    drawings?.push(drawn);
    noteGlyphs(face, drawn, page);
    putBytes((drawn.shown ??= Buffer.from(`<${drawn.ids.map(hex4).join('')}>`, 'latin1')));
    const next = glyphs[++k];
    if (next === undefined || !sameRun(next, first)) break;
    const gap = next.x - (glyph.x + drawn.advance * first.size);
    if (Math.abs(gap) > GAP_WRITTEN) {
      putByte(SPACE);
      putNum(-gap / scale);
    }
    putByte(SPACE);
  }
  putBytes(first.actualText === undefined ? CLOSE : CLOSE_SPAN);
  return k;
}

/** Bytes put one by one up to this many, for which a native copy costs more than the bytes; a run drawn before is copied whole. */
const COPIED_FROM = 64;

function putBytes(bytes: Buffer): void {
  room(bytes.length);
  if (bytes.length >= COPIED_FROM) bytes.copy(out, at);
  else for (let k = 0; k < bytes.length; k++) out[at + k] = bytes[k];
  at += bytes.length;
}

/** A gap between glyphs, pt, below which the glyph's own advance places the next: no adjustment is written. */
const GAP_WRITTEN = 1e-4;

/** The fixed text of a run's text object, in bytes. */
const OPEN = Buffer.from('q 1 0 0 -1 0 ', 'latin1');
const FONT = Buffer.from(' cm BT /', 'latin1');
const MATRIX = Buffer.from(' Tf 1 0 0 1 ', 'latin1');
const SHOW = Buffer.from(' Tm [', 'latin1');
const CLOSE = Buffer.from('] TJ ET Q\n', 'latin1');
const CLOSE_SPAN = Buffer.from('] TJ ET Q EMC\n', 'latin1');
