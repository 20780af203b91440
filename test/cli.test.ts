// The command as the nightly pipeline runs it: exit codes, what lands on stderr, and what is (or
// is not) left in the output folder. Fixtures are written at test time from the sample's own text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { composeFile } from '../src/pipeline/compose.js';
import { readPdf } from './readback.js';
import { issueYaml } from './fixture.js';

// Runs compiled, from dist/test/: the package root is two folders up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');

interface Run {
  code: number | null;
  stderr: string;
}

function compose(...args: string[]): Run {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'compose.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, stderr: r.stderr };
}

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-cli-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

type Obj = Record<string, unknown>;
const sampleArticles = (): Obj[] => ((parse(readFileSync(SAMPLE, 'utf8')) as { pages: { articles: Obj[] }[] }).pages.flatMap((p) => p.articles));
/** Plain-string paragraphs of one of the sample's articles: real copy, not invented text. */
const paragraphs = (id: string): string[] => (sampleArticles().find((a) => a.id === id)!.body as unknown[]).filter((b): b is string => typeof b === 'string');


/** A small valid issue: the sample's 春晚 article on a tabloid page, the rest of the page reserved. */
const smallIssue = () =>
  issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 20}', headline: '重庆成为2025年春晚分会场', body: paragraphs('spring-gala').slice(0, 1) }], { reserve: true });

/** 1-based line and column where `needle` first occurs in `text`. */
function position(text: string, needle: string): { line: number; col: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `fixture lacks ${needle}`);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, col: at - (before.lastIndexOf('\n') + 1) + 1 };
}

function write(name: string, text: string, sub = 'in'): string {
  const d = join(tmp, sub);
  mkdirSync(d, { recursive: true });
  const file = join(d, name);
  writeFileSync(file, text);
  return file;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** stderr's first line must be `file:line:col: …` pointing at the given place. */
function assertAt(run: Run, file: string, at: { line: number; col: number }): void {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, new RegExp(`^${escape(file)}:${at.line}:${at.col}: `), run.stderr);
}

let samplePdf: Buffer | undefined;

test('the sample issue composes cleanly: exit 0 and a PDF in the output folder', () => {
  const out = join(tmp, 'sample-1');
  const run = compose(SAMPLE, '-o', out);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /(^|: )error: /m);
  const pdf = join(out, 'cqrb-2024-12-25.pdf');
  assert.ok(existsSync(pdf), `no ${pdf}`);
  samplePdf = readFileSync(pdf);
  assert.equal(samplePdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.deepEqual(readdirSync(out), ['cqrb-2024-12-25.pdf']);
});

test('composing the same issue twice gives byte-identical PDFs', () => {
  assert.ok(samplePdf, 'the first run did not produce a PDF');
  const out = join(tmp, 'sample-2');
  const run = compose(SAMPLE, '-o', out);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(readFileSync(join(out, 'cqrb-2024-12-25.pdf')).equals(samplePdf), 'the two PDFs differ');
});

test('a YAML syntax error exits 2 and names file:line:col', () => {
  const good = smallIssue();
  const broken = good.replace('    name: 要闻\n', '    name: 要闻: 政务简报\n');
  assert.notEqual(broken, good);
  const file = write('syntax.yaml', broken);
  const run = compose(file, '-o', join(tmp, 'out-syntax'));
  // yaml reports a nested compact mapping at the value that starts it.
  assertAt(run, file, position(broken, '要闻: 政务简报'));
  assert.match(run.stderr, /YAML syntax error/);
  assert.ok(!existsSync(join(tmp, 'out-syntax', 'syntax.pdf')));
});

test('an unknown key exits 2 at the key’s line:col', () => {
  const text = smallIssue().replace('        headline:', '        colour: red\n        headline:');
  const file = write('unknown-key.yaml', text);
  const run = compose(file, '-o', join(tmp, 'out-unknown'));
  assertAt(run, file, position(text, 'colour: red'));
  assert.match(run.stderr, /unknown key "colour"/);
});

test('a missing issue file exits 2 and names the file', () => {
  const file = join(tmp, 'no-such-issue.yaml');
  const out = join(tmp, 'out-missing');
  const run = compose(file, '-o', out);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, new RegExp(`^${escape(file)}:1:1: .*not found`));
  assert.ok(!existsSync(join(out, 'no-such-issue.pdf')));
});

