// A paper's workspace: banmian.yaml found upward from the issue file, --root naming another, a
// layout of the workspace shadowing Banmian's own, a broken banmian.yaml as one line at its place,
// an issue in no workspace composed with Banmian's layouts, init dating its issue tomorrow, and
// banmian.yaml's schema taking what the reader takes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { IssueError } from '../src/issue/errors.js';
import { readWorkspace } from '../src/workspace/workspace.js';
import { readPdf } from './readback.js';
import { ROOT, runCompose } from './spawn.js';
import { issueYaml } from './fixture.js';

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) as { paper: string; pages: { articles: Obj[] }[] };
const article = (id: string) => sample.pages.flatMap((p) => p.articles).find((a) => a.id === id)!;
const gala = (article('spring-gala').body as unknown[]).filter((b): b is string => typeof b === 'string');
const GALA_HEADLINE = article('spring-gala').headline as string;
/** The tabloid's text columns: a box across all of them leaves no hole. */
const TABLOID_COLUMNS = 6;
/** What the workspace's copy of the tabloid changes: its body's characters per column. */
const NARROW_CHARACTERS = 10;

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-workspace-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** An issue of one tabloid page: the 春晚 story across the page, in the folder given. */
function writeIssue(dir: string, name = 'gala'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, issueYaml('tabloid', [{ id: 'spring-gala', place: `{column: 1, span: ${TABLOID_COLUMNS}, line: 1, lines: bottom}`, headline: GALA_HEADLINE, body: gala }]));
  return file;
}

/** A workspace whose layouts/ holds a copy of the tabloid with narrower columns. */
function narrowWorkspace(dir: string, banmian = 'layouts: layouts\n'): string {
  mkdirSync(join(dir, 'layouts'), { recursive: true });
  const text = readFileSync(join(ROOT, 'layouts', 'tabloid.yaml'), 'utf8');
  assert.match(text, /^ {2}characters: \d+/m);
  // The profile is named from the layout's folder: the copy takes it along at the same place.
  writeFileSync(join(dir, 'layouts', 'tabloid.yaml'), text.replace(/^( {2}characters:) \d+/m, `$1 ${NARROW_CHARACTERS}`));
  cpSync(join(ROOT, 'profiles'), join(dir, 'profiles'), { recursive: true });
  writeFileSync(join(dir, 'banmian.yaml'), banmian);
  return dir;
}

/** A gap between two characters of one baseline wider than this, em, is a gutter, not spacing inside a line. */
const GUTTER_GAP = 0.6;

/**
 * The measure most body lines read back from the PDF fill, in 字 of their size: full lines are
 * justified to the column (a bracket's glyph may stand out of it, so not the widest). Runs are
 * split at gutters, since columns side by side share their baselines.
 */
function characters(pdf: string): number {
  const [page] = readPdf(readFileSync(pdf));
  const size = page!.lines.find((l) => gala.some((p) => p.includes(l.text)) && l.text.length > 4)!.size;
  const widths = new Map<number, number>();
  for (const line of page!.lines.filter((l) => l.size === size)) {
    let start = 0;
    line.chars.forEach((c, i) => {
      const last = i === line.chars.length - 1 || line.chars[i + 1]!.x0 - c.x1 > GUTTER_GAP * size;
      if (!last) return;
      const w = Math.round((c.x1 - line.chars[start]!.x0) / size);
      widths.set(w, (widths.get(w) ?? 0) + 1);
      start = i + 1;
    });
  }
  return [...widths].sort((a, b) => b[1] - a[1])[0]![0];
}

test('an issue in no workspace is composed with Banmian\'s own layouts', async () => {
  const file = writeIssue(join(tmp, 'loose'));
  const r = await runCompose([file, '-o', join(tmp, 'loose-out'), '-q']);
  assert.equal(r.code, 0, r.stderr);
  const bundled = parse(readFileSync(join(ROOT, 'layouts', 'tabloid.yaml'), 'utf8')) as { grid: { characters: number } };
  assert.equal(characters(join(tmp, 'loose-out', 'gala.pdf')), bundled.grid.characters);
});

