import { breakFirstFit, breakTotalFit, lineLength, type LineRange } from './linebreak.js';
import { lineWidth, setLine, type LineSetting } from './justify.js';
import { buildUnits, type Units } from './units.js';
import { LOOSE_GAP, type CompositionWarning, type Metrics, type ParagraphSpec, type SetParagraph } from './types.js';

/**
 * Composes one paragraph into lines: collect units → break the paragraph as a whole → justify
 * each line. The one public entry of the text stage that sets lines.
 */
export function composeParagraph(spec: ParagraphSpec, metrics: Metrics): SetParagraph {
  const { u, ranges, setting } = broken(spec, metrics);
  const warnings: CompositionWarning[] = [];
  const lines = ranges.map((r, i) => setLine(u, r, setting(i, ranges.length), warnings));
  return { lines, warnings };
}

/**
 * The width of the paragraph's first line as composeParagraph sets it, and what setting that
 * line finds, without making its glyphs; undefined where the paragraph takes more than one line.
 */
export function singleLineWidth(spec: ParagraphSpec, metrics: Metrics): { width: number; warnings: CompositionWarning[] } | undefined {
  const { u, ranges, setting } = broken(spec, metrics);
  if (ranges.length > 1) return undefined;
  const warnings: CompositionWarning[] = [];
  return { width: ranges.length ? lineWidth(u, ranges[0], setting(0, 1), warnings) : 0, warnings };
}

/** The paragraph's units broken into lines, and how its line `i` of `count` is set. */
function broken(spec: ParagraphSpec, metrics: Metrics): { u: Units; ranges: LineRange[]; setting: (i: number, count: number) => LineSetting } {
  const u = buildUnits(spec, metrics);
  const measures = spec.measures?.length ? spec.measures : [spec.measure];
  // Line 0 takes the first-line indent and every later one the hanging indent, so two lengths at least.
  const lengths = new Float64Array(Math.max(2, measures.length));
  for (let k = 0; k < lengths.length; k++) lengths[k] = lineLength(measures, k) - (k === 0 ? spec.firstIndent : spec.hangIndent);
  const loose = spec.loose ?? LOOSE_GAP;
  const ranges = spec.firstFit ? breakFirstFit(u, lengths) : breakTotalFit(u, lengths, loose);
  const setting = (i: number, count: number): LineSetting => ({ measure: lineLength(lengths, i), indent: i === 0 ? spec.firstIndent : spec.hangIndent, last: i === count - 1, align: spec.align, loose, number: i + 1 });
  return { u, ranges, setting };
}
