import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { keepOnDisk, keptOnDisk } from '../render/store.js';
import { codeKeptFor } from './kept-code.js';

/**
 * The composer's packages (fontkit, pdfkit, budoux's parser) and the YAML reader are most of the
 * code a composing run loads, and Node 20 keeps no compiled code of an ES module between runs: the
 * command's bundle has them as CommonJS files (the YAML reader in one of its own, for the commands
 * that read files but compose nothing), each compiled from the code V8 made of it on an earlier
 * run, kept in the cache folder. V8 refuses code of another version or other flags; a file's name
 * carries a hash of its content, so code of another build is never taken for it.
 */
const files = new Map<string, Record<string, unknown>>();

/**
 * One of the packages of a file of them beside this one in the bundle. `shared` are the modules
 * the file takes from the command's own bundle by the names it requires them by, so that a process
 * holds one copy of each (its errors, its cache of files of packages), never one in each.
 */
export function composerPackage(file: string, name: string, shared: Record<string, unknown> = {}): unknown {
  let packages = files.get(file);
  if (!packages) files.set(file, (packages = load(fileURLToPath(new URL(file, import.meta.url)), shared)));
  return packages[name];
}

function load(path: string, shared: Record<string, unknown>): Record<string, unknown> {
  const kept = `${basename(path)}-${codeKeptFor()}-${process.version}-${process.arch}.v8`;
  const cachedData = keptOnDisk(kept);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(path, 'utf8')}\n})`, { filename: path, cachedData });
  if (!cachedData || script.cachedDataRejected) {
    // Made at exit, so that it holds the functions the run compiled, not only the file's top level;
    // a cache folder that cannot be written costs the next run its compiling, never this run its result.
    process.once('exit', () => {
      try {
        keepOnDisk(kept, script.createCachedData());
      } catch {}
    });
  }
  const module = { exports: {} as Record<string, unknown> };
  const required = createRequire(path);
  const require = Object.assign((id: string) => (Object.hasOwn(shared, id) ? shared[id] : required(id)), required);
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, require, module, path, dirname(path));
  return module.exports;
}
