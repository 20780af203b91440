import { IssueError, IssueErrors, formatIssueError } from '../issue/errors.js';
import { composeFile } from '../pipeline/compose.js';
import { EXIT } from './exit.js';

/** One issue of a batch, composed in a worker process; what comes back is plain data. */
export interface BatchJob {
  file: string;
  outDir: string;
}

export interface BatchOutcome {
  file: string;
  exitCode: number;
  pdf: string | null;
  ms: number;
  /** Bad input as file:line:col lines, or the internal error's message. */
  errors: string[];
  pages: { number: number; status: 'ok' | 'findings'; oversetCharacters: number; oversetLines: number; findings: { code: string; blocking: boolean; article?: string; message: string }[] }[];
}

async function run(job: BatchJob): Promise<BatchOutcome> {
  const started = performance.now();
  try {
    const { pdf, composition } = await composeFile(job.file, job.outDir);
    const pages = composition.pages.map((p) => {
      const ended = composition.articles.filter((a) => a.pages[a.pages.length - 1] === p.number);
      const findings = composition.findings.filter((f) => f.page === p.number).map(({ code, blocking, article, message }) => ({ code, blocking, article, message }));
      return {
        number: p.number,
        status: findings.some((f) => f.blocking) ? ('findings' as const) : ('ok' as const),
        oversetCharacters: ended.reduce((n, a) => n + a.oversetCharacters, 0),
        oversetLines: ended.reduce((n, a) => n + a.oversetLines, 0),
        findings,
      };
    });
    const blocking = composition.findings.some((f) => f.blocking);
    return { file: job.file, exitCode: blocking ? EXIT.findings : EXIT.clean, pdf, ms: performance.now() - started, errors: [], pages };
  } catch (e) {
    const bad = e instanceof IssueErrors || e instanceof IssueError;
    const errors = bad ? formatIssueError(e).split('\n') : [e instanceof Error ? e.message : String(e)];
    return { file: job.file, exitCode: bad ? EXIT.badInput : EXIT.internal, pdf: null, ms: performance.now() - started, errors, pages: [] };
  }
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
