/**
 * The full- and half-width forms read from GSUB: for the project's fonts, the glyph fontkit's own
 * shaping gives each character alone; for small tables made here, the cases those fonts do not
 * hold (an extension lookup, a substitution by a delta, scripts that disagree, lookups of other kinds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fontRegistry } from '../src/pipeline/compose.js';
import { SHAPED, WidthForms } from '../src/fonts/gsub.js';
import { ROOT } from './spawn.js';

const FORMS = ['hwid', 'fwid'] as const;

/**
 * What the composer asks forms of: ASCII, the full-width forms, digits, the dashes, quotes and
 * ellipses of Chinese text and its own marks (characters of no script, which fontkit sets in the
 * face's fallback script even where another script of the face would set them otherwise), and
 * every character of the sample.
 */
function askedFor(): number[] {
  const cps = new Set<number>();
  for (let cp = 0x20; cp <= 0x7e; cp++) cps.add(cp);
  for (let cp = 0x2010; cp <= 0x2027; cp++) cps.add(cp);
  for (let cp = 0x3000; cp <= 0x303f; cp++) cps.add(cp);
  for (let cp = 0xff01; cp <= 0xff5e; cp++) cps.add(cp);
  for (const ch of readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) cps.add(ch.codePointAt(0)!);
  return [...cps];
}

test('every face of fonts.yaml gives each character alone, in either form, the glyph fontkit shapes it with, without shaping it', () => {
  const fonts = fontRegistry(join(ROOT, 'fonts', 'fonts.yaml'));
  const cps = askedFor();
  let substituted = 0;
  for (const face of fonts.loadedFaces()) {
    const font = face.font;
    const tables = font.directory!.tables;
    const forms = new WidthForms(face.bytes, tables.GSUB?.offset, tables.morx !== undefined);
    for (const form of FORMS) {
      for (const cp of cps) {
        const ch = String.fromCodePoint(cp);
        const plain = font.glyphForCodePoint(cp).id;
        const ours = forms.of(cp, plain, form);
        assert.notEqual(ours, SHAPED, `${face.role} ${form} of ${ch} (U+${cp.toString(16)}) is left to fontkit`);
        assert.deepEqual([ours], font.layout(ch, [form]).glyphs.map((g) => g.id), `${face.role} ${form} of ${ch} (U+${cp.toString(16)})`);
        if (ours !== plain) substituted++;
      }
    }
  }
  // The Noto faces have both forms of ASCII and of the full-width forms: the comparison is not of glyphs left as they were.
  assert.ok(substituted > 500, `${substituted} characters drawn with another glyph in a form`);
});

test('the half-width digits the composer sets are their own glyphs, half an em wide', () => {
  const fonts = fontRegistry(join(ROOT, 'fonts', 'fonts.yaml'));
  for (const face of ['song', 'hei']) {
    for (let cp = 0x30; cp <= 0x39; cp++) {
      assert.notEqual(fonts.drawing(face, 'hwid').of(String.fromCodePoint(cp)).ids[0], fonts.drawing(face, undefined).of(String.fromCodePoint(cp)).ids[0]);
      assert.equal(fonts.halfAdvance(face, cp), 0.5, `${face} ${String.fromCodePoint(cp)}`);
    }
  }
});

// A GSUB table made by hand: big-endian 16-bit words, offsets counted in bytes.
type Words = number[];
const tag = (t: string): Words => [(t.charCodeAt(0) << 8) | t.charCodeAt(1), (t.charCodeAt(2) << 8) | t.charCodeAt(3)];
/** A header of `head` words, then offsets to each part (counted from the header's start), then the parts. */
const withParts = (head: Words, parts: Words[], offsetAt: (k: number, offset: number) => Words): Words => {
  let offset = 2 * (head.length + parts.reduce((n, _, k) => n + offsetAt(k, 0).length, 0));
  const offsets: Words = [];
  parts.forEach((p, k) => {
    offsets.push(...offsetAt(k, offset));
    offset += 2 * p.length;
  });
  return [...head, ...offsets, ...parts.flat()];
};
const coverage = (glyphs: number[]): Words => [1, glyphs.length, ...glyphs];
const singleByDelta = (glyphs: number[], delta: number): Words => [1, 6, delta & 0xffff, ...coverage(glyphs)];
const singleByList = (pairs: [number, number][]): Words => [2, 6 + 2 * pairs.length, pairs.length, ...pairs.map((p) => p[1]), ...coverage(pairs.map((p) => p[0]))];
/** One sequence: the header of 4 words, the sequence, then the coverage. */
const multiple = (glyph: number, into: number[]): Words => [1, 8 + 2 * (into.length + 1), 1, 8, into.length, ...into, ...coverage([glyph])];
/** A chaining context by coverages (format 3) of one glyph before and one input, both the same coverage after its 7 words. */
const afterItself = (glyph: number): Words => [3, 1, 14, 1, 14, 0, 0, ...coverage([glyph])];
const extension = (type: number, sub: Words): Words => [1, type, 0, 8, ...sub];
const lookup = (type: number, subs: Words[]): Words => withParts([type, 0, subs.length], subs, (_, o) => [o]);

