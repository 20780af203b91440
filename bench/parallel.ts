// Does a large issue compose faster split over worker threads? Run by the bench in a process of
// its own: the whole issue composed on the main thread, then its parts composed at once by a pool
// of warm workers (fonts loaded, one issue composed), round after round in the same minute. Each
// worker writes its own PDF, so the pool's figure leaves out joining the parts into one file:
// it is the most a split could win, not what a split would give.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { buildIssue, composeFile } from '../src/pipeline/compose.js';
import { cpuSince, peakKiB } from './child.js';

interface Job {
  warmup: string;
  part: string;
  out: string;
}

/** What the process prints, one JSON line: times of each round, ms. */
export interface ParallelFigures {
  workers: number;
  /** From starting the pool to every worker warm. */
  poolStartMs: number;
  /** Composition alone (no PDF) of the whole issue, per round. */
  composeMs: number[];
  wholeMs: number[];
  splitMs: number[];
  /** CPU time of every thread of the process over the round's whole and split runs. */
  wholeCpuMs: number[];
  splitCpuMs: number[];
  peakRssMiB: number;
}

async function worker(job: Job): Promise<void> {
  await composeFile(job.warmup, job.out);
  parentPort!.postMessage('ready');
  parentPort!.on('message', async (message: string) => {
    if (message !== 'go') return parentPort!.close();
    await composeFile(job.part, job.out);
    parentPort!.postMessage('done');
  });
}

const next = (w: Worker) => new Promise<void>((done, fail) => {
  w.once('message', () => done());
  w.once('error', fail);
});

async function main(args: string[]): Promise<void> {
  const [warmup, whole, outDir, runs, ...parts] = args;
  await composeFile(warmup, outDir);
  const t0 = performance.now();
  const pool = parts.map((part, i) => new Worker(fileURLToPath(import.meta.url), { workerData: { warmup, part, out: `${outDir}/part-${i + 1}` } satisfies Job }));
  await Promise.all(pool.map(next));
  const figures: ParallelFigures = { workers: pool.length, poolStartMs: performance.now() - t0, composeMs: [], wholeMs: [], splitMs: [], wholeCpuMs: [], splitCpuMs: [], peakRssMiB: 0 };
  for (let r = 0; r < Number(runs); r++) {
    let t = performance.now();
    await buildIssue(whole);
    figures.composeMs.push(performance.now() - t);
    t = performance.now();
    let cpu = process.cpuUsage();
    await composeFile(whole, outDir);
    figures.wholeMs.push(performance.now() - t);
    figures.wholeCpuMs.push(cpuSince(cpu));
    t = performance.now();
    cpu = process.cpuUsage();
    const finished = pool.map(next);
    for (const w of pool) w.postMessage('go');
    await Promise.all(finished);
    figures.splitMs.push(performance.now() - t);
    figures.splitCpuMs.push(cpuSince(cpu));
  }
  for (const w of pool) w.postMessage('stop');
  figures.peakRssMiB = peakKiB() / 1024;
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (parentPort) await worker(workerData as Job);
else await main(process.argv.slice(2));
