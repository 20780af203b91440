import sharp from 'sharp';
import type { PDFObject } from 'pdf-lib';
import { maxInk } from '../images/ink.js';
import { components, processTints, type Space } from './colour.js';
import type { Matrix } from './content.js';
import { readBits } from './functions.js';
import type { PdfView } from './pdf.js';

/** JPEG's rounding moves a pixel's coverage by a percent or two; Flate keeps the values exact. */
export const JPEG_INK_TOLERANCE = 3;
/** Images this small (icons, rules drawn as images) have no resolution worth judging. */
const TOO_SMALL_TO_JUDGE = 16;
/** Filters the plant's RIP refuses in image data. */
export const REFUSED_IMAGE_FILTERS = ['LZWDecode', 'LZW', 'JBIG2Decode', 'JPXDecode'];

/** The effective resolution of a width × height image drawn through `ctm`, ppi; undefined when too small or degenerate to judge. */
export function effectivePpi(width: number, height: number, ctm: Matrix): number | undefined {
  const wide = Math.hypot(ctm[0], ctm[1]) / 72;
  const tall = Math.hypot(ctm[2], ctm[3]) / 72;
  if (width <= TOO_SMALL_TO_JUDGE || height <= TOO_SMALL_TO_JUDGE || !(wide > 0) || !(tall > 0)) return undefined;
  return Math.min(width / wide, height / tall);
}

/** Filter names of a stream or inline image, in order. */
export function filtersOf(pdf: PdfView, dict: PDFObject | undefined, key = 'Filter'): string[] {
  const f = pdf.get(dict, key);
  return [pdf.name(f), ...pdf.array(f).map((x) => pdf.name(x))].filter((x): x is string => Boolean(x));
}

/**
 * The darkest pixel of an image, as total ink in percent, and the tolerance its encoding needs;
 * undefined when its ink cannot be read (not process colour, a bit depth not read here) or
 * 'undecodable' when its data does not decode.
 */
export async function imageInk(pdf: PdfView, x: PDFObject, space: Space): Promise<{ ink: number; tolerance: number } | 'undecodable' | undefined> {
  const filters = filtersOf(pdf, x);
  if (filters.includes('DCTDecode')) {
    if (space.kind !== 'cmyk' && space.kind !== 'icc-cmyk') return undefined;
    const raw = await sharp(Buffer.from(pdf.bytes(x))).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer().catch(() => null);
    return raw ? { ink: maxInk(raw), tolerance: JPEG_INK_TOLERANCE } : 'undecodable';
  }
  if (filters.some((f) => REFUSED_IMAGE_FILTERS.includes(f))) return undefined;
  const bpc = pdf.num(pdf.get(x, 'BitsPerComponent')) ?? 8;
  const n = space.kind === 'indexed' ? 1 : components(space);
  // A gray or one-ink image cannot pass any limit of more than 100 %.
  if (![1, 2, 4, 8, 16].includes(bpc) || (n < 2 && space.kind !== 'indexed') || processTints(space, new Array<number>(n).fill(0)) === undefined) return undefined;
  const data = pdf.bytes(x);
  if (data.length === 0) return undefined;
  const width = pdf.num(pdf.get(x, 'Width')) ?? 0;
  const height = pdf.num(pdf.get(x, 'Height')) ?? 0;
  const max = 2 ** bpc - 1;
  const decode = pdf.numbers(pdf.get(x, 'Decode'));
  if ((space.kind === 'cmyk' || space.kind === 'icc-cmyk') && bpc === 8 && decode.length === 0) return { ink: maxInk(data.subarray(0, width * height * 4)), tolerance: 0 };
  const range = (j: number): [number, number] => (decode.length >= 2 * n ? [decode[2 * j]!, decode[2 * j + 1]!] : space.kind === 'indexed' ? [0, max] : [0, 1]);
  const ranges = Array.from({ length: n }, (_, j) => range(j));
  const rowBits = Math.ceil((width * n * bpc) / 8) * 8;
  let darkest = 0;
  const values = new Array<number>(n);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const at = row * rowBits + col * n * bpc;
      if (at + n * bpc > data.length * 8) return { ink: darkest, tolerance: 0 };
      for (let j = 0; j < n; j++) {
        const [lo, hi] = ranges[j]!;
        values[j] = lo + ((bpc === 8 ? data[(at >> 3) + j]! : readBits(data, at + j * bpc, bpc)!) / max) * (hi - lo);
      }
      const tints = processTints(space, values);
      if (tints) darkest = Math.max(darkest, (tints[0]! + tints[1]! + tints[2]! + tints[3]!) * 100);
    }
  }
  return { ink: darkest, tolerance: 0 };
}
