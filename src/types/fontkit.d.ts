// The part of fontkit's API that Banmian uses; fontkit ships no type declarations.
declare module 'fontkit' {
  export interface Glyph {
    id: number;
    advanceWidth: number;
    path: { toSVG(): string };
  }
  export interface Font {
    postscriptName: string;
    familyName: string;
    unitsPerEm: number;
    hasGlyphForCodePoint(codePoint: number): boolean;
    glyphForCodePoint(codePoint: number): Glyph;
    layout(text: string, features?: string[]): { glyphs: Glyph[] };
  }
  export function create(buffer: Uint8Array): Font;
}
