// Advertisements placed into ad spaces: advertisers' PDFs written at test time (a good PDF/X-1a in
// black only, one in RGB, one of the wrong size, and files a desk cannot use), placed into an ad
// space of a tabloid page. What lands is read back from our PDF: where the ad's form is drawn, the
// plates its pixels print on, the renditions' identifiers and dates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { ptToMm } from '../src/layout/units.js';
import { PANEL_INSET, PROFILE, adIssue, adLine, space, writeAdDesk, type AdSpec } from './ad-files.js';
import { caseFolders } from './fixture.js';
import { runCompose } from './spawn.js';

let work: string;
const { folder: caseFolder } = caseFolders(() => work);
/** The X-4 page with the good ad, as the inkcov test composed it. */
let placedX4: Buffer | undefined;
/** Writes the issue text (and any ads) into a folder of its own and composes it with the command. */
async function compose(text: string, ads: Record<string, AdSpec | string | Buffer>, args: string[] = []) {
  const dir = caseFolder();
  const issue = await writeAdDesk(dir, text, ads);
  const run = await runCompose([issue, '-o', join(dir, 'out'), '-q', ...args]);
  const pdf = join(dir, 'out', 'issue.pdf');
  return { ...run, issue, pdf, bytes: () => readFileSync(pdf) };
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'banmian-ads-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

const SPACE_SIZE = { width: space.width, height: space.height };

/** The forms the page draws, each with the rectangle its bounding box takes on the page, pt from the top-left. */
function drawnForms(bytes: Buffer): { name: string; rect: [number, number, number, number] }[] {
  const pdf = mupdf.Document.openDocument(bytes, 'application/pdf') as mupdf.PDFDocument;
  const page = pdf.loadPage(0).getObject();
  const content = Buffer.from(page.get('Contents').readStream().asUint8Array()).toString('latin1');
  const forms: { name: string; rect: [number, number, number, number] }[] = [];
  // pdfkit's page flips y once at its start; each ad is drawn in a q … cm /Name Do Q of its own.
  for (const m of content.matchAll(/q [^Q]*?1 0 0 -1 ([-\d.]+) ([-\d.]+) cm \/(\w+) Do Q/g)) {
    const [e, f] = [Number(m[1]), Number(m[2])];
    const form = page.get('Resources').get('XObject').get(m[3]);
    assert.equal(form.get('Subtype').asName(), 'Form');
    const bbox = [0, 1, 2, 3].map((i) => form.get('BBox').get(i).asNumber());
    // The flipped page: x' = u + e, y' (from the top) = f - v.
    forms.push({ name: m[3], rect: [bbox[0] + e, f - bbox[3], bbox[2] + e, f - bbox[1]] });
  }
  return forms;
}

/** The page rendered in CMYK by mupdf at `dpi`: samples of one pixel, 0–255 per ink. */
function cmykAt(bytes: Buffer, dpi: number) {
  const doc = mupdf.Document.openDocument(bytes, 'application/pdf');
  const scale = dpi / 72;
  // As a plate setter separates: DeviceCMYK stays as it is, not converted through the output intent.
  mupdf.disableICC();
  const pix = doc.loadPage(0).toPixmap(mupdf.Matrix.scale(scale, scale), mupdf.ColorSpace.DeviceCMYK, false);
  mupdf.enableICC();
  const samples = pix.getPixels();
  const width = pix.getWidth();
  const n = pix.getNumberOfComponents();
  return (xPt: number, yPt: number) => {
    const i = (Math.floor(yPt * scale) * width + Math.floor(xPt * scale)) * n;
    return [samples[i], samples[i + 1], samples[i + 2], samples[i + 3]];
  };
}

test('a good ad lands inside its space, centred and unscaled, its black on the black plate only; two runs give the same bytes', async () => {
  // 0.6 mm narrower and shorter than the space: inside the layout's 1 mm, so placed and centred.
  const shrink = 1.7;
  const ad = { width: space.width - shrink, height: space.height - shrink };
  const text = adIssue('ads/good.pdf');
  const run = await compose(text, { 'good.pdf': ad });
  assert.equal(run.code, 0, run.stderr);
  const first = run.bytes();
  const againDir = caseFolder('-again');
  const again = await runCompose([run.issue, '-o', againDir, '-q']);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(first.equals(readFileSync(join(againDir, 'issue.pdf'))), 'two runs give identical bytes');

  const forms = drawnForms(first);
  assert.equal(forms.length, 1, 'one form drawn');
  const [x0, y0, x1, y1] = forms[0].rect;
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 0.01, `${what}: ${a} ≠ ${b}`);
  near(x1 - x0, ad.width, 'unscaled across');
  near(y1 - y0, ad.height, 'unscaled down');
  near(x0 - space.x, space.x + space.width - x1, 'centred across');
  near(y0 - space.y, space.y + space.height - y1, 'centred down');
  assert.ok(x0 >= space.x && x1 <= space.x + space.width && y0 >= space.y && y1 <= space.y + space.height, 'inside the space');

  // The pixels: the panel is 100 % K and nothing else; the tint is K only; outside the ad, nothing.
  const at = cmykAt(first, 72);
  const mid = [space.x + space.width / 2, space.y + space.height / 2] as const;
  assert.deepEqual(at(mid[0], mid[1]), [0, 0, 0, 255], 'the panel prints 100 % K alone');
  const tint = at(x0 + PANEL_INSET / 2, mid[1]);
  assert.deepEqual(tint.slice(0, 3), [0, 0, 0], 'the tint prints on the black plate only');
  assert.ok(Math.abs(tint[3] - 0.3 * 255) < 4, `the tint is 30 % K, not ${tint[3]}`);
  assert.deepEqual(at(space.x + space.width / 2, space.y + space.height + 3), [0, 0, 0, 0], 'nothing below the space');
});

