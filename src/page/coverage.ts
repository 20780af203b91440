import type { GridPlace } from '../issue/types.js';
import { boxLines, type GridBox, type PagePlan } from '../layout/resolve.js';
import type { Hole } from './types.js';

/**
 * Which cells (grid column × grid line) of a page's type area some box claims: an article, the
 * masthead, a declared space. Space left empty inside an article's box is its underset, not a hole.
 */
export interface Coverage {
  columns: number;
  lines: number;
  /** covered[column][line], 0-based. */
  covered: boolean[][];
  cover(place: GridPlace): void;
}

/** A page's coverage before its articles: the masthead and the declared spaces. */
export function pageCoverage(plan: PagePlan, masthead: GridBox | undefined): Coverage {
  const g = plan.geometry;
  const covered = Array.from({ length: g.columns }, () => new Array<boolean>(g.lines).fill(false));
  const fill = (c0: number, c1: number, l0: number, l1: number) => {
    for (let c = Math.max(0, c0); c < Math.min(g.columns, c1); c++) for (let l = Math.max(0, l0); l < Math.min(g.lines, l1); l++) covered[c][l] = true;
  };
  if (masthead) fill(masthead.c0 - 1, masthead.c1 - 1, masthead.top, masthead.bottom);
  const cover = (place: GridPlace) => {
    const { top, bottom } = boxLines(g, place);
    fill(place.column - 1, place.column - 1 + place.span, top, bottom);
  };
  for (const s of plan.page.spaces) cover(s.place);
  return { columns: g.columns, lines: g.lines, covered, cover };
}

/**
 * 开天窗: the white rectangles of at least one column and `minLines` grid lines, each as large as
 * it can be; one inside another is not reported again.
 */
export function findHoles(cov: Coverage, minLines: number): Hole[] {
  const found: Hole[] = [];
  for (let c0 = 0; c0 < cov.columns; c0++) {
    // Runs of lines white in every column from c0 to c1.
    let runs = whiteRuns(cov.covered[c0]);
    for (let c1 = c0; c1 < cov.columns && runs.length; c1++) {
      if (c1 > c0) runs = intersect(runs, whiteRuns(cov.covered[c1]));
      for (const [l0, l1] of runs) if (l1 - l0 >= minLines) found.push({ columns: [c0 + 1, c1 + 1], lines: [l0 + 1, l1] });
    }
  }
  const inside = (a: Hole, b: Hole) => a !== b && b.columns[0] <= a.columns[0] && a.columns[1] <= b.columns[1] && b.lines[0] <= a.lines[0] && a.lines[1] <= b.lines[1];
  return found.filter((h) => !found.some((o) => inside(h, o)));
}

function whiteRuns(column: boolean[]): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  column.forEach((c, l) => {
    if (!c && start < 0) start = l;
    if (c && start >= 0) {
      runs.push([start, l]);
      start = -1;
    }
  });
  if (start >= 0) runs.push([start, column.length]);
  return runs;
}

function intersect(a: [number, number][], b: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a0, a1] of a) for (const [b0, b1] of b) if (Math.min(a1, b1) > Math.max(a0, b0)) out.push([Math.max(a0, b0), Math.min(a1, b1)]);
  return out;
}
