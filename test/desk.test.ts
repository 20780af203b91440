// The desk's commands besides composing: `compose --help`, `validate`, `fonts`, `init` and `proof`,
// run as the desk runs them, in a child process, and judged on exit codes, what they print and, for
// proofs, the pixels of the PNGs read back with sharp. Fixtures are written at test time from the
// sample issue's own text.
//
// Spawning the command costs a Node start and a font load each, so every run is started at once in
// `before` (those that depend on an earlier run's output are chained to it) and awaited by its test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { parse } from 'yaml';
import { columnX, geometryOf, lineTop, loadHao, loadTemplate, spanWidth, type Geometry } from '../src/layout/template.js';
import { composeFile } from '../src/pipeline/compose.js';
import { ROOT, escapeRegExp, runCompose, type Run } from './spawn.js';
import { issueYaml } from './fixture.js';

const SAMPLE_REL = join('issues', 'cqrb-2024-12-25.yaml');
const SAMPLE = join(ROOT, SAMPLE_REL);
const SAMPLE_TEXT = readFileSync(SAMPLE, 'utf8');
const ROLES = ['song', 'song-bold', 'hei', 'hei-bold', 'kai'];

type Obj = Record<string, unknown>;
const sampleIssue = parse(SAMPLE_TEXT) as { paper: string; date: string; pages: (Obj & { number: number; articles: Obj[] })[] };
const sampleArticles = sampleIssue.pages.flatMap((p) => p.articles);
/** The sample's page numbers (版次), as its file gives them. */
const SAMPLE_PAGES = sampleIssue.pages.map((p) => p.number);
/** Plain-string paragraphs of one of the sample's articles: real copy, not invented text. */
const paragraphs = (id: string): string[] => (sampleArticles.find((a) => a.id === id)!.body as unknown[]).filter((b): b is string => typeof b === 'string');

/**
 * The distinct characters (above U+0020) of every text an issue sets, found here from the parsed
 * YAML rather than by the engine: paper, page names, and each article's texts.
 */
function issueCharacters(issue: { paper: string; pages: Obj[] }): Set<string> {
  const texts: string[] = [issue.paper];
  const add = (v: unknown) => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  for (const page of issue.pages) {
    add(page.name);
    add(page.editor);
    for (const a of page.articles as Obj[]) {
      for (const k of ['kicker', 'headline', 'subhead', 'byline', 'note', 'briefs']) add(a[k]);
      const table = a.table as unknown;
      add(table && typeof table === 'object' && !Array.isArray(table) ? (table as Obj).rows : table);
      for (const p of (a.pictures ?? []) as Obj[]) add([p.caption, p.credit]);
      for (const b of (a.body ?? []) as unknown[]) {
        if (typeof b === 'string') add(b);
        else add(Object.values(b as Obj));
      }
    }
  }
  return new Set([...texts.join('')].filter((c) => c.codePointAt(0)! > 0x20));
}


/** 1-based line and column of the character at `index` of `text`. */
function positionAt(text: string, index: number): { line: number; col: number } {
  assert.ok(index >= 0, 'needle not in the fixture');
  const before = text.slice(0, index);
  return { line: before.split('\n').length, col: index - (before.lastIndexOf('\n') + 1) + 1 };
}
const position = (text: string, needle: string) => positionAt(text, text.indexOf(needle));

const escape = escapeRegExp;
const lines = (s: string) => s.split('\n').filter((l) => l.length);

// ---------------------------------------------------------------------------
// Page geometry for the proofs, from the layout templates.

const LAYOUTS = join(ROOT, 'layouts');
const HAO = loadHao(LAYOUTS);
const BROADSHEET = geometryOf(loadTemplate(LAYOUTS, 'broadsheet', HAO));
/** The broadsheet's trim as the template file gives it, in mm. */
const TRIM_MM = (parse(readFileSync(join(LAYOUTS, 'broadsheet.yaml'), 'utf8')) as { trim: { width: number; height: number } }).trim;
const DPI = 30;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
/** A grid place (1-based column and line) as a rectangle in points from the page's top left. */
function gridRect(g: Geometry, column: number, span: number, line: number, count: number): Rect {
  return { x: columnX(g, column), y: lineTop(g, line - 1), width: spanWidth(g, span), height: count * g.pitch };
}

