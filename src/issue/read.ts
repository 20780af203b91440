import { FileRefused, readRegularFile } from '../files.js';
import { LIMITS } from '../limits.js';
import { IssueError } from './errors.js';
import type { SourcePos } from './types.js';

/** A text file the desk hands in (the issue file, a story it names), as messages speak of it. */
export interface DeskFile {
  path: string;
  /** Where a problem with the file as a whole is reported: the file itself, or the value that names it. */
  at: SourcePos;
  /** "issue file", "story file stories/gala.md". */
  noun: string;
  /** What kind of file to give instead of a pipe or a directory: ".yaml". */
  ext: string;
  /** What to do about an empty file. */
  empty: string;
  /** The folders the file must really lie in, and what to say of one outside them. */
  within?: { folders: readonly string[]; outside: string };
}

/**
 * The file's text, read as UTF-8 within the issue size limit. Throws an IssueError: a missing,
 * unreadable, outside, oversized or empty file at `at`, bad UTF-8 at the first bad byte in the file itself.
 */
export function readDeskFile(f: DeskFile): string {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(f.path, { maxBytes: LIMITS.issueBytes, within: f.within?.folders });
  } catch (err) {
    throw deskFileError(f, err);
  }
  if (bytes.length === 0) throw new IssueError('no-content', f.at, `${f.noun} is empty; ${f.empty}`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Files saved from Chinese Windows editors are often GB18030; point at the first bad byte.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, firstInvalidUtf8(bytes)));
    throw new IssueError('encoding', positionIn(before, before.length, f.path), `${f.noun} is not valid UTF-8 (saved as GBK/GB18030?); save it as UTF-8`);
  }
}

function deskFileError(f: DeskFile, err: unknown): IssueError {
  if (err instanceof FileRefused) {
    switch (err.why) {
      case 'missing':
        return new IssueError('missing-file', f.at, `${f.noun} not found; check the path`);
      case 'directory':
        return new IssueError('unreadable-file', f.at, `cannot read ${f.noun}: it is a directory, expected a ${f.ext} file`);
      case 'special':
        return new IssueError('unreadable-file', f.at, `cannot read ${f.noun}: it is not a regular file (a pipe or a device); give a ${f.ext} file`);
      case 'outside':
        return new IssueError('outside', f.at, f.within?.outside ?? `${f.noun} is outside the folders it may be read from`);
      case 'too-large':
        return new IssueError('too-large', f.at, `${f.noun} has ${err.size} bytes, more than the limit of ${LIMITS.issueBytes}; split it, or raise BANMIAN_MAX_ISSUE_BYTES`);
    }
  }
  return new IssueError('unreadable-file', f.at, `cannot read ${f.noun}: ${(err as Error).message}`);
}

/** 1-based line and column of `offset` in `text`, for files read without a YAML document. */
export function positionIn(text: string, offset: number, file: string): SourcePos {
  const before = text.slice(0, offset);
  return { file, line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    // Overlong and surrogate forms are as invalid as stray bytes.
    if ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f) || (c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f)) return i;
    i += n + 1;
  }
  return b.length;
}
