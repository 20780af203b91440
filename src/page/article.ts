import type { Article, BodyBlock, PictureSlot } from '../issue/types.js';
import { columnX, lineTop, spanWidth, type Geometry, type Style } from '../layout/template.js';
import { balanceRows, type Slot } from './flow.js';
import { blockRow, bodyRows, setLines, setNatural, type Row, type SetContext, type TextPart } from './rows.js';
import type { ArticleBox, ArticleReport, PlacedFrame, PlacedGlyph, PlacedRule } from './types.js';

export interface PlacedArticle {
  box: ArticleBox;
  glyphs: PlacedGlyph[];
  rules: PlacedRule[];
  frames: PlacedFrame[];
  report: ArticleReport;
  /** Rows that did not fit, in order: what the overset report counts. */
  overset: Row[];
  /** Picture slots that reach past the foot of the box (or follow overset text): not drawn. */
  picturesOutside: PictureSlot[];
}

/** A row set across the article's width, or a blank grid line (with a rule through it, for tables). */
interface AcrossItem {
  row?: Row;
  lines: number;
  rule?: boolean;
}

/** Air around headline-group elements, in grid lines shared above and below. */
const PADDING = { kicker: 0.4, headline: 0.8, subhead: 0.6, section: 1 };

/** Grid lines of an article's box: [top, bottom) 0-based. */
export function boxLines(g: Geometry, a: Article): { top: number; bottom: number } {
  const top = a.place.line - 1;
  return { top, bottom: a.place.lines === 'bottom' ? g.lines : top + a.place.lines };
}

export function composeArticle(ctx: SetContext, g: Geometry, pageNumber: number, a: Article): PlacedArticle {
  const st = ctx.template.styles;
  const x0 = columnX(g, a.place.column);
  const width = spanWidth(g, a.place.span);
  const { top, bottom } = boxLines(g, a);
  const glyphs: PlacedGlyph[] = [];
  const rules: PlacedRule[] = [];
  const frames: PlacedFrame[] = [];
  let charactersSet = 0;
  let cursor = top;
  const put = (row: Row, x: number, line: number) => {
    for (const rg of row.glyphs) glyphs.push({ ch: rg.ch, face: rg.face, size: rg.size, x: x + rg.x, y: lineTop(g, line) + rg.dy, fullWidth: rg.fullWidth });
    charactersSet += row.chars;
  };
  // Everything across the article's width, in order: headline group, 编者按, the table between rules.
  // An item that does not fit the box is overset with all that follows; nothing is drawn past the box.
  const across: AcrossItem[] = headlineGroup(ctx, a, width).map((row) => ({ row, lines: row.lines }));
  if (a.note?.length) {
    const note = st.note;
    a.note.forEach((text, i) => {
      const parts: TextPart[] = i === 0 && note.label ? [{ text: note.label, font: note.labelFont ?? note.font }, { text, font: note.font }] : [{ text, font: note.font }];
      for (const row of bodyRows(ctx, setLines(ctx, parts, { measure: width, size: note.size, indent: note.indent, align: 'justify' }), note.size)) across.push({ row, lines: 1 });
    });
    across.push({ lines: 1 });
  }
  if (a.table) {
    across.push({ lines: 1, rule: true });
    for (const row of tableRows(ctx, a.table.rows, width)) across.push({ row, lines: row.lines });
    across.push({ lines: 1, rule: true });
  }
  const overset: Row[] = [];
  for (const item of across) {
    if (overset.length || cursor + item.lines > bottom) {
      if (item.row) overset.push(item.row);
      continue;
    }
    if (item.row) put(item.row, x0, cursor);
    if (item.rule) rules.push({ x1: x0, y1: lineTop(g, cursor) + g.pitch / 2, x2: x0 + width, y2: lineTop(g, cursor) + g.pitch / 2, width: ctx.template.rules.article });
    cursor += item.lines;
  }

  // Pictures take whole columns and lines of the body area; their captions sit inside the slot, under the frame.
  const busy: { c0: number; c1: number; l0: number; l1: number }[] = [];
  const picturesOutside: PictureSlot[] = [];
  for (const p of a.pictures) {
    const c0 = p.place.column - 1;
    const l0 = cursor + p.place.line - 1;
    const l1 = p.place.lines === 'bottom' ? bottom : l0 + p.place.lines;
    if (overset.length || l1 > bottom) {
      picturesOutside.push(p);
      continue;
    }
    busy.push({ c0, c1: c0 + p.place.span, l0, l1 });
    placePicture(ctx, g, p, columnX(g, a.place.column + c0), spanWidth(g, p.place.span), l0, l1, frames, put);
  }

  const slots: Slot[] = [];
  for (let c = 0; c < a.place.span; c++) {
    let from = cursor;
    const blocks = busy.filter((b) => c >= b.c0 && c < b.c1).sort((p, q) => p.l0 - q.l0);
    for (const b of blocks) {
      if (b.l0 > from) slots.push({ column: c, x: columnX(g, a.place.column + c), top: from, lines: b.l0 - from });
      from = Math.max(from, b.l1);
    }
    if (bottom > from) slots.push({ column: c, x: columnX(g, a.place.column + c), top: from, lines: bottom - from });
  }

  const rows = bodyFlow(ctx, a, g.columnWidth);
  if (overset.length) overset.push(...rows);
  else {
    const flowed = balanceRows(rows, slots, bottom);
    for (const p of flowed.placed) put(p.row, p.slot.x, p.line);
    overset.push(...flowed.overset);
  }
  const oversetCharacters = overset.reduce((n, r) => n + r.chars, 0);
  const oversetLines = overset.reduce((n, r) => n + r.lines, 0);
  return {
    box: { id: a.id, x: x0, y: lineTop(g, top), width, height: (bottom - top) * g.pitch },
    glyphs,
    rules,
    frames,
    overset,
    picturesOutside,
    report: { id: a.id, pages: [pageNumber], charactersSet, oversetCharacters, oversetLines },
  };
}

