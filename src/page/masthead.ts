import type { Issue, Page } from '../issue/types.js';
import { lineTop, spanWidth, type Geometry } from '../layout/template.js';
import { chineseDate } from './folio.js';
import { naturalWidth, unfit, within, type Unfit } from './fit.js';
import { EM_ASCENT, placeLine, type SetContext } from './rows.js';
import type { PlacedGlyph, PlacedRule } from './types.js';

/** Gap between the paper's name and its ear, and the step between the ear's lines, in em of the info size. */
const EAR_GAP = 1.5;
const INFO_STEP = 1.6;
/** Air inside the 导读 box, in em of the info size. */
const EAR_INSET = 0.5;

/** What an announced story reads as in the ear: its headline as one line, and the page it opens on. */
export interface Teaser {
  headline: string;
  page: number;
}

/**
 * 报头: the paper's name set large at the left of the masthead lines, and beside it the ear (报眼):
 * the date and weekday, 期号, the serial number and 邮发代号 where the issue gives them, the
 * number of pages today and the page's own number and name, then, boxed under them, the 导读 that
 * announce stories inside with their pages; over a double rule that closes the masthead off from
 * the news. It takes the layout's masthead columns; an 报眼 story may stand in the rest.
 */
export function composeMasthead(ctx: SetContext, g: Geometry, issue: Issue, page: Page, teasers: readonly Teaser[]): { glyphs: PlacedGlyph[]; rules: PlacedRule[]; overset: Unfit[] } {
  const st = ctx.template.styles;
  const { lines, columns, teaser: pattern } = ctx.template.masthead;
  // Beside an 报眼 the double rule runs on to the far side of the column rule in the gutter, so the two meet.
  const right = columns < g.columns ? g.typeLeft + spanWidth(g, columns) + g.gutter / 2 + ctx.template.rules.article / 2 : g.typeLeft + g.typeWidth;
  const glyphs: PlacedGlyph[] = [];
  const place = (text: string, font: string, size: number, x: number, baseline: number, anchor: 'start' | 'end') => placeLine(ctx, glyphs, text, font, size, x, baseline, anchor);
  // The name's em box sits centred in the masthead lines above the rules' line.
  const name = st['masthead-name'];
  const areaTop = lineTop(g, 0);
  const areaHeight = (lines - 1) * g.pitch;
  const earRight = g.typeLeft + spanWidth(g, columns);
  const overset: Unfit[] = [];
  // A name wider than the masthead's columns would run over the 报眼 or off the trim: it is the desk's to shorten.
  const naturalName = naturalWidth(ctx, issue.paper, name.font, name.size);
  const nameFits = within(naturalName, earRight - g.typeLeft);
  if (!nameFits) overset.push(unfit("masthead's paper name", issue.paper, naturalName, earRight - g.typeLeft, 'pt', 'shorten it, or give the masthead more columns', page.pos));
  const nameWidth = nameFits ? place(issue.paper, name.font, name.size, g.typeLeft, areaTop + (areaHeight - name.size) / 2 + EM_ASCENT * name.size, 'start') : 0;
  const ink = ctx.template.masthead.ink;
  if (ink) for (const gl of glyphs) gl.ink = ink;

  const info = st['masthead-info'];
  const earLeft = g.typeLeft + nameWidth + EAR_GAP * info.size;
  const dateBlock = [
    chineseDate(issue.date),
    ...(issue.edition !== undefined ? [`第${issue.edition}期`] : []),
    ...(issue.serial !== undefined ? [`国内统一连续出版物号 ${issue.serial}`] : []),
    ...(issue.postalCode !== undefined ? [`邮发代号 ${issue.postalCode}`] : []),
    `今日${issue.pages.length}版`,
    `第${page.number}版　${page.name}`,
    ...(page.editor !== undefined ? [`责任编辑 ${page.editor}`] : []),
  ];
  const announced = teasers.map((t) => pattern.replace('{headline}', t.headline).replace('{page}', String(t.page)));
  const step = info.size * INFO_STEP;
  // The 导读 stand in a box of their own under the date block, a step below it.
  const rows = dateBlock.length + (announced.length ? announced.length + 1 : 0);
  const firstBaseline = areaTop + (areaHeight - (rows - 1) * step - info.size) / 2 + EM_ASCENT * info.size;
  const fits = (text: string, room: number) => {
    const width = naturalWidth(ctx, text, info.font, info.size);
    if (within(width, room)) return true;
    overset.push(unfit("masthead's ear line", text, width, room, 'pt', 'shorten it, or give the masthead more columns', page.pos));
    return false;
  };
  dateBlock.forEach((text, i) => fits(text, earRight - earLeft) && place(text, info.font, info.size, earRight, firstBaseline + i * step, 'end'));
  const rules: PlacedRule[] = [];
  if (announced.length) {
    const inset = EAR_INSET * info.size;
    const first = firstBaseline + (dateBlock.length + 1) * step;
    const top = first - EM_ASCENT * info.size - inset;
    const bottom = first + (announced.length - 1) * step + (1 - EM_ASCENT) * info.size + inset;
    const w = ctx.template.rules.article;
    rules.push(
      // Across the corners to the sides' far edges, so the box closes.
      { x1: earLeft - w / 2, y1: top, x2: earRight + w / 2, y2: top, width: w },
      { x1: earLeft - w / 2, y1: bottom, x2: earRight + w / 2, y2: bottom, width: w },
      { x1: earLeft, y1: top - w / 2, x2: earLeft, y2: bottom + w / 2, width: w },
      { x1: earRight, y1: top - w / 2, x2: earRight, y2: bottom + w / 2, width: w },
    );
    announced.forEach((text, i) => fits(text, earRight - earLeft - 2 * inset) && place(text, info.font, info.size, earLeft + inset, first + i * step, 'start'));
  }

  const y = lineTop(g, lines) - g.pitch / 2;
  const thick = ctx.template.rules.folio;
  const thin = ctx.template.rules.article;
  rules.push({ x1: g.typeLeft, y1: y - thick, x2: right, y2: y - thick, width: thick }, { x1: g.typeLeft, y1: y + thin, x2: right, y2: y + thin, width: thin });
  return { glyphs, rules, overset };
}
