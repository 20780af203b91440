// The PDF in the output folder is always a whole one. `compose` writes PATH.partial-PID-… and renames
// it into place (src/files.ts), so a run killed at any moment leaves either the PDF that was there
// or the complete new one (the output is deterministic: the same bytes), never half of one; a
// partial file a killed run leaves behind is cleared by the next run. Runs are real child
// processes of the sample issue (a 3.7 MB PDF), killed with SIGKILL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, rmSync, writeFileSync, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ROOT, runCompose } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const BIN = join(ROOT, 'bin', 'compose.js');
const NAME = 'cqrb-2024-12-25.pdf';

let tmp = '';
let env: NodeJS.ProcessEnv = {};
let good: Buffer | undefined;
/** How long a whole run of the sample takes here, ms. */
let runMs = 2000;

const partials = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.includes('.partial-')) : []);

/** Starts compose on the sample into `out`; `kill(child)` decides when to SIGKILL it. */
function composeAndKill(out: string, kill: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, SAMPLE, '-o', out, '-q'], { cwd: ROOT, env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code, signal) => done({ code, signal, stderr }));
    kill(child);
  });
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-atomic-'));
  env = { ...process.env, BANMIAN_CACHE: join(tmp, 'cache') };
  for (const k of Object.keys(env)) if (k.startsWith('BANMIAN_MAX_')) delete env[k];
  const out = join(tmp, 'reference');
  const run = await runCompose([SAMPLE, '-o', out], env);
  assert.equal(run.code, 0, run.stderr);
  good = readFileSync(join(out, NAME));
  assert.equal(good.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.match(good.subarray(-1024).toString('latin1'), /%%EOF\s*$/);
  // Pictures are in the cache now; time a warm run, which is what the killed runs are.
  const t1 = performance.now();
  const again = await runCompose([SAMPLE, '-o', out], env);
  assert.equal(again.code, 0, again.stderr);
  runMs = performance.now() - t1;
});

after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a run killed at any moment leaves the good PDF or the same complete PDF, never a torn one', async (t) => {
  assert.ok(good);
  const out = join(tmp, 'killed');
  mkdirSync(out);
  writeFileSync(join(out, NAME), good);
  // The moments the brief names, then moments spread towards the end of a run, where the PDF is written.
  const moments = [50, 150, 300, 500, 800, ...[0.8, 0.95, 1.05].map((f) => Math.round(f * runMs))];
  const seen: string[] = [];
  for (const ms of moments) {
    const r = await composeAndKill(out, (child) => {
      setTimeout(() => child.kill('SIGKILL'), ms);
    });
    seen.push(`${ms} ms: ${r.signal ?? `exit ${r.code}`}${partials(out).length ? ' (partial left)' : ''}`);
    if (r.signal === null) assert.equal(r.code, 0, r.stderr);
    const now = readFileSync(join(out, NAME));
    assert.equal(now.length, good.length, `after the kill at ${ms} ms the PDF has ${now.length} bytes, not ${good.length}`);
    assert.ok(now.equals(good), `after the kill at ${ms} ms the PDF differs from the good one`);
  }

  t.diagnostic(`a warm run takes ${Math.round(runMs)} ms; killed at ${seen.join('; ')}`);
  const final = await runCompose([SAMPLE, '-o', out, '-q'], env);
  assert.equal(final.code, 0, final.stderr);
  assert.ok(readFileSync(join(out, NAME)).equals(good), 'the final PDF differs from the good one');
  assert.deepEqual(partials(out), [], `partial files left after a normal run (${seen.join('; ')})`);
});

test('a run killed in the middle of writing the PDF: the old PDF stays, and the next run clears the partial file', async (t) => {
  assert.ok(good);
  const out = join(tmp, 'mid-write');
  mkdirSync(out);
  writeFileSync(join(out, NAME), good);
  // The pictures are cached, so the PDF is the child's first write, from its main thread (threadId
  // 0): NAME.partial-<its pid>-0-1 (src/files.ts). Put a FIFO there first: its write then blocks
  // until the test reads, so the kill lands with part of the PDF written, whatever the machine's speed.
  let fifo = '';
  let read = 0;
  const r = await composeAndKill(out, (child) => {
    fifo = join(out, `${NAME}.partial-${child.pid}-0-1`);
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      child.kill('SIGKILL');
      return;
    }
    // A non-blocking reader: the child's open for writing then succeeds, and its write waits for our reads.
    const fd = openSync(fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const buf = Buffer.alloc(64 * 1024);
    const poll = setInterval(() => {
      try {
        read += readSync(fd, buf);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      if (read >= 256 * 1024) {
        clearInterval(poll);
        child.kill('SIGKILL');
        closeSync(fd);
      }
    }, 5);
    child.on('close', () => {
      clearInterval(poll);
      try {
        closeSync(fd);
      } catch {
        // closed above
      }
    });
  });
  if (!existsSync(fifo)) return t.skip('mkfifo failed');
  assert.equal(r.signal, 'SIGKILL', `the run was not killed mid-write: exit ${r.code}\n${r.stderr}`);
  assert.ok(read >= 256 * 1024, `only ${read} bytes of the PDF were written before the kill`);
  assert.ok(readFileSync(join(out, NAME)).equals(good), 'the PDF in place changed');
  assert.deepEqual(partials(out), [basename(fifo)], 'the killed run’s partial file');

  const next = await runCompose([SAMPLE, '-o', out, '-q'], env);
  assert.equal(next.code, 0, next.stderr);
  assert.ok(readFileSync(join(out, NAME)).equals(good));
  assert.deepEqual(partials(out), [], 'the next run left the dead run’s partial file');
});

test('a partial file of a live process is left alone; one of a dead process is removed', async () => {
  assert.ok(good);
  const out = join(tmp, 'stale');
  mkdirSync(out);
  // A PID that is surely dead: a child that has exited and been reaped.
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(dead);
  const stale = `${NAME}.partial-${dead}`;
  const live = `${NAME}.partial-${process.pid}`;
  writeFileSync(join(out, stale), good.subarray(0, 1000));
  writeFileSync(join(out, live), good.subarray(0, 1000));
  const run = await runCompose([SAMPLE, '-o', out, '-q'], env);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(readFileSync(join(out, NAME)).equals(good));
  assert.deepEqual(partials(out), [live], 'the dead run’s partial file was kept, or the live one removed');
  rmSync(join(out, live));
});

test('two composes of the same issue into the same folder at once: both exit 0, the PDF is the good one', async () => {
  assert.ok(good);
  const out = join(tmp, 'together');
  const [a, b] = await Promise.all([runCompose([SAMPLE, '-o', out, '-q'], env), runCompose([SAMPLE, '-o', out, '-q'], env)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.ok(readFileSync(join(out, NAME)).equals(good), 'the PDF differs from the good one');
  assert.deepEqual(readdirSync(out), [NAME], 'stray files in the output folder');
});
