import type { Command } from 'commander';
import { IssueError, IssueErrors, formatIssueError, printable } from '../../issue/errors.js';
import { PDFX_LEVELS, type PdfxLevel } from '../../layout/pdfx.js';
import type { ComposeOptions } from '../../pipeline/compose.js';
import type { SaveOutcome } from '../../pipeline/watch.js';
import { EXIT, type SetExit } from '../exit.js';
import { articleLine, buildReport, findingLine } from '../report.js';

/** `compose ISSUE.yaml`: the issue into a print-ready PDF, findings and a summary on stderr. */
export function composeCommand(program: Command, exit: SetExit): void {
  program
    .argument('<issue>', 'issue file (YAML), e.g. issues/cqrb-2024-12-25.yaml')
    .option('-o, --out <dir>', "output folder (default: the workspace's output, else out)")
    .option('-q, --quiet', 'print findings only, not the summary')
    .option('-r, --report <file>', 'also write the run report as JSON: per article its pages, characters set, overset and warnings')
    .option('--pdfx <level>', `the PDF/X level to write instead of the layout's (${PDFX_LEVELS.join(', ')})`)
    .option('-w, --watch', 'keep running: compose again on every save of the issue, its stories, its pictures or a layout, one line per result (Ctrl-C to stop)')
    .addHelpText('after', '\nExit codes: 0 clean, 1 composed with blocking findings (overset, missing glyphs), 2 bad input, 3 internal or I/O error.')
    .action(async (issue: string, opts: { out?: string; quiet?: boolean; report?: string; pdfx?: string; watch?: boolean; root?: string }) => {
      if (opts.pdfx !== undefined && !PDFX_LEVELS.includes(opts.pdfx as PdfxLevel)) program.error(`--pdfx must be one of ${PDFX_LEVELS.join(', ')}`, { exitCode: EXIT.badInput });
      if (opts.watch) {
        const { workspaceOf } = await import('../../workspace/workspace.js');
        await composeWhileWatching(issue, opts.out ?? workspaceOf(issue, opts.root).output ?? 'out', { pdfx: opts.pdfx as PdfxLevel | undefined, report: opts.report, root: opts.root });
        exit(EXIT.clean);
        return;
      }
      const { composeIssue } = await import('../../index.js');
      const { pdf, composition, exitCode } = await composeIssue(issue, { out: opts.out, pdfx: opts.pdfx as PdfxLevel | undefined, report: opts.report, root: opts.root });
      for (const f of composition.findings) process.stderr.write(`${findingLine(f)}
`);
      if (!opts.quiet) {
        for (const a of composition.articles) process.stderr.write(`  ${articleLine(a)}\n`);
        const set = composition.articles.reduce((n, a) => n + a.charactersSet, 0);
        const over = composition.articles.reduce((n, a) => n + a.oversetCharacters, 0);
        process.stderr.write(`${pdf}: ${composition.pages.length} page(s), ${composition.articles.length} articles, ${set} characters set, ${over} overset\n`);
      }
      exit(exitCode);
    });
}

/** `compose --watch`: one line per compose on stderr (and the report, with -r), until interrupted. */
async function composeWhileWatching(issue: string, out: string, options: ComposeOptions): Promise<void> {
  const [{ composeOnSave }, { writeAtomically }] = await Promise.all([import('../../pipeline/watch.js'), import('../../files.js')]);
  const told = (o: SaveOutcome) => {
    for (const line of watchLines(o)) process.stderr.write(`${line}\n`);
    if ('result' in o && options.report) {
      const code = o.result.composition.findings.some((f) => f.blocking) ? EXIT.findings : EXIT.clean;
      writeAtomically(options.report, `${JSON.stringify(buildReport(issue, o.result.pdf, o.result.composition, code), null, 2)}\n`);
    }
  };
  const watching = composeOnSave(issue, out, options, told);
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

function watchLines(o: SaveOutcome): string[] {
  if ('error' in o) {
    if (o.error instanceof IssueErrors || o.error instanceof IssueError) return ['not composed, the last PDF stands:', ...formatIssueError(o.error).split('\n').map((e) => `  ${e}`)];
    return [`not composed, the last PDF stands: ${printable(o.error instanceof Error ? o.error.message : String(o.error))}`];
  }
  const c = o.result.composition;
  const set = c.articles.reduce((n, a) => n + a.charactersSet, 0);
  const over = c.articles.reduce((n, a) => n + a.oversetCharacters, 0);
  const blocking = c.findings.filter((f) => f.blocking).length;
  return [`${o.result.pdf}: ${c.pages.length} page(s), ${c.articles.length} articles, ${set} characters set, ${over} overset, ${blocking} blocking finding(s); ${o.counts.set} article(s) set, ${o.counts.kept} kept; ${Math.round(o.ms)} ms`];
}
