import type { Article, BodyBlock, PictureSlot, SourcePos, Table } from '../issue/types.js';
import { spanWidth, type Geometry, type Style, type StyleFrame, type Template } from '../layout/template.js';
import { balanceRows } from './flow.js';
import { fitHeadline, headlineGroup, PADDING, subheadRow, type HeadSizes } from './headline.js';
import { bodyRegions, columnsOfMeasure, textColumns, type Keepout, type Region, type TextColumns } from './regions.js';
import { blockRow, bodyRows, measureNatural, setDisplay, setLines, setNatural, type Found, type Row, type SetContext, type TextPart } from './rows.js';
import type { SetLine } from '../text/types.js';
import type { PlacedFrame, PlacedRule } from './types.js';
import { naturalWidth, settable, unfit, within, type Unfit } from './fit.js';

/** One box of an article's thread as the setter sees it: its size, never its place on the page. */
export interface PartFrame {
  page: number;
  span: number;
  /** Grid lines the part takes; for an `auto` part, the most it may grow to. */
  depth: number;
  auto: boolean;
  /** 转版题: set over a part that continues the story from another page. */
  jumpHeadline?: string;
}

/** How full one text column of a part is, in grid lines. */
export interface ColumnFill {
  available: number;
  used: number;
}

/** Copyfit figures of one part (超 / 缺). */
export interface PartCopyfit {
  /** Grid lines the headline group, 编者按 and table take across the part. */
  headLines: number;
  columns: ColumnFill[];
  /** Lines left empty under the balanced text at the foot of the part's columns (缺N行). */
  underset: number;
}

/** A row put in a part's box: its left and its top, pt from the box's top-left. */
export interface PutRow {
  row: Row;
  x: number;
  y: number;
}

/** What one part puts in its box: everything in the box's own coordinates (pt from its top-left). */
export interface SetPart {
  /** In reading order; their glyphs are made where the box stands on its page. */
  rows: PutRow[];
  rules: PlacedRule[];
  frames: PlacedFrame[];
  /** Grid lines the part takes: its depth, or what an `auto` part's content needs. */
  depth: number;
  copyfit: PartCopyfit;
}

/** An article set into the boxes of its thread, with what setting it found. */
export interface ArticleSetting {
  parts: SetPart[];
  /** Rows that did not fit the last part, in order: what the overset report counts. */
  overset: Row[];
  charactersSet: number;
  /** Picture slots that reach past the foot of the box (or follow overset text): not drawn. */
  picturesOutside: PictureSlot[];
  /** Indices of continuations the text ran out before reaching. */
  emptyParts: number[];
  /** The headline's size, pt, when it has one. */
  headlineSize?: number;
  /** Texts across the box or in a slot (table, caption, jump line) their room cannot hold: left out. */
  unfit: Unfit[];
  found: Found;
}

/** Whatever sets an article as `setArticle` does: it or a memory of its results. */
export type ArticleSetter = (ctx: SetContext, a: Article, g: Geometry, frames: PartFrame[], sizes: HeadSizes) => ArticleSetting;

/** A row set across the article's width, or a blank grid line (with a rule through it, for tables). */
interface AcrossItem {
  row?: Row;
  lines: number;
  rule?: boolean;
  /** A box closed by this rule: its sides run up this many lines, to the rule that opened it. */
  sides?: number;
}

/**
 * Sets an article into the boxes of its thread: a pure function of the article and its boxes'
 * sizes. The headline group, 编者按, table and pictures open the first part, then the body flows
 * part by part, column by column, and the last part balances. Where the next part is on another
 * page, jump lines (下转 / 上接) take a grid line at the foot of the part and at the head of the
 * next, numbered from the pages the parts stand on.
 */
