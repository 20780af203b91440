import type { Crop, SourcePos } from '../issue/types.js';
import type { Geometry, Template } from '../layout/template.js';

/** A glyph at its final place: x of its drawing origin and y of its baseline, pt from the page's top-left. */
export interface PlacedGlyph {
  ch: string;
  face: string;
  size: number;
  x: number;
  y: number;
  fullWidth: boolean;
}

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
}

export type FindingCode = 'overset' | 'picture-outside-box' | 'low-resolution' | 'missing-glyph' | 'glyph-fallback' | 'loose-line' | 'forced-break' | 'font-substituted' | 'headline-too-long';

/** Something the desk must hear about; blocking findings make the run exit 1. */
export interface Finding {
  code: FindingCode;
  blocking: boolean;
  page?: number;
  article?: string;
  message: string;
}

export interface ArticleReport {
  id: string;
  pages: number[];
  charactersSet: number;
  oversetCharacters: number;
  oversetLines: number;
}

export interface Composition {
  pages: ComposedPage[];
  articles: ArticleReport[];
  findings: Finding[];
}
