// 自动组版: the places the plan proposes for the stories an issue leaves unplaced, page by page,
// around what the desk fixed (articles, their pictures, the masthead, declared spaces).
import { performance } from 'node:perf_hooks';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { PlaceValue, PlaceEdit } from '../issue/edit.js';
import type { Article, GridPlace, Issue, Page } from '../issue/types.js';
import { boxLines, mastheadBox, resolveIssue, type GridBox, type PagePlan } from '../layout/resolve.js';
import { spanWidth } from '../layout/template.js';
import { setArticle, type ArticleSetter } from '../page/article.js';
import { composeIssue } from '../page/compose.js';
import { findHoles, pageCoverage } from '../page/coverage.js';
import { workspaceOf } from '../workspace/workspace.js';
import { fontRegistry, rememberedArticles } from '../pipeline/compose.js';
import type { LineMemo } from '../page/rows.js';
import { makeRoom, type Evaluation, type Room } from './objective.js';
import { search, type SearchOptions, type SearchResult } from './search.js';
import { planSettings, type PlanSettings } from './settings.js';
import { storyShapes, type Story } from './shapes.js';

/** A page the plan is to make up: its room, what stands in it already, and its stories with their shapes. */
export interface PageToPlan {
  page: Page;
  layout: PagePlan;
  settings: PlanSettings;
  room: Room;
  stories: Story[];
  /** The stories of the lead's rank: the search chooses which of them leads. */
  leads: number[];
  /** Time the page's shapes took to set, ms. */
  shapesMs: number;
}

/** One page's plan: its stories with their shapes and what the search found. */
export interface PagePlanned extends PageToPlan {
  result: SearchResult;
  /** Time the search took, ms. */
  searchMs: number;
  /** Time the page took: shapes set and the search, ms. */
  ms: number;
}

/** A story the desk left to the plan: no place, or `place: auto`. */
export const unplaced = (a: Article) => a.place === undefined;

/** The places one plan gives its page's stories, as the issue file writes them. */
export function placesOf(p: PagePlanned, e: Evaluation): PlaceEdit[] {
  return e.placed
    .map((q) => {
      const bottom = q.top + q.depth;
      const place: PlaceValue = { column: q.column + 1, span: q.shape.span, line: q.top + 1, lines: bottom === p.room.lines ? 'bottom' : q.depth };
      return { page: p.page.number, article: p.stories[q.story].article.id, place };
    })
    .sort((a, b) => p.page.articles.findIndex((x) => x.id === a.article) - p.page.articles.findIndex((x) => x.id === b.article));
}

/**
 * The white a plan leaves that no story could fill (too little text), as spaces to declare rather
 * than text stretched over it: rectangles apart from one another, largest first.
 */
export function spacesLeft(p: PagePlanned, e: Evaluation): GridPlace[] {
  const covered = p.room.covered.map((col) => col.slice());
  for (const q of e.placed) for (let c = q.column; c < q.column + q.shape.span; c++) for (let l = q.top; l < q.top + q.depth; l++) covered[c][l] = true;
  const spaces: GridPlace[] = [];
  for (;;) {
    const holes = findHoles({ columns: p.room.columns, lines: p.room.lines, covered, cover: () => undefined }, p.layout.template.copyfit.holeLines);
    if (!holes.length) return spaces;
    const area = (h: (typeof holes)[number]) => (h.columns[1] - h.columns[0] + 1) * (h.lines[1] - h.lines[0] + 1);
    const h = holes.sort((a, b) => area(b) - area(a) || a.columns[0] - b.columns[0] || a.lines[0] - b.lines[0])[0];
    for (let c = h.columns[0] - 1; c < h.columns[1]; c++) for (let l = h.lines[0] - 1; l < h.lines[1]; l++) covered[c][l] = true;
    const lines = h.lines[1] === p.room.lines ? 'bottom' : h.lines[1] - h.lines[0] + 1;
    spaces.push({ column: h.columns[0], span: h.columns[1] - h.columns[0] + 1, line: h.lines[0], lines });
  }
}

/** The issue as the desk fixed it: every story left to the plan taken out. */
function fixedOnly(issue: Issue): Issue {
  return { ...issue, pages: issue.pages.map((p) => ({ ...p, articles: p.articles.filter((a) => !unplaced(a)) })) };
}

