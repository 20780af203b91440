// The preview a desk proofreads and lays out on, in a real browser: the pages are the PDF drawn by
// pdf.js, legible at 200 %, a clicked line names its place in the issue file, and a box dragged to
// other columns is written into the issue file and composed there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { inTurn } from '../src/pipeline/watch.js';
import type { Preview } from '../src/serve/server.js';
import { CHROMIUM, NO_CHROMIUM, closeServed, launchChromium, serveIssue } from './browser.js';
import type { LayerPage } from '../src/serve/layer.js';
import { readPdf } from './readback.js';
import { ROOT, runCompose } from './spawn.js';

/** Far beyond a build on a busy machine: only a preview that never shows the change reaches it. */
const WAIT = 60_000;
/** A box on the screen, in CSS pixels, as the browser measures it. */
type Rect = { x: number; y: number; width: number; height: number };
const SAMPLE = readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), 'utf8');
type SampleBlock = string | { subhead?: string };
type SampleArticle = { id: string; headline?: string | string[]; body?: SampleBlock[] };
const PAGES = (parse(SAMPLE) as { pages: { number: number; articles: SampleArticle[] }[] }).pages;
const article = (id: string) => PAGES.flatMap((p) => p.articles).find((a) => a.id === id)!;

// Page 2's foot story made four columns wide, so that two columns beside it stand empty to drag it into.
const MOVED = 'robotics-jump';
const NARROWED = '{column: 1, span: 4, line: 56, lines: bottom}';
const ISSUE = SAMPLE.replace('{column: 1, span: 6, line: 56, lines: bottom}', NARROWED);

let dir: string;
let file: string;
let preview: Preview;
let browser: Browser | undefined;
let page: Page;

before(async () => {
  assert.notEqual(ISSUE, SAMPLE, `the sample no longer places ${MOVED} as this test expects`);
  ({ dir, file, preview } = await serveIssue('banmian-preview-', ISSUE));
});

after(() => closeServed({ dir, file, preview }, browser));

async function browse(t: { skip(message: string): void }): Promise<boolean> {
  if (!existsSync(CHROMIUM)) {
    t.skip(NO_CHROMIUM);
    return false;
  }
  if (!browser) {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(preview.url);
  }
  return true;
}

/**
 * Waits until the sheet shown is page `number` at `zoom`, from build `version` or a later one, and
 * no other is being drawn to replace it: a sheet measured or dragged on is the one that stays.
 */
const shown = (number: number, zoom: string, version: number) =>
  page.waitForFunction(([n, z, v]) => {
    const view = document.getElementById('view')!;
    return view.dataset.page === String(n) && view.dataset.zoom === z && Number(view.dataset.version) >= v && !view.hasAttribute('aria-busy') && view.querySelector('.textLayer span') !== null;
  }, [number, zoom, version] as const, { timeout: WAIT });

const textLayer = () => page.evaluate(() => (document.querySelector('#view .textLayer')?.textContent ?? '').replace(/\s/g, ''));
const previewState = async (): Promise<{ version: number; layer: LayerPage[] }> => (await fetch(new URL('/state.json', preview.url))).json();
const layer = async (): Promise<LayerPage[]> => (await previewState()).layer;

/** The text layer's span holding `text`, by its box on the screen. */
async function spanBox(text: string) {
  const handle = page.locator('#view .textLayer span', { hasText: text }).first();
  const box = await handle.boundingBox();
  assert.ok(box, `no span of the text layer holds ${text}`);
  return box;
}

/** Page `number` shown at the fit zoom: the build it shows, that page's layer, and the scale from page points to the screen. */
async function openPage(number: number) {
  await page.click(`#thumbs figure[data-page="${number}"]`);
  const state = await previewState();
  await shown(number, 'fit', state.version);
  const before = state.layer.find((p) => p.number === number)!;
  const sheet = (await page.locator('#view .sheet').boundingBox())!;
  return { state, before, scale: sheet.width / before.width };
}

/**
 * The centre on the screen of a box's handle (`id` moves it, `grip` resizes it): at this zoom the
 * handles of the box under the pointer only are shown.
 */
