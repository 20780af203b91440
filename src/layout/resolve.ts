import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FontRegistry } from '../fonts/registry.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { Issue, Page } from '../issue/types.js';
import { boxLines } from '../page/article.js';
import { geometryOf, loadHao, loadTemplate, type Geometry, type Template } from './template.js';

/** A page with its template and geometry: everything composition needs to know about where things go. */
export interface PagePlan {
  page: Page;
  template: Template;
  geometry: Geometry;
}

/**
 * Resolves each page's layout and checks the placements against its grid: articles inside the
 * grid and apart from one another, pictures inside their article. All problems are collected.
 */
export function resolvePages(issue: Issue, layoutsDir: string, fonts: FontRegistry): PagePlan[] {
  const hao = loadHao(layoutsDir);
  const templates = new Map<string, Template>();
  const errors: IssueError[] = [];
  const plans: PagePlan[] = [];
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
    const g = geometryOf(template);
    const boxes: { id: string; top: number; bottom: number; c0: number; c1: number }[] = [];
    for (const a of page.articles) {
      const { column, span, line } = a.place;
      const { top, bottom } = boxLines(g, a);
      const where = `article "${a.id}" on page ${page.number}`;
      if (column + span - 1 > g.columns) {
        errors.push(new IssueError('off-grid', a.pos, `${where} runs off the grid: columns ${column}–${column + span - 1}, but layout "${template.name}" has ${g.columns}; reduce column or span`));
        continue;
      }
      if (line > g.lines || bottom > g.lines || bottom <= top) {
        errors.push(new IssueError('off-grid', a.pos, `${where} runs off the grid: lines ${line}–${bottom}, but layout "${template.name}" has ${g.lines}; reduce line or lines, or use lines: bottom`));
        continue;
      }
      const clash = boxes.find((b) => b.c0 < column + span && b.c1 > column && b.top < bottom && b.bottom > top);
      if (clash) errors.push(new IssueError('overlap', a.pos, `${where} overlaps article "${clash.id}"; move one of them so their grid rectangles do not share a cell`));
      boxes.push({ id: a.id, top, bottom, c0: column, c1: column + span });
      for (const p of a.pictures) {
        if (p.place.column + p.place.span - 1 > span) {
          errors.push(new IssueError('off-grid', p.pos, `picture in ${where} is wider than the article: columns ${p.place.column}–${p.place.column + p.place.span - 1} of ${span}`));
        }
        const pictureEnd = p.place.lines === 'bottom' ? p.place.line : p.place.line + p.place.lines - 1;
        if (pictureEnd > bottom - top) {
          errors.push(new IssueError('off-grid', p.pos, `picture in ${where} is taller than the article: lines ${p.place.line}–${pictureEnd} of ${bottom - top}`));
        }
      }
    }
    plans.push({ page, template, geometry: g });
  }
  if (errors.length) throw new IssueErrors(errors);
  return plans;
}
