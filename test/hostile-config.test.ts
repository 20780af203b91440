// Configuration errors, table-driven: each case is a copy of the package (its compiled code,
// layouts/ and fonts/, the node modules linked) with one configuration file broken — a layout,
// sizes.yaml, fonts.yaml, a font file, the plant's profile — run as the pipeline runs compose: a
// child process. Each must end as bad input (exit 2) in ONE line `file:line:col: message` at the
// broken configuration file's own position, worked out here from the text the test wrote; never an
// internal error, a code frame or a wait. All Chinese text is copied at test time from the sample.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { positionIn } from '../src/issue/read.js';
import { issueYaml } from './fixture.js';
import { ROOT, escapeRegExp, runCompose } from './spawn.js';

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) as { pages: { articles: Obj[] }[] };
const gala = sample.pages.flatMap((p) => p.articles).find((a) => a.id === 'spring-gala')!;
const issueText = issueYaml('broadsheet', [{ id: 'spring-gala', place: '{column: 1, span: 3, line: 1, lines: 30}', headline: String(gala.headline), body: (gala.body as unknown[]).filter((b): b is string => typeof b === 'string').slice(0, 1) }], { reserve: true });

/** The song role's real font file, as fonts.yaml names it: the bytes a truncated copy is cut from. */
const songFile = (() => {
  const song = (parse(readFileSync(join(ROOT, 'fonts', 'fonts.yaml'), 'utf8')) as { roles: Record<string, { package: string; file: string }> }).roles.song;
  return join(ROOT, 'node_modules', song.package, song.file);
})();

let tmp: string;
let cases = 0;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-config-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the package to break: the same code, its own layouts/ and fonts/, and an issue to compose. */
function install(): string {
  const root = join(tmp, `copy-${++cases}`);
  for (const part of ['package.json', 'bin', 'schema', 'layouts', 'profiles', 'fonts', join('dist', 'src'), join('dist', 'compose')]) cpSync(join(ROOT, part), join(root, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'issue.yaml'), issueText);
  return root;
}

/** Changes one value of a configuration file, its comments and layout kept. */
function setIn(file: string, path: (string | number)[], value: unknown): string {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(path, value);
  writeFileSync(file, doc.toString());
  return readFileSync(file, 'utf8');
}

/** Puts a line into a file before the first line that starts with `before`. */
function insertLine(file: string, before: string, line: string): string {
  const text = readFileSync(file, 'utf8');
  const at = text.search(new RegExp(`^${escapeRegExp(before)}`, 'm'));
  assert.ok(at >= 0, `${file} has no line starting "${before}"`);
  writeFileSync(file, text.slice(0, at) + line + '\n' + text.slice(at));
  return readFileSync(file, 'utf8');
}

/** Where a case expects the error: the broken file, the position of `needle` in its text (or 1:1), and a message fragment. */
interface Expect {
  file: string;
  text?: string;
  needle?: string;
  /** Where to start looking for the needle, when it also stands earlier in the file. */
  after?: string;
  message: string;
}

/** An ICC header: `space` and `deviceClass` as the profile declares them, `size` as its header says. */
function iccHeader(deviceClass: string, space: string, bytes = 132, size = bytes): Buffer {
  const icc = Buffer.alloc(bytes);
  icc.writeUInt32BE(size, 0);
  icc.write(deviceClass, 12, 'latin1');
  icc.write(space, 16, 'latin1');
  icc.write('acsp', 36, 'latin1');
  return icc;
}

/** Points the song role at a file of the test's making. */
function songAt(root: string, bytes: Buffer | undefined, name = 'song.ttf'): Expect {
  const font = join(root, 'fonts', name);
  if (bytes) writeFileSync(font, bytes);
  const file = join(root, 'fonts', 'fonts.yaml');
  return { file, text: setIn(file, ['roles', 'song'], { path: font }), needle: font, message: 'font role "song"' };
}

/** Names `bytes` (or what `make` puts there) as the layout's profile. */
function profileAt(root: string, make: (path: string) => void): Omit<Expect, 'message'> {
  make(join(root, 'layouts', 'plant.icc'));
  const file = join(root, 'layouts', 'broadsheet.yaml');
  return { file, text: setIn(file, ['pictures', 'profile'], 'plant.icc'), needle: 'plant.icc' };
}

const fontsYaml = (root: string) => join(root, 'fonts', 'fonts.yaml');
const layout = (root: string) => join(root, 'layouts', 'broadsheet.yaml');
const sizes = (root: string) => join(root, 'layouts', 'sizes.yaml');