async function handleOf(box: LayerPage['boxes'][number], scale: number, handle: 'id' | 'grip') {
  const sheet = (await page.locator('#view .sheet').boundingBox())!;
  await page.mouse.move(sheet.x + (box.x + box.width / 2) * scale, sheet.y + (box.y + box.height / 2) * scale);
  const at = (await page.locator(handle === 'id' ? '.tag.id-tag.movable.hover' : '.tag.grip.hover').boundingBox())!;
  return { x: at.x + at.width / 2, y: at.y + at.height / 2 };
}

test('the preview serves the PDF compose writes, and shows its pages drawn by pdf.js', async (t) => {
  const served = Buffer.from(await (await fetch(new URL('/issue.pdf', preview.url))).arrayBuffer());
  const run = await runCompose([file, '-o', join(dir, 'out'), '-q'], { ...process.env, BANMIAN_CACHE: join(dir, 'cache') });
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  assert.ok(served.equals(readFileSync(join(dir, 'out', 'issue.pdf'))), 'the preview draws other bytes than compose writes');

  if (!(await browse(t))) return;
  await shown(PAGES[0].number, 'fit', (await previewState()).version);
  // The page in view is drawn first, the thumbnails after it: a canvas per page.
  await page.waitForFunction((n) => document.querySelectorAll('#thumbs canvas').length === n, PAGES.length, { timeout: WAIT });
  assert.equal(await page.locator('#view .sheet canvas').count(), 1);
  // The view says how far the page is drawn: the text layer is filled in after the canvas is up.
  await page.waitForFunction(() => document.getElementById('view')!.dataset.drawn === 'text', undefined, { timeout: WAIT });
  const headline = String(article('state-council').headline).split(' ')[0];
  assert.ok((await textLayer()).includes(headline), `the text layer of page 1 lacks the headline ${headline}`);
});

test('zoomed to 200 % the page is drawn twice as large as at 100 %, its text in the text layer', async (t) => {
  if (!(await browse(t))) return;
  const canvasWidth = () => page.evaluate(() => (document.querySelector('#view .sheet canvas') as HTMLCanvasElement).width);
  await page.selectOption('#zoom', '100');
  await shown(PAGES[0].number, '100', 1);
  const at100 = await canvasWidth();
  await page.selectOption('#zoom', '200');
  await shown(PAGES[0].number, '200', 1);
  const at200 = await canvasWidth();
  assert.ok(Math.abs(at200 - 2 * at100) <= 2, `canvas ${at100} px wide at 100 %, ${at200} px at 200 %`);
  const headline = String(article('state-council').headline).split(' ')[0];
  assert.ok((await textLayer()).includes(headline));
  await page.selectOption('#zoom', 'fit');
  await shown(PAGES[0].number, 'fit', 1);
});

test('clicking a line names the line of its paragraph in the issue file, and the page stays as drawn', async (t) => {
  if (!(await browse(t))) return;
  const paragraph = article('commentary-jump').body![1] as string;
  const line = SAMPLE.slice(0, SAMPLE.indexOf(paragraph)).split('\n').length;
  const thumb = `#thumbs figure[data-page="${PAGES[1].number}"]`;
  await page.click(thumb);
  await shown(PAGES[1].number, 'fit', 1);
  const sheet = await page.locator('#view .sheet').elementHandle();
  const box = await spanBox(paragraph.slice(0, 4));
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  assert.match((await page.textContent('#source')) ?? '', new RegExp(`issue\\.yaml:${line}:\\d+ \\(commentary-jump\\)`));
  // The position shown beside the zoom leaves the page its room: choosing it again does not draw it anew.
  await page.click(thumb);
  await shown(PAGES[1].number, 'fit', 1);
  assert.ok(await sheet!.evaluate((node) => node.isConnected), 'the page was drawn anew at another size when the source position was shown');
});

