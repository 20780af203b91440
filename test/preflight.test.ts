// The preflight must catch what a plant's RIP rejects. Each test breaks one thing in a good PDF of
// ours (with pdf-lib, the way a client's advertisement might arrive) and expects that finding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, StandardFonts, cmyk } from 'pdf-lib';
import sharp from 'sharp';
import { composeFile } from '../src/pipeline/compose.js';
import { profileFromLayout } from '../src/cli/preflight.js';
import { preflight, type PreflightCheck, type PreflightReport } from '../src/preflight/preflight.js';
import { ROOT, runCompose } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const PROFILE = profileFromLayout('broadsheet', true);

let dir: string;
let good: Buffer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-preflight-'));
  good = readFileSync((await composeFile(SAMPLE, dir)).pdf);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The good PDF with one change made through pdf-lib, saved as PDF 1.3 would be (no object streams). */
async function broken(change: (doc: PDFDocument) => Promise<void> | void, options: { pages?: number } = {}): Promise<Buffer> {
  const doc = await PDFDocument.load(good, { updateMetadata: false });
  // The sample is one page: a check of every page gets more of them, copies of the first.
  while (doc.getPageCount() < (options.pages ?? 1)) {
    const [copy] = await doc.copyPages(doc, [0]);
    doc.addPage(copy!);
  }
  await change(doc);
  return Buffer.from(await doc.save({ useObjectStreams: false, updateFieldAppearances: false }));
}

function expectFinding(r: PreflightReport, check: PreflightCheck, pattern: RegExp, severity: 'error' | 'warning' = 'error', page?: number): void {
  const hit = r.findings.find((f) => f.check === check && f.severity === severity && pattern.test(f.message) && (page === undefined || f.page === page));
  assert.ok(hit, `no ${severity} ${check} ${pattern}${page === undefined ? '' : ` on page ${page}`}: ${JSON.stringify(r.findings)}`);
  if (severity === 'error') assert.equal(r.pass, false);
}

test('our sample passes, as PDF/X-1a:2001, with nothing to report', async () => {
  const r = await preflight(good, 'sample.pdf', PROFILE);
  assert.deepEqual(r.findings, []);
  assert.equal(r.pass, true);
  assert.equal(r.claims, 'PDF/X-1:2001');
  // The sample with its page twice, which the tests that break a second page start from: nothing
  // found but the PDF version pdf-lib writes on every file it saves.
  const twice = await preflight(await broken(() => {}, { pages: 2 }), 'twice.pdf', PROFILE);
  assert.deepEqual(twice.findings.filter((f) => !(f.check === 'pdfx' && /^PDF 1\.\d is newer than/.test(f.message))), []);
});

