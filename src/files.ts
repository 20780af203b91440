import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { threadId } from 'node:worker_threads';
import { openedPath, realWithin } from './issue/confine.js';

// Counts this thread's writes (each thread loads its own copy of this module), so that no two calls
// share a partial file. A count, not random bytes: a test can then put a FIFO where a run will write.
let writes = 0;

/**
 * Writes beside the final name and renames into place, so that a failed run never leaves half a
 * file where a good one was.
 */
export function writeAtomically(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  removeStalePartials(path);
  // The pid alone is not enough: threads of one process preparing the same new picture write the
  // same cache file at once.
  const partial = `${path}.partial-${process.pid}-${threadId}-${++writes}`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** A run killed mid-write (SIGKILL, power) leaves its partial file: the next run clears it away. */
function removeStalePartials(path: string): void {
  const prefix = `${basename(path)}.partial-`;
  for (const name of readdirSync(dirname(path))) {
    if (!name.startsWith(prefix)) continue;
    // Only the pid says whose it is: a live process, this one's other threads included, may still be writing it.
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (pid === process.pid || alive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a file was not read: each caller words it for its own kind of file. */
export type Refusal = 'missing' | 'directory' | 'special' | 'outside' | 'too-large';

export class FileRefused extends Error {
  constructor(
    readonly why: Refusal,
    /** The file's size, for a refusal as too large. */
    readonly size = 0,
    /** What stands at the path, for a refusal as special: a FIFO, a socket, a device. */
    readonly kind = '',
  ) {
    super(why);
    this.name = 'FileRefused';
  }
}

const kindOf = (stat: Stats) => (stat.isFIFO() ? 'a FIFO' : stat.isSocket() ? 'a socket' : 'a device');

// Non-blocking, so that opening a FIFO with no writer returns at once instead of waiting for one;
// no controlling terminal from a tty named as a file.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

interface Confinement {
  maxBytes: number;
  /** The folders the file must really lie in; none given, anywhere. */
  within?: readonly string[];
}

/**
 * The bytes of a regular file, opened once and judged on its descriptor: its kind, its size and,
 * given `within`, its real place. Nothing is asked of the name after the open, so a link swapped
 * in meanwhile cannot bring in another file. Throws FileRefused, or the system's error otherwise.
 */
export function readRegularFile(path: string, options: Confinement): Buffer {
  return withRegularFile(path, options, (fd) => {
    const bytes = readFileSync(fd);
    // A file still growing is judged by what was read.
    if (bytes.length > options.maxBytes) throw new FileRefused('too-large', bytes.length);
    return bytes;
  });
}

/** What `readRegularFile` would refuse, without reading the file. */
export function checkRegularFile(path: string, options: Confinement): void {
  withRegularFile(path, options, () => undefined);
}

/** `use` given the descriptor of a regular file, judged as `readRegularFile` judges it, and closed after. */
export function withRegularFile<T>(path: string, options: Confinement, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileRefused('missing');
    // A socket cannot be opened at all.
    if (code === 'ENXIO' || code === 'EOPNOTSUPP') throw new FileRefused('special', 0, 'a socket');
    if (code === 'EISDIR') throw new FileRefused('directory');
    throw e;
  }
  try {
    const stat = fstatSync(fd);
    if (options.within) {
      const real = openedPath(fd, path, stat);
      if (real === undefined || !realWithin(real, options.within)) throw new FileRefused('outside');
    }
    if (stat.isDirectory()) throw new FileRefused('directory');
    if (!stat.isFile()) throw new FileRefused('special', 0, kindOf(stat));
    if (stat.size > options.maxBytes) throw new FileRefused('too-large', stat.size);
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether two paths name one file: the same inode where both exist (a link, another spelling),
 * else the same real place, so an output not written yet is still matched against an input.
 */
export function sameFile(a: string, b: string): boolean {
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  if (sa && sb) return sa.dev === sb.dev && sa.ino === sb.ino;
  return realPlace(a) === realPlace(b);
}

/** The real path of a file that may not exist yet: its folder's real path and its name. */
function realPlace(path: string): string {
  const folder = dirname(resolvePath(path));
  try {
    return join(realpathSync(folder), basename(path));
  } catch {
    return resolvePath(path);
  }
}
