// A plan decoded from the search's choices and what it costs: holes first, then overset, then
// the white it leaves, the underset, and the rules of make-up it bends.
import type { GridBox } from '../layout/resolve.js';
import type { Shape, Story } from './shapes.js';
import type { PlanSettings } from './settings.js';

/** Each grid cell of a hole (开天窗) outweighs any other figure: a plan with fewer never loses. */
const HOLE_CELL = 100_000;
/** A story the plan found no room for at all. */
const LEFT_OUT = 100_000_000;
/** Each grid line a cut story (cut: allowed) loses: the desk allowed it, but prefers its text whole. */
const CUT_LINE = 1_000;
/** Each grid cell left white outside any box: what fill measures. */
const WHITE_CELL = 5;

/** The page as the search sees it: its grid and what stands on it before the plan. */
export interface Room {
  columns: number;
  lines: number;
  /** Boxes already on the page (fixed articles, masthead, declared spaces), 0-based lines, 1-based columns. */
  fixed: GridBox[];
  /** coverage[column][line] of the fixed boxes. */
  covered: boolean[][];
  /** Per column, the runs of lines the fixed boxes cover, [first, past the last], top down and apart. */
  runs: [number, number][][];
  /** Cells no fixed box claims. */
  white: number;
  /** Lines from the top each column is free from, before anything is placed: under what stands at its head. */
  start: number[];
  holeLines: number;
  pitch: number;
  /** Width in pt of a box spanning n columns, by n. */
  widths: number[];
}

/** The room of a page, with what every plan reads of it worked out once. */
export function makeRoom(columns: number, lines: number, fixed: GridBox[], covered: boolean[][], holeLines: number, pitch: number, widths: number[]): Room {
  let white = 0;
  const runs = covered.map((column) => {
    const out: [number, number][] = [];
    column.forEach((cell, l) => {
      if (!cell) white++;
      else if (out.length && out[out.length - 1][1] === l) out[out.length - 1][1] = l + 1;
      else out.push([l, l + 1]);
    });
    return out;
  });
  const start = Array.from({ length: columns }, (_, c) => {
    let top = 0;
    for (let moved = true; moved; ) {
      moved = false;
      for (const b of fixed) {
        if (b.c0 - 1 <= c && c < b.c1 - 1 && b.top <= top && top < b.bottom) {
          top = b.bottom + 1;
          moved = true;
        }
      }
    }
    return top;
  });
  return { columns, lines, fixed, covered, runs, white, start, holeLines, pitch, widths };
}

/** One story on the page: its shape, first column (0-based), top line (0-based) and depth. */
export interface Placed {
  story: number;
  shape: Shape;
  column: number;
  top: number;
  depth: number;
}

/** The search's choices: the order stories are put on the page, and each one's shape. */
export interface Genome {
  order: number[];
  shapes: number[];
}

export type Rule = 'order' | 'collision' | 'stacked-heads' | 'pictures' | 'balance';

/** A rule of make-up the plan bends, between which stories. */
export interface Bent {
  rule: Rule;
  stories: number[];
}

export interface Evaluation {
  genome: Genome;
  placed: Placed[];
  /** Stories the plan found no room for. */
  leftOut: number[];
  /** Grid cells in holes. */
  holeCells: number;
  whiteCells: number;
  /** Per placed story, lines its box holds beyond its text (缺行), and lines a cut story loses. */
  underset: number;
  cut: number;
  bent: Bent[];
  cost: number;
}

/** The plan's boxes in one string: two evaluations with one key are the same plan. */
export const planKey = (e: Evaluation) =>
  e.placed
    .map((p) => `${p.story}:${p.column}/${p.shape.span}/${p.top}/${p.depth}`)
    .sort()
    .join(' ');

/**
 * Where a box of `span` columns and `depth` lines can start at `column`: at or below each column's
 * cursor, one free line apart from every fixed box; undefined when it does not fit the type area.
 */
export function fitAt(room: Room, cursors: number[], column: number, span: number, depth: number): number | undefined {
  let top = 0;
  for (let c = column; c < column + span; c++) top = Math.max(top, cursors[c]);
  for (let moved = true; moved; ) {
    moved = false;
    for (const b of room.fixed) {
      if (b.c1 - 1 <= column || b.c0 - 1 >= column + span) continue;
      // Apart by one free line above and below, as boxes under one another are.
      if (top < b.bottom + 1 && top + depth + 1 > b.top) {
        top = b.bottom + 1;
        moved = true;
      }
    }
  }
  return top + depth <= room.lines ? top : undefined;
}

