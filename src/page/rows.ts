import type { FontRegistry, MissingGlyph } from '../fonts/registry.js';
import type { StyleName, Template } from '../layout/template.js';
import type { PlacedGlyph } from './types.js';
import { composeParagraph, naturalLineWidth, naturalPieceWidths } from '../text/paragraph.js';
import type { Align, CompositionWarning, ParagraphSpec, SetLine, TextRun } from '../text/types.js';
import { classOf } from '../text/classes.js';
import { mayEndLine, mayStartLine } from '../text/prohibition.js';
import { loadDefaultSimplifiedChineseParser } from 'budoux';
import type { FindingCode } from './types.js';
import type { SourcePos } from '../issue/types.js';

/**
 * A line set in a row as the text stage set it, in em at `size`: dx across from the left of the
 * row's column and dy from the row's top to the baseline, pt. Its glyphs are placed only when the
 * row is put in its box, so a row holds no copy of them.
 */
export interface RowLine {
  line: SetLine;
  size: number;
  dx: number;
  dy: number;
  /** The text the line stands for when copied from the page, where that is not its characters (a list marker). */
  actualText?: string;
}

/**
 * The unit of vertical placement: a body line takes one grid line, a subhead or headline takes
 * several. Rows are what flows through columns, so everything on the page keeps the grid.
 */
export interface Row {
  lines: number;
  /** The lines drawn in the row, in order. */
  set: RowLine[];
  chars: number;
  /** Subheads never end a column: they go with the row after them. */
  keepWithNext: boolean;
  /** The body block it was set from, in the issue or story file. */
  source?: SourcePos;
}

/** What make-up itself warns of, beside what the text stage finds: page furniture the desk should look at. */
export interface MakeupWarning {
  code: Extract<FindingCode, 'subhead-too-long' | 'picture-without-caption'>;
  text: string;
  detail: string;
}

/** What setting one piece of the page found: characters from another font or none, loose lines, too-long headlines. */
export interface Found {
  missing: MissingGlyph[];
  warnings: (CompositionWarning | MakeupWarning)[];
}

/**
 * What setting text needs from the page: fonts and the template's rules, and what this one
 * setting (an article, a folio) has found so far; each setting has its own, returned with it.
 */
export interface SetContext {
  fonts: FontRegistry;
  template: Template;
  pitch: number;
  found: Found;
  /** Lines already set, for a caller that sets the same texts into many boxes (the plan's shapes): each text is broken once. */
  memo?: LineMemo;
  /** Natural lines already set in this setting, by font, style and text: a headline tried at many sizes is set once. */
  naturals: NaturalMemo;
  /** Widths of natural lines measured but not set, as naturals keeps the lines. */
  naturalWidths: Map<string, { width: number; found: Found }>;
}

/** Lines set by the texts and options they were set from, with what setting them found. */
export type LineMemo = Map<string, { lines: SetLine[]; found: Found }>;
type NaturalMemo = Map<string, { line: SetLine; found: Found }>;

export const setContext = (fonts: FontRegistry, template: Template, pitch: number): SetContext => ({ fonts, template, pitch, found: { missing: [], warnings: [] }, naturals: new Map(), naturalWidths: new Map() });

const replay = (ctx: SetContext, found: Found) => {
  for (const m of found.missing) ctx.found.missing.push(m);
  for (const w of found.warnings) ctx.found.warnings.push(w);
};

export interface TextPart {
  text: string;
  font: string;
}

export interface SetOptions {
  measure: number; // pt
  size: number; // pt
  /** The style the text is set in, for its Han–Latin and Han–digit space; none: set solid. */
  style?: StyleName;
  indent?: number; // em
  hang?: number; // em
  align: Align;
}

/** The em box's ascent above the baseline, em: how far below the box's top a baseline sits. */
export const EM_ASCENT = 0.88;

/** Line spacing inside a multi-line heading, in em of its size. */
const HEADING_LEADING = 1.2;

export function setLines(ctx: SetContext, parts: TextPart[], o: SetOptions): SetLine[] {
  const key = ctx.memo && JSON.stringify([parts, o]);
  const known = key === undefined ? undefined : ctx.memo!.get(key);
  if (known) {
    replay(ctx, known.found);
    return known.lines;
  }
  const missing: MissingGlyph[] = [];
  const set = composeParagraph(paragraphOf(ctx, parts, o, missing), ctx.fonts);
  const found = { missing, warnings: set.warnings };
  replay(ctx, found);
  if (key !== undefined) ctx.memo!.set(key, { lines: set.lines, found });
  return set.lines;
}

