import { CharClass, blankSide, classOf, isWestern } from './classes.js';
import { CREDIT, CREDIT_LAST, CREDIT_MAX, LEAD_IN_FIRST, LEAD_IN_MAX, LEAD_INS } from './keep.js';
import { mayEndLine, mayStartLine, type KinsokuLevel } from './prohibition.js';
import { SOLID, TYPED_SPACE, type Metrics, type ParagraphSpec, type Spacing } from './types.js';

/** What may happen between two units. */
export const enum Break {
  No = 0,
  Yes = 1,
  /** Inside a kept run (a lead-in, a credit): only where the run is longer than the line. */
  Kept = 2,
  /** Inside a kept run away from its seam (a dateline's 日 / 电): only where no seam will do. */
  KeptInside = 3,
}

/**
 * The paragraph as a sequence of units, one per character, with everything the breaker and the
 * justifier need decided once: widths after adjacent-punctuation adjustment, what may shrink,
 * where a line may break and where justification may add space. Struct of arrays so that the
 * per-character loops of breaking and justification allocate nothing.
 */
export interface Units {
  length: number;
  chars: string[];
  faces: string[];
  cls: Uint8Array;
  /** Advance, em, after the fixed adjustments (adjacent marks). */
  adv: Float64Array;
  /** Blank half of a mark that justification may take away, em. */
  shrink: Float64Array;
  /** clreq compression priority of that blank (lower goes first). */
  shrinkPriority: Uint8Array;
  /** Shift of the glyph to the left, em: an opening bracket that lost its leading blank. */
  inkShift: Float64Array;
  /** Space before this unit as set, em: the Han–Latin or Han–digit space of its style. */
  spaceBefore: Float64Array;
  /** How much of that space compression may take away, em. */
  spaceShrink: Float64Array;
  /** Break before this unit: No, Yes or Kept. */
  breakBefore: Uint8Array;
  /** Justification may widen the gap before this unit. */
  stretchBefore: Uint8Array;
  /** The blank this mark gave up to the mark after it, em: back at a line end, where the pair is parted. */
  pairBlank: Float64Array;
  /** Set in the face's half-width form (hwid). */
  half: Uint8Array;
}

/** clreq "line adjustment" compression priorities. */
export const enum ShrinkPriority {
  LineEnd = 1,
  Bracket = 4,
  Comma = 5,
  HanLatin = 6,
  FullStop = 7,
}

const COMBINING = /^\p{M}$/u;
/** Combining marks live below the CJK blocks (and in the half marks block); Han never needs the test. */
const mayCombine = (cp: number) => cp >= 0x300 && (cp < 0x2e80 || (cp >= 0xfe20 && cp <= 0xfe2f));
/** clreq's Han–Latin space is for letters and European digits; a + or & beside Han text takes none. */
const isLetter = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f);
};
const isAlphanumeric = (c: CharClass, ch: string) => c === CharClass.Digit || (c === CharClass.Latin && isLetter(ch));
const isSpace = (c: CharClass) => c === CharClass.Space || c === CharClass.FixedSpace;

const glueSets = new Map<string, Set<string>>();
const glueOf = (units: string) => {
  let g = glueSets.get(units);
  if (!g) glueSets.set(units, (g = new Set(units)));
  return g;
};

/** Characters of the Basic Multilingual Plane as strings, made once: every unit of a character holds the same string. */
const BMP: string[] = new Array<string>(0x10000).fill('');
const charOf = (cp: number) => (cp < 0x10000 ? BMP[cp] || (BMP[cp] = String.fromCharCode(cp)) : String.fromCodePoint(cp));

// Classes, runs and kept spans of the units being collected, grown as paragraphs need and reused.
let classes: Uint8Array = new Uint8Array(256);
let runs = new Int32Array(256);
let spans = new Int32Array(256);

/** Bytes per unit: six Float64Array and five Uint8Array fields. */
const UNIT_BYTES = 6 * 8 + 5;
const SLAB_BYTES = 1 << 20;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;
/**
 * A fresh, zeroed stretch of `bytes` for one paragraph's units. Stretches are handed out forward
 * and never again, so units already returned keep theirs; a slab goes with the last units that
 * view it. An ArrayBuffer of its own per paragraph cost a tenth of collecting the units.
 */
function carve(bytes: number): { buffer: ArrayBuffer; at: number } {
  if (slabUsed + bytes > slab.byteLength) {
    slab = new ArrayBuffer(Math.max(SLAB_BYTES, bytes));
    slabUsed = 0;
  }
  const at = slabUsed;
  // The next stretch starts on an 8-byte boundary, as its Float64Array views need.
  slabUsed += Math.ceil(bytes / 8) * 8;
  return { buffer: slab, at };
}