export function setArticle(ctx: SetContext, a: Article, g: Geometry, frames: PartFrame[], sizes: HeadSizes): ArticleSetting {
  const st = ctx.template.styles;
  const pitch = g.pitch;
  let charactersSet = 0;
  const out: SetPart[] = frames.map((f) => ({ rows: [], rules: [], frames: [], depth: f.depth, copyfit: { headLines: 0, columns: [], underset: 0 } }));
  // How far down each part holds something: what an auto part's depth comes to.
  const reach = frames.map(() => 1);
  const put = (k: number, row: Row, x: number, line: number, counted = true) => {
    out[k].rows.push({ row, x, y: line * pitch });
    if (counted) charactersSet += row.chars;
  };
  const reaches = (k: number, l1: number) => {
    reach[k] = Math.max(reach[k], l1);
  };

  const width = spanWidth(g, frames[0].span);
  const photo = a.kind === 'photo';
  const framed = a.briefs ? st.brief : undefined;
  const cols = insetColumns(textColumns(g, frames[0].span, a.columns ?? (photo ? 1 : undefined)), width, (framed?.inset ?? 0) * (framed?.size ?? 0), g.bodySize);
  const bottom0 = frames[0].depth;
  let cursor = 0;
  // Everything across the article's width, in order: headline group, 编者按, the table between rules.
  // An item that does not fit the box is overset with all that follows; nothing is drawn past the box.
  const head = headlineGroup(ctx, a, width, sizes);
  const across: AcrossItem[] = head.rows.map((row) => ({ row, lines: row.lines }));
  if (a.note?.length) across.push(...noteItems(ctx, a.note, width));
  const unfits: Unfit[] = [];
  if (a.table) {
    const table = tableRows(ctx, a.table, width);
    if ('rows' in table) {
      across.push({ lines: 1, rule: true });
      for (const row of table.rows) across.push({ row, lines: row.lines });
      across.push({ lines: 1, rule: true });
    } else unfits.push(table);
  }
  const overset: Row[] = [];
  for (const item of across) {
    if (overset.length || cursor + item.lines > bottom0) {
      if (item.row) overset.push(item.row);
      continue;
    }
    if (item.row) put(0, item.row, 0, cursor);
    if (item.rule) out[0].rules.push({ x1: 0, y1: cursor * pitch + pitch / 2, x2: width, y2: cursor * pitch + pitch / 2, width: ctx.template.rules.article });
    if (item.sides) for (const x of [0, width]) out[0].rules.push({ x1: x, y1: (cursor - item.sides) * pitch + pitch / 2, x2: x, y2: cursor * pitch + pitch / 2, width: ctx.template.rules.article });
    cursor += item.lines;
  }
  out[0].copyfit.headLines = cursor;
  reaches(0, cursor);

  // 简报 items are kept whole in a column only where there are items enough for every column.
  const wholeItems = (a.briefs?.length ?? 0) >= cols.xs.length ? bottom0 - cursor : 0;
  const rows = photo ? captionFlow(ctx, a, cols.measure) : bodyFlow(ctx, a, cols.measure, wholeItems);
  // Pictures take whole columns and lines of the body area; their captions sit inside the slot, under the frame.
  const keepouts: Keepout[] = [];
  const picturesOutside: PictureSlot[] = [];
  const pictures = photo ? a.pictures.slice(0, 1) : a.pictures;
  const captionLines = photo ? Math.ceil(rows.reduce((n, r) => n + r.lines, 0) / cols.xs.length) : 0;
  for (const p of pictures) {
    const x0 = photo ? 0 : (p.place.column - 1) * (g.columnWidth + g.gutter);
    const slotWidth = photo ? width : spanWidth(g, p.place.span);
    const l0 = photo ? cursor : cursor + p.place.line - 1;
    // A picture story's picture takes what its caption leaves of a fixed box; in an auto box, its own lines.
    const l1 = photo && (!frames[0].auto || p.place.lines === 'bottom') ? bottom0 - captionLines : p.place.lines === 'bottom' ? bottom0 : l0 + p.place.lines;
    if (!(photo ? p.caption || a.body.length : p.caption)) {
      ctx.found.warnings.push({ code: 'picture-without-caption', text: p.source ?? 'empty frame', detail: `the picture at ${p.pos.file}:${p.pos.line}:${p.pos.column} has no caption; give it one` });
    }
    if (overset.length || l1 > bottom0 || l1 <= l0) {
      picturesOutside.push(p);
      continue;
    }
    keepouts.push({ x0, x1: x0 + slotWidth, l0, l1 });
    reaches(0, l1);
    const captionUnfit = placePicture(ctx, a.id, g, p, photo, x0, slotWidth, l0, l1, out[0].frames, (row, x, line) => put(0, row, x, line));
    if (captionUnfit) unfits.push(captionUnfit);
  }

  const regions: Region[] = [];
  const jumpHeads: { part: number; row: Row }[] = [];
  frames.forEach((f, k) => {
    let top = k === 0 ? cursor : 0;
    if (k > 0 && f.jumpHeadline) {
      const s = st['jump-headline'];
      const row = fitHeadline(ctx, [f.jumpHeadline], s.font, [s.size], spanWidth(g, f.span), { rank: '', headline: [s.size], kicker: s.size, subhead: s.size, fixed: true }).row;
      if (row.lines < f.depth) {
        jumpHeads.push({ part: k, row });
        top = row.lines;
        out[k].copyfit.headLines = top;
      }
    }
    const partCols = k === 0 ? cols : a.columns ? columnsOfMeasure(g, f.span, cols.measure) : textColumns(g, f.span);
    regions.push(...bodyRegions(k, partCols, top, f.depth, k === 0 ? keepouts : []));
  });
  const jumps = reserveJumpLines(frames, regions);

  const lastPart = frames.length - 1;
  // A head that overflows its box is overset with the whole body: the later parts are not empty
  // for want of text, so they are not reported as such.
  const headOverset = overset.length > 0;
  const flowed = headOverset ? undefined : balanceRows(rows, regions, lastPart, frames[lastPart].depth);
  for (const row of headOverset ? rows : flowed!.overset) overset.push(row);
  const filled = new Set(flowed?.placed.map((p) => p.region.part));
  const emptyParts = headOverset ? [] : frames.map((_, k) => k).filter((k) => k > 0 && !filled.has(k));
  const style = st.jump;
  const jumpLine = (j: JumpLine) => {
    const text = (j.kind === 'to' ? ctx.template.jump.to : ctx.template.jump.from).replace('{page}', String(frames[j.otherPart].page));
    const line = setNatural(ctx, text, style.font);
    if (line.width * style.size > j.measure + 1e-6) {
      // The jump line is the layout's own wording, not copy: no characters of the story are lost.
      unfits.push({ ...unfit('jump line', text, line.width * style.size, j.measure, 'pt', "shorten the layout's jump wording, or give the part a wider column"), chars: 0 });
      return;
    }
    // 下转 closes the part at the right of its last column; 上接 opens the next part at the left of its first.
    const dx = j.kind === 'to' ? j.measure - line.width * style.size : 0;
    put(j.part, bodyRows(ctx, [line], style.size, dx)[0], j.x, j.line, false);
    reaches(j.part, j.line + 1);
  };
  // In reading order within each part: its 转版题, its 上接 line, its body, its 下转 line.
  for (const h of jumpHeads) {
    put(h.part, h.row, 0, 0, false);
    reaches(h.part, h.row.lines);
  }
  const drawJumps = !emptyParts.length;
  if (drawJumps) jumps.filter((j) => j.kind === 'from').forEach(jumpLine);
  const used = new Map<Region, number>();
  for (const p of flowed?.placed ?? []) {
    put(p.region.part, p.row, p.region.x, p.line);
    used.set(p.region, Math.max(used.get(p.region) ?? p.region.top, p.line + p.row.lines));
  }
  if (drawJumps) jumps.filter((j) => j.kind === 'to').forEach(jumpLine);
  for (const r of regions) {
    const end = used.get(r);
    if (end !== undefined) reaches(r.part, end);
  }

  frames.forEach((f, k) => {
    const own = regions.filter((r) => r.part === k);
    const part = out[k];
    // An auto part is as deep as what it holds; whatever it holds, a box keeps at least one line.
    if (f.auto) part.depth = Math.min(f.depth, reach[k]);
    const columns = new Map<number, ColumnFill>();
    for (const r of own) {
      const fill = columns.get(r.column) ?? { available: 0, used: 0 };
      fill.available += Math.max(0, Math.min(r.top + r.lines, part.depth) - r.top);
      fill.used += (used.get(r) ?? r.top) - r.top;
      columns.set(r.column, fill);
    }
    part.copyfit.columns = [...columns.keys()].sort((p, q) => p - q).map((c) => columns.get(c)!);
    const feet = own.filter((r) => r.top + r.lines === f.depth);
    if (k === lastPart && feet.length && !overset.length) part.copyfit.underset = Math.min(...feet.map((r) => part.depth - (used.get(r) ?? r.top)));
  });
  if (framed?.frame) out[0].rules.push(...frameRules(framed.frame, width, out[0].depth * pitch, ctx.template.rules.article));

  return { parts: out, overset, charactersSet, picturesOutside, emptyParts, headlineSize: head.size, unfit: unfits, found: ctx.found };
}

