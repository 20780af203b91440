import { constants } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { BatchReport } from '../batch.js';
import type { BatchOutcome } from '../batch-worker.js';
import { diagnosticStyle, writeDiagnostics } from '../diagnostics.js';
import { EXIT, type SetExit } from '../exit.js';
import { outputTarget } from './compose.js';
import { composer } from '../composer.js';

const STATUS = ['ok', 'findings', 'bad input', 'error'];
const STOPPING: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** `compose batch DIR|GLOB...`: many issues in parallel, a progress bar or plain lines, report.json. */
export function batchCommand(program: Command, exit: SetExit): void {
  program
    .command('batch')
    .description('compose many issues in parallel (one worker per core) and write report.json for the run')
    .argument('<issues...>', "issue files, folders of them, or globs such as 'issues/**/*.yaml' (quoted)")
    .option('-o, --out <dir>', 'output folder for the PDFs and report.json', 'out')
    .option('-j, --jobs <n>', 'workers (default: one per core)')
    .addHelpText('after', '\nreport.json follows schema/report.schema.json: each issue as `compose -r` reports it, and a summary.\nExit code: the worst of the issues (0 clean, 1 findings, 2 bad input, 3 internal error); 130 or 143 when stopped by SIGINT or SIGTERM.')
    .action(async (inputs: string[], opts: { out: string; jobs?: string; root?: string; diagnosticFormat?: string; color?: string }) => {
      const [{ BatchInputError, batchReport, checkBatchOutputs, expandIssues, runBatch }, { writeAtomically }] = await Promise.all([composer.batch(), composer.files()]);
      if (outputTarget(opts.out).pdf !== undefined) program.error(`batch: -o names the folder for every issue's PDF, not one PDF (${opts.out})`, { exitCode: EXIT.badInput });
      let files: string[] = [];
      try {
        files = expandIssues(inputs);
      } catch (e) {
        if (!(e instanceof BatchInputError)) throw e;
        program.error(`batch: ${e.message}`, { exitCode: EXIT.badInput });
      }
      if (!files.length) program.error(`batch: no issue files in ${inputs.join(' ')}`, { exitCode: EXIT.badInput });
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && !(jobs >= 1)) program.error(`batch: --jobs must be a positive number, not "${opts.jobs}"`, { exitCode: EXIT.badInput });
      const path = join(opts.out, 'report.json');
      checkBatchOutputs(files, opts.out, path);
      const write = (report: BatchReport) => writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
      // Last night's report is replaced at once: until this run ends, the report says it is unfinished.
      write(batchReport(files, [], 0));
      const progress = progressLine(files.length);
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => stop.abort(signal);
      for (const s of STOPPING) process.once(s, onSignal);
      let report: BatchReport;
      try {
        const onDone = (o: BatchOutcome, now: BatchReport) => {
          write(now);
          progress(o, now);
        };
        report = await runBatch(files, opts.out, { onDone, stop: stop.signal }, jobs, opts.root);
      } finally {
        for (const s of STOPPING) process.off(s, onSignal);
      }
      write(report);
      // What kept an issue from composing; the findings of those composed are in the report.
      writeDiagnostics(report.issues.filter((o) => o.exitCode >= EXIT.badInput).flatMap((o) => o.findings), diagnosticStyle(opts));
      process.stderr.write(`${path}: ${report.issues.length} issues, ${report.summary.clean} clean, in ${(report.summary.ms / 1000).toFixed(1)} s\n`);
      if (stop.signal.aborted) {
        const signal = stop.signal.reason as NodeJS.Signals;
        process.stderr.write(`batch: stopped by ${signal}; ${report.unfinished.length} of ${files.length} issues unfinished, as ${path} says (interrupted: true)\n`);
        exit(128 + constants.signals[signal]);
      } else exit(report.exitCode);
    });
}

/** Below this many seconds left, the estimate is not worth a figure. */
const ETA_MIN_S = 1;

/**
 * On a terminal, one line redrawn: a bar, done/total, the issues with findings and those that failed so far, the time left (from
 * the pace so far) and the issue just finished. Off a terminal, one plain line per issue.
 */
function progressLine(total: number): (o: BatchOutcome, now: BatchReport) => void {
  const terminal = process.stderr.isTTY === true;
  const width = 30;
  return (o, now) => {
    const done = now.issues.length;
    if (!terminal) {
      process.stderr.write(`[${done}/${total}] ${o.issue}: ${STATUS[o.exitCode]} (${(o.ms / 1000).toFixed(1)} s)\n`);
      return;
    }
    const filled = Math.round((done / total) * width);
    const { findings, badInput, internal } = now.summary;
    const left = (now.summary.ms / done) * (total - done) / 1000;
    const eta = done === total ? 'done' : left >= ETA_MIN_S ? `${Math.ceil(left)} s left` : 'almost done';
    const columns = process.stderr.columns ?? 80;
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}, ${findings} with findings, ${badInput + internal} failed, ${eta}  ${o.issue}`.padEnd(columns).slice(0, columns - 1));
    if (done === total) process.stderr.write('\n');
  };
}
