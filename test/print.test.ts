// What the printing plant's RIP checks before it accepts a page: the PDF/X-1a:2001 markers, the
// output intent with its profile, boxes, overprinting black text, and a file identifier that comes
// from the content. Read from the file itself with mupdf (and qpdf's own check where installed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import { parse, stringify } from 'yaml';
import { composeFile } from '../src/pipeline/compose.js';
import { ROOT } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');

let dir: string;
let bytes: Buffer;
let pdf: mupdf.PDFDocument;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-print-'));
  const { pdf: file } = await composeFile(SAMPLE, dir);
  bytes = readFileSync(file);
  pdf = mupdf.Document.openDocument(bytes, 'application/pdf') as mupdf.PDFDocument;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('PDF/X-1a:2001 identification: PDF 1.3, GTS keys, /Trapped as a name, dates, title, a trailer /ID', () => {
  assert.equal(bytes.subarray(0, 8).toString('latin1'), '%PDF-1.3');
  const trailer = pdf.getTrailer();
  const info = trailer.get('Info');
  assert.equal(info.get('GTS_PDFXVersion').asString(), 'PDF/X-1:2001');
  assert.equal(info.get('GTS_PDFXConformance').asString(), 'PDF/X-1a:2001');
  assert.ok(info.get('Trapped').isName(), '/Trapped is not a name');
  assert.equal(info.get('Trapped').asName(), 'False');
  for (const key of ['Title', 'CreationDate', 'ModDate']) assert.ok(info.get(key).isString(), `Info has no ${key}`);
  // The issue's date, not the clock: the bytes repeat.
  assert.match(info.get('CreationDate').asString(), /^D:20241225/);
  assert.equal(trailer.get('ID').length, 2);
});

test('one output intent, /S /GTS_PDFX: coldset newsprint, CGATS TR 002 registered at color.org, its CMYK output profile embedded', () => {
  const intents = pdf.getTrailer().get('Root').get('OutputIntents');
  assert.equal(intents.length, 1);
  const intent = intents.get(0);
  assert.equal(intent.get('S').asName(), 'GTS_PDFX');
  assert.equal(intent.get('OutputConditionIdentifier').asString(), 'CGATS TR 002');
  assert.equal(intent.get('RegistryName').asString(), 'http://www.color.org');
  assert.match(intent.get('OutputCondition').asString(), /newsprint.*TR 002/i);
  const icc = Buffer.from(intent.get('DestOutputProfile').readStream().asUint8Array());
  assert.equal(icc.subarray(12, 16).toString('latin1'), 'prtr');
  assert.equal(icc.subarray(16, 20).toString('latin1'), 'CMYK');
  // The profile the repository builds from TR 002's data, byte for byte.
  assert.ok(icc.equals(readFileSync(join(ROOT, 'profiles', 'cgats-tr002-newsprint.icc'))), 'the embedded profile is profiles/cgats-tr002-newsprint.icc');
  assert.equal(intent.get('DestOutputProfile').get('N').asNumber(), 4);
});

// The GWG newspaper preflight profiles reject /UserUnit on a page; the default scale needs none.
test('no page carries /UserUnit', () => {
  for (let i = 0; i < pdf.countPages(); i++) assert.ok(pdf.loadPage(i).getObject().get('UserUnit').isNull(), `page ${i + 1} has /UserUnit`);
});

test('every page has a TrimBox and a BleedBox inside its MediaBox', () => {
  for (let i = 0; i < pdf.countPages(); i++) {
    const page = pdf.loadPage(i).getObject();
    const media = page.get('MediaBox').asJS() as number[];
    for (const key of ['TrimBox', 'BleedBox']) {
      const box = page.get(key).asJS() as number[];
      assert.equal(box.length, 4, `page ${i + 1} has no ${key}`);
      assert.ok(box[0]! >= media[0]! && box[1]! >= media[1]! && box[2]! <= media[2]! && box[3]! <= media[3]!, `${key} outside MediaBox`);
    }
  }
});

/** The operators of a page's content stream, with the graphics state and font size in force at each text show. */
function textShows(pageIndex: number): { size: number; state: string }[] {
  const page = pdf.loadPage(pageIndex).getObject();
  const streams = page.get('Contents');
  const text = (o: mupdf.PDFObject) => Buffer.from(o.readStream().asUint8Array()).toString('latin1');
  const raw = streams.isArray() ? Array.from({ length: streams.length }, (_, k) => text(streams.get(k))).join('\n') : text(streams);
  const shows: { size: number; state: string }[] = [];
  let state = '';
  let size = 0;
  for (const m of raw.matchAll(/\/(GS\w+) gs|\/\S+ ([\d.]+) Tf|\] TJ|\) Tj|> Tj/g)) {
    if (m[1]) state = m[1];
    else if (m[2]) size = Number(m[2]);
    else shows.push({ size, state });
  }
  return shows;
}

