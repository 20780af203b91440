import type { FontRegistry, MissingGlyph } from '../fonts/registry.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import type { GridPlace, Issue, Page } from '../issue/types.js';
import { boxLines, checkBox, mastheadBox, type GridBox, type IssuePlan, type PagePlan, type PlacedBox, type Thread } from '../layout/resolve.js';
import { columnX, lineTop, spanWidth } from '../layout/template.js';
import { setArticle, type ArticleSetter, type ArticleSetting, type PartFrame, type SetPart } from './article.js';
import { pageCoverage, findHoles } from './coverage.js';
import { unfitFinding } from './fit.js';
import { composeFolio } from './folio.js';
import { headSizes } from './ranks.js';
import { composeMasthead, type Teaser } from './masthead.js';
import { setContext, type Found, type Row, type RowLine } from './rows.js';
import type { SetGlyph } from '../text/types.js';
import { separators } from './separators.js';
import type { ArticleReport, ComposedPage, Composition, Finding, PartReport, PlacedGlyph } from './types.js';

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const codePoints = (list: MissingGlyph[]) =>
  [...new Set(list.map((m) => m.ch))].map((c) => `${c} U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');

/** The 导读 of a masthead page: each announced story's headline on one line, and the page it opens on. */
function teasersOf(issue: Issue, page: Page): Teaser[] {
  const articles = new Map(issue.pages.flatMap((p) => p.articles.map((a) => [a.id, { a, page: p.number }] as const)));
  return page.teasers.flatMap((t) => {
    const found = articles.get(t.article);
    return found?.a.headline ? [{ headline: found.a.headline.join(''), page: found.page }] : [];
  });
}

/** What a setting found, as the desk hears it. */
function foundFindings(found: Found, page: number, article?: string): Finding[] {
  const out: Finding[] = found.warnings.map((w) => ({ code: w.code, blocking: false, page, article, message: `${w.detail}: ${w.text}` }));
  const lost = found.missing.filter((m) => !m.face);
  if (lost.length) out.push({ code: 'missing-glyph', blocking: true, page, article, message: `${count(lost.length, 'character')} no font has (${codePoints(lost)}): left out` });
  const borrowed = found.missing.filter((m) => m.face);
  if (borrowed.length) {
    const faces = [...new Set(borrowed.map((m) => m.face))].join(', ');
    out.push({ code: 'glyph-fallback', blocking: false, page, article, message: `${count(borrowed.length, 'character')} set from a fallback font (${codePoints(borrowed)} from ${faces})` });
  }
  return out;
}

/**
 * Makes up the pages: settles every box (those under another box, those as deep as their text),
 * sets each article into its boxes, places the results on their pages, and reports what the desk
 * must hear: overset, underset, holes, missing glyphs, loose lines. A continuation the text never
 * reaches, and a settled box off the grid or over another, are bad input and thrown with their
 * positions. `set` is how an article is set: a warm process passes one that remembers settings
 * it has made, which must give what `setArticle` gives for the same arguments.
 */
export function composeIssue(issue: Issue, plan: IssuePlan, fonts: FontRegistry, set: ArticleSetter = setArticle): Composition {
  const findings: Finding[] = fonts.warnings.map((w) => ({ code: w.code, blocking: false, message: w.message }));
  const pages = new Map<number, ComposedPage>();
  for (const p of plan.pages) {
    const ctx = setContext(fonts, p.template, p.geometry.pitch);
    const head = p.page.masthead ? composeMasthead(ctx, p.geometry, issue, p.page, teasersOf(issue, p.page)) : composeFolio(ctx, p.geometry, issue, p.page);
    findings.push(...foundFindings(ctx.found, p.page.number));
    findings.push(...head.overset.map((u) => unfitFinding(u, p.page.number)));
    const g = p.geometry;
    const spaces = p.page.spaces.map((s) => {
      const { top, bottom } = boxLines(g, s.place);
      return { kind: s.kind, label: s.label, ...(s.ad ? { ad: s.ad } : {}), pos: s.pos, x: columnX(g, s.place.column), y: lineTop(g, top), width: spanWidth(g, s.place.span), height: (bottom - top) * g.pitch };
    });
    pages.set(p.page.number, { number: p.page.number, name: p.page.name, masthead: p.page.masthead, template: p.template, geometry: g, glyphs: head.glyphs, rules: head.rules, frames: [], boxes: [], spaces, holes: [] });
  }

  const sizes = headSizes(plan, fonts);
  const settled = settleAndSet(plan, fonts, sizes, set);
  const grids = new Map<number, GridBox[]>(plan.pages.map((p) => [p.page.number, []]));
  const coverage = new Map(plan.pages.map((p) => [p.page.number, pageCoverage(p, mastheadBox(p))]));
  const articles: ArticleReport[] = [];
  const broken: IssueError[] = [];
  for (const thread of plan.threads) {
    const a = thread.article;
    const { setting, places } = settled.get(thread)!;
    const home = thread.parts[0].plan.page.number;
    const parts: PartReport[] = [];
    setting.parts.forEach((part, k) => {
      const pp = thread.parts[k].plan;
      const g = pp.geometry;
      const place = places[k];
      const { top, bottom } = boxLines(g, place);
      const x0 = columnX(g, place.column);
      const y0 = lineTop(g, top);
      const page = pages.get(pp.page.number)!;
      for (const gl of placedGlyphs(part, x0, y0)) page.glyphs.push(gl);
      for (const r of part.rules) page.rules.push({ ...r, x1: r.x1 + x0, x2: r.x2 + x0, y1: r.y1 + y0, y2: r.y2 + y0 });
      for (const f of part.frames) page.frames.push({ ...f, x: f.x + x0, y: f.y + y0 });
      page.boxes.push({ id: a.id, x: x0, y: y0, width: spanWidth(g, place.span), height: (bottom - top) * g.pitch });
      grids.get(pp.page.number)!.push({ top, bottom, c0: place.column, c1: place.column + place.span });
      coverage.get(pp.page.number)!.cover(place);
      parts.push({ page: pp.page.number, place: { column: place.column, span: place.span, line: top + 1, lines: bottom - top }, ...part.copyfit });
    });
    for (const k of setting.emptyParts) {
      const empty = thread.parts[k];
      broken.push(new IssueError('broken-thread', empty.pos, `article "${a.id}": its text runs out before this continuation on page ${empty.plan.page.number}; remove the part or give the article's earlier parts fewer lines`));
    }
    const bodyOverset = setting.overset.reduce((n, r) => n + r.chars, 0);
    const oversetCharacters = bodyOverset + setting.unfit.reduce((n, u) => n + u.chars, 0);
    const oversetLines = setting.overset.reduce((n, r) => n + r.lines, 0);
    const underset = parts[parts.length - 1].underset;
    const lastPart = thread.parts[thread.parts.length - 1];
    const last = lastPart.plan.page.number;
    articles.push({ id: a.id, pages: [...new Set(parts.map((p) => p.page))], rank: sizes.get(a)!.rank, headlineSize: setting.headlineSize, charactersSet: setting.charactersSet, oversetCharacters, oversetLines, underset, parts });
    if (bodyOverset > 0 || oversetLines > 0) {
      const text = setting.overset.map((row) => row.set.map((rl) => rl.line.glyphs.map((gl) => gl.ch).join('')).join('')).join('');
      findings.push({ code: 'overset', blocking: true, page: last, article: a.id, pos: a.pos, figures: { characters: bodyOverset, lines: oversetLines }, message: `${count(bodyOverset, 'character')} in ${count(oversetLines, 'line')} overset (${text.length > 24 ? `${text.slice(0, 24)}…` : text})` });
    }
    if (underset > lastPart.plan.template.copyfit.undersetLines) {
      findings.push({ code: 'underset', blocking: false, page: last, article: a.id, pos: lastPart.pos, figures: { lines: underset }, message: `${count(underset, 'line')} short (缺${underset}行): give the box fewer lines, lines: auto, or the article more text` });
    }
    findings.push(...setting.unfit.map((u) => unfitFinding(u, home, a.id)));
    for (const p of setting.picturesOutside) {
      findings.push({ code: 'picture-outside-box', blocking: true, page: home, article: a.id, pos: p.pos, message: `the picture slot at ${p.pos.file}:${p.pos.line}:${p.pos.column} reaches past the foot of the article's box: not drawn; give the article more lines or the picture fewer` });
    }
    findings.push(...foundFindings(setting.found, home, a.id));
  }
  if (broken.length) throw new IssueErrors(broken);
  for (const p of plan.pages) {
    const page = pages.get(p.page.number)!;
    page.rules.push(...separators(p.geometry, grids.get(p.page.number)!, p.template.rules.article, mastheadBox(p)));
    page.holes = findHoles(coverage.get(p.page.number)!, p.template.copyfit.holeLines);
    for (const h of page.holes) {
      findings.push({ code: 'hole', blocking: true, page: p.page.number, figures: { firstColumn: h.columns[0], lastColumn: h.columns[1], firstLine: h.lines[0], lastLine: h.lines[1] }, message: `columns ${h.columns[0]}–${h.columns[1]}, lines ${h.lines[0]}–${h.lines[1]} are empty (开天窗): fill them, or declare them as a space` });
    }
  }
  return { pages: plan.pages.map((p) => pages.get(p.page.number)!), articles, findings };
}

