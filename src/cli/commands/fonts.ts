import type { Command } from 'commander';
import { EXIT, type SetExit } from '../exit.js';
import { composer } from '../composer.js';

/** `compose fonts [ISSUE.yaml]`: the font roles, their files, and how much of an issue each covers. */
export function fontsCommand(program: Command, exit: SetExit): void {
  program
    .command('fonts')
    .description("list the font roles, the files they resolve to, and their coverage of an issue's characters")
    .argument('[issue]', 'an issue file whose characters to check')
    .action(async (file: string | undefined, opts: { root?: string }) => {
      const [{ loadIssue }, { issueTexts }, { fontRegistry }, { workspaceFrom, workspaceOf }] = await Promise.all([composer.parse(), composer.texts(), composer.pipeline(), composer.workspace()]);
      const ws = file ? workspaceOf(file, opts.root) : workspaceFrom(process.cwd(), opts.root);
      const fonts = fontRegistry(ws.fonts);
      const chars = file ? [...new Set([...issueTexts(loadIssue(file, ws)).join('')].filter((c) => c.codePointAt(0)! > 0x20))] : [];
      const roles = ['song', 'song-bold', 'hei', 'hei-bold', 'kai'].filter((r) => fonts.hasRole(r));
      for (const w of fonts.warnings) process.stderr.write(`warning: ${w.message}\n`);
      let missingEverywhere = 0;
      for (const role of roles) {
        const face = fonts.face(fonts.faceOf(role));
        const line = [`${role.padEnd(10)}${face.role !== role ? `→ ${face.role} ` : ''}${face.font.familyName} (${face.file})`];
        if (chars.length) {
          const lacking = chars.filter((c) => !face.font.hasGlyphForCodePoint(c.codePointAt(0)!));
          line.push(`  ${chars.length - lacking.length}/${chars.length} characters${lacking.length ? `, lacks ${lacking.slice(0, 12).join('')}${lacking.length > 12 ? '…' : ''}` : ''}`);
        }
        process.stdout.write(`${line.join('')}\n`);
      }
      if (chars.length) {
        const none = chars.filter((c) => !fonts.loadedFaces().some((f) => f.font.hasGlyphForCodePoint(c.codePointAt(0)!)));
        missingEverywhere = none.length;
        process.stdout.write(none.length ? `no font has: ${none.join(' ')}\n` : `every character of ${file} is in some font\n`);
      }
      exit(missingEverywhere ? EXIT.findings : EXIT.clean);
    });
}
