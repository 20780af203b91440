import { CharClass } from './classes.js';
import { Break, type Units } from './units.js';

const EPS = 1e-6;

/** A line as a range of units [start, end). */
export interface LineRange {
  start: number;
  end: number;
  /** No permitted break fitted: the line was cut where it overflowed. */
  forced: boolean;
}

/** The length of line k, em, from lengths given for the first lines (the last repeats). */
export const lineLength = (lengths: ArrayLike<number>, k: number): number => lengths[Math.min(k, lengths.length - 1)];

const opensWithBlank = (u: Units, i: number) => u.cls[i] === CharClass.OpeningBracket && u.inkShift[i] === 0;

/** Width of unit i when the line starts at s, em: a line-start opening bracket loses its leading blank. */
export function widthAt(u: Units, s: number, i: number): number {
  if (i === s) return opensWithBlank(u, i) ? u.adv[i] - 0.5 : u.adv[i];
  return u.adv[i] + u.spaceBefore[i];
}

/** What compression may take from unit i on a line starting at s, em: its blank and the space before it. */
function shrinkAt(u: Units, s: number, i: number): number {
  if (i === s) return opensWithBlank(u, i) ? 0 : u.shrink[i];
  return u.shrink[i] + u.spaceShrink[i];
}

function skipSpaces(u: Units, i: number): number {
  while (i < u.length && u.cls[i] === CharClass.Space) i++;
  return i;
}

/** Characters that count for 孤字: marks, —— and …… ride along with the character before them. */
const countsAlone = (c: CharClass) => c !== CharClass.PauseOrStop && c !== CharClass.ClosingBracket && c !== CharClass.Space && c !== CharClass.FixedSpace && c !== CharClass.Inseparable;

// Costs of total fit, in the manner of Knuth–Plass demerits: (LINE + badness)² per line plus penalties.
/** Every line costs this much, so that of two equally good settings the one with fewer lines wins. */
const LINE = 10;
/** Badness of a line spread to the loose limit; spreading grows it with the cube of the spacing. */
const STRETCH_BADNESS = 100;
/** Badness of a line compressed by everything its marks and Han–Latin spaces can give. */
const SQUEEZE_BADNESS = 1;
/** Badness of the least expansion: above any compression, so that 先挤进 wins over 后推出 wherever both are possible. */
const STRETCH_FLOOR = 2;
/** Added for a line spread beyond the loose limit: worse than anything but breaking a kept run. */
const LOOSE = 1e5;
/** A last line of one character (孤字), and of two. */
const LONE_ONE = 1e4;
const LONE_TWO = 1e3;
/** Breaking inside a lead-in or a credit: only when it is longer than the line; away from its seam, only when no seam fits. */
const KEPT = 1e6;
const KEPT_INSIDE = 1e7;
const keptCost = (b: Break) => (b === Break.Kept ? KEPT : b === Break.KeptInside ? KEPT_INSIDE : 0);
/** A cut where no permitted break fits at all. */
const FORCED = 1e8;

// Scratch arrays of the dynamic programme, grown as paragraphs need and reused, so that breaking allocates only its result.
let cost = new Float64Array(0);
let from = new Int32Array(0);
let cut = new Uint8Array(0);
/** Per unit, away from line start: its width with the space before it, what compression may take, whether it counts for 孤字. */
let inner = new Float64Array(0);
let give = new Float64Array(0);
let alone = new Uint8Array(0);

function scratch(n: number, size: number): void {
  if (cost.length < size) {
    cost = new Float64Array(size * 2);
    from = new Int32Array(size * 2);
    cut = new Uint8Array(size * 2);
  }
  if (inner.length < n) {
    inner = new Float64Array(n * 2);
    give = new Float64Array(n * 2);
    alone = new Uint8Array(n * 2);
  }
}

/**
 * Total-fit line breaking: the breaks of the whole paragraph are chosen together to minimise the
 * sum of the lines' costs. A line costs nothing at natural width (its characters on the grid),
 * little compressed by clreq's punctuation and Han–Latin adjustments, more spread by
 * inter-character expansion, and a great deal when spread beyond `loose` per gap; prohibited
 * breaks are no candidates at all, and a short last line of one or two characters pays 孤字.
 * `lengths` gives the first lines' lengths (the last repeats), so a measure that changes from
 * line to line is followed exactly: the programme's states are (position, line) with lines
 * counted up to the last given length. Of the loose endings of a line only the least short is
 * tried, and only where the line has no other: a loose line is never chosen to spare a later one.
 */
