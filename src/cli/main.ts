import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { IssueError, IssueErrors } from '../issue/errors.js';
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
import { watchCommand } from './commands/watch.js';
import { diagnosticsOfError } from './diagnostic.js';
import { addDiagnosticOptions, diagnosticStyle, writeDiagnostics } from './diagnostics.js';
import { EXIT } from './exit.js';
import { composer } from './composer.js';
import { keepCodeFor } from './kept-code.js';

export { EXIT };

/**
 * A command's run is short: with V8's own budget, its optimising compiler spends more time making
 * code for functions than the run then spends in them (a third of a cold run's processor time, on
 * another core that a busy machine does not have free). Eight times the budget Node 20's V8 starts
 * with leaves that compiler the functions a run of many pages stays in: measured, it pays from the
 * sample issue to 96 pages; without the optimising compiler at all, the larger issues are slower.
 */
const INTERRUPT_BUDGET = 8 * 67_584;

// Each command's definition is read at start; what it runs is loaded when it runs, so that
// --help and --version load none of the composer (fonts, PDF, pictures, YAML, the schema).
export async function main(argv: string[]): Promise<number> {
  setFlagsFromString(`--interrupt-budget=${INTERRUPT_BUDGET}`);
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
  watchCommand(program, exit);
  preflightCommand(program, exit);
  initCommand(program, exit);
  fontsCommand(program, exit);
  planCommand(program, exit);
  rootOption(program);
  for (const command of [program, ...program.commands]) addDiagnosticOptions(command);
  // The command that runs: bad input it throws is written in the style its options ask for.
  let acting: Command = program;
  program.hook('preAction', (_program, action) => {
    acting = action;
    keepCodeFor(action.name());
  });
  try {
    const unknown = await unknownCommand(program, argv.slice(2));
    if (unknown) {
      process.stderr.write(`${unknown}\n`);
      return EXIT.badInput;
    }
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof IssueErrors || e instanceof IssueError) {
      writeDiagnostics(diagnosticsOfError(e), diagnosticStyle(acting.opts()));
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

/**
 * A bare `compose ISSUE.yaml` composes, so a misspelt command would be read as an issue file:
 * the first operand that is neither a command, nor a .yaml/.yml name, nor a file that exists,
 * and is close to a command's name, is an unknown command with the name it was likely meant as.
 */
async function unknownCommand(program: Command, args: string[]): Promise<string | undefined> {
  const word = firstOperand(program, args);
  if (word === undefined || /\.ya?ml$/i.test(word) || existsSync(word)) return undefined;
  const names = ['help', ...program.commands.flatMap((c) => [c.name(), ...c.aliases()])];
  if (names.includes(word)) return undefined;
  // Only a misspelling pays for the matcher: the commands that run load none of it.
  const { suggest } = await composer.schema();
  const near = suggest(word, names);
  return near ? `error: unknown command '${word}' (did you mean '${near}'?)` : undefined;
}

/** The first argument that is not one of the program's options or an option's value. */
function firstOperand(program: Command, args: string[]): string | undefined {
  const takesValue = new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.short, o.long]).filter((f): f is string => f !== undefined));
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return args[i + 1];
    if (!a.startsWith('-') || a === '-') return a;
    if (takesValue.has(a)) i++;
  }
  return undefined;
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
