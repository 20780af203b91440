import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { IssueError } from '../issue/errors.js';
import type { Crop, SourcePos } from '../issue/types.js';
import type { PictureSettings } from '../layout/template.js';
import { writeAtomically } from '../files.js';
import { LIMITS } from '../limits.js';
import { cmykTiff, limitInk, maxInk } from './ink.js';

export interface PictureRequest {
  source: string;
  crop?: Crop;
  /** The slot's size on the page, pt. */
  width: number;
  height: number;
  pos: SourcePos;
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

function cacheDir(): string {
  return process.env.BANMIAN_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'banmian', 'pictures');
}

/**
 * decode → upright (EXIF) → crop to the slot's aspect → resample to the layout's resolution (never
 * up) → the plant's CMYK within its ink limit (gray stays gray) → JPEG. Results are cached by the content of everything
 * that goes in, so recomposing after an edit elsewhere costs a file read.
 */
export async function preparePicture(req: PictureRequest, settings: PictureSettings): Promise<PreparedPicture> {
  if (!existsSync(req.source)) throw new IssueError('bad-picture', req.pos, `picture file ${req.source} not found; give a path relative to the issue file, or an absolute one`);
  const size = statSync(req.source).size;
  if (size > LIMITS.pictureBytes) throw new IssueError('too-large', req.pos, `picture file ${req.source} has ${size} bytes, more than the limit of ${LIMITS.pictureBytes}; give a smaller file, or raise BANMIAN_MAX_PICTURE_BYTES`);
  let bytes: Buffer;
  let meta: Metadata;
  try {
    bytes = readFileSync(req.source);
    // The header alone, without sharp's own pixel limit, so the limit's message below is ours.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if ((meta.width ?? 0) * (meta.height ?? 0) > LIMITS.picturePixels) {
      throw new IssueError('too-large', req.pos, `picture file ${req.source} is ${meta.width} × ${meta.height} pixels, more than the limit of ${LIMITS.picturePixels}; give a smaller picture, or raise BANMIAN_MAX_PICTURE_PIXELS`);
    }
    if (!meta.width || !meta.height) throw new Error('no picture size');
  } catch (e) {
    if (e instanceof IssueError) throw e;
    throw new IssueError('bad-picture', req.pos, `picture file ${req.source} cannot be read as a picture (${e instanceof Error ? e.message : String(e)}); give a JPEG, PNG, WebP or TIFF`);
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
    .update(bytes)
    .update(JSON.stringify([rect, pixelWidth, pixelHeight, gray, profile, settings.quality, settings.tac, INK_ATTEMPTS, sharp.versions.vips]))
    .digest('hex');
  const cached = join(cacheDir(), `${key}.jpg`);
  const result = { pixelWidth, pixelHeight, ppi: Math.min(ppi, settings.ppi), gray };
  if (existsSync(cached)) return { jpeg: readFileSync(cached), ...result };

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
  writeAtomically(cached, jpeg);
  return { jpeg, ...result };
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
    jpeg = await sharp(cmykTiff(pixels, width, height)).pipelineColourspace('cmyk').toColourspace('cmyk').jpeg({ quality: settings.quality }).toBuffer();
    const over = maxInk(await sharp(jpeg).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer()) - settings.tac;
    if (over <= 0) break;
    margin += Math.ceil(over) + 1;
  }
  return jpeg;
}