test('a box dragged to other columns is written into the issue file and composed at its new place', async (t) => {
  if (!(await browse(t))) return;
  const number = PAGES[1].number;
  const { state, before, scale } = await openPage(number);
  const box = before.boxes.find((b) => b.article === MOVED && b.part === 0)!;
  const step = (before.grid.columnWidth + before.grid.gutter) * scale;
  const subhead = article(MOVED).body!.find((b): b is { subhead: string } => typeof b === 'object' && !!b.subhead)!.subhead;
  const from = await spanBox(subhead.slice(0, 4));

  // The id is the handle that moves the box.
  const { x, y } = await handleOf(box, scale, 'id');

  // Up into the stories above: refused, and why; the file is left as it was.
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y - 10 * before.grid.pitch * scale, { steps: 4 });
  assert.match((await page.textContent('#drop')) ?? '', /cannot go there: it would overlap article /);
  await page.mouse.move(x, y, { steps: 2 });
  // Two columns right, into the columns the narrowed box left empty.
  await page.mouse.move(x + 2 * step, y, { steps: 4 });
  await page.mouse.up();
  const dropped = performance.now();

  const placed = `{column: 3, span: 4, line: 56, lines: ${box.place.lines}}`;
  await page.waitForFunction(() => /placed at|not moved/.test(document.getElementById('drop')!.textContent ?? ''), undefined, { timeout: WAIT });
  const written = readFileSync(file, 'utf8');
  assert.equal(written, ISSUE.replace(NARROWED, placed), 'only the place was rewritten: comments, order and spacing kept');
  for (const comment of ISSUE.split('\n').filter((l) => l.trim().startsWith('#'))) assert.ok(written.includes(comment));
  await shown(number, 'fit', state.version + 1);
  t.diagnostic(`drop to the recomposed page drawn: ${Math.round(performance.now() - dropped)} ms`);
  const validate = await runCompose(['validate', file]);
  assert.equal(validate.code, 0, validate.stderr);
  const after = (await layer()).find((p) => p.number === number)!.boxes.find((b) => b.article === MOVED && b.part === 0)!;
  assert.deepEqual(after.place, { column: 3, span: 4, line: 56, lines: box.place.lines });
  const to = await spanBox(subhead.slice(0, 4));
  assert.ok(Math.abs(to.x - from.x - 2 * step) < 3, `the subhead stands ${to.x - from.x} px further right, two columns are ${2 * step} px`);
});