interface Made {
  scripts: [string, string[]][];
  features: [string, number[]][];
  lookups: Words[];
}
function made({ scripts, features, lookups }: Made): Buffer {
  const langSys = (tags: string[]): Words => [0, 0xffff, tags.length, ...tags.map((t) => features.findIndex((f) => f[0] === t))];
  const scriptList = withParts([scripts.length], scripts.map(([, tags]) => [4, 0, ...langSys(tags)]), (k, o) => [...tag(scripts[k][0]), o]);
  const featureList = withParts([features.length], features.map(([, ls]) => [0, ls.length, ...ls]), (k, o) => [...tag(features[k][0]), o]);
  const lookupList = withParts([lookups.length], lookups, (_, o) => [o]);
  const words = withParts([1, 0], [scriptList, featureList, lookupList], (_, o) => [o]);
  const b = Buffer.alloc(2 * words.length);
  words.forEach((w, k) => b.writeUInt16BE(w, 2 * k));
  return b;
}

const SINGLE = 1;
const MULTIPLE = 2;
const CHAINING = 6;
const EXTENSION = 7;

test('a form follows the lookups fontkit applies beside it, in the order of the lookup list', () => {
  const gsub = made({
    scripts: [['DFLT', ['ccmp', 'hwid']], ['latn', ['ccmp', 'hwid']]],
    features: [['ccmp', [0]], ['hwid', [1]], ['aalt', [2]]],
    lookups: [lookup(SINGLE, [singleByList([[10, 20]])]), lookup(EXTENSION, [extension(SINGLE, singleByDelta([20, 30], 5))]), lookup(SINGLE, [singleByDelta([10, 25], 100)])],
  });
  const forms = new WidthForms(gsub, 0, false);
  // ccmp first (10 → 20), then hwid, an extension substituting by a delta; aalt is not applied.
  assert.equal(forms.of(0x41, 10, 'hwid'), 25);
  assert.equal(forms.of(0x41, 30, 'hwid'), 35);
  assert.equal(forms.of(0x41, 99, 'hwid'), 99);
  // No fwid: the default features alone.
  assert.equal(forms.of(0x41, 10, 'fwid'), 20);
  // fontkit draws a default-ignorable character as a space whatever the table says.
  assert.equal(forms.of(0xad, 10, 'hwid'), SHAPED);
});

test('a glyph whose form depends on the script fontkit would choose for its character is left to fontkit, unless the character has no script', () => {
  for (const scripts of [[['DFLT', ['hwid']], ['latn', ['hwid', 'locl']]], [['latn', ['hwid', 'locl']], ['DFLT', ['hwid']]]] as [string, string[]][][]) {
    const gsub = made({
      scripts,
      features: [['hwid', [0]], ['locl', [1]]],
      lookups: [lookup(SINGLE, [singleByList([[10, 11], [20, 21]])]), lookup(SINGLE, [singleByList([[21, 22]])])],
    });
    const forms = new WidthForms(gsub, 0, false);
    assert.equal(forms.of(0x41, 10, 'hwid'), 11, 'locl leaves 11 as it is: the same in either script');
    assert.equal(forms.of(0x41, 20, 'hwid'), SHAPED, 'a Latin letter is set in latn, which takes 21 on to 22');
    // An ellipsis is of no script: fontkit sets it in DFLT, the first of its fallback scripts the face has, wherever the face lists it.
    assert.equal(forms.of(0x2026, 20, 'hwid'), 21, `${scripts.map(([t]) => t).join(', ')}: in DFLT`);
  }
  // Without DFLT the fallback is latn, though the face lists Cyrillic first, whose list would stop at 21.
  const withoutDflt = made({ scripts: [['cyrl', ['hwid']], ['latn', ['hwid', 'locl']]], features: [['hwid', [0]], ['locl', [1]]], lookups: [lookup(SINGLE, [singleByList([[20, 21]])]), lookup(SINGLE, [singleByList([[21, 22]])])] });
  assert.equal(new WidthForms(withoutDflt, 0, false).of(0x2026, 20, 'hwid'), 22, 'without DFLT, in latn');
});

test('lookups of other kinds are fontkit’s to apply only to the glyphs they could change alone', () => {
  // The chaining context asks for a glyph before: it never applies to a glyph alone.
  const gsub = made({
    scripts: [['DFLT', ['liga', 'calt', 'hwid']]],
    features: [['liga', [0]], ['calt', [1]], ['hwid', [2]]],
    lookups: [lookup(MULTIPLE, [multiple(40, [41, 42])]), lookup(CHAINING, [afterItself(10)]), lookup(SINGLE, [singleByList([[10, 11], [40, 43]])])],
  });
  const forms = new WidthForms(gsub, 0, false);
  assert.equal(forms.of(0x41, 10, 'hwid'), 11);
  assert.equal(forms.of(0x41, 40, 'hwid'), SHAPED, 'the multiple substitution splits 40');
});

test('a face with a script another shaper of fontkit sets is left to fontkit', () => {
  const gsub = made({ scripts: [['DFLT', ['hwid']], ['arab', ['hwid']]], features: [['hwid', [0]]], lookups: [lookup(SINGLE, [singleByList([[10, 11]])])] });
  assert.equal(new WidthForms(gsub, 0, false).of(0x41, 10, 'hwid'), SHAPED);
  // Without GSUB a form is the character map's glyph, unless fontkit lays out by AAT's table instead.
  assert.equal(new WidthForms(gsub, undefined, false).of(0x41, 10, 'hwid'), 10);
  assert.equal(new WidthForms(gsub, undefined, true).of(0x41, 10, 'hwid'), SHAPED);
});
