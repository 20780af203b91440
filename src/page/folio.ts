import type { Issue, Page } from '../issue/types.js';
import type { Geometry } from '../layout/template.js';
import { placeLine, type SetContext } from './rows.js';
import type { PlacedGlyph, PlacedRule } from './types.js';

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** 2024-12-25 → 2024年12月25日 星期三 */
export function chineseDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${y}年${m}月${d}日 星期${weekday}`;
}

/** Gap between the folio's baseline and the top of the type area, in em of the folio size. */
const FOLIO_RAISE = 1.2;

/**
 * 报眉: the page number and 版名 at the left, the paper in the middle, date and 责任编辑 at the
 * right, over a rule that closes the type area at the top. The only text outside the type area.
 */
export function composeFolio(ctx: SetContext, g: Geometry, issue: Issue, page: Page): { glyphs: PlacedGlyph[]; rules: PlacedRule[] } {
  const st = ctx.template.styles;
  const baseline = g.typeTop - FOLIO_RAISE * st.folio.size - ctx.template.rules.folio;
  const glyphs: PlacedGlyph[] = [];
  const place = (text: string, font: string, size: number, x: number, anchor: 'start' | 'centre' | 'end') => placeLine(ctx, glyphs, text, font, size, x, baseline, anchor);
  const numberWidth = place(String(page.number), st['folio-number'].font, st['folio-number'].size, g.typeLeft, 'start');
  place(`${page.name}`, st.folio.font, st.folio.size, g.typeLeft + numberWidth + st.folio.size, 'start');
  place(issue.paper, st.folio.font, st.folio.size, g.typeLeft + g.typeWidth / 2, 'centre');
  const right = page.editor ? `${chineseDate(issue.date)}　责任编辑 ${page.editor}` : chineseDate(issue.date);
  place(right, st.folio.font, st.folio.size, g.typeLeft + g.typeWidth, 'end');
  const y = g.typeTop - ctx.template.rules.folio / 2 - 0.25 * st.folio.size;
  return { glyphs, rules: [{ x1: g.typeLeft, y1: y, x2: g.typeLeft + g.typeWidth, y2: y, width: ctx.template.rules.folio }] };
}
