// Runs the installed command the way the desk and the pipeline do: a child process, its exit code
// and what it printed on standard error.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: tests run compiled, from dist/test/. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

export interface RunOptions {
  /** The package to run: a test's own copy of it, with its own layouts/ and fonts/, or this one. */
  root?: string;
  /** ms after which the run is killed (code null): for a test that a hang must not outlive. */
  timeout?: number;
}

/** Runs `compose` with `args`; a run killed at its `timeout` comes back with code null and says so on its stderr. */
export function runCompose(args: string[], env: NodeJS.ProcessEnv = process.env, { root = ROOT, timeout }: RunOptions = {}): Promise<Run> {
  return new Promise((done) => {
    // SIGKILL: a run that waits on a pipe, or catches SIGTERM to write its report, must still end.
    const child = spawn(process.execPath, [join(root, 'bin', 'compose.js'), ...args], { cwd: root, env, timeout, killSignal: 'SIGKILL' });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', (e) => done({ code: null, stderr: String(e), stdout }));
    child.on('close', (code, signal) => done({ code, stderr: code === null && signal === 'SIGKILL' ? `hung: killed after ${timeout} ms\n${stderr}` : stderr, stdout }));
  });
}

/** A string as a regular expression that matches it literally. */
export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
