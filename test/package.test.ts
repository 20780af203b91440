// Banmian as a paper installs it: the packed tarball installed into an empty folder from npm's
// cache alone, a workspace made there with its own copy of a layout changed to 7 columns, an issue
// composed in it from another folder, and the library composing the same issue to the same bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readPdf } from './readback.js';
import { ROOT } from './spawn.js';
import { issueYaml } from './fixture.js';
import { readRunReport } from './report-schema.js';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; bin: Record<string, string>; engines: Record<string, string>; license: string };
const TARBALL = `${PACKAGE.name}-${PACKAGE.version}.tgz`;
/** The columns the workspace's own copy of the broadsheet is changed to (the bundled one has 8). */
const COLUMNS = 7;
/** pt: how far from the page's centre the type area's centre may be, in the positions read back. */
const CENTRE_TOLERANCE = 1;

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) as { paper: string; pages: { articles: Obj[] }[] };
const paragraphs = (id: string): string[] => (sample.pages.flatMap((p) => p.articles).find((a) => a.id === id)!.body as unknown[]).filter((b): b is string => typeof b === 'string');

let tmp: string;
/** The prefix the tarball is installed into, which is also the paper's workspace; undefined when npm's cache cannot install it. */
let prefix: string | undefined;
let skipped = '';

const npm = (args: string[], cwd: string): SpawnSyncReturns<string> => spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
const notCached = (r: SpawnSyncReturns<string>) => /ENOTCACHED|only-if-cached/.test(r.stderr);

/**
 * A consumer's lockfile pinning what Banmian's own lockfile pins, with each tarball's registry
 * address: npm's cache holds tarballs by address and integrity, so `npm ci --offline` needs no
 * registry metadata the cache may not hold.
 */
function pinnedLock(): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, Obj & { version: string; dev?: boolean }> };
  const packages: Record<string, unknown> = {
    '': { dependencies: { [PACKAGE.name]: `file:${TARBALL}` } },
    [`node_modules/${PACKAGE.name}`]: { version: PACKAGE.version, resolved: `file:${TARBALL}`, dependencies: PACKAGE.dependencies, bin: PACKAGE.bin, engines: PACKAGE.engines, license: PACKAGE.license },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev) continue;
    const { devOptional: _devOptional, ...kept } = entry;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[path] = { resolved: `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`, ...kept };
  }
  return JSON.stringify({ name: 'paper', lockfileVersion: 3, requires: true, packages }, null, 2);
}

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-package-'));
  // The test runs on the built tree: the pack need not build it again.
  const pack = npm(['pack', '--ignore-scripts', '--pack-destination', tmp], ROOT);
  assert.equal(pack.status, 0, pack.stderr);
  const into = join(tmp, 'paper');
  const install = npm(['install', '--offline', '--prefix', into, join(tmp, TARBALL)], tmp);
  if (install.status === 0) {
    prefix = into;
    return;
  }
  if (!notCached(install)) assert.fail(`npm install of the tarball failed:\n${install.stderr}`);
  // The cache has the tarballs but not the registry's metadata to choose their versions: pin them.
  rmSync(into, { recursive: true, force: true });
  const pinned = join(tmp, 'pinned');
  mkdirSync(pinned, { recursive: true });
  writeFileSync(join(pinned, 'package.json'), JSON.stringify({ private: true, dependencies: { [PACKAGE.name]: `file:${TARBALL}` } }, null, 2));
  writeFileSync(join(pinned, 'package-lock.json'), pinnedLock());
  writeFileSync(join(pinned, TARBALL), readFileSync(join(tmp, TARBALL)));
  const ci = npm(['ci', '--offline'], pinned);
  if (ci.status === 0) prefix = pinned;
  else if (notCached(ci)) skipped = `npm's cache lacks a package Banmian depends on, and this test installs without the network: ${/request to (\S+)/.exec(ci.stderr)?.[1] ?? ci.stderr.trim().split('\n')[0]}`;
  else assert.fail(`npm ci of the tarball failed:\n${ci.stderr}`);
});

after(() => rmSync(tmp, { recursive: true, force: true }));

const bin = () => join(prefix!, 'node_modules', '.bin', 'compose');
const compose = (args: string[], cwd: string) => spawnSync(bin(), args, { cwd, encoding: 'utf8' });

