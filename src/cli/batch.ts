import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LIMITS } from '../limits.js';
import type { BatchJob, BatchOutcome } from './batch-worker.js';
import { EXIT } from './exit.js';

/**
 * The issue files a batch names: a folder's *.yaml, a pattern with * and ? in its last part, or a
 * file. Sorted, so the run and its report read the same every night.
 */
export function expandIssues(inputs: string[]): string[] {
  const files = new Set<string>();
  for (const input of inputs) {
    const last = basename(input);
    if (/[*?]/.test(last)) {
      const pattern = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      for (const f of readdirSync(dirname(input))) if (pattern.test(f)) files.add(join(dirname(input), f));
    } else if (statSync(input, { throwIfNoEntry: false })?.isDirectory()) {
      for (const f of readdirSync(input)) if (f.endsWith('.yaml') || f.endsWith('.yml')) files.add(join(input, f));
    } else files.add(input);
  }
  return [...files].sort();
}

export interface BatchReport {
  exitCode: number;
  issues: BatchOutcome[];
  ms: number;
}

/**
 * Composes the issues on a pool of worker threads, one per core; one failure stops nothing. An
 * issue that runs past the time limit has its worker stopped and is reported; a fresh worker takes
 * the next issue.
 */
export async function runBatch(files: string[], outDir: string, onDone: (o: BatchOutcome, done: number, total: number) => void, workers = availableParallelism()): Promise<BatchReport> {
  const started = performance.now();
  const queue = files.map((file): BatchJob => ({ file, outDir }));
  const outcomes: BatchOutcome[] = [];
  const finish = (outcome: BatchOutcome) => {
    outcomes.push(outcome);
    onDone(outcome, outcomes.length, files.length);
  };
  const lane = async () => {
    let worker = new Worker(new URL('./batch-worker.js', import.meta.url));
    for (let job = queue.shift(); job; job = queue.shift()) {
      const jobStarted = performance.now();
      const outcome = await new Promise<BatchOutcome | null>((resolve, reject) => {
        const timer = setTimeout(() => resolve(null), LIMITS.issueSeconds * 1000);
        worker.once('message', (o: BatchOutcome) => {
          clearTimeout(timer);
          resolve(o);
        });
        worker.once('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        worker.postMessage(job);
      });
      if (outcome) finish(outcome);
      else {
        await worker.terminate();
        worker = new Worker(new URL('./batch-worker.js', import.meta.url));
        finish({ file: job.file, exitCode: EXIT.internal, pdf: null, ms: performance.now() - jobStarted, errors: [`${job.file}: stopped after ${LIMITS.issueSeconds} s, the time limit for one issue (BANMIAN_MAX_SECONDS)`], pages: [] });
      }
      worker.removeAllListeners('message');
      worker.removeAllListeners('error');
    }
    await worker.terminate();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, queue.length)) }, lane));
  outcomes.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
  return { exitCode: Math.max(0, ...outcomes.map((o) => o.exitCode)), issues: outcomes, ms: performance.now() - started };
}
