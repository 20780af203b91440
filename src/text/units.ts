import { CharClass, blankSide, classOf, isWestern } from './classes.js';
import { mayEndLine, mayStartLine } from './prohibition.js';
import type { Metrics, ParagraphSpec } from './types.js';

/** Han–Latin space (clreq mixed text): ¼ em, may shrink to ⅛ and stretch to ⅓. */
export const HAN_LATIN_SPACE = 0.25;

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
  cls: CharClass[];
  /** Advance, em, after the fixed adjustments (adjacent marks). */
  adv: Float64Array;
  /** Blank half of a mark that justification may take away, em. */
  shrink: Float64Array;
  /** clreq compression priority of that blank (lower goes first). */
  shrinkPriority: Uint8Array;
  /** Shift of the glyph to the left, em: an opening bracket that lost its leading blank. */
  inkShift: Float64Array;
  /** Space before this unit, em: the Han–Latin space. */
  spaceBefore: Float64Array;
  /** A line may begin at this unit. */
  breakBefore: Uint8Array;
  /** Justification may widen the gap before this unit. */
  stretchBefore: Uint8Array;
}

/** clreq "line adjustment" compression priorities. */
export const enum ShrinkPriority {
  LineEnd = 1,
  Bracket = 4,
  Comma = 5,
  HanLatin = 6,
  FullStop = 7,
}

const isBreakableSpace = (cls: CharClass) => cls === CharClass.Space;
const isMark = (cls: CharClass) => blankSide(cls) !== null;
const COMBINING = /^\p{M}$/u;
/** clreq's Han–Latin space is for letters and European digits; a + or & beside Han text takes none. */
const isAlphanumeric = (ch: string) => /^[0-9A-Za-z\u00c0-\u024f]/.test(ch);

export function buildUnits(spec: ParagraphSpec, metrics: Metrics): Units {
  const chars: string[] = [];
  const faces: string[] = [];
  const cls: CharClass[] = [];
  for (const run of spec.runs) {
    for (const ch of run.text) {
      const cp = ch.codePointAt(0)!;
      // Control characters (tabs, stray CR) must never reach the page; a run of spaces is one space.
      if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
        if (cls.length && cls[cls.length - 1] !== CharClass.Space) push(' ', run.face, CharClass.Space);
        continue;
      }
      // A combining mark (a tone mark typed after its letter) belongs to the letter before it:
      // one unit, one cell, never a break or a space between them.
      if (COMBINING.test(ch) && cls.length && cls[cls.length - 1] !== CharClass.Space) {
        chars[chars.length - 1] += ch;
        continue;
      }
      const c = classOf(cp);
      if (c === CharClass.Space && (cls.length === 0 || cls[cls.length - 1] === CharClass.Space)) continue;
      push(ch, run.face, c);
    }
  }
  while (cls.length && cls[cls.length - 1] === CharClass.Space) {
    chars.pop();
    faces.pop();
    cls.pop();
  }
  function push(ch: string, face: string, c: CharClass) {
    chars.push(ch);
    faces.push(face);
    cls.push(c);
  }

  // An author's space between Han and Western text is replaced by the composer's own ¼-em space
  // (postext does the same), so it is no unit at all.
  for (let i = cls.length - 2; i > 0; i--) {
    if (cls[i] !== CharClass.Space) continue;
    const hanLatin = (isAlphanumeric(chars[i - 1]) && cls[i + 1] === CharClass.Han) || (cls[i - 1] === CharClass.Han && isAlphanumeric(chars[i + 1]));
    if (hanLatin) {
      chars.splice(i, 1);
      faces.splice(i, 1);
      cls.splice(i, 1);
    }
  }

  // A dot or comma between digits belongs to the number (11.6%, 4,000).
  for (let i = 1; i + 1 < cls.length; i++) {
    if ((chars[i] === '.' || chars[i] === ',') && cls[i - 1] === CharClass.Digit && cls[i + 1] === CharClass.Digit) cls[i] = CharClass.NumericSeparator;
  }

  const n = chars.length;
  const u: Units = {
    length: n,
    chars,
    faces,
    cls,
    adv: new Float64Array(n),
    shrink: new Float64Array(n),
    shrinkPriority: new Uint8Array(n),
    inkShift: new Float64Array(n),
    spaceBefore: new Float64Array(n),
    breakBefore: new Uint8Array(n),
    stretchBefore: new Uint8Array(n),
  };
  const glue = new Set(spec.numeralUnits);

  for (let i = 0; i < n; i++) {
    const c = cls[i];
    // —— and …… are full-width units whatever the font's default (proportional) form of the dash is
    if (c === CharClass.Inseparable) u.adv[i] = 1;
    else if (c !== CharClass.Space) u.adv[i] = metrics.advance(faces[i], chars[i].codePointAt(0)!);
    // Only a full-width mark has a blank half to squeeze; an ASCII bracket is already tight.
    if (isMark(c) && u.adv[i] > 0.99) {
      u.shrink[i] = 0.5;
      u.shrinkPriority[i] =
        c === CharClass.OpeningBracket || c === CharClass.ClosingBracket ? ShrinkPriority.Bracket : '。？！．'.includes(chars[i]) ? ShrinkPriority.FullStop : ShrinkPriority.Comma;
    }
  }

  // Adjacent marks (clreq punctuation width adjustment): two marks never leave two blanks side by
  // side. Pairs are judged on the marks as they were, so in ）》， each mark loses its blank in turn.
  const fullWidth = u.shrink.map((v) => (v > 0 ? 1 : 0));
  for (let i = 0; i + 1 < n; i++) {
    const a = fullWidth[i] ? blankSide(cls[i]) : null;
    const b = fullWidth[i + 1] ? blankSide(cls[i + 1]) : null;
    if (a === null || b === null) continue;
    // The pair takes 1.5 em and goes no tighter: squeezing it to 1 em would stack one mark's ink on the other's.
    if (a === 'after') {
      u.adv[i] = 0.5;
    } else if (b === 'before') {
      u.adv[i + 1] = 0.5;
      u.inkShift[i + 1] = 0.5;
    }
    u.shrink[i] = 0;
    u.shrink[i + 1] = 0;
  }

  for (let i = 0; i < n; i++) {
    if (cls[i] === CharClass.Space) {
      // Between Western words a word space; elsewhere a space the desk typed keeps a full cell (记者 卞立成).
      const words = i > 0 && i + 1 < n && isWestern(cls[i - 1]) && isWestern(cls[i + 1]);
      u.adv[i] = words ? metrics.advance(faces[i], 0x20) : 1;
    } else if (i > 0 && ((isAlphanumeric(chars[i - 1]) && cls[i] === CharClass.Han) || (cls[i - 1] === CharClass.Han && isAlphanumeric(chars[i])))) {
      u.spaceBefore[i] = HAN_LATIN_SPACE;
    }
  }

  for (let i = 1; i < n; i++) u.breakBefore[i] = mayBreakBetween(u, i - 1, i, spec, glue) ? 1 : 0;
  for (let i = 1; i < n; i++) u.stretchBefore[i] = mayStretchBetween(cls[i - 1], cls[i]) ? 1 : 0;
  return u;
}

