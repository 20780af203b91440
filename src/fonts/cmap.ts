/**
 * A face's character map read from its cmap table as fontkit chooses and reads it: the same
 * subtable, searched the same way, so a code point comes to the glyph id fontkit's own lookup
 * gives, without fontkit decoding the subtable into objects record by record or the registry
 * reaching into fontkit's private character-map processor.
 */

/** The Unicode subtables fontkit takes, in its order of preference: platform and encoding ids. */
const UNICODE_SUBTABLES: readonly (readonly [number, number])[] = [
  [3, 10],
  [0, 6],
  [0, 4],
  [3, 1],
  [0, 3],
  [0, 2],
  [0, 1],
  [0, 0],
];

const ENCODING_RECORD_BYTES = 8;
const GROUP_BYTES = 12;
/** Format 4's head before its end codes, and the pad between them and the start codes. */
const FORMAT_4_HEAD = 14;
const FORMAT_4_PAD = 2;
const FORMAT_12_HEAD = 16;
const GLYPH_ID_MASK = 0xffff;

/** How a code point is found in the subtable: by segments (format 4) or by groups (12, 13). */
type Search = (codePoint: number) => number;

export class CharacterMap {
  private constructor(private readonly search: Search) {}

  /**
   * The character map of the face whose cmap table is at `offset` in `bytes`; undefined where
   * fontkit would read another kind of subtable (or re-encode into a non-Unicode one), which is
   * then fontkit's to read.
   */
  static read(bytes: Buffer, offset: number | undefined): CharacterMap | undefined {
    if (offset === undefined || offset + 4 > bytes.length) return undefined;
    const count = bytes.readUInt16BE(offset + 2);
    if (offset + 4 + count * ENCODING_RECORD_BYTES > bytes.length) return undefined;
    for (const [platform, encoding] of UNICODE_SUBTABLES) {
      for (let k = 0; k < count; k++) {
        const record = offset + 4 + k * ENCODING_RECORD_BYTES;
        if (bytes.readUInt16BE(record) !== platform || bytes.readUInt16BE(record + 2) !== encoding) continue;
        const search = searchOf(bytes, offset + bytes.readUInt32BE(record + 4));
        return search && new CharacterMap(search);
      }
    }
    return undefined;
  }

  /** The glyph id a code point is drawn with; 0 where the face has none. */
  glyph(codePoint: number): number {
    return this.search(codePoint);
  }
}

function searchOf(b: Buffer, at: number): Search | undefined {
  // Every subtable read here is longer than format 12's head.
  if (at + FORMAT_12_HEAD > b.length) return undefined;
  const format = b.readUInt16BE(at);
  if (format === 4) return segments(b, at);
  if (format === 12 || format === 13) return groups(b, at, format === 12);
  return undefined;
}

/** Format 4, searched by halves over its segments as fontkit searches them, its glyph index array as long as the subtable says. */
function segments(b: Buffer, at: number): Search | undefined {
  const length = b.readUInt16BE(at + 2);
  const segCount = b.readUInt16BE(at + 6) >> 1;
  const ends = at + FORMAT_4_HEAD;
  const starts = ends + 2 * segCount + FORMAT_4_PAD;
  const deltas = starts + 2 * segCount;
  const rangeOffsets = deltas + 2 * segCount;
  const glyphIndices = rangeOffsets + 2 * segCount;
  const indexCount = Math.floor((length - (glyphIndices - at)) / 2);
  if (glyphIndices > b.length || at + length > b.length) return undefined;
  // An odd range offset points between two glyph ids: fontkit reads what stands there, left to it.
  for (let k = 0; k < segCount; k++) if (b.readUInt16BE(rangeOffsets + 2 * k) % 2 === 1) return undefined;
  return (codePoint) => {
    let min = 0;
    let max = segCount - 1;
    while (min <= max) {
      const mid = (min + max) >> 1;
      const start = b.readUInt16BE(starts + 2 * mid);
      if (codePoint < start) max = mid - 1;
      else if (codePoint > b.readUInt16BE(ends + 2 * mid)) min = mid + 1;
      else {
        const rangeOffset = b.readUInt16BE(rangeOffsets + 2 * mid);
        const delta = b.readInt16BE(deltas + 2 * mid);
        if (rangeOffset === 0) return (codePoint + delta) & GLYPH_ID_MASK;
        // fontkit indexes the glyph index array from its own start, and finds nothing outside it.
        const index = rangeOffset / 2 + (codePoint - start) - (segCount - mid);
        if (index < 0 || index >= indexCount) return 0;
        const glyph = b.readUInt16BE(glyphIndices + 2 * index);
        return glyph === 0 ? 0 : (glyph + delta) & GLYPH_ID_MASK;
      }
    }
    return 0;
  };
}

/** Formats 12 and 13, searched by halves over their groups as fontkit searches them. */
function groups(b: Buffer, at: number, sequential: boolean): Search | undefined {
  const count = b.readUInt32BE(at + 12);
  const first = at + FORMAT_12_HEAD;
  if (first + count * GROUP_BYTES > b.length) return undefined;
  return (codePoint) => {
    let min = 0;
    let max = count - 1;
    while (min <= max) {
      const mid = (min + max) >> 1;
      const group = first + mid * GROUP_BYTES;
      const start = b.readUInt32BE(group);
      if (codePoint < start) max = mid - 1;
      else if (codePoint > b.readUInt32BE(group + 4)) min = mid + 1;
      else return b.readUInt32BE(group + 8) + (sequential ? codePoint - start : 0);
    }
    return 0;
  };
}
