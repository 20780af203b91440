// The nightly run: ten copies of the sample, one broken, composed on the worker pool.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expandIssues } from '../src/cli/batch.js';
import { readBatchReport } from './report-schema.js';
import { ROOT, runCompose, type Run } from './spawn.js';

const SAMPLE = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8');
/** The sample's page numbers (版次), as its file gives them. */
const SAMPLE_PAGES = (parse(SAMPLE) as { pages: { number: number }[] }).pages.map((p) => p.number);

let dir: string;
let run: Run;
let broken: string;
let brokenLine: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-batch-'));
  mkdirSync(join(dir, 'issues'));
  for (let i = 1; i <= 9; i++) writeFileSync(join(dir, 'issues', `edition-${i}.yaml`), SAMPLE);
  const text = SAMPLE.replace('headline: 重庆成为2025年春晚分会场', 'headlin: 重庆成为2025年春晚分会场');
  brokenLine = text.slice(0, text.indexOf('headlin:')).split('\n').length;
  broken = join(dir, 'issues', 'edition-broken.yaml');
  writeFileSync(broken, text);
  run = await runCompose(['batch', join(dir, 'issues'), '-o', join(dir, 'out'), '-j', '2'], { ...process.env, BANMIAN_CACHE: join(dir, 'cache') });
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the run goes on past the broken issue and exits with the worst code, 2', () => {
  assert.equal(run.code, 2, run.stderr);
  // Not a terminal: one plain line per issue, and the broken one's position.
  assert.equal(run.stderr.match(/^\[\d+\/10\] .*: (ok|bad input) \(\d+\.\d s\)$/gm)?.length, 10, run.stderr);
  assert.match(run.stderr, new RegExp(`edition-broken\\.yaml:${brokenLine}:\\d+: error: unknown key "headlin"`));
});

test('report.json holds every issue with its status, pages, overset, findings, timing and output', () => {
  const report = readBatchReport(join(dir, 'out', 'report.json'));
  assert.equal(report.exitCode, 2);
  assert.equal(report.issues.length, 10);
  for (const o of report.issues) {
    assert.ok(o.ms > 0);
    if (o.issue === broken) {
      assert.equal(o.exitCode, 2);
      assert.equal(o.pdf, null);
      assert.equal(o.pages.length, 0);
      assert.deepEqual([o.findings[0]!.file, o.findings[0]!.line, o.findings[0]!.severity, o.findings[0]!.code], [broken, brokenLine, 'error', 'unknown-key']);
      continue;
    }
    assert.equal(o.exitCode, 0, o.issue);
    assert.ok(o.pdf && existsSync(o.pdf), `${o.issue}: no PDF`);
    assert.deepEqual(
      o.pages.map((p) => [p.number, p.status, p.oversetCharacters]),
      SAMPLE_PAGES.map((n) => [n, 'ok', 0]),
    );
  }
  assert.equal(report.issues.filter((o) => o.exitCode === 0).length, 9);
  assert.deepEqual([report.summary.issues, report.summary.clean, report.summary.badInput], [10, 9, 1]);
});

test('a batch names its issues by folder, by pattern or by file, sorted', () => {
  const folder = join(dir, 'issues');
  assert.equal(expandIssues([folder]).length, 10);
  assert.deepEqual(expandIssues([join(folder, 'edition-?.yaml')]), Array.from({ length: 9 }, (_, i) => join(folder, `edition-${i + 1}.yaml`)));
  assert.deepEqual(expandIssues([broken, join(folder, 'edition-b*')]), [broken]);
});

test('an issue that runs past the time limit has its worker stopped, is reported, and the run goes on', async () => {
  const folder = join(dir, 'slow');
  mkdirSync(folder);
  for (const n of [1, 2, 3]) writeFileSync(join(folder, `edition-${n}.yaml`), SAMPLE);
  const r = await runCompose(['batch', folder, '-o', join(dir, 'slow-out'), '-j', '2'], { ...process.env, BANMIAN_CACHE: join(dir, 'cache'), BANMIAN_MAX_SECONDS: '0.05' });
  assert.equal(r.code, 3, r.stderr);
  const report = readBatchReport(join(dir, 'slow-out', 'report.json'));
  assert.equal(report.issues.length, 3);
  for (const o of report.issues) {
    assert.equal(o.exitCode, 3);
    assert.match(o.findings[0]!.message, /stopped after 0\.05 s, the time limit for one issue \(BANMIAN_MAX_SECONDS\)/);
  }
});
