import type { Article } from '../issue/types.js';
import type { Rank } from '../layout/template.js';
import { blockRow, measureNatural, setDisplay, type Row, type SetContext } from './rows.js';

/** Air around headline-group elements, in grid lines shared above and below. */
export const PADDING = { kicker: 0.4, headline: 0.8, subhead: 0.6, section: 1 };

/** A subhead (副题, 小标题) runs to two lines at the most; a longer one is the desk's to shorten. */
const SUBHEAD_LINES = 2;

/** A subhead's row, with a warning when it takes more lines than a subhead may. */
export function subheadRow(ctx: SetContext, text: string, font: string, size: number, measure: number, padding: number): Row {
  const lines = setDisplay(ctx, text, font, { measure, size, align: 'center' });
  if (lines.length > SUBHEAD_LINES) ctx.found.warnings.push({ code: 'subhead-too-long', text, detail: `the subhead takes ${lines.length} lines at ${size} pt; a subhead takes ${SUBHEAD_LINES} at the most` });
  return blockRow(ctx, lines, size, padding);
}

/** The sizes an article's headline group may take on its page: from its rank, capped so it is never louder than a story that outranks it. */
export interface HeadSizes {
  rank: string;
  /** 主题 sizes to try, largest first, pt. */
  headline: number[];
  kicker: number;
  subhead: number;
  /** The desk fixed the size: no rank cap, no other size tried. */
  fixed: boolean;
}

/**
 * 引题 / 主题 / 副题 across the article's width; the headline takes the largest of its sizes that
 * fits. Returns the rows and the size the headline was set in.
 */
export function headlineGroup(ctx: SetContext, a: Article, width: number, sizes: HeadSizes): { rows: Row[]; size?: number } {
  const st = ctx.template.styles;
  const rows: Row[] = [];
  if (a.kicker) rows.push(blockRow(ctx, setDisplay(ctx, a.kicker, st.kicker.font, { measure: width, size: sizes.kicker, align: 'center' }), sizes.kicker, PADDING.kicker));
  let size: number | undefined;
  if (a.headline) {
    const s = a.briefs ? st['brief-head'] : st.headline;
    const fitted = fitHeadline(ctx, a.headline, s.font, a.briefs && !sizes.fixed ? [s.size] : sizes.headline, width, sizes);
    rows.push(fitted.row);
    size = fitted.size;
  }
  if (a.subhead) rows.push(subheadRow(ctx, a.subhead, st.subhead.font, sizes.subhead, width, PADDING.subhead));
  return { rows, size };
}

/** The largest size at which the headline stands in one line, or in the desk's two lines, or split at its spaces. */
export function headlineFits(ctx: SetContext, headline: string[], font: string, size: number, width: number): string[] | undefined {
  // Half a body character of air at either end keeps a spanning headline off the neighbours' rules.
  const measure = width - ctx.template.styles.body.size;
  const candidates = headline.length > 1 ? [headline] : [headline, headline[0].split(/\s+/)];
  return candidates.find((lines) => lines.length <= 2 && lines.every((l) => measureNatural(ctx, l, font) * size <= measure));
}

/**
 * Tries the sizes from the largest: the headline as one line, else in the lines the desk gave,
 * else split at its spaces; one that fits none is broken between phrases at the smallest size
 * and reported with the size used.
 */
export function fitHeadline(ctx: SetContext, headline: string[], font: string, sizes: number[], width: number, rank: HeadSizes): { row: Row; size: number } {
  const measure = width - ctx.template.styles.body.size;
  const dx = (width - measure) / 2;
  for (const size of sizes) {
    const lines = headlineFits(ctx, headline, font, size, width);
    if (lines) {
      const set = lines.flatMap((l) => setDisplay(ctx, l, font, { measure, size, align: 'center' }));
      return { row: blockRow(ctx, set, size, PADDING.headline, dx), size };
    }
  }
  const size = sizes[sizes.length - 1];
  const set = setDisplay(ctx, headline.join(' '), font, { measure, size, align: 'center' });
  const of = rank.fixed ? 'at the size the desk gave' : `at any size of rank "${rank.rank}"`;
  ctx.found.warnings.push({ code: 'headline-too-long', text: headline.join(' '), detail: `the headline fits no line ${of}; set in ${set.length} lines at ${size} pt` });
  return { row: blockRow(ctx, set, size, PADDING.headline, dx), size };
}

/** A rank's sizes no louder than `cap` (pt): the ones at or under it, else the rank's smallest. */
export function capped(rank: Rank, cap: number): HeadSizes {
  const under = rank.headline.filter((s) => s <= cap + 1e-9);
  return { rank: rank.name, headline: under.length ? under : [Math.min(...rank.headline)], kicker: rank.kicker, subhead: rank.subhead, fixed: false };
}