interface JumpLine {
  kind: 'to' | 'from';
  part: number;
  otherPart: number;
  x: number;
  measure: number;
  line: number;
}

/**
 * Takes a grid line for each jump: the last line of a part's last column for 下转, the first line
 * of the next part's first column for 上接. Parts on one page follow each other without jump lines.
 */
function reserveJumpLines(frames: PartFrame[], regions: Region[]): JumpLine[] {
  const jumps: JumpLine[] = [];
  for (let k = 0; k + 1 < frames.length; k++) {
    if (frames[k].page === frames[k + 1].page) continue;
    const own = regions.filter((s) => s.part === k && s.lines > 1);
    const foot = own.reduce<Region | undefined>((best, s) => (!best || s.x > best.x || (s.x === best.x && s.top > best.top) ? s : best), undefined);
    if (foot) {
      foot.lines -= 1;
      jumps.push({ kind: 'to', part: k, otherPart: k + 1, x: foot.x, measure: foot.measure, line: foot.top + foot.lines });
    }
    const head = regions.find((s) => s.part === k + 1 && s.lines > 1);
    if (head) {
      jumps.push({ kind: 'from', part: k + 1, otherPart: k, x: head.x, measure: head.measure, line: head.top });
      head.top += 1;
      head.lines -= 1;
    }
  }
  return jumps;
}

