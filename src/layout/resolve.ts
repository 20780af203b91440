import { LIMITS } from '../limits.js';
import type { FontRegistry } from '../fonts/registry.js';
import { isWithin, pictureFolders } from '../issue/confine.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { Article, GridPlace, Issue, Page, PlaceSpec, SourcePos } from '../issue/types.js';
import { layoutFolder, layoutNames, type Workspace } from '../workspace/workspace.js';
import { geometryOf, loadHao, loadTemplate, type Geometry, type Template } from './template.js';

/** A page with its template and geometry: everything composition needs to know about where things go. */
export interface PagePlan {
  page: Page;
  template: Template;
  geometry: Geometry;
}

/** One box of an article's thread: the first is the article's own place, the rest its continuations. */
export interface ArticlePart {
  plan: PagePlan;
  /** The box as the desk wrote it; where it starts under another box or is `auto`, make-up settles it. */
  spec: PlaceSpec;
  /** The box on the grid, when the spec fixes it. */
  place?: GridPlace;
  /** 转版题 over this part, when it continues from another page. */
  headline?: string;
  pos: SourcePos;
}

/** A box on the grid: lines [top, bottom) 0-based and columns [c0, c1), 1-based columns. */
export interface GridBox {
  top: number;
  bottom: number;
  c0: number;
  c1: number;
}

/** A box on a page that make-up checks against the others: an article's part or a declared space. */
export interface PlacedBox extends GridBox {
  /** What the box is, as messages name it: article "roundtable", ad space "招聘". */
  what: string;
}

/** The masthead's box on a masthead page (报头: the layout's lines, its columns from the left). */
export function mastheadBox(plan: PagePlan): GridBox | undefined {
  const m = plan.template.masthead;
  return plan.page.masthead ? { top: 0, bottom: m.lines, c0: 1, c1: m.columns + 1 } : undefined;
}

/** An article with the boxes its text flows through, in reading order. */
export interface Thread {
  article: Article;
  parts: ArticlePart[];
}

export interface IssuePlan {
  pages: PagePlan[];
  threads: Thread[];
  /** The boxes fixed by the issue, per page: what make-up's settled boxes must keep apart from. */
  boxes: Map<number, PlacedBox[]>;
}

/** Grid lines of a box: [top, bottom) 0-based. */
export function boxLines(g: Geometry, place: GridPlace): { top: number; bottom: number } {
  const top = place.line - 1;
  return { top, bottom: place.lines === 'bottom' ? g.lines : top + place.lines };
}

/** Whatever reads a layout as `loadTemplate` does: it, or a warm process's memory of what it read. */
export type TemplateLoader = typeof loadTemplate;

/**
 * Resolves each page's layout and checks every placement against its grid: boxes inside the grid,
 * apart from one another and from the masthead; pictures inside their article; threads whose
 * parts stand on pages that exist, in page order, with columns of one measure. All problems are
 * collected and thrown together. Layouts come from the workspace's folders, its own first.
 */
