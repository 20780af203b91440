import type { Command } from 'commander';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/** `compose preflight FILE.pdf...`: any PDF against the plant's checklist. */
export function preflightCommand(program: Command, exit: SetExit): void {
  program
    .command('preflight')
    .description("check PDFs (ours, or a client's advertisement) against the plant's checklist")
    .argument('<pdf...>', 'PDF files')
    .option('--json', 'one JSON report for the pipeline')
    .option('-l, --layout <name>', "the layout whose preflight thresholds apply (default broadsheet); naming it also checks every page's trim against it")
    .addHelpText('after', '\nChecks (GWG 2015 newspaper, thresholds from the layout\'s preflight section): PDF/X identification and output intent; boxes (trim, nesting, CropBox = MediaBox, no /Rotate or /UserUnit); embedded fonts; process colour only in paths, text, images, inline images, shadings and patterns (Separation and DeviceN of Cyan, Magenta, Yellow, Black are process); ink limit in colours, pictures and blends; image resolution, 1-bit at 550 ppi; white set to overprint; black text that knocks out; rules thinner than the minimum; small text in several inks; transparency in PDF/X-1a; JavaScript, annotations in the trim, transfer functions, OPI, LZW, empty pages.\nA finding on many pages is one line naming them; each file ends with a summary line. A file that cannot be checked in part (encrypted, a page-tree cycle, a corrupt stream) is a finding; each file gets its own report.\nExit codes: 0 every file passes, 1 findings, 2 a file cannot be read (not a PDF; a FIFO, folder or device is refused unread).')
    .action(async (files: string[], opts: { json?: boolean; layout?: string; root?: string }) => {
      const [{ preflight }, { formatPreflight }] = await Promise.all([composer.library(), composer.preflight()]);
      const run = await preflight(files, { layout: opts.layout, root: opts.root });
      process.stdout.write(opts.json ? `${JSON.stringify(run, null, 2)}\n` : formatPreflight(run));
      exit(run.unreadable.length ? EXIT.badInput : run.reports.every((r) => r.pass) ? EXIT.clean : EXIT.findings);
    });
}
