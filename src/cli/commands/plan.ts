import type { Command } from 'commander';
import { printable } from '../../issue/errors.js';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/** A whole number the option needs, or bad input naming the option. */
function whole(program: Command, option: string, value: string | undefined, least: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < least) program.error(`${option} must be a whole number, ${least} or more (got ${printable(value)})`, { exitCode: EXIT.badInput });
  return n;
}

/** `compose plan ISSUE.yaml`: places proposed for the stories an issue leaves unplaced (自动组版). */
export function planCommand(program: Command, exit: SetExit): void {
  program
    .command('plan')
    .description('propose places on the grid for the stories that have none (or place: auto), around what the desk fixed; print them and compose a proof, or write them into the issue file')
    .argument('<issue>', 'issue file (YAML)')
    .option('--page <n>', 'plan only this page')
    .option('--write', 'write the places into the issue file (its comments and order kept), and the white too little copy leaves as reserved spaces, instead of composing a proof')
    .option('--candidates <k>', 'print the k best distinct plans', '1')
    .option('--seed <s>', "the search's seed: the same issue and seed give the same plan", '1')
    .option('-o, --out <dir>', "the proof's folder", 'out')
    .addHelpText('after', '\nExit codes: 0 planned with no hole and no overset, 1 the plan leaves white or the proof has blocking findings, 2 bad input, 3 internal or I/O error.')
    .action(async (issue: string, opts: { page?: string; write?: boolean; candidates: string; seed: string; out: string }) => {
      const page = whole(program, '--page', opts.page, 1);
      const candidates = whole(program, '--candidates', opts.candidates, 1)!;
      const seed = whole(program, '--seed', opts.seed, 0)!;
      const { runPlan } = await composer.plan();
      exit(await runPlan(issue, { page, write: opts.write ?? false, candidates, seed, out: opts.out }, (line) => process.stderr.write(`${printable(line)}\n`)));
    });
}
