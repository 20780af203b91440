import { columnX, lineTop, spanWidth, type Geometry } from '../layout/template.js';
import type { PlacedRule } from './types.js';

/** A box on the grid: lines [top, bottom) and columns [c0, c1), 1-based columns. */
export interface GridBox {
  top: number;
  bottom: number;
  c0: number;
  c1: number;
}

/**
 * Rules between neighbouring boxes: a horizontal one in the gap under a box that has another
 * below it, a vertical one down the gutter between boxes side by side.
 */
export function separators(g: Geometry, boxes: GridBox[], width: number): PlacedRule[] {
  const rules: PlacedRule[] = [];
  for (const p of boxes) {
    const below = boxes.filter((q) => q !== p && q.top >= p.bottom && q.c0 < p.c1 && q.c1 > p.c0);
    if (below.length) {
      const gap = Math.min(...below.map((q) => q.top)) - p.bottom;
      const y = lineTop(g, p.bottom) + (gap * g.pitch) / 2;
      rules.push({ x1: columnX(g, p.c0), y1: y, x2: columnX(g, p.c0) + spanWidth(g, p.c1 - p.c0), y2: y, width });
    }
    for (const q of boxes) {
      if (q.c0 !== p.c1) continue;
      const top = Math.max(p.top, q.top);
      const bottom = Math.min(p.bottom, q.bottom);
      if (bottom <= top) continue;
      const x = columnX(g, q.c0) - g.gutter / 2;
      rules.push({ x1: x, y1: lineTop(g, top), x2: x, y2: lineTop(g, bottom), width });
    }
  }
  return rules;
}
