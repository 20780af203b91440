import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sameFile } from '../files.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import { LIMITS } from '../limits.js';
import { pdfPathOf } from '../pipeline/compose.js';
import type { BatchJob, BatchOutcome } from './batch-worker.js';
import { EXIT } from './exit.js';

/**
 * The issue files a batch names: a folder's *.yaml, a pattern with * and ? in its last part, or a
 * file. Sorted, so the run and its report read the same every night; a file named twice, in two
 * spellings, is composed once.
 */
export function expandIssues(inputs: string[]): string[] {
  const files = new Map<string, string>();
  const add = (file: string) => {
    if (!files.has(resolvePath(file))) files.set(resolvePath(file), file);
  };
  for (const input of inputs) {
    const last = basename(input);
    if (/[*?]/.test(last)) {
      const pattern = new RegExp(`^${last.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      for (const f of readdirSync(dirname(input))) if (pattern.test(f)) add(join(dirname(input), f));
    } else if (statSync(input, { throwIfNoEntry: false })?.isDirectory()) {
      for (const f of readdirSync(input)) if (f.endsWith('.yaml') || f.endsWith('.yml')) add(join(input, f));
    } else add(input);
  }
  return [...files.values()].sort();
}

/**
 * Refuses a batch, before anything is written, where two issues would write one PDF (issues of
 * one name from two folders) or the report would land on an issue file: one line for each such
 * issue, naming the other.
 */
export function checkBatchOutputs(files: string[], outDir: string, report: string): void {
  const errors: IssueError[] = [];
  const writers = new Map<string, string>();
  for (const file of files) {
    const at = { file, line: 1, column: 1 };
    const pdf = pdfPathOf(file, outDir);
    const first = [...writers].find(([other]) => sameFile(other, pdf))?.[1];
    if (first) errors.push(new IssueError('bad-value', at, `its PDF ${pdf} is also the PDF of ${first}; rename one of them, or compose them into different output folders (-o)`));
    else writers.set(pdf, file);
    if (sameFile(file, report)) errors.push(new IssueError('bad-value', at, `the batch's report ${report} would be written over this issue file; give another output folder (-o)`));
  }
  if (errors.length) throw new IssueErrors(errors);
}

export interface BatchReport {
  exitCode: number;
  /** Whether the run stopped, or is still going, before every issue was composed. */
  interrupted: boolean;
  /** The issues that finished, in the order they were named. */
  issues: BatchOutcome[];
  /** The issues not finished when the report was written. */
  unfinished: string[];
  ms: number;
}

export interface BatchHooks {
  /** Each finished issue, with the report as it stands then. */
  onDone: (o: BatchOutcome, report: BatchReport) => void;
  /** Aborted (SIGINT, SIGTERM): the workers are ended at once and the run returns what finished. */
  stop?: AbortSignal;
}

const WORKER = fileURLToPath(new URL('./batch-worker.js', import.meta.url));

/**
 * Composes the issues on a pool of worker processes, one per core; one failure stops nothing. A
 * worker is a process, not a thread, so that it can be ended whatever it waits on: an issue that
 * runs past the time limit, or a worker that dies, is reported, and a fresh worker takes the next issue.
 */
export async function runBatch(files: string[], outDir: string, hooks: BatchHooks, workers = availableParallelism()): Promise<BatchReport> {
  const started = performance.now();
  const queue = files.map((file): BatchJob => ({ file, outDir }));
  const outcomes: BatchOutcome[] = [];
  const report = (): BatchReport => {
    const done = new Set(outcomes.map((o) => o.file));
    const issues = [...outcomes].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
    const unfinished = files.filter((f) => !done.has(f));
    return { exitCode: Math.max(0, ...issues.map((o) => o.exitCode)), interrupted: unfinished.length > 0, issues, unfinished, ms: performance.now() - started };
  };
  const lane = async () => {
    let worker: Worker | undefined;
    for (let job = queue.shift(); job && !hooks.stop?.aborted; job = queue.shift()) {
      worker ??= startWorker();
      const outcome = await runOn(worker, job, hooks.stop);
      if (!outcome) break;
      if (gone(worker)) worker = undefined;
      outcomes.push(outcome);
      hooks.onDone(outcome, report());
    }
    // A worker that is idle ends when its channel closes.
    if (worker?.child.connected) worker.child.disconnect();
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, queue.length)) }, lane));
  return report();
}

/** What a worker printed last, for a worker that ended without an answer: one line, cut short. */
const LAST_WORDS = 300;

interface Worker {
  child: ChildProcess;
  lastWords: () => string;
}

function startWorker(): Worker {
  const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let said = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (said = (said + d).slice(-4 * LAST_WORDS)));
  return { child, lastWords: () => said.trim().split('\n').pop()?.slice(0, LAST_WORDS) ?? '' };
}

const gone = (w: Worker) => w.child.exitCode !== null || w.child.signalCode !== null || w.child.killed;

/**
 * One issue on one worker: its outcome; the time limit's or the worker's end as a failed outcome,
 * the worker killed; null when the run is stopped, the worker killed and the issue unfinished.
 */
function runOn({ child, lastWords }: Worker, job: BatchJob, stop: AbortSignal | undefined): Promise<BatchOutcome | null> {
  const started = performance.now();
  const failed = (why: string): BatchOutcome => ({ file: job.file, exitCode: EXIT.internal, pdf: null, ms: performance.now() - started, errors: [`${job.file}: ${why}`], pages: [] });
  return new Promise((resolve) => {
    const settle = (o: BatchOutcome | null) => {
      clearTimeout(timer);
      child.off('message', answered);
      child.off('exit', ended);
      child.off('error', ended);
      stop?.removeEventListener('abort', stopped);
      resolve(o);
    };
    const answered = (o: BatchOutcome) => settle(o);
    const ended = () => {
      child.kill('SIGKILL');
      const words = lastWords();
      settle(failed(`the worker composing it ended (${child.signalCode ?? `exit ${child.exitCode}`})${words ? `: ${words}` : ''}`));
    };
    const stopped = () => {
      child.kill('SIGKILL');
      settle(null);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(failed(`stopped after ${LIMITS.issueSeconds} s, the time limit for one issue (BANMIAN_MAX_SECONDS)`));
    }, LIMITS.issueSeconds * 1000);
    child.on('message', answered);
    child.on('exit', ended);
    child.on('error', ended);
    stop?.addEventListener('abort', stopped);
    child.send(job);
  });
}