const CASES: { name: string; make: (root: string) => Expect }[] = [
  {
    name: 'a font file cut in half: the role and "cut short" at its path',
    make: (root) => {
      const e = songAt(root, readFileSync(songFile).subarray(0, 1 << 20));
      return { ...e, message: `${e.message}: ${e.needle} is cut short` };
    },
  },
  { name: 'random bytes as a font', make: (root) => ({ ...songAt(root, randomBytes(4096)), message: 'is not a font' }) },
  { name: 'a text file as a font', make: (root) => ({ ...songAt(root, Buffer.from(issueText)), message: 'give a TrueType or OpenType font file' }) },
  {
    name: 'a directory as a font',
    make: (root) => {
      mkdirSync(join(root, 'fonts', 'folder.ttf'));
      return { ...songAt(root, undefined, 'folder.ttf'), message: 'is a directory' };
    },
  },
  {
    name: 'a FIFO as a font: refused at once, never waited on',
    make: (root) => {
      assert.equal(spawnSync('mkfifo', [join(root, 'fonts', 'pipe.ttf')]).status, 0);
      return { ...songAt(root, undefined, 'pipe.ttf'), message: 'not a regular file' };
    },
  },
  { name: 'fallback: as a string', make: (root) => ({ file: fontsYaml(root), text: setIn(fontsYaml(root), ['fallback'], 'song'), after: 'fallback:', needle: 'song', message: 'fallback must be a list of font roles' }) },
  {
    name: 'fallback naming a role fonts.yaml does not define',
    make: (root) => ({ file: fontsYaml(root), text: setIn(fontsYaml(root), ['fallback'], ['song', 'fangsong']), needle: 'fangsong', message: '"fangsong" is not a font role' }),
  },
  {
    name: 'an empty fonts.yaml',
    make: (root) => {
      writeFileSync(fontsYaml(root), '');
      return { file: fontsYaml(root), message: 'fonts.yaml is empty' };
    },
  },
  { name: 'a null role: at its name', make: (root) => ({ file: fontsYaml(root), text: setIn(fontsYaml(root), ['roles', 'hei'], null), needle: 'hei:', message: 'font role "hei" is an empty value; give it package and file' }) },
  {
    name: 'a misspelt key in a role',
    make: (root) => ({ file: fontsYaml(root), text: setIn(fontsYaml(root), ['roles', 'hei'], { pth: '/nowhere.ttf' }), needle: 'pth', message: 'unknown key "pth" (did you mean "path"?)' }),
  },
  {
    name: 'a fonts.yaml syntax error: at its line, not as role "0"',
    make: (root) => ({ file: fontsYaml(root), text: insertLine(fontsYaml(root), 'fallback:', 'a line without its colon'), needle: 'a line without', message: 'fonts.yaml: YAML syntax error' }),
  },
  {
    name: "a style's unknown font role: at the style's font",
    make: (root) => ({ file: layout(root), text: setIn(layout(root), ['styles', 'caption', 'font'], 'fangsong'), needle: 'fangsong', message: 'style "caption" names font role "fangsong", which fonts/fonts.yaml does not define' }),
  },
  { name: 'a 号 in sizes.yaml that is no size: blamed on sizes.yaml', make: (root) => ({ file: sizes(root), text: setIn(sizes(root), ['五号'], 'large'), needle: 'large', message: 'sizes.yaml: 号 "五号" must be a size in points' }) },
  { name: 'a sizes.yaml syntax error', make: (root) => ({ file: sizes(root), text: insertLine(sizes(root), '五号', 'a line without its colon'), needle: 'a line without', message: 'sizes.yaml: YAML syntax error' }) },
  { name: 'a layout syntax error: one line at its place, no code frame', make: (root) => ({ file: layout(root), text: insertLine(layout(root), 'grid:', 'a line without its colon'), needle: 'a line without', message: 'layout "broadsheet": YAML syntax error' }) },
  { name: 'a text file as the profile', make: (root) => ({ ...profileAt(root, (p) => writeFileSync(p, issueText)), message: "is not an ICC profile (no 'acsp' signature at byte 36)" }) },
  { name: 'a display profile as the output profile', make: (root) => ({ ...profileAt(root, (p) => writeFileSync(p, iccHeader('mntr', 'RGB '))), message: "not an output (printer, 'prtr') profile" }) },
  { name: 'an RGB printer profile', make: (root) => ({ ...profileAt(root, (p) => writeFileSync(p, iccHeader('prtr', 'RGB '))), message: "the 'RGB' colour space, not the plant's CMYK" }) },
  { name: 'a CMYK output profile cut short', make: (root) => ({ ...profileAt(root, (p) => writeFileSync(p, iccHeader('prtr', 'CMYK', 200, 4096))), message: 'cut short or damaged: its header gives 4096 bytes, the file has 200' }) },
  { name: 'a FIFO as the profile', make: (root) => ({ ...profileAt(root, (p) => assert.equal(spawnSync('mkfifo', [p]).status, 0)), message: 'not a regular file' }) },
  { name: 'a grid wider than its trim: at the grid', make: (root) => ({ file: layout(root), text: setIn(layout(root), ['grid', 'columns'], 30), needle: 'grid:', message: 'layout "broadsheet": grid is 1330 mm wide' }) },
  { name: 'a grid deeper than its trim', make: (root) => ({ file: layout(root), text: setIn(layout(root), ['grid', 'pitch'], 27), needle: 'grid:', message: 'more than the trim\'s 545 mm; reduce grid.lines or grid.pitch' }) },
];

/** Runs compose in the copy, killed after a time only a hang reaches: a case that waits fails, it does not stall the file. */
const compose = (root: string) => runCompose([join(root, 'issue.yaml'), '-o', join(root, 'out')], { ...process.env, BANMIAN_CACHE: join(root, 'cache') }, { root, timeout: 60_000 });

describe('configuration errors are bad input at their own place', { concurrency: 4 }, () => {
  test('the unbroken copy composes cleanly', { timeout: 120_000 }, async () => {
    const root = install();
    const run = await compose(root);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(root, 'out', 'issue.pdf')));
  });

  for (const c of CASES) {
    test(c.name, { timeout: 120_000 }, async () => {
      const root = install();
      const e = c.make(root);
      const run = await compose(root);
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one line, not ${lines.length}:\n${run.stderr}`);
      const offset = e.needle ? e.text!.indexOf(e.needle, e.after ? e.text!.indexOf(e.after) : 0) : 0;
      assert.ok(offset >= 0, `the case wrote no "${e.needle}"`);
      const pos = positionIn(e.text ?? '', offset, e.file);
      assert.match(lines[0]!, new RegExp(`^${escapeRegExp(`${e.file}:${pos.line}:${pos.column}: `)}.*${escapeRegExp(e.message)}`));
      assert.ok(!existsSync(join(root, 'out', 'issue.pdf')), 'no PDF is written');
    });
  }
});