/**
 * The paragraph's units; with `breaks` false only their widths and spacing are worked out, for a
 * line that is measured and never broken: where a line may break or widen is left undecided.
 */
export function buildUnits(spec: ParagraphSpec, metrics: Metrics, breaks = true): Units {
  let most = 0;
  for (const run of spec.runs) most += run.text.length;
  // Sized for every character at once: grown unit by unit, they left a copy behind at each step.
  const chars = new Array<string>(most);
  const faces = new Array<string>(most);
  const n = collect(spec, chars, faces);
  const runOf = runs;

  // The per-unit numbers of a paragraph are views on a stretch of a shared slab, as yet untouched (zeros).
  const { buffer, at } = carve(n * UNIT_BYTES);
  const bytes = at + 6 * n * 8;
  const adv = new Float64Array(buffer, at, n);
  const shrink = new Float64Array(buffer, at + n * 8, n);
  const inkShift = new Float64Array(buffer, at + 2 * n * 8, n);
  const spaceBefore = new Float64Array(buffer, at + 3 * n * 8, n);
  const spaceShrink = new Float64Array(buffer, at + 4 * n * 8, n);
  const pairBlank = new Float64Array(buffer, at + 5 * n * 8, n);
  const shrinkPriority = new Uint8Array(buffer, bytes, n);
  const breakBefore = new Uint8Array(buffer, bytes + n, n);
  const stretchBefore = new Uint8Array(buffer, bytes + 2 * n, n);
  const half = new Uint8Array(buffer, bytes + 3 * n, n);
  const cls = new Uint8Array(buffer, bytes + 4 * n, n);
  const u: Units = { length: n, chars, faces, cls, adv, shrink, shrinkPriority, inkShift, spaceBefore, spaceShrink, breakBefore, stretchBefore, pairBlank, half };

  const typed = spec.typedSpace ?? TYPED_SPACE;
  const kept = breaks ? keptSpans(spec, chars, runOf) : undefined;
  const glue = glueOf(spec.numeralUnits);
  const kinsoku = spec.kinsoku;
  // One pass decides each unit and the boundary before it: everything either side of that
  // boundary is settled by then but a space's follower, whose class the pass reads as collected.
  let blankBefore: 'after' | 'before' | 'both' | null = null;
  for (let i = 0; i < n; i++) {
    let c: CharClass = classes[i];
    // —— and …… are full-width units whatever the font's default (proportional) form of the dash is
    if (c === CharClass.Inseparable) adv[i] = 1;
    else if (!isSpace(c)) {
      const cp = chars[i].codePointAt(0)!;
      const halfAdvance = c === CharClass.Digit && spec.runs[runOf[i]].halfDigits ? metrics.halfAdvance?.(faces[i], cp) : undefined;
      adv[i] = halfAdvance ?? metrics.advance(faces[i], cp);
      if (halfAdvance !== undefined) half[i] = 1;
    }
    // Only a full-width mark has a blank half to squeeze; an ASCII bracket is already tight.
    const side = blankSide(c);
    if (side !== null && adv[i] > 0.99) {
      shrink[i] = 0.5;
      shrinkPriority[i] =
        c === CharClass.OpeningBracket || c === CharClass.ClosingBracket ? ShrinkPriority.Bracket : isFullStop(chars[i]) ? ShrinkPriority.FullStop : ShrinkPriority.Comma;
    }

    // Adjacent marks (clreq punctuation width adjustment): two marks never leave two blanks side by
    // side. Pairs are judged on the marks as they were, so in ）》， each mark loses its blank in turn.
    const a = blankBefore;
    const b = shrink[i] > 0 ? side : null;
    blankBefore = b;
    if (a !== null && b !== null) {
      // The pair takes 1.5 em and goes no tighter: squeezing it to 1 em would stack one mark's ink on the other's.
      if (a === 'after') {
        adv[i - 1] = 0.5;
        pairBlank[i - 1] = 0.5;
      } else if (b === 'before') {
        adv[i] = 0.5;
        inkShift[i] = 0.5;
      }
      shrink[i - 1] = 0;
      shrink[i] = 0;
    }

    if (isSpace(c)) {
      // Between Western words a word space, where a line may break; a space typed inside Chinese
      // text (记者 周松) or a no-break space is fixed, and no line breaks at it. The space that
      // parts a lead-in from its story is fixed too, but a line may end there and drop it.
      const words = i > 0 && i + 1 < n && isWestern(cls[i - 1]) && isWestern(classes[i + 1]);
      const leadEnd = kept !== undefined && c === CharClass.Space && kept[i] !== 0 && i + 1 < n && kept[i + 1] !== kept[i];
      adv[i] = words ? metrics.advance(faces[i], 0x20) : typed;
      if (!words && !leadEnd) c = CharClass.FixedSpace;
    }
    cls[i] = c;
    if (i === 0) continue;
    if (!isSpace(c)) {
      const s = spacingBetween(spec, cls, chars, runOf, i);
      spaceBefore[i] = s.max;
      spaceShrink[i] = s.max - s.min;
    }

    if (!kept) continue;
    const together = kept[i] !== 0 && kept[i] === kept[i - 1];
    const may = mayBreakBetween(cls, chars, i, i + 1 < n ? classes[i + 1] : NO_UNIT, kinsoku, glue);
    breakBefore[i] = !may ? Break.No : !together ? Break.Yes : keptSeam(cls[i - 1], c) ? Break.Kept : Break.KeptInside;
    stretchBefore[i] = mayStretchBetween(cls[i - 1], c) ? 1 : 0;
  }
  return u;
}