function mayBreakBetween(u: Units, a: number, b: number, spec: ParagraphSpec, numeralUnits: Set<string>): boolean {
  const ca = u.cls[a];
  const cb = u.cls[b];
  // A line breaks before a space, never after it, so the space is what the next line drops; the
  // prohibitions then hold between the characters on either side of the space.
  if (isBreakableSpace(ca)) return false;
  if (isBreakableSpace(cb)) {
    let next = b;
    while (next < u.length && isBreakableSpace(u.cls[next])) next++;
    return mayEndLine(ca, spec.kinsoku) && (next === u.length || mayStartLine(u.cls[next], spec.kinsoku));
  }
  if (!mayStartLine(cb, spec.kinsoku) || !mayEndLine(ca, spec.kinsoku)) return false;
  if (isWestern(ca) && isWestern(cb)) return false; // words and numbers are unbreakable
  if (ca === CharClass.Inseparable && u.chars[a] === u.chars[b]) {
    // ————: two 2-em units may part, but never inside one
    let run = 0;
    for (let i = a; i >= 0 && u.chars[i] === u.chars[a]; i--) run++;
    return run % 2 === 0;
  }
  if (ca === CharClass.Digit && (cb === CharClass.PostfixAbbreviation || numeralUnits.has(u.chars[b]))) return false;
  if (ca === CharClass.PrefixAbbreviation && cb === CharClass.Digit) return false;
  return true;
}

function mayStretchBetween(a: CharClass, b: CharClass): boolean {
  if (isWestern(a) && isWestern(b)) return false;
  if (a === CharClass.Inseparable && b === CharClass.Inseparable) return false;
  if (a === CharClass.Connector || b === CharClass.Connector || a === CharClass.Solidus || b === CharClass.Solidus) return false;
  if (a === CharClass.Digit && b === CharClass.PostfixAbbreviation) return false;
  if (a === CharClass.Space || b === CharClass.Space) return false;
  return true;
}
