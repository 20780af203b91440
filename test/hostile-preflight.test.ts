// Preflight on the files a client might deliver: written byte by byte here (and encrypted by qpdf
// where it is installed), each broken in one way that once crashed or hung the check. Every run is
// the command as the desk runs it, bounded by a kill timeout only a real hang reaches, and judged by
// its exit code and the finding's page, object and message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { PreflightReport } from '../src/preflight/preflight.js';
import { assemble } from './pdfgen.js';
import { escapeRegExp, runCompose, type Run } from './spawn.js';

/** Far beyond any honest run, even on a busy machine: only a hang reaches it. */
const HANG = 60_000;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-hostile-preflight-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** `compose preflight …`, killed (code null) if it has not finished within HANG. */
const preflightRun = (args: string[], env: NodeJS.ProcessEnv = {}) => runCompose(['preflight', ...args], { ...process.env, ...env }, { timeout: HANG });

const pdfOf = (objects: (string | Buffer)[], trailer = '') => assemble(objects, '1.3', trailer);

function stream(dict: string, data: Buffer | string): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'latin1');
  return Buffer.concat([Buffer.from(`<< ${dict} /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]);
}

const CATALOG = '<< /Type /Catalog /Pages 2 0 R >>';
const PAGES = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const page = (resources = '') => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /TrimBox [0 0 200 200] /Contents 4 0 R /Resources << ${resources} >> >>`;
const INK = '0 0 0 1 k 10 10 50 50 re f';

/** One page that fills a square in black: objects 1–4, then any more. */
const onePage = (more: { page?: string; content?: Buffer; objects?: (string | Buffer)[]; trailer?: string } = {}) =>
  pdfOf([CATALOG, PAGES, more.page ?? page(), more.content ?? stream('', INK), ...(more.objects ?? [])], more.trailer);

function write(name: string, bytes: Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** The one file's block of the human report: its FAIL/PASS line and the findings under it. */
function blockOf(stdout: string, file: string): string {
  const m = stdout.match(new RegExp(`^(?:PASS|FAIL) {2}${escapeRegExp(file)}.*\\n(?: {2}.*\\n)*`, 'm'));
  assert.ok(m, `no report for ${file} in:\n${stdout}`);
  return m[0];
}

function assertFinding(run: Run, file: string, finding: RegExp): void {
  assert.ok(run.code !== null, `still running after ${HANG / 1000} s`);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.stderr, '');
  assert.match(blockOf(run.stdout, file), finding);
}

const ENCRYPTED = /^ {2}error +file +encrypted +encrypted: cannot be checked/m;

// Each case is its own child process: four at a time keep the file short on a busy machine.
describe('hostile PDFs', { concurrency: 4 }, () => {
  test('a file that declares encryption is one finding, not a crash: nothing else is claimed about it', async () => {
    // RC4, 40 bit, empty user password: the dictionary is all the check needs to see.
    const key = `<${'00'.repeat(32)}>`;
    const file = write('declared.pdf', onePage({ trailer: `/Encrypt << /Filter /Standard /V 1 /R 2 /O ${key} /U ${key} /P -4 >> /ID [<01> <01>] ` }));
    const run = await preflightRun([file]);
    assertFinding(run, file, ENCRYPTED);
    assert.equal(blockOf(run.stdout, file).trimEnd().split('\n').length, 3, run.stdout);
  });

  test('files encrypted by qpdf, AES-256 and RC4 with an empty user password, object streams too', async (t) => {
    if (spawnSync('qpdf', ['--version']).status !== 0) return t.skip('qpdf is not installed');
    const plain = write('plain.pdf', onePage({ content: stream('/Filter /FlateDecode', deflateSync(INK)) }));
    const files = [
      ['aes.pdf', ['--encrypt', '', 'owner', '256', '--']],
      ['aes-objstm.pdf', ['--object-streams=generate', '--encrypt', '', 'owner', '256', '--']],
      ['rc4.pdf', ['--allow-weak-crypto', '--encrypt', '', 'owner', '128', '--use-aes=n', '--']],
    ].map(([name, args]) => {
      const out = join(dir, name as string);
      const r = spawnSync('qpdf', [...(args as string[]), plain, out]);
      assert.ok(r.status === 0 || r.status === 3, r.stderr.toString());
      return out;
    });
    const run = await preflightRun(files);
    for (const file of files) assertFinding(run, file, ENCRYPTED);
  });

  test('a /Kids cycle in the page tree is a finding naming the node', async () => {
    const file = write('kids.pdf', pdfOf([CATALOG, '<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>', page(), stream('', INK)]));
    assertFinding(await preflightRun([file]), file, /^ {2}error +file +unreadable-part +the page tree reaches object 2 0 R a second time \(a \/Kids cycle/m);
  });

  test('a /Parent cycle above a page that inherits its boxes and resources ends in a finding, not a hang', async () => {
    // The page has no MediaBox or Resources of its own: they are looked for up a /Parent chain 2 → 5 → 2.
    const file = write('parent.pdf', pdfOf([CATALOG, '<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 5 0 R >>', '<< /Type /Page /Parent 2 0 R /TrimBox [0 0 200 200] /Contents 4 0 R >>', stream('', INK), '<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>']));
    assertFinding(await preflightRun([file]), file, /^ {2}error +file +unreadable-part +page 1: the \/Parent chain of a page comes back to object 2 0 R \(a cycle\)/m);
  });

  test('an Indexed colour space whose base is itself is a colour finding on its page', async () => {
    const file = write('indexed.pdf', onePage({ page: page('/ColorSpace << /CS0 5 0 R >>'), content: stream('', '/CS0 cs 0 sc 10 10 50 50 re f'), objects: ['[/Indexed 5 0 R 0 <00>]'] }));
    assertFinding(await preflightRun([file]), file, /^ {2}error +colour +bad-colour-space +page 1: a fill colour: an Indexed colour space on an Indexed base \(object 5 0 R\)/m);
  });

  test('a corrupt Flate stream is a finding naming its object; the rest of the file is still checked', async () => {
    const rgb = stream('', '1 0 0 rg 10 10 50 50 re f');
    const file = write('flate.pdf', pdfOf([CATALOG, PAGES, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /TrimBox [0 0 200 200] /Contents [4 0 R 5 0 R] >>', stream('/Filter /FlateDecode', Buffer.from('789c0102deadbeefdeadbeef', 'hex')), rgb]));
    const run = await preflightRun([file]);
    assertFinding(run, file, /^ {2}error +file +unreadable-part +page 1: object 4 0 R: its FlateDecode stream is corrupt/m);
    assert.match(blockOf(run.stdout, file), /^ {2}error +colour +rgb-vector +page 1: a fill colour in RGB$/m);
  });

  test('a stream that inflates past the limit is a finding, read no further than the limit', async () => {
    const file = write('bomb.pdf', onePage({ content: stream('/Filter /FlateDecode', deflateSync(Buffer.alloc(4 * 2 ** 20, 0x20))) }));
    assertFinding(await preflightRun([file], { BANMIAN_MAX_PDF_STREAM_BYTES: '65536' }), file, /^ {2}error +file +unreadable-part +page 1: object 4 0 R: its stream decodes to more than 65536 bytes \(BANMIAN_MAX_PDF_STREAM_BYTES\)/m);
  });

  test('a stray ] or >> in a content stream closes nothing: what follows is still checked', async () => {
    const file = write('stray.pdf', onePage({ content: stream('', '] >> ] 1 0 0 rg 10 10 50 50 re f') }));
    const run = await preflightRun([file]);
    assertFinding(run, file, /^ {2}error +colour +rgb-vector +page 1: a fill colour in RGB$/m);
    assert.doesNotMatch(run.stdout, /cannot be checked/);
  });

  test('forms nested deeper than any stack still give the file its report', async () => {
    const depth = 30_000;
    const forms = Array.from({ length: depth }, (_, i) => stream(`/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /F ${i + 6} 0 R >> >>`, '/F Do'));
    const file = write('deep.pdf', onePage({ page: page('/XObject << /F 5 0 R >>'), content: stream('', '0 0 0 1 k /F Do'), objects: forms }));
    assertFinding(await preflightRun([file]), file, /^ {2}error +file +check-stopped +the file cannot be checked further: /m);
  });

  test('a FIFO or a folder given as the file is refused at once with exit 2, the other files still checked', async (t) => {
    const fifo = join(dir, 'pipe.pdf');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo failed');
    const folder = join(dir, 'folder.pdf');
    mkdirSync(folder);
    const plain = write('plain-too.pdf', onePage());
    const run = await preflightRun([fifo, plain, folder]);
    assert.ok(run.code !== null, `still waiting on the FIFO after ${HANG / 1000} s`);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`^UNREADABLE {2}${escapeRegExp(fifo)}: not a regular file but a FIFO`, 'm'));
    assert.match(run.stdout, new RegExp(`^UNREADABLE {2}${escapeRegExp(folder)}: not a regular file but a folder`, 'm'));
    blockOf(run.stdout, plain);
  });

  test('in a run over several files every file is reported on its own, in JSON too', async () => {
    const key = `<${'00'.repeat(32)}>`;
    const files = [
      write('run-plain.pdf', onePage()),
      write('run-encrypted.pdf', onePage({ trailer: `/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /O ${key} /U ${key} /P -4 >> /ID [<02> <02>] ` })),
      write('run-kids.pdf', pdfOf([CATALOG, '<< /Type /Pages /Kids [2 0 R] /Count 1 >>'])),
      write('run-flate.pdf', onePage({ content: stream('/Filter /FlateDecode', Buffer.from('not deflate at all')) })),
    ];
    const [human, json] = await Promise.all([preflightRun(files), preflightRun(['--json', ...files])]);
    assert.equal(human.code, 1, human.stdout + human.stderr);
    for (const file of files) blockOf(human.stdout, file);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as { reports: PreflightReport[]; unreadable: string[] };
    assert.deepEqual(report.reports.map((r) => r.file), files);
    assert.deepEqual(report.unreadable, []);
    assert.ok(report.reports.every((r) => !r.pass));
    assert.deepEqual(report.reports[1]!.findings.map((f) => f.message), [report.reports[1]!.findings[0]!.message]);
    assert.match(report.reports[1]!.findings[0]!.message, /^encrypted: cannot be checked/);
  });
});
