import { IssueError, IssueErrors } from '../issue/errors.js';
import { composeFile } from '../pipeline/compose.js';
import { diagnosticsOfError, internalDiagnostic } from './diagnostic.js';
import { EXIT } from './exit.js';
import { buildReport, failedReport, type RunReport } from './report.js';

/** One issue of a batch, composed in a worker process; what comes back is plain data. */
export interface BatchJob {
  file: string;
  outDir: string;
  /** The workspace `--root` names, for every issue of the batch. */
  root?: string;
}

/** A batch's issue: the run report `compose -r` writes, with the time it took. */
export type BatchOutcome = RunReport & { ms: number };

async function run(job: BatchJob): Promise<BatchOutcome> {
  const started = performance.now();
  let report: RunReport;
  try {
    const { pdf, issue, composition } = await composeFile(job.file, job.outDir, { root: job.root });
    report = buildReport(issue, pdf, composition, composition.findings.some((f) => f.blocking) ? EXIT.findings : EXIT.clean);
  } catch (e) {
    if (e instanceof IssueErrors || e instanceof IssueError) report = failedReport(job.file, EXIT.badInput, diagnosticsOfError(e));
    else report = failedReport(job.file, EXIT.internal, [internalDiagnostic(job.file, e instanceof Error ? e.message : String(e))]);
  }
  // The issue's file as the batch named it, so the report lists what was asked for.
  return { ...report, issue: job.file, ms: performance.now() - started };
}

process.on('message', (job: BatchJob) => {
  void run(job).then((outcome) => process.send?.(outcome));
});
// The batch ends its workers itself: a ^C at the terminal reaches the whole process group, and a
// worker that died of it before the batch heard it would be reported as failed, not unfinished.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
// An idle worker is let go by closing its channel, and one whose batch is gone has no one to answer.
process.on('disconnect', () => process.exit(0));
