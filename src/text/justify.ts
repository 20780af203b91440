import { CharClass, blankSide } from './classes.js';
import { widthAt, type LineRange } from './linebreak.js';
import { HAN_LATIN_SPACE, ShrinkPriority, type Units } from './units.js';
import type { Align, CompositionWarning, SetLine } from './types.js';

/** Expansion beyond this much per gap makes a line loose (postext's cjkLooseLine guard rail). */
const LOOSE_GAP = 0.5;
/** Han–Latin space may stretch to ⅓ em before inter-character spacing is touched. */
const HAN_LATIN_MAX = 1 / 3;
const EPS = 1e-6;
const PRIORITIES = [ShrinkPriority.LineEnd, ShrinkPriority.Bracket, ShrinkPriority.Comma, ShrinkPriority.HanLatin, ShrinkPriority.FullStop];

/**
 * Sets one line: positions every glyph so that the line fills its measure (clreq line adjustment).
 * Too long: compress punctuation blanks by clreq priority. Too short: stretch Han–Latin space,
 * then every inter-character gap equally, never inside unbreakable sequences.
 */
export function setLine(u: Units, range: LineRange, measure: number, indent: number, last: boolean, align: Align, warnings: CompositionWarning[]): SetLine {
  const { start: s, end: e } = range;
  const n = e - s;
  const width = new Float64Array(n);
  const gapBefore = new Float64Array(n);
  let natural = 0;
  for (let i = s; i < e; i++) {
    const w = i === s ? widthAt(u, s, i) : u.adv[i];
    width[i - s] = w;
    gapBefore[i - s] = i === s ? 0 : u.spaceBefore[i];
    natural += w + gapBefore[i - s];
  }

  if (natural > measure + EPS) compress(u, s, e, width, gapBefore, natural - measure);
  else if (!last && align === 'justify' && natural < measure - EPS) {
    const loose = expand(u, s, e, gapBefore, measure - natural);
    if (loose > LOOSE_GAP) warnings.push({ code: 'loose-line', text: u.chars.slice(s, e).join(''), detail: `${loose.toFixed(2)} em between characters` });
  }

  let total = 0;
  for (let i = 0; i < n; i++) total += width[i] + gapBefore[i];
  let x = indent + (align === 'center' ? Math.max(0, (measure - total) / 2) : 0);
  const glyphs = [];
  for (let i = s; i < e; i++) {
    const j = i - s;
    x += gapBefore[j];
    if (u.cls[i] !== CharClass.Space) {
      const shift = u.inkShift[i] + openingSqueeze(u, i, width[j]);
      glyphs.push({ ch: u.chars[i], face: u.faces[i], x: x - shift, fullWidth: u.cls[i] === CharClass.Inseparable });
    }
    x += width[j];
  }
  if (range.forced) warnings.push({ code: 'forced-break', text: u.chars.slice(s, e).join(''), detail: 'no permitted break fitted the measure' });
  return { glyphs, width: x, last };
}

/** An opening bracket narrowed at line start or by justification loses its blank on the left, so its ink moves left. */
function openingSqueeze(u: Units, i: number, w: number): number {
  if (u.cls[i] !== CharClass.OpeningBracket || u.inkShift[i] > 0) return 0;
  return Math.max(0, u.adv[i] - w);
}

function compress(u: Units, s: number, e: number, width: Float64Array, gapBefore: Float64Array, excess: number): void {
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
  if (p === ShrinkPriority.HanLatin) return i > s && u.spaceBefore[i] === HAN_LATIN_SPACE ? Math.max(0, gap - HAN_LATIN_SPACE / 2) : 0;
  if (u.shrink[i] === 0) return 0;
  const full = u.adv[i];
  const minW = full - u.shrink[i];
  const left = Math.max(0, w - minW);
  if (p === ShrinkPriority.LineEnd) return i === e - 1 && blankSide(u.cls[i]) === 'after' ? left : 0;
  return u.shrinkPriority[i] === p ? left : 0;
}

/** Returns the space added to each inter-character gap, em. */
function expand(u: Units, s: number, e: number, gapBefore: Float64Array, short: number): number {
  let hl = 0;
  for (let i = s + 1; i < e; i++) if (u.spaceBefore[i] === HAN_LATIN_SPACE) hl++;
  if (hl > 0) {
    const each = Math.min(HAN_LATIN_MAX - HAN_LATIN_SPACE, short / hl);
    for (let i = s + 1; i < e; i++) if (u.spaceBefore[i] === HAN_LATIN_SPACE) gapBefore[i - s] += each;
    short -= each * hl;
  }
  if (short <= EPS) return 0;
  let gaps = 0;
  for (let i = s + 1; i < e; i++) if (u.stretchBefore[i]) gaps++;
  if (gaps === 0) return short; // nothing to widen: the whole shortfall shows
  const each = short / gaps;
  for (let i = s + 1; i < e; i++) if (u.stretchBefore[i]) gapBefore[i - s] += each;
  return each;
}
