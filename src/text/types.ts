import type { KinsokuLevel } from './prohibition.js';

/** A stretch of text in one face; faces are keys the fonts stage resolved for every character. */
export interface TextRun {
  text: string;
  face: string;
}

/** Advance widths in em of the face's size. The text stage knows fonts only through this. */
export interface Metrics {
  advance(face: string, codePoint: number): number;
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
}

export interface SetGlyph {
  ch: string;
  face: string;
  /** Left edge of the glyph's drawing origin, em from the line's left edge. */
  x: number;
  /** Draw the full-width form (fwid) of a glyph whose default form is proportional (——). */
  fullWidth: boolean;
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
