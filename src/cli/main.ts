import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { IssueError, IssueErrors, formatIssueError } from '../issue/errors.js';
import { packageRoot } from '../paths.js';
import { composeCommand } from './commands/compose.js';
import { batchCommand } from './commands/batch.js';
import { fontsCommand } from './commands/fonts.js';
import { initCommand } from './commands/init.js';
import { planCommand } from './commands/plan.js';
import { preflightCommand } from './commands/preflight.js';
import { proofCommand } from './commands/proof.js';
import { serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { EXIT } from './exit.js';

export { EXIT };

// Each command's definition is read at start; what it runs is loaded when it runs, so that
// --help and --version load none of the composer (fonts, PDF, pictures, YAML, the schema).
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  let code: number = EXIT.clean;
  const exit = (c: number) => {
    code = c;
  };
  // Options after a command's name are that command's: proof's -o is not compose's.
  program.name('compose').description('Banmian (版面): compose a Chinese newspaper issue file into a print-ready PDF').exitOverride().enablePositionalOptions();
  program.version(packageVersion(), '-V, --version', "print the program's version");
  composeCommand(program, exit);
  validateCommand(program, exit);
  proofCommand(program, exit);
  serveCommand(program, exit);
  batchCommand(program, exit);
  preflightCommand(program, exit);
  initCommand(program, exit);
  fontsCommand(program, exit);
  planCommand(program, exit);
  rootOption(program);
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
    else process.stderr.write(`compose: internal error: ${e instanceof Error ? e.message : String(e)} (the full trace is in ${writeTrace(e)})\n`);
    return EXIT.internal;
  }
}

/**
 * `--root DIR`: the paper's workspace, before the command's name or after it; every command's
 * options carry it as `root`.
 */
function rootOption(program: Command): void {
  const flags = '--root <dir>';
  const description = "the paper's workspace folder (its banmian.yaml), instead of the one found upward from the issue file";
  program.option(flags, description);
  for (const command of program.commands) command.option(flags, description);
  program.hook('preAction', (_program, action) => {
    const root = program.opts<{ root?: string }>().root;
    if (root !== undefined && action.opts<{ root?: string }>().root === undefined) action.setOptionValue('root', root);
  });
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** An internal error's trace goes to a file the desk can send on; the terminal gets one line. */
function writeTrace(e: unknown): string {
  const file = join(tmpdir(), `banmian-crash-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}.log`);
  try {
    writeFileSync(file, `${process.argv.join(' ')}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return file;
  } catch {
    return 'nowhere: the temporary folder cannot be written';
  }
}
