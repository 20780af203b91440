import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import { LineCounter, parseDocument } from 'yaml';
import { IssueError } from '../issue/errors.js';
import type { Metrics, TextRun } from '../text/types.js';

/** A font face as loaded: the role that names it and the file behind it. */
export interface Face {
  role: string;
  file: string;
  /** The file's bytes, read once: the renderer embeds from them rather than reading the file again. */
  bytes: Buffer;
  font: fontkit.Font;
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

/**
 * Chinese text sets “ ” ‘ ’ full width; a face whose quotes are proportional (LXGW WenKai draws them
 * as Latin quotes) borrows them from the fallback chain.
 */
const FULL_WIDTH_QUOTES = new Set([0x201c, 0x201d, 0x2018, 0x2019]);

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
  private readonly faces = new Map<string, Face>();
  private readonly alias = new Map<string, string>();
  private readonly advances = new Map<string, Map<number, number>>();
  /** Per face and character, the advance of its half-width form (hwid), or null where it has none. */
  private readonly halfAdvances = new Map<string, Map<number, number | null>>();
  readonly warnings: FontWarning[] = [];
  readonly fallback: string[];

  constructor(configFile: string) {
    const text = readFileSync(configFile, 'utf8');
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc });
    const conf = doc.toJS() as { roles?: Record<string, RoleEntry>; fallback?: string[] };
    const at = (path: string[]) => {
      const node = doc.getIn(path, true) as { range?: number[] } | undefined;
      const p = lc.linePos(node?.range?.[0] ?? 0);
      return { file: configFile, line: p.line, column: p.col };
    };
    const roles = conf.roles ?? {};
    const require = createRequire(configFile);
    const pending = new Map<string, string>();
    for (const [role, entry] of Object.entries(roles)) {
      let file: string | undefined;
      if (entry.package && entry.file) {
        try {
          file = join(dirname(require.resolve(`${entry.package}/package.json`)), entry.file);
        } catch {
          throw new IssueError('bad-template', at(['roles', role, 'package']), `font role "${role}": npm package ${entry.package} is not installed; run npm ci`);
        }
      } else if (entry.path) file = entry.path;
      if (file && existsSync(file)) {
        const bytes = readFileSync(file);
        this.faces.set(role, { role, file, bytes, font: fontkit.create(bytes) });
      } else if (entry.otherwise) {
        pending.set(role, entry.otherwise);
        this.warnings.push({
          code: 'font-substituted',
          role,
          message: `font role "${role}": ${file ?? 'no file'} is not there${entry.install ? ` (${entry.install})` : ''}; using "${entry.otherwise}" instead`,
        });
      } else {
        throw new IssueError('bad-template', at(['roles', role]), `font role "${role}": font file ${file ?? '(none given)'} not found; give package+file or path`);
      }
    }
    for (const [role, other] of pending) {
      if (!this.faces.has(other)) throw new IssueError('bad-template', at(['roles', role, 'otherwise']), `font role "${role}": "${other}" is not a loaded role`);
      this.alias.set(role, other);
    }
    this.fallback = (conf.fallback ?? []).filter((r) => this.faces.has(r));
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
    const f = this.faces.get(key);
    if (!f) throw new Error(`unknown font face "${key}"`);
    return f;
  }

  loadedFaces(): Face[] {
    return [...this.faces.values()];
  }

  halfAdvance(face: string, codePoint: number): number | undefined {
    let cache = this.halfAdvances.get(face);
    if (!cache) this.halfAdvances.set(face, (cache = new Map()));
    let a = cache.get(codePoint);
    if (a === undefined) {
      const f = this.face(face).font;
      const plain = f.glyphForCodePoint(codePoint);
      const half = f.layout(String.fromCodePoint(codePoint), ['hwid']).glyphs[0];
      a = half && half.id !== plain.id ? half.advanceWidth / f.unitsPerEm : null;
      cache.set(codePoint, a);
    }
    return a ?? undefined;
  }

  advance(face: string, codePoint: number): number {
    let cache = this.advances.get(face);
    if (!cache) this.advances.set(face, (cache = new Map()));
    let a = cache.get(codePoint);
    if (a === undefined) {
      const f = this.face(face).font;
      a = f.glyphForCodePoint(codePoint).advanceWidth / f.unitsPerEm;
      cache.set(codePoint, a);
    }
    return a;
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
    let cur = '';
    let curFace = own;
    for (const cluster of clustersOf(text)) {
      const { face, set } = this.faceForCluster(cluster, own, role, missing);
      if (!set) continue;
      if (face !== curFace && cur) {
        runs.push({ text: cur, face: curFace });
        cur = '';
      }
      curFace = face;
      cur += set;
    }
    if (cur) runs.push({ text: cur, face: curFace });
    return runs;
  }

  private has(face: string, ch: string): boolean {
    return this.face(face).font.hasGlyphForCodePoint(ch.codePointAt(0)!);
  }

  /** The face a character and its marks are set from, and what of them is set (empty: none is). */
  private faceForCluster(cluster: string, own: string, role: string, missing: MissingGlyph[]): { face: string; set: string } {
    const [base, ...marks] = [...cluster];
    const cp = base.codePointAt(0)!;
    if (!marks.length && FULL_WIDTH_QUOTES.has(cp) && this.advance(own, cp) < 0.99) {
      return { face: this.fallback.find((r) => this.advance(r, cp) > 0.99) ?? own, set: base };
    }
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

const COMBINING = /^\p{M}$/u;
const isControlOrSpace = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return cp <= 0x20 || (cp >= 0x7f && cp < 0xa0) || /^\s$/u.test(ch);
};

/**
 * The text's characters, each with the combining marks typed after it, as the page shows them: a
 * letter with its marks is normalised (NFC), so a mark a face has precomposed is found as one.
 */
export function clustersOf(text: string): string[] {
  const out: string[] = [];
  for (const ch of text) {
    const prev = out[out.length - 1];
    if (prev !== undefined && COMBINING.test(ch) && !isControlOrSpace(prev)) out[out.length - 1] = prev + ch;
    else out.push(ch);
  }
  return out.map((c) => (c.length > 1 && c.length > String.fromCodePoint(c.codePointAt(0)!).length ? c.normalize('NFC') : c));
}
