// Reads a composed PDF back the way a reader (or a prepress checker) sees it: text, positions and
// paints from the PDF alone, so the tests do not take the engine's word for where things went.
import assert from 'node:assert/strict';
import * as mupdf from 'mupdf';

export interface ReadChar {
  ch: string;
  /** Left and right of the glyph's advance, pt from the page's left. */
  x0: number;
  x1: number;
  /** Baseline, pt from the page's top. */
  y: number;
  size: number;
  font: string;
}

export interface ReadLine {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  chars: ReadChar[];
}

export interface ReadPage {
  /** In content (drawing) order. */
  lines: ReadLine[];
  /** [x0, y0, x1, y1] in the same top-down coordinates as the text; null when the page has no /TrimBox. */
  trimBox: [number, number, number, number] | null;
  /** Every paint on the page as "colourspace c1 c2 …", deduplicated. */
  paints: string[];
  /** Bounds of every stroked path (rules, frames), line width included, top-down. */
  strokes: [number, number, number, number][];
  /**
   * Every glyph as drawn, by the character its font maps it to, with the page-space origin of its
   * baseline: what the page shows where `lines` give what copying it gives (they differ where a
   * mark carries ActualText, as a list marker does).
   */
  drawn: { ch: string; x: number; y: number; glyph: number }[];
}

export function readPdf(bytes: Uint8Array): ReadPage[] {
  const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  const pages: ReadPage[] = [];
  for (let i = 0; i < doc.countPages(); i++) {
    const page = doc.loadPage(i) as mupdf.PDFPage;
    const chars: ReadChar[] = [];
    // inhibit-spaces: mupdf would otherwise invent spaces wherever Han–Latin spacing leaves a gap.
    page.toStructuredText('preserve-whitespace,inhibit-spaces').walk({
      onChar: (ch, origin, font, size, quad) => {
        const xs = [quad[0], quad[2], quad[4], quad[6]];
        chars.push({ ch, x0: Math.min(...xs), x1: Math.max(...xs), y: origin[1], size, font: font.getName() });
      },
    });
    // mupdf's own lines break at any 1-em gap, such as the full cell a desk-typed space keeps
    // (记者 卞立成). A set line keeps one baseline and size, never steps back past the glyph before (squeezed
    // marks may overlap it by half an em) and never jumps 1.5 em ahead.
    const lines: ReadLine[] = [];
    let cur: ReadChar[] = [];
    for (const c of chars) {
      const prev = cur[cur.length - 1];
      if (prev && (Math.abs(prev.y - c.y) > 0.01 || prev.size !== c.size || c.x0 < prev.x0 - 0.01 || c.x0 > prev.x1 + 1.5 * c.size)) {
        lines.push(line(cur));
        cur = [];
      }
      cur.push(c);
    }
    if (cur.length) lines.push(line(cur));
    const hasTrim = !page.getObject().get('TrimBox').isNull();
    const paints = new Set<string>();
    const strokes: [number, number, number, number][] = [];
    const drawn: ReadPage['drawn'] = [];
    const paint = (cs: mupdf.ColorSpace, color: number[]) => paints.add([cs.getName(), ...color.map((v) => +v.toFixed(3))].join(' '));
    const device = new mupdf.Device({
      fillText: (text, ctm, cs, color) => {
        text.walk({
          showGlyph: (_f, trm, glyph, unicode) => {
            const [a, b, c, d, e, f] = ctm;
            drawn.push({ ch: String.fromCodePoint(unicode), x: a * trm[4] + c * trm[5] + e, y: b * trm[4] + d * trm[5] + f, glyph });
          },
        });
        paint(cs, color);
      },
      strokeText: (_t, _s, _m, cs, color) => paint(cs, color),
      fillPath: (_p, _e, _m, cs, color) => paint(cs, color),
      strokePath: (path, stroke, ctm, cs, color) => {
        strokes.push(path.getBounds(stroke, ctm) as [number, number, number, number]);
        paint(cs, color);
      },
      fillImage: (image) => void paints.add(`image ${image.getColorSpace()?.getName() ?? 'mask'}`),
      fillShade: () => void paints.add('shade'),
    });
    page.run(device, mupdf.Matrix.identity);
    device.close();
    pages.push({ lines, trimBox: hasTrim ? (page.getBounds('TrimBox') as [number, number, number, number]) : null, paints: [...paints], strokes, drawn });
  }
  return pages;
}

function line(chars: ReadChar[]): ReadLine {
  return {
    text: chars.map((c) => c.ch).join(''),
    x0: Math.min(...chars.map((c) => c.x0)),
    x1: Math.max(...chars.map((c) => c.x1)),
    y: chars[0]!.y,
    size: chars[0]!.size,
    chars,
  };
}

/** Every drawn glyph inside the trim, and no two set on one baseline over each other. */
export function assertDrawnClean(read: ReadPage[]): void {
  for (const [i, p] of read.entries()) {
    const [x0, y0, x1, y1] = p.trimBox!;
    for (const l of p.lines) for (const ch of l.chars) assert.ok(ch.x0 >= x0 - 0.01 && ch.x1 <= x1 + 0.01 && ch.y >= y0 && ch.y <= y1, `page ${i + 1}: ${ch.ch} at ${ch.x0.toFixed(1)}–${ch.x1.toFixed(1)}, ${ch.y.toFixed(1)} is off the trim`);
    const chars = p.lines.flatMap((l) => l.chars).filter((c) => c.x1 - c.x0 > 0.5);
    const byBaseline = new Map<string, typeof chars>();
    for (const c of chars) {
      const key = c.y.toFixed(1);
      byBaseline.set(key, [...(byBaseline.get(key) ?? []), c]);
    }
    for (const row of byBaseline.values()) {
      row.sort((a, b) => a.x0 - b.x0);
      for (let k = 1; k < row.length; k++) {
        const over = row[k - 1]!.x1 - row[k]!.x0;
        // Squeezed marks may share half an em with their neighbour; whole glyphs never.
        assert.ok(over < 0.55 * Math.min(row[k]!.size, row[k - 1]!.size), `page ${i + 1}: ${row[k - 1]!.ch} and ${row[k]!.ch} drawn over each other at ${row[k]!.y.toFixed(1)}`);
      }
    }
  }
}
