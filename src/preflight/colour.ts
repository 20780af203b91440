import type { PDFObject } from 'pdf-lib';
import type { PdfView } from './pdf.js';

/** The four process inks by the names Separation and DeviceN spaces give them. */
const PROCESS = ['Cyan', 'Magenta', 'Yellow', 'Black'] as const;
const BLACK = 3;

/** What a colour space is, for the checks. */
export type Space =
  | { kind: 'cmyk' | 'icc-cmyk' | 'gray' | 'icc-gray' | 'rgb' | 'lab' | 'pattern' | 'none' | 'all' }
  /** Separation or DeviceN: per component the process ink it is (0–3), or -1 for a spot or None. */
  | { kind: 'inks'; inks: number[]; spots: string[] }
  | { kind: 'indexed'; base: Space; table: Uint8Array; hival: number }
  | { kind: 'broken'; fault: string };

const DEVICE: Record<string, Space> = {
  DeviceCMYK: { kind: 'cmyk' },
  CMYK: { kind: 'cmyk' },
  DeviceGray: { kind: 'gray' },
  G: { kind: 'gray' },
  DeviceRGB: { kind: 'rgb' },
  RGB: { kind: 'rgb' },
  Pattern: { kind: 'pattern' },
};

/** A colour space as a content stream names it: a device family, else the resource of that name. */
export function spaceNamed(pdf: PdfView, resources: PDFObject | undefined, name: string): Space {
  return DEVICE[name] ?? spaceOf(pdf, pdf.get(pdf.get(resources, 'ColorSpace'), name));
}

/** A colour space object (a name or an array), as the checks see it. */
export function spaceOf(pdf: PdfView, space: PDFObject | undefined, depth = 0): Space {
  const name = pdf.name(space);
  if (name !== undefined) return DEVICE[name] ?? { kind: 'rgb' };
  const parts = pdf.array(space);
  const family = pdf.name(parts[0]);
  if (family === 'ICCBased') {
    const n = pdf.num(pdf.get(parts[1], 'N'));
    return n === 4 ? { kind: 'icc-cmyk' } : n === 1 ? { kind: 'icc-gray' } : { kind: 'rgb' };
  }
  if (family === 'CalRGB') return { kind: 'rgb' };
  if (family === 'CalGray') return { kind: 'gray' };
  if (family === 'Lab') return { kind: 'lab' };
  if (family === 'Separation') {
    const ink = pdf.name(parts[1]) ?? '';
    if (ink === 'All') return { kind: 'all' };
    if (ink === 'None') return { kind: 'none' };
    return inks([ink]);
  }
  if (family === 'DeviceN') return inks(pdf.array(parts[1]).map((x) => pdf.name(x) ?? ''));
  if (family === 'Pattern') return { kind: 'pattern' };
  if (family === 'Indexed' || family === 'I') {
    // PDF gives an Indexed space a device, CIE-based or spot base, never another Indexed one (or
    // itself): so the base is read one level down and no further.
    const baseFamily = pdf.name(parts[1]) ?? pdf.name(pdf.array(parts[1])[0]);
    if (depth > 0 || baseFamily === 'Indexed' || baseFamily === 'I' || baseFamily === 'Pattern') {
      return { kind: 'broken', fault: `an Indexed colour space on ${baseFamily === 'Pattern' ? 'a Pattern' : 'an Indexed'} base (${pdf.label(space!)}); PDF allows neither, and the RIP cannot resolve it` };
    }
    return { kind: 'indexed', base: spaceOf(pdf, parts[1], depth + 1), table: pdf.raw(parts[3]), hival: pdf.num(parts[2]) ?? 0 };
  }
  return { kind: 'rgb' };
}

/** Separation or DeviceN by its colorant names: Cyan, Magenta, Yellow and Black are the process inks, None paints nothing. */
function inks(names: string[]): Space {
  const spots = names.filter((n) => n !== 'None' && !(PROCESS as readonly string[]).includes(n));
  return { kind: 'inks', inks: names.map((n) => (PROCESS as readonly string[]).indexOf(n)), spots };
}

/** The colorants a space paints in, for the number of components a colour in it has. */
export function components(space: Space): number {
  switch (space.kind) {
    case 'cmyk':
    case 'icc-cmyk':
      return 4;
    case 'rgb':
    case 'lab':
      return 3;
    case 'inks':
      return space.inks.length;
    default:
      return 1;
  }
}

/** The colour `cs` sets before any `sc`: black in the process spaces, full tint in a separation (PDF 32000 8.6.8). */
export function initialColour(space: Space): number[] {
  if (space.kind === 'cmyk') return [0, 0, 0, 1];
  if (space.kind === 'inks') return space.inks.map(() => 1);
  if (space.kind === 'gray' || space.kind === 'icc-gray') return [0];
  return new Array<number>(components(space)).fill(0);
}

/**
 * A colour as the four process tints (0–1) it puts on the plates, or undefined when it is not
 * process (RGB, Lab, a spot alone, a pattern). A DeviceN of process and spot inks gives its
 * process part.
 */
export function processTints(space: Space, values: number[]): number[] | undefined {
  switch (space.kind) {
    case 'cmyk':
    case 'icc-cmyk':
      return [0, 1, 2, 3].map((i) => values[i] ?? 0);
    case 'gray':
    case 'icc-gray':
      return [0, 0, 0, 1 - (values[0] ?? 0)];
    case 'inks': {
      const tints = [0, 0, 0, 0];
      space.inks.forEach((ink, i) => {
        if (ink >= 0) tints[ink] = Math.max(tints[ink], values[i] ?? 0);
      });
      return tints;
    }
    case 'indexed': {
      const n = components(space.base);
      const index = Math.max(0, Math.min(space.hival, Math.round(values[0] ?? 0)));
      const entry = [...space.table.subarray(index * n, index * n + n)].map((b) => b / 255);
      return entry.length === n ? processTints(space.base, entry) : undefined;
    }
    default:
      return undefined;
  }
}

/** Total ink of a colour, percent; undefined when it is not process. */
export function inkOf(space: Space, values: number[]): number | undefined {
  const tints = processTints(space, values);
  return tints && tints.reduce((s, t) => s + t, 0) * 100;
}

/** Paper white: no ink on any plate (a spot at tint 0 too), which set to overprint vanishes. */
export function isWhite(space: Space, values: number[]): boolean {
  if (space.kind === 'inks') return values.every((v) => v === 0);
  const tints = processTints(space, values);
  return tints !== undefined && tints.every((t) => t === 0);
}

/** Solid process black on the black plate alone. */
export function isSolidBlack(space: Space, values: number[]): boolean {
  const tints = processTints(space, values);
  return tints !== undefined && tints[BLACK] >= 0.999 && tints.slice(0, BLACK).every((t) => t === 0);
}

/** How many inks a colour puts down: the register of small type depends on it. */
export function inkCount(space: Space, values: number[]): number {
  if (space.kind === 'inks') return values.filter((v) => v > 0).length;
  const tints = processTints(space, values);
  return tints ? tints.filter((t) => t > 0).length : components(space);
}
