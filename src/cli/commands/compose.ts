import type { Command } from 'commander';
import { printable } from '../../issue/errors.js';
import { PDFX_LEVELS, type PdfxLevel } from '../../layout/pdfx.js';
import { EXIT, type SetExit } from '../exit.js';
import { articleLine, buildReport } from '../report.js';

/** `compose ISSUE.yaml`: the issue into a print-ready PDF, findings and a summary on stderr. */
export function composeCommand(program: Command, exit: SetExit): void {
  program
    .argument('<issue>', 'issue file (YAML), e.g. issues/cqrb-2024-12-25.yaml')
    .option('-o, --out <dir>', 'output folder', 'out')
    .option('-q, --quiet', 'print findings only, not the summary')
    .option('-r, --report <file>', 'also write the run report as JSON: per article its pages, characters set, overset and warnings')
    .option('--pdfx <level>', `the PDF/X level to write instead of the layout's (${PDFX_LEVELS.join(', ')})`)
    .addHelpText('after', '\nExit codes: 0 clean, 1 composed with blocking findings (overset, missing glyphs), 2 bad input, 3 internal or I/O error.')
    .action(async (issue: string, opts: { out: string; quiet?: boolean; report?: string; pdfx?: string }) => {
      if (opts.pdfx !== undefined && !PDFX_LEVELS.includes(opts.pdfx as PdfxLevel)) program.error(`--pdfx must be one of ${PDFX_LEVELS.join(', ')}`, { exitCode: EXIT.badInput });
      const [{ composeFile }, { writeAtomically }] = await Promise.all([import('../../pipeline/compose.js'), import('../../files.js')]);
      const { pdf, composition } = await composeFile(issue, opts.out, { pdfx: opts.pdfx as PdfxLevel | undefined, report: opts.report });
      for (const f of composition.findings) {
        const where = [f.page !== undefined ? `page ${f.page}` : '', f.article ? `article ${f.article}` : ''].filter(Boolean).join(', ');
        process.stderr.write(`${f.blocking ? 'error' : 'warning'}: ${f.code}${where ? ` (${where})` : ''}: ${printable(f.message)}\n`);
      }
      const blocking = composition.findings.filter((f) => f.blocking).length;
      if (!opts.quiet) {
        for (const a of composition.articles) process.stderr.write(`  ${articleLine(a)}\n`);
        const set = composition.articles.reduce((n, a) => n + a.charactersSet, 0);
        const over = composition.articles.reduce((n, a) => n + a.oversetCharacters, 0);
        process.stderr.write(`${pdf}: ${composition.pages.length} page(s), ${composition.articles.length} articles, ${set} characters set, ${over} overset\n`);
      }
      const code = blocking ? EXIT.findings : EXIT.clean;
      exit(code);
      if (opts.report) writeAtomically(opts.report, `${JSON.stringify(buildReport(issue, pdf, composition, code), null, 2)}\n`);
    });
}
