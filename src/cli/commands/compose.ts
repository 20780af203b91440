import { statSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import type { Command } from 'commander';
import { PDFX_LEVELS, type PdfxLevel } from '../../layout/pdfx.js';
import { diagnosticStyle, writeDiagnostics } from '../diagnostics.js';
import { EXIT, type SetExit } from '../exit.js';
import { articleLine } from '../report.js';
import { composeWhileWatching } from './watch.js';
import { composer } from '../composer.js';

export interface ComposeCommandOptions {
  out?: string;
  root?: string;
  quiet?: boolean;
  report?: string;
  pdfx?: string;
  watch?: boolean;
  diagnosticFormat?: string;
  color?: string;
}

/** `compose ISSUE.yaml`: the issue into a print-ready PDF, findings and a summary on stderr. */
export function composeCommand(program: Command, exit: SetExit): void {
  program
    .argument('<issue>', 'issue file (YAML), e.g. issues/cqrb-2024-12-25.yaml')
    .option('-o, --out <path>', "where the PDF goes: a folder (out/, or any folder that exists), where it is named after the issue, or the PDF itself (FILE.pdf); default: the workspace's output, else out")
    .option('-q, --quiet', 'print findings only, not the summary')
    .option('-r, --report <file>', 'also write the run report as JSON (schema/report.schema.json): per article its pages, characters set, overset and warnings; every finding')
    .option('--pdfx <level>', `the PDF/X level to write instead of the layout's (${PDFX_LEVELS.join(', ')})`)
    .option('-w, --watch', 'the same as `compose watch ISSUE`: compose again on every save, one line per result')
    .addHelpText('after', '\nExit codes: 0 clean, 1 composed with blocking findings (overset, missing glyphs), 2 bad input, 3 internal or I/O error.')
    .action(async (issue: string, opts: ComposeCommandOptions) => {
      const pdfx = checkedPdfx(program, opts.pdfx);
      const style = diagnosticStyle(opts);
      if (opts.watch) {
        const target = await outputOf(issue, opts);
        await composeWhileWatching(issue, target, { pdfx, report: opts.report, pdf: target.pdf, root: opts.root }, style);
        exit(EXIT.clean);
        return;
      }
      // Without -o the pipeline takes the workspace's output folder, from the workspace it reads anyway.
      const target = opts.out === undefined ? undefined : outputTarget(opts.out);
      const { composeIssue } = await composer.library();
      const { pdf, composition, exitCode, report } = await composeIssue(issue, { out: target?.dir, pdf: target?.pdf, pdfx, report: opts.report, root: opts.root });
      writeDiagnostics(report.findings, style);
      if (!opts.quiet) {
        for (const a of composition.articles) process.stderr.write(`  ${articleLine(a)}\n`);
        const set = composition.articles.reduce((n, a) => n + a.charactersSet, 0);
        const over = composition.articles.reduce((n, a) => n + a.oversetCharacters, 0);
        process.stderr.write(`${pdf}: ${composition.pages.length} page(s), ${composition.articles.length} articles, ${set} characters set, ${over} overset\n`);
      }
      exit(exitCode);
    });
}

export function checkedPdfx(program: Command, pdfx: string | undefined): PdfxLevel | undefined {
  if (pdfx !== undefined && !PDFX_LEVELS.includes(pdfx as PdfxLevel)) program.error(`--pdfx must be one of ${PDFX_LEVELS.join(', ')}`, { exitCode: EXIT.badInput });
  return pdfx as PdfxLevel | undefined;
}

/** Where `-o` puts the PDF: the folder it names, and the PDF's own path when it names a file. */
export interface OutputTarget {
  dir: string;
  pdf?: string;
}

/** Where `-o` puts the PDF, the workspace's output folder when it is not given. */
export async function outputOf(issue: string, opts: { out?: string; root?: string }): Promise<OutputTarget> {
  if (opts.out !== undefined) return outputTarget(opts.out);
  const { DEFAULT_OUT, workspaceOf } = await composer.workspace();
  return outputTarget(workspaceOf(issue, opts.root).output ?? DEFAULT_OUT);
}

/**
 * `-o` as other tools read it: a path ending in a slash, or a folder that exists, is the folder the
 * PDF goes into under the issue's name; a path ending in .pdf is the PDF itself; anything else is
 * a folder to make (`-o out`).
 */
export function outputTarget(out: string): OutputTarget {
  const folder = out.endsWith('/') || out.endsWith(sep) || statSync(out, { throwIfNoEntry: false })?.isDirectory() === true;
  if (!folder && /\.pdf$/i.test(out)) return { dir: dirname(out), pdf: out };
  return { dir: out };
}