/** Space between a table's columns, 字 of its size. */
const TABLE_GAP = { least: 2, most: 4 };

/**
 * The table's cells, each column as wide as its widest cell, the whole centred in the article's
 * width; a table that is wider than the article with its columns at their closest is left out.
 */
function tableRows(ctx: SetContext, table: Table, width: number): { rows: Row[] } | Unfit {
  const s = ctx.template.styles.table;
  const fontOf = (c: number) => (c === 0 ? (s.labelFont ?? s.font) : s.font);
  const cells = table.rows.map((r) => r.map((cell, c) => setNatural(ctx, cell, fontOf(c), 'table')));
  // Loops, not spreads: a table may have more rows than a call has room for arguments.
  let cols = 0;
  for (const r of table.rows) cols = Math.max(cols, r.length);
  const widths = new Array<number>(cols).fill(0);
  for (const r of cells) r.forEach((cell, c) => (widths[c] = Math.max(widths[c], cell.width * s.size)));
  // Columns two 字 apart at the least; a wide article spreads them up to four, so the table spans
  // its width rather than standing in a pool of white.
  const content = widths.reduce((a, b) => a + b, 0);
  const least = content + (cols - 1) * TABLE_GAP.least * s.size;
  if (least > width + 1e-6) {
    const widest = table.rows.reduce((w, r) => (settable(r.join('')) > settable(w.join('')) ? r : w));
    return { ...unfit('table', widest.join(' '), least, width, 'pt', 'shorten its cells, or give the article more columns', table.pos), chars: settable(table.rows.flat().join('')) };
  }
  const spare = cols > 1 ? (width - 2 * s.size - content) / (cols - 1) : 0;
  const gap = Math.min(TABLE_GAP.most * s.size, Math.max(TABLE_GAP.least * s.size, spare));
  const xs: number[] = [];
  for (let c = 0, x = 0; c < cols; x += widths[c] + gap, c++) xs.push(x);
  const dx = Math.max(0, (width - (xs[cols - 1] + widths[cols - 1])) / 2);
  return {
    rows: cells.map((r) => {
      const glyphs = r.flatMap((cell, c) => cell.glyphs.map((gl) => ({ ...gl, x: gl.x + (dx + xs[c]) / s.size })));
      return blockRow(ctx, [{ glyphs, width, last: true }], s.size, 0);
    }),
  };
}

/**
 * The picture fills its slot above its caption and credit; in a picture story the caption is the
 * story's text, set under the slot, so the frame takes the whole slot.
 */
