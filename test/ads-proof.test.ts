// Advertisements on the desk's side: `compose proof` draws the advertiser's page where the PDF
// places it, and says in the space why a refused one is not there; `compose validate` opens each
// ad's file as compose does. The proofs are read back as pixels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { PANEL_INSET, adIssue, adLine, space, writeAd, writeAdDesk, type AdSpec } from './ad-files.js';
import { caseFolders } from './fixture.js';
import { buildIssue, issueAds } from '../src/pipeline/compose.js';
import { proofAds } from '../src/proof/ad.js';
import { proofPng } from '../src/proof/png.js';
import { runCompose } from './spawn.js';

/** The proofs' resolution: two pixels a point, so that the ad's centring (under a point) shows. */
const DPI = 144;
const PX_PER_PT = DPI / 72;
/** Pixels round the space where a frame's stroke or the ad's antialiased edge may differ. */
const EDGE = 2;
/** A pixel darker than this in every channel is ink, not a frame's grey or a label. */
const DARK = 100;

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'banmian-ads-proof-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const { folder: caseFolder } = caseFolders(() => work);
/** A folder with the issue text and its ads; returns the issue file. */
const desk = (text: string, ads: Record<string, AdSpec | string>) => writeAdDesk(caseFolder(), text, ads);

/** `compose proof` of the issue's only page into a folder of its own: the run and the PNG's bytes. */
async function proof(issue: string, out: string) {
  const run = await runCompose(['proof', issue, '--dpi', String(DPI), '-o', out]);
  const png = run.stdout.trim() ? readFileSync(run.stdout.trim()) : Buffer.alloc(0);
  return { ...run, png };
}

/** The proof's pixels, RGB, by pixel from the page's top-left. */
async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * 3;
    return [data[i], data[i + 1], data[i + 2]];
  };
  return { width: info.width, height: info.height, at };
}

/** Whether pixel (x, y) lies in the space grown by `grow` pixels each side. */
const inSpace = (x: number, y: number, grow: number) => {
  const [left, top] = [space.x * PX_PER_PT - grow, space.y * PX_PER_PT - grow];
  return x >= left && x < left + space.width * PX_PER_PT + 2 * grow && y >= top && y < top + space.height * PX_PER_PT + 2 * grow;
};
const isDark = (rgb: number[]) => rgb.every((v) => v < DARK);

test("a proof draws a good ad's page in its space, centred and unscaled, and nothing of it outside; two proofs are the same bytes", async () => {
  // 0.6 mm narrower and shorter than the space, as placed: centred with 0.85 pt of white each side.
  const shrink = 1.7;
  const text = adIssue('ads/good.pdf');
  const issue = await desk(text, { 'good.pdf': { width: space.width - shrink, height: space.height - shrink } });
  const drawn = await proof(issue, join(work, 'good-1'));
  assert.equal(drawn.code, 0, drawn.stderr);
  const again = await proof(issue, join(work, 'good-2'));
  assert.ok(drawn.png.length > 0 && drawn.png.equals(again.png), 'two proofs give identical PNG bytes');

  // The same page with the space declared but no file placed in it: the page round the space is the same.
  const bare = await desk(text.replace(', source: ads/good.pdf', ''), {});
  const white = await proof(bare, join(work, 'bare'));
  assert.equal(white.code, 0, white.stderr);
  const [ad, none] = await Promise.all([pixels(drawn.png), pixels(white.png)]);
  assert.deepEqual([ad.width, ad.height], [none.width, none.height]);
  let changedOutside = 0;
  const dark = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
  for (let y = 0; y < ad.height; y++) {
    for (let x = 0; x < ad.width; x++) {
      const rgb = ad.at(x, y);
      if (!inSpace(x, y, EDGE)) {
        if (rgb.some((v, k) => v !== none.at(x, y)[k])) changedOutside++;
      } else if (isDark(rgb)) {
        dark.left = Math.min(dark.left, x);
        dark.top = Math.min(dark.top, y);
        dark.right = Math.max(dark.right, x + 1);
        dark.bottom = Math.max(dark.bottom, y + 1);
      }
    }
  }
  assert.equal(changedOutside, 0, 'the ad changes no pixel outside its space');
  // The 100 % K panel, inset from the ad's trim, itself centred in the space: its edges within a pixel.
  const inset = shrink / 2 + PANEL_INSET;
  const panel = { left: space.x + inset, top: space.y + inset, right: space.x + space.width - inset, bottom: space.y + space.height - inset };
  for (const side of ['left', 'top', 'right', 'bottom'] as const) {
    const expected = panel[side] * PX_PER_PT;
    assert.ok(Math.abs(dark[side] - expected) <= 1, `the panel's ${side} edge: ${dark[side]} px, not ${expected.toFixed(1)}`);
  }
  // Between the panel and the trim, the 30 % K tint: a light grey, not the bare space's.
  const [tx, ty] = [Math.round((panel.left - PANEL_INSET / 2) * PX_PER_PT), Math.round((space.y + space.height / 2) * PX_PER_PT)];
  const tint = ad.at(tx, ty);
  assert.ok(tint.every((v) => v > DARK && v < 215), `the tint is drawn grey: ${tint}`);
  assert.notDeepEqual(tint, none.at(tx, ty));
});