export function resolveIssue(issue: Issue, ws: Workspace, fonts: FontRegistry, load: TemplateLoader = loadTemplate): IssuePlan {
  const hao = loadHao(ws.sizes);
  const templates = new Map<string, Template>();
  const errors: IssueError[] = [];
  const pages: PagePlan[] = [];
  for (const page of issue.pages) {
    let template = templates.get(page.layout);
    if (!template) {
      const layoutsDir = layoutFolder(ws.layouts, page.layout);
      if (!layoutsDir) {
        errors.push(new IssueError('unknown-layout', page.pos, `page ${page.number}: unknown layout "${page.layout}"; expected one of: ${layoutNames(ws.layouts).join(', ')}`));
        continue;
      }
      template = load(layoutsDir, page.layout, hao);
      errors.push(...unknownRoles(template, fonts));
      templates.set(page.layout, template);
    }
    pages.push({ page, template, geometry: geometryOf(template) });
  }
  if (errors.length) throw new IssueErrors(errors);

  if (issue.pages.length > LIMITS.pages) {
    throw new IssueErrors([new IssueError('too-large', issue.pages[LIMITS.pages].pos, `the issue has ${issue.pages.length} pages, more than the limit of ${LIMITS.pages}; split it, or raise BANMIAN_MAX_PAGES`)]);
  }
  const planOf = new Map(pages.map((p) => [p.page.number, p]));
  const boxesOn = new Map<number, PlacedBox[]>();
  const threads: Thread[] = [];
  for (const plan of pages) {
    for (const a of plan.page.articles) {
      if (!a.place) {
        errors.push(new IssueError('off-grid', a.pos, `article "${a.id}" on page ${plan.page.number} has no place; give it one, or let the plan propose one: compose plan ${issue.file} --write`));
        continue;
      }
      const parts: ArticlePart[] = [{ plan, spec: a.place, place: fixedPlace(a.place), pos: a.pos }];
      a.continued.forEach((c, i) => {
        const target = planOf.get(c.page);
        const where = `continuation ${i + 1} of article "${a.id}"`;
        if (!target) {
          errors.push(new IssueError('broken-thread', c.pos, `${where} is on page ${c.page}, but the issue has pages ${[...planOf.keys()].join(', ')}; give a page that exists`));
          return;
        }
        const before = parts[parts.length - 1].plan;
        if (c.page < before.page.number) {
          errors.push(new IssueError('broken-thread', c.pos, `${where} is on page ${c.page}, before the part it follows on page ${before.page.number}; list the parts in page order`));
          return;
        }
        const g0 = plan.geometry;
        const g1 = target.geometry;
        if (g0.columnWidth !== g1.columnWidth || g0.pitch !== g1.pitch || g0.bodySize !== g1.bodySize) {
          errors.push(new IssueError('broken-thread', c.pos, `${where} is on page ${c.page}, whose layout "${target.template.name}" has other columns than "${plan.template.name}"; a thread flows through columns of one measure`));
          return;
        }
        parts.push({ plan: target, spec: c.place, place: fixedPlace(c.place), headline: c.headline, pos: c.pos });
      });
      parts.forEach((part, k) => {
        if (part.spec.lines === 'auto' && k < parts.length - 1) {
          errors.push(new IssueError('off-grid', part.pos, `article "${a.id}": only the last part of a thread can be "lines: auto"; the text flows on from this part, so give it a number of lines or "bottom"`));
        }
        if (part.place) checkBox(part.plan, part.place, `article "${a.id}"`, part.pos, boxesOn, errors);
      });
      checkStyle(a, plan, errors);
      for (const p of a.pictures) {
        if (p.source) {
          // Pictures come from the issue's folder, the workspace and its picture folders, or folders the layout allows: a
          // path that leaves them (../../etc/passwd, a symlink out) is refused, not read.
          if (!isWithin(p.source, pictureFolders(issue.file, plan.template.pictures.allow, ws))) {
            errors.push(new IssueError('outside', p.pos, `picture ${p.source} is outside the issue's folder, the workspace, its picture folders and the layout's pictures.allow folders; move it in, or allow its folder in the layout`));
          }
        }
        const span = a.place.span;
        const where = `article "${a.id}" on page ${plan.page.number}`;
        if (p.place.column + p.place.span - 1 > span) {
          errors.push(new IssueError('off-grid', p.pos, `picture in ${where} is wider than the article: columns ${p.place.column}–${p.place.column + p.place.span - 1} of ${span}`));
        }
        if (!parts[0].place) continue;
        const { top, bottom } = boxLines(plan.geometry, parts[0].place);
        const pictureEnd = p.place.lines === 'bottom' ? p.place.line : p.place.line + p.place.lines - 1;
        if (pictureEnd > bottom - top) {
          errors.push(new IssueError('off-grid', p.pos, `picture in ${where} is taller than the article: lines ${p.place.line}–${pictureEnd} of ${bottom - top}`));
        }
      }
      threads.push({ article: a, parts });
    }
    for (const space of plan.page.spaces) checkBox(plan, space.place, `${space.kind === 'ad' ? 'ad' : 'reserved'} space${space.label ? ` "${space.label}"` : ''}`, space.pos, boxesOn, errors);
  }
  if (errors.length) throw new IssueErrors(errors);
  return { pages, threads, boxes: boxesOn };
}