export function breakTotalFit(u: Units, lengths: ArrayLike<number>, loose: number): LineRange[] {
  const n = u.length;
  const classes = lengths.length;
  const size = (n + 1) * classes;
  scratch(n, size);
  cost.fill(Infinity, 0, size);
  for (let i = 0; i < n; i++) {
    inner[i] = u.adv[i] + u.spaceBefore[i];
    give[i] = u.shrink[i] + u.spaceShrink[i];
    alone[i] = countsAlone(u.cls[i]) ? 1 : 0;
  }
  const start = skipSpaces(u, 0);
  if (start >= n) return [];
  cost[start * classes] = 0;
  let bestEnd = -1;
  let bestCost = Infinity;
  let bestForced = false;
  const end = (c: number, state: number, forced: boolean) => {
    if (c < bestCost) {
      bestCost = c;
      bestEnd = state;
      bestForced = forced;
    }
  };
  for (let s = start; s < n; s++) {
    for (let k = 0; k < classes; k++) {
      const state = s * classes + k;
      const here = cost[state];
      if (here === Infinity) continue;
      const m = lineLength(lengths, k);
      const next = Math.min(k + 1, classes - 1);
      let nat = widthAt(u, s, s);
      let sh = shrinkAt(u, s, s);
      let gaps = 0;
      let count = alone[s];
      let fitted = false;
      let looseEnd = -1;
      let lastFit = s;
      for (let i = s; ; ) {
        if (nat - sh > m + EPS) break;
        const e = i + 1;
        lastFit = e;
        const brk = e === n ? Break.Yes : u.breakBefore[e];
        if (brk !== Break.No) {
          // A mark that gave its blank to the mark after it takes it back when the break parts them.
          const back = e < n ? u.pairBlank[i] : 0;
          const w = nat + back;
          if (e < n && w < m - EPS && (gaps === 0 || (m - w) / gaps > loose + EPS)) looseEnd = e;
          else {
            fitted = true;
            let d = lineCost(w, sh + back, gaps, m, e === n, loose);
            d += keptCost(brk);
            if (e === n) {
              if (s > start && count === 1) d += LONE_ONE;
              else if (s > start && count === 2) d += LONE_TWO;
              end(here + d, state, false);
            } else relax(skipSpaces(u, e), next, classes, here + d, state, 0);
          }
        }
        if (e >= n) break;
        i = e;
        nat += inner[i];
        sh += give[i];
        gaps += u.stretchBefore[i];
        count += alone[i];
      }
      if (fitted) continue;
      if (looseEnd > 0) {
        // No ending within the loose limit: the least short of the loose ones.
        let w = 0;
        let g = 0;
        let give0 = 0;
        for (let i = s; i < looseEnd; i++) {
          w += i === s ? widthAt(u, s, i) : inner[i];
          give0 += i === s ? shrinkAt(u, s, i) : give[i];
          if (i > s) g += u.stretchBefore[i];
        }
        w += u.pairBlank[looseEnd - 1];
        const d = lineCost(w, give0, g, m, false, loose) + keptCost(u.breakBefore[looseEnd]);
        relax(skipSpaces(u, looseEnd), next, classes, here + d, state, 0);
        continue;
      }
      // Nothing may break within the measure: cut where the line overflows, and say so.
      const e = Math.max(lastFit, s + 1);
      if (e >= n) end(here + FORCED, state, true);
      else relax(skipSpaces(u, e), next, classes, here + FORCED, state, 1);
    }
  }
  return ranges(u, bestEnd, classes, start, bestForced);
}

function relax(pos: number, k: number, classes: number, c: number, fromState: number, forced: number): void {
  const j = pos * classes + k;
  if (c < cost[j]) {
    cost[j] = c;
    from[j] = fromState;
    cut[j] = forced;
  }
}

/**
 * The cost of one line of natural width `nat` that may give up `sh` and widen `gaps` gaps, set to
 * `m`. Beyond the loose limit the cost grows with the whole shortfall, so that of two loose lines
 * the less short wins, and a line with nothing to widen is the worst of all.
 */
function lineCost(nat: number, sh: number, gaps: number, m: number, last: boolean, loose: number): number {
  let bad = 0;
  if (nat > m + EPS) {
    bad = (SQUEEZE_BADNESS * (nat - m)) / sh;
  } else if (!last && nat < m - EPS) {
    const g = gaps === 0 ? Infinity : (m - nat) / gaps / loose;
    if (g > 1) return LOOSE * (1 + (gaps === 0 ? 2 : 1) * (m - nat)) + (LINE + STRETCH_BADNESS) ** 2;
    bad = STRETCH_FLOOR + STRETCH_BADNESS * g * g * g;
  }
  return (LINE + bad) ** 2;
}

/** Walks the chosen breaks back from the last line's state. */
function ranges(u: Units, lastState: number, classes: number, start: number, lastForced: boolean): LineRange[] {
  const out: LineRange[] = [];
  let end = u.length;
  let state = lastState;
  let forced = lastForced;
  for (;;) {
    const s = Math.floor(state / classes);
    out.push({ start: s, end, forced });
    if (s === start) break;
    forced = cut[state] === 1;
    state = from[state];
    end = lineEndBefore(u, s);
  }
  return out.reverse();
}

/** The end of the line before one starting at s: the spaces between them belong to neither. */
function lineEndBefore(u: Units, s: number): number {
  let e = s;
  while (e > 0 && u.cls[e - 1] === CharClass.Space) e--;
  return e;
}

/**
 * Greedy line breaking with clreq's 先挤进，后推出, kept for the bench's comparison: fill the line
 * at natural width; where that break is prohibited, first squeeze the next permitted break into
 * the line by compressing punctuation, and only if that fails push characters out to the previous
 * permitted break; then pull a 孤字 last line's predecessor back.
 */
export function breakFirstFit(u: Units, lengths: ArrayLike<number>): LineRange[] {
  const lines = firstFit(u, lengths);
  const n = lines.length;
  if (n < 2 || aloneCount(u, lines[n - 1]) !== 1) return lines;
  const prev = lines[n - 2];
  for (let cap = prev.end - 1; cap > prev.start + 1; cap--) {
    if (!u.breakBefore[cap]) continue;
    const retry = firstFit(u, lengths, n - 2, cap);
    if (retry.length === n && aloneCount(u, retry[n - 1]) > 1) return retry;
  }
  return lines;
}

function aloneCount(u: Units, r: LineRange): number {
  let n = 0;
  for (let i = r.start; i < r.end; i++) if (countsAlone(u.cls[i])) n++;
  return n;
}

/** First fit alone, each line as full as it goes; with capLine, that line ends by capEnd. */
export function firstFit(u: Units, lengths: ArrayLike<number>, capLine = -1, capEnd = u.length): LineRange[] {
  const lines: LineRange[] = [];
  let s = skipSpaces(u, 0);
  while (s < u.length) {
    const m = lineLength(lengths, lines.length);
    const cap = lines.length === capLine ? capEnd : u.length;
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
