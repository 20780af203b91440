import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { default as Sharp } from 'sharp';
import { importSharp } from '../outside.js';

// sharp and its libvips take 60–85 ms to load: a run whose pictures all come from the cache, and a
// command with no pictures, never load it.
let loading: Promise<typeof Sharp> | undefined;

export function loadSharp(): Promise<typeof Sharp> {
  loading ??= importSharp().then((m) => m.default);
  return loading;
}

let version: string | undefined;

/**
 * The installed sharp's version, read from its package.json without loading it: cache entries made
 * by one sharp (and the libvips it ships) are not taken for another's.
 */
export function sharpVersion(): string {
  if (version === undefined) {
    let dir = dirname(createRequire(import.meta.url).resolve('sharp'));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  }
  return version;
}