interface Pixels {
  width: number;
  height: number;
  /** RGB, 3 bytes a pixel. */
  data: Buffer;
}
async function pixels(file: string): Promise<Pixels> {
  const { data, info } = await sharp(file).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return { width: info.width, height: info.height, data };
}
/** Pixel bounds of a rectangle in points at DPI, grown (or shrunk, if negative) by `grow` pixels. */
function pxBounds(r: Rect, px: Pixels, grow = 0) {
  const k = DPI / 72;
  return {
    x0: Math.max(0, Math.floor(r.x * k) - grow),
    y0: Math.max(0, Math.floor(r.y * k) - grow),
    x1: Math.min(px.width, Math.ceil((r.x + r.width) * k) + grow),
    y1: Math.min(px.height, Math.ceil((r.y + r.height) * k) + grow),
  };
}
/** How many pixels inside (or, with `outside`, outside) a rectangle satisfy `pred`, of how many. */
function count(px: Pixels, r: Rect | null, pred: (rgb: [number, number, number], i: number) => boolean, opts: { grow?: number; outside?: boolean } = {}): { hits: number; of: number } {
  const b = r ? pxBounds(r, px, opts.grow ?? 0) : { x0: 0, y0: 0, x1: px.width, y1: px.height };
  let hits = 0;
  let of = 0;
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) {
      const inside = x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1;
      if (inside === !!opts.outside) continue;
      const i = (y * px.width + x) * 3;
      of++;
      if (pred([px.data[i]!, px.data[i + 1]!, px.data[i + 2]!], i)) hits++;
    }
  }
  return { hits, of };
}
const isDark = ([r, g, b]: [number, number, number]) => r + g + b < 3 * 128;
/** Any ink at all: at 30 dpi a 9 pt glyph of 宋体 is mostly grey, seldom darker than half. */
const isInked = ([r, g, b]: [number, number, number]) => r + g + b < 3 * 200;
const isRed = ([r, g, b]: [number, number, number]) => r - g > 12 && r - b > 12;

// ---------------------------------------------------------------------------
// Fixtures and runs, all started in `before`.

let tmp: string;
let env: NodeJS.ProcessEnv;
const files: Record<string, { file: string; text: string }> = {};
const runs: Record<string, Promise<Run>> = {};
const run = (...args: string[]) => runCompose(args, env);

function fixture(name: string, text: string, sub = 'in'): string {
  const dir = join(tmp, sub);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  files[name] = { file, text };
  return file;
}
const out = (name: string) => join(tmp, 'out', name);

