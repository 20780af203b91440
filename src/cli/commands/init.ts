import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { IssueError, IssueErrors, formatIssueError } from '../../issue/errors.js';
import { packageRoot } from '../../paths.js';
import { EXIT, type SetExit } from '../exit.js';

/** \`compose init NAME\`: issues/NAME.yaml from a layout, never over an existing file. */
export function initCommand(program: Command, exit: SetExit): void {
  program
    .command('init')
    .description('scaffold a new issue file from a layout')
    .argument('<name>', 'the issue file to create, without .yaml (e.g. cqrb-2024-12-26)')
    .requiredOption('-p, --paper <name>', "the paper's name, as its masthead sets it")
    .option('-l, --layout <name>', 'page template', 'broadsheet')
    .option('-d, --date <date>', 'the issue date, YYYY-MM-DD', new Date().toISOString().slice(0, 10))
    .option('--dir <dir>', 'folder for the new file', 'issues')
    .action(async (name: string, opts: { paper: string; layout: string; date: string; dir: string }) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) program.error(`init: "${name}" is not a plain file name (letters, digits, - _ .)`, { exitCode: EXIT.badInput });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) program.error(`init: --date must be YYYY-MM-DD, not "${opts.date}"`, { exitCode: EXIT.badInput });
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(opts.layout) || opts.layout === 'sizes' || !existsSync(join(packageRoot(), 'layouts', `${opts.layout}.yaml`))) {
        program.error(`init: there is no layout "${opts.layout}" in layouts/`, { exitCode: EXIT.badInput });
      }
      const file = join(opts.dir, `${name}.yaml`);
      if (existsSync(file)) program.error(`init: ${file} exists; give another name`, { exitCode: EXIT.badInput });
      const [{ checkScaffold, scaffold }, { writeAtomically }] = await Promise.all([import('../init.js'), import('../../files.js')]);
      const text = scaffold(name, opts.layout, opts.date, opts.paper);
      try {
        checkScaffold(text, file);
      } catch (e) {
        if (!(e instanceof IssueErrors || e instanceof IssueError)) throw e;
        program.error(`init: ${file} would not be valid, so it was not written:\n${formatIssueError(e)}`, { exitCode: EXIT.badInput });
      }
      writeAtomically(file, text);
      process.stdout.write(`${file}\n`);
      exit(EXIT.clean);
    });
}