test('black text below 12 pt overprints (OP, op, OPM 1); headlines knock out', () => {
  const gs = pdf.loadPage(0).getObject().get('Resources').get('ExtGState');
  assert.equal(gs.get('GSop').get('OP').asBoolean(), true);
  assert.equal(gs.get('GSop').get('op').asBoolean(), true);
  assert.equal(gs.get('GSop').get('OPM').asNumber(), 1);
  assert.equal(gs.get('GSko').get('op').asBoolean(), false);
  let small = 0;
  let large = 0;
  for (let i = 0; i < pdf.countPages(); i++) {
    for (const s of textShows(i)) {
      if (s.size < 12) {
        small++;
        assert.equal(s.state, 'GSop', `${s.size} pt text does not overprint`);
      } else {
        large++;
        assert.equal(s.state, 'GSko', `${s.size} pt text overprints`);
      }
    }
  }
  // One show per run of glyphs on a baseline: hundreds of body lines, a few headline lines.
  assert.ok(small > 500 && large > 5, `${small} small and ${large} large text shows`);
});

test('the file identifier comes from the content: the same issue repeats it, an edit changes it', async () => {
  const again = readFileSync((await composeFile(SAMPLE, join(dir, 'again'))).pdf);
  assert.ok(again.equals(bytes), 'two runs differ');
  const edited = readFileSync(SAMPLE, 'utf8').replace('name: 要闻\n    layout: broadsheet\n    articles:', 'name: 综合\n    layout: broadsheet\n    articles:');
  assert.notEqual(edited, readFileSync(SAMPLE, 'utf8'));
  const file = join(ROOT, 'issues', `.print-test-${process.pid}.yaml`);
  writeFileSync(file, edited);
  try {
    const other = mupdf.Document.openDocument(readFileSync((await composeFile(file, dir)).pdf), 'application/pdf') as mupdf.PDFDocument;
    assert.notEqual(other.getTrailer().get('ID').get(0).toString(), pdf.getTrailer().get('ID').get(0).toString());
  } finally {
    rmSync(file, { force: true });
  }
});

test('qpdf finds no fault in the file', (t) => {
  const probe = spawnSync('qpdf', ['--version']);
  if (probe.error) return t.skip('qpdf is not installed (apt-get install qpdf; .ci/run does)');
  const r = spawnSync('qpdf', ['--check', join(dir, 'cqrb-2024-12-25.pdf')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /No syntax or stream encoding errors found/);
});

// ---------------------------------------------------------------------------
// Ink: what the plates will carry

const hasGhostscript = !spawnSync('gs', ['--version']).error;

/** Renders every page with Ghostscript into CMYK pixels; stderr must stay empty (no warnings). */
function renderCmyk(file: string, dpi: number): { pages: Uint8Array[]; stderr: string } {
  const out = join(dir, `render-${dpi}-%d.pam`);
  const r = spawnSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', `-r${dpi}`, '-sDEVICE=pamcmyk32', `-sOutputFile=${out}`, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pages: Uint8Array[] = [];
  for (let i = 1; i <= pdf.countPages(); i++) {
    const pam = readFileSync(out.replace('%d', String(i)));
    const header = pam.indexOf('ENDHDR\n') + 'ENDHDR\n'.length;
    pages.push(pam.subarray(header));
  }
  return { pages, stderr: r.stderr + r.stdout };
}

test('Ghostscript renders every page without a warning, and no pixel carries more than 240 % ink', (t) => {
  if (!hasGhostscript) return t.skip('Ghostscript is not installed (apt-get install ghostscript; .ci/run does)');
  const { pages, stderr } = renderCmyk(join(dir, 'cqrb-2024-12-25.pdf'), 50);
  assert.equal(stderr.trim(), '');
  let max = 0;
  let coloured = 0;
  for (const px of pages) {
    for (let i = 0; i + 3 < px.length; i += 4) {
      const total = px[i]! + px[i + 1]! + px[i + 2]! + px[i + 3]!;
      if (total > max) max = total;
      if (px[i]! + px[i + 1]! + px[i + 2]! > 0) coloured++;
    }
  }
  assert.ok(coloured > 1000, 'the sample shows no colour picture: the check would prove nothing');
  assert.ok((max / 255) * 100 <= 241, `a pixel carries ${((max / 255) * 100).toFixed(1)} % ink`);
});

test('text and rules print on the black plate only (Ghostscript inkcov of a page without pictures)', async (t) => {
  if (!hasGhostscript) return t.skip('Ghostscript is not installed (apt-get install ghostscript; .ci/run does)');
  // The sample without its picture slots: every mark left is text or a rule.
  const issue = parse(readFileSync(SAMPLE, 'utf8')) as { pages: { articles: { pictures?: unknown }[] }[] };
  for (const page of issue.pages) for (const a of page.articles) delete a.pictures;
  const text = stringify(issue);
  assert.ok(!text.includes('source:'), 'the fixture still has pictures');
  const file = join(dir, 'text-only.yaml');
  writeFileSync(file, text);
  const { pdf: out } = await composeFile(file, join(dir, 'text-only'));
  const r = spawnSync('gs', ['-q', '-dNOPAUSE', '-dBATCH', '-dSAFER', '-r50', '-sDEVICE=inkcov', '-o', '-', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 4).map(Number));
  assert.equal(rows.length, issue.pages.length, 'one inkcov row a page');
  for (const [c, m, y, k] of rows) {
    assert.deepEqual([c, m, y], [0, 0, 0]);
    assert.ok(k! > 0.01, 'nothing on the black plate');
  }
});
