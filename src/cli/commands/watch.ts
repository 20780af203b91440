import type { Command } from 'commander';
import { IssueError, IssueErrors, printable } from '../../issue/errors.js';
import type { ComposeOptions } from '../../pipeline/compose.js';
import type { SaveOutcome } from '../../pipeline/watch.js';
import { diagnosticsOfError, diagnosticsOfFindings, internalDiagnostic } from '../diagnostic.js';
import { diagnosticStyle, writeDiagnostics, type DiagnosticStyle } from '../diagnostics.js';
import { EXIT, type SetExit } from '../exit.js';
import { buildReport } from '../report.js';
import { checkedPdfx, outputOf, type ComposeCommandOptions, type OutputTarget } from './compose.js';
import { composer } from '../composer.js';

/** `compose watch ISSUE.yaml`: compose, then again on every save, one line per result on stdout. */
export function watchCommand(program: Command, exit: SetExit): void {
  program
    .command('watch')
    .description('compose, then compose again on every save of the issue, its stories, its pictures or a layout: one line per result (Ctrl-C to stop)')
    .argument('<issue>', 'issue file (YAML)')
    .option('-o, --out <path>', "a folder, or the PDF itself (FILE.pdf), as for compose; default: the workspace's output, else out")
    .option('-r, --report <file>', 'write the run report (schema/report.schema.json) after every compose')
    .option('--pdfx <level>', "the PDF/X level to write instead of the layout's")
    .addHelpText('after', '\nEach result is one line on standard output: the time, the PDF, pages, characters set, overset, holes, blocking findings and how long it took.\nWhat stops a compose (bad input) goes to standard error as diagnostics; the last good PDF stands.')
    .action(async (issue: string, opts: ComposeCommandOptions) => {
      const target = await outputOf(issue, opts);
      await composeWhileWatching(issue, target, { pdfx: checkedPdfx(program, opts.pdfx), report: opts.report, pdf: target.pdf, root: opts.root }, diagnosticStyle(opts));
      exit(EXIT.clean);
    });
}

/** Composes on every save until SIGINT or SIGTERM: each result a line on stdout, its problems on stderr. */
export async function composeWhileWatching(issue: string, target: OutputTarget, options: ComposeOptions, style: DiagnosticStyle): Promise<void> {
  const [{ composeOnSave }, { writeAtomically }] = await Promise.all([composer.watch(), composer.files()]);
  // The problems and the report first, then the result's line: a reader that waits for the line has them.
  const told = (o: SaveOutcome) => {
    if ('error' in o) {
      const e = o.error;
      writeDiagnostics(e instanceof IssueErrors || e instanceof IssueError ? diagnosticsOfError(e) : [internalDiagnostic(issue, e instanceof Error ? e.message : String(e))], style);
      process.stdout.write(`${resultLine(o, clock())}\n`);
      return;
    }
    const { issue: parsed, pdf, composition } = o.result;
    writeDiagnostics(diagnosticsOfFindings(composition.findings.filter((f) => f.blocking), parsed), style);
    if (options.report) {
      const code = composition.findings.some((f) => f.blocking) ? EXIT.findings : EXIT.clean;
      writeAtomically(options.report, `${JSON.stringify(buildReport(parsed, pdf, composition, code), null, 2)}\n`);
    }
    process.stdout.write(`${resultLine(o, clock())}\n`);
  };
  const watching = composeOnSave(issue, target.dir, options, told);
  process.stderr.write(`watching ${printable(issue)} (Ctrl-C to stop)\n`);
  await watching.ready;
  await new Promise<void>((resolve) => {
    const stop = () => {
      watching.close();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The wall-clock time of a result, HH:MM:SS, so the desk can tell this save's line from the last. */
const clock = () => new Date().toTimeString().slice(0, 8);

/** One compose as one line: what was written and what it holds, or that nothing was. */
export function resultLine(o: SaveOutcome, time: string): string {
  if ('error' in o) {
    const problems = o.error instanceof IssueErrors ? o.error.errors.length : 1;
    return `${time} not composed: ${problems} problem${problems === 1 ? '' : 's'}, on standard error; the last PDF stands`;
  }
  const c = o.result.composition;
  const set = c.articles.reduce((n, a) => n + a.charactersSet, 0);
  const over = c.articles.reduce((n, a) => n + a.oversetCharacters, 0);
  const holes = c.pages.reduce((n, p) => n + p.holes.length, 0);
  const blocking = c.findings.filter((f) => f.blocking).length;
  return `${time} ${printable(o.result.pdf)}: ${c.pages.length} page(s), ${set} characters set, ${over} overset, ${holes} hole(s), ${blocking} blocking finding(s); ${o.counts.set} article(s) set, ${o.counts.kept} kept; ${Math.round(o.ms)} ms`;
}
