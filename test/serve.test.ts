// The desk's live preview in a real browser: the page appears, an edit to the issue recomposes it
// within a second or two, a broken edit shows its error at its position and keeps the last pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import type { Preview } from '../src/serve/server.js';
import { CHROMIUM, NO_CHROMIUM, closeServed, launchChromium, serveIssue } from './browser.js';
import { ROOT } from './spawn.js';

// The front sample: two pages to show, the second named in the file like any page.
const SAMPLE = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), 'utf8');
const SAMPLE_PAGES = (parse(SAMPLE) as { pages: { number: number; name: string }[] }).pages;

let dir: string;
let file: string;
let preview: Preview;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  ({ dir, file, preview } = await serveIssue('banmian-serve-', SAMPLE));
});

after(() => closeServed({ dir, file, preview }, browser));

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(new URL(path, preview.url), (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('the preview listens on the loopback and serves nothing but its own routes', async () => {
  assert.match(preview.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/issue.yaml', '/page/9.png', '/page/x.png']) {
    assert.equal((await get(path)).status, 404, path);
  }
  const state = JSON.parse((await get('/state.json')).body) as { pages: { number: number }[]; errors: string[] };
  assert.deepEqual(state.pages.map((p) => p.number), SAMPLE_PAGES.map((p) => p.number));
  assert.deepEqual(state.errors, []);
});

test('the preview survives malformed requests and answers the next one', async () => {
  const { port } = new URL(preview.url);
  const garbage = ['\x00\xff\x13 GARBAGE\r\n\r\n', 'GET /' + 'a'.repeat(100_000) + ' HTTP/1.1\r\n\r\n', 'POST /state.json HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello', 'GET /page/1.png?overlay=%ZZ HTTP/1.1\r\nHost: x\r\n\r\n'];
  for (const bytes of garbage) {
    await new Promise<void>((done) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.end(bytes, 'latin1'));
      socket.on('data', () => undefined);
      socket.on('close', () => done());
      socket.on('error', () => done());
      socket.setTimeout(3000, () => socket.destroy());
    });
  }
  const state = await get('/state.json');
  assert.equal(state.status, 200);
});

const loaded = (p: Page, n: number) => p.waitForFunction((k) => document.querySelectorAll('#thumbs canvas').length >= k && document.querySelector('#view .sheet canvas') !== null, n, { timeout: 15000 });

test('in the browser: the pages appear, an edit recomposes them, a broken edit shows its error and keeps them', async (t) => {
  if (!existsSync(CHROMIUM)) return t.skip(NO_CHROMIUM);
  browser = await launchChromium();
  page = await browser.newPage();
  const count = SAMPLE_PAGES.length;
  assert.ok(count >= 2, 'the sample shows one page: the preview of several goes untested');
  const last = SAMPLE_PAGES[count - 1]!;
  await page.goto(preview.url);
  await loaded(page, count);
  const first = Number(await page.textContent('#version'));
  assert.equal(await page.getAttribute(`#thumbs figure[data-page="${last.number}"] canvas`, 'aria-label'), `第${last.number}版 ${last.name}`);

  // An edit: the last page is renamed 综合. The page reloads by itself.
  const renamed = SAMPLE.replace(new RegExp(`(number: ${last.number}\\n\\s+name: )${last.name}`), '$1综合');
  assert.notEqual(renamed, SAMPLE);
  writeFileSync(file, renamed);
  await page.waitForFunction((v) => Number(document.getElementById('version')!.textContent) > v, first, { timeout: 10000 });
  await page.waitForSelector(`#thumbs figure[data-page="${last.number}"] canvas[aria-label="第${last.number}版 综合"]`, { timeout: 10000 });
  await loaded(page, count);

  // A broken edit: the error with its position, and the pages stay.
  const broken = SAMPLE.replace('headline: 重庆成为2025年春晚分会场', 'headlin: 重庆成为2025年春晚分会场');
  writeFileSync(file, broken);
  const line = broken.slice(0, broken.indexOf('headlin:')).split('\n').length;
  await page.waitForSelector('#errors.shown', { timeout: 10000 });
  const error = await page.textContent('#errors');
  assert.match(error ?? '', new RegExp(`issue\\.yaml:${line}:\\d+: unknown key "headlin"`));
  await loaded(page, count);
  assert.match((await page.textContent('#status')) ?? '', /last good pages/);

  // Mended: the error goes.
  writeFileSync(file, SAMPLE);
  await page.waitForSelector('#errors.shown', { state: 'detached', timeout: 10000 });
  assert.equal(await page.textContent('#status'), 'composed');
});
