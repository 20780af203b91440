// Candidate shapes of a story the plan places: for each span its rank allows, the depth its text
// takes at that width, set by the composer's own article setting.
import type { FontRegistry } from '../fonts/registry.js';
import type { Article } from '../issue/types.js';
import type { IssuePlan, PagePlan } from '../layout/resolve.js';
import { spanWidth } from '../layout/template.js';
import type { ArticleSetter, ArticleSetting } from '../page/article.js';
import { headSizes } from '../page/ranks.js';
import { setContext, type LineMemo } from '../page/rows.js';
import type { PlanSettings } from './settings.js';

/** A cut story (cut: allowed) keeps at least this share of its body's depth. */
const CUT_KEEP = 0.5;

/** One way a story can stand on the page: a span and the depths it may take there. */
export interface Shape {
  span: number;
  /** The fewest grid lines the box may have: what its text needs, a photo's smallest picture, a cut story's kept share. */
  least: number;
  /** The most: its text's depth and the underset the layout lets pass, or a photo's largest picture. */
  most: number;
  /** What its text needs (lines: auto): a box shallower than this oversets (a cut story's cut). */
  natural: number;
  /** Grid lines of all that stands across the box above the body: headline group, 编者按, table. */
  headLines: number;
  /** Grid lines of the headline group alone (引题, 主题, 副题): what 撞题 and 顶题 are about. */
  headlineLines: number;
}

/** A story the plan places, with its shapes, its rank's place in the layout's order and what the rules ask about it. */
export interface Story {
  article: Article;
  /** The layout's rank index: 0 the lead, louder first. */
  rank: number;
  shapes: Shape[];
  /** It has a headline: 撞题 and 顶题 are about it. */
  headed: boolean;
  /** It carries a picture: pictures are not set side by side. */
  pictured: boolean;
}

/**
 * The story's shapes on this page: every span of its rank's range that its pictures and 变栏 fit,
 * at which its text fits the type area's depth (or, for a story the desk lets be cut, its kept share).
 */
export function storyShapes(page: PagePlan, a: Article, rank: number, settings: PlanSettings, fonts: FontRegistry, set: ArticleSetter, memo: LineMemo): Story {
  const t = page.template;
  const g = page.geometry;
  const [fewest, most] = settings.spans.get(t.ranks[rank].name)!;
  const shapes: Shape[] = [];
  for (let span = fewest; span <= Math.min(most, g.columns); span++) {
    if ((a.columns ?? 1) > span || a.pictures.some((p) => p.place.column + p.place.span - 1 > span)) continue;
    const shape = shapeAt(page, a, span, settings, fonts, set, memo);
    if (shape) shapes.push(shape);
  }
  return { article: a, rank, shapes, headed: a.headline !== undefined, pictured: a.pictures.length > 0 };
}

function shapeAt(page: PagePlan, a: Article, span: number, settings: PlanSettings, fonts: FontRegistry, set: ArticleSetter, memo: LineMemo): Shape | undefined {
  const g = page.geometry;
  const t = page.template;
  const spec = { column: 1, span, line: 1, lines: 'auto' as const };
  // The story alone on the page: the sizes its rank gives its headline group at this width.
  const alone: IssuePlan = { pages: [page], threads: [{ article: a, parts: [{ plan: page, spec, pos: a.pos }] }], boxes: new Map() };
  const sizes = headSizes(alone, fonts).get(a)!;
  // The body's columns keep their measure at every span: its paragraphs are broken once, at the first span.
  const setAt = (depth: number, auto: boolean, story = a) => set({ ...setContext(fonts, t, g.pitch), memo }, story, g, [{ page: page.page.number, span, depth, auto }], sizes);
  // Only a 编者按 or a table stands across the box beside the headline group: without them the head is the headline group.
  const headlineAlone = (full: ArticleSetting) =>
    !a.headline ? 0 : a.note || a.table ? setAt(g.lines, true, { ...a, kind: 'story', note: undefined, table: undefined, briefs: undefined, body: [], pictures: [] }).parts[0].copyfit.headLines : full.parts[0].copyfit.headLines;
  if (a.kind === 'photo') {
    const full = setAt(g.lines, false);
    const headlineLines = headlineAlone(full);
    const picture = full.parts[0].frames[0];
    if (!picture || full.overset.length) return undefined;
    // Headline and caption take what they take; the picture takes the rest, within its aspect.
    const furniture = g.lines - Math.round(picture.height / g.pitch);
    const width = spanWidth(g, span);
    const least = furniture + Math.ceil((settings.photoAspect[0] * width) / g.pitch);
    const most = Math.min(g.lines, furniture + Math.floor((settings.photoAspect[1] * width) / g.pitch));
    return least <= most ? { span, least, most, natural: least, headLines: full.parts[0].copyfit.headLines, headlineLines } : undefined;
  }
  const setting = setAt(g.lines, true);
  const headlineLines = headlineAlone(setting);
  const part = setting.parts[0];
  const natural = part.depth;
  const overset = setting.overset.length > 0 || setting.unfit.length > 0;
  if (overset && !a.cut) return undefined;
  const headLines = part.copyfit.headLines;
  const least = a.cut ? headLines + Math.ceil((natural - headLines) * CUT_KEEP) : natural;
  return { span, least, most: Math.min(g.lines, natural + t.copyfit.undersetLines), natural, headLines, headlineLines };
}
