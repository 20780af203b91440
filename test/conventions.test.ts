// The command as people who know other command-line tools expect it: -o naming a file or a
// folder, --version, did-you-mean for a misspelt command, diagnostics with their severity, the
// source line and a caret (or one JSON object a line), globs with **, a watch mode that prints one
// line per result, and one report shape, checked against its schema.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { caseFolders, issueYaml } from './fixture.js';
import { readPdf } from './readback.js';
import { readBatchReport, readRunReport } from './report-schema.js';
import { ROOT, escapeRegExp, runCompose } from './spawn.js';

const SAMPLE_FILE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const SAMPLE = readFileSync(SAMPLE_FILE, 'utf8');
const BIN = join(ROOT, 'bin', 'compose.js');

interface SampleArticle {
  id: string;
  headline?: string;
  body?: unknown[];
}
const sampleArticle = (id: string) => (parse(SAMPLE) as { pages: { articles: SampleArticle[] }[] }).pages.flatMap((p) => p.articles).find((a) => a.id === id)!;
/** Plain paragraphs of one of the sample's articles: the repository's copy, not invented text. */
const paragraphs = (id: string) => (sampleArticle(id).body ?? []).filter((b): b is string => typeof b === 'string');
const GALA_HEADLINE = sampleArticle('spring-gala').headline!;

let tmp: string;
const env = () => ({ ...process.env, BANMIAN_CACHE: join(tmp, 'cache') });
const { folder: caseFolder, withIssue: caseFile } = caseFolders(() => tmp);

/** A page the gala story fills, the rest reserved: it composes clean. */
const cleanIssue = (body = paragraphs('spring-gala').slice(0, 2)) => issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', headline: GALA_HEADLINE, body }], { reserve: true });
/** The same story in a box far too small: overset, exit 1. */
const oversetIssue = () => issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 1, line: 1, lines: 4}', body: paragraphs('spring-gala') }], { reserve: true });

/** 1-based line and column of the first `needle` in `text`. */
function posOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `fixture lacks ${needle}`);
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