/** The sample with its first article's `headline:` misspelt `headlin:`: an unknown key. */
const BROKEN_AT = '\n        headline:';
/** Where the misspelt key stands in the broken copy. */
const brokenAt = () => positionAt(files['broken']!.text, files['broken']!.text.indexOf('\n        headlin:') + '\n        '.length);
/** The overset fixture: four real paragraphs (~360 characters) into one column of 6 lines (~80). */
const OVERSET_RECT = gridRect(BROADSHEET, 1, 1, 1, 6);
/** Real text with U+E000 (private use: no font can be expected to have it) inside a sentence. */
const NO_FONT_CHAR = '\uE000';
const INIT_NAME = 'cqrb-2024-12-26';
/** The file init made, as it was after the first run and after the second. */
let initBytes: { before: Buffer | null; after: Buffer | null } | undefined;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-desk-'));
  env = { ...process.env, BANMIAN_CACHE: join(tmp, 'cache') };

  // --help
  runs['help'] = run('--help');

  // validate
  assert.ok(SAMPLE_TEXT.includes(BROKEN_AT), 'the sample has no article headline to misspell');
  fixture('broken', SAMPLE_TEXT.replace(BROKEN_AT, '\n        headlin:'));
  const gala = paragraphs('spring-gala');
  // The tabloid has 6 columns: columns 6–7 run off its right edge.
  fixture('off-grid', issueYaml('tabloid', [{ id: 'wide', place: '{column: 6, span: 2, line: 1, lines: 10}', headline: '重庆成为2025年春晚分会场', body: gala.slice(0, 1) }]));
  fixture(
    'missing-picture',
    issueYaml('tabloid', [
      {
        id: 'spring-gala',
        place: '{column: 1, span: 2, line: 1, lines: 30}',
        headline: '重庆成为2025年春晚分会场',
        body: gala.slice(0, 1),
        extra: ['        pictures:', '          - place: {column: 1, span: 2, line: 1, lines: 12}', '            source: pictures/no-such-photo.jpg'],
      },
    ]),
  );
  runs['validate-sample'] = run('validate', SAMPLE_REL);
  // The good sample and the three broken files in one run, as text and as JSON.
  const many = [SAMPLE_REL, ...['broken', 'off-grid', 'missing-picture'].map((name) => files[name]!.file)];
  runs['validate-many'] = run('validate', ...many);
  runs['validate-json'] = run('validate', '--json', ...many);

  // fonts
  runs['fonts'] = run('fonts');
  runs['fonts-sample'] = run('fonts', SAMPLE);
  const p = gala[0]!;
  fixture('no-font', issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 20}', headline: '重庆成为2025年春晚分会场', body: [p.slice(0, 20) + NO_FONT_CHAR + p.slice(20)] }]));
  runs['fonts-no-font'] = run('fonts', files['no-font']!.file);

  // init: the new file is validated, composed and init'ed over once it exists.
  const initDir = join(tmp, 'init');
  runs['init'] = run('init', INIT_NAME, '--paper', sampleIssue.paper, '--dir', initDir, '--date', '2024-12-26');
  const made = join(initDir, 'issues', `${INIT_NAME}.yaml`);
  const afterInit = runs['init'].then(() => (existsSync(made) ? readFileSync(made) : null));
  runs['init-validate'] = runs['init'].then(() => run('validate', made));
  runs['init-compose'] = runs['init'].then(() => run(made, '-o', out('init')));
  runs['init-again'] = Promise.all([runs['init-validate'], runs['init-compose']]).then(async () => {
    const r = await run('init', INIT_NAME, '--paper', sampleIssue.paper, '--dir', initDir, '--date', '2025-01-01');
    initBytes = { before: await afterInit, after: existsSync(made) ? readFileSync(made) : null };
    return r;
  });
  runs['init-bad-name'] = run('init', '../x', '--paper', sampleIssue.paper, '--dir', join(tmp, 'init-bad', 'sub'), '--date', '2024-12-26');
  runs['init-bad-date'] = run('init', 'bad-date', '--paper', sampleIssue.paper, '--dir', join(tmp, 'init-bad'), '--date', '2024-13');
  runs['init-bad-layout'] = run('init', 'bad-layout', '--paper', sampleIssue.paper, '--dir', join(tmp, 'init-bad'), '--date', '2024-12-26', '--layout', 'no-such-layout');
  runs['init-no-paper'] = run('init', 'no-paper', '--dir', join(tmp, 'init-bad'), '--date', '2024-12-26');
  // Arguments of the right shape that validate would reject in the file init writes (a known bug).
  const unwritable = join(tmp, 'init-unwritable');
  runs['init-impossible-date'] = run('init', 'impossible-date', '--paper', sampleIssue.paper, '--dir', unwritable, '--date', '2024-02-30');
  runs['init-layout-path'] = run('init', 'layout-path', '--paper', sampleIssue.paper, '--dir', unwritable, '--date', '2024-12-26', '--layout', '../layouts/tabloid');
  runs['init-empty-paper'] = run('init', 'empty-paper', '--paper', '', '--dir', unwritable, '--date', '2024-12-26');

  // proof
  const dpi = String(DPI);
  runs['proof'] = run('proof', SAMPLE, '--dpi', dpi, '-o', out('proof'));
  runs['proof-page-2'] = run('proof', SAMPLE, '--dpi', dpi, '--page', '2', '-o', out('proof-page-2'));
  runs['proof-grid'] = run('proof', SAMPLE, '--dpi', dpi, '--overlay', 'grid', '-o', out('proof-grid'));
  // The rest of the page reserved: the overset is the proof's only blocking finding.
  fixture('overset', issueYaml('broadsheet', [{ id: 'roundtable', place: '{column: 1, span: 1, line: 1, lines: 6}', body: paragraphs('roundtable').slice(0, 4) }], { reserve: true }));
  runs['proof-overset'] = run('proof', files['overset']!.file, '--dpi', dpi, '--overlay', 'overset', '-o', out('proof-overset'));
  runs['proof-overset-plain'] = run('proof', files['overset']!.file, '--dpi', dpi, '-o', out('proof-overset-plain'));
  runs['proof-unknown-overlay'] = run('proof', SAMPLE, '--dpi', dpi, '--overlay', 'grid,bleed', '-o', out('proof-bad'));
  runs['proof-page-9'] = run('proof', SAMPLE, '--dpi', dpi, '--page', '9', '-o', out('proof-bad'));
  runs['proof-dpi-5'] = run('proof', SAMPLE, '--dpi', '5', '-o', out('proof-bad'));
});
after(async () => {
  // Every run must have ended before its folder goes.
  await Promise.allSettled(Object.values(runs));
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// --help

test('compose --help lists the commands and the compose options', async () => {
  const r = await runs['help']!;
  assert.equal(r.code, 0, r.stderr);
  const commands = /^Commands:\n([\s\S]*?)\n\n/m.exec(r.stdout);
  assert.ok(commands, `no Commands section:\n${r.stdout}`);
  for (const c of ['validate', 'proof', 'preflight', 'init', 'fonts']) assert.match(commands[1]!, new RegExp(`^  ${c} `, 'm'), `${c} is not listed`);
  const options = /^Options:\n([\s\S]*?)\n\n/m.exec(r.stdout);
  assert.ok(options, `no Options section:\n${r.stdout}`);
  for (const o of ['-o, --out <path>', '-q, --quiet', '-r, --report <file>', '--pdfx <level>', '-h, --help']) assert.ok(options[1]!.includes(o), `${o} is not listed`);
  assert.match(r.stdout, /^Usage: compose /m);
});

// ---------------------------------------------------------------------------
// validate

test('validate: the sample is valid: exit 0 and "ok  FILE"', async () => {
  const r = await runs['validate-sample']!;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `ok  ${SAMPLE_REL}\n`);
  assert.equal(r.stderr, '');
});

/** The one problem `validate` reported for `file` (exit 2, nothing said ok of it). */
async function problemOf(name: string): Promise<string> {
  const { file } = files[name]!;
  const r = await runs['validate-many']!;
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stdout, new RegExp(`^ok  ${escape(file)}$`, 'm'), `${name} said ok`);
  const reported = lines(r.stderr).filter((l) => l.startsWith(`${file}:`));
  assert.equal(reported.length, 1, `one problem, reported once:\n${r.stderr}`);
  return reported[0]!;
}

