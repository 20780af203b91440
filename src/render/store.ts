import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { readRegularFile, writeAtomically } from '../files.js';
import { cacheDir } from '../paths.js';

/**
 * What rendering makes the same way every time (a deflated profile, a font subset), kept under a
 * key of everything that goes into it: in memory while the process lives, and in the cache folder
 * between runs. An entry on disk carries its own hash and length, so one cut short or altered is
 * made again, never embedded.
 */
/** A desk's process composes many versions of an issue: the entries of the last few are enough. */
const IN_MEMORY = 64;

/** The values last used, at most IN_MEMORY of them: what a warm process makes again and again. */
export class Recent<T> {
  private readonly values = new Map<string, T>();

  /** The value under `key`, made by `make` when it is not among the recent ones. */
  get(key: string, make: () => T): T {
    const value = this.values.get(key) ?? make();
    this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > IN_MEMORY) this.values.delete(this.values.keys().next().value!);
    return value;
  }
}

const memory = new Recent<Buffer>();
/** Kept entries are subsets and profiles: a few megabytes at most. */
const ENTRY_BYTES = 64 * 2 ** 20;
const SEAL = /^banmian-kept sha256=([0-9a-f]{64}) length=(\d{10})\n/;
const SEAL_BYTES = 'banmian-kept sha256= length=0000000000\n'.length + 64;

export const sha256 = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

const pictureDigests = new WeakMap<Uint8Array, string>();

/** A picture's sha256, hashed once for its bytes: a warm process draws and compares the same picture at every build. */
export function pictureDigest(jpeg: Uint8Array): string {
  let d = pictureDigests.get(jpeg);
  if (d === undefined) pictureDigests.set(jpeg, (d = sha256(jpeg)));
  return d;
}

/** The bytes kept under `name` (a key and a kind, "<hash>.icc.z"), made by `make` when none are. */
export function kept(name: string, make: () => Buffer): Buffer {
  return memory.get(name, () => {
    let bytes = keptOnDisk(name);
    if (!bytes) {
      bytes = make();
      keepOnDisk(name, bytes);
    }
    return bytes;
  });
}

/** The bytes kept in the cache folder under `name`, sealed with their hash and length. */
export function keepOnDisk(name: string, bytes: Uint8Array): void {
  writeAtomically(join(cacheDir(), name), Buffer.concat([Buffer.from(`banmian-kept sha256=${sha256(bytes)} length=${String(bytes.length).padStart(10, '0')}\n`, 'latin1'), bytes]));
}

/** What the cache folder keeps under `name`, or undefined where it keeps nothing whole. */
export function keptOnDisk(name: string): Buffer | undefined {
  let entry: Buffer;
  try {
    entry = readRegularFile(join(cacheDir(), name), { maxBytes: ENTRY_BYTES });
  } catch {
    return undefined;
  }
  const seal = SEAL.exec(entry.subarray(0, SEAL_BYTES).toString('latin1'));
  if (!seal) return undefined;
  const bytes = entry.subarray(SEAL_BYTES);
  return bytes.length === Number(seal[2]) && sha256(bytes) === seal[1] ? bytes : undefined;
}
