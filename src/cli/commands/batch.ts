import { join } from 'node:path';
import type { Command } from 'commander';
import { writeAtomically } from '../../files.js';
import { expandIssues, runBatch } from '../batch.js';
import type { BatchOutcome } from '../batch-worker.js';
import { EXIT, type SetExit } from '../exit.js';

const STATUS = ['ok', 'findings', 'bad input', 'error'];

/** `compose batch DIR|GLOB...`: many issues in parallel, a progress bar or plain lines, report.json. */
export function batchCommand(program: Command, exit: SetExit): void {
  program
    .command('batch')
    .description('compose many issues in parallel (one worker per core) and write report.json for the run')
    .argument('<issues...>', 'issue files, folders of them, or patterns such as issues/*.yaml')
    .option('-o, --out <dir>', 'output folder for the PDFs and report.json', 'out')
    .option('-j, --jobs <n>', 'workers (default: one per core)')
    .addHelpText('after', '\nExit code: the worst of the issues (0 clean, 1 findings, 2 bad input, 3 internal error).')
    .action(async (inputs: string[], opts: { out: string; jobs?: string }) => {
      const files = expandIssues(inputs);
      if (!files.length) program.error(`batch: no issue files in ${inputs.join(' ')}`, { exitCode: EXIT.badInput });
      const terminal = process.stderr.isTTY === true;
      const width = 30;
      const progress = (o: BatchOutcome, done: number, total: number) => {
        if (terminal) {
          const filled = Math.round((done / total) * width);
          process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${o.file}`.padEnd(process.stderr.columns ?? 80).slice(0, (process.stderr.columns ?? 80) - 1));
          if (done === total) process.stderr.write('\n');
        } else {
          process.stderr.write(`[${done}/${total}] ${o.file}: ${STATUS[o.exitCode]} (${(o.ms / 1000).toFixed(1)} s)\n`);
        }
      };
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && !(jobs >= 1)) program.error(`batch: --jobs must be a positive number, not "${opts.jobs}"`, { exitCode: EXIT.badInput });
      const report = await runBatch(files, opts.out, progress, jobs);
      for (const o of report.issues) for (const e of o.errors) process.stderr.write(`${e}\n`);
      const path = join(opts.out, 'report.json');
      writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
      process.stderr.write(`${path}: ${report.issues.length} issues, ${report.issues.filter((o) => o.exitCode === 0).length} clean, in ${(report.ms / 1000).toFixed(1)} s\n`);
      exit(report.exitCode);
    });
}