test('validate: an unknown key exits 2 at the key’s line:col', async () => {
  const { file, text } = files['broken']!;
  assert.ok(!text.slice(0, text.indexOf('headlin:')).includes('headline'), 'the misspelt key is not the first headline');
  const at = brokenAt();
  const line = await problemOf('broken');
  assert.match(line, new RegExp(`^${escape(file)}:${at.line}:${at.col}: error: unknown key "headlin"`));
  assert.match(line, /did you mean "headline"/);
});

test('validate: an article off the grid exits 2 at the article', async () => {
  const { file, text } = files['off-grid']!;
  const at = position(text, 'id: wide');
  assert.match(await problemOf('off-grid'), new RegExp(`^${escape(file)}:${at.line}:${at.col}: .*"wide".*off the grid`));
});

test('validate: a missing picture file exits 2 at the picture and names the file', async () => {
  const { file, text } = files['missing-picture']!;
  // At the picture's entry, or at its source.
  const at = [position(text, 'place: {column: 1, span: 2, line: 1, lines: 12}'), position(text, 'source: pictures/no-such-photo.jpg'), position(text, 'pictures/no-such-photo.jpg')];
  const line = await problemOf('missing-picture');
  const m = new RegExp(`^${escape(file)}:(\\d+):(\\d+): (.*)$`).exec(line);
  assert.ok(m, line);
  assert.ok(
    at.some((p) => p.line === Number(m[1]) && p.col === Number(m[2])),
    `reported at ${m[1]}:${m[2]}, not at the picture (${at.map((p) => `${p.line}:${p.col}`).join(' or ')})`,
  );
  assert.match(m[3]!, /no-such-photo\.jpg/);
  assert.match(m[3]!, /not found/);
});

