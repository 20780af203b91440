import type { Geometry } from '../layout/template.js';

/**
 * The text columns of a box, pt from its left edge: the grid's own columns, or for 变栏 / 破栏
 * `count` columns of whole 字 across the span (三破二: (41 − 1) / 2 = 20 字). What the whole 字
 * leave over widens the gutters evenly, so every text column keeps one measure.
 */
export interface TextColumns {
  measure: number;
  xs: number[];
}

export function textColumns(g: Geometry, span: number, count?: number): TextColumns {
  const pitch = g.columnWidth + g.gutter;
  if (!count || count === span) return { measure: g.columnWidth, xs: Array.from({ length: span }, (_, c) => c * pitch) };
  const em = g.bodySize;
  const spanChars = Math.round((span * g.columnWidth + (span - 1) * g.gutter) / em);
  const gutterChars = Math.round(g.gutter / em);
  const chars = Math.floor((spanChars - (count - 1) * gutterChars) / count);
  const measure = chars * em;
  const gutter = count > 1 ? (spanChars * em - count * measure) / (count - 1) : 0;
  return { measure, xs: Array.from({ length: count }, (_, c) => c * (measure + gutter)) };
}

/**
 * As many text columns of a given measure as a span holds, one 字 of gutter at the least: a
 * continuation keeps the measure its text was broken at, whatever its own span.
 */
export function columnsOfMeasure(g: Geometry, span: number, measure: number): TextColumns {
  const width = span * g.columnWidth + (span - 1) * g.gutter;
  const count = Math.max(1, Math.floor((width + g.gutter) / (measure + g.gutter) + 1e-9));
  const gutter = count > 1 ? (width - count * measure) / (count - 1) : 0;
  return { measure, xs: Array.from({ length: count }, (_, c) => c * (measure + gutter)) };
}

/** A rectangle of the box kept from the body: a picture slot, in pt across and grid lines down. */
export interface Keepout {
  x0: number;
  x1: number;
  l0: number;
  l1: number;
}

/**
 * A run of free grid lines in one text column of one part: where body rows may go. x is pt from
 * the part's left edge, top a grid line from the part's top.
 */
export interface Region {
  part: number;
  column: number;
  x: number;
  measure: number;
  top: number;
  lines: number;
}

/** The body regions of one part: each text column from `top` to `bottom`, around what is kept out. */
export function bodyRegions(part: number, cols: TextColumns, top: number, bottom: number, keepouts: Keepout[]): Region[] {
  const regions: Region[] = [];
  cols.xs.forEach((x, column) => {
    const blocks = keepouts.filter((k) => k.x0 < x + cols.measure - 0.5 && k.x1 > x + 0.5).sort((p, q) => p.l0 - q.l0);
    let at = top;
    for (const b of blocks) {
      if (b.l0 > at) regions.push({ part, column, x, measure: cols.measure, top: at, lines: b.l0 - at });
      at = Math.max(at, b.l1);
    }
    if (bottom > at) regions.push({ part, column, x, measure: cols.measure, top: at, lines: bottom - at });
  });
  return regions;
}