test('the tarball carries the command, the library with its types, layouts, fonts.yaml, the schema and the profile, and no tests', () => {
  const list = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  assert.equal(list.status, 0, list.stderr);
  const files = (JSON.parse(list.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  for (const f of ['bin/compose.js', 'dist/compose/compose.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/issue/validators.js', 'layouts/broadsheet.yaml', 'layouts/sizes.yaml', 'fonts/fonts.yaml', 'schema/issue.schema.json', 'profiles/cgats-tr002-newsprint.icc']) {
    assert.ok(files.includes(f), `${f} is not in the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(dist\/)?(test|bench|out)\//.test(f) || f.endsWith('.map')), [], 'tests, bench or output in the tarball');
});

test('installed from the tarball, compose --version prints the package version', (t) => {
  if (!prefix) return t.skip(skipped);
  const r = compose(['--version'], tmp);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), PACKAGE.version);
});

test("a workspace init makes in the prefix composes with its own 7-column layout from another folder, and the library gives the same bytes", (t) => {
  if (!prefix) return t.skip(skipped);
  const ws = prefix;
  const elsewhere = mkdtempSync(join(tmp, 'elsewhere-'));
  const init = compose(['init', 'first', '--dir', ws, '--paper', sample.paper, '--copy-layout'], elsewhere);
  assert.equal(init.status, 0, init.stderr);
  assert.ok(existsSync(join(ws, 'banmian.yaml')), 'no banmian.yaml');
  // The issue names the installed package's schema, which resolves from the issue's folder.
  const first = readFileSync(join(ws, 'issues', 'first.yaml'), 'utf8');
  const schema = /\$schema=(\S+)/.exec(first)?.[1];
  assert.equal(schema, '../node_modules/banmian/schema/issue.schema.json');
  assert.ok(existsSync(join(ws, 'issues', schema!)), `the schema ${schema} is not there from the issue's folder`);

  const layout = join(ws, 'layouts', 'broadsheet.yaml');
  const text = readFileSync(layout, 'utf8');
  assert.match(text, /^ {2}columns: 8\b/m);
  writeFileSync(layout, text.replace(/^( {2}columns:) 8\b/m, `$1 ${COLUMNS}`));

  const issue = join(ws, 'issues', 'wide.yaml');
  writeFileSync(issue, issueYaml('broadsheet', [{ id: 'roundtable', place: `{column: 1, span: ${COLUMNS}, line: 1, lines: bottom}`, headline: '紧盯做大做强制造业', body: paragraphs('roundtable') }]).replace(/^# yaml-language-server.*\n/, ''));
  const r = compose([issue, '-r', join(elsewhere, 'report.json')], elsewhere);
  assert.equal(r.status, 0, r.stderr);
  // The workspace's output folder, not one under the working folder.
  const pdf = join(ws, 'out', 'wide.pdf');
  assert.ok(existsSync(pdf), `no ${pdf}`);
  assert.deepEqual(readdirSync(elsewhere).sort(), ['report.json']);
  const report = readRunReport(join(elsewhere, 'report.json'));
  assert.equal(report.articles[0]!.parts[0]!.place.span, COLUMNS);
  assert.deepEqual(report.pages[0]!.holes, [], 'the box across 7 columns leaves a hole: the layout has more');

  // Read back: the body stands in 7 columns, and the type area they make is centred on the page
  // as the layout's grid of 7 is (the bundled grid of 8 would put 7 columns left of the centre).
  const [page] = readPdf(readFileSync(pdf));
  const sizes = page!.lines.map((l) => l.size);
  const body = sizes.sort((a, b) => sizes.filter((s) => s === a).length - sizes.filter((s) => s === b).length).pop();
  const lines = page!.lines.filter((l) => l.size === body);
  const starts = [...new Set(lines.map((l) => Math.round(l.x0)))].sort((a, b) => a - b);
  const columns = starts.filter((x, i) => i === 0 || x - starts[i - 1]! > 4 * body!);
  assert.equal(columns.length, COLUMNS, `body lines start in ${columns.length} columns: ${columns.join(', ')}`);
  const left = Math.min(...lines.map((l) => l.x0));
  const right = Math.max(...lines.map((l) => l.x1));
  const [x0, , x1] = page!.trimBox!;
  assert.ok(Math.abs((left + right) / 2 - (x0 + x1) / 2) < CENTRE_TOLERANCE, `the type area ${left}–${right} is not centred on the trim ${x0}–${x1}`);

  // The library, imported by name from the prefix, composes the same issue to the same bytes.
  const script = join(ws, 'pipeline.mjs');
  writeFileSync(
    script,
    `import { composeIssue, validateIssue } from 'banmian';\n` +
      `const v = await validateIssue(${JSON.stringify(issue)});\n` +
      `const r = await composeIssue(${JSON.stringify(issue)}, { out: ${JSON.stringify(join(elsewhere, 'lib'))} });\n` +
      `process.stdout.write(JSON.stringify({ problems: v.problems.length, pdf: r.pdf, exitCode: r.exitCode, bytes: r.bytes.length, span: r.report.articles[0].parts[0].place.span }));\n`,
  );
  const lib = spawnSync(process.execPath, [script], { cwd: elsewhere, encoding: 'utf8' });
  assert.equal(lib.status, 0, lib.stderr);
  assert.equal(lib.stderr, '', 'the library printed');
  const out = JSON.parse(lib.stdout) as { problems: number; pdf: string; exitCode: number; bytes: number; span: number };
  assert.deepEqual({ problems: out.problems, exitCode: out.exitCode, span: out.span }, { problems: 0, exitCode: 0, span: COLUMNS });
  const fromLibrary = readFileSync(out.pdf);
  assert.equal(out.bytes, fromLibrary.length);
  assert.ok(fromLibrary.equals(readFileSync(pdf)), 'the library wrote other bytes than the command');
});

test("the library's types check in a script that uses them", (t) => {
  if (!prefix) return t.skip(skipped);
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const dir = mkdtempSync(join(prefix, 'typed-'));
  writeFileSync(
    join(dir, 'pipeline.ts'),
    `import { composeIssue, preflight, validateIssue, IssueErrors, type ComposeIssueResult, type Validation } from 'banmian';\n` +
      `export async function run(): Promise<number> {\n` +
      `  const v: Validation = await validateIssue('x.yaml');\n` +
      `  try {\n    const r: ComposeIssueResult = await composeIssue('x.yaml', { out: 'out' });\n    const p = await preflight(r.pdf);\n    return r.exitCode + p.unreadable.length + v.problems.length;\n` +
      `  } catch (e) {\n    if (e instanceof IssueErrors) return e.errors.length;\n    throw e;\n  }\n}\n`,
  );
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: [] }, files: ['pipeline.ts'] }));
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  // And a wrong use is caught: the types say something.
  writeFileSync(join(dir, 'pipeline.ts'), `import { composeIssue } from 'banmian';\nconst n: number = (await composeIssue('x.yaml')).pdf;\nexport { n };\n`);
  const wrong = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(wrong.status, 0, 'a string taken for a number passed the types');
});
