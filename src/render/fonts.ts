import { deflateSync } from 'node:zlib';
import type { FontRegistry } from '../fonts/registry.js';
import { kept, Recent, sha256 } from './store.js';
import { rawObject } from './pdfx.js';
import { subsetFont, subsetterVersion } from './subset.js';

/**
 * The faces a document draws with, written as PDF fonts by us rather than by pdfkit: Type0 /
 * Identity-H over a CIDFontType2 whose CIDs are the face's own glyph ids, with its widths, a
 * ToUnicode CMap and the subset as FontFile2. Nothing is shaped here: the glyphs come as the
 * registry chose them.
 */

type Doc = PDFKit.PDFDocument & {
  ref(data?: Record<string, unknown>): Reference;
  page: PDFKit.PDFPage & { fonts: Record<string, unknown> };
};
interface Reference {
  data: Record<string, unknown>;
  compress: boolean;
  write(b: Buffer | string): void;
  end(b?: Buffer | string): void;
}

/**
 * The faces a page draws with, in the order it first draws them (its resource names F1, F2 …),
 * each with its glyphs and the text each stands for: what the document's subsets and ToUnicode
 * maps must cover for this page.
 */
export type PageFaces = ReadonlyMap<string, ReadonlyMap<number, string>>;

/** The resource name of a page's `k`th face. */
export const fontName = (k: number) => `F${k + 1}`;

/** A face drawn in the document: its reference, and the glyphs the pages draw with it. */
interface UsedFace {
  readonly ref: Reference;
  /** Each glyph drawn, with the text it stands for (the first it was drawn for, in page order). */
  readonly glyphs: Map<number, string>;
}

/** ToUnicode entries per bfchar block: the CMap format allows at most 100. */
const BFCHAR_BLOCK = 100;

export class DocumentFonts {
  private readonly used = new Map<string, UsedFace>();

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fonts: FontRegistry,
  ) {}

  /**
   * Puts the faces a page draws with among the current page's resources, under the page's own
   * names, and adds their glyphs to the document's: a face's subset is the union of its pages'.
   */
  onPage(faces: PageFaces): void {
    const doc = this.doc as Doc;
    let k = 0;
    for (const [face, glyphs] of faces) {
      let u = this.used.get(face);
      if (!u) this.used.set(face, (u = { ref: doc.ref(), glyphs: new Map() }));
      for (const [id, text] of glyphs) if (!u.glyphs.has(id)) u.glyphs.set(id, text);
      doc.page.fonts[fontName(k++)] = u.ref;
    }
  }

  /**
   * Writes every face used: its subset (kept per face and glyph set, so an unchanged face is not
   * subset again), descriptor, widths and ToUnicode. Returns the subsets' hashes, which identify
   * the fonts in the file's /ID.
   */
  embed(): string[] {
    const doc = this.doc as Doc;
    const hashes: string[] = [];
    for (const [face, u] of this.used) {
      const d = this.fonts.describe(face);
      const loaded = this.fonts.face(face);
      const { glyphs, key, textsKey } = subsetOf(face, loaded.identity, u.glyphs);
      hashes.push(key);
      const written = writtenFaces.get(textsKey, () => ({
        widths: pdfArray(widthsOf(glyphs, (g) => this.fonts.glyphAdvance(face, g) * 1000)),
        // pdfkit would end the CMap's text with a newline and deflate it at its default level.
        toUnicode: deflateSync(Buffer.from(`${toUnicodeCMap(glyphs, u.glyphs)}\n`, 'latin1')),
      }));
      const file = doc.ref({ Filter: 'FlateDecode' });
      // The face's outlines are read from its file only here, for a subset not kept already.
      file.end(kept(`${key}.ttf.z`, () => deflateSync(subsetFont(loaded.bytes, glyphs))));
      const scale = 1000 / d.unitsPerEm;
      const flags = (d.fixedPitch ? 1 : 0) | (d.familyClass >= 1 && d.familyClass <= 7 ? 2 : 0) | 4 | (d.familyClass === 10 ? 8 : 0) | (d.italic ? 64 : 0);
      // The subset tag from the glyph set: two subsets of a face in two files never share a name,
      // so a RIP that keeps fonts by name never draws one page's glyphs from the other's.
      const name = `${subsetTag(key)}+${d.postscriptName.replaceAll(' ', '_')}`;
      const descriptor = doc.ref({
        Type: 'FontDescriptor',
        FontName: name,
        Flags: flags,
        FontBBox: [d.bbox.minX * scale, d.bbox.minY * scale, d.bbox.maxX * scale, d.bbox.maxY * scale],
        ItalicAngle: d.italicAngle,
        Ascent: d.ascent * scale,
        Descent: d.descent * scale,
        CapHeight: (d.capHeight || d.ascent) * scale,
        XHeight: (d.xHeight || 0) * scale,
        StemV: 0,
        FontFile2: file,
      });
      descriptor.end();
      const cidFont = doc.ref({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        BaseFont: name,
        CIDSystemInfo: { Registry: new String('Adobe'), Ordering: new String('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        W: rawObject(doc, written.widths),
        CIDToGIDMap: 'Identity',
      });
      cidFont.end();
      // Deflated already: written as pdfkit writes a stream it deflates, /Length before /Filter.
      const toUnicode = doc.ref();
      toUnicode.compress = false;
      toUnicode.write(written.toUnicode);
      toUnicode.data.Filter = 'FlateDecode';
      toUnicode.end();
      Object.assign(u.ref.data, { Type: 'Font', Subtype: 'Type0', BaseFont: name, Encoding: 'Identity-H', DescendantFonts: [cidFont], ToUnicode: toUnicode });
      u.ref.end();
    }
    return hashes;
  }
}

/** A face's glyphs as the last document that drew it had them, sorted, with the keys of its subset and of its written form. */
interface FaceSubset {
  identity: Buffer;
  drawn: ReadonlyMap<number, string>;
  glyphs: number[];
  key: string;
  textsKey: string;
}
const lastSubsets = new Map<string, FaceSubset>();

/**
 * The sorted glyphs of a face and the keys they give: an edit seldom changes a face's glyphs, and
 * comparing them with the last document's costs less than sorting and hashing them again.
 */
function subsetOf(face: string, identity: Buffer, drawn: ReadonlyMap<number, string>): FaceSubset {
  const last = lastSubsets.get(face);
  if (last && last.identity === identity && sameTexts(last.drawn, drawn)) return last;
  const glyphs = [...drawn.keys()].sort((a, b) => a - b);
  const key = sha256(identity, subsetterVersion(), glyphs.join(' '));
  const subset = { identity, drawn, glyphs, key, textsKey: sha256(key, glyphs.map((g) => drawn.get(g)).join('\u0000')) };
  lastSubsets.set(face, subset);
  return subset;
}

function sameTexts(a: ReadonlyMap<number, string>, b: ReadonlyMap<number, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, text] of b) if (a.get(id) !== text) return false;
  return true;
}