test('an article off the grid exits 2 at the article’s line:col', () => {
  // tabloid has 6 columns; columns 6–7 run off its right edge.
  const text = issueYaml('tabloid', [{ id: 'wide', place: '{column: 6, span: 2, line: 1, lines: 10}', body: paragraphs('spring-gala').slice(0, 1) }]);
  const file = write('off-grid.yaml', text);
  const run = compose(file, '-o', join(tmp, 'out-off-grid'));
  assertAt(run, file, position(text, 'id: wide'));
  assert.match(run.stderr, /"wide".*off the grid/);
});

test('an article off the foot of the grid exits 2 at the article’s line:col', () => {
  // tabloid has 73 grid lines; lines 70–79 run past the foot.
  const text = issueYaml('tabloid', [{ id: 'long', place: '{column: 1, span: 2, line: 70, lines: 10}', body: paragraphs('spring-gala').slice(0, 1) }]);
  const file = write('off-foot.yaml', text);
  const run = compose(file, '-o', join(tmp, 'out-off-foot'));
  assertAt(run, file, position(text, 'id: long'));
  assert.match(run.stderr, /"long".*off the grid/);
});

test('an article overlapping another exits 2 at the second article’s line:col', () => {
  const [p1, p2] = paragraphs('spring-gala');
  const text = issueYaml('tabloid', [
    { id: 'first', place: '{column: 1, span: 3, line: 1, lines: 20}', body: [p1!] },
    // Shares column 3, lines 11–20 with "first".
    { id: 'second', place: '{column: 3, span: 2, line: 11, lines: 20}', body: [p2!] },
  ]);
  const file = write('overlap.yaml', text);
  const run = compose(file, '-o', join(tmp, 'out-overlap'));
  assertAt(run, file, position(text, 'id: second'));
  assert.match(run.stderr, /"second".*overlaps article "first"/);
});

test(
  'a picture reaching past its article’s foot exits 2 at the picture’s line:col',
  () => {
    const text = issueYaml('tabloid', [
      {
        id: 'photo',
        place: '{column: 1, span: 2, line: 1, lines: 10}',
        body: [],
        // 30 lines of picture in a 10-line article.
        extra: ['        pictures:', '          - place: {column: 1, span: 2, line: 1, lines: 30}', '            credit: 通讯员 龚长浩 摄/视觉重庆'],
      },
    ]);
    const file = write('picture-off-foot.yaml', text);
    const run = compose(file, '-o', join(tmp, 'out-picture-off-foot'));
    assertAt(run, file, position(text, 'place: {column: 1, span: 2, line: 1, lines: 30}'));
  },
);

test(
  'a headline taller than its article’s box is reported, not drawn over the article below',
  async () => {
    const [p1, p2] = paragraphs('spring-gala');
    const text = issueYaml('tabloid', [
      // Two grid lines cannot hold a 小初/一号 headline.
      { id: 'spring-gala', place: '{column: 1, span: 3, line: 1, lines: 2}', headline: '重庆成为2025年春晚分会场', body: [] },
      { id: 'below', place: '{column: 1, span: 3, line: 3, lines: 20}', body: [p1!, p2!] },
    ], { reserve: true });
    const file = write('headline-too-tall.yaml', text);
    const out = join(tmp, 'out-headline-too-tall');
    const run = compose(file, '-o', out);
    assert.notEqual(run.code, 0, 'composed as if clean');
    assert.match(run.stderr, /spring-gala/, 'the finding does not name the article');
    if (run.code === 1) {
      const { composition } = await composeFile(file, join(tmp, 'out-headline-too-tall-lib'));
      const box = composition.pages[0]!.boxes.find((b) => b.id === 'spring-gala')!;
      const page = readPdf(readFileSync(join(out, 'headline-too-tall.pdf')))[0]!;
      const headline = page.lines.filter((l) => l.size > 9 && l.y > box.y);
      for (const l of headline) assert.ok(l.y + 0.12 * l.size <= box.y + box.height, `${l.text} runs past the box`);
    }
  },
);

