import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve as resolvePath, sep } from 'node:path';
import { LIMITS } from '../limits.js';
import { packageRoot } from '../paths.js';
import type { FontRegistry } from '../fonts/registry.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { Article, GridPlace, Issue, Page, PlaceSpec, SourcePos } from '../issue/types.js';
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
  place: GridPlace;
  spec: PlaceSpec;
  pos: SourcePos;
}

/** An article with the boxes its text flows through, in reading order. */
export interface Thread {
  article: Article;
  parts: ArticlePart[];
}

export interface IssuePlan {
  pages: PagePlan[];
  threads: Thread[];
}

/** Grid lines of a box: [top, bottom) 0-based. */
export function boxLines(g: Geometry, place: GridPlace): { top: number; bottom: number } {
  const top = place.line - 1;
  return { top, bottom: place.lines === 'bottom' ? g.lines : top + place.lines };
}

/**
 * Resolves each page's layout and checks every placement against its grid: boxes inside the grid,
 * apart from one another and from the masthead; pictures inside their article; threads whose
 * parts stand on pages that exist, in page order, with columns of one measure. All problems are
 * collected and thrown together.
 */
export function resolveIssue(issue: Issue, layoutsDir: string, fonts: FontRegistry): IssuePlan {
  const hao = loadHao(layoutsDir);
  const templates = new Map<string, Template>();
  const errors: IssueError[] = [];
  const pages: PagePlan[] = [];
  const known = () => readdirSync(layoutsDir).filter((f) => f.endsWith('.yaml') && f !== 'sizes.yaml').map((f) => f.slice(0, -5));
  for (const page of issue.pages) {
    let template = templates.get(page.layout);
    if (!template) {
      if (!existsSync(join(layoutsDir, `${page.layout}.yaml`)) || page.layout === 'sizes') {
        errors.push(new IssueError('unknown-layout', page.pos, `page ${page.number}: unknown layout "${page.layout}"; expected one of: ${known().join(', ')}`));
        continue;
      }
      template = loadTemplate(layoutsDir, page.layout, hao);
      for (const [name, style] of Object.entries(template.styles)) {
        if (!fonts.hasRole(style.font) || (style.labelFont && !fonts.hasRole(style.labelFont))) {
          throw new IssueError('bad-template', { file: template.file, line: 1, column: 1 }, `style "${name}" names a font role that fonts/fonts.yaml does not define`);
        }
      }
      templates.set(page.layout, template);
    }
    pages.push({ page, template, geometry: geometryOf(template) });
  }
  if (errors.length) throw new IssueErrors(errors);

  if (issue.pages.length > LIMITS.pages) {
    throw new IssueErrors([new IssueError('too-large', issue.pages[LIMITS.pages].pos, `the issue has ${issue.pages.length} pages, more than the limit of ${LIMITS.pages}; split it, or raise BANMIAN_MAX_PAGES`)]);
  }
  const issueDir = realpathOr(dirname(resolvePath(issue.file)));
  const planOf = new Map(pages.map((p) => [p.page.number, p]));
  const boxesOn = new Map<number, { id: string; top: number; bottom: number; c0: number; c1: number }[]>();
  const threads: Thread[] = [];
  for (const plan of pages) {
    for (const a of plan.page.articles) {
      const parts: ArticlePart[] = [{ plan, place: fixed(a.place), spec: a.place, pos: a.pos }];
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
        parts.push({ plan: target, place: fixed(c.place), spec: c.place, pos: c.pos });
      });
      for (const part of parts) checkBox(part, a, boxesOn, errors);
      const characters = articleCharacters(a);
      if (characters > LIMITS.articleCharacters) {
        errors.push(new IssueError('too-large', a.pos, `article "${a.id}" has ${characters} characters, more than the limit of ${LIMITS.articleCharacters}; split it, or raise BANMIAN_MAX_ARTICLE_CHARACTERS`));
      }
      for (const p of a.pictures) {
        if (p.source) {
          // Pictures come from the issue's folder, the project, or folders the layout allows: a
          // path that leaves them (../../etc/passwd, a symlink out) is refused, not read.
          const real = realpathOr(p.source);
          const allowed = [issueDir, realpathOr(packageRoot()), ...plan.template.pictures.allow.map(realpathOr)];
          if (!allowed.some((root) => real === root || real.startsWith(root + sep))) {
            errors.push(new IssueError('outside', p.pos, `picture ${p.source} is outside the issue's folder, the project and the layout's pictures.allow folders; move it in, or allow its folder in the layout`));
          }
        }
        const span = a.place.span;
        const where = `article "${a.id}" on page ${plan.page.number}`;
        if (p.place.column + p.place.span - 1 > span) {
          errors.push(new IssueError('off-grid', p.pos, `picture in ${where} is wider than the article: columns ${p.place.column}–${p.place.column + p.place.span - 1} of ${span}`));
        }
        const { top, bottom } = boxLines(plan.geometry, parts[0].place);
        const pictureEnd = p.place.lines === 'bottom' ? p.place.line : p.place.line + p.place.lines - 1;
        if (pictureEnd > bottom - top) {
          errors.push(new IssueError('off-grid', p.pos, `picture in ${where} is taller than the article: lines ${p.place.line}–${pictureEnd} of ${bottom - top}`));
        }
      }
      threads.push({ article: a, parts });
    }
  }
  if (errors.length) throw new IssueErrors(errors);
  return { pages, threads };
}

