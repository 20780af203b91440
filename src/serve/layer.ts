// The preview's overlay layer: what the composition knows about each page that the PDF does not
// say (the grid, article boxes and their places, copyfit, holes, where each line came from), in
// page points from the trim's top-left, as pdf.js draws the page.
import type { SourcePos } from '../issue/types.js';
import { boxLines, mastheadBox } from '../layout/resolve.js';
import { columnX, lineTop, spanWidth, type Geometry } from '../layout/template.js';
import type { ComposedIssue } from '../pipeline/compose.js';
import { EM_ASCENT } from '../page/rows.js';
import type { ArticleReport, ComposedPage, PartReport } from '../page/types.js';

/** A rectangle on the page, pt. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One box of an article's thread as make-up settled it. */
export interface LayerBox extends Rect {
  article: string;
  /** Its place in the thread: 0 is the article's own `place`, the one a drag rewrites. */
  part: number;
  place: PartReport['place'];
  /** Where the desk wrote this box: the article, or its continuation. */
  pos: SourcePos;
  /** 超N字: on the thread's last box, the characters and lines that did not fit. */
  overset?: { characters: number; lines: number };
  /** 缺N行: on the thread's last box, the lines left empty at its foot. */
  underset?: number;
}

/** A set line of body text and the block of the file it was set from. */
export interface LayerLine extends Rect {
  source: SourcePos;
}

export interface LayerPage {
  number: number;
  name: string;
  width: number;
  height: number;
  grid: { left: number; top: number; columnWidth: number; gutter: number; pitch: number; columns: number; lines: number };
  /** 报头: the head of the type area no article may enter. */
  masthead?: Rect;
  boxes: LayerBox[];
  lines: LayerLine[];
  /** Picture slots, by the article they belong to. */
  frames: (Rect & { article?: string })[];
  spaces: (Rect & { kind: 'ad' | 'reserved'; label?: string })[];
  holes: (Rect & { columns: [number, number]; lines: [number, number] })[];
}

/** The overlay layer of every page of a built issue. */
export function overlayLayer(built: ComposedIssue): LayerPage[] {
  const { composition, plan } = built;
  const reports = new Map<string, ArticleReport>(composition.articles.map((a) => [a.id, a]));
  // Make-up puts each part's box on its page in thread order: the n-th box of a page is the n-th part standing there.
  const partsOn = new Map<number, { article: string; part: number; pos: SourcePos }[]>();
  for (const thread of plan.threads) {
    thread.parts.forEach((part, k) => {
      const list = partsOn.get(part.plan.page.number) ?? [];
      list.push({ article: thread.article.id, part: k, pos: part.pos });
      partsOn.set(part.plan.page.number, list);
    });
  }
  return composition.pages.map((page) => {
    const g = page.geometry;
    const pagePlan = plan.pages.find((p) => p.page.number === page.number)!;
    const masthead = mastheadBox(pagePlan);
    const parts = partsOn.get(page.number) ?? [];
    const boxes = page.boxes.map((box, n): LayerBox => {
      const { article, part, pos } = parts[n];
      const report = reports.get(article)!;
      const last = part === report.parts.length - 1;
      return {
        article,
        part,
        x: box.x,
        y: box.y,
        width: box.width,
        height: box.height,
        place: report.parts[part].place,
        pos,
        ...(last && report.oversetCharacters > 0 ? { overset: { characters: report.oversetCharacters, lines: report.oversetLines } } : {}),
        ...(last && report.underset > 0 ? { underset: report.underset } : {}),
      };
    });
    return {
      number: page.number,
      name: page.name,
      width: g.trimWidth,
      height: g.trimHeight,
      grid: { left: g.typeLeft, top: g.typeTop, columnWidth: g.columnWidth, gutter: g.gutter, pitch: g.pitch, columns: g.columns, lines: g.lines },
      ...(masthead ? { masthead: gridRect(g, masthead.c0, masthead.c1 - masthead.c0, masthead.top, masthead.bottom) } : {}),
      boxes,
      lines: setLines(page),
      frames: page.frames.map((f) => ({ x: f.x, y: f.y, width: f.width, height: f.height, article: f.picture?.article ?? boxes.find((b) => inside(f, b))?.article })),
      spaces: pagePlan.page.spaces.map((s) => {
        const { top, bottom } = boxLines(g, s.place);
        return { kind: s.kind, label: s.label, ...gridRect(g, s.place.column, s.place.span, top, bottom) };
      }),
      holes: page.holes.map((h) => ({ columns: h.columns, lines: h.lines, ...gridRect(g, h.columns[0], h.columns[1] - h.columns[0] + 1, h.lines[0] - 1, h.lines[1]) })),
    };
  });
}