test('an overset article exits 1 and reports the overset the composition and the PDF show', async () => {
  // Four real paragraphs (~360 characters) into one column of 6 lines (at most ~80 characters).
  const body = paragraphs('roundtable').slice(0, 4);
  // The rest of the page reserved: the overset is the run's only blocking finding.
  const issueOf = (lines: number) => issueYaml('broadsheet', [{ id: 'roundtable', place: `{column: 1, span: 1, line: 1, lines: ${lines}}`, body }], { reserve: true });
  const text = issueOf(6);
  const file = write('overset.yaml', text);
  const out = join(tmp, 'out-overset');
  const run = compose(file, '-o', out);
  assert.equal(run.code, 1, run.stderr);
  const m = /: error: overset \(page 2, article roundtable\): (\d+) characters in (\d+) lines overset/m.exec(run.stderr);
  assert.ok(m, run.stderr);
  const [chars, lines] = [Number(m[1]), Number(m[2])];

  const { composition } = await composeFile(file, join(tmp, 'out-overset-lib'));
  const report = composition.articles.find((a) => a.id === 'roundtable')!;
  assert.equal(chars, report.oversetCharacters);
  assert.equal(lines, report.oversetLines);
  assert.ok(lines > 0 && chars > lines, `${chars} characters in ${lines} lines`);

  // What the reader finds in the box: the copy's beginning, whole; the overset is the rest.
  const copy = body.join('').replace(/\s+/g, '');
  const box = composition.pages[0]!.boxes.find((b) => b.id === 'roundtable')!;
  const [page] = readPdf(readFileSync(join(out, 'overset.pdf')));
  const inBox = page!.lines.filter((l) => l.y > box.y && l.y < box.y + box.height && l.x0 < box.x + box.width && l.x1 > box.x);
  const read = inBox.map((l) => l.text).join('');
  assert.ok(copy.startsWith(read), `the box does not hold the copy's beginning: ${read}`);
  assert.equal([...copy].length - [...read].length, chars, 'characters missing from the PDF');
  assert.equal(inBox.length, Math.round(box.height / composition.pages[0]!.geometry.pitch), 'overset while the box has free lines');

  // The same copy in a box with room to spare takes exactly the lines set plus the lines overset.
  const roomy = write('overset-roomy.yaml', issueOf(60));
  const spare = await composeFile(roomy, join(tmp, 'out-overset-roomy'));
  const all = readPdf(readFileSync(spare.pdf))[0]!.lines.filter((l) => l.y > box.y && l.x0 < box.x + box.width);
  assert.equal(all.map((l) => l.text).join(''), copy, 'the roomy box does not hold the whole copy');
  assert.equal(all.length, inBox.length + lines, 'lines overset');
});

test('a character no font has exits 1 and is reported, the rest is set', () => {
  // U+E000 is private use: no font can be expected to have it.
  const [p] = paragraphs('spring-gala');
  const text = issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 20}', body: [p!.slice(0, 20) + '\uE000' + p!.slice(20)] }], { reserve: true });
  const file = write('missing-glyph.yaml', text);
  const out = join(tmp, 'out-missing-glyph');
  const run = compose(file, '-o', out);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /: error: missing-glyph \(page 2, article spring-gala\): 1 characters? .*U\+E000/m);
  const read = readPdf(readFileSync(join(out, 'missing-glyph.pdf')))[0]!.lines.map((l) => l.text).join('');
  assert.ok(read.includes(p!.replace(/\s+/g, '')), 'the paragraph without the missing character is not on the page');
});

test('a failed run leaves the previous PDF of that name untouched', () => {
  const out = join(tmp, 'out-keep');
  const file = write('keep.yaml', smallIssue(), 'keep');
  assert.equal(compose(file, '-o', out).code, 0);
  const good = readFileSync(join(out, 'keep.pdf'));

  writeFileSync(file, smallIssue().replace('        headline:', '        colour: red\n        headline:'));
  const run = compose(file, '-o', out);
  assert.equal(run.code, 2, run.stderr);
  assert.ok(readFileSync(join(out, 'keep.pdf')).equals(good), 'the previous PDF changed');
  assert.deepEqual(readdirSync(out), ['keep.pdf'], 'stray files in the output folder');
});

test('an output folder that cannot be made exits 3', () => {
  const notADir = write('plain-file', 'x');
  const run = compose(write('io.yaml', smallIssue()), '-o', notADir);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /plain-file/);
});
