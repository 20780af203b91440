import type { FontRegistry, MissingGlyph } from '../fonts/registry.js';
import type { Template } from '../layout/template.js';
import type { PlacedGlyph } from './types.js';
import { composeParagraph } from '../text/paragraph.js';
import type { Align, CompositionWarning, SetLine, TextRun } from '../text/types.js';

/** A glyph of a row: x from the left of the row's column, dy from the row's top to the baseline, pt. */
export interface RowGlyph {
  ch: string;
  face: string;
  size: number;
  x: number;
  dy: number;
  fullWidth: boolean;
}

/**
 * The unit of vertical placement: a body line takes one grid line, a subhead or headline takes
 * several. Rows are what flows through columns, so everything on the page keeps the grid.
 */
export interface Row {
  lines: number;
  glyphs: RowGlyph[];
  chars: number;
  /** Subheads never end a column: they go with the row after them. */
  keepWithNext: boolean;
}

/** What setting one piece of the page found: characters from another font or none, loose lines, too-long headlines. */
export interface Found {
  missing: MissingGlyph[];
  warnings: CompositionWarning[];
}

/**
 * What setting text needs from the page: fonts and the template's rules, and what this one
 * setting (an article, a folio) has found so far; each setting has its own, returned with it.
 */
export interface SetContext {
  fonts: FontRegistry;
  template: Template;
  pitch: number;
  found: Found;
}

export const setContext = (fonts: FontRegistry, template: Template, pitch: number): SetContext => ({ fonts, template, pitch, found: { missing: [], warnings: [] } });

export interface TextPart {
  text: string;
  font: string;
}

export interface SetOptions {
  measure: number; // pt
  size: number; // pt
  indent?: number; // em
  hang?: number; // em
  align: Align;
}

/** The em box's ascent above the baseline, em: how far below the box's top a baseline sits. */
export const EM_ASCENT = 0.88;

/** Line spacing inside a multi-line heading, in em of its size. */
const HEADING_LEADING = 1.2;

export function setLines(ctx: SetContext, parts: TextPart[], o: SetOptions): SetLine[] {
  const runs: TextRun[] = [];
  for (const p of parts) runs.push(...ctx.fonts.runs(p.text, p.font, ctx.found.missing));
  const set = composeParagraph(
    {
      runs,
      measure: o.measure / o.size,
      firstIndent: o.indent ?? 0,
      hangIndent: o.hang ?? 0,
      align: o.align,
      kinsoku: ctx.template.kinsoku,
      numeralUnits: ctx.template.numeralUnits,
    },
    ctx.fonts,
  );
  ctx.found.warnings.push(...set.warnings);
  return set.lines;
}

/** Text set on one line at its natural width, with no measure to fill: headlines being fitted, table cells, the folio. */
export function setNatural(ctx: SetContext, text: string, font: string, size: number): SetLine {
  return setLines(ctx, [{ text, font }], { measure: Number.MAX_SAFE_INTEGER, size, align: 'start' })[0] ?? { glyphs: [], width: 0, last: true };
}

/**
 * One line of page furniture (folio, masthead) set at its natural width and placed by one end or
 * its centre on a baseline, pt from the page's top-left; returns its width.
 */
export function placeLine(ctx: SetContext, out: PlacedGlyph[], text: string, font: string, size: number, x: number, baseline: number, anchor: 'start' | 'centre' | 'end'): number {
  const line = setNatural(ctx, text, font, size);
  const w = line.width * size;
  const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
  for (const gl of line.glyphs) out.push({ ch: gl.ch, face: gl.face, size, x: left + gl.x * size, y: baseline, fullWidth: gl.fullWidth });
  return w;
}

const countChars = (lines: SetLine[]) => lines.reduce((n, l) => n + l.glyphs.length, 0);

/** Body lines: one row per line, each on its own grid line. */
export function bodyRows(ctx: SetContext, lines: SetLine[], size: number, dx = 0): Row[] {
  const dy = (ctx.pitch - size) / 2 + EM_ASCENT * size;
  return lines.map((l) => ({
    lines: 1,
    chars: l.glyphs.length,
    keepWithNext: false,
    glyphs: l.glyphs.map((g) => ({ ch: g.ch, face: g.face, size, x: dx + g.x * size, dy, fullWidth: g.fullWidth })),
  }));
}

/**
 * Lines of a larger size kept together in one row of whole grid lines, their em boxes centred
 * in it with `padding` grid lines' worth of air shared above and below.
 */
export function blockRow(ctx: SetContext, lines: SetLine[], size: number, padding: number, dx = 0): Row {
  const height = size + (lines.length - 1) * size * HEADING_LEADING;
  const gridLines = Math.max(1, Math.ceil((height + padding * ctx.pitch) / ctx.pitch - 1e-9));
  const top = (gridLines * ctx.pitch - height) / 2;
  const glyphs: RowGlyph[] = [];
  lines.forEach((l, j) => {
    const dy = top + EM_ASCENT * size + j * size * HEADING_LEADING;
    for (const g of l.glyphs) glyphs.push({ ch: g.ch, face: g.face, size, x: dx + g.x * size, dy, fullWidth: g.fullWidth });
  });
  return { lines: gridLines, glyphs, chars: countChars(lines), keepWithNext: false };
}
