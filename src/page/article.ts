import type { Article, BodyBlock, PictureSlot } from '../issue/types.js';
import { boxLines, type ArticlePart, type PagePlan, type Thread } from '../layout/resolve.js';
import { columnX, lineTop, spanWidth, type Geometry, type Style } from '../layout/template.js';
import { balanceRows, type Slot } from './flow.js';
import { blockRow, bodyRows, setLines, setNatural, type Row, type SetContext, type TextPart } from './rows.js';
import type { ArticleBox, ArticleReport, PlacedFrame, PlacedGlyph, PlacedRule } from './types.js';

/** What one part of a thread puts on its page. */
export interface PlacedPart {
  page: number;
  box: ArticleBox;
  glyphs: PlacedGlyph[];
  rules: PlacedRule[];
  frames: PlacedFrame[];
}

export interface PlacedThread {
  parts: PlacedPart[];
  report: ArticleReport;
  /** Rows that did not fit the last part, in order: what the overset report counts. */
  overset: Row[];
  /** Picture slots that reach past the foot of the box (or follow overset text): not drawn. */
  picturesOutside: PictureSlot[];
  /** Continuations the text ran out before reaching. */
  emptyParts: ArticlePart[];
}

/** A row set across the article's width, or a blank grid line (with a rule through it, for tables). */
interface AcrossItem {
  row?: Row;
  lines: number;
  rule?: boolean;
}

/** Air around headline-group elements, in grid lines shared above and below. */
const PADDING = { kicker: 0.4, headline: 0.8, subhead: 0.6, section: 1 };

/**
 * Sets an article through the parts of its thread: the headline group, 编者按, table and pictures
 * at the head of the first part, then the body flowing part by part, column by column. Where the
 * next part is on another page, jump lines (下转 / 上接) take a grid line at the foot of the part
 * and at the head of the next, numbered from the pages the parts stand on.
 */
