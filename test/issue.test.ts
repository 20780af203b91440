import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIssue, parseIssue } from '../src/issue/parse.js';
import { IssueError, IssueErrors, formatIssueError } from '../src/issue/errors.js';

const FILE = 'issues/test.yaml';

// Line numbers below are referred to by the tests; keep the layout of this text stable.
const MINIMAL = `# yaml-language-server: $schema=../schema/issue.schema.json
format: 1
paper: 重庆日报
date: "2024-12-25"
pages:
  - number: 2
    name: 要闻
    layout: broadsheet
    articles:
      - id: gala
        place: {column: 1, span: 5, line: 1, lines: 60}
        headline: 重庆成为2025年春晚分会场
        body:
          - 政务简报
`;

/** Parse text that must fail, returning the collected problems. */
function problems(text: string): readonly IssueError[] {
  try {
    parseIssue(text, FILE);
  } catch (e) {
    assert.ok(e instanceof IssueErrors, `expected IssueErrors, got ${String(e)}`);
    assert.ok(e.errors.length > 0);
    for (const x of e.errors) assert.ok(x instanceof IssueError);
    return e.errors;
  }
  assert.fail('expected parseIssue to throw');
}

function only(text: string): IssueError {
  const errs = problems(text);
  assert.equal(errs.length, 1, errs.map((e) => formatIssueError(e)).join('\n'));
  return errs[0]!;
}

const at = (line: number, column: number) => ({ file: FILE, line, column });

test('a valid minimal issue parses to the expected Issue', () => {
  assert.deepEqual(parseIssue(MINIMAL, FILE), {
    file: FILE,
    paper: '重庆日报',
    date: '2024-12-25',
    pages: [
      {
        number: 2,
        name: '要闻',
        layout: 'broadsheet',
        masthead: false,
        pos: at(6, 5),
        articles: [
          {
            id: 'gala',
            place: { column: 1, span: 5, line: 1, lines: 60 },
            continued: [],
            headline: ['重庆成为2025年春晚分会场'],
            body: [{ kind: 'paragraph', text: '政务简报', pos: at(14, 13) }],
            pictures: [],
            pos: at(10, 9),
          },
        ],
      },
    ],
  });
});

test('a YAML syntax error reports its line and column', () => {
  const e = only(MINIMAL.replace('    name: 要闻', '    name: 要闻: 政务简报'));
  assert.equal(e.code, 'yaml-syntax');
  assert.deepEqual(e.pos, at(7, 11));
  assert.match(e.message, /^YAML syntax error: /);
});

test('an unknown key is reported at the key, with the expected keys', () => {
  const e = only(MINIMAL.replace('        headline:', '        headlin:'));
  assert.equal(e.code, 'unknown-key');
  assert.deepEqual(e.pos, at(12, 9));
  assert.match(e.message, /unknown key "headlin" in article/);
  assert.match(e.message, /did you mean "headline"/);
  assert.match(e.message, /expected one of: id, place, continued, kicker, headline, /);
});

test('an unknown key in a flow mapping points at that key', () => {
  const e = only(MINIMAL.replace('lines: 60}', 'lines: 60, row: 3}'));
  assert.equal(e.code, 'unknown-key');
  assert.deepEqual(e.pos, at(11, 57));
});

test('a wrong type is reported at the value', () => {
  const e = only(MINIMAL.replace('span: 5', 'span: "two"'));
  assert.equal(e.code, 'wrong-type');
  assert.deepEqual(e.pos, at(11, 34));
  assert.equal(e.message, '"span" must be a positive integer, got "two"');
  assert.equal(formatIssueError(e), `${FILE}:11:34: "span" must be a positive integer, got "two"`);
});

test('a missing required key names the key and points at its mapping', () => {
  const e = only(MINIMAL.replace('    layout: broadsheet\n', ''));
  assert.equal(e.code, 'missing-key');
  assert.deepEqual(e.pos, at(6, 5));
  assert.match(e.message, /page is missing required key "layout"/);
});

