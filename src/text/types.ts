import type { KinsokuLevel } from './prohibition.js';

/** The form a glyph is drawn in: its full-width (fwid) or half-width (hwid) form, or as typed. */
export type GlyphForm = 'fwid' | 'hwid' | undefined;

/** Space between Han text and Western text, em: set at `max`, compressible to `min`. */
export interface Spacing {
  min: number;
  max: number;
}

/** Set solid: the newspaper layouts' choice for digits in every style and for Latin in display lines. */
export const SOLID: Spacing = { min: 0, max: 0 };

/** A stretch of text in one face; faces are keys the fonts stage resolved for every character. */
export interface TextRun {
  text: string;
  face: string;
  /** Space between Han and Latin letters, from the run's style; solid when absent. */
  latin?: Spacing;
  /** Space between Han and European digits (and a % or ‰ after them); solid when absent. */
  digit?: Spacing;
  /** Kept together (a bold lead-in): no line breaks inside the run unless it is longer than a line. */
  keep?: boolean;
  /** European digits in their half-width form (hwid) where the face has one: runs of digits keep the character grid. */
  halfDigits?: boolean;
}

/** Advance widths in em of the face's size. The text stage knows fonts only through this. */
export interface Metrics {
  advance(face: string, codePoint: number): number;
  /** The advance of the character's half-width form (hwid), em, or undefined where the face has none. */
  halfAdvance?(face: string, codePoint: number): number | undefined;
}

export type Align = 'justify' | 'center' | 'start';

export interface ParagraphSpec {
  runs: TextRun[];
  /** Line length in em. */
  measure: number;
  /** 首行缩进, em. */
  firstIndent: number;
  /** 凸排: indent of every line after the first, em. */
  hangIndent: number;
  align: Align;
  kinsoku: KinsokuLevel;
  /** Characters that stay glued to a preceding number (2414亿元, 1版): newspaper style, not clreq. */
  numeralUnits: string;
  /**
   * Line lengths in em from the first line on, the last for every later line (text running
   * round a picture); `measure` for every line when absent. Indents are taken from these.
   */
  measures?: readonly number[];
  /** Inter-character expansion beyond this makes a loose line, em; LOOSE_GAP when absent. */
  loose?: number;
  /** Width of a space typed inside Chinese text, em; TYPED_SPACE when absent. */
  typedSpace?: number;
  /** The greedy first-fit breaker instead of total fit: kept for the bench's comparison. */
  firstFit?: boolean;
}

/** The layouts' default loose-line limit (clreq's 'not over a quarter em' of added spacing). */
export const LOOSE_GAP = 0.25;
/** A space typed inside Chinese text (记者 周松) is a fixed half em unless the layout says otherwise. */
export const TYPED_SPACE = 0.5;

export interface SetGlyph {
  ch: string;
  face: string;
  /** Left edge of the glyph's drawing origin, em from the line's left edge. */
  x: number;
  /** Draw the full-width form (fwid) of a glyph whose default form is proportional (——). */
  fullWidth: boolean;
  /** Draw the half-width form (hwid): a digit on the character grid. */
  halfWidth?: boolean;
}

export interface SetLine {
  glyphs: SetGlyph[];
  /** Right end of the last glyph's advance, em: what the line covers. */
  width: number;
  /** The paragraph's last line: not justified. */
  last: boolean;
}

export type CompositionWarningCode = 'loose-line' | 'forced-break' | 'headline-too-long';

export interface CompositionWarning {
  code: CompositionWarningCode;
  text: string;
  detail: string;
}

export interface SetParagraph {
  lines: SetLine[];
  warnings: CompositionWarning[];
}