test('the front sample passes too, its pictures made afresh: saturated ones keep within the ink limit once encoded', async () => {
  const cache = process.env.BANMIAN_CACHE;
  process.env.BANMIAN_CACHE = join(dir, 'fresh-cache');
  try {
    const pdf = readFileSync((await composeFile(join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml'), join(dir, 'front'))).pdf);
    const r = await preflight(pdf, 'front.pdf', profileFromLayout('tabloid', true));
    assert.deepEqual(r.findings, []);
  } finally {
    if (cache === undefined) delete process.env.BANMIAN_CACHE;
    else process.env.BANMIAN_CACHE = cache;
  }
});

test('an RGB image is an error', async () => {
  const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#d04020' } }).png().toBuffer();
  const bytes = await broken(async (doc) => {
    const img = await doc.embedPng(png);
    doc.getPage(1).drawImage(img, { x: 60, y: 60, width: 100, height: 75 });
  }, { pages: 2 });
  expectFinding(await preflight(bytes, 'rgb.pdf', PROFILE), 'colour', /image .* in RGB/, 'error', 2);
});

test('a font that is not embedded is an error', async () => {
  const bytes = await broken(async (doc) => {
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.getPage(0).drawText('Banmian', { x: 60, y: 30, size: 9, font, color: cmyk(0, 0, 0, 1) });
  });
  expectFinding(await preflight(bytes, 'font.pdf', PROFILE), 'fonts', /Helvetica is not embedded/);
});

test('a missing output intent is an error', async () => {
  const bytes = await broken((doc) => void doc.catalog.delete(PDFName.of('OutputIntents')));
  expectFinding(await preflight(bytes, 'intent.pdf', PROFILE), 'pdfx', /0 GTS_PDFX output intents/);
});

test('a vector colour over the ink limit is an error, and a gray picture at 7 ppi is too (below the newspaper 100)', async () => {
  const jpeg = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#808080' } }).toColourspace('b-w').jpeg().toBuffer();
  const bytes = await broken(async (doc) => {
    doc.getPage(0).drawRectangle({ x: 60, y: 60, width: 20, height: 20, color: cmyk(1, 1, 1, 1) });
    const img = await doc.embedJpg(jpeg);
    doc.getPage(0).drawImage(img, { x: 100, y: 60, width: 200, height: 200 });
  });
  const r = await preflight(bytes, 'ink.pdf', PROFILE);
  expectFinding(r, 'ink', /400 % ink/);
  expectFinding(r, 'images', /has 7 ppi, below 100/);
});

test('transparency in PDF/X-1a is an error; small black text that knocks out is a warning', async () => {
  const bytes = await broken(async (doc) => {
    doc.getPage(0).drawRectangle({ x: 60, y: 60, width: 20, height: 20, color: cmyk(0, 0, 0, 1), opacity: 0.5 });
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.getPage(1).drawText('Banmian', { x: 60, y: 30, size: 8, font, color: cmyk(0, 0, 0, 1) });
  }, { pages: 2 });
  const r = await preflight(bytes, 'alpha.pdf', PROFILE);
  expectFinding(r, 'transparency', /uses transparency/, 'error', 1);
  expectFinding(r, 'overprint', /does not overprint/, 'warning', 2);
});

test('a page whose trim is not the layout’s is an error when the layout is named', async () => {
  const bytes = await broken((doc) => void doc.getPage(0).node.set(PDFName.of('TrimBox'), doc.context.obj([0, 0, 800, 1100])));
  expectFinding(await preflight(bytes, 'trim.pdf', PROFILE), 'boxes', /trim 282\.2 × 388\.1 mm, the layout's is 390\.0 × 545\.0 mm/);
});

test('the command: exit 0 for a good file, 1 for a broken one, 2 for a file that is no PDF; --json for the pipeline', async () => {
  const intentless = join(dir, 'intentless.pdf');
  writeFileSync(intentless, await broken((doc) => void doc.catalog.delete(PDFName.of('OutputIntents'))));
  const notPdf = join(dir, 'not.pdf');
  writeFileSync(notPdf, 'just text');
  const sample = join(dir, 'cqrb-2024-12-25.pdf');
  const [ok, bad, unreadable, json] = await Promise.all([
    runCompose(['preflight', sample]),
    runCompose(['preflight', sample, intentless]),
    runCompose(['preflight', sample, notPdf]),
    runCompose(['preflight', '--json', intentless]),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^PASS {2}.*cqrb-2024-12-25\.pdf {2}\(PDF\/X-1:2001\)$/m);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /^FAIL {2}.*intentless\.pdf/m);
  assert.match(bad.stdout, /error +pdfx +output-intent +0 GTS_PDFX output intents/);
  assert.equal(unreadable.code, 2);
  assert.match(unreadable.stdout, /^UNREADABLE {2}.*not\.pdf: not a readable PDF/m);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout) as { reports: PreflightReport[]; unreadable: string[] };
  assert.equal(report.reports.length, 1);
  assert.equal(report.reports[0]!.pass, false);
  assert.ok(report.reports[0]!.findings.some((f) => f.check === 'pdfx'));
});