/** A box's place on the grid, whole numbers from 1, as a drag settles it. */
export interface GridBox {
  column: number;
  span: number;
  line: number;
  lines: number;
}

/**
 * The rectangle of a place on the page's grid, pt. Self-contained: the preview's script carries
 * its text, so the browser snaps a dragged box as the server checks it.
 */
export function placeRect(grid: LayerPage['grid'], place: GridBox): Rect {
  return { x: grid.left + (place.column - 1) * (grid.columnWidth + grid.gutter), y: grid.top + (place.line - 1) * grid.pitch, width: place.span * grid.columnWidth + (place.span - 1) * grid.gutter, height: place.lines * grid.pitch };
}

/**
 * Why a box of a thread may not stand at `rect` on the page as the last build settled it, or
 * null: the other boxes (its own old box left out), other articles' pictures, declared spaces and
 * the masthead are kept apart. Self-contained, as `placeRect`: the browser runs the same check
 * while the box is dragged and the server again before the file is written.
 */
export function dropRefusal(layer: LayerPage, moved: { article: string; part: number }, rect: Rect): string | null {
  // Overlaps of less than this, pt, are the rounding of the grid, not a clash.
  const touch = 0.5;
  const clash = (a: Rect, b: Rect) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > touch && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > touch;
  if (layer.masthead && clash(rect, layer.masthead)) return 'the masthead (报头) is there';
  const other = layer.boxes.find((b) => !(b.article === moved.article && b.part === moved.part) && clash(rect, b));
  if (other) return 'it would overlap article ' + other.article + (other.part ? ' (part ' + (other.part + 1) + ')' : '');
  const frame = layer.frames.find((f) => f.article !== moved.article && clash(rect, f));
  if (frame) return 'it would overlap a picture of ' + (frame.article ?? 'another article');
  const space = layer.spaces.find((s) => clash(rect, s));
  if (space) return 'it would overlap the ' + (space.kind === 'ad' ? 'ad space' : 'reserved space') + (space.label ? ' "' + space.label + '"' : '');
  return null;
}

/** Columns from `column` across `span`, grid lines [top, bottom) 0-based, in pt. */
function gridRect(g: Geometry, column: number, span: number, top: number, bottom: number): Rect {
  return { x: columnX(g, column), y: lineTop(g, top), width: spanWidth(g, span), height: (bottom - top) * g.pitch };
}

const inside = (r: Rect, box: Rect) => r.x >= box.x - 0.5 && r.y >= box.y - 0.5 && r.x + r.width <= box.x + box.width + 0.5 && r.y + r.height <= box.y + box.height + 0.5;

/**
 * The page's body lines: glyphs of one source block on one baseline, in reading order, from the
 * first glyph's em box to the last's. A glyph's advance is not kept on the page, so the last
 * takes its em (half an em for a half-width one).
 */
function setLines(page: ComposedPage): LayerLine[] {
  const lines: LayerLine[] = [];
  let open: { source: SourcePos; y: number; size: number; x0: number; x1: number } | undefined;
  const close = () => {
    if (open) lines.push({ source: open.source, x: open.x0, y: open.y - EM_ASCENT * open.size, width: open.x1 - open.x0, height: open.size });
    open = undefined;
  };
  for (const gl of page.glyphs) {
    if (!gl.source) {
      close();
      continue;
    }
    const right = gl.x + (gl.fullWidth && !gl.halfWidth ? gl.size : gl.size / 2);
    if (open && open.source === gl.source && open.y === gl.y && gl.x >= open.x0) {
      open.x1 = Math.max(open.x1, right);
      continue;
    }
    close();
    open = { source: gl.source, y: gl.y, size: gl.size, x0: gl.x, x1: right };
  }
  close();
  return lines;
}
