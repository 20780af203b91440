import type { Issue, Page } from '../issue/types.js';
import type { Geometry } from '../layout/template.js';
import { naturalWidth, unfit, within, type Unfit } from './fit.js';
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
/** The least space between the folio's three groups, in em of the folio size. */
const FOLIO_GAP = 1;

/** One of the folio's groups as it will stand: its text, its anchor, and the stretch it takes. */
interface Group {
  text: string;
  font: string;
  size: number;
  x: number;
  anchor: 'start' | 'centre' | 'end';
  x0: number;
  x1: number;
}

const REMEDY = 'shorten it, or give the folio a smaller size in the layout';

/**
 * 报眉: the page number and 版名 at the left, the paper in the middle, date and 责任编辑 at the
 * right, over a rule that closes the type area at the top. The only text outside the type area.
 * Each group keeps to the type area's width and clear of the others; one that cannot is left out
 * and reported (the paper first claims the middle, then the left group, then the right).
 */
export function composeFolio(ctx: SetContext, g: Geometry, issue: Issue, page: Page): { glyphs: PlacedGlyph[]; rules: PlacedRule[]; overset: Unfit[] } {
  const st = ctx.template.styles;
  const size = st.folio.size;
  const gap = FOLIO_GAP * size;
  const baseline = g.typeTop - FOLIO_RAISE * size - ctx.template.rules.folio;
  const glyphs: PlacedGlyph[] = [];
  const overset: Unfit[] = [];
  const left = g.typeLeft;
  const right = g.typeLeft + g.typeWidth;
  /** The group at x by its anchor when it stands between `from` and `to`, else reported as left out. */
  const fitted = (what: string, text: string, font: string, fontSize: number, x: number, anchor: Group['anchor'], from: number, to: number, reported = text): Group | undefined => {
    const width = naturalWidth(ctx, text, font, fontSize);
    const x0 = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
    if (x0 >= from - 1e-6 && within(x0 + width, to)) return { text, font, size: fontSize, x, anchor, x0, x1: x0 + width };
    overset.push(unfit(what, reported, width, anchor === 'centre' ? to - from : anchor === 'end' ? x - from : to - x, 'pt', REMEDY, page.pos));
    return undefined;
  };
  const number = fitted("folio's page number", String(page.number), st['folio-number'].font, st['folio-number'].size, left, 'start', left, right);
  const nameX = (number?.x1 ?? left) + size;
  const paper = fitted("folio's paper name", issue.paper, st.folio.font, size, left + g.typeWidth / 2, 'centre', nameX, right);
  const name = fitted("folio's page name", page.name, st.folio.font, size, nameX, 'start', nameX, paper ? paper.x0 - gap : right);
  const from = Math.max(paper?.x1 ?? 0, name?.x1 ?? 0, number?.x1 ?? 0) + gap;
  const date = chineseDate(issue.date);
  // With an editor too long for the room, the date stands alone and the editor is reported.
  const dated = (page.editor !== undefined ? fitted("folio's editor", `${date}　责任编辑 ${page.editor}`, st.folio.font, size, right, 'end', from, right, page.editor) : undefined) ?? fitted("folio's date", date, st.folio.font, size, right, 'end', from, right);
  for (const gr of [number, name, paper, dated]) if (gr) placeLine(ctx, glyphs, gr.text, gr.font, gr.size, gr.x, baseline, gr.anchor);
  const y = g.typeTop - ctx.template.rules.folio / 2 - 0.25 * size;
  return { glyphs, rules: [{ x1: left, y1: y, x2: right, y2: y, width: ctx.template.rules.folio }], overset };
}