/**
 * Gathers the paragraph's units into `chars`, `faces`, `classes` and `runs`; returns how many
 * there are. The classes are as collected: which spaces are fixed is decided later.
 */
function collect(spec: ParagraphSpec, chars: string[], faces: string[]): number {
  const most = chars.length;
  if (classes.length < most) {
    classes = new Uint8Array(most * 2);
    runs = new Int32Array(most * 2);
    spans = new Int32Array(most * 2);
  }
  const cls = classes;
  const runOf = runs;
  let m = 0;
  for (let r = 0; r < spec.runs.length; r++) {
    const { text, face } = spec.runs[r];
    for (let k = 0; k < text.length; ) {
      const cp = text.codePointAt(k)!;
      k += cp > 0xffff ? 2 : 1;
      const prev = m ? cls[m - 1] : CharClass.Space;
      let c: CharClass;
      let ch: string;
      // Control characters (tabs, stray CR) must never reach the page; a run of spaces is one space.
      if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
        if (isSpace(prev)) continue;
        c = CharClass.Space;
        ch = ' ';
      } else if (mayCombine(cp) && COMBINING.test(charOf(cp)) && !isSpace(prev)) {
        // A combining mark (a tone mark typed after its letter) belongs to the letter before it:
        // one unit, one cell, never a break or a space between them.
        chars[m - 1] += charOf(cp);
        continue;
      } else {
        c = classOf(cp);
        if (isSpace(c) && isSpace(prev)) continue;
        ch = charOf(cp);
      }
      if (prev === CharClass.Space && m > 1 && authorsHanLatin(cls[m - 2], chars[m - 2], c, ch)) {
        // An author's space between Han and Western text gives way to the style's own Han–Latin
        // space (postext does the same), so it is no unit at all.
        m--;
      } else if (c === CharClass.Digit && m > 1 && cls[m - 2] === CharClass.Digit && (chars[m - 1] === '.' || chars[m - 1] === ',')) {
        // A dot or comma between digits belongs to the number (11.6%, 4,000).
        cls[m - 1] = CharClass.NumericSeparator;
      }
      chars[m] = ch;
      faces[m] = face;
      cls[m] = c;
      runOf[m] = r;
      m++;
    }
  }
  while (m && isSpace(cls[m - 1])) m--;
  chars.length = faces.length = m;
  return m;
}

/** Whether a space between units of these classes and characters is the author's between Han and Western text. */
const authorsHanLatin = (a: CharClass, charA: string, b: CharClass, charB: string) =>
  (isAlphanumeric(a, charA) && b === CharClass.Han) || (a === CharClass.Han && isAlphanumeric(b, charB));

/** The class past the paragraph's last unit. */
const NO_UNIT = -1;

/**
 * Where a kept run too long for its line parts least badly: a dateline before its date
 * (新华社北京 / 12月24日电) or before its bracket (…电 / （记者 X）); never inside the date, nor before the 电 that ends it.
 */
const keptSeam = (a: CharClass, b: CharClass) => (a === CharClass.Han && b === CharClass.Digit) || b === CharClass.OpeningBracket;

const isFullStop = (ch: string) => ch === '。' || ch === '？' || ch === '！' || ch === '．';

/**
 * The style's space between unit i and the one before: Han–Latin from the letters' run, Han–digit
 * from the digits' run; a % or ‰ closing a number before Han follows the digits' rule.
 */
