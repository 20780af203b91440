import type { FontRegistry, MissingGlyph } from '../fonts/registry.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { Issue } from '../issue/types.js';
import { boxLines, type IssuePlan, type PagePlan } from '../layout/resolve.js';
import { composeThread } from './article.js';
import { composeFolio } from './folio.js';
import { composeMasthead } from './masthead.js';
import type { SetContext } from './rows.js';
import { separators, type GridBox } from './separators.js';
import type { ArticleReport, ComposedPage, Composition, Finding } from './types.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const codePoints = (list: MissingGlyph[]) =>
  [...new Set(list.map((m) => m.ch))].map((c) => `${c} U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');

/**
 * Places every article of the issue through the parts of its thread, and gathers what the desk
 * must hear: overset, missing glyphs, loose lines. A continuation the text never reaches is bad
 * input (the desk placed a box for nothing) and is thrown with its position.
 */
export function composeIssue(issue: Issue, plan: IssuePlan, fonts: FontRegistry): Composition {
  const findings: Finding[] = fonts.warnings.map((w) => ({ code: w.code, blocking: false, message: w.message }));
  const contexts = new Map<number, SetContext>();
  const ctxOf = (p: PagePlan): SetContext => {
    let ctx = contexts.get(p.page.number);
    if (!ctx) contexts.set(p.page.number, (ctx = { fonts, template: p.template, pitch: p.geometry.pitch, missing: [], warnings: [] }));
    return ctx;
  };
  const pages = new Map<number, ComposedPage>();
  const grids = new Map<number, GridBox[]>();
  for (const p of plan.pages) {
    const ctx = ctxOf(p);
    const head = p.page.masthead ? composeMasthead(ctx, p.geometry, issue, p.page) : composeFolio(ctx, p.geometry, issue, p.page);
    pages.set(p.page.number, { number: p.page.number, name: p.page.name, masthead: p.page.masthead, template: p.template, geometry: p.geometry, glyphs: head.glyphs, rules: head.rules, frames: [], boxes: [] });
    grids.set(p.page.number, []);
  }

  const articles: ArticleReport[] = [];
  const broken: IssueError[] = [];
  for (const thread of plan.threads) {
    const a = thread.article;
    const home = thread.parts[0].plan.page.number;
    const ctx = ctxOf(thread.parts[0].plan);
    const warningsBefore = ctx.warnings.length;
    const missingBefore = ctx.missing.length;
    const placed = composeThread(ctxOf, thread);
    placed.parts.forEach((part, k) => {
      const page = pages.get(part.page)!;
      page.glyphs.push(...part.glyphs);
      page.rules.push(...part.rules);
      page.frames.push(...part.frames);
      page.boxes.push(part.box);
      const place = thread.parts[k].place;
      grids.get(part.page)!.push({ ...boxLines(thread.parts[k].plan.geometry, place), c0: place.column, c1: place.column + place.span });
    });
    for (const empty of placed.emptyParts) {
      broken.push(new IssueError('broken-thread', empty.pos, `article "${a.id}": its text runs out before this continuation on page ${empty.plan.page.number}; remove the part or give the article's earlier parts fewer lines`));
    }
    const r = placed.report;
    articles.push(r);
    if (r.oversetCharacters > 0 || r.oversetLines > 0) {
      const text = placed.overset.map((row) => row.glyphs.map((gl) => gl.ch).join('')).join('');
      findings.push({
        code: 'overset',
        blocking: true,
        page: r.pages[r.pages.length - 1],
        article: a.id,
        message: `${count(r.oversetCharacters, 'character')} in ${count(r.oversetLines, 'line')} overset (${text.length > 24 ? `${text.slice(0, 24)}…` : text})`,
      });
    }
    for (const p of placed.picturesOutside) {
      findings.push({
        code: 'picture-outside-box',
        blocking: true,
        page: home,
        article: a.id,
        message: `the picture slot at ${p.pos.file}:${p.pos.line}:${p.pos.column} reaches past the foot of the article's box: not drawn; give the article more lines or the picture fewer`,
      });
    }
    for (const w of ctx.warnings.slice(warningsBefore)) findings.push({ code: w.code, blocking: false, page: home, article: a.id, message: `${w.detail}: ${w.text}` });
    const lacking = ctx.missing.slice(missingBefore);
    const lost = lacking.filter((m) => !m.face);
    if (lost.length) findings.push({ code: 'missing-glyph', blocking: true, page: home, article: a.id, message: `${count(lost.length, 'character')} no font has (${codePoints(lost)}): left out` });
    const borrowed = lacking.filter((m) => m.face);
    if (borrowed.length) {
      const faces = [...new Set(borrowed.map((m) => m.face))].join(', ');
      findings.push({ code: 'glyph-fallback', blocking: false, page: home, article: a.id, message: `${count(borrowed.length, 'character')} set from a fallback font (${codePoints(borrowed)} from ${faces})` });
    }
  }
  if (broken.length) throw new IssueErrors(broken);
  for (const p of plan.pages) {
    const page = pages.get(p.page.number)!;
    page.rules.push(...separators(p.geometry, grids.get(p.page.number)!, p.template.rules.article));
  }
  return { pages: plan.pages.map((p) => pages.get(p.page.number)!), articles, findings };
}