test('Ghostscript finds the page with a placed ad on the black plate only (inkcov)', { skip: spawnSync('gs', ['--version']).error ? 'Ghostscript is not installed (apt-get install ghostscript; .ci/run does)' : false }, async () => {
  const run = await compose(adIssue('ads/good.pdf'), { 'good.pdf': SPACE_SIZE }, ['--pdfx', 'PDF/X-4']);
  assert.equal(run.code, 0, run.stderr);
  placedX4 = run.bytes();
  const r = spawnSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r50', '-sDEVICE=inkcov', '-o', '-', run.pdf], { encoding: 'utf8' });
  const [c, m, y, k] = r.stdout.trim().split(/\s+/).slice(0, 4).map(Number);
  assert.deepEqual([c, m, y], [0, 0, 0], `C, M, Y coverage: ${r.stdout}`);
  assert.ok(k > 0.05, `the ad's black is on the black plate: ${r.stdout}`);
});

test('an RGB ad is refused by preflight, named with its file and the space; the space stays white', async () => {
  const text = adIssue('ads/rgb.pdf');
  const run = await compose(text, { 'rgb.pdf': { ...SPACE_SIZE, colour: 'rgb' } });
  assert.equal(run.code, 1, run.stderr);
  const refusal = run.stderr.split('\n').filter((l) => /^\S+:\d+:\d+: error: ad-preflight/.test(l));
  assert.ok(refusal.length >= 1, run.stderr);
  assert.match(refusal[0], /ad "招聘" \(ads\/rgb\.pdf; space at [^)]*issue\.yaml:\d+:\d+\): colour: .*RGB/);
  assert.match(refusal[0], new RegExp(`issue\\.yaml:${adLine(text)}:`));
  assert.equal(drawnForms(run.bytes()).length, 0, 'no form drawn');
  const at = cmykAt(run.bytes(), 72);
  assert.deepEqual(at(space.x + space.width / 2, space.y + space.height / 2), [0, 0, 0, 0], 'the space is white');
});

