import { CharClass } from './classes.js';
import { HAN_LATIN_SPACE, type Units } from './units.js';

const EPS = 1e-6;

/** A line as a range of units [start, end). */
export interface LineRange {
  start: number;
  end: number;
  /** No permitted break fitted: the line was cut where it overflowed. */
  forced: boolean;
}

const opensWithBlank = (u: Units, i: number) => u.cls[i] === CharClass.OpeningBracket && u.inkShift[i] === 0;

/** Width of unit i when the line starts at s, em: a line-start opening bracket loses its leading blank. */
export function widthAt(u: Units, s: number, i: number): number {
  if (i === s) return opensWithBlank(u, i) ? u.adv[i] - 0.5 : u.adv[i];
  return u.adv[i] + u.spaceBefore[i];
}

function shrinkAt(u: Units, s: number, i: number): number {
  let sh = i === s && opensWithBlank(u, i) ? 0 : u.shrink[i];
  if (i !== s && u.spaceBefore[i] === HAN_LATIN_SPACE) sh += HAN_LATIN_SPACE / 2;
  return sh;
}

function skipSpaces(u: Units, i: number): number {
  while (i < u.length && u.cls[i] === CharClass.Space) i++;
  return i;
}

/**
 * Greedy line breaking for short newspaper measures with clreq's 先挤进，后推出: fill the line at
 * natural width (so characters stay on the grid); where that break is prohibited, first squeeze
 * the next permitted break into the line by compressing punctuation, and only if that fails push
 * characters out to the previous permitted break.
 */
export function breakLines(u: Units, firstMeasure: number, measure: number, capEnd?: Map<number, number>): LineRange[] {
  const lines: LineRange[] = [];
  let s = skipSpaces(u, 0);
  while (s < u.length) {
    const m = lines.length === 0 ? firstMeasure : measure;
    const cap = capEnd?.get(lines.length) ?? u.length;
    let w = 0;
    let k = s;
    while (k < cap && w + widthAt(u, s, k) <= m + EPS) {
      w += widthAt(u, s, k);
      k++;
    }
    let end = -1;
    let forced = false;
    if (k >= u.length) end = u.length;
    else if (k > s && u.breakBefore[k] && k <= cap) end = k;
    else {
      end = squeezeIn(u, s, k, m, cap);
      if (end < 0) end = pushOut(u, s, k);
      if (end < 0) {
        end = Math.max(k, s + 1);
        forced = true;
      }
    }
    lines.push({ start: s, end, forced });
    s = skipSpaces(u, end);
  }
  return lines;
}

function squeezeIn(u: Units, s: number, k: number, m: number, cap: number): number {
  let nat = 0;
  let sh = 0;
  for (let i = s; i < k; i++) {
    nat += widthAt(u, s, i);
    sh += shrinkAt(u, s, i);
  }
  for (let i = k; i < cap; i++) {
    nat += widthAt(u, s, i);
    sh += shrinkAt(u, s, i);
    if (nat - sh > m + EPS) return -1;
    const e = i + 1;
    if (e === u.length || (u.breakBefore[e] && e <= cap)) return e;
  }
  return -1;
}

function pushOut(u: Units, s: number, k: number): number {
  for (let e = k - 1; e > s; e--) if (u.breakBefore[e]) return e;
  return -1;
}