function placePicture(
  ctx: SetContext,
  article: string,
  g: Geometry,
  p: PictureSlot,
  photo: boolean,
  x: number,
  width: number,
  l0: number,
  l1: number,
  frames: PlacedFrame[],
  put: (row: Row, x: number, line: number) => void,
): Unfit | undefined {
  const st = ctx.template.styles;
  const captionRows: Row[] = [];
  if (!photo && p.caption) captionRows.push(...bodyRows(ctx, setDisplay(ctx, p.caption, st.caption.font, { measure: width, size: st.caption.size, align: 'start', style: 'caption' }), st.caption.size));
  if (!photo && p.credit) {
    const credit = setLines(ctx, [{ text: p.credit, font: st.credit.font }], { measure: width, size: st.credit.size, align: 'start', style: 'credit' });
    const w = credit[credit.length - 1]?.width ?? 0;
    captionRows.push(...bodyRows(ctx, credit, st.credit.size, Math.max(0, width - w * st.credit.size)));
  }
  // The frame keeps a line at the least; a caption longer than the rest of the slot would print over the text under it.
  const room = l1 - l0 - 1;
  const captionUnfit = captionRows.length > room ? unfit('caption', [p.caption, p.credit].filter(Boolean).join(' '), captionRows.length, room, 'lines', 'shorten it, or give the picture more lines', p.pos) : undefined;
  if (captionUnfit) captionRows.length = 0;
  const frameLines = Math.max(1, l1 - l0 - captionRows.length);
  // The picture keeps 0.15 of a line clear above and below, so it never meets the em boxes of the text beside it.
  const frame: PlacedFrame = { x, y: l0 * g.pitch + g.pitch * PICTURE_CLEARANCE, width, height: frameLines * g.pitch - g.pitch * 2 * PICTURE_CLEARANCE, lineWidth: 0.5 };
  if (p.source) frame.picture = { source: p.source, crop: p.crop, pos: p.pos, article };
  frames.push(frame);
  captionRows.forEach((row, i) => put(row, x, l0 + frameLines + i));
  return captionUnfit;
}

/** Grid lines a picture keeps clear above and below its frame. */
const PICTURE_CLEARANCE = 0.15;

/** 图说: a picture story's text under its picture: its byline, the picture's caption, the body, and the credit at the end. */
function captionFlow(ctx: SetContext, a: Article, measure: number): Row[] {
  const s = ctx.template.styles['photo-caption'];
  const credit = a.pictures[0]?.credit;
  const texts = [...(a.pictures[0]?.caption ? [a.pictures[0].caption] : []), ...a.body.map((b) => (b.kind === 'bullets' ? b.items.join('') : b.text))];
  const st = ctx.template.styles;
  const rows: Row[] = a.byline ? bylineRows(ctx, a.byline, measure) : [];
  texts.forEach((text, i) => {
    const parts: TextPart[] = [{ text, font: s.font }];
    if (credit && i === texts.length - 1) parts.push({ text: `（${credit}）`, font: st.credit.font });
    rows.push(...bodyRows(ctx, setLines(ctx, parts, { measure, size: s.size, indent: s.indent, align: 'justify', style: 'photo-caption' }), s.size));
  });
  return rows;
}

/** A byline on a line of its own, in its style. */
function bylineRows(ctx: SetContext, byline: string, measure: number): Row[] {
  const s = ctx.template.styles.byline;
  return bodyRows(ctx, setLines(ctx, [{ text: byline, font: s.font }], { measure, size: s.size, align: 'start', style: 'byline' }), s.size);
}

/** A lead-in or byline run into its paragraph: one that ends in no mark (a dateline, 电头) is parted from the text by an em of space, as in print. */
const runIn = (text: string) => (/[\p{P}]$/u.test(text) ? text : `${text}\u3000`);

/** The body's rows; a 简报 item of at most `wholeItems` lines is kept whole (0: none is). */
function bodyFlow(ctx: SetContext, a: Article, measure: number, wholeItems: number): Row[] {
  const st = ctx.template.styles;
  const body = st.body;
  const rows: Row[] = [];
  let blocks = a.body;
  const first = blocks[0];
  // 本报讯（记者 X）opens the first paragraph in the byline's face; before a lead-in or a jump line it stands on its own line.
  if (a.byline && first?.kind === 'paragraph' && !first.lead && !typedJump(ctx, first.text)) {
    const parts = [{ text: runIn(a.byline), font: st.byline.font }, { text: first.text, font: body.font }];
    rows.push(...sourced(bodyRows(ctx, setLines(ctx, parts, { measure, size: body.size, indent: body.indent, align: 'justify', style: 'body' }), body.size), first.pos));
    blocks = blocks.slice(1);
  } else if (a.byline) rows.push(...bylineRows(ctx, a.byline, measure));
  for (const b of blocks) rows.push(...sourced(blockRows(ctx, b, measure, body), b.pos));
  for (const item of a.briefs ?? []) rows.push(...briefRows(ctx, item, measure, wholeItems));
  return rows;
}