test("banmian.yaml is found upward from the issue file, and the workspace's layout shadows Banmian's of the same name", async () => {
  const ws = narrowWorkspace(join(tmp, 'paper'), 'layouts: layouts\noutput: pdf\n');
  const file = writeIssue(join(ws, 'issues', '2025', '01'));
  // Run from another folder: the workspace comes from the issue file, not the working folder.
  const r = await runCompose([file, '-q']);
  assert.equal(r.code, 0, r.stderr);
  const pdf = join(ws, 'pdf', 'gala.pdf');
  assert.ok(existsSync(pdf), "the PDF is not in the workspace's output folder");
  assert.equal(characters(pdf), NARROW_CHARACTERS);
});

test('--root names the workspace for an issue outside it, before or after the command', async () => {
  const ws = narrowWorkspace(join(tmp, 'rooted'));
  const file = writeIssue(join(tmp, 'outside'));
  const r = await runCompose([file, '--root', ws, '-o', join(tmp, 'rooted-out'), '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(characters(join(tmp, 'rooted-out', 'gala.pdf')), NARROW_CHARACTERS);
  const b = await runCompose(['--root', ws, 'batch', file, '-o', join(tmp, 'rooted-batch'), '-j', '1']);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(characters(join(tmp, 'rooted-batch', 'gala.pdf')), NARROW_CHARACTERS, "batch's workers compose in the workspace --root names");
  const v = await runCompose(['validate', file, '--root', ws]);
  assert.equal(v.code, 0, v.stderr);
  const before = await runCompose(['--root', join(tmp, 'outside'), 'validate', file]);
  assert.equal(before.code, 2);
  assert.match(before.stderr, /^\S+banmian\.yaml:1:1: error: --root \S+ holds no banmian\.yaml; .+\n$/);
});

test('a broken banmian.yaml is one line at its place, exit 2, and nothing is written', async () => {
  const cases: [string, string, RegExp][] = [
    ['unknown-key', 'layouts: layouts\nlayout: broadsheet\n', /banmian\.yaml:2:1: error: banmian\.yaml: unknown key "layout" \(did you mean "layouts"\?\)/],
    ['missing-folder', 'layouts: layouts\npictures: [photos]\n', /banmian\.yaml:2:12: error: banmian\.yaml: pictures: \S+photos is not a folder/],
    ['syntax', 'layouts: [layouts\n', /banmian\.yaml:\d+:\d+: error: banmian\.yaml: YAML syntax error/],
    ['bad-zone', 'defaults:\n  time-zone: Mars/Olympus\n', /banmian\.yaml:2:14: error: banmian\.yaml: defaults: time-zone "Mars\/Olympus" is no IANA time zone/],
    ['no-layout', 'defaults: {layout: tabliod}\n', /banmian\.yaml:1:20: error: banmian\.yaml: defaults: there is no layout "tabliod"; name one of broadsheet, tabloid/],
  ];
  for (const [name, text, message] of cases) {
    const ws = narrowWorkspace(join(tmp, `broken-${name}`), text);
    const file = writeIssue(join(ws, 'issues'));
    const r = await runCompose([file, '-o', join(ws, 'out')]);
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: more than one line: ${r.stderr}`);
    assert.ok(!existsSync(join(ws, 'out')), `${name}: something was written`);
  }
});

/** Tomorrow's date in the paper's time zone, as init is to give it. */
const tomorrowIn = (zone: string) => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
};

test('init makes a workspace whose issue, dated tomorrow in Asia/Shanghai, names a schema that exists, and adds an issue inside it', async () => {
  const ws = join(tmp, 'made');
  const expected = [tomorrowIn('Asia/Shanghai')];
  const r = await runCompose(['init', '--dir', ws, '--paper', sample.paper]);
  // Midnight in Shanghai may pass during the run.
  expected.push(tomorrowIn('Asia/Shanghai'));
  assert.equal(r.code, 0, r.stderr);
  const made = r.stdout.trim();
  const issue = parse(readFileSync(made, 'utf8')) as { date: string; paper: string };
  assert.ok(expected.includes(issue.date), `dated ${issue.date}, not tomorrow (${expected.join(' or ')})`);
  assert.equal(made, join(ws, 'issues', `${issue.date}.yaml`));
  const schema = /\$schema=(\S+)/.exec(readFileSync(made, 'utf8'))![1]!;
  assert.ok(existsSync(join(ws, 'issues', schema)), `the schema ${schema} is not there from the issue's folder`);
  assert.deepEqual(JSON.parse(readFileSync(join(ws, 'issues', schema), 'utf8')), JSON.parse(readFileSync(join(ROOT, 'schema', 'issue.schema.json'), 'utf8')));
  assert.equal((await runCompose(['validate', made])).code, 0);

  // Inside the workspace: just an issue, its paper from banmian.yaml's defaults.
  const again = await runCompose(['init', 'next', '--date', '2025-01-02', '--dir', ws]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), join(ws, 'issues', 'next.yaml'));
  assert.equal((parse(readFileSync(join(ws, 'issues', 'next.yaml'), 'utf8')) as { paper: string }).paper, sample.paper);
});

const workspaceSchema = () => new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'workspace.schema.json'), 'utf8')) as object);