export function composeThread(ctxOf: (plan: PagePlan) => SetContext, thread: Thread): PlacedThread {
  const { article: a, parts } = thread;
  const ctx = ctxOf(parts[0].plan);
  const st = ctx.template.styles;
  let charactersSet = 0;
  const out: PlacedPart[] = parts.map((p) => {
    const pg = p.plan.geometry;
    const box = boxLines(pg, p.place);
    return {
      page: p.plan.page.number,
      box: { id: a.id, x: columnX(pg, p.place.column), y: lineTop(pg, box.top), width: spanWidth(pg, p.place.span), height: (box.bottom - box.top) * pg.pitch },
      glyphs: [],
      rules: [],
      frames: [],
    };
  });
  const put = (k: number, row: Row, x: number, line: number, counted = true) => {
    const pg = parts[k].plan.geometry;
    for (const rg of row.glyphs) out[k].glyphs.push({ ch: rg.ch, face: rg.face, size: rg.size, x: x + rg.x, y: lineTop(pg, line) + rg.dy, fullWidth: rg.fullWidth });
    if (counted) charactersSet += row.chars;
  };

  const first = parts[0];
  const g = first.plan.geometry;
  const x0 = columnX(g, first.place.column);
  const width = spanWidth(g, first.place.span);
  const { top, bottom } = boxLines(g, first.place);
  let cursor = top;
  // Everything across the article's width, in order: headline group, 编者按, the table between rules.
  // An item that does not fit the box is overset with all that follows; nothing is drawn past the box.
  const across: AcrossItem[] = headlineGroup(ctx, a, width).map((row) => ({ row, lines: row.lines }));
  if (a.note?.length) {
    const note = st.note;
    a.note.forEach((text, i) => {
      const noteParts: TextPart[] = i === 0 && note.label ? [{ text: note.label, font: note.labelFont ?? note.font }, { text, font: note.font }] : [{ text, font: note.font }];
      for (const row of bodyRows(ctx, setLines(ctx, noteParts, { measure: width, size: note.size, indent: note.indent, align: 'justify' }), note.size)) across.push({ row, lines: 1 });
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
    if (item.row) put(0, item.row, x0, cursor);
    if (item.rule) out[0].rules.push({ x1: x0, y1: lineTop(g, cursor) + g.pitch / 2, x2: x0 + width, y2: lineTop(g, cursor) + g.pitch / 2, width: ctx.template.rules.article });
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
    placePicture(ctx, a.id, g, p, columnX(g, first.place.column + c0), spanWidth(g, p.place.span), l0, l1, out[0].frames, (row, x, line) => put(0, row, x, line));
  }

  const slots: Slot[] = [];
  parts.forEach((part, k) => {
    const pg = part.plan.geometry;
    const box = boxLines(pg, part.place);
    for (let c = 0; c < part.place.span; c++) {
      const x = columnX(pg, part.place.column + c);
      let at = k === 0 ? cursor : box.top;
      const blocks = k === 0 ? busy.filter((b) => c >= b.c0 && c < b.c1).sort((p, q) => p.l0 - q.l0) : [];
      for (const b of blocks) {
        if (b.l0 > at) slots.push({ part: k, x, top: at, lines: b.l0 - at });
        at = Math.max(at, b.l1);
      }
      if (box.bottom > at) slots.push({ part: k, x, top: at, lines: box.bottom - at });
    }
  });
  const jumps = reserveJumpLines(parts, slots);

  const rows = bodyFlow(ctx, a, g.columnWidth);
  const lastPart = parts.length - 1;
  // A head that overflows its box is overset with the whole body: the later parts are not empty
  // for want of text, so they are not reported as such.
  const headOverset = overset.length > 0;
  if (headOverset) overset.push(...rows);
  else {
    const flowed = balanceRows(rows, slots, lastPart, boxLines(parts[lastPart].plan.geometry, parts[lastPart].place).bottom);
    for (const p of flowed.placed) put(p.slot.part, p.row, p.slot.x, p.line);
    overset.push(...flowed.overset);
  }
  const emptyParts = headOverset ? [] : parts.filter((_, k) => k > 0 && out[k].glyphs.length === 0);
  if (!emptyParts.length) {
    const style = st.jump;
    for (const j of jumps) {
      const text = (j.kind === 'to' ? ctx.template.jump.to : ctx.template.jump.from).replace('{page}', String(parts[j.otherPart].plan.page.number));
      const line = setNatural(ctx, text, style.font, style.size);
      // 下转 closes the part at the right of its last column; 上接 opens the next part at the left of its first.
      const dx = j.kind === 'to' ? g.columnWidth - line.width * style.size : 0;
      put(j.part, bodyRows(ctx, [line], style.size, dx)[0], j.x, j.line, false);
    }
  }
  const oversetCharacters = overset.reduce((n, r) => n + r.chars, 0);
  const oversetLines = overset.reduce((n, r) => n + r.lines, 0);
  return {
    parts: out,
    overset,
    picturesOutside,
    emptyParts,
    report: { id: a.id, pages: [...new Set(out.map((p) => p.page))], charactersSet, oversetCharacters, oversetLines },
  };
}

interface JumpLine {
  kind: 'to' | 'from';
  part: number;
  otherPart: number;
  x: number;
  line: number;
}

/**
 * Takes a grid line for each jump: the last line of a part's last column for 下转, the first line
 * of the next part's first column for 上接. Parts on one page follow each other without jump lines.
 */
function reserveJumpLines(parts: ArticlePart[], slots: Slot[]): JumpLine[] {
  const jumps: JumpLine[] = [];
  for (let k = 0; k + 1 < parts.length; k++) {
    if (parts[k].plan.page.number === parts[k + 1].plan.page.number) continue;
    const own = slots.filter((s) => s.part === k && s.lines > 1);
    const foot = own.reduce<Slot | undefined>((best, s) => (!best || s.x > best.x || (s.x === best.x && s.top > best.top) ? s : best), undefined);
    if (foot) {
      foot.lines -= 1;
      jumps.push({ kind: 'to', part: k, otherPart: k + 1, x: foot.x, line: foot.top + foot.lines });
    }
    const head = slots.find((s) => s.part === k + 1 && s.lines > 1);
    if (head) {
      jumps.push({ kind: 'from', part: k + 1, otherPart: k, x: head.x, line: head.top });
      head.top += 1;
      head.lines -= 1;
    }
  }
  return jumps;
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
  article: string,
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
  // The picture keeps 0.15 of a line clear above and below, so it never meets the em boxes of the text beside it.
  const frame: PlacedFrame = { x, y: lineTop(g, l0) + g.pitch * 0.15, width, height: frameLines * g.pitch - g.pitch * 0.3, lineWidth: 0.5 };
  if (p.source) frame.picture = { source: p.source, crop: p.crop, pos: p.pos, article };
  frames.push(frame);
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