/** Rows marked with the block of the file they were set from: made for that block alone, they are marked in place, not copied. */
const sourced = (rows: Row[], pos: SourcePos): Row[] => {
  for (const r of rows) r.source = pos;
  return rows;
};

/** The credit closing a 简报 item, （记者 周松）. */
const BRIEF_CREDIT = /（[^（）]+）$/u;

/**
 * One 简报 item: its marker, its text, and its credit whole at its end, on the item's last line
 * where it fits there, else flush right on a line of its own. An item of at most `wholeLines`
 * lines is one row, so make-up keeps it whole in one column.
 */
function briefRows(ctx: SetContext, item: string, measure: number, wholeLines: number): Row[] {
  const s = ctx.template.styles.brief;
  const set = (c: SetContext, text: string) =>
    setLines(c, [...(s.marker ? [{ text: s.marker, font: s.font }] : []), { text, font: s.font }], { measure, size: s.size, indent: s.indent, align: 'justify', style: 'brief' });
  // Set first on trial: when the credit breaks, that setting is dropped and what it found with it.
  const trial: SetContext = { ...ctx, found: { missing: [], warnings: [] } };
  const whole = set(trial, item);
  const credit = BRIEF_CREDIT.exec(item)?.[0];
  let rows: Row[];
  if (!credit || endsWithWhole(whole, credit)) {
    ctx.found.missing.push(...trial.found.missing);
    ctx.found.warnings.push(...trial.found.warnings);
    rows = bodyRows(ctx, whole, s.size);
  } else {
    const creditWidth = measureNatural(trial, credit, s.font);
    // A credit longer than the column wraps as text does rather than starting left of it.
    const creditRows = creditWidth * s.size > measure + 1e-6 ? bodyRows(ctx, setLines(ctx, [{ text: credit, font: s.font }], { measure, size: s.size, align: 'start', style: 'brief' }), s.size) : bodyRows(ctx, [setNatural(ctx, credit, s.font)], s.size, measure - creditWidth * s.size);
    rows = [...bodyRows(ctx, set(ctx, item.slice(0, -credit.length)), s.size), ...creditRows];
  }
  return rows.length <= wholeLines ? [wholeRow(ctx, rows)] : rows;
}

/** The last line holds all of `text` (spaces are not set as glyphs). */
const endsWithWhole = (lines: SetLine[], text: string) => (lines[lines.length - 1]?.glyphs.map((gl) => gl.ch).join('') ?? '').endsWith(text.replace(/\s/g, ''));

/** Rows of one grid line each made one row, which make-up moves on whole rather than split. */
function wholeRow(ctx: SetContext, rows: Row[]): Row {
  return {
    lines: rows.length,
    chars: rows.reduce((n, r) => n + r.chars, 0),
    keepWithNext: false,
    set: rows.flatMap((r, i) => r.set.map((rl) => ({ ...rl, dy: rl.dy + i * ctx.pitch }))),
  };
}

/** 编者按: its paragraphs inside the style's inset, in a box or between rules where the layout frames it, one line clear under it. */
function noteItems(ctx: SetContext, note: string[], width: number): AcrossItem[] {
  const s = ctx.template.styles.note;
  const inset = s.inset * s.size;
  const items: AcrossItem[] = note.flatMap((text, i) => {
    const parts: TextPart[] = i === 0 && s.label ? [{ text: s.label, font: s.labelFont ?? s.font }, { text, font: s.font }] : [{ text, font: s.font }];
    return bodyRows(ctx, setLines(ctx, parts, { measure: width - 2 * inset, size: s.size, indent: s.indent, align: 'justify', style: 'note' }), s.size, inset).map((row) => ({ row, lines: 1 }));
  });
  if (!s.frame) return [...items, { lines: 1 }];
  // The closing rule takes the line that would stand clear under an unframed note.
  return [{ lines: 1, rule: true }, ...items, { lines: 1, rule: true, sides: s.frame === 'box' ? items.length + 1 : undefined }];
}

/**
 * Text columns kept `inset` pt off both sides of the article, as a box around them needs: each
 * column gives up the whole 字 it must, and what is left over widens the gutters.
 */
