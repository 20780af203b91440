import { breakFirstFit, breakTotalFit, lineLength } from './linebreak.js';
import { lineWidth, setLine } from './justify.js';
import { buildUnits } from './units.js';
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
