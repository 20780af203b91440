// The preview and the proofs against what a hostile page or a careless night sends them: requests
// under another site's name (DNS rebinding), endless variants of the overlay list, a port another
// program holds, an edit that breaks the file; and proofs at the highest resolution the help offers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { fontRegistry } from '../src/pipeline/compose.js';
import { proofPng } from '../src/proof/png.js';
import { OVERLAYS } from '../src/proof/svg.js';
import { startPreview, type Preview } from '../src/serve/server.js';
import type { PreparedPicture } from '../src/images/prepare.js';
import type { ComposedPage, PlacedFrame } from '../src/page/types.js';
import { ROOT, escapeRegExp } from './spawn.js';

const BIN = join(ROOT, 'bin', 'compose.js');
const SAMPLE = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8');
/** Far beyond any honest run, even on a busy machine: only a hang reaches it. */
const HANG = 60_000;

let dir: string;
let preview: Preview;
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-hostile-serve-'));
  process.env.BANMIAN_CACHE = join(dir, 'cache');
  writeFileSync(join(dir, 'issue.yaml'), SAMPLE);
  preview = await startPreview(join(dir, 'issue.yaml'), { host: '127.0.0.1', port: 0, dpi: 10 });
  await preview.ready;
  port = Number(new URL(preview.url).port);
});

after(async () => {
  await preview.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET to the preview with the Host header given (the address connected to stays the loopback). */
function get(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      // The event stream never ends by itself: its status is the answer.
      if (res.headers['content-type'] === 'text/event-stream') {
        req.destroy();
        done({ status: res.statusCode ?? 0, body });
      }
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Bytes as they are sent, for requests a client library would not make (no Host at all). */
function raw(bytes: string): Promise<string> {
  return new Promise((done) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes, 'latin1'));
    socket.setEncoding('latin1').on('data', (d: string) => (answer += d));
    socket.on('close', () => done(answer));
    socket.on('error', () => done(answer));
  });
}

describe('the preview', () => {
  test('answers to the loopback names and its own address on its own port, to no other Host', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `LOCALHOST:${port}`]) {
      assert.equal((await get('/state.json', host)).status, 200, host);
    }
    for (const path of ['/', '/state.json', '/events', '/page/2.png']) {
      for (const host of [`rebound.example:${port}`, `127.0.0.1.rebound.example:${port}`, `localhost:${port + 1}`, `user@localhost:${port}`, `localhost:${port}/x`]) {
        const r = await get(path, host);
        assert.equal(r.status, 421, `${path} with Host "${host}"`);
        assert.match(r.body, /answers to localhost, 127\.0\.0\.1, ::1 only/);
      }
    }
    assert.match(await raw('GET /state.json HTTP/1.0\r\n\r\n'), /^HTTP\/1\.1 421 /);
  });

  test('keeps one image per page and overlay set however the overlay list is spelled', async () => {
    const host = `127.0.0.1:${port}`;
    const spellings = Array.from({ length: 120 }, (_, i) => `/page/2.png?overlay=${['ids', 'grid', 'ids', `x${i}`, 'grid'.repeat(i % 3)].join(',')}`);
    for (const path of spellings) assert.equal((await get(path, host)).status, 200, path);
    assert.equal(preview.cachedImages(), 1);
    // Every set of overlays, in every order it might be asked: sixteen images, no more.
    for (let set = 0; set < 2 ** OVERLAYS.length; set++) {
      const chosen = OVERLAYS.filter((_, i) => set & (1 << i));
      for (const order of [chosen, [...chosen].reverse()]) assert.equal((await get(`/page/2.png?overlay=${order.join(',')}`, host)).status, 200);
    }
    assert.equal(preview.cachedImages(), 2 ** OVERLAYS.length);
  });
});

/** `compose serve …` until `until` is seen on standard error (then it is stopped), or killed at HANG. */
function serveRun(args: string[], until?: (stderr: string, child: ReturnType<typeof spawn>) => boolean): Promise<{ code: number | null; stderr: string; killed: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: { ...process.env, BANMIAN_CACHE: join(dir, 'cache') }, timeout: HANG, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (until?.(stderr, child)) child.kill('SIGTERM');
    });
    child.on('close', (code, signal) => done({ code, stderr, killed: signal === 'SIGKILL' }));
  });
}

describe('compose serve', { concurrency: 2 }, () => {
  let held: Server;
  before(() => new Promise<void>((done) => (held = createServer().listen(0, '127.0.0.1', done))));
  after(() => new Promise<void>((done) => held.close(() => done())));

  test('a port another program holds is one line and exit 2', async () => {
    const busy = (held.address() as AddressInfo).port;
    const run = await serveRun([join(dir, 'issue.yaml'), '--port', String(busy)]);
    assert.ok(!run.killed, 'still running');
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr, `serve: 127.0.0.1 port ${busy} is in use (another preview?); stop it or give another --port (0 takes any free one)\n`);
  });

  test('every build is told in the terminal: what was composed, then where an edit broke the file', async () => {
    const file = join(dir, 'edited.yaml');
    writeFileSync(file, SAMPLE);
    const broken = SAMPLE.replace(/^(\s+)headline:/m, '$1headlin:');
    const line = broken.slice(0, broken.indexOf('headlin:')).split('\n').length;
    const column = broken.split('\n')[line - 1]!.indexOf('headlin:') + 1;
    let edited = false;
    const run = await serveRun([file, '--port', '0', '--dpi', '10'], (stderr) => {
      if (!edited && /^version 1: /m.test(stderr)) {
        edited = true;
        writeFileSync(file, broken);
      }
      return /^version 2: /m.test(stderr) && stderr.endsWith('\n') && new RegExp(`${escapeRegExp(file)}:${line}:`).test(stderr);
    });
    assert.ok(!run.killed, `no second build told after ${HANG / 1000} s:\n${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^version 1: 1 page\(s\), \d+ articles, \d+ characters set, 0 overset, 0 hole\(s\), 0 blocking finding\(s\), \d+ ms$/m);
    assert.match(run.stderr, /^version 2: not composed, showing the last good pages$/m);
    assert.match(run.stderr, new RegExp(`^ {2}${escapeRegExp(file)}:${line}:${column}: unknown key "headlin"`, 'm'));
  });
});

describe('compose proof', () => {
  test('renders at its documented maximum of 600 dpi with a picture whose image passes 10 MB in the SVG', async () => {
    // Noise does not compress: at 600 dpi the picture's PNG in the page's SVG is far past libxml2's 10 MB.
    const side = 2000;
    const jpeg = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const frame: PlacedFrame = { x: 5, y: 5, width: 240, height: 240, lineWidth: 0 };
    const picture: PreparedPicture = { jpeg, pixelWidth: side, pixelHeight: side, ppi: 600, gray: false };
    const page = { number: 2, geometry: { trimWidth: 250, trimHeight: 250 }, glyphs: [], rules: [], frames: [frame], spaces: [], holes: [], boxes: [] } as unknown as ComposedPage;
    const png = await proofPng(page, fontRegistry(), new Map([[frame, picture]]), [], new Set(), 600);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height], [2083, 2083]);
    // The picture is drawn: noise, not the white of an empty page.
    const { channels } = await sharp(png).extract({ left: 500, top: 500, width: 1000, height: 1000 }).stats();
    assert.ok(channels[0]!.stdev > 30, `the picture's area is flat: ${JSON.stringify(channels[0])}`);
  });
});
