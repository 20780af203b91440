import { CharClass, blankSide } from './classes.js';
import { breakFirstFit, breakTotalFit, lineLength, widthAt } from './linebreak.js';
import { lineWidth, setLine } from './justify.js';
import { buildUnits, type Units } from './units.js';
import { LOOSE_GAP, type CompositionWarning, type Metrics, type ParagraphSpec, type SetParagraph } from './types.js';

/**
 * Composes one paragraph into lines: collect units → break the paragraph as a whole → justify
 * each line. The one public entry of the text stage.
 */
export function composeParagraph(spec: ParagraphSpec, metrics: Metrics): SetParagraph {
  const u = buildUnits(spec, metrics);
  const measures = spec.measures?.length ? spec.measures : [spec.measure];
  // Line 0 takes the first-line indent and every later one the hanging indent, so two lengths at least.
  const lengths = new Float64Array(Math.max(2, measures.length));
  for (let k = 0; k < lengths.length; k++) lengths[k] = lineLength(measures, k) - (k === 0 ? spec.firstIndent : spec.hangIndent);
  const loose = spec.loose ?? LOOSE_GAP;
  const ranges = spec.firstFit ? breakFirstFit(u, lengths) : breakTotalFit(u, lengths, loose);
  const warnings: CompositionWarning[] = [];
  const lines = ranges.map((r, i) =>
    setLine(u, r, { measure: lineLength(lengths, i), indent: i === 0 ? spec.firstIndent : spec.hangIndent, last: i === ranges.length - 1, align: spec.align, loose, number: i + 1 }, warnings),
  );
  return { lines, warnings };
}

/**
 * The width of the paragraph set in one line with no measure, em, as composeParagraph sets it at
 * an unbounded measure, without breaking it or making its glyphs: with no measure to fill, every
 * break would leave a loose line before it, so the breaker takes the paragraph as its one line.
 */
export function naturalLineWidth(spec: ParagraphSpec, metrics: Metrics): number {
  const u = buildUnits(spec, metrics, false);
  if (u.length === 0) return 0;
  const measure = Number.MAX_SAFE_INTEGER;
  return lineWidth(u, { start: 0, end: u.length, forced: false }, { measure, indent: spec.firstIndent, last: true, align: spec.align, loose: spec.loose ?? LOOSE_GAP, number: 1 }, []);
}

/** A piece of a line never broken inside (a display text's phrase), with a typed space before it or none. */
export interface Piece {
  text: string;
  spaced: boolean;
}

/**
 * The natural widths, em, of the lines made of pieces [i, j) of the paragraph, whose one run of
 * text is the pieces joined (a space before each spaced one), at widths[i * (pieces + 1) + j]:
 * what naturalLineWidth gives for that line's own text, to the last bit, summed in its order from
 * the whole's units built once. A cut where the whole's units are not those of the lines either
 * side (two marks sharing a blank, a % whose digits are before the cut) gives NaN for the lines it
 * bounds, to be measured on their own; no table at all where the units are not the pieces'
 * characters one by one (marks combined, clusters normalised, characters no face has, spaces
 * inside a piece). The line starts at the first indent, as naturalLineWidth's does.
 */
export function naturalPieceWidths(spec: ParagraphSpec, metrics: Metrics, pieces: Piece[]): Float64Array | undefined {
  const u = buildUnits(spec, metrics, false);
  const n = pieces.length;
  const first = new Int32Array(n);
  const end = new Int32Array(n);
  let k = 0;
  for (let p = 0; p < n; p++) {
    if (p > 0 && pieces[p].spaced && k < u.length && u.chars[k] === ' ') k++;
    first[p] = k;
    const text = pieces[p].text;
    for (let c = 0; c < text.length; k++) {
      const cp = text.codePointAt(c)!;
      const size = cp > 0xffff ? 2 : 1;
      c += size;
      if (k >= u.length || u.chars[k].length !== size || u.chars[k].codePointAt(0) !== cp || isSpace(u.cls[k])) return undefined;
    }
    if (k === first[p]) return undefined;
    end[p] = k;
  }
  if (k !== u.length) return undefined;

  const widths = new Float64Array((n + 1) * (n + 1)).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (i > 0 && !cleanCut(u, end[i - 1] - 1, first[i])) continue;
    // lay's sum, unit by unit from the line's start: a difference of prefix sums could differ in its last bit.
    let x = spec.firstIndent;
    x += widthAt(u, first[i], first[i]);
    let at = first[i] + 1;
    for (let j = i + 1; j <= n; j++) {
      for (; at < end[j - 1]; at++) {
        x += u.spaceBefore[at];
        x += u.adv[at];
      }
      if (j === n || cleanCut(u, end[j - 1] - 1, first[j])) widths[i * (n + 1) + j] = x;
    }
  }
  return widths;
}

const isSpace = (c: CharClass) => c === CharClass.Space || c === CharClass.FixedSpace;

/**
 * Whether the units either side of a cut, last of one line and first of the next, are the same
 * set apart as together: buildUnits looks across a cut at a pair of marks (one gives up its blank)
 * and at the digits before a % that spaces what follows. A dot or comma between digits changes only
 * its class, which no natural width reads: its neighbours are digits, never a mark to pair with.
 */
const cleanCut = (u: Units, last: number, next: number) =>
  !(blankSide(u.cls[last]) !== null && blankSide(u.cls[next]) !== null) && u.cls[next] !== CharClass.PostfixAbbreviation;
