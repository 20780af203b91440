import type { Issue, Page } from '../issue/types.js';
import { lineTop, spanWidth, type Geometry } from '../layout/template.js';
import { chineseDate } from './folio.js';
import { EM_ASCENT, placeLine, type SetContext } from './rows.js';
import type { PlacedGlyph, PlacedRule } from './types.js';

/**
 * 报头: the paper's name set large at the left of the masthead lines, and at the right the date
 * and weekday, 期号, the number of pages today and the page's own number and name, over a
 * double rule that closes the masthead off from the news. It takes the layout's masthead columns;
 * an 报眼 story may stand in the rest.
 */
export function composeMasthead(ctx: SetContext, g: Geometry, issue: Issue, page: Page): { glyphs: PlacedGlyph[]; rules: PlacedRule[] } {
  const st = ctx.template.styles;
  const { lines, columns } = ctx.template.masthead;
  // Beside an 报眼 the double rule runs on to the far side of the column rule in the gutter, so the two meet.
  const right = columns < g.columns ? g.typeLeft + spanWidth(g, columns) + g.gutter / 2 + ctx.template.rules.article / 2 : g.typeLeft + g.typeWidth;
  const glyphs: PlacedGlyph[] = [];
  const place = (text: string, font: string, size: number, x: number, baseline: number, anchor: 'start' | 'end') => placeLine(ctx, glyphs, text, font, size, x, baseline, anchor);
  // The name's em box sits centred in the masthead lines above the rules' line.
  const name = st['masthead-name'];
  const areaTop = lineTop(g, 0);
  const areaHeight = (lines - 1) * g.pitch;
  place(issue.paper, name.font, name.size, g.typeLeft, areaTop + (areaHeight - name.size) / 2 + EM_ASCENT * name.size, 'start');
  const ink = ctx.template.masthead.ink;
  if (ink) for (const gl of glyphs) gl.ink = ink;

  const info = st['masthead-info'];
  const items = [chineseDate(issue.date), ...(issue.edition !== undefined ? [`第${issue.edition}期`] : []), `今日${issue.pages.length}版`, `第${page.number}版　${page.name}`];
  const step = info.size * 1.6;
  const firstBaseline = areaTop + (areaHeight - (items.length - 1) * step - info.size) / 2 + EM_ASCENT * info.size;
  items.forEach((text, i) => place(text, info.font, info.size, g.typeLeft + spanWidth(g, columns), firstBaseline + i * step, 'end'));

  const y = lineTop(g, lines) - g.pitch / 2;
  const thick = ctx.template.rules.folio;
  const thin = ctx.template.rules.article;
  return {
    glyphs,
    rules: [
      { x1: g.typeLeft, y1: y - thick, x2: right, y2: y - thick, width: thick },
      { x1: g.typeLeft, y1: y + thin, x2: right, y2: y + thin, width: thin },
    ],
  };
}
