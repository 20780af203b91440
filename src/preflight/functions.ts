import type { PDFObject } from 'pdf-lib';
import type { PdfView } from './pdf.js';

/** Points a blend is sampled at: its colours are smooth between them, so the darkest is met within a percent. */
const SAMPLES = 256;
/** Stitching functions nest; a file may nest them without end, or in a cycle. */
const MAX_DEPTH = 8;
/** A sampled function's table is read up to this many entries: a lying /Size must not run on. */
const MAX_TABLE = 1 << 20;

type Fn = (x: number) => number[] | undefined;

/**
 * A one-input function of a shading (an axial or radial blend, a mesh's parametric colour) as a
 * JavaScript function: types 0 (sampled, one input), 2 (exponential) and 3 (stitching), and an
 * array of one-output functions. A PostScript calculator (type 4) is not evaluated: undefined.
 */
function compile(pdf: PdfView, fn: PDFObject | undefined, depth = 0): Fn | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const list = pdf.array(fn);
  if (list.length) {
    const parts = list.map((f) => compile(pdf, f, depth + 1));
    if (parts.some((p) => !p)) return undefined;
    return (x) => {
      const out = parts.map((p) => p!(x)?.[0]);
      return out.some((v) => v === undefined) ? undefined : (out as number[]);
    };
  }
  const type = pdf.num(pdf.get(fn, 'FunctionType'));
  const domain = pdf.numbers(pdf.get(fn, 'Domain'));
  const clip = (x: number) => (domain.length >= 2 ? Math.min(Math.max(x, domain[0]!), domain[1]!) : x);
  if (type === 2) {
    const c0 = pdf.numbers(pdf.get(fn, 'C0'));
    const c1 = pdf.numbers(pdf.get(fn, 'C1'));
    const n = pdf.num(pdf.get(fn, 'N')) ?? 1;
    const from = c0.length ? c0 : [0];
    const to = c1.length ? c1 : [1];
    return (x) => {
      const t = clip(x) ** n;
      return from.map((a, i) => a + t * ((to[i] ?? 0) - a));
    };
  }
  if (type === 3) {
    const subs = pdf.array(pdf.get(fn, 'Functions')).map((f) => compile(pdf, f, depth + 1));
    if (!subs.length || subs.some((s) => !s)) return undefined;
    const bounds = pdf.numbers(pdf.get(fn, 'Bounds'));
    const encode = pdf.numbers(pdf.get(fn, 'Encode'));
    const edges = [domain[0] ?? 0, ...bounds, domain[1] ?? 1];
    return (x) => {
      const v = clip(x);
      let k = bounds.findIndex((b) => v < b);
      if (k < 0) k = subs.length - 1;
      const [lo, hi] = [edges[k] ?? 0, edges[k + 1] ?? 1];
      const [e0, e1] = [encode[2 * k] ?? 0, encode[2 * k + 1] ?? 1];
      return subs[k]?.(hi === lo ? e0 : e0 + ((v - lo) * (e1 - e0)) / (hi - lo));
    };
  }
  if (type === 0) {
    const table = sampled(pdf, fn);
    if (!table) return undefined;
    const { samples, size, outputs } = table;
    const encode = pdf.numbers(pdf.get(fn, 'Encode'));
    const [e0, e1] = [encode[0] ?? 0, encode[1] ?? size - 1];
    const [d0, d1] = [domain[0] ?? 0, domain[1] ?? 1];
    return (x) => {
      const at = Math.round(Math.min(Math.max(e0 + ((clip(x) - d0) * (e1 - e0)) / (d1 - d0 || 1), 0), size - 1));
      return samples.slice(at * outputs, at * outputs + outputs);
    };
  }
  return undefined;
}

/** A sampled function's table, decoded into its Range: every entry, whatever its number of inputs. */
function sampled(pdf: PdfView, fn: PDFObject | undefined): { samples: number[]; size: number; outputs: number } | undefined {
  const sizes = pdf.numbers(pdf.get(fn, 'Size'));
  const bits = pdf.num(pdf.get(fn, 'BitsPerSample')) ?? 8;
  const range = pdf.numbers(pdf.get(fn, 'Range'));
  const decode = pdf.numbers(pdf.get(fn, 'Decode'));
  const outputs = range.length / 2;
  const count = sizes.reduce((a, b) => a * b, 1) * outputs;
  if (!outputs || !(count > 0) || count > MAX_TABLE || ![1, 2, 4, 8, 12, 16, 24, 32].includes(bits)) return undefined;
  const data = pdf.bytes(fn);
  const max = 2 ** bits - 1;
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const raw = readBits(data, i * bits, bits);
    if (raw === undefined) return undefined;
    const j = i % outputs;
    const [lo, hi] = decode.length >= 2 * outputs ? [decode[2 * j]!, decode[2 * j + 1]!] : [range[2 * j]!, range[2 * j + 1]!];
    samples.push(lo + (raw / max) * (hi - lo));
  }
  return { samples, size: sizes[0] ?? 1, outputs };
}

/** `bits` bits from `at` (a bit offset), most significant first; undefined past the end. */
export function readBits(data: Uint8Array, at: number, bits: number): number | undefined {
  if (at + bits > data.length * 8) return undefined;
  let v = 0;
  for (let b = 0; b < bits; b++) {
    const bit = at + b;
    v = v * 2 + ((data[bit >> 3]! >> (7 - (bit & 7))) & 1);
  }
  return v;
}

/**
 * The colours a shading paints, as samples in its colour space: along the blend for axial, radial
 * and parametric meshes, every table entry for a function-based shading, the vertex colours of a
 * mesh without a function not at all (undefined: its ink is not checked).
 */
export function shadingColours(pdf: PdfView, shading: PDFObject): number[][] | undefined {
  const type = pdf.num(pdf.get(shading, 'ShadingType'));
  const fn = pdf.get(shading, 'Function');
  if (!fn) return undefined;
  if (type === 1) {
    // Two inputs: a sampled table holds every colour the blend reaches between its entries.
    const table = sampled(pdf, fn);
    if (!table) return undefined;
    const out: number[][] = [];
    for (let i = 0; i < table.samples.length; i += table.outputs) out.push(table.samples.slice(i, i + table.outputs));
    return out;
  }
  const f = compile(pdf, fn);
  if (!f) return undefined;
  const domain = type === 2 || type === 3 ? pdf.numbers(pdf.get(shading, 'Domain')) : pdf.numbers(pdf.get(fn, 'Domain'));
  const [t0, t1] = [domain[0] ?? 0, domain[1] ?? 1];
  const out: number[][] = [];
  for (let i = 0; i <= SAMPLES; i++) {
    const c = f(t0 + ((t1 - t0) * i) / SAMPLES);
    if (c) out.push(c);
  }
  return out;
}