/** White cells a box starting at `top` leaves above it on its columns, for good: nothing is put above the cursors. */
export function wasteAt(cursors: number[], column: number, span: number, top: number): number {
  let waste = 0;
  for (let c = column; c < column + span; c++) waste += top - cursors[c];
  return waste;
}

/**
 * Puts one story: the lead at the head of its side; any other where it leaves the least white
 * above it, then highest, then nearest the lead's side. Moves the cursors under it.
 */
export function put(room: Room, settings: PlanSettings, cursors: number[], story: number, shape: Shape, lead: boolean): Placed | undefined {
  const s = shape.span;
  const last = room.columns - s;
  let bestColumn = -1;
  let bestTop = 0;
  let bestScore = Infinity;
  for (let i = 0; i <= (lead ? 0 : last); i++) {
    const column = settings.lead === 'left' ? i : last - i;
    const top = fitAt(room, cursors, column, s, shape.least);
    if (top === undefined) continue;
    const score = wasteAt(cursors, column, s, top) * room.lines + top;
    if (score < bestScore) [bestColumn, bestTop, bestScore] = [column, top, score];
  }
  if (bestColumn < 0) return undefined;
  for (let c = bestColumn; c < bestColumn + s; c++) cursors[c] = bestTop + shape.least + 1;
  return { story, shape, column: bestColumn, top: bestTop, depth: shape.least };
}

/** The first story put is the lead when it has the lead's rank: the search puts one of them first. */
export const leadsAt = (stories: Story[], order: number[], i: number) => i === 0 && stories[order[0]].rank === 0;

/** The stories put in the genome's order; the last box down each column grows as far as its shape lets it. */
export function decode(room: Room, settings: PlanSettings, stories: Story[], genome: Genome): { placed: Placed[]; leftOut: number[] } {
  const cursors = room.start.slice();
  const placed: Placed[] = [];
  const leftOut: number[] = [];
  genome.order.forEach((k, i) => {
    const p = put(room, settings, cursors, k, stories[k].shapes[genome.shapes[k]], leadsAt(stories, genome.order, i));
    if (p) placed.push(p);
    else leftOut.push(k);
  });
  for (const p of placed) {
    let limit = room.lines;
    const c0 = p.column;
    const c1 = p.column + p.shape.span;
    const bottom = p.top + p.depth;
    for (const b of room.fixed) if (b.c1 - 1 > c0 && b.c0 - 1 < c1 && b.top >= bottom) limit = Math.min(limit, b.top - 1);
    for (const o of placed) if (o.column + o.shape.span > c0 && o.column < c1 && o.top >= bottom) limit = Math.min(limit, o.top - 1);
    p.depth = Math.max(p.depth, Math.min(p.shape.most, limit - p.top));
  }
  return { placed, leftOut };
}

const overlaps = (a0: number, a1: number, b0: number, b1: number) => a0 < b1 && b0 < a1;

/** The rules of make-up a plan bends, pair by pair. */
export function bentRules(room: Room, settings: PlanSettings, stories: Story[], placed: Placed[]): Bent[] {
  const bent: Bent[] = [];
  const nearLead = (p: Placed) => (settings.lead === 'left' ? p.column : room.columns - p.column - p.shape.span);
  for (const a of placed) {
    for (const b of placed) {
      if (a === b) continue;
      const sa = stories[a.story];
      const sb = stories[b.story];
      const sharedColumns = overlaps(a.column, a.column + a.shape.span, b.column, b.column + b.shape.span);
      const besides = a.column + a.shape.span === b.column;
      // A louder story read after a quieter one: under it on its columns, or level with it further from the lead's side.
      if (sa.rank < sb.rank && ((sharedColumns && b.top < a.top) || (b.top === a.top && nearLead(b) < nearLead(a)))) bent.push({ rule: 'order', stories: [a.story, b.story] });
      if (besides && sa.headed && sb.headed && overlaps(a.top, a.top + a.shape.headlineLines, b.top, b.top + b.shape.headlineLines)) bent.push({ rule: 'collision', stories: [a.story, b.story] });
      if (sharedColumns && sa.headed && sb.headed && b.top > a.top && b.top - (a.top + a.shape.headlineLines) < settings.headsApart) bent.push({ rule: 'stacked-heads', stories: [a.story, b.story] });
      if (besides && sa.pictured && sb.pictured && overlaps(a.top + a.shape.headLines, a.top + a.depth, b.top + b.shape.headLines, b.top + b.depth)) bent.push({ rule: 'pictures', stories: [a.story, b.story] });
    }
    const ratio = (a.depth * room.pitch) / room.widths[a.shape.span];
    if (ratio < settings.balance[0] || ratio > settings.balance[1]) bent.push({ rule: 'balance', stories: [a.story] });
  }
  return bent;
}