/** 引题 / 主题 / 副题 across the article's columns; the headline takes the largest 号 step that fits. */
function headlineGroup(ctx: SetContext, a: Article, width: number): Row[] {
  const st = ctx.template.styles;
  const rows: Row[] = [];
  const one = (text: string, s: Style, padding: number) =>
    rows.push(blockRow(ctx, setLines(ctx, [{ text, font: s.font }], { measure: width, size: s.size, align: 'center' }), s.size, padding));
  if (a.kicker) one(a.kicker, st.kicker, PADDING.kicker);
  if (a.headline) {
    const s = a.briefs ? st['brief-head'] : st.headline;
    rows.push(fitHeadline(ctx, a.headline, s, width));
  }
  if (a.subhead) one(a.subhead, st.subhead, PADDING.subhead);
  return rows;
}

/**
 * Tries the style's sizes from the largest: the headline as one line, else split at the desk's
 * spaces into the lines it gave, else broken by the composer at the smallest size.
 */
function fitHeadline(ctx: SetContext, headline: string[], s: Style, width: number): Row {
  const sizes = s.sizes.length ? s.sizes : [s.size];
  // Half a body character of air at either end keeps a spanning headline off the neighbours' rules.
  const measure = width - ctx.template.styles.body.size;
  const natural = (text: string, size: number) => setNatural(ctx, text, s.font, size).width;
  const candidates = headline.length > 1 ? [headline] : [headline, headline[0].split(/\s+/)];
  for (const size of sizes) {
    for (const lines of candidates) {
      if (lines.length > 2) continue;
      if (lines.every((l) => natural(l, size) * size <= measure)) {
        const set = lines.flatMap((l) => setLines(ctx, [{ text: l, font: s.font }], { measure, size, align: 'center' }));
        return blockRow(ctx, set, size, PADDING.headline, (width - measure) / 2);
      }
    }
  }
  const size = sizes[sizes.length - 1];
  const set = setLines(ctx, [{ text: headline.join(' '), font: s.font }], { measure, size, align: 'center' });
  ctx.warnings.push({ code: 'headline-too-long', text: headline.join(' '), detail: `no size fits the headline in one or two lines; set in ${set.length} lines at ${size} pt` });
  return blockRow(ctx, set, size, PADDING.headline, (width - measure) / 2);
}

/** The table's cells, each column as wide as its widest cell, the whole centred in the article's width. */
function tableRows(ctx: SetContext, rows: string[][], width: number): Row[] {
  const s = ctx.template.styles.table;
  const fontOf = (c: number) => (c === 0 ? (s.labelFont ?? s.font) : s.font);
  const cells = rows.map((r) => r.map((cell, c) => setNatural(ctx, cell, fontOf(c), s.size)));
  const cols = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: cols }, (_, c) => Math.max(...cells.map((r) => (r[c]?.width ?? 0) * s.size)));
  const gap = 2 * s.size;
  const xs = widths.map((_, c) => widths.slice(0, c).reduce((a, b) => a + b + gap, 0));
  const dx = Math.max(0, (width - (xs[cols - 1] + widths[cols - 1])) / 2);
  return cells.map((r) => {
    const glyphs = r.flatMap((cell, c) => cell.glyphs.map((gl) => ({ ...gl, x: gl.x + (dx + xs[c]) / s.size })));
    return blockRow(ctx, [{ glyphs, width, last: true }], s.size, 0);
  });
}

