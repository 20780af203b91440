import type { FontRegistry, GlyphForm } from '../fonts/registry.js';
import type { PlacedGlyph } from '../page/types.js';
import { hex4, utf16Hex, type DocumentFonts } from './fonts.js';

type Doc = PDFKit.PDFDocument & {
  page: PDFKit.PDFPage & { fonts: Record<string, unknown>; height: number };
};

const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

const formOf = (g: PlacedGlyph): GlyphForm => (g.fullWidth ? 'fwid' : g.halfWidth ? 'hwid' : undefined);

/**
 * Draws glyphs where the page stage placed them, one text object per run of glyphs that share a
 * face, a size and a baseline, each glyph moved to its place by a TJ adjustment. The glyph ids and
 * advances are the registry's, so nothing is shaped again here; a character drawn with several
 * glyphs (a letter and its marks) draws them all from the character's place.
 */
export function drawGlyphs(pdf: PDFKit.PDFDocument, glyphs: readonly PlacedGlyph[], fonts: FontRegistry, embedded: DocumentFonts, setState: (glyph: PlacedGlyph) => void): void {
  const doc = pdf as Doc;
  const height = doc.page.height;
  let i = 0;
  while (i < glyphs.length) {
    const first = glyphs[i];
    let j = i + 1;
    while (j < glyphs.length && glyphs[j].face === first.face && glyphs[j].size === first.size && glyphs[j].y === first.y && glyphs[j].fullWidth === first.fullWidth && glyphs[j].halfWidth === first.halfWidth && glyphs[j].ink === first.ink && glyphs[j].actualText === first.actualText) j++;
    setState(first);
    const form = formOf(first);
    const scale = first.size / 1000;
    const font = embedded.use(first.face);
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref;
    const parts: string[] = [];
    for (let k = i; k < j; k++) {
      const drawn = fonts.glyphsOf(first.face, glyphs[k].ch, form);
      font.note(drawn);
      parts.push(`<${drawn.ids.map(hex4).join('')}>`);
      if (k + 1 < j) {
        const gap = glyphs[k + 1].x - (glyphs[k].x + drawn.advance * first.size);
        if (Math.abs(gap) > 1e-4) parts.push(num(-gap / scale));
      }
    }
    const text = `q 1 0 0 -1 0 ${num(height)} cm BT /${font.id} ${num(first.size)} Tf 1 0 0 1 ${num(first.x)} ${num(height - first.y)} Tm [${parts.join(' ')}] TJ ET Q`;
    // A PDF text string in UTF-16BE opens with its byte-order mark.
    doc.addContent(first.actualText === undefined ? text : `/Span <</ActualText <feff${utf16Hex(first.actualText)}>>> BDC ${text} EMC`);
    i = j;
  }
}
