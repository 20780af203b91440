import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';

// Counts this thread's writes (each worker loads its own copy of this module), so that no two calls
// share a partial file. A count, not random bytes: a test can then put a FIFO where a run will write.
let writes = 0;

/**
 * Writes beside the final name and renames into place, so that a failed run never leaves half a
 * file where a good one was.
 */
export function writeAtomically(path: string, bytes: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  removeStalePartials(path);
  // The pid alone is not enough: a batch's workers are threads of one process, and two of them
  // preparing the same new picture write the same cache file at once.
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