test('only the preview page may move a box: another origin, a bad place and an overlap are refused', async () => {
  const text = readFileSync(file, 'utf8');
  const post = (body: unknown, origin: string) => fetch(new URL('/place', preview.url), { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const own = new URL(preview.url).origin;
  const foreign = await post({ page: PAGES[1].number, article: MOVED, place: { column: 1, span: 1, line: 1, lines: 1 } }, 'http://example.com');
  assert.equal(foreign.status, 403);
  const bad = await post({ page: PAGES[1].number, article: MOVED, place: { column: 0, span: 1, line: 1, lines: 1 } }, own);
  assert.equal(bad.status, 400);
  // Page 1's briefs into the lead story's fixed box.
  const overlap = await post({ page: PAGES[0].number, article: 'briefs', place: { column: 1, span: 2, line: 20, lines: 5 } }, own);
  assert.equal(overlap.status, 409);
  assert.match(((await overlap.json()) as { refused: string }).refused, /issue\.yaml:\d+:\d+: .*overlaps/);
  assert.equal(readFileSync(file, 'utf8'), text, 'a refused place was written');
});

// The round-table feature's continuation (转版) on page 2, and the story that stands below it (`line: {below: roundtable}`).
const JUMPED = 'roundtable';
const BELOW = 'spring-gala';
/** Grid lines the continuation is made shorter by: more than the tabloid's hole-lines (8), so the white it leaves is a hole. */
const SHORTER = 9;

test('a continuation dragged shorter by its corner is written into its continued item; the story below it moves up, and the hole is among the findings shown', async (t) => {
  if (!(await browse(t))) return;
  const number = PAGES[1].number;
  const { state, before, scale } = await openPage(number);
  const jump = before.boxes.find((b) => b.article === JUMPED && b.part === 1)!;
  const under = before.boxes.find((b) => b.article === BELOW)!;
  const text = readFileSync(file, 'utf8');

  // The grip at its corner resizes the box.
  const { x, y } = await handleOf(jump, scale, 'grip');
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y - SHORTER * before.grid.pitch * scale, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => /placed at|not moved/.test(document.getElementById('drop')!.textContent ?? ''), undefined, { timeout: WAIT });

  const lines = jump.place.lines as number;
  const was = `{page: 2, place: {column: 1, span: 4, line: 1, lines: auto}`;
  assert.ok(text.includes(was), `the sample no longer continues ${JUMPED} as this test expects`);
  assert.equal(readFileSync(file, 'utf8'), text.replace(was, `{page: 2, place: {column: 1, span: 4, line: 1, lines: ${lines - SHORTER}}`), "only the continuation's place was rewritten");
  await shown(number, 'fit', state.version + 1);
  const after = await previewState();
  const boxes = after.layer.find((p) => p.number === number)!.boxes;
  assert.equal(boxes.find((b) => b.article === JUMPED && b.part === 1)!.place.lines, lines - SHORTER);
  const moved = boxes.find((b) => b.article === BELOW)!.place;
  assert.equal(moved.line, under.place.line - SHORTER, `${BELOW} did not move up with the box it stands below`);
  // The white the shorter box leaves opens at the foot of the story that moved up.
  const { findings } = (await (await fetch(new URL('/state.json', preview.url))).json()) as { findings: { code: string; page?: number; message: string; figures?: Record<string, number> }[] };
  const hole = findings.find((f) => f.code === 'hole' && f.page === number && f.figures?.firstColumn === 1 && f.figures.firstLine === moved.line + (moved.lines as number));
  assert.ok(hole, `no hole under ${BELOW} among the findings: ${findings.map((f) => f.message).join('; ')}`);
  await page.waitForFunction((m) => [...document.querySelectorAll('#findings li')].some((li) => li.textContent === 'hole: ' + m), hole.message, { timeout: WAIT });
  const overset = await page.locator('#articles tr', { hasText: JUMPED }).first().textContent();
  assert.match(overset ?? '', /超\d+字/, `the report beside the page does not say ${JUMPED} is overset now`);
});

test('a drop onto a box that stands only where make-up settled it is refused at its place, and nothing is written', async () => {
  const text = readFileSync(file, 'utf8');
  const own = new URL(preview.url).origin;
  const number = PAGES[1].number;
  const under = (await layer()).find((p) => p.number === number)!.boxes.find((b) => b.article === BELOW)!;
  // Into the story that stands below another: the issue fixes no line of it.
  const place = { column: under.place.column, span: 2, line: under.place.line + 1, lines: 3 };
  const res = await fetch(new URL('/place', preview.url), { method: 'POST', headers: { origin: own, 'content-type': 'application/json' }, body: JSON.stringify({ page: number, article: MOVED, place }) });
  assert.equal(res.status, 409);
  assert.match(((await res.json()) as { refused: string }).refused, new RegExp(`^\\S*issue\\.yaml:\\d+:\\d+: article "${MOVED}": it would overlap article ${BELOW} as page ${number} is composed`));
  // A continuation into it likewise.
  const part = await fetch(new URL('/place', preview.url), { method: 'POST', headers: { origin: own, 'content-type': 'application/json' }, body: JSON.stringify({ page: number, article: 'state-council', part: 1, place: { ...place, column: under.place.column + 2 } }) });
  assert.equal(part.status, 409);
  assert.match(((await part.json()) as { refused: string }).refused, new RegExp(`article "state-council" \\(part 2\\): it would overlap article ${BELOW}`));
  assert.equal(readFileSync(file, 'utf8'), text, 'a refused place was written');
});

test('a save written in two steps, the second while the first is composed, ends on the page as the second left it', async () => {
  const text = readFileSync(file, 'utf8');
  // The kicker of state-council: a line of its own.
  const from = '召开国务院常务会议审议';
  const to = '召开国务院全体会议审议';
  assert.equal(text.split(from).length, 2, `the sample's kicker no longer reads ${from}, once`);
  const edited = text.replace(from, to);
  const before = (await previewState()).version;
  // The first step leaves half the file, as an editor that writes in place does; the second comes
  // once the watch has settled on the first, while it is composed.
  writeFileSync(file, edited.slice(0, Math.floor(edited.length / 2)));
  await new Promise((r) => setTimeout(r, 40));
  writeFileSync(file, edited);
  const served = async () => {
    const state = (await (await fetch(new URL('/state.json', preview.url))).json()) as { version: number; errors: string[] };
    if (state.version <= before || state.errors.length) return false;
    const pdf = new Uint8Array(await (await fetch(new URL('/issue.pdf', preview.url))).arrayBuffer());
    return readPdf(pdf).some((p) => p.lines.some((l) => l.text.includes(to)));
  };
  const deadline = performance.now() + WAIT;
  while (!(await served())) {
    assert.ok(performance.now() < deadline, 'the preview stayed on the half-written file: the save after it was not composed');
    await new Promise((r) => setTimeout(r, 50));
  }
});

test("a save shows the changed part of the page as the composition's quick image first, noted as such, then pdf.js's drawing of the new PDF in its place", async (t) => {
  if (!(await browse(t))) return;
  const number = PAGES[0].number;
  const { before, scale } = await openPage(number);
  await page.waitForFunction(() => document.getElementById('view')!.dataset.drawn === 'text', undefined, { timeout: WAIT });
  const text = readFileSync(file, 'utf8');
  // Six characters of state-council's text that stand once in the issue file, two of them made others.
  const paragraph = article('state-council').body!.find((b): b is string => typeof b === 'string')!;
  const at = [...Array(paragraph.length - 6).keys()].find((i) => text.split(paragraph.slice(i, i + 6)).length === 2);
  assert.ok(at !== undefined, "no six characters of state-council's text stand once in the issue file");
  const from = paragraph.slice(at, at + 6);
  const to = '今日' + from.slice(2);
  const version = Number(await page.getAttribute('#view', 'data-version'));
  writeFileSync(file, text.replace(from, to));
  // Read in the frame the quick image is seen in: pdf.js's drawing may take its place at any time after.
  const seen = await page.waitForFunction((v) => {
    const view = document.getElementById('view')!;
    const images = view.querySelectorAll('.sheet img.proof');
    if (view.dataset.drawn !== 'image' || !(Number(view.dataset.proof) > v) || !images.length) return false;
    const rect = (e: Element) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    return { sheet: rect(view.querySelector('.sheet')!), image: rect(images[images.length - 1]), note: view.querySelector('.proof-note')?.textContent ?? '', version: Number(view.dataset.version) };
  }, version, { timeout: WAIT, polling: 'raf' });
  const { sheet, image, note, version: drawnVersion } = (await seen.jsonValue()) as { sheet: Rect; image: Rect; note: string; version: number };
  // The quick image lies on the sheet over the edited article, and says it is not yet the PDF.
  const box = before.boxes.find((b) => b.article === 'state-council')!;
  const onScreen = { x: sheet.x + box.x * scale, y: sheet.y + box.y * scale, width: box.width * scale, height: box.height * scale };
  assert.ok(image.x < onScreen.x + onScreen.width && image.x + image.width > onScreen.x && image.y < onScreen.y + onScreen.height && image.y + image.height > onScreen.y, `the quick image ${JSON.stringify(image)} does not lie over state-council ${JSON.stringify(onScreen)}`);
  assert.ok(image.x >= sheet.x - 1 && image.y >= sheet.y - 1 && image.x + image.width <= sheet.x + sheet.width + 1 && image.y + image.height <= sheet.y + sheet.height + 1, 'the quick image stands within the sheet');
  assert.match(note, /proof image/);
  // The view's version is still the one its text layer was drawn from.
  assert.equal(drawnVersion, version);
  await page.waitForFunction((v) => {
    const view = document.getElementById('view')!;
    return view.dataset.drawn === 'text' && Number(view.dataset.version) > v;
  }, version, { timeout: WAIT });
  assert.equal(await page.locator('#view .proof, #view .proof-note').count(), 0, 'the quick image stays up over the PDF drawn');
  assert.ok((await textLayer()).includes(to.slice(0, 4)), 'the text layer drawn is not the edited one');
});

test('saves made while a build runs are composed once more after it, all of them in one build', async () => {
  const started: number[] = [];
  const finish: (() => void)[] = [];
  const rebuild = inTurn(() => {
    started.push(started.length);
    return new Promise<void>((done) => finish.push(done));
  });
  const first = rebuild();
  await Promise.resolve();
  assert.deepEqual(started, [0]);
  // Three saves while the first build runs: one build after it reads what they left.
  const later = [rebuild(), rebuild(), rebuild()];
  assert.equal(new Set(later).size, 1, 'saves waiting their turn were given builds of their own');
  finish[0]();
  await first;
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1], 'the saves made during the first build were not composed after it');
  finish[1]();
  await later[0];
  assert.equal(started.length, 2);
});