function placePicture(
  ctx: SetContext,
  g: Geometry,
  p: PictureSlot,
  x: number,
  width: number,
  l0: number,
  l1: number,
  frames: PlacedFrame[],
  put: (row: Row, x: number, line: number) => void,
): void {
  const st = ctx.template.styles;
  const captionRows: Row[] = [];
  if (p.caption) captionRows.push(...bodyRows(ctx, setLines(ctx, [{ text: p.caption, font: st.caption.font }], { measure: width, size: st.caption.size, align: 'justify' }), st.caption.size));
  if (p.credit) {
    const credit = setLines(ctx, [{ text: p.credit, font: st.credit.font }], { measure: width, size: st.credit.size, align: 'start' });
    const w = credit[credit.length - 1]?.width ?? 0;
    captionRows.push(...bodyRows(ctx, credit, st.credit.size, Math.max(0, width - w * st.credit.size)));
  }
  const frameLines = Math.max(1, l1 - l0 - captionRows.length);
  // The frame stops a quarter line short so its rule never touches the caption's em boxes.
  frames.push({ x, y: lineTop(g, l0) + g.pitch * 0.15, width, height: frameLines * g.pitch - g.pitch * 0.3, lineWidth: 0.5 });
  captionRows.forEach((row, i) => put(row, x, l0 + frameLines + i));
}

function bodyFlow(ctx: SetContext, a: Article, measure: number): Row[] {
  const st = ctx.template.styles;
  const body = st.body;
  const rows: Row[] = [];
  if (a.byline) rows.push(...bodyRows(ctx, setLines(ctx, [{ text: a.byline, font: st.byline.font }], { measure, size: st.byline.size, align: 'start' }), st.byline.size));
  for (const b of a.body) rows.push(...blockRows(ctx, b, measure, body));
  if (a.briefs) {
    const s = st.brief;
    for (const item of a.briefs) {
      const parts: TextPart[] = s.marker ? [{ text: s.marker, font: s.font }, { text: item, font: s.font }] : [{ text: item, font: s.font }];
      rows.push(...bodyRows(ctx, setLines(ctx, parts, { measure, size: s.size, indent: s.indent, align: 'justify' }), s.size));
    }
  }
  return rows;
}

function blockRows(ctx: SetContext, b: BodyBlock, measure: number, body: Style): Row[] {
  const st = ctx.template.styles;
  switch (b.kind) {
    case 'paragraph': {
      if (!b.lead) return bodyRows(ctx, setLines(ctx, [{ text: b.text, font: body.font }], { measure, size: body.size, indent: body.indent, align: 'justify' }), body.size);
      // A dateline (电头) ends in no mark: one em of space parts it from the story, as in print.
      const lead: TextPart = { text: /[\p{P}]$/u.test(b.lead) ? b.lead : `${b.lead}\u3000`, font: st.lead.font };
      const parts = [lead, { text: b.text, font: body.font }];
      // 凸排: the lead-in hangs at the column edge and the rest of the paragraph aligns after it.
      const hang = b.hang ? [...lead.text].reduce((w, ch) => w + ctx.fonts.advance(ctx.fonts.faceOf(st.lead.font), ch.codePointAt(0)!), 0) : 0;
      return bodyRows(ctx, setLines(ctx, parts, { measure, size: body.size, indent: b.hang ? 0 : body.indent, hang: Math.ceil(hang), align: 'justify' }), body.size);
    }
    case 'subhead': {
      const s = st.section;
      const row = blockRow(ctx, setLines(ctx, [{ text: b.text, font: s.font }], { measure, size: s.size, align: 'center' }), s.size, PADDING.section);
      return [{ ...row, keepWithNext: true }];
    }
    case 'bullets': {
      const s = st.bullet;
      const rows: Row[] = [];
      for (const item of b.items) {
        const lines = setLines(ctx, [{ text: item, font: s.font }], { measure, size: s.size, indent: 1, hang: 1, align: 'justify' });
        const itemRows = bodyRows(ctx, lines, s.size);
        if (s.marker && itemRows.length) {
          const marker = setNatural(ctx, s.marker, s.font, s.size);
          itemRows[0].glyphs.unshift(...bodyRows(ctx, [marker], s.size)[0].glyphs);
          itemRows[0].chars += marker.glyphs.length;
        }
        rows.push(...itemRows);
      }
      return rows;
    }
  }
}

