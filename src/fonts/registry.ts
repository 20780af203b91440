import { fstatSync, readFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import * as fontkit from 'fontkit';
import { IssueError } from '../issue/errors.js';
import { describe, isObj, suggest, type Locator } from '../issue/schema.js';
import { readConfig, readNamedFile, Refused } from '../layout/config.js';
import { packageRoot } from '../paths.js';
import type { GlyphForm, Metrics, TextRun } from '../text/types.js';
import { CharacterMap } from './cmap.js';
import { SHAPED, WidthForms } from './gsub.js';
import { damage, mapsCharacters, readOutlines, readTablesButOutlines, type SparseFont } from './sfnt.js';

/** A font face as loaded: the role that names it and the file behind it. */
export interface Face {
  role: string;
  file: string;
  /** What identifies the file without its megabytes: its table directory (tags, checksums, places, lengths) and size. */
  identity: Buffer;
  /** The file's bytes, outlines included: the outlines are read when first asked for (a subset not kept, a proof). */
  readonly bytes: Buffer;
  /** The font with its outlines readable. */
  readonly font: fontkit.Font;
}

/** The glyphs a character is drawn with in a face, and the text each stands for when copied. */
export interface DrawnGlyphs {
  ids: number[];
  texts: string[];
  /** Their advances together, em. */
  advance: number;
  /** The renderer's: the ids as a content stream shows them, made when the character is first drawn. */
  shown: Buffer | undefined;
  /** The renderer's: the last page that noted these glyphs, so a page notes a character's glyphs once however often it draws it. */
  notedOn: number;
}

/** A drawing no page has noted yet: the renderer numbers its pages from the one after it. */
export const NOT_NOTED = 0;

/** The glyphs each character is drawn with in one face and form, found once per character. */
export class FaceGlyphs {
  private readonly known = new Map<string, DrawnGlyphs>();
  /** Those of characters of one UTF-16 unit, by it: nearly every glyph a page draws, found without hashing. */
  private readonly single: (DrawnGlyphs | undefined)[] = new Array(MAX_BMP + 1);

  constructor(
    private readonly fonts: FontRegistry,
    private readonly face: string,
    private readonly form: GlyphForm,
    private readonly loaded: LoadedFace,
    private readonly forms: WidthForms,
  ) {}

  of(ch: string): DrawnGlyphs {
    if (ch.length === 1) {
      const unit = ch.charCodeAt(0);
      return this.single[unit] ?? (this.single[unit] = this.find(ch));
    }
    let d = this.known.get(ch);
    if (!d) this.known.set(ch, (d = this.find(ch)));
    return d;
  }

  private find(ch: string): DrawnGlyphs {
    const { fonts, face, form, loaded } = this;
    const glyphs = form ? this.inForm(ch, form) : [...ch].map((c) => ({ id: loaded.glyph(c.codePointAt(0)!), text: c }));
    return { ids: glyphs.map((g) => g.id), texts: glyphs.map((g) => g.text), advance: glyphs.reduce((w, g) => w + fonts.glyphAdvance(face, g.id), 0), shown: undefined, notedOn: NOT_NOTED };
  }

  /** A character alone from the face's GSUB; one with marks, or one GSUB does not settle, shaped by fontkit. */
  private inForm(ch: string, form: NonNullable<GlyphForm>): { id: number; text: string }[] {
    const cp = ch.codePointAt(0)!;
    const id = ch.length === (cp > MAX_BMP ? 2 : 1) ? this.forms.of(cp, this.loaded.glyph(cp), form) : SHAPED;
    if (id !== SHAPED) return [{ id, text: ch }];
    return this.loaded.metrics.layout(ch, [form]).glyphs.map((g) => ({ id: g.id, text: String.fromCodePoint(...g.codePoints) }));
  }
}

/** What a PDF font descriptor says of a face, in the face's own units. */
export interface FaceDescription {
  postscriptName: string;
  unitsPerEm: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  italicAngle: number;
  ascent: number;
  descent: number;
  capHeight: number;
  xHeight: number;
  familyClass: number;
  fixedPitch: boolean;
  italic: boolean;
}

export interface FontWarning {
  code: 'font-substituted';
  role: string;
  message: string;
}

interface RoleEntry {
  package?: string;
  file?: string;
  path?: string;
  install?: string;
  otherwise?: string;
}
const ROLE_KEYS = ['package', 'file', 'path', 'install', 'otherwise'];
const TOP_KEYS = ['roles', 'fallback'];
/** What a role of fonts.yaml is given, in messages that say what to do. */
const ROLE_FORM = 'give it package and file (an npm font package), or path (a font file)';
/** The largest CJK fonts are some tens of megabytes; a file far beyond is no font to load. */
const FONT_BYTES = 512 * 2 ** 20;

/**
 * Chinese text sets “ ” ‘ ’ full width; a face whose quotes are proportional (LXGW WenKai draws them
 * as Latin quotes) borrows them from the fallback chain.
 */
const FULL_WIDTH_QUOTES = new Set([0x201c, 0x201d, 0x2018, 0x2019]);
/** The advance, em, a quotation mark drawn full width comes to, rounding in the face's units allowed. */
const FULL_WIDTH_ADVANCE = 0.99;
/** The last code point one UTF-16 unit holds: above it a character takes two. */
const MAX_BMP = 0xffff;

/**
 * A character the role's own font lacks: set from `face` of the fallback chain, or, where no font
 * has it (`face` undefined), left out and reported, never drawn as a .notdef box.
 */
export interface MissingGlyph {
  ch: string;
  role: string;
  face?: string;
}

/**
 * Font roles (宋, 黑, 楷 …) mapped to font files, each loaded once through fontkit. Implements the
 * text stage's Metrics with a per-face advance cache, so composition never touches fontkit itself.
 */
export class FontRegistry implements Metrics {
  private readonly faces = new Map<string, LoadedFace>();
  private readonly alias = new Map<string, string>();
  private readonly advances = new FaceMemos();
  /** Per face and character, the advance of its half-width form (hwid), or NO_FORM where it has none. */
  private readonly halfAdvances = new FaceMemos();
  private readonly widths = new Map<string, HorizontalMetrics>();
  private readonly drawn = new Map<string, FaceGlyphs>();
  /** Per face and character, 1 where its character map has a glyph for it, else 0. */
  private readonly coverage = new FaceMemos();
  readonly warnings: FontWarning[] = [];
  readonly fallback: string[];

  constructor(configFile: string) {
    const list = readFontList(configFile);
    const require = createRequire(configFile);
    const pending = new Map<string, string>();
    for (const [role, entry] of list.roles) {
      const fileKey = entry.package ? 'file' : 'path';
      const file = entry.package ? packageFile(require, configFile, role, entry, list.loc) : resolvePath(dirname(configFile), entry.path!);
      const face = loadFace(file, role, entry, list.loc.value(['roles', role, fileKey]));
      if (face) {
        this.faces.set(role, face);
        continue;
      }
      pending.set(role, entry.otherwise!);
      this.warnings.push({
        code: 'font-substituted',
        role,
        message: `font role "${role}": ${file} is not there${entry.install ? ` (${entry.install})` : ''}; using "${entry.otherwise}" instead`,
      });
    }
    for (const [role, other] of pending) {
      if (!this.faces.has(other)) throw new IssueError('bad-template', list.loc.value(['roles', role, 'otherwise']), `fonts.yaml: font role "${role}": otherwise names "${other}", which is not a role with its own font; name one of ${[...this.faces.keys()].join(', ')}`);
      this.alias.set(role, other);
    }
    // A substituted role in the chain is served by its stand-in, which the chain reaches by its own name.
    this.fallback = list.fallback.filter((r) => this.faces.has(r));
  }

  /** Every role fonts.yaml defines, substituted ones included. */
  roles(): string[] {
    return [...this.faces.keys(), ...this.alias.keys()];
  }

  /** The face key that serves a role (a substituted role answers with its stand-in). */
  faceOf(role: string): string {
    const key = this.alias.get(role) ?? role;
    if (!this.faces.has(key)) throw new Error(`unknown font role "${role}"`);
    return key;
  }

  hasRole(role: string): boolean {
    return this.faces.has(role) || this.alias.has(role);
  }

  face(key: string): Face {
    return this.loaded(key);
  }

  private loaded(key: string): LoadedFace {
    const f = this.faces.get(key);
    if (!f) throw new Error(`unknown font face "${key}"`);
    return f;
  }

  loadedFaces(): Face[] {
    return [...this.faces.values()];
  }

  halfAdvance(face: string, codePoint: number): number | undefined {
    const memo = this.halfAdvances.of(face);
    let a = memo.get(codePoint);
    if (a === undefined) {
      const plain = this.loaded(face).glyph(codePoint);
      const half = this.drawing(face, 'hwid').of(String.fromCodePoint(codePoint)).ids[0];
      a = half !== undefined && half !== plain ? this.glyphAdvance(face, half) : NO_FORM;
      memo.set(codePoint, a);
    }
    return a === NO_FORM ? undefined : a;
  }

  advance(face: string, codePoint: number): number {
    const memo = this.advances.of(face);
    let a = memo.get(codePoint);
    if (a === undefined) {
      a = this.glyphAdvance(face, this.loaded(face).glyph(codePoint));
      memo.set(codePoint, a);
    }
    return a;
  }

  /** A glyph's advance, em, read from the face's hmtx table: fontkit's glyph objects decode outlines to answer. */
  glyphAdvance(face: string, glyphId: number): number {
    let m = this.widths.get(face);
    if (!m) this.widths.set(face, (m = horizontalMetrics(this.loaded(face))));
    return m.advance(glyphId) / m.unitsPerEm;
  }

  /**
   * The glyphs of one face in one form, for a run of characters drawn alike: one per code point
   * from the character map, or, in a full- or half-width form, what the face substitutes for it,
   * so rendering never shapes; the renderer looks its characters up here without finding the face
   * and form again for each.
   */
  drawing(face: string, form: GlyphForm): FaceGlyphs {
    const key = form ? `${form}:${face}` : face;
    let d = this.drawn.get(key);
    if (!d) {
      const loaded = this.loaded(face);
      this.drawn.set(key, (d = new FaceGlyphs(this, face, form, loaded, loaded.widthForms)));
    }
    return d;
  }

  /**
   * What the PDF's font descriptor needs of a face, read from the head, hhea, post and OS/2 tables
   * themselves: fontkit decodes the whole post table (every glyph's name) to give its italic angle.
   */
  describe(face: string): FaceDescription {
    const { tables: bytes, metrics: font } = this.loaded(face);
    const tables = font.directory!.tables;
    const head = tables.head.offset;
    const hhea = tables.hhea.offset;
    const post = tables.post?.offset;
    const os2 = tables['OS/2']?.offset;
    const os2Version = os2 === undefined ? 0 : bytes.readUInt16BE(os2);
    const ascent = bytes.readInt16BE(hhea + 4);
    return {
      postscriptName: font.postscriptName,
      unitsPerEm: bytes.readUInt16BE(head + 18),
      bbox: { minX: bytes.readInt16BE(head + 36), minY: bytes.readInt16BE(head + 38), maxX: bytes.readInt16BE(head + 40), maxY: bytes.readInt16BE(head + 42) },
      italicAngle: post === undefined ? 0 : bytes.readInt32BE(post + 4) / 65536,
      ascent,
      descent: bytes.readInt16BE(hhea + 6),
      capHeight: os2 === undefined ? ascent : os2Version >= 2 ? bytes.readInt16BE(os2 + 88) : 0,
      xHeight: os2 !== undefined && os2Version >= 2 ? bytes.readInt16BE(os2 + 86) : 0,
      familyClass: os2 === undefined ? 0 : bytes.readInt16BE(os2 + 30) >> 8,
      fixedPitch: post !== undefined && bytes.readUInt32BE(post + 12) !== 0,
      italic: (bytes.readUInt16BE(head + 44) & 2) !== 0,
    };
  }

  /**
   * Splits text into runs by the face that has each character: the role's own face first, then the
   * fallback chain. A character goes with the combining marks typed after it, normalised (NFC), and
   * takes the first face that has all of them, so a mark is never drawn from a face that lacks it.
   * Every character the role's font lacks is listed; those no face has are left out.
   */
  runs(text: string, role: string, missing: MissingGlyph[]): TextRun[] {
    const own = this.faceOf(role);
    const runs: TextRun[] = [];
    // A run's text so far is `cur` and then the characters [from, to) of `text` as typed: most
    // runs are one slice of the text, never built character by character.
    let cur = '';
    let from = 0;
    let to = 0;
    let curFace = own;
    for (let i = 0; i < text.length; ) {
      const cp = text.codePointAt(i)!;
      const end = clusterEnd(text, i, cp);
      let face = own;
      let set: string | undefined;
      // Nearly every character of a page: one the role's own face has, with no marks after it.
      const common = end === i + (cp > MAX_BMP ? 2 : 1) && !this.narrowQuote(own, cp) && this.hasCode(own, cp);
      if (!common) {
        const cluster = normalisedCluster(text.slice(i, end));
        ({ face, set } = this.faceForCluster(cluster, own, role, missing));
        if (!set) {
          i = end;
          continue;
        }
      }
      if (face !== curFace && (cur || to > from)) {
        runs.push({ text: cur + text.slice(from, to), face: curFace });
        cur = '';
        from = to;
      }
      curFace = face;
      if (set === undefined && to === i) to = end;
      else {
        cur += text.slice(from, to) + (set ?? text.slice(i, end));
        from = to = end;
      }
      i = end;
    }
    if (cur || to > from) runs.push({ text: cur + text.slice(from, to), face: curFace });
    return runs;
  }

  /** A quotation mark the face draws narrow, which a Chinese text sets full width from another face. */
  private narrowQuote(face: string, cp: number): boolean {
    return FULL_WIDTH_QUOTES.has(cp) && this.advance(face, cp) < FULL_WIDTH_ADVANCE;
  }

  /** Whether a face has a glyph for a character, asked of its character map once per character. */
  private has(face: string, ch: string): boolean {
    return this.hasCode(face, ch.codePointAt(0)!);
  }

  private hasCode(face: string, cp: number): boolean {
    const memo = this.coverage.of(face);
    let has = memo.get(cp);
    if (has === undefined) memo.set(cp, (has = this.loaded(face).glyph(cp) !== 0 ? 1 : 0));
    return has === 1;
  }

  /** The face a character and its marks are set from, and what of them is set (empty: none is). */
  private faceForCluster(cluster: string, own: string, role: string, missing: MissingGlyph[]): { face: string; set: string } {
    const cp = cluster.codePointAt(0)!;
    const alone = cluster.length === (cp > MAX_BMP ? 2 : 1);
    if (alone && this.narrowQuote(own, cp)) {
      return { face: this.fallback.find((r) => this.advance(r, cp) > FULL_WIDTH_ADVANCE) ?? own, set: cluster };
    }
    const [base, ...marks] = [...cluster];
    // Controls and spaces are the text stage's to fold; a lone mark after one has no base to sit on.
    const needed = cp > 0x20 && !(cp >= 0x7f && cp < 0xa0) ? [base, ...marks] : marks;
    const hasAll = (face: string) => needed.every((ch) => this.has(face, ch));
    const face = hasAll(own) ? own : (this.fallback.find(hasAll) ?? (needed[0] === base ? (this.fallback.find((r) => this.has(r, base)) ?? own) : own));
    let set = '';
    for (const ch of cluster) {
      const lacks = needed.includes(ch) && !this.has(own, ch);
      const drawn = !needed.includes(ch) || this.has(face, ch);
      if (lacks) missing.push({ ch, role, face: drawn ? face : undefined });
      if (drawn) set += ch;
    }
    return { face, set };
  }
}

/** A half-width advance for a character whose face has no half-width form of it. */
const NO_FORM = -1;

/**
 * A number per code point, found once: those of the Basic Multilingual Plane in typed arrays, so
 * that the per-character loops of setting look them up without hashing.
 */
class CodePointMemo {
  private readonly known = new Uint8Array(MAX_BMP + 1);
  private readonly values = new Float64Array(MAX_BMP + 1);
  private readonly astral = new Map<number, number>();

  get(cp: number): number | undefined {
    if (cp > MAX_BMP) return this.astral.get(cp);
    return this.known[cp] ? this.values[cp] : undefined;
  }

  set(cp: number, v: number): void {
    if (cp > MAX_BMP) this.astral.set(cp, v);
    else {
      this.values[cp] = v;
      this.known[cp] = 1;
    }
  }
}

/** A memo per face; the face asked last is answered without a lookup, as a paragraph asks of one face character after character. */
class FaceMemos {
  private readonly memos = new Map<string, CodePointMemo>();
  private lastFace = '';
  private last: CodePointMemo | undefined;

  of(face: string): CodePointMemo {
    if (face === this.lastFace && this.last) return this.last;
    let memo = this.memos.get(face);
    if (!memo) this.memos.set(face, (memo = new CodePointMemo()));
    this.lastFace = face;
    return (this.last = memo);
  }
}

interface HorizontalMetrics {
  unitsPerEm: number;
  advance(glyphId: number): number;
}

/**
 * Advances straight from the hmtx table: numberOfHMetrics (hhea) pairs of advance and bearing,
 * the glyphs after them sharing the last advance.
 */
function horizontalMetrics(face: LoadedFace): HorizontalMetrics {
  const { tables: bytes, metrics: font } = face;
  const tables = font.directory!.tables;
  const count = bytes.readUInt16BE(tables.hhea.offset + 34);
  const at = tables.hmtx.offset;
  return { unitsPerEm: font.unitsPerEm, advance: (id) => bytes.readUInt16BE(at + 4 * Math.min(id, count - 1)) };
}

const COMBINING = /^\p{M}$/u;
/** Asked only of a character a mark follows. */
const isControlOrSpace = (cp: number) => cp <= 0x20 || (cp >= 0x7f && cp < 0xa0) || /^\s$/u.test(String.fromCodePoint(cp));
/** Per BMP code point: 0 not yet asked, 1 a combining mark, 2 not one; asked of the pattern once each. */
const bmpMarks = new Uint8Array(MAX_BMP + 1);
const isCombining = (cp: number) => {
  if (cp > MAX_BMP) return COMBINING.test(String.fromCodePoint(cp));
  if (!bmpMarks[cp]) bmpMarks[cp] = COMBINING.test(String.fromCharCode(cp)) ? 1 : 2;
  return bmpMarks[cp] === 1;
};

/**
 * Where the cluster that begins at `at` (its first code point `cp`) ends in `text`: a character
 * goes with the combining marks typed after it, unless it is a control or a space.
 */
function clusterEnd(text: string, at: number, cp: number): number {
  let end = at + (cp > MAX_BMP ? 2 : 1);
  while (end < text.length) {
    const next = text.codePointAt(end)!;
    if (!isCombining(next) || isControlOrSpace(cp)) break;
    end += next > MAX_BMP ? 2 : 1;
  }
  return end;
}

/** A letter with its marks as the page shows it (NFC), so a mark a face has precomposed is found as one. */
const normalisedCluster = (c: string) => (c.length > 1 && c.length > String.fromCodePoint(c.codePointAt(0)!).length ? c.normalize('NFC') : c);

/** fonts.yaml, its roles and fallback chain checked, each mistake at its own place in the file. */
function readFontList(configFile: string): { roles: Map<string, RoleEntry>; fallback: string[]; loc: Locator } {
  const { data, loc } = readConfig(configFile, 'fonts.yaml', `give roles: mapping each font role to its font (${ROLE_FORM})`);
  const fail = (at: ReturnType<Locator['value']>, what: string): never => {
    throw new IssueError('bad-template', at, `fonts.yaml: ${what}`);
  };
  if (!isObj(data)) fail(loc.value([]), `must be a mapping with roles: (each font role and its font) and fallback: (a list of roles), not ${describe(data)}`);
  const conf = data as Record<string, unknown>;
  for (const key of Object.keys(conf)) if (!TOP_KEYS.includes(key)) fail(loc.key([], key), unknownKey(key, TOP_KEYS));
  if (!isObj(conf.roles) || !Object.keys(conf.roles).length) fail(loc.value(['roles']), `roles must map each font role to its font (${ROLE_FORM}), not ${describe(conf.roles)}`);
  const roles = new Map<string, RoleEntry>();
  for (const [role, entry] of Object.entries(conf.roles as Record<string, unknown>)) {
    // At the role's name: an empty value has no place of its own in the file.
    const at = loc.key(['roles'], role);
    if (!isObj(entry)) fail(at, `font role "${role}" is ${describe(entry)}; ${ROLE_FORM}`);
    for (const [key, v] of Object.entries(entry as Record<string, unknown>)) {
      if (!ROLE_KEYS.includes(key)) fail(loc.key(['roles', role], key), `font role "${role}": ${unknownKey(key, ROLE_KEYS)}`);
      if (typeof v !== 'string' || !v) fail(loc.value(['roles', role, key]), `font role "${role}": ${key} must be a non-empty string, not ${describe(v)}`);
    }
    const e = entry as RoleEntry;
    if (!(e.package && e.file) && !e.path) fail(at, `font role "${role}" names no font; ${ROLE_FORM}`);
    roles.set(role, e);
  }
  return { roles, fallback: fallbackOf(conf.fallback, roles, loc, fail), loc };
}

function unknownKey(key: string, known: string[]): string {
  const near = suggest(key, known);
  return `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ''}; the keys are ${known.join(', ')}`;
}

/** The fallback chain: roles fonts.yaml defines, in the order they are tried. */
function fallbackOf(v: unknown, roles: Map<string, RoleEntry>, loc: Locator, fail: (at: ReturnType<Locator['value']>, what: string) => never): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) fail(loc.value(['fallback']), `fallback must be a list of font roles tried in order ([${[...roles.keys()].join(', ')}]), not ${describe(v)}`);
  (v as unknown[]).forEach((r, i) => {
    if (typeof r !== 'string' || !roles.has(r)) fail(loc.value(['fallback', i]), `fallback: ${describe(r)} is not a font role of roles:; name one of ${[...roles.keys()].join(', ')}`);
  });
  return v as string[];
}

