/**
 * The command whose compiled code a process keeps (src/cli/composer-packages.ts): V8's code for a
 * file holds the functions the run that made it compiled, and is not made again while V8 takes
 * it, so a first run of `validate` would leave every later `compose` with the code of validating
 * alone. Each command keeps its own. A module of its own, so that naming the command loads nothing.
 */
let command = 'run';

/** Names the command this process runs, before it loads any file of packages. */
export function keepCodeFor(name: string): void {
  command = name;
}

export const codeKeptFor = (): string => command;
