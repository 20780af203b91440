import { CharClass, blankSide } from './classes.js';
import { widthAt, type LineRange } from './linebreak.js';
import { ShrinkPriority, type Units } from './units.js';
import type { Align, CompositionWarning, SetGlyph, SetLine } from './types.js';

const EPS = 1e-6;
const PRIORITIES = [ShrinkPriority.LineEnd, ShrinkPriority.Bracket, ShrinkPriority.Comma, ShrinkPriority.HanLatin, ShrinkPriority.FullStop];
/** How much of a loose line's text a warning quotes. */
const QUOTE = 16;

/** Where a line stands and how it is set. */
export interface LineSetting {
  measure: number;
  indent: number;
  last: boolean;
  align: Align;
  /** Expansion per gap beyond this is a loose line, em. */
  loose: number;
  /** The line's number in its paragraph, from 1, for the warning. */
  number: number;
}

// Per-line widths and gaps, reused from line to line.
let width = new Float64Array(64);
let gapBefore = new Float64Array(64);

/**
 * Sets one line: positions every glyph so that the line fills its measure (clreq line adjustment).
 * Too long: compress punctuation blanks and Han–Latin space by clreq priority. Too short: widen
 * every inter-character gap equally, never inside unbreakable sequences or kept runs.
 */
export function setLine(u: Units, range: LineRange, o: LineSetting, warnings: CompositionWarning[]): SetLine {
  const glyphs: SetGlyph[] = [];
  return { glyphs, width: lay(u, range, o, warnings, glyphs), last: o.last };
}

/** The width setLine gives the line, without making its glyphs: a text measured, not drawn. */
export function lineWidth(u: Units, range: LineRange, o: LineSetting, warnings: CompositionWarning[]): number {
  return lay(u, range, o, warnings, undefined);
}

/** Adjusts the line and places its glyphs into `glyphs` (none: only measured); returns the right end of its last advance. */
function lay(u: Units, range: LineRange, o: LineSetting, warnings: CompositionWarning[], glyphs: SetGlyph[] | undefined): number {
  const { start: s, end: e } = range;
  const n = e - s;
  if (width.length < n) {
    width = new Float64Array(n * 2);
    gapBefore = new Float64Array(n * 2);
  }
  let natural = 0;
  for (let i = s; i < e; i++) {
    const w = i === s ? widthAt(u, s, i) : u.adv[i];
    width[i - s] = w;
    gapBefore[i - s] = i === s ? 0 : u.spaceBefore[i];
    natural += w + gapBefore[i - s];
  }
  // A mark parted by the break from the mark that took its blank takes it back (compressible as a line-end mark).
  const back = e < u.length ? u.pairBlank[e - 1] : 0;
  width[n - 1] += back;
  natural += back;

  if (natural > o.measure + EPS) compress(u, s, e, natural - o.measure);
  else if (!o.last && o.align === 'justify' && natural < o.measure - EPS) {
    const spread = expand(u, s, e, o.measure - natural);
    if (spread > o.loose + EPS) {
      const text = u.chars.slice(s, e).join('');
      const opening = u.chars.slice(0, QUOTE).join('');
      warnings.push({ code: 'loose-line', text, detail: `${spread.toFixed(2)} em between characters in line ${o.number} of the paragraph 「${opening}…」` });
    }
  }

  let x = o.indent;
  // Only a centred line needs its width as adjusted before its glyphs are placed.
  if (o.align === 'center') {
    let total = 0;
    for (let i = 0; i < n; i++) total += width[i] + gapBefore[i];
    x += Math.max(0, (o.measure - total) / 2);
  }
  for (let i = s; i < e; i++) {
    const j = i - s;
    x += gapBefore[j];
    const c = u.cls[i];
    if (glyphs && c !== CharClass.Space && c !== CharClass.FixedSpace) {
      const shift = u.inkShift[i] + openingSqueeze(u, i, width[j]);
      glyphs.push({ ch: u.chars[i], face: u.faces[i], x: x - shift, fullWidth: c === CharClass.Inseparable, halfWidth: u.half[i] === 1 || undefined });
    }
    x += width[j];
  }
  if (range.forced) warnings.push({ code: 'forced-break', text: u.chars.slice(s, e).join(''), detail: 'no permitted break fitted the measure' });
  return x;
}

/** An opening bracket narrowed at line start or by justification loses its blank on the left, so its ink moves left. */
function openingSqueeze(u: Units, i: number, w: number): number {
  if (u.cls[i] !== CharClass.OpeningBracket || u.inkShift[i] > 0) return 0;
  return Math.max(0, u.adv[i] - w);
}

function compress(u: Units, s: number, e: number, excess: number): void {
  for (const p of PRIORITIES) {
    if (excess <= EPS) return;
    let avail = 0;
    for (let i = s; i < e; i++) avail += available(u, s, e, i, p, width[i - s], gapBefore[i - s]);
    if (avail <= EPS) continue;
    const f = Math.min(1, excess / avail);
    for (let i = s; i < e; i++) {
      const j = i - s;
      const a = available(u, s, e, i, p, width[j], gapBefore[j]) * f;
      if (a === 0) continue;
      if (p === ShrinkPriority.HanLatin) gapBefore[j] -= a;
      else width[j] -= a;
    }
    excess -= avail * f;
  }
}

function available(u: Units, s: number, e: number, i: number, p: ShrinkPriority, w: number, gap: number): number {
  if (p === ShrinkPriority.HanLatin) return i > s && u.spaceShrink[i] > 0 ? Math.max(0, gap - (u.spaceBefore[i] - u.spaceShrink[i])) : 0;
  // A mark's narrowest is its ink half: a full-width mark less its blank, a paired one as it stands.
  const left = Math.max(0, w - (u.adv[i] - u.shrink[i]));
  if (p === ShrinkPriority.LineEnd) return i === e - 1 && blankSide(u.cls[i]) === 'after' ? left : 0;
  if (u.shrink[i] === 0) return 0;
  return u.shrinkPriority[i] === p ? left : 0;
}

/** Spreads the shortfall over the line's widenable gaps; returns what each gap got, em. */
function expand(u: Units, s: number, e: number, short: number): number {
  let gaps = 0;
  for (let i = s + 1; i < e; i++) if (u.stretchBefore[i]) gaps++;
  if (gaps === 0) return short; // nothing to widen: the whole shortfall shows
  const each = short / gaps;
  for (let i = s + 1; i < e; i++) if (u.stretchBefore[i]) gapBefore[i - s] += each;
  return each;
}