test('duplicate article ids are rejected at the second, naming the first line', () => {
  const text = MINIMAL + '      - id: gala\n        place: {column: 6, span: 3, line: 1, lines: bottom}\n        body: [政务简报]\n';
  const e = only(text);
  assert.equal(e.code, 'duplicate-id');
  assert.deepEqual(e.pos, at(15, 13));
  assert.match(e.message, /duplicate article id "gala"; first used at line 10/);
});

test('duplicate page numbers are rejected at the second', () => {
  const page = MINIMAL.slice(MINIMAL.indexOf('  - number: 2')).replace('id: gala', 'id: briefs');
  const e = only(MINIMAL + page);
  assert.equal(e.code, 'duplicate-page');
  assert.deepEqual(e.pos, at(15, 13));
  assert.match(e.message, /page number 2 is used twice; first at line 6/);
});

test('headline: a string becomes one line, a list keeps its lines', () => {
  const one = parseIssue(MINIMAL, FILE).pages[0]!.articles[0]!;
  assert.deepEqual(one.headline, ['重庆成为2025年春晚分会场']);
  const two = parseIssue(MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: [减少涉企行政检查频次, 杜绝随意检查]'), FILE);
  assert.deepEqual(two.pages[0]!.articles[0]!.headline, ['减少涉企行政检查频次', '杜绝随意检查']);
  const three = only(MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: [减少涉企行政检查频次, 杜绝随意检查, 政务简报]'));
  assert.equal(three.code, 'bad-value');
  assert.match(three.message, /"headline" can have at most 2 lines/);
});

test('lines: bottom is kept; other strings are rejected', () => {
  const issue = parseIssue(MINIMAL.replace('lines: 60', 'lines: bottom'), FILE);
  assert.deepEqual(issue.pages[0]!.articles[0]!.place, { column: 1, span: 5, line: 1, lines: 'bottom' });
  const e = only(MINIMAL.replace('lines: 60', 'lines: end'));
  assert.deepEqual(e.pos, at(11, 53));
  assert.equal(e.message, '"lines" must be a positive integer or "bottom", got "end"');
});

test('body items normalise to BodyBlocks, strings are trimmed', () => {
  const text = MINIMAL.replace(
    '          - 政务简报\n',
    [
      '          - "  政务简报\\t "',
      '          - lead: 王志杰：',
      '            text: 政务简报',
      '            hang: true',
      '          - text: 政务简报',
      '          - subhead: 减少涉企行政检查频次',
      '          - bullets: [减少涉企行政检查频次, 杜绝随意检查]',
      '',
    ].join('\n'),
  );
  const body = parseIssue(text, FILE).pages[0]!.articles[0]!.body;
  assert.deepEqual(body, [
    { kind: 'paragraph', text: '政务简报', pos: at(14, 13) },
    { kind: 'paragraph', lead: '王志杰：', text: '政务简报', hang: true, pos: at(15, 13) },
    { kind: 'paragraph', text: '政务简报', pos: at(18, 13) },
    { kind: 'subhead', text: '减少涉企行政检查频次', pos: at(19, 13) },
    { kind: 'bullets', items: ['减少涉企行政检查频次', '杜绝随意检查'], pos: at(20, 13) },
  ]);
});

test('a bad body item is explained against the form it resembles', () => {
  const errs = problems(MINIMAL.replace('          - 政务简报\n', '          - lead: 王志杰：\n          - {subhead: 政务简报, text: 政务简报}\n'));
  assert.deepEqual(
    errs.map((e) => [e.code, e.pos.line, e.pos.column]),
    [
      ['missing-key', 14, 13],
      ['unknown-key', 15, 29],
    ],
  );
  assert.match(errs[0]!.message, /body paragraph is missing required key "text"/);
  assert.match(errs[1]!.message, /unknown key "text" in body subhead/);
});

test('table, pictures, note, briefs and optional fields come through', () => {
  const text = MINIMAL.replace(
    '        body:\n',
    [
      '        kicker: 政务简报',
      '        byline: 夏元',
      '        note: [减少涉企行政检查频次]',
      '        briefs: [杜绝随意检查]',
      '        table:',
      '          - [主持人, 夏元, ""]',
      '        pictures:',
      '          - place: {column: 1, span: 3, line: 1, lines: 20}',
      '            caption: 政务简报',
      '        body:',
      '',
    ].join('\n'),
  ).replace('    layout: broadsheet\n', '    layout: broadsheet\n    editor: 夏元\n') + 'edition: 12345\n';
  const issue = parseIssue(text, FILE);
  assert.equal(issue.edition, 12345);
  assert.equal(issue.pages[0]!.editor, '夏元');
  const a = issue.pages[0]!.articles[0]!;
  assert.equal(a.kicker, '政务简报');
  assert.equal(a.byline, '夏元');
  assert.deepEqual(a.note, ['减少涉企行政检查频次']);
  assert.deepEqual(a.briefs, ['杜绝随意检查']);
  assert.deepEqual(a.table, { rows: [['主持人', '夏元', '']], pos: at(19, 11) });
  assert.deepEqual(a.pictures, [{ place: { column: 1, span: 3, line: 1, lines: 20 }, caption: '政务简报', pos: at(21, 13) }]);
});

test('a number in a table cell asks for quotes', () => {
  const e = only(MINIMAL.replace('        body:\n          - 政务简报\n', '        table:\n          - [主持人, 2025]\n'));
  assert.equal(e.code, 'wrong-type');
  assert.deepEqual(e.pos, at(14, 19));
  assert.match(e.message, /"table" row 1 cell 2 must be text .*put it in quotes: "2025"/);
});

test('dates: must be a real calendar date; an unquoted YAML 1.1 date is accepted', () => {
  const e = only(MINIMAL.replace('"2024-12-25"', '"2025-02-29"'));
  assert.equal(e.code, 'invalid-date');
  assert.deepEqual(e.pos, at(4, 7));
  assert.equal(only(MINIMAL.replace('"2024-12-25"', '2024/12/25')).code, 'bad-value');
  const v11 = parseIssue('%YAML 1.1\n---\n' + MINIMAL.replace('"2024-12-25"', '2024-12-25'), FILE);
  assert.equal(v11.date, '2024-12-25');
});

test('an article with nothing to set is rejected', () => {
  const e = only(MINIMAL.replace('        headline: 重庆成为2025年春晚分会场\n        body:\n          - 政务简报\n', '        kicker: 政务简报\n'));
  assert.equal(e.code, 'no-content');
  assert.deepEqual(e.pos, at(10, 9));
});

test('all problems are reported together, in file order', () => {
  const errs = problems(MINIMAL.replace('format: 1', 'format: 2').replace('span: 5', 'span: 0').replace('        headline:', '        headlin:'));
  assert.deepEqual(
    errs.map((e) => [e.code, e.pos.line]),
    [
      ['bad-value', 2],
      ['bad-value', 11],
      ['unknown-key', 12],
    ],
  );
  const lines = formatIssueError(new IssueErrors(errs)).split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^issues\/test\.yaml:2:9: "format" must be 1/);
});

test('an empty file says what it should contain', () => {
  const e = only('');
  assert.deepEqual(e.pos, at(1, 1));
  assert.match(e.message, /empty; expected a mapping with format, paper, date and pages/);
});

test('loadIssue: reads a file, and a missing file is a missing-file problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'banmian-issue-'));
  const path = join(dir, 'ok.yaml');
  writeFileSync(path, MINIMAL);
  assert.equal(loadIssue(path).file, path);

  const missing = join(dir, 'nope.yaml');
  assert.throws(
    () => loadIssue(missing),
    (e: unknown) => e instanceof IssueErrors && e.errors.length === 1 && e.errors[0]!.code === 'missing-file' && e.errors[0]!.pos.file === missing,
  );

  const gbk = join(dir, 'gbk.yaml');
  // "paper: " followed by 重庆 encoded as GB18030.
  writeFileSync(gbk, Buffer.concat([Buffer.from('format: 1\npaper: '), Buffer.from([0xd6, 0xd8, 0xc7, 0xec]), Buffer.from('\n')]));
  assert.throws(
    () => loadIssue(gbk),
    (e: unknown) => e instanceof IssueErrors && e.errors[0]!.code === 'encoding' && e.errors[0]!.pos.line === 2 && e.errors[0]!.pos.column === 8,
  );
});
