import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { sameFile } from '../files.js';
import { IssueError, IssueErrors } from '../issue/errors.js';
import { LIMITS } from '../limits.js';
import { pdfPathOf } from '../pipeline/compose.js';
import type { BatchJob, BatchOutcome } from './batch-worker.js';
import { internalDiagnostic } from './diagnostic.js';
import { EXIT } from './exit.js';
import { REPORT_VERSION, failedReport } from './report.js';

/**
 * The issue files a batch names: a folder's *.yaml and *.yml, a glob (`**`, `*`, `?`, `[…]`,
 * `{a,b}`, through tinyglobby), or a file. Sorted, so the run and its report read the same every
 * night; a file named twice, in two spellings, is composed once. A glob that matches no file is bad
 * input, named in one line: a nightly run over an empty or misspelt folder must not pass as clean.
 */
export function expandIssues(inputs: string[]): string[] {
  const files = new Map<string, string>();
  const add = (file: string) => {
    if (!files.has(resolvePath(file))) files.set(resolvePath(file), file);
  };
  for (const input of inputs) {
    if (isDynamicPattern(input)) {
      const matched = globSync([input], { absolute: isAbsolute(input), expandDirectories: false, onlyFiles: true });
      if (!matched.length) throw new BatchInputError(`the pattern '${input}' matches no file; check the folder and the pattern (quote it, so that the shell leaves ** to the batch)`);
      for (const f of matched) add(f);
    } else if (statSync(input, { throwIfNoEntry: false })?.isDirectory()) {
      for (const f of readdirSync(input)) if (f.endsWith('.yaml') || f.endsWith('.yml')) add(join(input, f));
    } else add(input);
  }
  return [...files.values()].sort();
}

/** What a batch was asked to compose cannot be: said in one line, exit 2. */
export class BatchInputError extends Error {}

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

/** The batch's report: every issue's run report, in the shape `compose -r` writes, and a summary. */
export interface BatchReport {
  reportVersion: typeof REPORT_VERSION;
  exitCode: number;
  /** Whether the run stopped, or is still going, before every issue was composed. */
  interrupted: boolean;
  /** The issues that finished, in the order they were named. */
  issues: BatchOutcome[];
  /** The issues not finished when the report was written. */
  unfinished: string[];
  summary: BatchSummary;
}

export interface BatchSummary {
  issues: number;
  /** Issues by exit code: composed clean, composed with blocking findings, bad input, a fault. */
  clean: number;
  findings: number;
  badInput: number;
  internal: number;
  unfinished: number;
  pages: number;
  charactersSet: number;
  oversetCharacters: number;
  ms: number;
}

/** The report of a batch as it stands: the finished issues in the order named, and the rest unfinished. */
export function batchReport(files: string[], outcomes: BatchOutcome[], ms: number): BatchReport {
  const done = new Set(outcomes.map((o) => o.issue));
  const issues = [...outcomes].sort((a, b) => files.indexOf(a.issue) - files.indexOf(b.issue));
  const unfinished = files.filter((f) => !done.has(f));
  const exited = (code: number) => issues.filter((o) => o.exitCode === code).length;
  const articles = issues.flatMap((o) => o.articles);
  return {
    reportVersion: REPORT_VERSION,
    exitCode: Math.max(0, ...issues.map((o) => o.exitCode)),
    interrupted: unfinished.length > 0,
    issues,
    unfinished,
    summary: {
      issues: files.length,
      clean: exited(EXIT.clean),
      findings: exited(EXIT.findings),
      badInput: exited(EXIT.badInput),
      internal: exited(EXIT.internal),
      unfinished: unfinished.length,
      pages: issues.reduce((n, o) => n + o.pages.length, 0),
      charactersSet: articles.reduce((n, a) => n + a.charactersSet, 0),
      oversetCharacters: articles.reduce((n, a) => n + a.oversetCharacters, 0),
      ms,
    },
  };
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
export async function runBatch(files: string[], outDir: string, hooks: BatchHooks, workers = availableParallelism(), root?: string): Promise<BatchReport> {
  const started = performance.now();
  const queue = files.map((file): BatchJob => ({ file, outDir, root }));
  const outcomes: BatchOutcome[] = [];
  const report = () => batchReport(files, outcomes, performance.now() - started);
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
  const failed = (why: string): BatchOutcome => ({ ...failedReport(job.file, EXIT.internal, [internalDiagnostic(job.file, why)]), ms: performance.now() - started });
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
