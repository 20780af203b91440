import { existsSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { IssueError, IssueErrors, formatIssueError } from '../../issue/errors.js';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/**
 * `compose init [NAME]`: a new workspace with an issue dated tomorrow, or, inside a workspace, a
 * new issue; never over an existing file.
 */
export function initCommand(program: Command, exit: SetExit): void {
  program
    .command('init')
    .description("create a paper's workspace (banmian.yaml, layouts/, issues/) with an issue dated tomorrow, or add an issue to the workspace the folder is in")
    .argument('[name]', 'the issue file to create, without .yaml (default: its date, e.g. 2024-12-26)')
    .option('-p, --paper <name>', "the paper's name, as its masthead sets it (default: the workspace's defaults.paper)")
    .option('-l, --layout <name>', "page template (default: the workspace's defaults.layout, else broadsheet)")
    .option('--copy-layout', "copy the layout into the workspace's layouts/ to change it there; it shadows Banmian's own")
    .option('-d, --date <date>', "the issue date, YYYY-MM-DD (default: tomorrow in the paper's time zone)")
    .option('--dir <dir>', 'the folder: a new workspace, or inside one the folder for the issue (default: the working folder)')
    .action(async (nameGiven: string | undefined, opts: { paper?: string; layout?: string; copyLayout?: boolean; date?: string; dir?: string; root?: string }) => {
      const [{ checkScaffold, initFiles, initFolders, initPlace, tomorrow }, { writeAtomically }, { layoutFolder, layoutNames }] = await Promise.all([
        composer.init(),
        composer.files(),
        composer.workspace(),
      ]);
      const place = initPlace(opts.dir, opts.root);
      const ws = place.workspace;
      const date = opts.date ?? tomorrow(ws.defaults.timeZone);
      const name = nameGiven ?? date;
      const layout = opts.layout ?? ws.defaults.layout;
      const paper = opts.paper ?? ws.defaults.paper;
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) program.error(`init: "${name}" is not a plain file name (letters, digits, - _ .)`, { exitCode: EXIT.badInput });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) program.error(`init: --date must be YYYY-MM-DD, not "${date}"`, { exitCode: EXIT.badInput });
      if (!layoutFolder(ws.layouts, layout)) program.error(`init: there is no layout "${layout}" in layouts/; name one of ${layoutNames(ws.layouts).join(', ')}`, { exitCode: EXIT.badInput });
      if (paper === undefined) program.error("init: required option '-p, --paper <name>' not specified (nor defaults.paper in banmian.yaml)", { exitCode: EXIT.badInput });
      const { issue, files } = initFiles(place, { name, paper, layout, date, copyLayout: opts.copyLayout ?? false });
      for (const f of files) if (existsSync(f.path)) program.error(`init: ${f.path} exists; give another name${f.path === issue ? '' : ', or leave out --copy-layout'}`, { exitCode: EXIT.badInput });
      try {
        checkScaffold(files.find((f) => f.path === issue)!.content as string, issue, ws);
      } catch (e) {
        if (!(e instanceof IssueErrors || e instanceof IssueError)) throw e;
        program.error(`init: ${issue} would not be valid, so it was not written:\n${formatIssueError(e)}`, { exitCode: EXIT.badInput });
      }
      for (const folder of initFolders(place)) mkdirSync(folder, { recursive: true });
      // The issue last: a run stopped half way leaves no issue naming a schema or layout not yet there.
      for (const f of files) writeAtomically(f.path, f.content);
      process.stdout.write(`${issue}\n`);
      exit(EXIT.clean);
    });
}
