/**
 * The character map read from each face's cmap table: for the project's fonts, the glyph id
 * fontkit's own glyphForCodePoint gives every code point of the planes the faces cover; for
 * small tables made here, the cases those fonts do not hold (a segment read through the glyph
 * index array, a delta that wraps, an index outside the array, many-to-one groups, the order
 * fontkit prefers subtables in, and the subtables left to fontkit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fontRegistry } from '../src/pipeline/compose.js';
import { CharacterMap } from '../src/fonts/cmap.js';
import { ROOT } from './spawn.js';

/** The Basic Multilingual Plane and the Supplementary Ideographic Plane, where the faces' characters are. */
const PLANES: [number, number][] = [
  [0, 0xffff],
  [0x20000, 0x2ffff],
];

test('every face of fonts.yaml maps each code point of its planes to the glyph fontkit maps it to', () => {
  const fonts = fontRegistry(join(ROOT, 'fonts', 'fonts.yaml'));
  for (const face of fonts.loadedFaces()) {
    const font = face.font;
    const map = CharacterMap.read(face.bytes, font.directory!.tables.cmap?.offset);
    assert.ok(map, `${face.role}: its character map is read here`);
    let mapped = 0;
    for (const [from, to] of PLANES) {
      for (let cp = from; cp <= to; cp++) {
        const want = font.glyphForCodePoint(cp).id;
        if (map.glyph(cp) !== want) assert.fail(`${face.role} U+${cp.toString(16)}: ${map.glyph(cp)}, fontkit ${want}`);
        if (want !== 0) mapped++;
      }
    }
    assert.ok(mapped > 20_000, `${face.role}: ${mapped} code points mapped`);
  }
});

// A cmap table made by hand: big-endian 16-bit words.
const words = (...w: number[]) => w.flatMap((x) => [(x >> 8) & 0xff, x & 0xff]);
const long = (x: number) => words(x >>> 16, x & 0xffff);

/** A format 4 subtable of segments [start, end, delta, rangeOffset], the glyph index array after them. */
function format4(segs: [number, number, number, number][], glyphIndices: number[]): number[] {
  const n = segs.length;
  const length = 16 + 8 * n + 2 * glyphIndices.length;
  return [
    ...words(4, length, 0, 2 * n, 0, 0, 0),
    ...words(...segs.map((s) => s[1])),
    ...words(0),
    ...words(...segs.map((s) => s[0])),
    ...words(...segs.map((s) => s[2] & 0xffff)),
    ...words(...segs.map((s) => s[3])),
    ...words(...glyphIndices),
  ];
}

function groupsTable(format: 12 | 13, groups: [number, number, number][]): number[] {
  return [...words(format, 0), ...long(16 + 12 * groups.length), ...long(0), ...long(groups.length), ...groups.flatMap((g) => [...long(g[0]), ...long(g[1]), ...long(g[2])])];
}

/** A cmap table of subtables under their platform and encoding ids, in the order given. */
function cmap(subtables: [number, number, number[]][]): Buffer {
  let at = 4 + 8 * subtables.length;
  const records: number[] = [];
  for (const [platform, encoding, bytes] of subtables) {
    records.push(...words(platform, encoding), ...long(at));
    at += bytes.length;
  }
  return Buffer.from([...words(0, subtables.length), ...records, ...subtables.flatMap((s) => s[2])]);
}

test('a format 4 segment maps by its delta, or through the glyph index array, wrapping at 16 bits', () => {
  // Segment 0: A–C by delta; segment 1: a–c through the array, its range offset counted in bytes
  // from its own entry to the array's first glyph (three entries on); the last ends the table.
  const segs: [number, number, number, number][] = [
    [0x41, 0x43, -0x41 + 10, 0],
    [0x61, 0x63, 5, 6],
    [0xfff0, 0xfff0, 0x20, 0],
    [0xffff, 0xffff, 1, 0],
  ];
  const map = CharacterMap.read(cmap([[3, 1, format4(segs, [100, 0, 0xfffe])]]), 0)!;
  assert.deepEqual([0x41, 0x42, 0x43, 0x44].map((cp) => map.glyph(cp)), [10, 11, 12, 0]);
  // Through the array: 100 + 5; a zero stays none, whatever the delta; 0xfffe + 5 wraps to 3.
  assert.deepEqual([0x61, 0x62, 0x63].map((cp) => map.glyph(cp)), [105, 0, 3]);
  assert.equal(map.glyph(0xfff0), 0x10, '0xfff0 + 0x20 wraps');
});

test('a glyph index outside the array is none, and an odd range offset is left to fontkit', () => {
  const outside = CharacterMap.read(cmap([[3, 1, format4([[0x61, 0x6a, 0, 4], [0xffff, 0xffff, 1, 0]], [7, 8])]]), 0)!;
  assert.deepEqual([0x61, 0x62, 0x63, 0x6a].map((cp) => outside.glyph(cp)), [7, 8, 0, 0]);
  assert.equal(CharacterMap.read(cmap([[3, 1, format4([[0x61, 0x62, 0, 3], [0xffff, 0xffff, 1, 0]], [7, 8])]]), 0), undefined);
});

test('groups map each code point on from their first glyph (format 12) or all to one (format 13)', () => {
  const groups: [number, number, number][] = [
    [0x4e00, 0x4e02, 500],
    [0x20000, 0x20001, 900],
  ];
  const sequential = CharacterMap.read(cmap([[3, 10, groupsTable(12, groups)]]), 0)!;
  assert.deepEqual([0x4dff, 0x4e00, 0x4e02, 0x4e03, 0x20001].map((cp) => sequential.glyph(cp)), [0, 500, 502, 0, 901]);
  const many = CharacterMap.read(cmap([[3, 10, groupsTable(13, groups)]]), 0)!;
  assert.deepEqual([0x4e00, 0x4e02, 0x20001].map((cp) => many.glyph(cp)), [500, 500, 900]);
});

test('the subtable is the one fontkit prefers, whatever the order of the records; another kind is left to fontkit', () => {
  const bmp = format4([[0x41, 0x41, 1, 0], [0xffff, 0xffff, 1, 0]], []);
  const full = groupsTable(12, [[0x41, 0x41, 77]]);
  assert.equal(CharacterMap.read(cmap([[3, 1, bmp], [3, 10, full]]), 0)!.glyph(0x41), 77, 'Windows full repertoire before Windows BMP');
  assert.equal(CharacterMap.read(cmap([[0, 3, bmp], [3, 1, full]]), 0)!.glyph(0x41), 77, 'Windows BMP before Unicode 2.0 BMP');
  // Format 6, and a Macintosh Roman table fontkit re-encodes into, are fontkit's to read.
  assert.equal(CharacterMap.read(cmap([[3, 1, [...words(6, 12, 0, 0x41, 1, 9)]]]), 0), undefined);
  assert.equal(CharacterMap.read(cmap([[1, 0, bmp]]), 0), undefined);
  assert.equal(CharacterMap.read(Buffer.alloc(0), undefined), undefined);
});
