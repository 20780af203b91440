import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installed package's root (where package.json, layouts/, fonts/ and schema/ live), found
 * from this file whether it runs compiled from dist/ or not: never the user's working directory.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('banmian: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The folder of cache entries: prepared pictures and their headers, the built-in profile, font subsets, the deflated output profile. */
export function cacheDir(): string {
  return process.env.BANMIAN_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'banmian', 'pictures');
}
