import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import type { Finding } from '../../page/types.js';
import { OVERLAYS, type Overlay } from '../../proof/svg.js';
import { diagnosticsOfFindings } from '../diagnostic.js';
import { diagnosticStyle, writeDiagnostics } from '../diagnostics.js';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/** `compose proof ISSUE.yaml`: PNG proofs of pages, with the grid, the article boxes and overset marked. */
export function proofCommand(program: Command, exit: SetExit): void {
  program
    .command('proof')
    .description('PNG proofs of pages, with optional overlays: the column grid, article ids and boxes, overset in red')
    .argument('<issue>', 'issue file (YAML)')
    .option('-p, --page <number>', 'only this page (版次)')
    .option('--overlay <list>', `overlays, comma-separated: ${OVERLAYS.join(', ')}`, '')
    .option('--dpi <n>', 'resolution of the PNG', '72')
    .option('-o, --out <dir>', 'output folder', 'out')
    .addHelpText('after', '\nWrites DIR/ISSUE-pN.png for each page. Exit codes as for compose: 0 clean, 1 blocking findings (shown in red with --overlay overset), 2 bad input.')
    .action(async (file: string, opts: { page?: string; overlay: string; dpi: string; out: string; root?: string; diagnosticFormat?: string; color?: string }) => {
      const overlays = opts.overlay.split(',').map((o) => o.trim()).filter(Boolean);
      const unknown = overlays.filter((o) => !OVERLAYS.includes(o as Overlay));
      if (unknown.length) program.error(`proof: unknown overlay ${unknown.join(', ')}; expected ${OVERLAYS.join(', ')}`, { exitCode: EXIT.badInput });
      const dpi = Number(opts.dpi);
      if (!(dpi >= 10 && dpi <= 600)) program.error(`proof: --dpi must be between 10 and 600, not "${opts.dpi}"`, { exitCode: EXIT.badInput });
      const [{ proofPng }, { buildIssue, issueAds }, { writeAtomically }] = await Promise.all([composer.proofPng(), composer.pipeline(), composer.files()]);
      const built = await buildIssue(file, opts.root);
      const pages = built.composition.pages.filter((p) => opts.page === undefined || String(p.number) === opts.page);
      if (!pages.length) program.error(`proof: ${file} has no page ${opts.page}; its pages are ${built.composition.pages.map((p) => p.number).join(', ')}`, { exitCode: EXIT.badInput });
      // The ads as compose places them: a refused one is the proof's finding too, and its space says why.
      const ads = await issueAds(built);
      const findings = [...built.composition.findings, ...(ads?.findings ?? [])];
      const warnings: Finding[] = [];
      for (const page of pages) {
        const shown = ads && page.spaces.some((sp) => sp.ad) ? await (await composer.proofAds()).proofAds(page, ads, dpi) : undefined;
        if (shown) warnings.push(...shown.findings);
        const png = await proofPng(page, built.fonts, built.pictures.images, findings, new Set(overlays as Overlay[]), dpi, shown?.ads);
        const out = join(opts.out, `${basename(file, extname(file))}-p${page.number}.png`);
        writeAtomically(out, png);
        process.stdout.write(`${out}\n`);
      }
      writeDiagnostics(diagnosticsOfFindings([...findings.filter((f) => f.blocking), ...warnings], built.issue), diagnosticStyle(opts));
      exit(findings.some((f) => f.blocking) ? EXIT.findings : EXIT.clean);
    });
}