/**
 * The font file of a role served by an npm package: installed beside the fonts.yaml (a paper's
 * workspace), else among Banmian's own dependencies.
 */
function packageFile(require: NodeJS.Require, configFile: string, role: string, entry: RoleEntry, loc: Locator): string {
  try {
    return join(dirname(require.resolve(`${entry.package}/package.json`, { paths: [dirname(configFile), packageRoot()] })), entry.file!);
  } catch {
    throw new IssueError('bad-template', loc.value(['roles', role, 'package']), `fonts.yaml: font role "${role}": npm package ${entry.package} is not installed; run npm ci`);
  }
}

/** A file as opened: a change between loading its tables and reading its outlines shows in these. */
const stateOf = (s: Stats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;

type Position = ReturnType<Locator['value']>;

/**
 * A face whose tables are read and whose outlines are read when first needed. `metrics` is the
 * fontkit font the registry sets with (character map, advances, width forms); `font`, the one with
 * outlines, made afresh once they are in, so no glyph decoded before is kept empty.
 */
class LoadedFace implements Face {
  readonly identity: Buffer;
  private full?: fontkit.Font;
  private forms?: WidthForms;
  /** Read when a glyph is first asked for; null where fontkit reads the face's subtable. */
  private characters?: CharacterMap | null;

  constructor(
    readonly role: string,
    readonly file: string,
    /** The file's bytes: whole, or every table but the outlines at its place. */
    readonly tables: Buffer,
    readonly metrics: fontkit.Font,
    /** Undefined once the outlines are in (or the file was read whole). */
    private sparse: { font: SparseFont; state: string; at: Position } | undefined,
  ) {
    this.identity = Buffer.concat([tables.subarray(0, 12 + 16 * tables.readUInt16BE(4)), Buffer.from(String(tables.length))]);
  }

  get bytes(): Buffer {
    const sparse = this.sparse;
    if (sparse) {
      const refuse = (why: string): never => {
        throw new IssueError('bad-template', sparse.at, `fonts.yaml: font role "${this.role}": ${this.file} ${why}; compose again`);
      };
      try {
        readNamedFile(this.file, FONT_BYTES, (fd) => {
          if (stateOf(fstatSync(fd)) !== sparse.state) refuse('was changed while in use');
          readOutlines(fd, sparse.font);
        });
      } catch (e) {
        if (e instanceof Refused) refuse('was changed while in use');
        throw e;
      }
      this.sparse = undefined;
    }
    return this.tables;
  }

  /**
   * The glyph the character map gives a code point, as fontkit's glyphForCodePoint does, read
   * from the cmap table here: fontkit's glyph object asks Unicode's category tables whether the
   * character is a mark, which inflates them. A subtable of a kind read only by fontkit is fontkit's.
   */
  glyph(codePoint: number): number {
    if (this.characters === undefined) this.characters = CharacterMap.read(this.tables, this.metrics.directory!.tables.cmap?.offset) ?? null;
    return this.characters ? this.characters.glyph(codePoint) : this.metrics.glyphForCodePoint(codePoint).id;
  }

  /** The width forms of its GSUB, read when a form is first asked for. */
  get widthForms(): WidthForms {
    const tables = this.metrics.directory!.tables;
    this.forms ??= new WidthForms(this.tables, tables.GSUB?.offset, tables.morx !== undefined);
    return this.forms;
  }

  get font(): fontkit.Font {
    if (this.sparse === undefined && this.full === undefined) return this.metrics;
    this.full ??= fontkit.create(this.bytes);
    return this.full;
  }
}

/**
 * A role's face, its tables read (a TrueType font's outlines are left for when they are needed),
 * or undefined where its file is missing and the role names a stand-in.
 */
function loadFace(file: string, role: string, entry: RoleEntry, at: Position): LoadedFace | undefined {
  let read: { sparse?: SparseFont; whole?: Buffer; state: string };
  try {
    read = readNamedFile(file, FONT_BYTES, (fd) => {
      const stat = fstatSync(fd);
      const sparse = readTablesButOutlines(fd, stat.size);
      return { sparse, whole: sparse ? undefined : readFileSync(fd), state: stateOf(stat) };
    });
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    if (e.missing && entry.otherwise) return undefined;
    throw new IssueError('bad-template', at, `fonts.yaml: font role "${role}": ${e.message}; ${e.missing ? ROLE_FORM : 'give a TrueType or OpenType font file'}`);
  }
  const bytes = read.sparse?.bytes ?? read.whole!;
  const font = openFont(bytes, role, file, at, read.sparse);
  return new LoadedFace(role, file, bytes, font, read.sparse && { font: read.sparse, state: read.state, at });
}

/**
 * The font in a role's file, checked now: a file that is no font, a collection, or one cut short
 * (a table past the end of the file, tables or glyph locations damaged) is refused here rather than
 * failing while a page is set or embedded. A font read without its outlines is checked by its
 * tables' checksums and glyph locations; one read whole, by fontkit reading its last outline.
 */
function openFont(bytes: Buffer, role: string, file: string, at: Position, sparse: SparseFont | undefined): fontkit.Font {
  const refuse = (why: string): never => {
    throw new IssueError('bad-template', at, `fonts.yaml: font role "${role}": ${file} ${why}; give a TrueType or OpenType font file`);
  };
  let font: fontkit.Font;
  try {
    font = fontkit.create(bytes);
  } catch (e) {
    return refuse(`is not a font (${e instanceof Error ? e.message : String(e)})`);
  }
  if (font.fonts) return refuse('is a font collection (.ttc), not one font');
  // The renderer reads metrics from the file's own tables and embeds TrueType outlines (FontFile2):
  // a web font's tables are compressed, and PostScript (CFF) outlines would need another font kind.
  if (font.type !== 'TTF' || !font.directory?.tables.glyf) {
    throw new IssueError('bad-template', at, `fonts.yaml: font role "${role}": ${file} ${font.type === 'TTF' ? 'has no TrueType (glyf) outlines' : `is a ${font.type} web font`}, which the PDF does not embed; give a TrueType font file (.ttf)`);
  }
  const tables = Object.values(font.directory?.tables ?? {});
  const past = tables.find((t) => t.offset + (t.compLength ?? t.length) > bytes.length);
  if (past) return refuse(`is cut short: its ${past.tag} table runs past the end of the file`);
  // fontkit reads tables when first asked: ask now for the metrics, the character map and (read
  // whole) the last glyph's outline, so a damaged table shows here.
  const damaged = sparse && damage(sparse);
  if (damaged) return refuse(`is damaged (${damaged})`);
  let readable: boolean;
  try {
    readable = font.unitsPerEm > 0 && font.numGlyphs > 0 && (sparse ? mapsCharacters(sparse) : font.characterSet.length > 0 && font.getGlyph(font.numGlyphs - 1).path !== undefined);
  } catch (e) {
    return refuse(`is damaged (${e instanceof Error ? e.message : String(e)})`);
  }
  return readable ? font : refuse('has no glyphs or no character map');
}
