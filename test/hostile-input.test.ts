// Hostile issue files: limits that must bound the work and not only the syntax (aliases that
// multiply text, long texts in any field, many bad values), and messages that must not be forged
// or leak (control characters in keys, YAML tags, lists as keys, empty lists). Each case is run as
// the pipeline runs it and judged by exit code, position and message; Chinese text is the sample's.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { issueYaml } from './fixture.js';
import { ROOT, escapeRegExp, runCompose, type Run } from './spawn.js';

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) as { pages: { articles: Obj[] }[] };
const gala = sample.pages.flatMap((p) => p.articles).find((a) => a.id === 'spring-gala')!;
const PARAGRAPHS = (gala.body as unknown[]).filter((b): b is string => typeof b === 'string');
const HEADLINE = String(gala.headline);
/** Sample copy at least `n` characters long: the 春晚 story's paragraphs, over and over. */
const copyOf = (n: number) => PARAGRAPHS.join('').repeat(Math.ceil(n / PARAGRAPHS.join('').length));

/** One article on a tabloid page, its keys after `place` given as YAML lines. */
const issueWith = (lines: string[]) => issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', body: [], extra: lines }]);

/** Line and column (1-based) where the `nth` occurrence of `needle` starts. */
function positionOf(text: string, needle: string, nth = 0): string {
  let at = -1;
  for (let k = 0; k <= nth; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `the fixture lacks ${JSON.stringify(needle.slice(0, 40))}`);
  const before = text.slice(0, at);
  return `${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
}

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-hostile-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

let written = 0;
/** Composes `text` as a fresh issue file; its path and the run. */
async function compose(text: string, env: Record<string, string> = {}): Promise<{ file: string; run: Run }> {
  const file = join(tmp, `issue-${++written}.yaml`);
  writeFileSync(file, text);
  const run = await runCompose([file, '-o', join(tmp, `out-${written}`)], { ...process.env, ...env });
  return { file, run };
}

/** Exit 2 and nothing but `file:line:col:` lines, one of them at `at` saying `message`. */
function assertBadInput(file: string, run: Run, at: string | string[], message: string): void {
  assert.equal(run.code, 2, run.stderr.slice(0, 2000));
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  for (const l of lines) assert.match(l, new RegExp(`^${escapeRegExp(file)}:\\d+:\\d+: \\S`), `not a file:line:col line: ${l.slice(0, 300)}`);
  const want = (Array.isArray(at) ? at : [at]).map((p) => `${file}:${p}: `);
  assert.ok(
    lines.some((l) => want.some((w) => l.startsWith(w)) && l.includes(message)),
    `no line at ${want.join(' or ')} says ${JSON.stringify(message)}:\n${run.stderr.slice(0, 2000)}`,
  );
}

describe('limits bound the work', { concurrency: 2 }, () => {
  test('aliases repeating a long text are refused at the alias that passes the expanded-character limit', async () => {
    // 60,000 characters named once and repeated 900 times: a small file that would come to 54 M.
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, `        note: [&copy ${JSON.stringify(copyOf(60_000))}]`, `        briefs: [${Array(900).fill('*copy').join(', ')}]`]);
    const { file, run } = await compose(text);
    const aliases = Array.from({ length: 900 }, (_, k) => positionOf(text, '*copy', k));
    assertBadInput(file, run, aliases, 'BANMIAN_MAX_ISSUE_CHARACTERS');
    // Refused early: the default (8 Mi characters, the byte limit) is passed within the first 140 aliases.
    const refusedAt = aliases.findIndex((p) => run.stderr.startsWith(`${file}:${p}: `));
    assert.ok(refusedAt >= 0 && refusedAt < 140, `refused at alias ${refusedAt + 1}`);
  });

  test('an alias inside the value its own anchor names is refused at the alias', async () => {
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, `        body: &body [${JSON.stringify(PARAGRAPHS[0])}, *body]`]);
    const { file, run } = await compose(text);
    assertBadInput(file, run, positionOf(text, '*body'), 'repeat without end');
  });

  test('an alias to no anchor, or to one set only after it, is refused at the alias', async () => {
    for (const [body, alias] of [[`[${JSON.stringify(PARAGRAPHS[0])}, *nowhere]`, '*nowhere'], [`[*later, &later ${JSON.stringify(PARAGRAPHS[0])}]`, '*later']]) {
      const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, `        body: ${body}`]);
      const { file, run } = await compose(text);
      assertBadInput(file, run, positionOf(text, alias), 'names no anchor set before it');
    }
  });

  const limit = { BANMIAN_MAX_ARTICLE_CHARACTERS: '1000' };
  const long = copyOf(1500).slice(0, 1500);
  const fields: [string, string[], string][] = [
    ['a headline', [`        headline: ${JSON.stringify(long)}`], JSON.stringify(long)],
    ['a kicker', [`        headline: ${JSON.stringify(HEADLINE)}`, `        kicker: ${JSON.stringify(long)}`], JSON.stringify(long)],
    ['a table cell', ['        table:', `          - [${JSON.stringify(HEADLINE)}, ${JSON.stringify(long)}]`], `[${JSON.stringify(HEADLINE)}`],
    ['a brief', ['        briefs:', `          - ${JSON.stringify(PARAGRAPHS[0])}`, `          - ${JSON.stringify(long)}`], JSON.stringify(long)],
    ['a caption', ['        pictures:', '          - place: {column: 1, span: 2, line: 1, lines: 10}', `            caption: ${JSON.stringify(long)}`], JSON.stringify(long)],
  ];
  for (const [what, lines, needle] of fields) {
    test(`${what} over the article's character limit is refused at its own position`, async () => {
      const text = issueWith(lines);
      const { file, run } = await compose(text, limit);
      assertBadInput(file, run, positionOf(text, needle), 'more than the limit of 1000, and passes it here');
    });
  }

  test('a page name over the character limit is refused at its position', async () => {
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`]).replace(/^( {4}name: ).*$/m, `$1${JSON.stringify(long)}`);
    const { file, run } = await compose(text, limit);
    assertBadInput(file, run, positionOf(text, JSON.stringify(long)), 'more than the limit of 1000');
  });

  test('a table of many empty cells counts each against the limit and is refused at the row that passes it', async () => {
    const rows = Array.from({ length: 6_000 }, () => '          - [""]');
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, '        table:', ...rows]);
    const { file, run } = await compose(text, { BANMIAN_MAX_ARTICLE_CHARACTERS: '5000' });
    assertBadInput(file, run, positionOf(text, '[""]', 5_000 - HEADLINE.length), 'more than the limit of 5000');
  });

  test('25,000 bad body items are all reported, not worked over in their square', async () => {
    // No timing: only a run that works in the square of its errors (minutes at this size) is stopped, after two.
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, '        body:', ...Array.from({ length: 25_000 }, (_, k) => `          - ${k + 1}`)]);
    const file = join(tmp, 'many.yaml');
    writeFileSync(file, text);
    const run = await new Promise<Run & { killed: boolean }>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'compose.js'), 'validate', file], { cwd: ROOT });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        done({ code, stderr, stdout: '', killed: signal === 'SIGKILL' });
      });
    });
    assert.ok(!run.killed, 'still working after two minutes');
    assertBadInput(file, run, positionOf(text, '25000\n'), 'body item 25000 must be a paragraph');
    assert.equal(run.stderr.split('\n').filter((l) => l.includes('must be a paragraph')).length, 25_000);
  });
});

describe('messages cannot be forged and do not leak', { concurrency: 2 }, () => {
  test('a key with a newline and ESC prints one escaped line at the key', async () => {
    const forged = `headline\\n${'x'.repeat(3)}.yaml:1:1: ${HEADLINE}\\e[2J`;
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, `        "${forged}": ${JSON.stringify(PARAGRAPHS[0])}`]);
    const { file, run } = await compose(text);
    assertBadInput(file, run, positionOf(text, `"${forged}"`), 'unknown key "headline\\nxxx.yaml');
    assert.equal(run.stderr.split('\n').filter((l) => l !== '').length, 1, run.stderr);
    assert.ok(!run.stderr.includes('\x1b'), 'an escape code reached the terminal');
  });

  test('a message quoting a long key is cut in its middle, with a note', async () => {
    const key = copyOf(100_000);
    // An explicit key (? …): an implicit one may not be longer than 1024 characters.
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, `        ? ${key}`, `        : ${JSON.stringify(PARAGRAPHS[0])}`]);
    const { file, run } = await compose(text);
    assertBadInput(file, run, positionOf(text, key), 'unknown key');
    assert.ok(run.stderr.length < 2000, `${run.stderr.length} characters on standard error`);
  });

  test('a stray control character in a value is escaped where a message quotes it', async () => {
    const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, `        columns: "2\\u009b31m"`]);
    const { file, run } = await compose(text);
    assertBadInput(file, run, positionOf(text, '"2\\u009b'), '"columns" must be a positive integer, got "2\\u009b31m"');
    assert.ok(!run.stderr.includes('\u009b'), 'a raw CSI reached the terminal');
  });

  for (const tag of ['!!binary', '!!set', '!desk']) {
    test(`the YAML tag ${tag} is bad input at the tag, in one line`, async () => {
      const value = tag === '!!set' ? `{${JSON.stringify(HEADLINE)}}` : tag === '!!binary' ? 'aGVsbG8gd29ybGQ=' : JSON.stringify(PARAGRAPHS[0]);
      const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, '        body:', `          - ${tag} ${value}`]);
      const { file, run } = await compose(text);
      assertBadInput(file, run, positionOf(text, `${tag} `), `the YAML tag ${tag}`);
      assert.equal(run.stderr.split('\n').filter((l) => l !== '').length, 1, run.stderr);
    });
  }

  const keys: [string, string, string][] = [
    ['a list', `        ? [${JSON.stringify(HEADLINE)}, ${JSON.stringify(HEADLINE)}]\n        : ${JSON.stringify(PARAGRAPHS[0])}`, `[${JSON.stringify(HEADLINE)}, `],
    ['a mapping', `        ? {text: ${JSON.stringify(HEADLINE)}}\n        : ${JSON.stringify(PARAGRAPHS[0])}`, '{text'],
  ];
  for (const [what, line, needle] of keys) {
    test(`${what} used as a key is bad input at the key, and Node's warnings stay inside`, async () => {
      const text = issueWith([`        headline: ${JSON.stringify(HEADLINE)}`, line]);
      const { file, run } = await compose(text);
      assertBadInput(file, run, positionOf(text, needle), 'used as a key');
      assert.doesNotMatch(run.stderr, /Warning|\(node:/);
    });
  }

  for (const key of ['body', 'pictures', 'briefs']) {
    test(`an empty "${key}: []" is no content, bad input at the list`, async () => {
      const text = issueWith([...(key === 'pictures' ? [] : [`        headline: ${JSON.stringify(HEADLINE)}`]), `        ${key}: []`]);
      const { file, run } = await compose(text);
      assertBadInput(file, run, positionOf(text, `${key}: []`).replace(/:(\d+)$/, (_, c: string) => `:${Number(c) + key.length + 2}`), 'an empty list is no content');
    });
  }
});
