import { Command } from 'commander';
import { IssueError, IssueErrors, formatIssueError } from '../issue/errors.js';
import { PDFX_LEVELS, type PdfxLevel } from '../layout/template.js';
import { composeFile } from './compose.js';
import { writeAtomically } from '../files.js';
import { formatPreflight, preflightFiles, profileFromLayout } from './preflight.js';
import { buildReport } from './report.js';

/** Exit codes, kept from the first release on: the nightly pipeline acts on them. */
export const EXIT = { clean: 0, findings: 1, badInput: 2, internal: 3 } as const;

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  let code: number = EXIT.clean;
  program
    .name('compose')
    .description('Banmian (版面): compose a Chinese newspaper issue file into a print-ready PDF')
    .argument('<issue>', 'issue file (YAML), e.g. issues/cqrb-2024-12-25.yaml')
    .option('-o, --out <dir>', 'output folder', 'out')
    .option('-q, --quiet', 'print findings only, not the summary')
    .option('-r, --report <file>', 'also write the run report as JSON: per article its pages, characters set, overset and warnings')
    .option('--pdfx <level>', `the PDF/X level to write instead of the layout's (${PDFX_LEVELS.join(', ')})`)
    .addHelpText('after', '\nExit codes: 0 clean, 1 composed with blocking findings (overset, missing glyphs), 2 bad input, 3 internal or I/O error.')
    .exitOverride()
    .action(async (issue: string, opts: { out: string; quiet?: boolean; report?: string; pdfx?: string }) => {
      if (opts.pdfx !== undefined && !PDFX_LEVELS.includes(opts.pdfx as PdfxLevel)) program.error(`--pdfx must be one of ${PDFX_LEVELS.join(', ')}`, { exitCode: EXIT.badInput });
      const { pdf, composition } = await composeFile(issue, opts.out, { pdfx: opts.pdfx as PdfxLevel | undefined });
      for (const f of composition.findings) {
        const where = [f.page !== undefined ? `page ${f.page}` : '', f.article ? `article ${f.article}` : ''].filter(Boolean).join(', ');
        process.stderr.write(`${f.blocking ? 'error' : 'warning'}: ${f.code}${where ? ` (${where})` : ''}: ${f.message}\n`);
      }
      const blocking = composition.findings.filter((f) => f.blocking).length;
      if (!opts.quiet) {
        for (const a of composition.articles) {
          const over = a.oversetCharacters ? `, ${a.oversetCharacters} overset in ${a.oversetLines} lines` : '';
          process.stderr.write(`  ${a.id} (page ${a.pages.join(', ')}): ${a.charactersSet} characters set${over}\n`);
        }
        const set = composition.articles.reduce((n, a) => n + a.charactersSet, 0);
        const over = composition.articles.reduce((n, a) => n + a.oversetCharacters, 0);
        process.stderr.write(`${pdf}: ${composition.pages.length} page(s), ${composition.articles.length} articles, ${set} characters set, ${over} overset\n`);
      }
      code = blocking ? EXIT.findings : EXIT.clean;
      if (opts.report) writeAtomically(opts.report, `${JSON.stringify(buildReport(issue, pdf, composition, code), null, 2)}\n`);
    });
  program
    .command('preflight')
    .description("check PDFs (ours, or a client's advertisement) against the plant's checklist")
    .argument('<pdf...>', 'PDF files')
    .option('--json', 'one JSON report for the pipeline')
    .option('-l, --layout <name>', "the layout whose ink limit and picture resolution apply; naming it also checks every page's trim against it")
    .addHelpText('after', '\nChecks: PDF/X identification and output intent, boxes, embedded fonts, no RGB or spot colours, total ink coverage, image resolution, overprinting black text, transparency in PDF/X-1a.\nExit codes: 0 every file passes, 1 findings, 2 a file cannot be read.')
    .action(async (files: string[], opts: { json?: boolean; layout?: string }) => {
      const run = await preflightFiles(files, profileFromLayout(opts.layout ?? 'broadsheet', opts.layout !== undefined));
      process.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : formatPreflight(run));
      code = run.unreadable.length ? EXIT.badInput : run.reports.every((r) => r.pass) ? EXIT.clean : EXIT.findings;
    });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof IssueErrors || e instanceof IssueError) {
      process.stderr.write(`${formatIssueError(e)}\n`);
      return EXIT.badInput;
    }
    if (e && typeof e === 'object' && 'exitCode' in e && 'code' in e && String(e.code).startsWith('commander.')) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? EXIT.clean : EXIT.badInput;
    }
    // A file-system error is the machine's, not the program's: say what failed, without a stack.
    if (e instanceof Error && 'syscall' in e && 'code' in e) process.stderr.write(`compose: ${e.message}\n`);
    else process.stderr.write(`compose: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.internal;
  }
}