test('a proof of a page whose ad is refused has the finding at the space and says why in the space, which shows none of the ad', async () => {
  const text = adIssue('ads/rgb.pdf');
  const issue = await desk(text, { 'rgb.pdf': { width: space.width, height: space.height, colour: 'rgb' } });
  const run = await proof(issue, join(work, 'rgb'));
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0], new RegExp(`issue\\.yaml:${adLine(text)}:\\d+: error: ad-preflight .*ad "招聘" \\(ads/rgb\\.pdf; .*colour: .*RGB`));
  const { width, height, at } = await pixels(run.png);
  let ink = 0;
  let red = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inSpace(x, y, 0)) continue;
      const [r, g, b] = at(x, y);
      if (isDark([r, g, b])) ink++;
      if (r > 150 && g < 80 && b < 80) red++;
    }
  }
  assert.equal(ink, 0, 'nothing of the refused ad is drawn');
  assert.ok(red > 20, `the reason is written in the space (${red} red pixels)`);
});

test('an ad pdf.js cannot draw is a warning at its space, and the proof says so in the space', async () => {
  const issue = await desk(adIssue('ads/good.pdf'), { 'good.pdf': { width: space.width, height: space.height } });
  const built = await buildIssue(issue);
  const ads = await issueAds(built);
  assert.ok(ads && ads.placed.size === 1 && ads.findings.length === 0, 'the ad is placed');
  // The prepared file's bytes lost after preparation: what pdf.js gets is no PDF.
  for (const ad of ads.placed.values()) ad.bytes = Buffer.from('%PDF-1.3\n');
  const page = built.composition.pages[0];
  const shown = await proofAds(page, ads, DPI);
  assert.equal(shown.findings.length, 1);
  const [warning] = shown.findings;
  assert.equal(warning.code, 'ad-proof');
  assert.equal(warning.blocking, false);
  assert.equal(warning.pos?.line, adLine(readFileSync(issue, 'utf8')));
  assert.match(warning.message, /ad "招聘" \(ads\/good\.pdf; .*pdf\.js cannot draw it/);
  const png = await proofPng(page, built.fonts, built.pictures.images, built.composition.findings, new Set(), DPI, shown.ads);
  const { width, height, at } = await pixels(png);
  let red = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inSpace(x, y, 0) && at(x, y)[0] > 150 && at(x, y)[1] < 80) red++;
  assert.ok(red > 20, `the space says the ad is not drawn (${red} red pixels)`);
});

test("validate opens each ad's file: missing, not a PDF, encrypted, several pages without page:, no such page, each at its source; the plant's checks stay compose's", async () => {
  const dir = join(work, 'validate');
  mkdirSync(join(dir, 'ads'), { recursive: true });
  const size = { width: space.width, height: space.height };
  await writeAd(join(dir, 'ads', 'two.pdf'), { ...size, pages: 2 });
  await writeAd(join(dir, 'ads', 'locked.pdf'), { ...size, password: 'secret' });
  await writeAd(join(dir, 'ads', 'rgb.pdf'), { ...size, colour: 'rgb' });
  writeFileSync(join(dir, 'ads', 'text.pdf'), 'not a PDF at all\n');
  const cases: [string, string, RegExp | undefined][] = [
    ['none', adIssue('ads/none.pdf'), /error: advertisement ads\/none\.pdf not found/],
    ['text', adIssue('ads/text.pdf'), /error: advertisement ads\/text\.pdf is not a readable PDF/],
    ['locked', adIssue('ads/locked.pdf'), /error: advertisement ads\/locked\.pdf is encrypted/],
    ['two', adIssue('ads/two.pdf'), /error: advertisement ads\/two\.pdf has 2 pages; say which to place with page: N/],
    ['past', adIssue('ads/two.pdf', ', page: 3'), /error: advertisement ads\/two\.pdf has 2 pages, no page 3/],
    // An RGB file opens: refusing it is the preflight's, which validate does not run.
    ['rgb', adIssue('ads/rgb.pdf'), undefined],
    ['second', adIssue('ads/two.pdf', ', page: 2'), undefined],
  ];
  for (const [name, text] of cases) writeFileSync(join(dir, `${name}.yaml`), text);
  const run = await runCompose(['validate', ...cases.map(([name]) => join(dir, `${name}.yaml`)), '--color', 'never']);
  assert.equal(run.code, 2, run.stderr);
  const problems = run.stderr.trim().split('\n');
  for (const [name, text, message] of cases) {
    const mine = problems.filter((l) => l.includes(`${name}.yaml:`));
    if (!message) {
      assert.deepEqual(mine, [], `${name}: ${run.stderr}`);
      assert.match(run.stdout, new RegExp(`^ok  .*${name}\\.yaml$`, 'm'));
      continue;
    }
    assert.equal(mine.length, 1, `${name}: ${run.stderr}`);
    assert.match(mine[0], new RegExp(`${name}\\.yaml:${adLine(text)}:\\d+: `));
    assert.match(mine[0], message);
  }
});
