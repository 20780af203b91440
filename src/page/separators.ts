import type { Article } from '../issue/types.js';
import { columnX, lineTop, spanWidth, type Geometry } from '../layout/template.js';
import { boxLines } from './article.js';
import type { PlacedRule } from './types.js';

/**
 * Rules between neighbouring articles: a horizontal one in the gap under an article that has
 * another below it, a vertical one down the gutter between side-by-side articles.
 */
export function separators(g: Geometry, articles: Article[], width: number): PlacedRule[] {
  const rules: PlacedRule[] = [];
  const spans = articles.map((a) => ({ a, ...boxLines(g, a), c0: a.place.column, c1: a.place.column + a.place.span }));
  for (const p of spans) {
    const below = spans.filter((q) => q !== p && q.top >= p.bottom && q.c0 < p.c1 && q.c1 > p.c0);
    if (below.length) {
      const gap = Math.min(...below.map((q) => q.top)) - p.bottom;
      const y = lineTop(g, p.bottom) + (gap * g.pitch) / 2;
      rules.push({ x1: columnX(g, p.c0), y1: y, x2: columnX(g, p.c0) + spanWidth(g, p.c1 - p.c0), y2: y, width });
    }
    for (const q of spans) {
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
