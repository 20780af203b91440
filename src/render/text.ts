import type { FontRegistry, GlyphForm } from '../fonts/registry.js';
import type { PlacedGlyph } from '../page/types.js';
import { fontName, hex4, utf16Hex, type PageFaces } from './fonts.js';

type Doc = PDFKit.PDFDocument & { page: PDFKit.PDFPage & { height: number; content: { write(b: Uint8Array): void } } };

/**
 * Writes content-stream text to the current page as its bytes: the text is ASCII, and pdfkit's
 * own addContent converts it character by character, a tenth of the rendering of a large issue.
 */
export function addContent(pdf: PDFKit.PDFDocument, text: string): void {
  (pdf as Doc).page.content.write(Buffer.from(`${text}\n`, 'latin1'));
}

/** A number as the content streams write it: to a thousandth of a point. */
export const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

const formOf = (g: PlacedGlyph): GlyphForm => (g.fullWidth ? 'fwid' : g.halfWidth ? 'hwid' : undefined);

/**
 * Draws glyphs where the page stage placed them, one text object per run of glyphs that share a
 * face, a size and a baseline, each glyph moved to its place by a TJ adjustment. The glyph ids and
 * advances are the registry's, so nothing is shaped again here; a character drawn with several
 * glyphs (a letter and its marks) draws them all from the character's place. Fonts are named by
 * the page alone (F1, F2 … in the order the page first draws them), so a page's content stream
 * does not depend on the pages before it; returns the faces drawn and their glyphs, in that order.
 */
export function drawGlyphs(pdf: PDFKit.PDFDocument, glyphs: readonly PlacedGlyph[], fonts: FontRegistry, setState: (glyph: PlacedGlyph) => void): PageFaces {
  const doc = pdf as Doc;
  const height = doc.page.height;
  const faces = new Map<string, Map<number, string>>();
  const names = new Map<string, string>();
  let i = 0;
  while (i < glyphs.length) {
    const first = glyphs[i];
    let j = i + 1;
    while (j < glyphs.length && glyphs[j].face === first.face && glyphs[j].size === first.size && glyphs[j].y === first.y && glyphs[j].fullWidth === first.fullWidth && glyphs[j].halfWidth === first.halfWidth && glyphs[j].ink === first.ink && glyphs[j].actualText === first.actualText) j++;
    setState(first);
    const form = formOf(first);
    const scale = first.size / 1000;
    let name = names.get(first.face);
    if (!name) {
      names.set(first.face, (name = fontName(faces.size)));
      faces.set(first.face, new Map());
    }
    const drawnWith = faces.get(first.face)!;
    const drawing = fonts.drawing(first.face, form);
    let shown = '';
    for (let k = i; k < j; k++) {
      const drawn = drawing.of(glyphs[k].ch);
      noteGlyphs(drawnWith, drawn.ids, drawn.texts);
      shown += drawn.ids.length === 1 ? `<${hex4(drawn.ids[0])}>` : `<${drawn.ids.map(hex4).join('')}>`;
      if (k + 1 < j) {
        const gap = glyphs[k + 1].x - (glyphs[k].x + drawn.advance * first.size);
        shown += Math.abs(gap) > 1e-4 ? ` ${num(-gap / scale)} ` : ' ';
      }
    }
    const text = `q 1 0 0 -1 0 ${num(height)} cm BT /${name} ${num(first.size)} Tf 1 0 0 1 ${num(first.x)} ${num(height - first.y)} Tm [${shown}] TJ ET Q`;
    // A PDF text string in UTF-16BE opens with its byte-order mark.
    addContent(doc, first.actualText === undefined ? text : `/Span <</ActualText <feff${utf16Hex(first.actualText)}>>> BDC ${text} EMC`);
    i = j;
  }
  return faces;
}

/** Notes glyphs with the text each stands for, keeping the first text a glyph was drawn for. */
function noteGlyphs(into: Map<number, string>, ids: readonly number[], texts: readonly string[]): void {
  for (let k = 0; k < ids.length; k++) if (!into.has(ids[k])) into.set(ids[k], texts[k]);
}
