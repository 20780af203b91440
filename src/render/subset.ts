import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Font subsets with harfbuzz's hb-subset (its WebAssembly build, loaded only when a subset is not
 * kept already). Glyph ids are retained, so the content streams can use the face's own ids; the
 * cmap, post and name tables stay in, as the plants' Illustrator needs them to open a page.
 */
interface HarfBuzz {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(bytes: number): number;
  free(at: number): void;
  hb_blob_create(data: number, length: number, mode: number, user: number, destroy: number): number;
  hb_blob_destroy(blob: number): void;
  hb_blob_get_data(blob: number, length: number): number;
  hb_blob_get_length(blob: number): number;
  hb_face_create(blob: number, index: number): number;
  hb_face_destroy(face: number): void;
  hb_face_reference_blob(face: number): number;
  hb_set_add(set: number, value: number): void;
  hb_subset_input_create_or_fail(): number;
  hb_subset_input_destroy(input: number): void;
  hb_subset_input_glyph_set(input: number): number;
  hb_subset_input_set(input: number, kind: number): number;
  hb_subset_input_set_flags(input: number, flags: number): void;
  hb_subset_or_fail(face: number, input: number): number;
}

const WASM = createRequire(import.meta.url).resolve('harfbuzzjs/dist/harfbuzz-subset.wasm');
const READONLY = 1;
const RETAIN_GIDS = 0x2;
const DROP_TABLES = 3;
/** Shaping and vertical tables: a PDF places every glyph itself and sets this text horizontally. */
const DROPPED = ['GSUB', 'GPOS', 'GDEF', 'vhea', 'vmtx'];
const tagOf = (s: string) => [...s].reduce((t, c) => (t << 8) | c.charCodeAt(0), 0) >>> 0;

let version: string | undefined;
/**
 * What a subset depends on besides the face and its glyphs: the subsetter's release and build and
 * what it is asked. Named by content, not by the file's time, so that the subset tags and the /ID
 * they go into are the same on every machine that installs the same release.
 */
export function subsetterVersion(): string {
  if (version === undefined) {
    const release = (JSON.parse(readFileSync(join(dirname(WASM), '..', 'package.json'), 'utf8')) as { version: string }).version;
    version = `hb-subset ${release} ${statSync(WASM).size} retain-gids drop ${DROPPED.join(' ')}`;
  }
  return version;
}

/**
 * The subsetter's memory is fixed (65 MiB, it cannot grow) and holds the faces it subsets: the
 * faces last used stay in it while together they take no more than this, leaving the rest for the
 * subsetting itself. Five CJK faces of 10–15 MB each do not fit at once.
 */
const RESIDENT_BYTES = 32 * 2 ** 20;

let hb: HarfBuzz | undefined;
/** A face copied into the subsetter's memory: where its bytes are, and the harfbuzz face over them. */
interface Resident {
  at: number;
  length: number;
  face: number;
}
/** The faces in the subsetter's memory, the last used last, so that a warm process copies a face once. */
const resident = new Map<Buffer, Resident>();

/** The face in the subsetter's memory, the faces used longest ago let go to make room. */
function residentFace(harfbuzz: HarfBuzz, font: Buffer): number {
  let r = resident.get(font);
  if (r) {
    resident.delete(font);
    resident.set(font, r);
    return r.face;
  }
  let held = font.length;
  for (const other of resident.values()) held += other.length;
  for (const [key, other] of resident) {
    if (held <= RESIDENT_BYTES) break;
    harfbuzz.hb_face_destroy(other.face);
    harfbuzz.free(other.at);
    resident.delete(key);
    held -= other.length;
  }
  const at = harfbuzz.malloc(font.length);
  if (!at) throw new Error(`hb-subset has no room for a face of ${font.length} bytes`);
  new Uint8Array(harfbuzz.memory.buffer, at, font.length).set(font);
  const blob = harfbuzz.hb_blob_create(at, font.length, READONLY, 0, 0);
  r = { at, length: font.length, face: harfbuzz.hb_face_create(blob, 0) };
  // The face holds its own reference to the blob.
  harfbuzz.hb_blob_destroy(blob);
  resident.set(font, r);
  return r.face;
}

/** The TrueType subset of `font` holding `glyphs` (and .notdef), each at its own id. */
export function subsetFont(font: Buffer, glyphs: Iterable<number>): Buffer {
  hb ??= harfbuzz();
  const face = residentFace(hb, font);
  const input = hb.hb_subset_input_create_or_fail();
  if (!input) throw new Error('hb-subset: no memory for a subset input');
  try {
    const set = hb.hb_subset_input_glyph_set(input);
    for (const g of glyphs) hb.hb_set_add(set, g);
    const drop = hb.hb_subset_input_set(input, DROP_TABLES);
    for (const t of DROPPED) hb.hb_set_add(drop, tagOf(t));
    hb.hb_subset_input_set_flags(input, RETAIN_GIDS);
    const subset = hb.hb_subset_or_fail(face, input);
    if (!subset) throw new Error('hb-subset could not subset the font');
    const blob = hb.hb_face_reference_blob(subset);
    const bytes = Buffer.from(new Uint8Array(hb.memory.buffer, hb.hb_blob_get_data(blob, 0), hb.hb_blob_get_length(blob)));
    hb.hb_blob_destroy(blob);
    hb.hb_face_destroy(subset);
    return bytes;
  } finally {
    hb.hb_subset_input_destroy(input);
  }
}

function harfbuzz(): HarfBuzz {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(WASM)), {});
  const exports = instance.exports as unknown as HarfBuzz;
  exports._initialize();
  return exports;
}
