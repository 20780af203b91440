/**
 * A face's full- and half-width forms (fwid, hwid) read from its GSUB table. fontkit answers the
 * same question by shaping the character: it decodes the whole of GSUB and GPOS, reads Unicode's
 * script tables to choose a script, and runs a shaper, all for one substitution of one glyph. Here
 * the answer is what that shaping would give for a character alone, and where the table holds
 * something this reading does not follow, the glyph is answered SHAPED and left to fontkit.
 */

import type { GlyphForm } from '../text/types.js';

/** A glyph whose form the table alone does not settle here: fontkit shapes the character. */
export const SHAPED = -1;

type WidthForm = NonNullable<GlyphForm>;

/**
 * The features fontkit's default shaper applies to every glyph beside the one asked for, in
 * either direction; its fraction features are given only to a fraction slash and the digits about it.
 */
const ALWAYS_APPLIED = ['rvrn', 'ccmp', 'locl', 'rlig', 'mark', 'mkmk', 'calt', 'clig', 'liga', 'rclt', 'curs', 'kern'];
const BY_DIRECTION = { ltr: ['ltra', 'ltrm'], rtl: ['rtla', 'rtlm'] } as const;
/**
 * Scripts fontkit sets with its default shaper; a face with another (Arabic, Hangul, Indic …) is
 * left to fontkit. fontkit chooses the shaper by the character's script, not the face's: a width
 * form is asked of digits, dashes and ellipses, whose scripts all take the default shaper.
 */
const DEFAULT_SHAPER_SCRIPTS = new Set(['DFLT', 'dflt', 'latn', 'grek', 'cyrl', 'hani', 'kana', 'hira', 'bopo']);
/** The scripts fontkit falls back on when a face has none for the character's, the first it has of them. */
const FALLBACK_SCRIPTS = ['DFLT', 'dflt', 'latn'];
/**
 * Characters of no script of their own (punctuation, digits, dashes, ellipses): fontkit sets one
 * alone in its fallback script, left to right, whatever other scripts the face lists. Node's
 * Unicode is newer than fontkit's; they part only at a character moved from a script of its own to
 * none, where this would answer for the fallback script what fontkit sets in the character's.
 */
const SCRIPTLESS = /^[\p{Script=Zyyy}\p{Script=Zinh}\p{Script=Zzzz}]$/u;
/** fontkit gives its fraction features to this character even alone. */
const FRACTION_SLASH = 0x2044;
/** fontkit draws these as an empty space whatever GSUB says; Unicode's set holds all of fontkit's. */
const DEFAULT_IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

const SINGLE = 1;
const MULTIPLE = 2;
const ALTERNATE = 3;
const LIGATURE = 4;
const CONTEXT = 5;
const CHAINING_CONTEXT = 6;
const EXTENSION = 7;
const GSUB_MAJOR_VERSION = 1;
const TAG_BYTES = 4;
const GLYPH_IDS = 0x10000;

/**
 * What one lookup does to a glyph alone: the glyph it becomes, or SHAPED; a glyph it leaves as it
 * is is not in the map. Undefined: the lookup is not read here, whatever the glyph.
 */
type LoneGlyphLookup = Map<number, number> | undefined;

/**
 * A form's lookups for a character alone: one list per script and direction fontkit could choose
 * (those alike once), and the list it sets a character of no script with, where the face has a
 * fallback script.
 */
interface FormPrograms {
  all: LoneGlyphLookup[][];
  scriptless: LoneGlyphLookup[] | undefined;
}

/** The face's GSUB read for one glyph at a time: its lookups compiled when a form first needs them. */
export class WidthForms {
  private readonly lookups = new Map<number, LoneGlyphLookup>();
  /** Per form, the lookups fontkit could apply to a character alone (FormPrograms); undefined where not read here. */
  private readonly programs = new Map<WidthForm, FormPrograms | undefined>();

  /**
   * `bytes` hold the GSUB table at `offset` (undefined: the face has none); `otherLayout`, that the
   * face has a layout table fontkit prefers to GSUB (AAT's morx).
   */
  constructor(
    private readonly bytes: Buffer,
    private readonly offset: number | undefined,
    private readonly otherLayout: boolean,
  ) {}

  /** The glyph `codePoint` (drawn as `glyph` by the character map) is drawn with in `form`, or SHAPED. */
  of(codePoint: number, glyph: number, form: WidthForm): number {
    const ch = String.fromCodePoint(codePoint);
    if (codePoint === FRACTION_SLASH || DEFAULT_IGNORABLE.test(ch)) return SHAPED;
    let programs = this.programs.get(form);
    if (!this.programs.has(form)) this.programs.set(form, (programs = this.read(form)));
    if (!programs) return SHAPED;
    if (programs.scriptless && SCRIPTLESS.test(ch)) return through(programs.scriptless, glyph);
    // Which script fontkit picks depends on the character; where the answer is the same for each, it is no matter.
    const { all } = programs;
    const answer = through(all[0], glyph);
    for (let k = 1; k < all.length; k++) if (through(all[k], glyph) !== answer) return SHAPED;
    return answer;
  }