/**
 * Settles the boxes whose place depends on composition and sets every article. An article is set
 * once the boxes of all its parts are known: a box under another waits for that one, and an
 * `auto` box grows at most to the next box below it or the foot of the type area.
 */
function settleAndSet(plan: IssuePlan, fonts: FontRegistry, sizes: ReturnType<typeof headSizes>, set: ArticleSetter): Map<Thread, { setting: ArticleSetting; places: GridPlace[] }> {
  const done = new Map<Thread, { setting: ArticleSetting; places: GridPlace[] }>();
  const boxes = new Map<number, PlacedBox[]>([...plan.boxes].map(([page, list]) => [page, [...list]]));
  // Where each article's part on a page ends once set: what `below` refers to.
  const footOf = new Map<string, number>();
  const errors: IssueError[] = [];
  let pending = [...plan.threads];
  while (pending.length) {
    const ready = pending.filter((t) => t.parts.every((p) => typeof p.spec.line === 'number' || footOf.has(`${p.spec.line.below}@${p.plan.page.number}`)));
    if (!ready.length) {
      const t = pending[0];
      const waiting = t.parts.find((p) => typeof p.spec.line !== 'number')!;
      throw new IssueErrors([new IssueError('bad-value', typeof waiting.spec.line === 'number' ? waiting.pos : waiting.spec.line.pos, `article "${t.article.id}" waits on boxes that wait on it; break the chain of "below"`)]);
    }
    for (const t of ready) {
      const tops = t.parts.map((p) => (typeof p.spec.line === 'number' ? p.spec.line - 1 : footOf.get(`${p.spec.line.below}@${p.plan.page.number}`)! + 1));
      const frames: PartFrame[] = t.parts.map((p, k) => {
        const g = p.plan.geometry;
        const top = tops[k];
        const auto = p.spec.lines === 'auto';
        const depth = typeof p.spec.lines === 'number' ? p.spec.lines : auto ? room(p.plan, boxes.get(p.plan.page.number) ?? [], p.spec.column, p.spec.span, top) : g.lines - top;
        const fromElsewhere = k > 0 && t.parts[k - 1].plan.page.number !== p.plan.page.number;
        const jumpHeadline = fromElsewhere ? (p.headline ?? t.article.headline?.join(' ')) : undefined;
        return { page: p.plan.page.number, span: p.spec.span, depth: Math.max(1, depth), auto, jumpHeadline };
      });
      const first = t.parts[0].plan;
      const setting = set(setContext(fonts, first.template, first.geometry.pitch), t.article, first.geometry, frames, sizes.get(t.article)!);
      const places = t.parts.map((p, k): GridPlace => ({ column: p.spec.column, span: p.spec.span, line: tops[k] + 1, lines: p.place?.lines === 'bottom' ? 'bottom' : setting.parts[k].depth }));
      t.parts.forEach((p, k) => {
        if (!p.place) checkBox(p.plan, places[k], `article "${t.article.id}"`, p.pos, boxes, errors);
        footOf.set(`${t.article.id}@${p.plan.page.number}`, boxLines(p.plan.geometry, places[k]).bottom);
      });
      done.set(t, { setting, places });
    }
    pending = pending.filter((t) => !ready.includes(t));
  }
  if (errors.length) throw new IssueErrors(errors);
  return done;
}

