import { join } from 'node:path';
import { readRegularFile, writeAtomically } from '../files.js';
import { IssueError } from '../issue/errors.js';
import type { SourcePos } from '../issue/types.js';
import { Refused, readNamedFile } from '../layout/config.js';
import { cacheDir } from '../paths.js';
import { loadSharp, sharpVersion } from './sharp.js';

/** The plant's output profile: what pictures are converted with and what the PDF declares. */
export interface OutputProfile {
  icc: Buffer;
  /** The profile's own description ("Chemical proof"), named as the output condition. */
  description: string;
}

const loaded = new Map<string, Promise<OutputProfile>>();
/** Profile files as read and checked when their layout was loaded: embedded from these bytes. */
const checked = new Map<string, Buffer>();

/** Output profiles are a few megabytes at most; more is not a profile. */
const PROFILE_BYTES = 64 * 2 ** 20;
/** The ICC header (128 bytes) and its tag count. */
const HEADER = 132;

/**
 * A profile file for the plant, read at once and its header checked: an ICC profile ('acsp' at byte
 * 36) of an output device ('prtr') in CMYK, whole (its tags inside its declared size). Anything else
 * is an IssueError at `at`, the layout's profile line, before any picture is converted with it.
 */
export function loadProfileFile(path: string, at: SourcePos): Buffer {
  let icc: Buffer;
  try {
    icc = readNamedFile(path, PROFILE_BYTES);
  } catch (e) {
    if (e instanceof Refused) throw new IssueError('bad-template', at, `pictures.profile: ${e.message}; give an ICC profile file or cmyk`);
    throw e;
  }
  const problem = iccProblem(icc);
  if (problem) throw new IssueError('bad-template', at, `pictures.profile: ${path} ${problem}; give the plant's CMYK output profile (.icc), or cmyk`);
  checked.set(path, icc);
  return icc;
}

/** What keeps the bytes from being a whole CMYK output profile, or undefined. */
function iccProblem(icc: Buffer): string | undefined {
  if (icc.length < HEADER || icc.toString('latin1', 36, 40) !== 'acsp') return 'is not an ICC profile (no \'acsp\' signature at byte 36)';
  const size = icc.readUInt32BE(0);
  if (size < HEADER || size > icc.length) return `is cut short or damaged: its header gives ${size} bytes, the file has ${icc.length}`;
  const deviceClass = icc.toString('latin1', 12, 16);
  if (deviceClass !== 'prtr') return `is a '${deviceClass.trim()}' profile, not an output (printer, 'prtr') profile`;
  const space = icc.toString('latin1', 16, 20);
  if (space !== 'CMYK') return `is for the '${space.trim()}' colour space, not the plant's CMYK`;
  const count = icc.readUInt32BE(128);
  if (HEADER + count * 12 > size) return `is damaged: its ${count} tags do not fit in its ${size} bytes`;
  for (let k = 0; k < count; k++) {
    const entry = HEADER + k * 12;
    if (icc.readUInt32BE(entry + 4) + icc.readUInt32BE(entry + 8) > size) return `is damaged: tag '${icc.toString('latin1', entry, entry + 4)}' runs past its end`;
  }
  return undefined;
}

/**
 * The ICC bytes of the layout's profile: a file as it is, or sharp's built-in `cmyk` profile as
 * sharp embeds it in a CMYK picture, so the PDF declares exactly the profile its pictures use.
 */
export function outputProfile(profile: string): Promise<OutputProfile> {
  let p = loaded.get(profile);
  if (!p) {
    p = (async () => {
      const icc = profile === 'cmyk' ? await builtInCmyk() : (checked.get(profile) ?? loadProfileFile(profile, { file: profile, line: 1, column: 1 }));
      return { icc, description: iccDescription(icc) ?? profile };
    })();
    loaded.set(profile, p);
  }
  return p;
}

/** Kept in the cache, checked as a whole profile when read back, so that a run whose pictures are all cached does not load sharp for it. */
async function builtInCmyk(): Promise<Buffer> {
  const entry = join(cacheDir(), `builtin-cmyk-${sharpVersion()}.icc`);
  try {
    const kept = readRegularFile(entry, { maxBytes: PROFILE_BYTES });
    if (!iccProblem(kept)) return kept;
  } catch {
    // Not kept yet, or not readable: made again below.
  }
  const icc = await sharpCmyk();
  writeAtomically(entry, icc);
  return icc;
}

async function sharpCmyk(): Promise<Buffer> {
  const sharp = await loadSharp();
  const probe = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#ffffff' } }).withIccProfile('cmyk').jpeg().toBuffer();
  const { icc } = await sharp(probe).metadata();
  if (!icc) throw new Error('sharp embedded no profile in a CMYK picture');
  return icc;
}

/**
 * The 'desc' tag of an ICC profile (v2 textDescriptionType or v4 multiLocalizedUnicodeType). A tag
 * whose text runs past its end leaves the profile without a name, not unusable.
 */
export function iccDescription(icc: Buffer): string | undefined {
  try {
    return descriptionTag(icc);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function descriptionTag(icc: Buffer): string | undefined {
  const count = icc.readUInt32BE(128);
  for (let k = 0; k < count; k++) {
    const at = 132 + k * 12;
    if (icc.toString('latin1', at, at + 4) !== 'desc') continue;
    const offset = icc.readUInt32BE(at + 4);
    const type = icc.toString('latin1', offset, offset + 4);
    if (type === 'desc') {
      const length = icc.readUInt32BE(offset + 8);
      return icc.toString('latin1', offset + 12, offset + 12 + length).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      // The first record: language, country, length and offset of its UTF-16BE text.
      const length = icc.readUInt32BE(offset + 20);
      const start = offset + icc.readUInt32BE(offset + 24);
      return Buffer.from(icc.subarray(start, start + length)).swap16().toString('utf16le') || undefined;
    }
  }
  return undefined;
}
