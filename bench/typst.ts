// Typst on the same text and page, through its npm compiler: in a new process for the cold
// figure, in this one (its cache kept or cleared) for the warm and per-page figures.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { cpuSince, figure, reportLine } from './child.js';
import { charactersOf, type TextBlock } from './text.js';

/** What one Typst compile gave: its time, pages, PDF bytes and the characters it was handed. */
export interface TypstRun {
  ms: number;
  cpuMs: number;
  pages: number;
  bytes: number;
}

/** `typst watch` evicts what went unused for this many compiles: its cache survives an edit. */
export const WATCH_EVICTION_AGE = 10;

export const typstFonts = (root: string) => [
  join(root, 'node_modules', '@expo-google-fonts', 'noto-serif-sc', '400Regular'),
  join(root, 'node_modules', '@expo-google-fonts', 'noto-sans-sc', '700Bold'),
];

const typstString = (s: string) => `#"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * One broadsheet page per entry of `pages`, 8 columns of 9 pt Noto Serif SC, justified, 2-em
 * indents, headings in the sans; each page's text ends its page, as each of ours ends on its page.
 */
export function typstDocument(pages: TextBlock[][]): string {
  const head = `#set page(width: 390mm, height: 545mm, margin: (x: 18.8mm, y: 27.3mm), columns: 8)
#set columns(gutter: 9pt)
#set text(font: "Noto Serif SC", size: 9pt, lang: "zh", region: "cn")
#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 4.5pt, spacing: 4.5pt)
#show heading: set text(font: "Noto Sans SC", size: 11pt)
#show heading.where(level: 1): set text(size: 16pt)
`;
  const body = pages.map((blocks) => blocks.map((b) => (b.heading ? `${'='.repeat(b.heading)} ${typstString(b.text)}` : typstString(b.text))).join('\n\n'));
  return head + body.join('\n\n#pagebreak()\n\n');
}

export const typstCharacters = (pages: TextBlock[][]) => pages.flat().reduce((n, b) => n + charactersOf(b.text), 0);

/** A compile in this process until its PDF is written, as ours is; the cache is the caller's to keep or evict. */
export function typstCompile(compiler: NodeCompiler, doc: string, pdfPath: string): TypstRun {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const compiled = compiler.compile({ mainFileContent: doc });
  const result = compiled.result;
  if (!result) {
    compiled.printErrors();
    throw new Error('typst: the document did not compile');
  }
  const pdf = compiler.pdf(result);
  writeFileSync(pdfPath, pdf);
  return { ms: performance.now() - t, cpuMs: cpuSince(cpu), pages: result.numOfPages, bytes: pdf.length };
}

/** A new process that loads the compiler and its fonts, compiles the file and writes the PDF. */
export function typstCold(root: string, work: string, doc: string): TypstRun & { rssMiB: number } {
  const main = join(work, 'typst-main.typ');
  const out = join(work, 'typst.pdf');
  writeFileSync(main, doc);
  const script = `
    import { NodeCompiler } from ${JSON.stringify(join(root, 'node_modules', '@myriaddreamin', 'typst-ts-node-compiler', 'index.js'))};
    import { writeFileSync } from 'node:fs';
    const c = NodeCompiler.create({ workspace: ${JSON.stringify(work)}, fontArgs: [{ fontPaths: ${JSON.stringify(typstFonts(root))} }] });
    const doc = c.compile({ mainFilePath: ${JSON.stringify(main)} }).result;
    const pdf = c.pdf(doc);
    writeFileSync(${JSON.stringify(out)}, pdf);
    ${reportLine('PAGES: doc.numOfPages, BYTES: pdf.length,')}`;
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`typst: ${r.stderr}`);
  return { ms, cpuMs: figure(r.stderr, 'CPU'), pages: figure(r.stderr, 'PAGES'), bytes: figure(r.stderr, 'BYTES'), rssMiB: figure(r.stderr, 'RSS') / 1024 };
}