test('validate --json: per file, its problems with file, line, column, code and message', async () => {
  const r = await runs['validate-json']!;
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr, '', 'with --json, nothing on stderr');
  const results = JSON.parse(r.stdout) as { file: string; problems: { file: string; line: number; column: number; code: string; message: string }[] }[];
  assert.ok(Array.isArray(results));
  const expected: [string, { file: string; text: string } | null, string | null, { line: number; col: number } | null][] = [
    [SAMPLE_REL, null, null, null],
    [files['broken']!.file, files['broken']!, 'unknown-key', brokenAt()],
    [files['off-grid']!.file, files['off-grid']!, 'off-grid', position(files['off-grid']!.text, 'id: wide')],
    [files['missing-picture']!.file, files['missing-picture']!, 'bad-picture', null],
  ];
  assert.deepEqual(
    results.map((x) => x.file),
    expected.map((e) => e[0]),
  );
  for (const [i, [file, , code, at]] of expected.entries()) {
    const { problems } = results[i]!;
    if (!code) {
      assert.deepEqual(problems, [], `${file} is valid`);
      continue;
    }
    assert.equal(problems.length, 1, `${file}: ${JSON.stringify(problems)}`);
    const p = problems[0]!;
    assert.deepEqual(Object.keys(p).sort(), ['code', 'column', 'file', 'line', 'message']);
    assert.equal(p.file, file);
    assert.equal(p.code, code);
    assert.ok(Number.isInteger(p.line) && p.line >= 1 && Number.isInteger(p.column) && p.column >= 1, JSON.stringify(p));
    if (at) assert.deepEqual([p.line, p.column], [at.line, at.col], `${file}: ${p.message}`);
    assert.ok(p.message.length > 0 && !p.message.startsWith(file), 'the message is the message alone');
  }
  assert.match(results[1]!.problems[0]!.message, /unknown key "headlin"/);
  assert.match(results[3]!.problems[0]!.message, /no-such-photo\.jpg/);
});

test('validate: a good file with broken ones: exit 2, the good one ok, each broken one reported', async () => {
  const r = await runs['validate-many']!;
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, `ok  ${SAMPLE_REL}\n`);
  // One line per broken file, in the order the files were given.
  const order = ['broken', 'off-grid', 'missing-picture'].map((name) => files[name]!.file);
  assert.deepEqual(
    lines(r.stderr).map((l) => order.find((f) => l.startsWith(`${f}:`))),
    order,
    r.stderr,
  );
  assert.doesNotMatch(r.stderr, new RegExp(escape(SAMPLE_REL)));
});

// ---------------------------------------------------------------------------
// fonts

/** `role  [→ other ]Family (file)[  n/m characters[, lacks …]]`, one line per role. */
const ROLE_LINE = /^(\S+)\s+(?:→ (\S+) )?(.+?) \((\/[^)]+)\)(?:  (\d+)\/(\d+) characters(?:, lacks (.+))?)?$/;
function roleLines(stdout: string) {
  const rows = new Map<string, { family: string; file: string; have?: number; of?: number; lacks?: string }>();
  for (const l of lines(stdout)) {
    const m = ROLE_LINE.exec(l);
    if (m && ROLES.includes(m[1]!)) rows.set(m[1]!, { family: m[3]!, file: m[4]!, ...(m[5] ? { have: Number(m[5]), of: Number(m[6]) } : {}), ...(m[7] ? { lacks: m[7] } : {}) });
  }
  return rows;
}

test('fonts: every role with its font family and file', async () => {
  const r = await runs['fonts']!;
  assert.equal(r.code, 0, r.stderr);
  const rows = roleLines(r.stdout);
  assert.deepEqual([...rows.keys()], ROLES, r.stdout);
  for (const [role, row] of rows) {
    assert.match(row.family, /\S/, `${role}: no family`);
    assert.ok(existsSync(row.file), `${role}: ${row.file} does not exist`);
    assert.match(row.file, /\.(ttf|otf|ttc)$/i);
    assert.equal(row.have, undefined, `${role}: coverage without an issue`);
  }
  // The fonts the roles are known to resolve to (fonts/fonts.yaml).
  assert.match(rows.get('song')!.family, /Serif SC/);
  assert.match(rows.get('hei-bold')!.family, /Sans SC/);
  assert.equal(lines(r.stdout).length, ROLES.length, r.stdout);
});

