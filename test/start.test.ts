// A fast start: the command loads only what it runs. --help and --version load none of the
// composer; no run compiles the schema; sharp is loaded only to convert a picture, not when every
// picture comes from the cache. What a run loads is read from a hook that logs each module it
// imports, against the bundle's own record of the sources in each of its files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPOSITES, DEFINITIONS_CHECKED } from '../src/issue/composites.js';
import { VALIDATORS } from '../src/issue/validators.js';
import { ROOT } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const BUNDLE = join(ROOT, 'dist', 'compose');

// Registered in the loader's own thread, it appends every module a run imports to the file LOADED_LOG names.
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, r.url + '\\n');
  return r;
}`;
// The CommonJS modules it required (sharp, from the composer's file) are appended when it exits.
const REGISTER = `data:text/javascript,${encodeURIComponent(
  `import { appendFileSync } from 'node:fs'; import { createRequire, register } from 'node:module'; import { pathToFileURL } from 'node:url';\n` +
    `register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});\n` +
    `const required = createRequire(pathToFileURL(process.cwd() + '/').href).cache;\n` +
    `process.on('exit', () => appendFileSync(process.env.LOADED_LOG, Object.keys(required).map((f) => pathToFileURL(f).href + '\\n').join('')));`,
)}`;

let tmp: string;
let runs = 0;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-start-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Loaded {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The packages whose code the run loaded: from the bundle's files it loaded, and the ones outside it. */
  packages: Set<string>;
  /** The files of ajv the run loaded. */
  ajv: string[];
  /** Banmian's sources the run loaded from more than one file of the bundle: each a second copy of a module's state. */
  twice: string[];
  /** Banmian's sources the run loaded. */
  own: Set<string>;
}

const meta = () => JSON.parse(readFileSync(join(BUNDLE, 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };

/** The package a path in node_modules belongs to, with its scope. */
function packageOf(path: string): string | undefined {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path.replace(/\\/g, '/'));
  return m?.[1];
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Loaded {
  const log = join(tmp, `loaded-${++runs}.txt`);
  // The kill timeout: a hook that waited for good must fail the test, not hang it.
  const r = spawnSync(process.execPath, ['--import', REGISTER, join(ROOT, 'bin', 'compose.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env, LOADED_LOG: log }, timeout: 120_000, killSignal: 'SIGKILL' });
  if (r.error) throw r.error;
  const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
  const files = [...new Set(urls.map((u) => fileURLToPath(u)))];
  const outputs = meta().outputs;
  const sources: string[] = [];
  const fromBundle = new Map<string, number>();
  for (const f of files) {
    const inBundle = outputs[relative(ROOT, f).replace(/\\/g, '/')];
    if (inBundle) sources.push(...Object.keys(inBundle.inputs));
    else sources.push(f);
    for (const source of Object.keys(inBundle?.inputs ?? {})) if (source.startsWith('dist/src/')) fromBundle.set(source, (fromBundle.get(source) ?? 0) + 1);
  }
  const packages = new Set(sources.map(packageOf).filter((p): p is string => p !== undefined));
  const ajv = sources.filter((s) => packageOf(s) === 'ajv').map((s) => s.replace(/^.*node_modules\/ajv\//, ''));
  const twice = [...fromBundle].filter(([, n]) => n > 1).map(([source]) => source);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, packages, ajv, twice, own: new Set(fromBundle.keys()) };
}

const schema = () => JSON.parse(readFileSync(join(ROOT, 'schema', 'issue.schema.json'), 'utf8')) as unknown;
/** The object at a JSON pointer of the schema (these pointers need no unescaping). */
const schemaAt = (root: unknown, pointer: string) => pointer.slice(2).split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root);

const COMPOSER = ['pdfkit', 'fontkit', 'sharp', 'yaml', 'ajv', 'pdf-lib', 'harfbuzzjs', 'budoux'];

test('compose --version prints the package version and loads none of the composer', () => {
  const r = run(['--version']);
  assert.equal(r.code, 0, r.stderr);
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.stdout.trim(), version);
  assert.deepEqual(COMPOSER.filter((p) => r.packages.has(p)), [], `--version loaded ${[...r.packages].join(', ')}`);
});

test('compose --help names every command and loads none of the composer', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const command of ['validate', 'proof', 'serve', 'batch', 'preflight', 'init', 'fonts']) assert.match(r.stdout, new RegExp(`^  ${command} `, 'm'));
  assert.match(r.stdout, /--version/);
  assert.deepEqual(COMPOSER.filter((p) => r.packages.has(p)), [], `--help loaded ${[...r.packages].join(', ')}`);
});

test('validate loads neither sharp nor the schema compiler', () => {
  const r = run(['validate', SAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.packages.has('sharp'), 'validate loaded sharp');
  assert.deepEqual(r.ajv.filter((f) => !f.startsWith('dist/runtime/')), [], 'validate loaded more of ajv than its runtime helpers');
});

test('a picture from the cache is placed without sharp, and the PDF is the same bytes', () => {
  const env = { BANMIAN_CACHE: join(tmp, 'cache') };
  const first = run([SAMPLE, '-o', join(tmp, 'first'), '-q'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(first.packages.has('sharp'), 'the first run converted its picture without sharp: the test no longer sees what it loads');
  const second = run([SAMPLE, '-o', join(tmp, 'second'), '-q'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.ok(!second.packages.has('sharp'), 'sharp was loaded although the picture and the profile were in the cache');
  assert.deepEqual(second.ajv.filter((f) => !f.startsWith('dist/runtime/')), [], 'composing loaded more of ajv than its runtime helpers');
  const pdf = (dir: string) => readFileSync(join(tmp, dir, 'cqrb-2024-12-25.pdf'));
  assert.ok(pdf('first').equals(pdf('second')), 'the run from the cache wrote other bytes');
});

test('a composing run loads each of its modules from one file of the bundle', () => {
  const r = run([SAMPLE, '-o', join(tmp, 'once'), '-q'], { BANMIAN_CACHE: join(tmp, 'once-cache') });
  assert.equal(r.code, 0, r.stderr);
  for (const source of ['dist/src/pipeline/compose.js', 'dist/src/issue/errors.js', 'dist/src/cli/composer-packages.js']) assert.ok(r.own.has(source), `the run loaded no ${source}: the test no longer sees what it loads`);
  assert.deepEqual(r.twice, [], 'modules loaded from two files, each with its own state');
});

test('a damaged cache entry of a header or the profile is made again, with the same PDF', () => {
  const cache = join(tmp, 'damaged-cache');
  const env = { BANMIAN_CACHE: cache };
  assert.equal(run([SAMPLE, '-o', join(tmp, 'whole'), '-q'], env).code, 0);
  for (const f of readdirSync(cache)) if (/\.(header\.json|icc)$/.test(f)) writeFileSync(join(cache, f), readFileSync(join(cache, f)).subarray(0, 20));
  const again = run([SAMPLE, '-o', join(tmp, 'remade'), '-q'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(again.packages.has('sharp'), 'cut-short entries were taken as they were');
  const pdf = (dir: string) => readFileSync(join(tmp, dir, 'cqrb-2024-12-25.pdf'));
  assert.ok(pdf('whole').equals(pdf('remade')), 'remade entries gave other bytes');
});

test("the packages compiled from the code kept in the cache give the same PDF, and damaged kept code is made again", () => {
  const cache = join(tmp, 'code-cache');
  const env = { BANMIAN_CACHE: cache };
  const pdf = (dir: string) => readFileSync(join(tmp, dir, 'cqrb-2024-12-25.pdf'));
  const keptCode = () => readdirSync(cache).filter((f) => f.endsWith('.v8'));
  assert.equal(run([SAMPLE, '-o', join(tmp, 'compiled'), '-q'], env).code, 0);
  const packagesFiles = readdirSync(BUNDLE).filter((f) => f.endsWith('.cjs'));
  assert.ok(packagesFiles.length >= 2, `the bundle has no file of the YAML reader apart from the composer's packages: ${packagesFiles.join(', ')}`);
  assert.deepEqual(keptCode().map((f) => f.replace(/-compose-v[^-]+-[^-]+\.v8$/, '')).sort(), packagesFiles.sort(), `the run kept no code of some file of packages for compose: ${readdirSync(cache).join(', ')}`);
  const entries = keptCode().map((f) => join(cache, f));
  assert.equal(run([SAMPLE, '-o', join(tmp, 'from-kept'), '-q'], env).code, 0);
  assert.ok(pdf('compiled').equals(pdf('from-kept')), 'the run from kept code wrote other bytes');
  const damaged = entries.map((entry) => {
    const bytes = Buffer.from(readFileSync(entry));
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(entry, bytes);
    return bytes;
  });
  const again = run([SAMPLE, '-o', join(tmp, 'kept-again'), '-q'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.ok(pdf('compiled').equals(pdf('kept-again')), 'the run after damaged kept code wrote other bytes');
  entries.forEach((entry, i) => assert.ok(!readFileSync(entry).equals(damaged[i]!), `the damaged kept code ${entry} was left as it was`));
});