function spacingBetween(spec: ParagraphSpec, cls: Uint8Array, chars: string[], runOf: Int32Array, i: number): Spacing {
  const a = cls[i - 1];
  const b = cls[i];
  if (b === CharClass.Han) {
    if (a === CharClass.Digit || (a === CharClass.PostfixAbbreviation && i > 1 && cls[i - 2] === CharClass.Digit)) return spec.runs[runOf[i - 1]].digit ?? SOLID;
    if (a === CharClass.Latin && isLetter(chars[i - 1])) return spec.runs[runOf[i - 1]].latin ?? SOLID;
  } else if (a === CharClass.Han) {
    if (b === CharClass.Digit) return spec.runs[runOf[i]].digit ?? SOLID;
    if (b === CharClass.Latin && isLetter(chars[i])) return spec.runs[runOf[i]].latin ?? SOLID;
  }
  return SOLID;
}

/**
 * Spans kept on one line, numbered from 1 (0: free): a run marked keep (a bold lead-in), a
 * dateline typed at the paragraph's start, a credit in parentheses at its end.
 */
function keptSpans(spec: ParagraphSpec, chars: string[], runOf: Int32Array): Int32Array {
  const n = chars.length;
  const kept = spans.fill(0, 0, n);
  let span = 0;
  for (let i = 0; i < n; i++) {
    if (!spec.runs[runOf[i]].keep) continue;
    if (i === 0 || runOf[i - 1] !== runOf[i]) span++;
    kept[i] = span;
  }
  if (n && LEAD_IN_FIRST.includes(chars[0])) {
    const opening = chars.slice(0, LEAD_IN_MAX).join('');
    for (const pattern of LEAD_INS) {
      const m = pattern.exec(opening);
      if (m) markSpan(kept, chars, 0, 0, m[0].length, ++span);
    }
  }
  if (n && chars[n - 1] === CREDIT_LAST) {
    const from = Math.max(0, n - CREDIT_MAX);
    // The character before the credit's window decides its lookbehind, so the window starts one earlier.
    const at = Math.max(0, from - 1);
    const ending = chars.slice(at).join('');
    const credit = CREDIT.exec(ending);
    if (credit) markSpan(kept, chars, at, credit.index, ending.length, ++span);
  }
  return kept;
}

/** Marks the units covering characters [from, to) of the text that begins at unit `first`. */
function markSpan(kept: Int32Array, chars: string[], first: number, from: number, to: number, span: number): void {
  let at = 0;
  for (let i = first; i < chars.length && at < to; i++) {
    if (at >= from && kept[i] === 0) kept[i] = span;
    at += chars[i].length;
  }
}

/** Whether a line may break before unit b, of the classes decided up to b; `after` is the class of the unit after b, or NO_UNIT. */
function mayBreakBetween(cls: Uint8Array, chars: string[], b: number, after: number, kinsoku: KinsokuLevel, numeralUnits: Set<string>): boolean {
  const a = b - 1;
  const ca = cls[a];
  const cb = cls[b];
  // A line breaks before a word space, never after it, so the space is what the next line drops;
  // the prohibitions then hold between the characters on either side of the space.
  if (isSpace(ca) || cb === CharClass.FixedSpace) return false;
  if (cb === CharClass.Space) return mayEndLine(ca, kinsoku) && (after === NO_UNIT || mayStartLine(after, kinsoku));
  if (!mayStartLine(cb, kinsoku) || !mayEndLine(ca, kinsoku)) return false;
  if (isWestern(ca) && isWestern(cb)) return false; // words and numbers are unbreakable
  if (ca === CharClass.Inseparable && chars[a] === chars[b]) {
    // ————: two 2-em units may part, but never inside one
    let run = 0;
    for (let i = a; i >= 0 && chars[i] === chars[a]; i--) run++;
    return run % 2 === 0;
  }
  if (ca === CharClass.Digit && (cb === CharClass.PostfixAbbreviation || numeralUnits.has(chars[b]))) return false;
  if (ca === CharClass.PrefixAbbreviation && cb === CharClass.Digit) return false;
  return true;
}

function mayStretchBetween(a: CharClass, b: CharClass): boolean {
  if (isWestern(a) && isWestern(b)) return false;
  if (a === CharClass.Inseparable && b === CharClass.Inseparable) return false;
  if (a === CharClass.Connector || b === CharClass.Connector || a === CharClass.Solidus || b === CharClass.Solidus) return false;
  if (a === CharClass.Digit && b === CharClass.PostfixAbbreviation) return false;
  if (isSpace(a) || isSpace(b)) return false;
  return true;
}