test('fonts ISSUE: every role covers all of the sample’s characters', async () => {
  const r = await runs['fonts-sample']!;
  assert.equal(r.code, 0, r.stderr);
  const n = issueCharacters(sampleIssue).size;
  assert.ok(n > 500, `only ${n} distinct characters in the sample`);
  const rows = roleLines(r.stdout);
  assert.deepEqual([...rows.keys()], ROLES, r.stdout);
  for (const [role, row] of rows) {
    assert.deepEqual([row.have, row.of], [n, n], `${role}: ${row.have}/${row.of}, expected ${n}/${n}`);
    assert.equal(row.lacks, undefined);
  }
  assert.match(r.stdout, new RegExp(`^every character of ${escape(SAMPLE)} is in some font$`, 'm'));
  assert.doesNotMatch(r.stdout, /no font has/);
});

test('fonts ISSUE: a character no font has exits 1 and is named', async () => {
  const { file, text } = files['no-font']!;
  const r = await runs['fonts-no-font']!;
  assert.equal(r.code, 1, r.stderr);
  const n = issueCharacters(parse(text) as { paper: string; pages: Obj[] }).size;
  assert.ok(n > 50, `only ${n} characters`);
  const rows = roleLines(r.stdout);
  assert.deepEqual([...rows.keys()], ROLES, r.stdout);
  for (const [role, row] of rows) {
    assert.deepEqual([row.have, row.of], [n - 1, n], `${role}: ${row.have}/${row.of}`);
    assert.equal(row.lacks, NO_FONT_CHAR, `${role} lacks ${JSON.stringify(row.lacks)}`);
  }
  assert.match(r.stdout, new RegExp(`^no font has: ${NO_FONT_CHAR}$`, 'm'));
  assert.doesNotMatch(r.stdout, /every character/);
  assert.ok(!basename(file).includes(NO_FONT_CHAR));
});

// ---------------------------------------------------------------------------
// init

test('init makes a workspace in DIR with issues/NAME.yaml that validate accepts and compose composes', async () => {
  const made = join(tmp, 'init', 'issues', `${INIT_NAME}.yaml`);
  const r = await runs['init']!;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), made);
  assert.ok(existsSync(made), `no ${made}`);
  // A new workspace: its banmian.yaml, layouts/ for its own, the issue and the schema it names.
  assert.deepEqual(readdirSync(join(tmp, 'init'), { recursive: true }).map(String).sort(), ['banmian.yaml', 'issues', `issues/${INIT_NAME}.yaml`, 'layouts', 'schema', 'schema/issue.schema.json', 'schema/workspace.schema.json'], 'stray files next to the new issue');
  const issue = parse(readFileSync(made, 'utf8')) as { paper: string; date: string; pages: { layout: string }[] };
  assert.equal(issue.paper, sampleIssue.paper);
  assert.equal(issue.date, '2024-12-26');
  assert.ok(issue.pages.length >= 1 && issue.pages.every((p) => p.layout === 'broadsheet'), 'the default layout is broadsheet');

  const v = await runs['init-validate']!;
  assert.equal(v.code, 0, v.stderr);
  assert.equal(v.stdout, `ok  ${made}\n`);
  const c = await runs['init-compose']!;
  assert.equal(c.code, 0, c.stderr);
  assert.ok(existsSync(join(out('init'), `${INIT_NAME}.pdf`)), 'no PDF of the new issue');
});