test("init's banmian.yaml names its schema from its own folder, and the schema takes what init wrote", async () => {
  const ws = join(tmp, 'schema-made');
  const r = await runCompose(['init', '--dir', ws, '--paper', sample.paper]);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(join(ws, 'banmian.yaml'), 'utf8');
  const schema = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text)?.[1];
  assert.ok(schema, `banmian.yaml does not open with the schema's line: ${text.split('\n')[0]}`);
  assert.deepEqual(JSON.parse(readFileSync(join(ws, schema), 'utf8')), JSON.parse(readFileSync(join(ROOT, 'schema', 'workspace.schema.json'), 'utf8')), `${schema} from the workspace is not Banmian's schema`);
  const validate = workspaceSchema();
  assert.ok(validate(parse(text)), JSON.stringify(validate.errors));
});

test('the schema takes every key banmian.yaml may have, and refuses an unknown one as the reader does', () => {
  const ws = join(tmp, 'schema-keys');
  for (const dir of ['layouts', 'pictures', 'wire', 'issues']) mkdirSync(join(ws, dir), { recursive: true });
  cpSync(join(ROOT, 'fonts', 'fonts.yaml'), join(ws, 'fonts.yaml'));
  const every = `layouts: [layouts]\nfonts: fonts.yaml\npictures: pictures\nstories: [wire]\nissues: issues\noutput: out\ndefaults:\n  paper: ${sample.paper}\n  layout: tabloid\n  time-zone: Asia/Shanghai\n`;
  const validate = workspaceSchema();
  const file = join(ws, 'banmian.yaml');
  const cases: [string, string, boolean][] = [
    ['every key', every, true],
    ['{}', '{}\n', true],
    ['comments only', '# the paper\'s workspace\n', true],
    ['unknown key', `${every}layout: broadsheet\n`, false],
    ['unknown default', every.replace('  layout: tabloid', '  layuot: tabloid'), false],
    ['a folder that is a number', every.replace('pictures: pictures', 'pictures: 7'), false],
  ];
  for (const [name, text, good] of cases) {
    writeFileSync(file, text);
    assert.equal(validate(parse(text)), good, `${name}: the schema ${good ? 'refuses' : 'takes'} it: ${JSON.stringify(validate.errors)}`);
    if (good) assert.doesNotThrow(() => readWorkspace(file), name);
    else assert.throws(() => readWorkspace(file), IssueError, `${name}: the reader takes what the schema refuses`);
  }
});