/** Each font role a layout's styles name that fonts.yaml does not define, at the style that names it. */
function unknownRoles(t: Template, fonts: FontRegistry): IssueError[] {
  return t.fontRoles
    .filter((use) => !fonts.hasRole(use.role))
    .map((use) => new IssueError('bad-template', use.at, `layout "${t.name}": style "${use.style}" names font role "${use.role}", which fonts/fonts.yaml does not define; use one of ${fonts.roles().join(', ')}, or add the role to fonts.yaml`));
}

/** The grid rectangle a spec fixes by itself: neither under another box nor as deep as its text. */
function fixedPlace(p: PlaceSpec): GridPlace | undefined {
  if (typeof p.line !== 'number' || p.lines === 'auto') return undefined;
  return { column: p.column, span: p.span, line: p.line, lines: p.lines };
}

/** A rank the layout names and a headline size it can read. */
function checkStyle(a: Article, plan: PagePlan, errors: IssueError[]): void {
  const t = plan.template;
  if (a.rank !== undefined && !t.ranks.some((r) => r.name === a.rank)) {
    errors.push(new IssueError('bad-value', a.pos, `article "${a.id}": rank "${a.rank}" is not one of layout "${t.name}"'s ranks: ${t.ranks.map((r) => r.name).join(', ')}`));
  }
  if (typeof a.headlineSize === 'string' && !t.hao[a.headlineSize]) {
    errors.push(new IssueError('bad-value', a.pos, `article "${a.id}": headline size "${a.headlineSize}" is no 号 of layouts/sizes.yaml (${Object.keys(t.hao).join(' ')}); give one, or a size in points`));
  }
}

/**
 * A box on the grid of its page, out of the masthead and apart from the boxes already on the page
 * (which it joins). Make-up runs the same check on boxes it settles.
 */
export function checkBox(plan: PagePlan, place: GridPlace, what: string, pos: SourcePos, boxesOn: Map<number, PlacedBox[]>, errors: IssueError[]): void {
  const g = plan.geometry;
  const { column, span, line } = place;
  const { top, bottom } = boxLines(g, place);
  const where = `${what} on page ${plan.page.number}`;
  const name = plan.template.name;
  if (column + span - 1 > g.columns) {
    errors.push(new IssueError('off-grid', pos, `${where} runs off the grid: columns ${column}–${column + span - 1}, but layout "${name}" has ${g.columns}; reduce column or span`));
    return;
  }
  if (line > g.lines || bottom > g.lines || bottom <= top) {
    errors.push(new IssueError('off-grid', pos, `${where} runs off the grid: lines ${line}–${bottom}, but layout "${name}" has ${g.lines}; reduce line or lines, or use lines: bottom`));
    return;
  }
  const masthead = mastheadBox(plan);
  if (masthead && top < masthead.bottom && column < masthead.c1) {
    errors.push(new IssueError('overlap', pos, `${where} starts at line ${line}, inside the masthead (lines 1–${masthead.bottom}, columns 1–${masthead.c1 - 1}); start it at line ${masthead.bottom + 1} or below, or right of the masthead`));
    return;
  }
  const boxes = boxesOn.get(plan.page.number) ?? [];
  boxesOn.set(plan.page.number, boxes);
  const clash = boxes.find((b) => b.c0 < column + span && b.c1 > column && b.top < bottom && b.bottom > top);
  if (clash) errors.push(new IssueError('overlap', pos, `${where} overlaps ${clash.what}; move one of them so their grid rectangles do not share a cell`));
  boxes.push({ what, top, bottom, c0: column, c1: column + span });
}