// V8's code for a file holds what the run that made it compiled, and is not made again while V8
// takes it: a first run of another command must not leave compose with that command's code.
test('each command keeps its own compiled code: a first run of validate leaves compose to keep its own', () => {
  const cache = join(tmp, 'code-by-command');
  const env = { BANMIAN_CACHE: cache };
  const keptBy = (command: string) => readdirSync(cache).filter((f) => f.endsWith('.v8') && f.includes(`-${command}-v`));
  assert.equal(run(['validate', SAMPLE], env).code, 0);
  assert.ok(keptBy('validate').length >= 1, `validate kept no code: ${readdirSync(cache).join(', ')}`);
  assert.deepEqual(keptBy('compose'), [], 'validate kept code under compose');
  const validated = keptBy('validate').map((f) => readFileSync(join(cache, f)));
  assert.equal(run([SAMPLE, '-o', join(tmp, 'after-validate'), '-q'], env).code, 0);
  const composerFiles = readdirSync(BUNDLE).filter((f) => f.endsWith('.cjs'));
  assert.deepEqual(keptBy('compose').map((f) => f.replace(/-compose-v[^-]+-[^-]+\.v8$/, '')).sort(), composerFiles.sort(), 'compose did not keep its own code after validate');
  keptBy('validate').forEach((f, i) => assert.ok(readFileSync(join(cache, f)).equals(validated[i]!), `compose changed the code validate kept: ${f}`));
});

test('every part of the schema a message checks on its own has a generated validator', () => {
  const root = schema();
  const needed = ['#', ...DEFINITIONS_CHECKED.map((d) => `#/definitions/${d}`), ...COMPOSITES.filter((c) => c.choose).flatMap((c) => (schemaAt(root, c.pointer) as unknown[]).map((_, i) => `${c.pointer}/${i}`))];
  for (const p of needed) assert.equal(typeof VALIDATORS[p], 'function', `no validator for ${p}`);
});

test("each composite's schema object is told apart by its JSON text alone", () => {
  // The generated validators report their own copy of the schema, so a composite is recognised by its text.
  const root = schema();
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    texts.push(JSON.stringify(node));
    for (const v of Object.values(node)) walk(v);
  };
  walk(root);
  for (const c of COMPOSITES) {
    const parent = JSON.stringify(schemaAt(root, c.pointer.replace(/\/(anyOf|oneOf)$/, '')));
    assert.equal(texts.filter((t) => t === parent).length, 1, `${c.pointer}'s schema object has a twin elsewhere in the schema`);
  }
});