test('init over an existing file exits 2 and leaves it unchanged', async () => {
  const made = join(tmp, 'init', 'issues', `${INIT_NAME}.yaml`);
  const r = await runs['init-again']!;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${escape(made)} exists`));
  assert.ok(initBytes?.before && initBytes.after, 'the file is gone');
  assert.ok(initBytes.after.equals(initBytes.before), 'the existing file changed');
  assert.deepEqual(readdirSync(join(tmp, 'init', 'issues')), [`${INIT_NAME}.yaml`]);
});

test('init with a bad name, date or layout, or without --paper, exits 2 and writes nothing', async () => {
  const cases: [string, RegExp][] = [
    ['init-bad-name', /"\.\.\/x" is not a plain file name/],
    ['init-bad-date', /--date must be YYYY-MM-DD, not "2024-13"/],
    ['init-bad-layout', /no layout "no-such-layout"/],
    ['init-no-paper', /required option '-p, --paper <name>' not specified/],
  ];
  for (const [name, message] of cases) {
    const r = await runs[name]!;
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.equal(r.stdout, '', name);
  }
  // Nothing in the folders they were given, nor where ../x would have gone.
  const bad = join(tmp, 'init-bad');
  const left = existsSync(bad) ? readdirSync(bad, { recursive: true }).map(String) : [];
  assert.deepEqual(left, [], `files written: ${left.join(', ')}`);
  assert.ok(!existsSync(join(bad, 'x.yaml')));
});

// init checks only the shape of its arguments: it writes files that validate then rejects, for
// --date 2024-02-30 ("not a real calendar date"), --layout ../layouts/tabloid (passes the existence
// check, "must be the name of a layout template") and --paper '' ("must not be empty").
test('init never writes a file validate rejects: impossible date, layout path, empty paper exit 2', async () => {
  for (const [name, file] of [
    ['init-impossible-date', 'impossible-date'],
    ['init-layout-path', 'layout-path'],
    ['init-empty-paper', 'empty-paper'],
  ]) {
    const r = await runs[name]!;
    assert.equal(r.code, 2, `${name}: exit ${r.code}, ${r.stdout}${r.stderr}`);
    assert.ok(!existsSync(join(tmp, 'init-unwritable', `${file}.yaml`)), `${name}: a file validate rejects was written`);
  }
});

// ---------------------------------------------------------------------------
// proof

const proofFile = (dir: string, page: number) => join(out(dir), `cqrb-2024-12-25-p${page}.png`);

test('proof writes one PNG per page, of the trim size at --dpi, with the text on it', async () => {
  const r = await runs['proof']!;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stdout), SAMPLE_PAGES.map((n) => proofFile('proof', n)));
  assert.deepEqual(readdirSync(out('proof')).sort(), SAMPLE_PAGES.map((n) => `cqrb-2024-12-25-p${n}.png`).sort());
  // 390 × 545 mm → points → pixels at 30 dpi.
  const want = { width: ((TRIM_MM.width / 25.4) * 72 * DPI) / 72, height: ((TRIM_MM.height / 25.4) * 72 * DPI) / 72 };
  // A text-only box on each page: the box, as make-up settled it, of an article with neither
  // headline nor picture (the robotics jump: body text from its first line to its last).
  const { composition } = await composeFile(SAMPLE, join(tmp, 'out', 'proof-model'));
  const textBoxes: Record<number, Rect> = {};
  for (const a of composition.articles) {
    const art = sampleArticles.find((x) => x.id === a.id)!;
    if (['kicker', 'headline', 'subhead', 'note', 'table', 'briefs', 'pictures'].some((k) => art[k] !== undefined)) continue;
    for (const part of a.parts) textBoxes[part.page] ??= gridRect(BROADSHEET, part.place.column, part.place.span, part.place.line, part.place.lines);
  }
  for (const page of SAMPLE_PAGES) {
    assert.ok(textBoxes[page], `page ${page} has no text-only article to look at`);
    const file = proofFile('proof', page);
    const meta = await sharp(file).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(Math.abs(meta.width! - want.width) <= 1, `page ${page}: ${meta.width} px wide, expected ${want.width.toFixed(1)}`);
    assert.ok(Math.abs(meta.height! - want.height) <= 1, `page ${page}: ${meta.height} px high, expected ${want.height.toFixed(1)}`);
    const px = await pixels(file);
    const all = count(px, null, isDark);
    assert.ok(all.hits / all.of > 0.02, `page ${page}: only ${((100 * all.hits) / all.of).toFixed(2)} % of pixels dark`);
    const text = count(px, textBoxes[page]!, isInked, { grow: -1 });
    assert.ok(text.hits / text.of > 0.1, `page ${page}: only ${((100 * text.hits) / text.of).toFixed(2)} % inked in a box of text`);
    // The margins outside the type area stay paper, but for the folio.
    const margin = count(px, { x: 0, y: BROADSHEET.typeTop, width: BROADSHEET.typeLeft - 2, height: BROADSHEET.typeHeight }, isDark, { grow: -1 });
    assert.equal(margin.hits, 0, `page ${page}: dark pixels in the left margin`);
  }
});

test('proof --page 2 writes page 2 only, the same as the whole run’s', async () => {
  const r = await runs['proof-page-2']!;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out('proof-page-2')), ['cqrb-2024-12-25-p2.png']);
  assert.deepEqual(lines(r.stdout), [proofFile('proof-page-2', 2)]);
  await runs['proof'];
  const [a, b] = await Promise.all([pixels(proofFile('proof-page-2', 2)), pixels(proofFile('proof', 2))]);
  assert.ok(a.data.equals(b.data), 'page 2 alone differs from page 2 of the whole issue');
});

test('proof --overlay grid tints the columns blue and leaves the margins alone', async () => {
  const [r] = await Promise.all([runs['proof-grid']!, runs['proof']!]);
  assert.equal(r.code, 0, r.stderr);
  const type: Rect = { x: BROADSHEET.typeLeft, y: BROADSHEET.typeTop, width: BROADSHEET.typeWidth, height: BROADSHEET.typeHeight };
  for (const page of SAMPLE_PAGES) {
    const [grid, plain] = await Promise.all([pixels(proofFile('proof-grid', page)), pixels(proofFile('proof', page))]);
    assert.equal(grid.width, plain.width);
    assert.ok(!grid.data.equals(plain.data), `page ${page}: the grid changed nothing`);
    // How much bluer (b − r) each pixel got: the tint shifts white, text and pictures alike.
    const bluer = ([r, , b]: [number, number, number], i: number) => b - r - (plain.data[i + 2]! - plain.data[i]!) >= 8;
    const inType = count(grid, type, bluer, { grow: -1 });
    assert.ok(inType.hits / inType.of > 0.8, `page ${page}: only ${((100 * inType.hits) / inType.of).toFixed(1)} % of the type area turned blue`);
    const blueNow = count(grid, type, ([r, , b]) => b - r >= 10, { grow: -1 });
    assert.ok(blueNow.hits / blueNow.of > 0.5, `page ${page}: the type area is not blue (b > r) in the proof`);
    const changedOutside = count(grid, type, (_, i) => grid.data[i] !== plain.data[i] || grid.data[i + 1] !== plain.data[i + 1] || grid.data[i + 2] !== plain.data[i + 2], { grow: 2, outside: true });
    assert.equal(changedOutside.hits, 0, `page ${page}: the grid reaches outside the type area`);
  }
});

test('proof --overlay overset paints the overset article’s box red and exits 1', async () => {
  const [r, plainRun] = await Promise.all([runs['proof-overset']!, runs['proof-overset-plain']!]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /: error: overset \(page 2, article roundtable\)/m);
  assert.equal(plainRun.code, 1, plainRun.stderr);
  const file = (dir: string) => join(out(dir), 'overset-p2.png');
  assert.deepEqual(lines(r.stdout), [file('proof-overset')]);
  const [red, plain] = await Promise.all([pixels(file('proof-overset')), pixels(file('proof-overset-plain'))]);
  assert.equal(count(plain, null, isRed).hits, 0, 'red without the overlay');
  const inBox = count(red, OVERSET_RECT, isRed, { grow: -1 });
  assert.ok(inBox.hits / inBox.of > 0.5, `only ${inBox.hits} of ${inBox.of} pixels of the overset box are red`);
  const outside = count(red, OVERSET_RECT, isRed, { grow: 2, outside: true });
  assert.equal(outside.hits, 0, 'red outside the overset box');
  // The text is still there under the tint.
  const text = count(red, OVERSET_RECT, isInked, { grow: -1 });
  assert.ok(text.hits / text.of > 0.1, `only ${((100 * text.hits) / text.of).toFixed(2)} % inked in the overset box`);
});

test('proof: an unknown overlay, a page the issue lacks or --dpi 5 exits 2 and writes nothing', async () => {
  const cases: [string, RegExp][] = [
    ['proof-unknown-overlay', /unknown overlay bleed; expected grid, ids, overset/],
    ['proof-page-9', new RegExp(`${escape(SAMPLE)} has no page 9; its pages are ${SAMPLE_PAGES.join(', ')}$`, 'm')],
    ['proof-dpi-5', /--dpi must be between 10 and 600, not "5"/],
  ];
  for (const [name, message] of cases) {
    const r = await runs[name]!;
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.equal(r.stdout, '', name);
  }
  assert.ok(!existsSync(out('proof-bad')) || readdirSync(out('proof-bad')).length === 0, 'a proof was written');
});
