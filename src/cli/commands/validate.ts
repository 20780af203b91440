import type { Command } from 'commander';
import type { Diagnostic } from '../diagnostic.js';
import { diagnosticStyle, writeDiagnostics } from '../diagnostics.js';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/** `compose validate ISSUE.yaml...`: every problem as file:line:col, without composing. */
export function validateCommand(program: Command, exit: SetExit): void {
  program
    .command('validate')
    .description('check issue files against the schema, the layouts, the grid, threads, pictures and fonts, without composing')
    .argument('<issue...>', 'issue files (YAML)')
    .option('--json', 'the problems as JSON, per file')
    .addHelpText('after', '\nExit codes: 0 every file is valid, 2 problems (each as file:line:col: message).')
    .action(async (files: string[], opts: { json?: boolean; root?: string; diagnosticFormat?: string; color?: string }) => {
      const { validateIssue } = await composer.library();
      const results = await Promise.all(files.map((f) => validateIssue(f, { root: opts.root })));
      if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else {
        const style = diagnosticStyle(opts);
        for (const r of results) {
          if (r.problems.length === 0) process.stdout.write(`ok  ${r.file}\n`);
          writeDiagnostics(r.problems.map((p): Diagnostic => ({ file: p.file, line: p.line, column: p.column, severity: 'error', code: p.code, page: null, article: null, message: p.message })), style);
        }
      }
      exit(results.some((r) => r.problems.length) ? EXIT.badInput : EXIT.clean);
    });
}