const pdfText = (file: string) => readPdf(readFileSync(file)).map((p) => p.lines.map((l) => l.text).join('')).join('');
const nonEmpty = (s: string) => s.split('\n').filter(Boolean);

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-conventions-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('CLI conventions', { concurrency: 4 }, () => {
  test('-o FILE.pdf writes that file, -o DIR/ and an existing folder take the PDF under the issue name', async () => {
    const { dir, file } = caseFile(cleanIssue());
    const named = join(dir, 'paper.pdf');
    const slash = join(dir, 'pages');
    const existing = join(dir, 'already.pdf');
    mkdirSync(existing);
    const runs = await Promise.all([runCompose([file, '-o', named, '-q'], env()), runCompose([file, '-o', `${slash}/`, '-q'], env()), runCompose([file, '-o', existing, '-q'], env())]);
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.ok(statSync(named).isFile(), '-o paper.pdf did not write the file paper.pdf');
    for (const pdf of [named, join(slash, 'issue.pdf'), join(existing, 'issue.pdf')]) assert.ok(pdfText(pdf).includes(GALA_HEADLINE), `${pdf} does not show the headline`);
    // One PDF each: the named file, and nothing under the issue's own name beside it.
    assert.ok(!existsSync(join(dir, 'issue.pdf')));
    assert.deepEqual(readFileSync(named), readFileSync(join(slash, 'issue.pdf')), 'the same issue gave other bytes under another name');
  });

  test('--version prints the package version', async () => {
    const r = await runCompose(['--version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  test('a misspelt command is one line naming the command meant, exit 2; a bare issue file still composes', async () => {
    const { dir, file } = caseFile(cleanIssue());
    const [typo, far, bare] = await Promise.all([runCompose(['valdate', file]), runCompose(['-q', 'bach', file]), runCompose([file, '-o', join(dir, 'out'), '-q'], env())]);
    assert.equal(typo.code, 2, typo.stderr);
    assert.deepEqual(nonEmpty(typo.stderr), ["error: unknown command 'valdate' (did you mean 'validate'?)"]);
    assert.equal(far.code, 2, far.stderr);
    assert.deepEqual(nonEmpty(far.stderr), ["error: unknown command 'bach' (did you mean 'batch'?)"]);
    assert.equal(bare.code, 0, bare.stderr);
    assert.ok(existsSync(join(dir, 'out', 'issue.pdf')));
  });

  test('a missing issue file is still a missing file, not an unknown command', async () => {
    const missing = join(tmp, 'no-such-issue.yaml');
    const r = await runCompose([missing]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(nonEmpty(r.stderr)[0]!, new RegExp(`^${escapeRegExp(missing)}:1:1: error: .*not found`));
  });

  test('bad input: file:line:col: error: message, with the source line and a caret under the column (wide characters counted twice)', async () => {
    const text = cleanIssue().replace(`headline: ${JSON.stringify(GALA_HEADLINE)}`, `headline: {text: ${JSON.stringify(GALA_HEADLINE)}, siz: 20}`);
    const { file } = caseFile(text);
    const at = posOf(text, 'siz:');
    const r = await runCompose([file, '--diagnostic-format', 'human', '--color', 'never']);
    assert.equal(r.code, 2, r.stderr);
    const [head, source, caret, ...rest] = nonEmpty(r.stderr);
    assert.deepEqual(rest, [], r.stderr);
    assert.match(head!, new RegExp(`^${escapeRegExp(`${file}:${at.line}:${at.column}: error: unknown key "siz"`)}`));
    const lineText = text.split('\n')[at.line - 1]!;
    assert.equal(source, ` ${at.line} | ${lineText}`);
    const gutter = ` ${' '.repeat(String(at.line).length)} | `;
    assert.ok(caret!.startsWith(gutter) && caret!.endsWith('^'), caret);
    // A terminal draws each Han character two cells wide: the caret stands under "siz".
    const prefix = lineText.slice(0, at.column - 1);
    const cells = [...prefix].reduce((n, c) => n + (/\p{Script=Han}/u.test(c) ? 2 : 1), 0);
    assert.equal(caret!.slice(gutter.length), `${' '.repeat(cells)}^`);
    assert.ok(/\p{Script=Han}/u.test(prefix), 'the fixture puts no wide character before the fault');
  });

  test('off a terminal each problem stays one line; --color always paints it, --color never does not', async () => {
    const text = cleanIssue().replace('headline:', 'headlin:');
    const { file } = caseFile(text);
    const [plain, painted] = await Promise.all([runCompose([file]), runCompose([file, '--diagnostic-format', 'human', '--color', 'always'])]);
    assert.equal(plain.code, 2, plain.stderr);
    assert.equal(nonEmpty(plain.stderr).length, 1, plain.stderr);
    assert.doesNotMatch(plain.stderr, /\u001b\[/);
    assert.equal(painted.code, 2, painted.stderr);
    assert.match(painted.stderr, /\u001b\[1;31merror:\u001b\[0m/);
  });

  test('on a terminal: the source line and colour, unless NO_COLOR is set', async (t) => {
    // script(1) gives the command a terminal of its own.
    if (spawnSync('script', ['--version']).status !== 0) return t.skip('no script(1) to run the command on a terminal');
    const text = cleanIssue().replace('headline:', 'headlin:');
    const { file } = caseFile(text);
    const onTerminal = (extra: NodeJS.ProcessEnv) => spawnSync('script', ['-qec', `${process.execPath} ${BIN} ${file}`, '/dev/null'], { encoding: 'utf8', env: { ...env(), ...extra }, timeout: 60_000 });
    const coloured = onTerminal({ NO_COLOR: '' });
    const plain = onTerminal({ NO_COLOR: '1' });
    assert.equal(coloured.status, 2, coloured.stdout);
    assert.match(coloured.stdout, /\u001b\[1;31merror:/);
    assert.match(coloured.stdout, / \| {9}headlin: /);
    assert.equal(plain.status, 2, plain.stdout);
    assert.doesNotMatch(plain.stdout, /\u001b\[/);
    assert.match(plain.stdout, /\^/);
  });

  test('--diagnostic-format json: one object a line, composition findings at the article’s source position', async () => {
    const text = oversetIssue();
    const { dir, file } = caseFile(text);
    const r = await runCompose([file, '-o', join(dir, 'out'), '-q', '--diagnostic-format', 'json'], env());
    assert.equal(r.code, 1, r.stderr);
    const diagnostics = nonEmpty(r.stderr).map((l) => JSON.parse(l) as Record<string, unknown>);
    const overset = diagnostics.find((d) => d['code'] === 'overset');
    assert.ok(overset, r.stderr);
    const at = posOf(text, 'id: spring-gala');
    assert.deepEqual([overset['file'], overset['line'], overset['column'], overset['severity'], overset['page'], overset['article']], [file, at.line, at.column, 'error', 2, 'spring-gala']);
    for (const d of diagnostics) for (const key of ['file', 'line', 'column', 'severity', 'code', 'message']) assert.ok(key in d, `${key} missing from ${JSON.stringify(d)}`);
  });

  test('a composition finding reads file:line:col: error: overset (page, article): …, and the report says the same', async () => {
    const text = oversetIssue();
    const { dir, file } = caseFile(text);
    const report = join(dir, 'report.json');
    const r = await runCompose([file, '-o', join(dir, 'out'), '-q', '-r', report], env());
    assert.equal(r.code, 1, r.stderr);
    const at = posOf(text, 'id: spring-gala');
    const m = new RegExp(`^${escapeRegExp(`${file}:${at.line}:${at.column}: error: overset (page 2, article spring-gala): `)}(\\d+) characters? in (\\d+) lines? overset`, 'm').exec(r.stderr);
    assert.ok(m, r.stderr);
    const written = readRunReport(report);
    assert.equal(written.reportVersion, 1);
    assert.equal(written.exitCode, 1);
    const article = written.articles.find((a) => a.id === 'spring-gala')!;
    assert.deepEqual([article.oversetCharacters, article.oversetLines], [Number(m[1]), Number(m[2])]);
    const finding = written.findings.find((f) => f.code === 'overset')!;
    assert.deepEqual([finding.file, finding.line, finding.column, finding.severity, finding.page, finding.article], [file, at.line, at.column, 'error', 2, 'spring-gala']);
    // What the report calls overset is missing from the page a reader holds.
    const copy = paragraphs('spring-gala').join('').replace(/\s/g, '');
    const seen = pdfText(written.pdf!).replace(/\s/g, '');
    assert.ok(!seen.includes(copy.slice(-20)), 'the overset end of the story is on the page');
  });

  test("batch 'dir/**/*.yaml' finds issues in nested folders; its report is the run report per issue and a summary", async () => {
    const root = caseFolder();
    mkdirSync(join(root, 'a', 'deep'), { recursive: true });
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'a', 'deep', 'one.yaml'), cleanIssue());
    writeFileSync(join(root, 'b', 'two.yaml'), oversetIssue());
    writeFileSync(join(root, 'b', 'notes.txt'), 'not an issue\n');
    const out = join(root, 'out');
    const r = await runCompose(['batch', `${root}/**/*.yaml`, '-o', out, '-j', '2'], env());
    assert.equal(r.code, 1, r.stderr);
    const report = readBatchReport(join(out, 'report.json'));
    assert.deepEqual(
      report.issues.map((o) => [o.issue, o.exitCode]),
      [
        [join(root, 'a', 'deep', 'one.yaml'), 0],
        [join(root, 'b', 'two.yaml'), 1],
      ],
    );
    assert.deepEqual([report.summary.issues, report.summary.clean, report.summary.findings, report.interrupted], [2, 1, 1, false]);
    for (const o of report.issues) assert.ok(pdfText(o.pdf!).length > 0, `${o.issue}: no text on its page`);
    assert.equal(report.issues[1]!.findings.find((f) => f.code === 'overset')?.article, 'spring-gala');
  });

  test('a batch glob that matches nothing is one clean line, exit 2', async () => {
    const pattern = join(tmp, 'nowhere', '**', '*.yaml');
    const r = await runCompose(['batch', pattern, '-o', join(tmp, 'nowhere-out')]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(nonEmpty(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^batch: the pattern '${escapeRegExp(pattern)}' matches no file`));
    assert.ok(!existsSync(join(tmp, 'nowhere-out', 'report.json')));
  });

  test('compose watch: a line per result on stdout; a save composes again, a broken save is a diagnostic and the PDF stands', async () => {
    const body = paragraphs('spring-gala').slice(0, 2);
    const { dir, file } = caseFile(cleanIssue(body));
    const out = join(dir, 'out');
    const report = join(dir, 'report.json');
    const child = spawn(process.execPath, [BIN, 'watch', file, '-o', out, '-r', report], { cwd: ROOT, env: env() });
    let stdout = '';
    let stderr = '';
    const waiters: { n: number; done: () => void }[] = [];
    const results = () => nonEmpty(stdout);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      for (const w of waiters.filter((x) => results().length >= x.n)) w.done();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const resultNumber = (n: number) => new Promise<void>((done) => (results().length >= n ? done() : waiters.push({ n, done })));
    // Standard error is a pipe of its own: what it says about a result may come after the result's line.
    const saidOnStderr = (pattern: RegExp) =>
      new Promise<void>((done) => {
        const check = () => {
          if (!pattern.test(stderr)) return;
          child.stderr.off('data', check);
          done();
        };
        child.stderr.on('data', check);
        check();
      });
    // The watch must not outlive the test, whatever happens.
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    try {
      await resultNumber(1);
      const line = /^\d\d:\d\d:\d\d (.+\.pdf): 1 page\(s\), (\d+) characters set, 0 overset, 0 hole\(s\), 0 blocking finding\(s\); .*; \d+ ms$/;
      const first = line.exec(results()[0]!);
      assert.ok(first, stdout);
      assert.equal(first[1], join(out, 'issue.pdf'));
      assert.ok(pdfText(join(out, 'issue.pdf')).includes(body[1]!.slice(0, 12)));

      writeFileSync(file, cleanIssue(body.slice(0, 1)));
      await resultNumber(2);
      const second = line.exec(results()[1]!);
      assert.ok(second, stdout);
      assert.ok(Number(second[2]) < Number(first[2]), `the edit removed a paragraph, yet ${second[2]} characters set against ${first[2]}`);
      assert.ok(!pdfText(join(out, 'issue.pdf')).includes(body[1]!.slice(0, 12)), 'the PDF still shows the paragraph taken out');
      assert.equal(readRunReport(report).articles[0]!.charactersSet, Number(second[2]));

      const before = readFileSync(join(out, 'issue.pdf'));
      const broken = cleanIssue(body.slice(0, 1)).replace('headline:', 'headlin:');
      writeFileSync(file, broken);
      await resultNumber(3);
      assert.match(results()[2]!, /^\d\d:\d\d:\d\d not composed: 1 problem, on standard error; the last PDF stands$/);
      const at = posOf(broken, 'headlin:');
      await saidOnStderr(new RegExp(`^${escapeRegExp(`${file}:${at.line}:${at.column}: error: unknown key "headlin"`)}`, 'm'));
      assert.deepEqual(readFileSync(join(out, 'issue.pdf')), before, 'a broken save touched the PDF');
    } finally {
      clearTimeout(guard);
      child.kill('SIGTERM');
    }
  });
});