/** The text stage's paragraph of the parts, each split into runs by font (what of them no font has noted in `missing`). */
function paragraphOf(ctx: SetContext, parts: TextPart[], o: SetOptions, missing: MissingGlyph[]): ParagraphSpec {
  const runs: TextRun[] = [];
  const t = ctx.template;
  parts.forEach((p, i) => {
    // A paragraph that opens in the lead style's font before its text opens with a bold lead-in (电头), kept whole.
    const lead = i === 0 && parts.length > 1 && p.font === t.styles.lead.font && parts[1].font !== p.font;
    // A lead-in is spaced as the lead style says; the rest as the paragraph's style.
    const style = lead ? t.styles.lead : o.style ? t.styles[o.style] : undefined;
    for (const r of ctx.fonts.runs(p.text, p.font, missing)) {
      r.latin = style?.latin;
      r.digit = style?.digit;
      r.keep = lead;
      r.halfDigits = style?.halfDigits;
      runs.push(r);
    }
  });
  return {
    runs,
    measure: o.measure / o.size,
    firstIndent: o.indent ?? 0,
    hangIndent: o.hang ?? 0,
    align: o.align,
    kinsoku: t.kinsoku,
    numeralUnits: t.numeralUnits,
    loose: t.loose,
    typedSpace: t.typedSpace,
  };
}

/** How a natural line is set: no measure to fill, so the line in em is the same at every size. */
const NATURAL: SetOptions = { measure: Number.MAX_SAFE_INTEGER, size: 1, align: 'start' };
const naturalKey = (text: string, font: string, style: StyleName | undefined) => `${font}\u0000${style ?? ''}\u0000${text}`;

/**
 * Text set on one line at its natural width, with no measure to fill: headlines being fitted, table
 * cells, the folio. With no measure the line in em is the same at every size, so it is set once per
 * setting and what setting it found is told again at each use.
 */
export function setNatural(ctx: SetContext, text: string, font: string, style?: StyleName): SetLine {
  const key = naturalKey(text, font, style);
  let known = ctx.naturals.get(key);
  if (!known) {
    const found: Found = { missing: [], warnings: [] };
    const line = setLines({ ...ctx, found, memo: undefined }, [{ text, font }], { ...NATURAL, style })[0] ?? { glyphs: [], width: 0, last: true };
    known = { line, found };
    ctx.naturals.set(key, known);
  }
  replay(ctx, known.found);
  return known.line;
}

/**
 * The width, em, of the line setNatural sets, and what it finds, measured without making its
 * glyphs: a headline tried at its sizes and a display text tried at its breaks are measured far
 * more often than set.
 */
export function measureNatural(ctx: SetContext, text: string, font: string, style?: StyleName): number {
  const key = naturalKey(text, font, style);
  const line = ctx.naturals.get(key);
  if (line) {
    replay(ctx, line.found);
    return line.line.width;
  }
  let known = ctx.naturalWidths.get(key);
  if (!known) {
    const missing: MissingGlyph[] = [];
    const width = naturalLineWidth(paragraphOf(ctx, [{ text, font }], { ...NATURAL, style }, missing), ctx.fonts);
    // A line at its natural width is never loose nor cut: what measuring it finds is what its font lacks.
    known = { width, found: { missing, warnings: [] } };
    ctx.naturalWidths.set(key, known);
  }
  replay(ctx, known.found);
  return known.width;
}

/**
 * One line of page furniture (folio, masthead) set at its natural width and placed by one end or
 * its centre on a baseline, pt from the page's top-left; returns its width.
 */
export function placeLine(ctx: SetContext, out: PlacedGlyph[], text: string, font: string, size: number, x: number, baseline: number, anchor: 'start' | 'centre' | 'end'): number {
  const line = setNatural(ctx, text, font);
  const w = line.width * size;
  const left = anchor === 'start' ? x : anchor === 'end' ? x - w : x - w / 2;
  for (const gl of line.glyphs) out.push({ ch: gl.ch, face: gl.face, size, x: left + gl.x * size, y: baseline, fullWidth: gl.fullWidth, halfWidth: gl.halfWidth });
  return w;
}

const countChars = (lines: SetLine[]) => lines.reduce((n, l) => n + l.glyphs.length, 0);

/** Body lines: one row per line, each on its own grid line. */
export function bodyRows(ctx: SetContext, lines: SetLine[], size: number, dx = 0): Row[] {
  const dy = (ctx.pitch - size) / 2 + EM_ASCENT * size;
  return lines.map((l) => ({ lines: 1, set: [{ line: l, size, dx, dy }], chars: l.glyphs.length, keepWithNext: false }));
}

/**
 * Lines of a larger size kept together in one row of whole grid lines, their em boxes centred
 * in it with `padding` grid lines' worth of air shared above and below.
 */
export function blockRow(ctx: SetContext, lines: SetLine[], size: number, padding: number, dx = 0): Row {
  const height = size + (lines.length - 1) * size * HEADING_LEADING;
  const gridLines = Math.max(1, Math.ceil((height + padding * ctx.pitch) / ctx.pitch - 1e-9));
  const top = (gridLines * ctx.pitch - height) / 2;
  const set = lines.map((line, j) => ({ line, size, dx, dy: top + EM_ASCENT * size + j * size * HEADING_LEADING }));
  return { lines: gridLines, set, chars: countChars(lines), keepWithNext: false };
}

/** Budoux's Simplified Chinese model, loaded on the first display line and kept. */
let phraseParser: ReturnType<typeof loadDefaultSimplifiedChineseParser> | undefined;

