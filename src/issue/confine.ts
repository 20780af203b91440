import { readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve as resolvePath, sep } from 'node:path';
import type { Workspace } from '../workspace/workspace.js';

/** The real path (symlinks followed) where the file exists, else the absolute path as given. */
function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolvePath(path);
  }
}

/** Whether the real path `real` lies in one of the `folders`, their own links followed. */
export function realWithin(real: string, folders: readonly string[]): boolean {
  return folders.map(realpathOr).some((root) => real === root || real.startsWith(root + sep));
}

/**
 * Whether `path` lies in one of the `folders`, symbolic links followed on both sides: files the
 * issue names are read only from folders the desk may write to, so `../../etc/passwd` or a link
 * out of them is refused, not read. A check by name, for messages before anything is opened; what
 * is read is checked again on its descriptor (`openedPath`).
 */
export function isWithin(path: string, folders: readonly string[]): boolean {
  return realWithin(realpathOr(path), folders);
}

/** The folders an issue's pictures may come from: its own, the project's (its workspace's), those banmian.yaml names, and those its layout allows. */
export function pictureFolders(issueFile: string, allow: readonly string[], ws: Workspace): string[] {
  return [dirname(resolvePath(issueFile)), ws.root, ...ws.pictures, ...allow];
}

/**
 * Where the file open on `fd` really is, asked of the descriptor and not of the name, so that a
 * link swapped in after the open cannot pass a check meant for the file that was read. Linux
 * tells it through /proc; elsewhere the name's real path counts only if it is the opened file.
 */
export function openedPath(fd: number, path: string, opened: Stats): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    try {
      const real = realpathSync(path);
      const now = statSync(real);
      return now.dev === opened.dev && now.ino === opened.ino ? real : undefined;
    } catch {
      return undefined;
    }
  }
}
