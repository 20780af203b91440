import { constants } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { BatchReport } from '../batch.js';
import type { BatchOutcome } from '../batch-worker.js';
import { EXIT, type SetExit } from '../exit.js';

const STATUS = ['ok', 'findings', 'bad input', 'error'];
const STOPPING: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** `compose batch DIR|GLOB...`: many issues in parallel, a progress bar or plain lines, report.json. */
export function batchCommand(program: Command, exit: SetExit): void {
  program
    .command('batch')
    .description('compose many issues in parallel (one worker per core) and write report.json for the run')
    .argument('<issues...>', 'issue files, folders of them, or patterns such as issues/*.yaml')
    .option('-o, --out <dir>', 'output folder for the PDFs and report.json', 'out')
    .option('-j, --jobs <n>', 'workers (default: one per core)')
    .addHelpText('after', '\nExit code: the worst of the issues (0 clean, 1 findings, 2 bad input, 3 internal error); 130 or 143 when stopped by SIGINT or SIGTERM.')
    .action(async (inputs: string[], opts: { out: string; jobs?: string }) => {
      const [{ checkBatchOutputs, expandIssues, runBatch }, { writeAtomically }] = await Promise.all([import('../batch.js'), import('../../files.js')]);
      const files = expandIssues(inputs);
      if (!files.length) program.error(`batch: no issue files in ${inputs.join(' ')}`, { exitCode: EXIT.badInput });
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && !(jobs >= 1)) program.error(`batch: --jobs must be a positive number, not "${opts.jobs}"`, { exitCode: EXIT.badInput });
      const path = join(opts.out, 'report.json');
      checkBatchOutputs(files, opts.out, path);
      const write = (report: BatchReport) => writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
      // Last night's report is replaced at once: until this run ends, the report says it is unfinished.
      write({ exitCode: EXIT.clean, interrupted: true, issues: [], unfinished: files, ms: 0 });
      const progress = progressLine(files.length);
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
      for (const s of STOPPING) process.once(s, onSignal);
      let report: BatchReport;
      try {
        const onDone = (o: BatchOutcome, now: BatchReport) => {
          write(now);
          progress(o, now.issues.length);
        };
        report = await runBatch(files, opts.out, { onDone, stop: stop.signal }, jobs);
      } finally {
        for (const s of STOPPING) process.off(s, onSignal);
      }
      write(report);
      for (const o of report.issues) for (const e of o.errors) process.stderr.write(`${e}\n`);
      process.stderr.write(`${path}: ${report.issues.length} issues, ${report.issues.filter((o) => o.exitCode === 0).length} clean, in ${(report.ms / 1000).toFixed(1)} s\n`);
      if (stop.signal.aborted) {
        const signal = stop.signal.reason as NodeJS.Signals;
        process.stderr.write(`batch: stopped by ${signal}; ${report.unfinished.length} of ${files.length} issues unfinished, as ${path} says (interrupted: true)\n`);
        exit(128 + constants.signals[signal]);
      } else exit(report.exitCode);
    });
}

/** A progress bar on a terminal, else one plain line per issue. */
function progressLine(total: number): (o: BatchOutcome, done: number) => void {
  const terminal = process.stderr.isTTY === true;
  const width = 30;
  return (o, done) => {
    if (terminal) {
      const filled = Math.round((done / total) * width);
      process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${o.file}`.padEnd(process.stderr.columns ?? 80).slice(0, (process.stderr.columns ?? 80) - 1));
      if (done === total) process.stderr.write('\n');
    } else {
      process.stderr.write(`[${done}/${total}] ${o.file}: ${STATUS[o.exitCode]} (${(o.ms / 1000).toFixed(1)} s)\n`);
    }
  };
}
