import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metadata } from 'sharp';
import { IssueError } from '../issue/errors.js';
import type { Crop, SourcePos } from '../issue/types.js';
import type { PictureSettings } from '../layout/template.js';
import { FileRefused, checkRegularFile, readRegularFile, writeAtomically } from '../files.js';
import { LIMITS } from '../limits.js';
import { cmykTiff, limitInk, maxInk } from './ink.js';
import { cacheDir } from '../paths.js';
import { loadSharp, sharpVersion } from './sharp.js';

export interface PictureRequest {
  source: string;
  crop?: Crop;
  /** The slot's size on the page, pt. */
  width: number;
  height: number;
  pos: SourcePos;
  /** The folders the file must really lie in; the issue's pictures always name them. */
  within?: readonly string[];
}

export interface PreparedPicture {
  /** JPEG, CMYK (or gray for a grayscale picture), at its final pixel size. */
  jpeg: Buffer;
  pixelWidth: number;
  pixelHeight: number;
  /** Effective resolution of the picture in its slot. */
  ppi: number;
  gray: boolean;
}

/** The rectangle of the (upright) picture that fills the slot, in pixels. */
export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The largest rectangle of the slot's aspect inside the picture: around the desk's rectangle when
 * it gave one (cut to the slot's aspect about its centre), else around the focal point.
 */
export function cropRect(imageWidth: number, imageHeight: number, aspect: number, crop?: Crop): CropRect {
  let [x, y, w, h] = crop && 'rect' in crop ? crop.rect : [0, 0, imageWidth, imageHeight];
  w = Math.max(0, Math.min(w, imageWidth - x));
  h = Math.max(0, Math.min(h, imageHeight - y));
  const [fx, fy] = crop && 'focus' in crop ? crop.focus : [0.5, 0.5];
  const cx = crop && 'rect' in crop ? x + w / 2 : fx * imageWidth;
  const cy = crop && 'rect' in crop ? y + h / 2 : fy * imageHeight;
  let cw = w;
  let ch = Math.round(w / aspect);
  if (ch > h) {
    ch = h;
    cw = Math.round(h * aspect);
  }
  const left = Math.round(Math.min(Math.max(cx - cw / 2, x), x + w - cw));
  const top = Math.round(Math.min(Math.max(cy - ch / 2, y), y + h - ch));
  return { left, top, width: cw, height: ch };
}

/** JPEG's rounding moves a pixel's coverage by a percent or two: the limit keeps that much in hand. */
const JPEG_MARGIN = 3;
/** Saturated pictures can move further: encodings tried, each with the margin widened by what the last one overshot. */
const INK_ATTEMPTS = 4;

/**
 * decode → upright (EXIF) → crop to the slot's aspect → resample to the layout's resolution (never
 * up) → the plant's CMYK within its ink limit (gray stays gray) → JPEG. Results are cached by the content of everything
 * that goes in, so recomposing after an edit elsewhere costs a file read.
 */
export async function preparePicture(req: PictureRequest, settings: PictureSettings): Promise<PreparedPicture> {
  const bytes = readPictureFile(req);
  const digest = sha256(bytes);
  const meta = await pictureHeader(bytes, digest, req);
  if (meta.width * meta.height > LIMITS.picturePixels) {
    throw new IssueError('too-large', req.pos, `picture file ${req.source} is ${meta.width} × ${meta.height} pixels, more than the limit of ${LIMITS.picturePixels}; give a smaller picture, or raise BANMIAN_MAX_PICTURE_PIXELS`);
  }
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  const rect = cropRect(width, height, req.width / req.height, req.crop);
  if (rect.width < 1 || rect.height < 1) {
    throw new IssueError('bad-picture', req.pos, `the crop rectangle of ${req.source} lies outside the picture (${width} × ${height} pixels upright); give one inside it`);
  }
  const inches = req.width / 72;
  const ppi = rect.width / inches;
  const scale = Math.min(1, settings.ppi / ppi);
  // Rounded up, so a resampled picture never falls a fraction below the plant's resolution.
  const pixelWidth = Math.max(1, Math.min(rect.width, Math.ceil(rect.width * scale - 1e-6)));
  const pixelHeight = Math.max(1, Math.min(rect.height, Math.ceil(rect.height * scale - 1e-6)));
  const gray = meta.space === 'b-w' || meta.space === 'grey16' || (meta.channels ?? 3) <= 2;
  const profile = settings.profile === 'cmyk' ? 'cmyk' : createHash('sha256').update(readFileSync(settings.profile)).digest('hex');
  const key = createHash('sha256')
    .update(digest)
    .update(JSON.stringify([rect, pixelWidth, pixelHeight, gray, profile, settings.quality, settings.tac, INK_ATTEMPTS, sharpVersion()]))
    .digest('hex');
  const cached = join(cacheDir(), `${key}.jpg`);
  const result = { pixelWidth, pixelHeight, ppi: Math.min(ppi, settings.ppi), gray };
  const hit = readCacheEntry(cached);
  if (hit) return { jpeg: hit, ...result };

  const sharp = await loadSharp();
  let jpeg: Buffer;
  try {
    const image = sharp(bytes, { limitInputPixels: LIMITS.picturePixels }).rotate().extract(rect).resize(pixelWidth, pixelHeight).flatten({ background: '#ffffff' });
    if (gray) jpeg = await image.toColourspace('b-w').jpeg({ quality: settings.quality }).toBuffer();
    else {
      const { data, info } = await image.withIccProfile(settings.profile).raw().toBuffer({ resolveWithObject: true });
      jpeg = await cmykJpegWithinInk(data, info.width, info.height, settings);
    }
  } catch (e) {
    // A file whose header reads but whose pixels do not (a truncated JPEG) fails only here.
    throw new IssueError('bad-picture', req.pos, `picture file ${req.source} cannot be decoded (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); give a whole JPEG, PNG, WebP or TIFF`);
  }
  jpeg = sealed(jpeg);
  writeAtomically(cached, jpeg);
  return { jpeg, ...result };
}

/** What the key and the checks need of a picture's header. */
type Header = Required<Pick<Metadata, 'width' | 'height'>> & Pick<Metadata, 'orientation' | 'space' | 'channels'>;

/**
 * The picture's header, from the cache when these bytes were read before, else read by sharp
 * without its own pixel limit (so the limit's message is ours) and kept: a picture from the cache
 * is placed without loading sharp.
 */
async function pictureHeader(bytes: Buffer, digest: string, req: PictureRequest): Promise<Header> {
  const entry = join(cacheDir(), `${digest}-${sharpVersion()}.header.json`);
  const kept = readHeaderEntry(entry);
  if (kept) return kept;
  let meta: Metadata;
  try {
    meta = await (await loadSharp())(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) throw new Error('no picture size');
  } catch (e) {
    throw new IssueError('bad-picture', req.pos, `picture file ${req.source} cannot be read as a picture (${e instanceof Error ? e.message : String(e)}); give a JPEG, PNG, WebP or TIFF`);
  }
  const header: Header = { width: meta.width, height: meta.height, orientation: meta.orientation, space: meta.space, channels: meta.channels };
  writeAtomically(entry, JSON.stringify(header));
  return header;
}

/** A header entry that holds a header, else undefined: missing, cut short, emptied or foreign. */
function readHeaderEntry(path: string): Header | undefined {
  let h: unknown;
  try {
    h = JSON.parse(readRegularFile(path, { maxBytes: 4096 }).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof h !== 'object' || h === null) return undefined;
  const { width, height, orientation, space, channels } = h as Record<string, unknown>;
  const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
  if (!count(width) || !count(height) || !(orientation === undefined || count(orientation)) || !(channels === undefined || count(channels)) || !(space === undefined || typeof space === 'string')) return undefined;
  return h as Header;
}

/** The picture's bytes, read once from a regular file inside the allowed folders; a refusal is bad input at the picture. */
function readPictureFile(req: PictureRequest): Buffer {
  try {
    return readRegularFile(req.source, { maxBytes: LIMITS.pictureBytes, within: req.within });
  } catch (e) {
    throw pictureError(req.source, req.pos, e);
  }
}

/** What preparing the picture would refuse of its file (missing, outside, not a regular file, too large), without reading it. */
export function checkPictureFile(source: string, pos: SourcePos, within: readonly string[]): void {
  try {
    checkRegularFile(source, { maxBytes: LIMITS.pictureBytes, within });
  } catch (e) {
    throw pictureError(source, pos, e);
  }
}

function pictureError(source: string, pos: SourcePos, e: unknown): IssueError {
  const code = e instanceof FileRefused && (e.why === 'outside' || e.why === 'too-large') ? e.why : 'bad-picture';
  return new IssueError(code, pos, pictureRefusal(source, e));
}

function pictureRefusal(source: string, e: unknown): string {
  if (!(e instanceof FileRefused)) return `picture file ${source} cannot be read (${e instanceof Error ? e.message : String(e)}); check its permissions`;
  switch (e.why) {
    case 'missing':
      return `picture file ${source} not found; give a path relative to the issue file, or an absolute one`;
    case 'directory':
      return `picture file ${source} is a directory; give a JPEG, PNG, WebP or TIFF file`;
    case 'special':
      return `picture file ${source} is not a regular file (a pipe, a socket or a device); give a JPEG, PNG, WebP or TIFF file`;
    case 'outside':
      return `picture ${source} is outside the issue's folder, the workspace, its picture folders and the layout's pictures.allow folders; move it in, or allow its folder in the layout`;
    case 'too-large':
      return `picture file ${source} has ${e.size} bytes, more than the limit of ${LIMITS.pictureBytes}; give a smaller file, or raise BANMIAN_MAX_PICTURE_BYTES`;
  }
}

// A cache entry carries its own length and hash in a JPEG comment, so that one cut short by a
// crash or a full disk, or emptied, is known for what it is and made again, never embedded.
const SEAL = 'banmian-picture sha256=';
const SEAL_BYTES = SEAL.length + 64 + ' length=0000000000'.length;

/** The JPEG with a comment segment before its scan data holding the hash and length of the JPEG without it. */
function sealed(jpeg: Buffer): Buffer {
  const at = scanStart(jpeg);
  const note = Buffer.from(`${SEAL}${sha256(jpeg)} length=${String(jpeg.length).padStart(10, '0')}`, 'latin1');
  const head = Buffer.from([0xff, 0xfe, (note.length + 2) >> 8, (note.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, at), head, note, jpeg.subarray(at)]);
}

/** A cache entry whose seal matches what it holds, else undefined: missing, short, foreign or not a file. */
function readCacheEntry(path: string): Buffer | undefined {
  let entry: Buffer;
  try {
    entry = readRegularFile(path, { maxBytes: LIMITS.pictureBytes });
  } catch {
    return undefined;
  }
  const at = scanStart(entry);
  const end = at + 4 + SEAL_BYTES;
  if (at < 0 || entry.length < end || entry[at] !== 0xff || entry[at + 1] !== 0xfe) return undefined;
  const seal = /^banmian-picture sha256=([0-9a-f]{64}) length=(\d{10})$/.exec(entry.subarray(at + 4, end).toString('latin1'));
  if (!seal) return undefined;
  const jpeg = Buffer.concat([entry.subarray(0, at), entry.subarray(end)]);
  return jpeg.length === Number(seal[2]) && sha256(jpeg) === seal[1] ? entry : undefined;
}

/**
 * Offset of the segment after the markers that open a JPEG (SOI, then APPn and the tables): where
 * the seal goes and is looked for. -1 for bytes that do not open as a JPEG.
 */
function scanStart(b: Buffer): number {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return -1;
  let at = 2;
  while (at + 4 <= b.length && b[at] === 0xff && b[at + 1] >= 0xe0 && b[at + 1] <= 0xef) at += 2 + ((b[at + 2] << 8) | b[at + 3]);
  return at <= b.length ? at : -1;
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/**
 * CMYK pixels as a JPEG whose decoded pixels keep within the ink limit: the limit is applied with a
 * margin for JPEG's rounding, the result read back, and where it still goes over, encoded again
 * with the margin widened by the overshoot.
 */
async function cmykJpegWithinInk(cmyk: Buffer, width: number, height: number, settings: PictureSettings): Promise<Buffer> {
  let margin = JPEG_MARGIN;
  let jpeg = Buffer.alloc(0);
  for (let attempt = 0; attempt < INK_ATTEMPTS; attempt++) {
    const pixels = Buffer.from(cmyk);
    limitInk(pixels, settings.tac - margin);
    // Declared CMYK from end to end, so sharp writes the values as they are instead of converting them.
    const sharp = await loadSharp();
    jpeg = await sharp(cmykTiff(pixels, width, height)).pipelineColourspace('cmyk').toColourspace('cmyk').jpeg({ quality: settings.quality }).toBuffer();
    const over = maxInk(await sharp(jpeg).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer()) - settings.tac;
    if (over <= 0) break;
    margin += Math.ceil(over) + 1;
  }
  return jpeg;
}
