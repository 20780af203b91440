// Files that are not what they seem, and outputs that would land on inputs or on each other. Each
// case builds its own hostile file (a FIFO where a picture should be, a cache entry cut short, a
// report named over the issue) and runs the installed command as a child process, judged by the
// exit code, the position and the message. Runs that could hang are given a kill timeout that only
// a real hang reaches. All Chinese text is copied at test time from the sample issue.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { parse } from 'yaml';
import { FileRefused, readRegularFile } from '../src/files.js';
import { caseFolders, issueYaml } from './fixture.js';
import { readBatchReport } from './report-schema.js';
import { ROOT, escapeRegExp, runCompose, type Run } from './spawn.js';

const BIN = join(ROOT, 'bin', 'compose.js');
type Obj = Record<string, unknown>;
const sample = parse(readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) as { pages: { articles: Obj[] }[] };
const gala = sample.pages.flatMap((p) => p.articles).find((a) => a.id === 'spring-gala')!;
const HEADLINE = String(gala.headline);
const GALA = (gala.body as unknown[]).filter((b): b is string => typeof b === 'string');

/** Long enough for a hang to be one, short enough for no busy machine to reach it otherwise. */
const HANG_MS = 60_000;

let tmp = '';
let env: NodeJS.ProcessEnv = {};

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-hostile-files-'));
  env = { ...process.env, BANMIAN_CACHE: join(tmp, 'cache') };
  for (const k of Object.keys(env)) if (k.startsWith('BANMIAN_MAX_')) delete env[k];
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The 春晚 story on a tabloid page with a picture slot, the rest of the page reserved. */
const issueWith = (extra: string[], body = GALA.slice(0, 1)) =>
  issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', headline: HEADLINE, body, extra }], { reserve: true });
const pictured = (source: string) => issueWith(['        pictures:', '          - place: {column: 1, span: 2, line: 1, lines: 10}', `            source: ${source}`]);

const { folder: caseFolder, withIssue: caseDir } = caseFolders(() => tmp);

/** Line and column (1-based) of the first `needle` in `text`, at `offset` characters into it. */
function at(text: string, needle: string, offset = 0): string {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `no ${needle} in the issue`);
  const before = text.slice(0, i + offset);
  return `${before.split('\n').length}:${i + offset - before.lastIndexOf('\n')}`;
}

const photo = (path: string) =>
  sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 40, g: 120, b: 200 } } })
    .jpeg()
    .toFile(path);

const mkfifo = (...paths: string[]) => spawnSync('mkfifo', paths).status === 0;

/** The command with a kill timeout: a run that hangs comes back with code null and says so. */
const runUnlessHung = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCompose(args, { ...env, ...extraEnv }, { timeout: HANG_MS });

/** Exit 2 with exactly one line, at `pos` in `file`, saying `says`. */
function badInputLine(run: Run, file: string, pos: string, says: string | RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  const lines = run.stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, new RegExp(`^${escapeRegExp(`${file}:${pos}: `)}`), run.stderr);
  if (typeof says === 'string') assert.ok(lines[0]!.includes(says), run.stderr);
  else assert.match(lines[0]!, says);
}

/** A batch of `n` issues on one worker; resolves once the first has finished, with the child to stop. */
function batchUntilFirstDone(n: number, out: string): { finished: Promise<void>; run: Promise<Run>; child: ReturnType<typeof spawn> } {
  const { dir } = caseDir(issueWith([]), 'edition-1.yaml');
  for (let i = 2; i <= n; i++) writeFileSync(join(dir, `edition-${i}.yaml`), issueWith([]));
  const child = spawn(process.execPath, [BIN, 'batch', dir, '-o', out, '-j', '1'], { cwd: ROOT, env });
  let stderr = '';
  let first: () => void;
  const finished = new Promise<void>((r) => (first = r));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (/^\[1\/\d+\] /m.test(stderr)) first();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  const run = new Promise<Run>((done) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      first();
      done({ code, stderr, stdout: '' });
    }),
  );
  return { finished, run, child };
}

