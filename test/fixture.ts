// Issue files written by the tests: one page, articles given as YAML fragments, text copied from
// the sample at test time (real copy, never invented).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './spawn.js';

export interface FixtureArticle {
  id: string;
  place: string;
  headline?: string;
  body: string[];
  /** Raw YAML lines after the body, indented as article keys. */
  extra?: string[];
}

export interface FixtureOptions {
  /**
   * Declare what the articles' boxes leave free as reserved space (see `reserveFree`): for a
   * fixture that is deliberately a partial page and must still make up without a hole.
   */
  reserve?: boolean;
}

/** An issue file of one page (版次 2); JSON strings are YAML double-quoted scalars, so copy goes in verbatim. */
export function issueYaml(layout: string, articles: FixtureArticle[], options: FixtureOptions = {}): string {
  const lines = ['# yaml-language-server: $schema=../schema/issue.schema.json', 'format: 1', 'paper: 重庆日报', 'date: "2024-12-25"', 'pages:', '  - number: 2', '    name: 要闻', `    layout: ${layout}`, '    articles:'];
  for (const a of articles) {
    lines.push(`      - id: ${a.id}`, `        place: ${a.place}`);
    if (a.headline) lines.push(`        headline: ${JSON.stringify(a.headline)}`);
    if (a.body.length) lines.push('        body:', ...a.body.map((p) => `          - ${JSON.stringify(p)}`));
    for (const l of a.extra ?? []) lines.push(l);
  }
  const text = lines.join('\n') + '\n';
  return options.reserve ? reserveFree(text) : text;
}

/** The label of the spaces `reserveFree` declares. */
export const RESERVED_LABEL = '待排';

interface Grid {
  columns: number;
  lines: number;
  masthead: { lines: number; columns: number };
}
const grids = new Map<string, Grid>();
function gridOf(layout: string): Grid {
  let g = grids.get(layout);
  if (!g) {
    const t = parse(readFileSync(join(ROOT, 'layouts', `${layout}.yaml`), 'utf8')) as { grid: { columns: number; lines: number }; masthead: { lines: number; columns?: number } };
    g = { columns: t.grid.columns, lines: t.grid.lines, masthead: { lines: t.masthead.lines, columns: t.masthead.columns ?? t.grid.columns } };
    grids.set(layout, g);
  }
  return g;
}

type Obj = Record<string, unknown>;
interface Rect {
  column: number;
  span: number;
  /** 0-based first grid line and the line after the last. */
  top: number;
  bottom: number;
}

/** A box's cells, from its place as written; a place that composition settles (below, auto) has none to read. */
function rectOf(place: Obj, grid: Grid, what: string): Rect {
  const { column, span, line, lines } = place as { column: number; span: number; line: unknown; lines: unknown };
  if (typeof line !== 'number' || (typeof lines !== 'number' && lines !== 'bottom')) {
    throw new Error(`reserveFree: the place of ${what} (${JSON.stringify(place)}) is settled by composition, so the area it leaves free is not known from the file; give it a line and lines (a number or bottom)`);
  }
  return { column, span, top: line - 1, bottom: lines === 'bottom' ? grid.lines : line - 1 + lines };
}

/**
 * The issue text with, on every page, `spaces:` that declare as reserved (label 待排) every cell of
 * the type area no article part and no masthead claims: whole free columns, and the lines above
 * and below the boxes of fixed depth. Each space is a run of free lines, as wide as the neighbouring
 * columns share it. Only the area outside the boxes is declared: a box's own empty lines are its
 * underset, not free page. Pages are found as the fixtures write them (`  - number: N` lines),
 * and a page given `spaces:` already is left as it is.
 */
export function reserveFree(text: string): string {
  const issue = parse(text) as { pages: (Obj & { number: number; layout: string; masthead?: boolean; articles: Obj[]; spaces?: unknown })[] };
  const parts = new Map<number, Rect[]>(issue.pages.map((p) => [p.number, []]));
  for (const p of issue.pages) {
    const grid = gridOf(p.layout);
    for (const a of p.articles) {
      parts.get(p.number)!.push(rectOf(a.place as Obj, grid, `article "${String(a.id)}"`));
      for (const c of (a.continued ?? []) as Obj[]) {
        const on = issue.pages.find((q) => q.number === c.page);
        if (on) parts.get(on.number)!.push(rectOf(c.place as Obj, gridOf(on.layout), `a continuation of article "${String(a.id)}"`));
      }
    }
  }
  const lines = text.replace(/\n$/, '').split('\n');
  const starts = lines.flatMap((l, i) => (/^ {2}- number: /.test(l) ? [i] : []));
  if (starts.length !== issue.pages.length) throw new Error(`reserveFree: found ${starts.length} "  - number:" lines for ${issue.pages.length} pages`);
  // From the last page up, so the earlier pages' line numbers stay put.
  for (let k = issue.pages.length - 1; k >= 0; k--) {
    const p = issue.pages[k]!;
    if (p.spaces !== undefined) continue;
    const end = k + 1 < starts.length ? starts[k + 1]! : lines.length;
    const spaces = freeRects(gridOf(p.layout), parts.get(p.number)!, p.masthead === true);
    if (!spaces.length) continue;
    const yaml = spaces.map((s) => `      - {place: {column: ${s.column}, span: ${s.span}, line: ${s.top + 1}, lines: ${s.bottom === gridOf(p.layout).lines ? 'bottom' : s.bottom - s.top}}, kind: reserved, label: ${RESERVED_LABEL}}`);
    lines.splice(end, 0, '    spaces:', ...yaml);
  }
  return lines.join('\n') + '\n';
}

/** The free cells of a page as rectangles: each column's runs of free lines, joined across neighbouring columns that have the same run. */
function freeRects(grid: Grid, boxes: Rect[], masthead: boolean): Rect[] {
  const claimed = [...boxes];
  if (masthead) claimed.push({ column: 1, span: grid.masthead.columns, top: 0, bottom: grid.masthead.lines });
  const runs: [number, number][][] = [];
  for (let c = 1; c <= grid.columns; c++) {
    const free = Array.from({ length: grid.lines }, (_, l) => !claimed.some((b) => b.column <= c && c < b.column + b.span && b.top <= l && l < b.bottom));
    const own: [number, number][] = [];
    for (let l = 0; l < grid.lines; l++) {
      if (!free[l]) continue;
      const start = l;
      while (l < grid.lines && free[l]) l++;
      own.push([start, l]);
    }
    runs.push(own);
  }
  const out: Rect[] = [];
  runs.forEach((own, i) => {
    for (const [top, bottom] of own) {
      const prev = out.find((r) => r.column + r.span === i + 1 && r.top === top && r.bottom === bottom);
      if (prev) prev.span++;
      else out.push({ column: i + 1, span: 1, top, bottom });
    }
  });
  return out;
}

/**
 * Folders of their own for a test file's cases, numbered under its work folder (`root()`, made
 * in a before hook): a bare folder's path, or a folder with the issue text written into it.
 */
export function caseFolders(root: () => string) {
  let cases = 0;
  const folder = (suffix = '') => join(root(), `case-${++cases}${suffix}`);
  const withIssue = (text: string, name = 'issue.yaml'): { dir: string; file: string } => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, name);
    writeFileSync(file, text);
    return { dir, file };
  };
  return { folder, withIssue };
}