function subsetTag(key: string): string {
  let tag = '';
  for (let k = 0; k < 6; k++) tag += String.fromCharCode(65 + (Number.parseInt(key.slice(2 * k, 2 * k + 2), 16) % 26));
  return tag;
}

/**
 * Each face's W array as PDF text and its ToUnicode stream deflated, by its subset and the text
 * each glyph stands for: a warm process writes the same faces into every version of the issue.
 */
const writtenFaces = new Recent<{ widths: string; toUnicode: Buffer }>();

/** An array of numbers and arrays of numbers as pdfkit writes it (numbers to a millionth). */
function pdfArray(items: readonly unknown[]): string {
  return `[${items.map((x) => (Array.isArray(x) ? pdfArray(x) : String(Math.round((x as number) * 1e6) / 1e6))).join(' ')}]`;
}

/** The W array: each run of consecutive glyph ids with its widths. */
function widthsOf(glyphs: readonly number[], width: (g: number) => number): unknown[] {
  const w: unknown[] = [];
  let run: number[] = [];
  glyphs.forEach((g, k) => {
    if (k === 0 || g !== glyphs[k - 1] + 1) w.push(g, (run = []));
    run.push(width(g));
  });
  return w;
}

/** A glyph id or a UTF-16 code unit as the four hex digits PDF strings and CMaps write. */
export const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Text as UTF-16BE hex digits, as a ToUnicode CMap and a PDF text string hold it. */
export function utf16Hex(text: string): string {
  let hex = '';
  for (let i = 0; i < text.length; i++) hex += hex4(text.charCodeAt(i));
  return hex;
}

/** Each glyph id to the UTF-16BE of its text, in bfchar blocks. */
function toUnicodeCMap(glyphs: readonly number[], texts: ReadonlyMap<number, string>): string {
  const blocks: string[] = [];
  // A glyph that stands for no text (none is drawn so today) has nothing to map to.
  const mapped = glyphs.filter((g) => texts.get(g));
  for (let k = 0; k < mapped.length; k += BFCHAR_BLOCK) {
    const part = mapped.slice(k, k + BFCHAR_BLOCK);
    const lines = part.map((g) => {
      return `<${hex4(g)}> <${utf16Hex(texts.get(g)!)}>`;
    });
    blocks.push(`${part.length} beginbfchar\n${lines.join('\n')}\nendbfchar`);
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo <<
  /Registry (Adobe)
  /Ordering (UCS)
  /Supplement 0
>> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000><ffff>
endcodespacerange
${blocks.join('\n')}
endcmap
CMapName currentdict /CMap defineresource pop
end
end`;
}
