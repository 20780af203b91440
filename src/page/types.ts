import type { GlyphForm } from '../text/types.js';
import type { AdSource, Crop, SourcePos } from '../issue/types.js';
import type { Geometry, Template } from '../layout/template.js';

/** Process inks in percent: cyan, magenta, yellow, black. */
export type Ink = readonly [number, number, number, number];

/** A glyph at its final place: x of its drawing origin and y of its baseline, pt from the page's top-left. */
export interface PlacedGlyph {
  ch: string;
  face: string;
  size: number;
  x: number;
  y: number;
  fullWidth: boolean;
  /** Drawn in its half-width form (hwid): a digit on the character grid. */
  halfWidth?: boolean;
  /** A colour other than process black: the masthead's red. */
  ink?: Ink;
  /** The text this glyph stands for when copied from the page, where that is not `ch` (a list marker). */
  actualText?: string;
  /** The body block (paragraph, subhead, 要点) of the issue or story file it was set from: what the preview points the desk to. */
  source?: SourcePos;
}

/** The form a placed glyph is drawn in, from what composition decided of it. */
export const formOf = (g: PlacedGlyph): GlyphForm => (g.fullWidth ? 'fwid' : g.halfWidth ? 'hwid' : undefined);

export interface PlacedRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
}

/** A picture slot's rectangle: the picture fills it, or, without one, its frame is drawn. */
export interface PlacedFrame {
  x: number;
  y: number;
  width: number;
  height: number;
  lineWidth: number;
  picture?: { source: string; crop?: Crop; pos: SourcePos; article: string };
}

export interface ArticleBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** 广告位 / 预留: space the page keeps for others; proofs frame it, the print PDF leaves it empty or places the ad it names. */
export interface PlacedSpace {
  kind: 'ad' | 'reserved';
  label?: string;
  /** The advertiser's PDF placed into it. */
  ad?: AdSource;
  /** Where the issue declares the space. */
  pos: SourcePos;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A white rectangle of the type area (开天窗), columns and grid lines 1-based and inclusive. */
export interface Hole {
  columns: [number, number];
  lines: [number, number];
}

export interface ComposedPage {
  number: number;
  name: string;
  /** 头版: the masthead takes the head of the type area. */
  masthead: boolean;
  template: Template;
  geometry: Geometry;
  /** In reading order: article by article, column by column. */
  glyphs: PlacedGlyph[];
  rules: PlacedRule[];
  frames: PlacedFrame[];
  boxes: ArticleBox[];
  spaces: PlacedSpace[];
  holes: Hole[];
}

export type FindingCode = 'overset' | 'underset' | 'hole' | 'picture-outside-box' | 'low-resolution' | 'missing-glyph' | 'glyph-fallback' | 'loose-line' | 'forced-break' | 'font-substituted' | 'headline-too-long' | 'subhead-too-long' | 'picture-without-caption' | 'ad-preflight' | 'ad-size' | 'ad-proof';

/** Something the desk must hear about; blocking findings make the run exit 1. */
export interface Finding {
  code: FindingCode;
  blocking: boolean;
  page?: number;
  article?: string;
  /** Where in the issue (or story) file the desk can act on it. */
  pos?: SourcePos;
  /** The finding's figures, for the pipeline to read without parsing the message: characters, lines, columns. */
  figures?: Record<string, number>;
  message: string;
}

/** One box of an article as make-up settled it, with how full it is. */
export interface PartReport {
  page: number;
  /** The box on the grid, 1-based: where an auto or `below` box came to stand. */
  place: { column: number; span: number; line: number; lines: number };
  /** Grid lines the headline group (and 编者按, table, 转版题) takes across the box. */
  headLines: number;
  /** Per text column: grid lines available to the body and used by it. */
  columns: { available: number; used: number }[];
  /** Lines left empty at the foot of the columns after balancing (缺N行). */
  underset: number;
}

export interface ArticleReport {
  id: string;
  pages: number[];
  /** The rank its headline group was sized by, and the headline's size, pt. */
  rank: string;
  headlineSize?: number;
  charactersSet: number;
  oversetCharacters: number;
  oversetLines: number;
  /** The last part's underset: the lines the box could lose. */
  underset: number;
  parts: PartReport[];
}

export interface Composition {
  pages: ComposedPage[];
  articles: ArticleReport[];
  findings: Finding[];
}