/** How far outside the layout's balance a box's depth to width is, in steps of its logarithm. */
function imbalance(room: Room, settings: PlanSettings, p: Placed): number {
  const ratio = (p.depth * room.pitch) / room.widths[p.shape.span];
  return Math.max(0, Math.log(ratio / settings.balance[1]), Math.log(settings.balance[0] / ratio));
}

const RULE_WEIGHT: Record<Rule, (s: PlanSettings) => number> = {
  order: (s) => s.weights.order,
  collision: (s) => s.weights.collision,
  'stacked-heads': (s) => s.weights.stackedHeads,
  pictures: (s) => s.weights.pictures,
  balance: () => 0,
};

/**
 * The cells a plan leaves white, and those of them in holes (开天窗): the gaps down each column
 * between what covers it, a gap as deep as a hole being a hole already, since one column of it is.
 * Down a column the plan's boxes stand in the order they were put, and the fixed runs top down:
 * the two are merged as they come.
 */
function whiteOf(room: Room, placed: Placed[]): { whiteCells: number; holeCells: number } {
  let whiteCells = 0;
  let holeCells = 0;
  let at = 0;
  // Lines [from, to) of the column under way are covered: the white above them, down from `at`, is a gap.
  const cover = (from: number, to: number) => {
    if (from > at) {
      whiteCells += from - at;
      if (from - at >= room.holeLines) holeCells += from - at;
    }
    at = Math.max(at, to);
  };
  for (let c = 0; c < room.columns; c++) {
    const runs = room.runs[c];
    let i = 0;
    at = 0;
    for (const p of placed) {
      if (p.column > c || c >= p.column + p.shape.span) continue;
      for (; i < runs.length && runs[i][0] < p.top; i++) cover(runs[i][0], runs[i][1]);
      cover(p.top, p.top + p.depth);
    }
    for (; i < runs.length; i++) cover(runs[i][0], runs[i][1]);
    cover(room.lines, room.lines);
  }
  return { whiteCells, holeCells };
}

/** The whole plan's figures and cost. */
export function evaluate(room: Room, settings: PlanSettings, stories: Story[], genome: Genome): Evaluation {
  const { placed, leftOut } = decode(room, settings, stories, genome);
  const { whiteCells, holeCells } = whiteOf(room, placed);
  let underset = 0;
  let cut = 0;
  let balance = 0;
  for (const p of placed) {
    if (stories[p.story].article.kind !== 'photo') {
      underset += Math.max(0, p.depth - p.shape.natural);
      cut += Math.max(0, p.shape.natural - p.depth);
    }
    balance += imbalance(room, settings, p);
  }
  const bent = bentRules(room, settings, stories, placed);
  const w = settings.weights;
  let cost = leftOut.length * LEFT_OUT + holeCells * HOLE_CELL + cut * CUT_LINE + whiteCells * WHITE_CELL + underset * w.underset + balance * w.balance;
  for (const b of bent) cost += RULE_WEIGHT[b.rule](settings);
  return { genome, placed, leftOut, holeCells, whiteCells, underset, cut, bent, cost };
}

/** What stands before the plan on a page cannot be undone: the least any completion of a partial plan costs. */
export function partialCost(room: Room, settings: PlanSettings, stories: Story[], placed: Placed[], waste: number, holeWaste: number, leftOut: number): number {
  const bent = bentRules(room, settings, stories, placed).filter((b) => b.rule !== 'balance');
  return leftOut * LEFT_OUT + holeWaste * HOLE_CELL + waste * WHITE_CELL + bent.reduce((n, b) => n + RULE_WEIGHT[b.rule](settings), 0);
}