  private read(form: WidthForm): FormPrograms | undefined {
    if (this.offset === undefined) return this.otherLayout ? undefined : { all: [[]], scriptless: [] };
    try {
      const lists = this.lookupLists(form);
      if (!lists) return undefined;
      const all = lists.all.map((list) => list.map((index) => this.lookup(index)));
      const scriptless = lists.scriptless?.map((index) => this.lookup(index));
      return all.some((p) => p.includes(undefined)) || scriptless?.includes(undefined) ? undefined : { all, scriptless };
    } catch (e) {
      // A table that points outside the file: fontkit says what is wrong with it.
      if (e instanceof RangeError) return undefined;
      throw e;
    }
  }

  /**
   * The lookups fontkit applies to a character alone for each script of the face it could choose
   * and each direction, by lookup index as fontkit applies them (a lookup of two features twice),
   * those alike once, and the list of the fallback script left to right; undefined where a script
   * would be set by another shaper.
   */
  private lookupLists(form: WidthForm): { all: number[][]; scriptless: number[] | undefined } | undefined {
    const b = this.bytes;
    const gsub = this.offset!;
    // A list left out (offset 0) is for fontkit to make what it will of.
    if (b.readUInt16BE(gsub) !== GSUB_MAJOR_VERSION || !b.readUInt16BE(gsub + 4) || !b.readUInt16BE(gsub + 6) || !b.readUInt16BE(gsub + 8)) return undefined;
    const scripts = gsub + b.readUInt16BE(gsub + 4);
    const features = gsub + b.readUInt16BE(gsub + 6);
    const featureCount = b.readUInt16BE(features);
    const lists = new Map<string, number[]>();
    const add = (list: number[]) => lists.set(list.join(), list);
    // By the order of FALLBACK_SCRIPTS: fontkit looks for each of them in turn.
    const fallbackLists: (number[] | undefined)[] = FALLBACK_SCRIPTS.map(() => undefined);
    for (let k = 0, n = b.readUInt16BE(scripts); k < n; k++) {
      const record = scripts + 2 + k * (TAG_BYTES + 2);
      const tag = b.toString('latin1', record, record + TAG_BYTES);
      if (!DEFAULT_SHAPER_SCRIPTS.has(tag)) return undefined;
      const fallbackRank = FALLBACK_SCRIPTS.indexOf(tag);
      const script = scripts + b.readUInt16BE(record + TAG_BYTES);
      const langSys = b.readUInt16BE(script);
      // fontkit sets with the script's default language system; without one, with no features.
      if (!langSys) {
        add([]);
        if (fallbackRank >= 0) fallbackLists[fallbackRank] ??= [];
        continue;
      }
      const byTag = new Map<string, number>();
      const system = script + langSys;
      for (let f = 0, count = b.readUInt16BE(system + 4); f < count; f++) {
        const index = b.readUInt16BE(system + 6 + 2 * f);
        if (index >= featureCount) return undefined;
        const at = features + 2 + index * (TAG_BYTES + 2);
        // A tag listed twice: fontkit keeps the last.
        byTag.set(b.toString('latin1', at, at + TAG_BYTES), features + b.readUInt16BE(at + TAG_BYTES));
      }
      for (const [direction, directional] of Object.entries(BY_DIRECTION)) {
        const list: number[] = [];
        for (const tag of [...ALWAYS_APPLIED, ...directional, form]) {
          const feature = byTag.get(tag);
          if (feature === undefined) continue;
          for (let l = 0, count = b.readUInt16BE(feature + 2); l < count; l++) list.push(b.readUInt16BE(feature + 4 + 2 * l));
        }
        add(list.sort((x, y) => x - y));
        if (direction === 'ltr' && fallbackRank >= 0) fallbackLists[fallbackRank] ??= list;
      }
    }
    // A face with none of the scripts fontkit falls back on keeps the one it chose last, or none.
    if (fallbackLists.every((list) => list === undefined)) add([]);
    return { all: [...lists.values()], scriptless: fallbackLists.find((list) => list !== undefined) };
  }

  private lookup(index: number): LoneGlyphLookup {
    if (!this.lookups.has(index)) this.lookups.set(index, this.compile(index));
    return this.lookups.get(index);
  }

  /** A lookup as one map: of its subtables, the first that applies to a glyph is the one fontkit applies. */
  private compile(index: number): LoneGlyphLookup {
    const b = this.bytes;
    const gsub = this.offset!;
    const list = gsub + b.readUInt16BE(gsub + 8);
    if (index >= b.readUInt16BE(list)) return undefined;
    const lookup = list + b.readUInt16BE(list + 2 + 2 * index);
    const type = b.readUInt16BE(lookup);
    const into = new Map<number, number>();
    for (let s = 0, n = b.readUInt16BE(lookup + 4); s < n; s++) {
      if (!this.subtable(type, lookup + b.readUInt16BE(lookup + 6 + 2 * s), into)) return undefined;
    }
    return into;
  }

