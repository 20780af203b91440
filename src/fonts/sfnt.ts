import { readSync } from 'node:fs';

/**
 * A TrueType file read by its table directory: every table but the outlines, which are nineteen
 * twentieths of a CJK face and which setting a page never reads (only a subset or a proof does).
 * The bytes keep the file's layout, each table at its own offset, so fontkit and the registry
 * read them as they would the whole file; the outlines' place stays zero until they are read.
 */

/** One entry of the table directory. */
export interface TableRecord {
  tag: string;
  checksum: number;
  offset: number;
  length: number;
}

/** The tables read, in a buffer the file's size, and the directory that places them. */
export interface SparseFont {
  bytes: Buffer;
  tables: TableRecord[];
  /** The outline table, not read yet. */
  outlines: TableRecord;
}

/** A single TrueType font starts with one of these; anything else is read whole and judged by fontkit. */
const TRUETYPE_SIGNATURES = new Set([0x00010000, 0x74727565]);
const HEADER_BYTES = 12;
const RECORD_BYTES = 16;
const OUTLINES = 'glyf';
/** The head table's checkSumAdjustment: the whole file's checksum, left out of the table's own. */
const CHECKSUM_ADJUSTMENT = 8;
const INDEX_TO_LOC_FORMAT = 50;
const UNICODE_PLATFORM = 0;
const WINDOWS_PLATFORM = 3;
/** Windows encodings of Unicode: the BMP (1) and the full repertoire (10). */
const WINDOWS_UNICODE = new Set([1, 10]);
const NUM_GLYPHS = 4;

/**
 * The font's tables but its outlines, read from the descriptor of a file of `size` bytes; undefined
 * when the file is not a single TrueType font with outlines (a collection, a web font, CFF, no font
 * at all), which is then read whole so that the usual checks say what it is.
 */
export function readTablesButOutlines(fd: number, size: number): SparseFont | undefined {
  if (size < HEADER_BYTES) return undefined;
  // Zero-filled pages cost nothing until written: only the tables read are ever touched.
  const bytes = Buffer.alloc(size);
  if (readAt(fd, bytes, 0, HEADER_BYTES, 0) < HEADER_BYTES || !TRUETYPE_SIGNATURES.has(bytes.readUInt32BE(0))) return undefined;
  const count = bytes.readUInt16BE(4);
  const directoryEnd = HEADER_BYTES + RECORD_BYTES * count;
  if (directoryEnd > size) return undefined;
  readAt(fd, bytes, HEADER_BYTES, directoryEnd - HEADER_BYTES, HEADER_BYTES);
  const tables = Array.from({ length: count }, (_, k): TableRecord => {
    const at = HEADER_BYTES + RECORD_BYTES * k;
    return { tag: bytes.toString('latin1', at, at + 4), checksum: bytes.readUInt32BE(at + 4), offset: bytes.readUInt32BE(at + 8), length: bytes.readUInt32BE(at + 12) };
  });
  const outlines = tables.find((t) => t.tag === OUTLINES);
  if (!outlines) return undefined;
  // A table past the end is read as far as the file goes: the registry refuses it by the directory.
  for (const t of tables) if (t !== outlines) readAt(fd, bytes, t.offset, Math.max(0, Math.min(t.length, size - t.offset)), t.offset);
  return { bytes, tables, outlines };
}

/** Reads the outlines into their place in `font.bytes`. */
export function readOutlines(fd: number, font: SparseFont): void {
  const { offset, length } = font.outlines;
  readAt(fd, font.bytes, offset, Math.min(length, font.bytes.length - offset), offset);
}

/**
 * What is wrong with the tables read, checked at little cost: each one's checksum, and the glyph
 * locations (loca) in order and inside the outline table. Undefined when nothing is.
 */
export function damage(font: SparseFont): string | undefined {
  for (const t of font.tables) {
    if (t === font.outlines) continue;
    if (checksumOf(font.bytes, t) !== t.checksum) return `its ${t.tag} table does not match its checksum`;
  }
  const table = (tag: string) => font.tables.find((t) => t.tag === tag);
  const head = table('head');
  const maxp = table('maxp');
  const loca = table('loca');
  if (!head || !maxp || !loca) return `it has no ${!head ? 'head' : !maxp ? 'maxp' : 'loca'} table`;
  const long = font.bytes.readInt16BE(head.offset + INDEX_TO_LOC_FORMAT) === 1;
  const glyphs = font.bytes.readUInt16BE(maxp.offset + NUM_GLYPHS);
  const step = long ? 4 : 2;
  if (loca.length < (glyphs + 1) * step) return `its loca table places fewer than its ${glyphs} glyphs`;
  const view = new DataView(font.bytes.buffer, font.bytes.byteOffset);
  let previous = 0;
  for (let k = 0; k <= glyphs; k++) {
    const at = long ? view.getUint32(loca.offset + 4 * k) : 2 * view.getUint16(loca.offset + 2 * k);
    if (at < previous || at > font.outlines.length) return `its loca table places glyph ${Math.max(0, k - 1)} outside the glyf table`;
    previous = at;
  }
  return undefined;
}

/**
 * Whether the character map has a Unicode subtable mapping any character, read from its headers:
 * fontkit would list every character of a CJK face to say so.
 */
export function mapsCharacters(font: SparseFont): boolean {
  const cmap = font.tables.find((t) => t.tag === 'cmap');
  if (!cmap) return false;
  const b = font.bytes;
  const within = (at: number, bytes: number) => at + bytes <= cmap.offset + cmap.length;
  if (!within(cmap.offset, 4)) return false;
  const count = b.readUInt16BE(cmap.offset + 2);
  for (let k = 0; k < count && within(cmap.offset + 4 + 8 * k, 8); k++) {
    const record = cmap.offset + 4 + 8 * k;
    const platform = b.readUInt16BE(record);
    const encoding = b.readUInt16BE(record + 2);
    if (!(platform === UNICODE_PLATFORM || (platform === WINDOWS_PLATFORM && WINDOWS_UNICODE.has(encoding)))) continue;
    const sub = cmap.offset + b.readUInt32BE(record + 4);
    if (!within(sub, 2)) continue;
    const format = b.readUInt16BE(sub);
    // Format 4 always ends with the 0xFFFF segment; 12 and 13 count their groups.
    if (format === 4 && within(sub, 8) && b.readUInt16BE(sub + 6) > 2) return true;
    if ((format === 12 || format === 13) && within(sub, 16) && b.readUInt32BE(sub + 12) > 0) return true;
  }
  return false;
}

/** The table's checksum: its bytes as big-endian 32-bit words, the last padded with zeros. */
function checksumOf(bytes: Buffer, t: TableRecord): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const words = t.offset + (t.length & ~3);
  let sum = 0;
  for (let at = t.offset; at < words; at += 4) sum = (sum + view.getUint32(at)) | 0;
  if (t.tag === 'head') sum = (sum - view.getUint32(t.offset + CHECKSUM_ADJUSTMENT)) | 0;
  let last = 0;
  for (let k = 0; k < 4; k++) last = (last << 8) | (words + k < t.offset + t.length ? bytes[words + k] : 0);
  return (sum + last) >>> 0;
}

/** Reads `length` bytes at `position` into `into` at `offset`, as far as the file goes; the count read. */
function readAt(fd: number, into: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
