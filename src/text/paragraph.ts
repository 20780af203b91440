import { CharClass } from './classes.js';
import { breakLines, type LineRange } from './linebreak.js';
import { setLine } from './justify.js';
import { buildUnits, type Units } from './units.js';
import type { CompositionWarning, Metrics, ParagraphSpec, SetParagraph } from './types.js';

/**
 * Composes one paragraph into lines: collect units → break → avoid 孤字 → justify each line.
 * The one public entry of the text stage.
 */
export function composeParagraph(spec: ParagraphSpec, metrics: Metrics): SetParagraph {
  const u = buildUnits(spec, metrics);
  const firstMeasure = spec.measure - spec.firstIndent;
  const measure = spec.measure - spec.hangIndent;
  let ranges = breakLines(u, firstMeasure, measure);
  ranges = avoidLoneCharacter(u, ranges, firstMeasure, measure);
  const warnings: CompositionWarning[] = [];
  const lines = ranges.map((r, i) =>
    setLine(u, r, i === 0 ? firstMeasure : measure, i === 0 ? spec.firstIndent : spec.hangIndent, i === ranges.length - 1, spec.align, warnings),
  );
  return { lines, warnings };
}

/** Characters of a line that count for 孤字: marks, —— and …… ride along with the character before them. */
function baseCharacters(u: Units, r: LineRange): number {
  let n = 0;
  for (let i = r.start; i < r.end; i++) {
    const c = u.cls[i];
    if (c !== CharClass.PauseOrStop && c !== CharClass.ClosingBracket && c !== CharClass.Space && c !== CharClass.Inseparable) n++;
  }
  return n;
}

/**
 * 孤字: a paragraph may not end in a line of one character (with or without its marks). Pull the
 * previous line's break back so that at least two characters come down.
 */
function avoidLoneCharacter(u: Units, ranges: LineRange[], firstMeasure: number, measure: number): LineRange[] {
  const n = ranges.length;
  if (n < 2 || baseCharacters(u, ranges[n - 1]) !== 1) return ranges;
  const prev = ranges[n - 2];
  for (let cap = prev.end - 1; cap > prev.start + 1; cap--) {
    if (!u.breakBefore[cap]) continue;
    const retry = breakLines(u, firstMeasure, measure, new Map([[n - 2, cap]]));
    if (retry.length === n && baseCharacters(u, retry[n - 1]) > 1) return retry;
  }
  return ranges;
}
