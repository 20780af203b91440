import { realpathSync } from 'node:fs';
import { resolve as resolvePath, sep } from 'node:path';

/** The real path (symlinks followed) where the file exists, else the absolute path as given. */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

/**
 * Whether `path` lies in one of the `folders`, symbolic links followed on both sides: files the
 * issue names are read only from folders the desk may write to, so `../../etc/passwd` or a link
 * out of them is refused, not read.
 */
export function isWithin(path: string, folders: readonly string[]): boolean {
  const real = realpathOr(path);
  return folders.map(realpathOr).some((root) => real === root || real.startsWith(root + sep));
}