/** Grid lines from `top` down to the next box on these columns (one free line above it) or the foot of the type area. */
function room(plan: PagePlan, boxes: PlacedBox[], column: number, span: number, top: number): number {
  const below = boxes.filter((b) => b.c0 < column + span && b.c1 > column && b.top > top).map((b) => b.top - 1);
  return Math.min(plan.geometry.lines, ...below) - top;
}

/**
 * Each article part's glyphs where its box puts them on the page, by the part's setting: a warm
 * process keeps the settings of the articles an edit did not reach, and their thousands of glyphs
 * are not copied again while their box stays where it was. Nothing changes a placed glyph.
 */
const placedParts = new WeakMap<SetPart, { x0: number; y0: number; glyphs: PlacedGlyph[] }>();

function placedGlyphs(part: SetPart, x0: number, y0: number): PlacedGlyph[] {
  const known = placedParts.get(part);
  if (known && known.x0 === x0 && known.y0 === y0) return known.glyphs;
  const glyphs: PlacedGlyph[] = [];
  for (const { row, x, y } of part.rows) {
    for (const rl of row.set) {
      const baseline = y + rl.dy;
      for (const g of rl.line.glyphs) glyphs.push(placedGlyph(g, rl, row, x + (rl.dx + g.x * rl.size) + x0, baseline + y0));
    }
  }
  placedParts.set(part, { x0, y0, glyphs });
  return glyphs;
}

/**
 * A glyph of a row at its place on the page, every field written out: a page's glyphs then share
 * one shape whatever fields their articles set, and the renderer reads them through one shape, not many.
 */
const placedGlyph = (g: SetGlyph, rl: RowLine, row: Row, x: number, y: number): PlacedGlyph => ({
  ch: g.ch,
  face: g.face,
  size: rl.size,
  x,
  y,
  fullWidth: g.fullWidth,
  halfWidth: g.halfWidth,
  ink: undefined,
  actualText: rl.actualText,
  source: row.source,
});