/** A stretch of a display line that is never broken: a budoux phrase, with a desk-typed space before it or none. */
export interface Phrase {
  text: string;
  spaced: boolean;
  /** Letters and digits in it: a phrase of one is a piece of a word budoux could not place. */
  base: number;
}

const baseCount = (text: string) => [...text].filter((ch) => /[\p{L}\p{N}]/u.test(ch)).length;

/**
 * The phrases of a display text: budoux's, within the pieces the desk parted by spaces, joined
 * again where a break between them would start a line with a mark that may not start one or end
 * it with one that may not end it (budoux knows no 避头尾).
 */
export function phrasesOf(ctx: SetContext, text: string): Phrase[] {
  phraseParser ??= loadDefaultSimplifiedChineseParser();
  const level = ctx.template.kinsoku;
  const out: Phrase[] = [];
  for (const piece of text.trim().split(/\s+/)) {
    phraseParser.parse(piece).forEach((p, i) => {
      const prev = out[out.length - 1];
      const spaced = i === 0 && out.length > 0;
      const first = p.codePointAt(0)!;
      const last = prev ? [...prev.text].pop()!.codePointAt(0)! : 0;
      if (prev && !spaced && (!mayStartLine(classOf(first), level) || !mayEndLine(classOf(last), level))) {
        prev.text += p;
        prev.base = baseCount(prev.text);
      } else out.push({ text: p, spaced, base: baseCount(p) });
    });
  }
  return out;
}

export const joinPhrases = (ps: Phrase[]) => ps.map((p, i) => (i > 0 && p.spaced ? ` ${p.text}` : p.text)).join('');

/**
 * The natural width, em, of the line of phrases [i, j) of a display text, as measureNatural gives
 * it for that line's text: from the whole text's units set once, and measured on its own only
 * where the cut on either side changes what the units are.
 */
export function phraseWidths(ctx: SetContext, ps: Phrase[], font: string): (i: number, j: number) => number {
  const measured = (i: number, j: number) => measureNatural(ctx, joinPhrases(ps.slice(i, j)), font);
  const table = naturalPieceWidths(paragraphOf(ctx, [{ text: joinPhrases(ps), font }], NATURAL, []), ctx.fonts, ps);
  if (!table) return measured;
  return (i, j) => {
    const width = table[i * (ps.length + 1) + j];
    return Number.isNaN(width) ? measured(i, j) : width;
  };
}

/** How a way of breaking a display text scores, compared in order: fewest lines, fewest breaks beside a lone character, most even lines. */
type Score = [lines: number, lone: number, evenness: number];
const better = (a: Score, b: Score) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * Display lines (kicker, subheads, captions, headlines the composer breaks): broken only between
 * phrases, in as few lines as fit the measure, and of as even a length as those breaks allow; a
 * break beside a one-character phrase (the 李 of 李强) is taken only where no other fits. A phrase
 * wider than the measure leaves the breaking to the body's rules.
 */
export function setDisplay(ctx: SetContext, text: string, font: string, o: SetOptions): SetLine[] {
  const ps = phrasesOf(ctx, text);
  // Trial widths are set in a context of their own: the desk hears of a missing glyph once.
  const trial: SetContext = { ...ctx, found: { missing: [], warnings: [] } };
  const cuts = displayBreaks(ps, o.measure / o.size, phraseWidths(trial, ps, font));
  if (!cuts) return setLines(ctx, [{ text, font }], o);
  return cuts.flatMap((j, k) => setLines(ctx, [{ text: joinPhrases(ps.slice(k ? cuts[k - 1] : 0, j)), font }], o));
}

/**
 * Where setDisplay ends the lines of a display text's phrases at a measure, em, with the widths of
 * its trial lines: the phrase each line ends before; none where some phrase is wider than the measure.
 */
export function displayBreaks(ps: Phrase[], measure: number, widthOf: (i: number, j: number) => number): number[] | undefined {
  // Fewest lines come first, so a text whose every tail up to the whole fits the measure takes one
  // line: the programme would reach the whole from its last phrase and choose it over any break.
  let oneLine = ps.length > 0;
  for (let i = ps.length - 1; oneLine && i >= 0; i--) oneLine = !(widthOf(i, ps.length) > measure + 1e-6);
  if (oneLine) return [ps.length];
  const best: ({ score: Score; from: number } | undefined)[] = [{ score: [0, 0, 0], from: -1 }];
  for (let j = 1; j <= ps.length; j++) {
    for (let i = j - 1; i >= 0; i--) {
      const width = widthOf(i, j);
      if (width > measure + 1e-6) break;
      const before = best[i];
      if (!before) continue;
      const lone = i > 0 && (ps[i - 1].base === 1 || ps[i].base === 1) ? 1 : 0;
      const score: Score = [before.score[0] + 1, before.score[1] + lone, before.score[2] + width * width];
      if (!best[j] || better(score, best[j]!.score) < 0) best[j] = { score, from: i };
    }
  }
  if (!best[ps.length]) return undefined;
  const cuts: number[] = [];
  for (let j = ps.length; j > 0; j = best[j]!.from) cuts.unshift(j);
  return cuts;
}
