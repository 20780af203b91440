// A batch whose issues all place the same picture, new to the cache: the workers prepare it at the
// same moment and all write it into the cache together. Each must get a partial file of its own
// (src/files.ts); with one name shared between writers, one worker renames the shared partial away
// and the next fails with ENOENT on its rename.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { issueYaml } from './fixture.js';
import { readBatchReport } from './report-schema.js';
import { runCompose } from './spawn.js';

const ISSUES = 6;
const ROUNDS = 5;

const tmp = mkdtempSync(join(tmpdir(), 'banmian-batch-race-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const partials = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.includes('.partial-')) : []);

test(`${ROUNDS} batches of ${ISSUES} issues sharing one new picture, on 4 workers: every issue composes, no partial file is left`, async (t) => {
  const issues = join(tmp, 'issues');
  mkdirSync(issues);
  // Noise, seeded: it compresses badly, so the cache entry is megabytes and its write takes long
  // enough for the workers' writes to overlap.
  const [w, h] = [2000, 2800];
  const pixels = Buffer.alloc(w * h * 3);
  for (let i = 0, x = 1; i < pixels.length; i++) pixels[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  await sharp(pixels, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(join(issues, 'photo.jpg'));
  // The same picture, cut the same way, in every issue, so all want the same cache entry. It fills
  // the page (white left over would be a hole, exit 1) at over the plant's 150 ppi.
  const page = '{column: 1, span: 6, line: 1, lines: 73}';
  const text = issueYaml('tabloid', [{ id: 'photo', place: page, body: [], extra: ['        pictures:', `          - place: ${page}`, '            source: photo.jpg'] }]);
  for (let i = 1; i <= ISSUES; i++) writeFileSync(join(issues, `edition-${i}.yaml`), text);

  // Every round is run, and what went wrong in each is told at the end: how often it fails matters.
  const failed: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const cache = join(tmp, `cache-${round}`);
    const out = join(tmp, `out-${round}`);
    const run = await runCompose(['batch', issues, '-o', out, '-j', '4'], { ...process.env, BANMIAN_CACHE: cache });
    const problems: string[] = [];
    if (run.code !== 0) problems.push(`exit ${run.code}\n${run.stderr}`);
    const report = existsSync(join(out, 'report.json')) ? readBatchReport(join(out, 'report.json')) : undefined;
    if (report?.issues.length !== ISSUES) problems.push(`report.json has ${report?.issues.length ?? 'no'} issues`);
    for (const o of report?.issues ?? []) if (!o.pdf || !existsSync(o.pdf)) problems.push(`${o.issue}: no PDF`);
    const left = [...partials(out), ...partials(cache)];
    if (left.length) problems.push(`partial files left: ${left.join(', ')}`);
    if (problems.length) failed.push(`round ${round}: ${problems.join('; ')}`);
  }
  t.diagnostic(`${failed.length} of ${ROUNDS} rounds failed`);
  assert.deepEqual(failed, [], `${failed.length} of ${ROUNDS} rounds failed`);
});