// Spawned runs take a second or two each, mostly starting up: the cases run side by side.
describe('files that are not what they seem, outputs over inputs, batches stopped', { concurrency: 4 }, () => {
  // ---------------------------------------------------------------------------
  // Files that are not what they seem

  test('a picture that is a FIFO is refused at its position, by compose, validate and batch, without hanging', async (t) => {
    const text = pictured('photo.jpg');
    const { dir, file } = caseDir(text);
    if (!mkfifo(join(dir, 'photo.jpg'))) return t.skip('mkfifo failed');
    const pos = at(text, 'place: {column: 1, span: 2, line: 1, lines: 10}');
    const composed = await runUnlessHung([file, '-o', join(dir, 'out'), '-q']);
    badInputLine(composed, file, pos, 'is not a regular file (a pipe, a socket or a device)');
    assert.ok(!existsSync(join(dir, 'out', 'issue.pdf')));
    badInputLine(await runUnlessHung(['validate', file]), file, pos, 'not a regular file');

    const batch = await runUnlessHung(['batch', file, '-o', join(dir, 'batch-out')], { BANMIAN_MAX_SECONDS: '50' });
    assert.equal(batch.code, 2, batch.stderr);
    const report = readBatchReport(join(dir, 'batch-out', 'report.json'));
    assert.equal(report.interrupted, false);
    const [finding] = report.issues[0]!.findings;
    assert.equal(`${finding!.file}:${finding!.line}:${finding!.column}`, `${file}:${pos}`);
    assert.match(finding!.message, /not a regular file/);
  });

  test('a story file that is a FIFO, and a picture that is a directory, are refused at the value that names them', async (t) => {
    const storyText = issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', body: [], extra: ['        story: gala.md'] }], { reserve: true });
    const story = caseDir(storyText);
    if (!mkfifo(join(story.dir, 'gala.md'))) return t.skip('mkfifo failed');
    badInputLine(await runUnlessHung([story.file, '-o', join(story.dir, 'out')]), story.file, at(storyText, 'gala.md'), 'not a regular file');

    const text = pictured('folder.jpg');
    const { dir, file } = caseDir(text);
    mkdirSync(join(dir, 'folder.jpg'));
    badInputLine(await runUnlessHung([file, '-o', join(dir, 'out')]), file, at(text, 'place: {column: 1, span: 2, line: 1, lines: 10}'), 'is a directory');
  });

  test('what is read is judged on the opened file: a link out of the allowed folders is refused, whatever its name says', async () => {
    const dir = caseFolder();
    mkdirSync(join(dir, 'inside'), { recursive: true });
    mkdirSync(join(dir, 'outside'));
    await photo(join(dir, 'outside', 'secret.jpg'));
    symlinkSync(join(dir, 'outside', 'secret.jpg'), join(dir, 'inside', 'photo.jpg'));
    const within = [join(dir, 'inside')];
    assert.throws(
      () => readRegularFile(join(dir, 'inside', 'photo.jpg'), { maxBytes: 1e9, within }),
      (e: unknown) => e instanceof FileRefused && e.why === 'outside',
    );
    await photo(join(dir, 'inside', 'own.jpg'));
    assert.ok(readRegularFile(join(dir, 'inside', 'own.jpg'), { maxBytes: 1e9, within }).length > 0);
    if (!mkfifo(join(dir, 'inside', 'pipe.jpg'))) return;
    assert.throws(
      () => readRegularFile(join(dir, 'inside', 'pipe.jpg'), { maxBytes: 1e9, within }),
      (e: unknown) => e instanceof FileRefused && e.why === 'special',
    );
  });

  test('a picture-cache entry cut short or emptied is made again, never embedded as it is', async () => {
    const text = pictured('photo.jpg');
    const { dir, file } = caseDir(text);
    await photo(join(dir, 'photo.jpg'));
    const cache = join(dir, 'cache');
    const run = (out: string) => runUnlessHung([file, '-o', join(dir, out), '-q'], { BANMIAN_CACHE: cache });
    const first = await run('first');
    assert.equal(first.code, 0, first.stderr);
    const good = readFileSync(join(dir, 'first', 'issue.pdf'));
    const [entry] = readdirSync(cache);
    assert.ok(entry, 'no cache entry');
    const path = join(cache, entry);
    const whole = readFileSync(path);
    for (const [name, length] of [
      ['short', Math.floor(whole.length / 3)],
      ['empty', 0],
    ] as const) {
      truncateSync(path, length);
      const again = await run(name);
      assert.equal(again.code, 0, `${name} cache entry: ${again.stderr}`);
      assert.ok(readFileSync(join(dir, name, 'issue.pdf')).equals(good), `with a ${name} cache entry the PDF differs`);
      assert.ok(readFileSync(path).equals(whole), `the ${name} cache entry was not made again`);
    }
  });

  // ---------------------------------------------------------------------------
  // Outputs that would overwrite inputs or each other

  test('-r naming the issue file, the PDF, a picture or a story is bad input at what it names, and nothing is written', async () => {
    const text = pictured('photo.jpg');
    const { dir, file } = caseDir(text);
    await photo(join(dir, 'photo.jpg'));
    const out = join(dir, 'out');
    const before = readFileSync(file);
    badInputLine(await runCompose([file, '-o', out, '-r', file], env), file, '1:1', 'would be written over the issue file');
    assert.ok(readFileSync(file).equals(before), 'the issue file changed');
    badInputLine(await runCompose([file, '-o', out, '-r', join(out, 'issue.pdf')], env), file, '1:1', `would be written over the PDF ${join(out, 'issue.pdf')}`);
    const picture = readFileSync(join(dir, 'photo.jpg'));
    // Another spelling of the same file is the same file.
    badInputLine(await runCompose([file, '-o', out, '-r', `${dir}/./photo.jpg`], env), file, at(text, 'place: {column: 1, span: 2, line: 1, lines: 10}'), 'would be written over picture file');
    assert.ok(readFileSync(join(dir, 'photo.jpg')).equals(picture), 'the picture changed');
    assert.ok(!existsSync(out), 'something was written');

    const storyText = issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', body: [], extra: ['        story: gala.md'] }], { reserve: true });
    const story = caseDir(storyText);
    const markdown = `# ${HEADLINE}\n\n${GALA.slice(0, 2).join('\n\n')}\n`;
    writeFileSync(join(story.dir, 'gala.md'), markdown);
    const r = await runCompose([story.file, '-o', join(story.dir, 'out'), '-r', join(story.dir, 'gala.md')], env);
    badInputLine(r, story.file, at(storyText, 'id: spring-gala'), 'would be written over story file');
    assert.equal(readFileSync(join(story.dir, 'gala.md'), 'utf8'), markdown, 'the story file changed');
  });

  test('a batch over two folders holding issues of one name is refused, naming both, before anything is written', async () => {
    const text = issueWith([]);
    const a = caseDir(text, 'edition.yaml');
    const b = caseDir(text, 'edition.yaml');
    const out = caseFolder('-out');
    const r = await runUnlessHung(['batch', a.dir, b.dir, '-o', out]);
    const [first, second] = [a.file, b.file].sort();
    badInputLine(r, second!, '1:1', `also the PDF of ${first}`);
    assert.ok(!existsSync(out), 'the refused batch wrote into its output folder');
  });

  // ---------------------------------------------------------------------------
  // Batches stopped from outside, and workers that never answer

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    test(`a batch stopped by ${signal} writes its report with interrupted: true and the issues that finished`, async () => {
      const out = caseFolder('-out');
      mkdirSync(out);
      writeFileSync(join(out, 'report.json'), `${JSON.stringify({ exitCode: 0, interrupted: false, issues: [], unfinished: [], ms: 1 })}\n`);
      const batch = batchUntilFirstDone(6, out);
      await batch.finished;
      batch.child.kill(signal);
      const r = await batch.run;
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`stopped by ${signal}`));
      const report = readBatchReport(join(out, 'report.json'));
      assert.equal(report.interrupted, true);
      assert.ok(report.issues.length >= 1, 'no finished issue in the report');
      assert.ok(report.unfinished.length >= 1, 'no unfinished issue in the report');
      assert.equal(report.issues.length + report.unfinished.length, 6);
      for (const o of report.issues) assert.ok(o.pdf && existsSync(o.pdf), `${o.issue}: reported finished without its PDF`);
    });
  }

  test('a worker blocked in a write that never returns is killed at the time limit, and the report is written', async (t) => {
    if (!existsSync('/proc/self/task')) return t.skip('needs /proc to find the worker');
    const { dir, file } = caseDir(issueWith([]));
    const out = join(dir, 'out');
    mkdirSync(out);
    const child = spawn(process.execPath, [BIN, 'batch', file, '-o', out], { cwd: ROOT, env: { ...env, BANMIAN_MAX_SECONDS: '5' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // The worker writes its PDF beside the final name (src/files.ts), counting its writes: a FIFO
    // there, with no reader, blocks it in open() for good, which no thread can be stopped out of.
    // With a cold cache, its font subsets and output profile are written first, so the PDF is not
    // its first write: a FIFO waits at each count it could be.
    const counts = Array.from({ length: 64 }, (_, i) => i + 1);
    let placed = false;
    const poll = setInterval(() => {
      let workers: string[] = [];
      try {
        workers = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        // gone, or not started yet
      }
      for (const pid of workers) {
        const fifos = counts.map((n) => join(out, `issue.pdf.partial-${pid}-0-${n}`));
        // mkfifo fails on a name that is there already, and still makes the others: what is there counts.
        mkfifo(...fifos);
        placed ||= fifos.some((f) => existsSync(f));
      }
      if (placed) clearInterval(poll);
    }, 10);
    const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearInterval(poll);
    clearTimeout(timer);
    assert.ok(placed, 'no worker was seen');
    assert.equal(code, 3, `${code === null ? 'hung' : `exit ${code}`}\n${stderr}`);
    const report = readBatchReport(join(out, 'report.json'));
    assert.equal(report.interrupted, false);
    assert.match(report.issues[0]!.findings[0]!.message, /stopped after 5 s, the time limit for one issue/);
    assert.ok(!existsSync(join(out, 'issue.pdf')));
  });
});
