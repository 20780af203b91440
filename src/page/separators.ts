import type { GridBox } from '../layout/resolve.js';
import { columnX, lineTop, type Geometry } from '../layout/template.js';
import type { PlacedRule } from './types.js';

/** A box's share of the page: the box grown to the middle of the gutters and free lines around it, or to the type area's edge. */
interface Cell {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const EPS = 0.01;

function cellOf(g: Geometry, b: GridBox): Cell {
  const right = g.typeLeft + g.typeWidth;
  return {
    x0: b.c0 === 1 ? g.typeLeft : columnX(g, b.c0) - g.gutter / 2,
    x1: b.c1 > g.columns ? right : columnX(g, b.c1) - g.gutter / 2,
    y0: b.top === 0 ? g.typeTop : lineTop(g, b.top) - g.pitch / 2,
    y1: b.bottom >= g.lines ? g.typeTop + g.typeHeight : lineTop(g, b.bottom) + g.pitch / 2,
  };
}

/** Merges overlapping intervals on one line into runs. */
function merge(spans: [number, number][]): [number, number][] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1] + EPS) last[1] = Math.max(last[1], s[1]);
    else out.push([...s]);
  }
  return out;
}

/**
 * The page's rules between boxes as one network: each box owns the page to the middle of the
 * gutter and of the free line around it, and a rule runs wherever two boxes' shares meet. Rules
 * therefore end only on another rule or at the type area's edge; where one ends on another it
 * reaches that one's far edge, so corners close without a notch and nothing sticks out.
 */
export function separators(g: Geometry, boxes: GridBox[], width: number, masthead?: GridBox): PlacedRule[] {
  const cells = boxes.map((b) => cellOf(g, b));
  // A box that ends short of the next one down its columns owns the white between: the rule runs
  // over the lower box, where the columns meet it, not in the middle of nowhere.
  boxes.forEach((b, i) => {
    const below = boxes.map((q, j) => ({ q, cell: cells[j] })).filter(({ q }) => q !== b && q.top >= b.bottom && q.c0 < b.c1 && q.c1 > b.c0);
    if (below.length) cells[i].y1 = Math.min(...below.map(({ cell }) => cell.y0));
  });
  // The masthead closes itself off with its double rule: a rule runs only down its side, to an 报眼.
  const head = masthead ? cellOf(g, masthead) : undefined;
  if (head) cells.push(head);
  const across = new Map<number, [number, number][]>();
  const down = new Map<number, [number, number][]>();
  const add = (map: Map<number, [number, number][]>, key: number, span: [number, number]) => {
    const k = Math.round(key * 100) / 100;
    map.set(k, [...(map.get(k) ?? []), span]);
  };
  for (const p of cells) {
    for (const q of cells) {
      if (p === q) continue;
      if (Math.abs(p.y1 - q.y0) < EPS && p !== head && q !== head) {
        const x0 = Math.max(p.x0, q.x0);
        const x1 = Math.min(p.x1, q.x1);
        if (x1 - x0 > EPS) add(across, p.y1, [x0, x1]);
      }
      if (Math.abs(p.x1 - q.x0) < EPS) {
        const y0 = Math.max(p.y0, q.y0);
        const y1 = Math.min(p.y1, q.y1);
        if (y1 - y0 > EPS) add(down, p.x1, [y0, y1]);
      }
    }
  }
  const horizontal = [...across].flatMap(([y, spans]) => merge(spans).map(([x0, x1]) => ({ y, x0, x1 })));
  const vertical = [...down].flatMap(([x, spans]) => merge(spans).map(([y0, y1]) => ({ x, y0, y1 })));
  const half = width / 2;
  const meetsVertical = (x: number, y: number) => vertical.some((v) => Math.abs(v.x - x) < EPS && y >= v.y0 - EPS && y <= v.y1 + EPS);
  const meetsHorizontal = (x: number, y: number) => horizontal.some((h) => Math.abs(h.y - y) < EPS && x >= h.x0 - EPS && x <= h.x1 + EPS);
  return [
    ...horizontal.map((h) => ({ x1: h.x0 - (meetsVertical(h.x0, h.y) ? half : 0), y1: h.y, x2: h.x1 + (meetsVertical(h.x1, h.y) ? half : 0), y2: h.y, width })),
    ...vertical.map((v) => ({ x1: v.x, y1: v.y0 - (meetsHorizontal(v.x, v.y0) ? half : 0), x2: v.x, y2: v.y1 + (meetsHorizontal(v.x, v.y1) ? half : 0), width })),
  ];
}