  /**
   * Adds what a subtable does to a glyph alone to `into`, where an earlier subtable has not
   * already; false where it is not read here.
   */
  private subtable(type: number, at: number, into: Map<number, number>): boolean {
    const b = this.bytes;
    const format = b.readUInt16BE(at);
    // Where the subtable has one coverage, at its head: all but the formats of contexts by coverages.
    const coverage = () => at + b.readUInt16BE(at + 2);
    const set = (glyph: number, to: number) => {
      if (!into.has(glyph)) into.set(glyph, to);
    };
    switch (type) {
      case SINGLE: {
        if (format === 1) {
          const delta = b.readInt16BE(at + 4);
          return covered(b, coverage(), (glyph) => set(glyph, (glyph + delta) & (GLYPH_IDS - 1)));
        }
        if (format !== 2) return false;
        const count = b.readUInt16BE(at + 4);
        return covered(b, coverage(), (glyph, k) => set(glyph, k < count ? b.readUInt16BE(at + 6 + 2 * k) : SHAPED));
      }
      case MULTIPLE:
      case ALTERNATE:
        return format === 1 && covered(b, coverage(), (glyph) => set(glyph, SHAPED));
      case LIGATURE: {
        if (format !== 1) return false;
        // A ligature of one component would take the glyph alone; longer ones need glyphs after it.
        const sets = b.readUInt16BE(at + 4);
        return covered(b, coverage(), (glyph, k) => {
          if (k >= sets) return set(glyph, SHAPED);
          const ligatures = at + b.readUInt16BE(at + 6 + 2 * k);
          for (let l = 0, n = b.readUInt16BE(ligatures); l < n; l++) {
            if (b.readUInt16BE(ligatures + b.readUInt16BE(ligatures + 2 + 2 * l) + 2) <= 1) return set(glyph, SHAPED);
          }
        });
      }
      case CONTEXT:
        if (format === 1 || format === 2) return covered(b, coverage(), (glyph) => set(glyph, SHAPED));
        return format === 3 && alone(b, 0, b.readUInt16BE(at + 2), at + 6, 0, at, set);
      case CHAINING_CONTEXT: {
        if (format === 1 || format === 2) return covered(b, coverage(), (glyph) => set(glyph, SHAPED));
        if (format !== 3) return false;
        const backtrack = b.readUInt16BE(at + 2);
        const input = at + 4 + 2 * backtrack;
        const inputs = b.readUInt16BE(input);
        return alone(b, backtrack, inputs, input + 2, b.readUInt16BE(input + 2 + 2 * inputs), at, set);
      }
      case EXTENSION: {
        const extended = b.readUInt16BE(at + 2);
        return format === 1 && extended !== EXTENSION && this.subtable(extended, at + b.readUInt32BE(at + 4), into);
      }
      default:
        // fontkit refuses the rest (reverse chaining) whatever the glyph.
        return false;
    }
  }
}

/**
 * A context of coverages (format 3) applies to a glyph alone only where it asks for nothing before
 * or after it and for no more than that glyph: then it is fontkit's to apply.
 */
function alone(b: Buffer, before: number, inputs: number, coverages: number, after: number, at: number, set: (glyph: number, to: number) => void): boolean {
  if (before > 0 || after > 0 || inputs > 1) return true;
  if (inputs === 0) return false;
  return covered(b, at + b.readUInt16BE(coverages), (glyph) => set(glyph, SHAPED));
}

/**
 * Calls `each` with every glyph of a coverage table and its coverage index, in the table's order
 * (fontkit takes a glyph's first); false for a format it does not read.
 */
function covered(b: Buffer, at: number, each: (glyph: number, index: number) => void): boolean {
  const format = b.readUInt16BE(at);
  const count = b.readUInt16BE(at + 2);
  if (format === 1) {
    for (let k = 0; k < count; k++) each(b.readUInt16BE(at + 4 + 2 * k), k);
    return true;
  }
  if (format !== 2) return false;
  for (let r = 0; r < count; r++) {
    const range = at + 4 + 6 * r;
    const start = b.readUInt16BE(range);
    const first = b.readUInt16BE(range + 4);
    for (let glyph = start, end = b.readUInt16BE(range + 2); glyph <= end; glyph++) each(glyph, first + glyph - start);
  }
  return true;
}

/** A glyph alone through a list of lookups, or SHAPED where one of them is fontkit's to apply. */
function through(program: LoneGlyphLookup[], glyph: number): number {
  for (const lookup of program) {
    const to = lookup!.get(glyph);
    if (to === undefined) continue;
    if (to === SHAPED) return SHAPED;
    glyph = to;
  }
  return glyph;
}