test('an ad of the wrong size is refused with ad-size, both sizes in mm', async () => {
  const wrong = { width: space.width, height: space.height - 20 };
  const run = await compose(adIssue('ads/small.pdf'), { 'small.pdf': wrong });
  assert.equal(run.code, 1, run.stderr);
  const line = run.stderr.split('\n').find((l) => /^\S+:\d+:\d+: error: ad-size/.test(l));
  assert.ok(line, run.stderr);
  const mm = (pt: number) => ptToMm(pt).toFixed(1);
  assert.ok(line.includes(`${mm(wrong.width)} × ${mm(wrong.height)} mm`) && line.includes(`${mm(space.width)} × ${mm(space.height)} mm`), line);
  assert.equal(drawnForms(run.bytes()).length, 0, 'no form drawn');
});

test('a file the desk cannot use is one line at its source, exit 2: missing, not a PDF, encrypted, several pages without page:', async () => {
  const cases: [string, Record<string, AdSpec | string>, RegExp][] = [
    ['ads/none.pdf', {}, /advertisement ads\/none\.pdf not found/],
    ['ads/text.pdf', { 'text.pdf': 'not a PDF at all\n' }, /advertisement ads\/text\.pdf is not a readable PDF/],
    ['ads/locked.pdf', { 'locked.pdf': { ...SPACE_SIZE, password: 'secret' } }, /advertisement ads\/locked\.pdf is encrypted; ask the advertiser for the file without a password/],
    ['ads/two.pdf', { 'two.pdf': { ...SPACE_SIZE, pages: 2 } }, /advertisement ads\/two\.pdf has 2 pages; say which to place with page: N/],
  ];
  const runs = await Promise.all(cases.map(([source, ads]) => compose(adIssue(source), ads)));
  for (const [k, [source, , message]] of cases.entries()) {
    const text = adIssue(source);
    const run = runs[k];
    assert.equal(run.code, 2, `${source}: ${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], new RegExp(`issue\\.yaml:${adLine(text)}:\\d+: `));
    assert.match(lines[0], message);
  }
});

test('page: N takes that page of a file of several; a page it has not is exit 2', async () => {
  const two = { ...SPACE_SIZE, pages: 2 };
  const ok = await compose(adIssue('ads/two.pdf', ', page: 2'), { 'two.pdf': two });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(drawnForms(ok.bytes()).length, 1);
  const past = await compose(adIssue('ads/two.pdf', ', page: 3'), { 'two.pdf': two });
  assert.equal(past.code, 2, past.stderr);
  assert.match(past.stderr, /has 2 pages, no page 3/);
});

/** Ghostscript's PDF/X definition file, where Ghostscript is installed. */
function pdfxDefinition(): string | undefined {
  if (spawnSync('gs', ['--version']).error) return undefined;
  const root = '/usr/share/ghostscript';
  const found = existsSync(root) ? readdirSync(root).map((v) => join(root, v, 'lib', 'PDFX_def.ps')).find((f) => existsSync(f)) : undefined;
  return found;
}

test('an ad made by Ghostscript (PDF/X-3, an embedded font, a CMYK image) is placed with its text in PDF/X-4 and refused for PDF/X-1a', { skip: pdfxDefinition() ? false : 'Ghostscript and its PDFX_def.ps are not installed (apt-get install ghostscript; .ci/run does)' }, async () => {
  const dir = join(work, 'ghostscript');
  mkdirSync(dir, { recursive: true });
  // Ghostscript's own definition, its profile the plant's.
  writeFileSync(join(dir, 'pdfx.ps'), readFileSync(pdfxDefinition()!, 'latin1').replace(/\/ICCProfile \([^)]*\)/, `/ICCProfile (${PROFILE})`), 'latin1');
  const image = Array.from({ length: 32 * 32 }, (_, i) => `000000${(((i % 32) * 8) & 0xff).toString(16).padStart(2, '0')}`).join('');
  writeFileSync(
    join(dir, 'ad.ps'),
    `%!PS
<< /PageSize [${space.width} ${space.height}] >> setpagedevice
[ /TrimBox [0 0 ${space.width} ${space.height}] /PAGE pdfmark
0 0 0 0.2 setcmykcolor 0 0 ${space.width} ${space.height} rectfill
0 0 0 1 setcmykcolor /Helvetica-Bold findfont 36 scalefont setfont 30 200 moveto (SALE 50%) show
gsave 30 30 translate 10 10 scale 32 32 8 [32 0 0 32 0 0] {<${image}>} false 4 colorimage grestore
showpage
`,
  );
  const made = spawnSync('gs', ['-q', '-dPDFX', '-dBATCH', '-dNOPAUSE', '-dNOSAFER', '-sDEVICE=pdfwrite', '-sColorConversionStrategy=CMYK', '-dEmbedAllFonts=true', `-sOutputFile=${join(dir, 'ad.pdf')}`, join(dir, 'pdfx.ps'), join(dir, 'ad.ps')], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const ad = readFileSync(join(dir, 'ad.pdf'));
  const placed = await compose(adIssue('ads/gs.pdf'), { 'gs.pdf': ad }, ['--pdfx', 'PDF/X-4']);
  assert.equal(placed.code, 0, placed.stderr);
  assert.equal(drawnForms(placed.bytes()).length, 1);
  const text = mupdf.Document.openDocument(placed.bytes(), 'application/pdf').loadPage(0).toStructuredText('preserve-whitespace').asText();
  assert.match(text, /SALE 50%/, "the ad's text is in the page, its font embedded with it");
  const refused = await compose(adIssue('ads/gs.pdf'), { 'gs.pdf': ad });
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /error: ad-preflight .*the file is PDF\/X-3:2002, and this page goes to the plant as PDF\/X-1a/);
});

test('the X-1a and X-4 renditions of one issue have distinct /IDs, each the same run to run; in X-4 the XMP dates are Info\'s', async () => {
  const text = adIssue('ads/good.pdf');
  const x1a = await compose(text, { 'good.pdf': SPACE_SIZE });
  const x4 = await compose(text, { 'good.pdf': SPACE_SIZE }, ['--pdfx', 'PDF/X-4']);
  assert.equal(x1a.code, 0, x1a.stderr);
  assert.equal(x4.code, 0, x4.stderr);
  const trailerOf = (bytes: Buffer) => (mupdf.Document.openDocument(bytes, 'application/pdf') as mupdf.PDFDocument).getTrailer();
  const idOf = (bytes: Buffer) => Buffer.from(trailerOf(bytes).get('ID').get(0).asString(), 'latin1').toString('hex');
  assert.notEqual(idOf(x1a.bytes()), idOf(x4.bytes()), 'the renditions share no /ID');
  // The same rendition of the same issue, from the inkcov test's run where it ran: the same bytes, so the same /ID.
  if (placedX4) assert.ok(placedX4.equals(x4.bytes()), 'X-4 gives the same bytes run to run');

  const trailer = trailerOf(x4.bytes());
  const xmp = Buffer.from(trailer.get('Root').get('Metadata').readStream().asUint8Array()).toString('utf8');
  const info = trailer.get('Info');
  const asXmp = (d: string) => `${d.slice(2, 6)}-${d.slice(6, 8)}-${d.slice(8, 10)}T${d.slice(10, 12)}:${d.slice(12, 14)}:${d.slice(14, 16)}Z`;
  assert.equal(xmp.match(/<xmp:CreateDate>([^<]+)</)?.[1], asXmp(info.get('CreationDate').asString()));
  assert.equal(xmp.match(/<xmp:ModifyDate>([^<]+)</)?.[1], asXmp(info.get('ModDate').asString()));
  assert.equal(xmp.match(/<xmp:MetadataDate>([^<]+)</)?.[1], asXmp(info.get('ModDate').asString()));
});