/** What the plan cannot take on: a story without a rank, continued elsewhere, or one a fixed box stands under. */
function checkPlannable(page: Page, ranks: string[]): void {
  const errors: IssueError[] = [];
  const left = new Set(page.articles.filter(unplaced).map((a) => a.id));
  for (const a of page.articles) {
    if (!unplaced(a)) {
      const line = a.place!.line;
      if (typeof line !== 'number' && left.has(line.below)) errors.push(new IssueError('bad-value', line.pos, `article "${a.id}" stands below "${line.below}", which the plan is to place; give "${a.id}" a line of its own, or leave it to the plan too`));
      continue;
    }
    if (a.rank === undefined) errors.push(new IssueError('bad-value', a.pos, `article "${a.id}" has no place and no rank; give it a rank (${ranks.join(', ')}): the plan sizes and orders stories by it`));
    else if (!ranks.includes(a.rank)) errors.push(new IssueError('bad-value', a.pos, `article "${a.id}": rank "${a.rank}" is not one of the layout's ranks: ${ranks.join(', ')}`));
    if (a.continued.length) errors.push(new IssueError('bad-value', a.continued[0].pos, `article "${a.id}" has no place but continues on another part; the plan places whole stories: give it a place, or remove "continued"`));
  }
  if (errors.length) throw new IssueErrors(errors);
}

export interface PlanOptions extends SearchOptions {
  /** Only this page; every page with a story left to the plan otherwise. */
  page?: number;
  /** What sets the articles: a caller that composes a proof after the plan gives both one memory, so the fixed articles are set once. */
  set?: ArticleSetter;
}

/** The pages (or the one asked for) that have stories left to the plan, each with its room and its stories' shapes. */
export function pagesToPlan(issue: Issue, options: Pick<PlanOptions, 'page' | 'set'>): PageToPlan[] {
  const workspace = workspaceOf(issue.file);
  const fonts = fontRegistry(workspace.fonts);
  const fixed = fixedOnly(issue);
  const plan = resolveIssue(fixed, workspace, fonts);
  const set = options.set ?? rememberedArticles(setArticle).build().set;
  const composed = composeIssue(fixed, plan, fonts, set);
  if (options.page !== undefined && !issue.pages.some((p) => p.number === options.page)) {
    throw new IssueError('bad-value', { file: issue.file, line: 1, column: 1 }, `the issue has no page ${options.page} (--page); it has pages ${issue.pages.map((p) => p.number).join(', ')}`);
  }
  const out: PageToPlan[] = [];
  issue.pages.forEach((page, i) => {
    if (options.page !== undefined ? page.number !== options.page : !page.articles.some(unplaced)) return;
    const started = performance.now();
    const layout = plan.pages[i];
    const t = layout.template;
    const settings = planSettings(t);
    checkPlannable(page, t.ranks.map((r) => r.name));
    const room = roomOf(layout, composed.articles.flatMap((a) => a.parts.filter((part) => part.page === page.number).map((part) => part.place)));
    const memo: LineMemo = new Map();
    const stories = page.articles.filter(unplaced).map((a) => storyShapes(layout, a, t.ranks.findIndex((r) => r.name === a.rank), settings, fonts, set, memo));
    const none = stories.find((s) => !s.shapes.length);
    if (none) {
      const [fewest, most] = settings.spans.get(t.ranks[none.rank].name)!;
      throw new IssueError('bad-value', none.article.pos, `article "${none.article.id}" fits no span its rank "${t.ranks[none.rank].name}" allows (${fewest}–${most} columns): its text is deeper than the page, or its pictures or columns wider; give it a place, another rank, or cut: allowed`);
    }
    const leads = stories.flatMap((s, k) => (s.rank === 0 ? [k] : []));
    out.push({ page, layout, settings, room, stories, leads, shapesMs: performance.now() - started });
  });
  return out;
}

/** The page's grid and what stands on it before the plan: the masthead, the declared spaces, the fixed articles' boxes. */
function roomOf(layout: PagePlan, fixedPlaces: GridPlace[]): Room {
  const g = layout.geometry;
  const masthead = mastheadBox(layout);
  const coverage = pageCoverage(layout, masthead);
  const boxes: GridBox[] = [];
  if (masthead) boxes.push(masthead);
  const box = (place: GridPlace): GridBox => ({ ...boxLines(g, place), c0: place.column, c1: place.column + place.span });
  for (const s of layout.page.spaces) boxes.push(box(s.place));
  for (const place of fixedPlaces) {
    coverage.cover(place);
    boxes.push(box(place));
  }
  return makeRoom(g.columns, g.lines, boxes, coverage.covered, layout.template.copyfit.holeLines, g.pitch, Array.from({ length: g.columns + 1 }, (_, n) => (n ? spanWidth(g, n) : 0)));
}

/** Plans every page (or the one asked for) that has stories left to the plan. */
export function planIssue(issue: Issue, options: PlanOptions): PagePlanned[] {
  return pagesToPlan(issue, options).map((p) => {
    const started = performance.now();
    const result = search(p.room, p.settings, p.stories, p.leads, options);
    const searchMs = performance.now() - started;
    return { ...p, result, searchMs, ms: p.shapesMs + searchMs };
  });
}