function insetColumns(cols: TextColumns, width: number, inset: number, em: number): TextColumns {
  if (!inset) return cols;
  const n = cols.xs.length;
  const measure = cols.measure - Math.ceil((2 * inset) / n / em - 1e-9) * em;
  if (n === 1) return { measure, xs: [(width - measure) / 2] };
  const gutter = (width - 2 * inset - n * measure) / (n - 1);
  return { measure, xs: cols.xs.map((_, c) => inset + c * (measure + gutter)) };
}

/** A framed group's rules, pt in its box: a box round it, or a rule above and below, inside the box's edges. */
function frameRules(frame: StyleFrame, width: number, height: number, lineWidth: number): PlacedRule[] {
  const e = lineWidth / 2;
  const across = [e, height - e].map((y) => ({ x1: 0, y1: y, x2: width, y2: y, width: lineWidth }));
  if (frame === 'rule') return across;
  return [...across, ...[e, width - e].map((x) => ({ x1: x, y1: 0, x2: x, y2: height, width: lineWidth }))];
}

/** Per layout, its jump lines' wording as a pattern: made once, not for every paragraph. */
const jumpPatterns = new WeakMap<Template, RegExp>();

/** A jump line typed in the copy (the seed's own （上接1版）): set like a generated one. */
function typedJump(ctx: SetContext, text: string): boolean {
  let pattern = jumpPatterns.get(ctx.template);
  if (!pattern) {
    const { to, from } = ctx.template.jump;
    const wording = (t: string) => t.split('{page}').map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\d+');
    pattern = new RegExp(`^(?:${wording(from)}|${wording(to)})$`);
    jumpPatterns.set(ctx.template, pattern);
  }
  return pattern.test(text);
}

function blockRows(ctx: SetContext, b: BodyBlock, measure: number, body: Style): Row[] {
  const st = ctx.template.styles;
  switch (b.kind) {
    case 'paragraph': {
      if (!b.lead && typedJump(ctx, b.text)) return bodyRows(ctx, [setNatural(ctx, b.text, st.jump.font)], st.jump.size);
      if (!b.lead) return bodyRows(ctx, setLines(ctx, [{ text: b.text, font: body.font }], { measure, size: body.size, indent: body.indent, align: 'justify', style: 'body' }), body.size);
      const lead: TextPart = { text: runIn(b.lead), font: st.lead.font };
      const parts = [lead, { text: b.text, font: body.font }];
      // 凸排: the lead-in hangs at the column edge and the rest of the paragraph aligns after it.
      // A lead-in wider than half the column would leave the rest a sliver beside it: it runs in instead.
      const room = measure / body.size;
      const hangWidth = b.hang ? [...lead.text].reduce((w, ch) => w + ctx.fonts.advance(ctx.fonts.faceOf(st.lead.font), ch.codePointAt(0)!), 0) : 0;
      const hang = hangWidth <= room / 2 ? hangWidth : 0;
      // A 电头 that the first line's indent would break, but the whole measure holds, opens its paragraph flush.
      // Measured apart from the setting, so a character no font has is reported once, by the setting.
      const leadWidth = naturalWidth(ctx, b.lead, st.lead.font, body.size, 'lead');
      const indent = hang > 0 || (!within(leadWidth, measure - body.indent * body.size) && within(leadWidth, measure)) ? 0 : body.indent;
      return bodyRows(ctx, setLines(ctx, parts, { measure, size: body.size, indent, hang: Math.ceil(hang), align: 'justify', style: 'body' }), body.size);
    }
    case 'subhead': {
      const s = st.section;
      return [{ ...subheadRow(ctx, b.text, s.font, s.size, measure, PADDING.section), keepWithNext: true }];
    }
    case 'bullets': {
      const s = st.bullet;
      const rows: Row[] = [];
      for (const item of b.items) {
        const lines = setLines(ctx, [{ text: item, font: s.font }], { measure, size: s.size, indent: 1, hang: 1, align: 'justify', style: 'bullet' });
        const itemRows = bodyRows(ctx, lines, s.size);
        if (s.marker && itemRows.length) {
          const marker = setNatural(ctx, s.marker, s.font);
          const drawn = bodyRows(ctx, [marker], s.size)[0].set;
          if (s.markerText !== undefined) for (const rl of drawn) rl.actualText = s.markerText;
          itemRows[0].set.unshift(...drawn);
          itemRows[0].chars += marker.glyphs.length;
        }
        rows.push(...itemRows);
      }
      return rows;
    }
  }
}
