// The part of fontkit's API that Banmian uses; fontkit ships no type declarations.
declare module 'fontkit' {
  export interface Glyph {
    id: number;
    codePoints: number[];
    advanceWidth: number;
    /** The outline in font units, y up: what a proof draws the glyph from. */
    path: { toSVG(): string; commands: { command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath'; args: number[] }[] };
  }
  export interface Font {
    postscriptName: string;
    familyName: string;
    unitsPerEm: number;
    numGlyphs: number;
    /** 'TTF', 'WOFF', 'WOFF2'; a collection (.ttc) has `fonts` instead of glyphs. */
    type?: string;
    fonts?: Font[];
    /** The table directory: where each table lies in the file (`compLength` in a WOFF). */
    directory?: { tables: Record<string, { tag: string; offset: number; length: number; compLength?: number }> };
    characterSet: number[];
    getGlyph(id: number): Glyph;
    hasGlyphForCodePoint(codePoint: number): boolean;
    glyphForCodePoint(codePoint: number): Glyph;
    layout(text: string, features?: string[]): { glyphs: Glyph[] };
  }
  export function create(buffer: Uint8Array): Font;
}
