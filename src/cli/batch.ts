import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BatchJob, BatchOutcome } from './batch-worker.js';

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

/** Composes the issues on a pool of worker threads, one per core; one failure stops nothing. */
export async function runBatch(files: string[], outDir: string, onDone: (o: BatchOutcome, done: number, total: number) => void, workers = availableParallelism()): Promise<BatchReport> {
  const started = performance.now();
  const queue = files.map((file): BatchJob => ({ file, outDir }));
  const outcomes: BatchOutcome[] = [];
  const pool = Array.from({ length: Math.max(1, Math.min(workers, queue.length)) }, () => new Worker(new URL('./batch-worker.js', import.meta.url)));
  await Promise.all(
    pool.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const next = () => {
            const job = queue.shift();
            if (!job) {
              resolve();
              return;
            }
            worker.once('message', (outcome: BatchOutcome) => {
              outcomes.push(outcome);
              onDone(outcome, outcomes.length, files.length);
              next();
            });
            worker.postMessage(job);
          };
          worker.once('error', reject);
          next();
        }),
    ),
  );
  await Promise.all(pool.map((w) => w.terminate()));
  outcomes.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
  return { exitCode: Math.max(0, ...outcomes.map((o) => o.exitCode)), issues: outcomes, ms: performance.now() - started };
}
