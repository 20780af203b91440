import type { PlacedGlyph } from '../page/types.js';

/** The parts of a pdfkit font this layer uses: its resource name, its encoder, its reference. */
interface EmbeddedFont {
  id: string;
  encode(text: string, features?: string[]): [string[], { advanceWidth: number }[]];
  ref(): unknown;
}

type Doc = PDFKit.PDFDocument & {
  _font: EmbeddedFont;
  page: PDFKit.PDFPage & { fonts: Record<string, unknown>; height: number };
};

const num = (n: number) => (Math.round(n * 1000) / 1000).toString();

/** A PDF text string in UTF-16BE with its byte-order mark, as hex: safe for any character. */
function utf16Hex(text: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

/**
 * Draws glyphs where the page stage placed them, one text object per run of glyphs that share a
 * face, a size and a baseline, each glyph moved to its place by a TJ adjustment. pdfkit's own
 * text() lays out and wraps every call; here the layout is done, so its font objects are used
 * only to encode glyphs (which also subsets them) and to name the font resource.
 */
export function drawGlyphs(pdf: PDFKit.PDFDocument, glyphs: readonly PlacedGlyph[], setState: (glyph: PlacedGlyph) => void): void {
  const doc = pdf as Doc;
  const height = doc.page.height;
  let i = 0;
  while (i < glyphs.length) {
    const first = glyphs[i];
    let j = i + 1;
    while (j < glyphs.length && glyphs[j].face === first.face && glyphs[j].size === first.size && glyphs[j].y === first.y && glyphs[j].fullWidth === first.fullWidth && glyphs[j].halfWidth === first.halfWidth && glyphs[j].ink === first.ink && glyphs[j].actualText === first.actualText) j++;
    setState(first);
    doc.font(first.face);
    const font = doc._font;
    if (doc.page.fonts[font.id] == null) doc.page.fonts[font.id] = font.ref();
    const run = glyphs.slice(i, j);
    const features = first.fullWidth ? ['fwid'] : first.halfWidth ? ['hwid'] : [];
    let [encoded, positions] = font.encode(run.map((g) => g.ch).join(''), features);
    if (encoded.length !== run.length) {
      // A ligature or a decomposition changed the glyph count: encode one character at a time.
      // A glyph standing for a letter with its combining marks draws them all from the letter's place.
      const each = run.map((g) => font.encode(g.ch, features));
      encoded = each.map(([e]) => e.join(''));
      positions = each.map(([, p]) => ({ advanceWidth: p.reduce((w, q) => w + q.advanceWidth, 0) }));
    }
    const scale = first.size / 1000;
    const parts: string[] = [];
    for (let k = 0; k < run.length; k++) {
      parts.push(`<${encoded[k]}>`);
      if (k + 1 < run.length) {
        const gap = run[k + 1].x - (run[k].x + positions[k].advanceWidth * scale);
        if (Math.abs(gap) > 1e-4) parts.push(num(-gap / scale));
      }
    }
    const text = `q 1 0 0 -1 0 ${num(height)} cm BT /${font.id} ${num(first.size)} Tf 1 0 0 1 ${num(first.x)} ${num(height - first.y)} Tm [${parts.join(' ')}] TJ ET Q`;
    doc.addContent(first.actualText === undefined ? text : `/Span <</ActualText ${utf16Hex(first.actualText)}>> BDC ${text} EMC`);
    i = j;
  }
}