const fixed = (p: PlaceSpec): GridPlace => ({ column: p.column, span: p.span, line: typeof p.line === 'number' ? p.line : 1, lines: p.lines === 'auto' ? 'bottom' : p.lines });

/** The real path (symlinks followed) where the file exists, else the absolute path as given. */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

function articleCharacters(a: Article): number {
  let n = 0;
  for (const b of a.body) n += b.kind === 'bullets' ? b.items.reduce((m, t) => m + t.length, 0) : b.text.length;
  for (const t of [...(a.note ?? []), ...(a.briefs ?? [])]) n += t.length;
  return n;
}

function checkBox(
  part: ArticlePart,
  a: Article,
  boxesOn: Map<number, { id: string; top: number; bottom: number; c0: number; c1: number }[]>,
  errors: IssueError[],
): void {
  const { plan, place, pos } = part;
  const g = plan.geometry;
  const { column, span, line } = place;
  const { top, bottom } = boxLines(g, place);
  const where = `article "${a.id}" on page ${plan.page.number}`;
  const name = plan.template.name;
  if (column + span - 1 > g.columns) {
    errors.push(new IssueError('off-grid', pos, `${where} runs off the grid: columns ${column}–${column + span - 1}, but layout "${name}" has ${g.columns}; reduce column or span`));
    return;
  }
  if (line > g.lines || bottom > g.lines || bottom <= top) {
    errors.push(new IssueError('off-grid', pos, `${where} runs off the grid: lines ${line}–${bottom}, but layout "${name}" has ${g.lines}; reduce line or lines, or use lines: bottom`));
    return;
  }
  if (plan.page.masthead && top < plan.template.mastheadLines) {
    errors.push(new IssueError('overlap', pos, `${where} starts at line ${line}, inside the masthead (lines 1–${plan.template.mastheadLines}); start it at line ${plan.template.mastheadLines + 1} or below`));
    return;
  }
  const boxes = boxesOn.get(plan.page.number) ?? [];
  boxesOn.set(plan.page.number, boxes);
  const clash = boxes.find((b) => b.c0 < column + span && b.c1 > column && b.top < bottom && b.bottom > top);
  if (clash) errors.push(new IssueError('overlap', pos, `${where} overlaps article "${clash.id}"; move one of them so their grid rectangles do not share a cell`));
  boxes.push({ id: a.id, top, bottom, c0: column, c1: column + span });
}
