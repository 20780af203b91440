import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIssue, parseIssue } from '../src/issue/parse.js';
import { IssueError, IssueErrors, formatIssueError } from '../src/issue/errors.js';

const FILE = 'issues/test.yaml';

// Line numbers below are referred to by the tests; keep the layout of this text stable.
/** An issue's lines down to its first page's articles: eight lines, which the positions below count on. */
const PAGE_HEAD = `format: 1
paper: 重庆日报
date: "2024-12-25"
pages:
  - number: 2
    name: 要闻
    layout: broadsheet
    articles:
`;
const MINIMAL = `# yaml-language-server: $schema=../schema/issue.schema.json
${PAGE_HEAD}      - id: gala
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
        spaces: [],
        teasers: [],
        articles: [
          {
            id: 'gala',
            place: { column: 1, span: 5, line: 1, lines: 60 },
            kind: 'story',
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

test('a value deep in the file is placed at itself, and one reached through an alias at the alias', () => {
  const text = `${PAGE_HEAD}      - id: first
        headline: 一
        body: &told
          - 第一段
          - {text: 5}
      - id: second
        headline: 二
        body: *told
`;
  assert.deepEqual(
    problems(text).map((e) => [e.pos.line, e.pos.column, e.message]),
    [
      [13, 20, '"text" must be text (a string), got the number 5 — put it in quotes: "5"'],
      [16, 15, '"text" must be text (a string), got the number 5 — put it in quotes: "5"'],
    ],
  );
});

test('an alias takes the value its anchor was last given before it, an anchor on a key too', () => {
  const text = `${PAGE_HEAD}      - id: one
        headline: &h 一
        body: [&p 段, *p, &p 二段, *p, {&k text: 正文}]
      - id: two
        headline: *h
        body: [*p, &p 三, *p, *k]
`;
  const [one, two] = parseIssue(text, FILE).pages[0]!.articles;
  assert.deepEqual(one!.body.map((b) => b.kind === 'bullets' ? b.items : b.text), ['段', '段', '二段', '二段', '正文']);
  assert.deepEqual(two!.headline, ['一']);
  assert.deepEqual(two!.body.map((b) => b.kind === 'bullets' ? b.items : b.text), ['二段', '三', '三', 'text']);
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
  assert.equal(e.message, '"lines" must be a positive integer or "bottom" (to the foot of the type area) or "auto" (as deep as its content), got "end"');
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

// ---------------------------------------------------------------------------
// Places below other articles, 变栏, kinds, ranks, fixed headline sizes, 转版题, page spaces

/** Position of the `nth` (from 0) occurrence of `needle` in `text`, `skip` characters in: where a value starts. */
function where(text: string, needle: string, skip = 0, nth = 0): { file: string; line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `the fixture lacks ${needle}`);
  const before = text.slice(0, at + skip);
  return { file: FILE, line: before.split('\n').length, column: before.length - (before.lastIndexOf('\n') + 1) + 1 };
}

// 春晚 opens on page 1 and goes on on page 2; the briefs stand under it on page 1 and the State
// Council story under its continuation on page 2.
const BELOW = `format: 1
paper: 重庆日报
date: "2024-12-25"
pages:
  - number: 1
    name: 要闻
    layout: broadsheet
    articles:
      - id: gala
        place: {column: 1, span: 5, line: 1, lines: 40}
        headline: 重庆成为2025年春晚分会场
        continued:
          - {page: 2, place: {column: 1, span: 5, line: 1, lines: auto}, headline: 重庆成为2025年春晚分会场}
      - id: briefs
        place: {column: 1, span: 5, line: {below: gala}, lines: auto}
        briefs: [政务简报]
  - number: 2
    name: 要闻
    layout: broadsheet
    articles:
      - id: council
        place: {column: 1, span: 5, line: {below: gala}, lines: bottom}
        headline: 减少涉企行政检查频次
`;
const BRIEFS_BELOW = '{below: gala}, lines: auto';
const COUNCIL_BELOW = '{below: gala}, lines: bottom';
const VALUE = '{below: '.length;

test('place: line {below: ID} and lines: auto come through as a PlaceSpec, with the position of "below"', () => {
  const issue = parseIssue(BELOW, FILE);
  const [gala, briefs] = issue.pages[0]!.articles;
  assert.deepEqual(briefs!.place, { column: 1, span: 5, line: { below: 'gala', pos: where(BELOW, BRIEFS_BELOW, VALUE) }, lines: 'auto' });
  assert.deepEqual(issue.pages[1]!.articles[0]!.place!.line, { below: 'gala', pos: where(BELOW, COUNCIL_BELOW, VALUE) });
  assert.deepEqual(gala!.continued, [
    { page: 2, place: { column: 1, span: 5, line: 1, lines: 'auto' }, headline: '重庆成为2025年春晚分会场', pos: where(BELOW, '{page: 2') },
  ]);
});

test('below: an id the issue does not have is reported at the value, with the id it resembles', () => {
  const text = BELOW.replace(BRIEFS_BELOW, '{below: gal}, lines: auto');
  const e = only(text);
  assert.equal(e.code, 'bad-below');
  assert.deepEqual(e.pos, where(text, '{below: gal}', VALUE));
  assert.match(e.message, /names article "gal", which the issue does not have \(did you mean "gala"\?\); name an article on page 1/);
});

test('below: an article with no part on the page is reported, with the pages it has parts on', () => {
  const text = BELOW.replace(COUNCIL_BELOW, '{below: briefs}, lines: bottom');
  const e = only(text);
  assert.equal(e.code, 'bad-below');
  assert.deepEqual(e.pos, where(text, '{below: briefs}', VALUE));
  assert.match(e.message, /names article "briefs", which has no part on page 2 \(it stands on page 1\)/);
});

test('below: an article below itself is reported', () => {
  const text = BELOW.replace(BRIEFS_BELOW, '{below: briefs}, lines: auto');
  const e = only(text);
  assert.equal(e.code, 'bad-below');
  assert.deepEqual(e.pos, where(text, '{below: briefs}', VALUE));
  assert.match(e.message, /^article "briefs" names its own article in "below"; give "line" a number/);
});

test('below: a loop is reported at every member, each with the chain read from it', () => {
  const text = BELOW.replace('{column: 1, span: 5, line: 1, lines: 40}', '{column: 1, span: 5, line: {below: briefs}, lines: 40}');
  const errs = problems(text);
  assert.deepEqual(
    errs.map((e) => [e.code, e.pos]),
    [
      ['bad-below', where(text, '{below: briefs}', VALUE)],
      ['bad-below', where(text, BRIEFS_BELOW, VALUE)],
    ],
  );
  assert.match(errs[0]!.message, /makes a loop on page 1: "gala" below "briefs" below "gala"; .*give one of them a line number/);
  assert.match(errs[1]!.message, /makes a loop on page 1: "briefs" below "gala" below "briefs"/);
});

test('below: a continuation counts as a part on its page, and closes a loop there', () => {
  const text = BELOW.replace('{page: 2, place: {column: 1, span: 5, line: 1,', '{page: 2, place: {column: 1, span: 5, line: {below: council},');
  const errs = problems(text);
  assert.deepEqual(
    errs.map((e) => e.pos),
    [where(text, '{below: council}', VALUE), where(text, COUNCIL_BELOW, VALUE)],
  );
  assert.match(errs[0]!.message, /^"below" makes a loop on page 2: "gala" below "council" below "gala"/);
});

test('line must be a number or {below: ID}; lines: auto is for article and continuation places only', () => {
  const bad = only(MINIMAL.replace('line: 1,', 'line: top,'));
  assert.equal(bad.code, 'wrong-type');
  assert.deepEqual(bad.pos, where(MINIMAL, 'line: 1,', 'line: '.length));
  assert.equal(bad.message, '"line" must be a positive integer, or {below: ARTICLE_ID} to start under that article, got "top"');
  const picture = MINIMAL.replace('        body:\n', '        pictures:\n          - place: {column: 1, span: 3, line: 1, lines: auto}\n        body:\n');
  const e = only(picture);
  assert.deepEqual(e.pos, where(picture, 'lines: auto', 'lines: '.length));
  assert.equal(e.message, '"lines" must be a positive integer or "bottom", got "auto"');
});

test('kind, rank, columns and a headline mapping with a size come through', () => {
  const text = MINIMAL.replace(
    '        headline: 重庆成为2025年春晚分会场\n',
    '        kind: photo\n        rank: lead\n        columns: 4\n        headline: {text: [减少涉企行政检查频次, 杜绝随意检查], size: 小初}\n',
  );
  const a = parseIssue(text, FILE).pages[0]!.articles[0]!;
  assert.equal(a.kind, 'photo');
  assert.equal(a.rank, 'lead');
  assert.equal(a.columns, 4);
  assert.deepEqual(a.headline, ['减少涉企行政检查频次', '杜绝随意检查']);
  assert.equal(a.headlineSize, '小初');
  const points = parseIssue(MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: {text: 重庆成为2025年春晚分会场, size: 30}'), FILE).pages[0]!.articles[0]!;
  assert.deepEqual([points.headline, points.headlineSize, points.kind], [['重庆成为2025年春晚分会场'], 30, 'story']);
});

test('kind must be story or photo', () => {
  const text = MINIMAL.replace('        headline:', '        kind: picture\n        headline:');
  const e = only(text);
  assert.equal(e.code, 'bad-value');
  assert.deepEqual(e.pos, where(text, 'kind: picture', 'kind: '.length));
  assert.equal(e.message, '"kind" must be one of "story", "photo", got "picture"');
});

test('columns beyond the span are reported at "columns"', () => {
  const text = MINIMAL.replace('        headline:', '        columns: 6\n        headline:');
  const e = only(text);
  assert.equal(e.code, 'bad-value');
  assert.deepEqual(e.pos, where(text, 'columns: 6', 'columns: '.length));
  assert.equal(e.message, '"columns" is 6, more than the 5 columns the article spans; give at most 5, or widen its place');
});

test('headline mapping: its text has at most two lines, its size is a 号 name or points, and it needs text without a story', () => {
  const three = MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: {text: [减少涉企行政检查频次, 杜绝随意检查, 政务简报], size: 小初}');
  const e3 = only(three);
  assert.deepEqual(e3.pos, where(three, '{text: [', '{text: '.length));
  assert.equal(e3.message, '"text" can have at most 2 lines, got 3');

  const size = MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: {text: 重庆成为2025年春晚分会场, size: 0}');
  const es = only(size);
  assert.equal(es.code, 'wrong-type');
  assert.deepEqual(es.pos, where(size, 'size: 0', 'size: '.length));
  assert.match(es.message, /^"size" must be a 号 name such as 小初, or a size in points \(a positive number\), got the number 0$/);

  const bare = MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: {size: 小初}');
  const eb = only(bare);
  assert.equal(eb.code, 'missing-key');
  assert.deepEqual(eb.pos, where(bare, '{size: 小初}'));
  assert.match(eb.message, /"headline" has no "text"; write the headline there, or take it from a story file/);

  const other = only(MINIMAL.replace('headline: 重庆成为2025年春晚分会场', 'headline: 5'));
  assert.match(other.message, /"headline" must be a string, a list of 1–2 strings \(one per line\), or a mapping with "text" and "size", got the number 5/);
});

test('a continuation takes a 转版题; an unknown key there names it', () => {
  const e = only(BELOW.replace('}, headline: 重庆', '}, headlin: 重庆'));
  assert.equal(e.code, 'unknown-key');
  assert.match(e.message, /unknown key "headlin" in continuation \(did you mean "headline"\?\); expected one of: page, place, headline/);
});

test('page spaces come through; a space is "ad" or "reserved" and has a grid place', () => {
  const spaces = '    spaces:\n      - {place: {column: 6, span: 3, line: 1, lines: 20}, kind: reserved, label: 政务简报}\n      - {place: {column: 6, span: 3, line: 21, lines: bottom}, kind: ad}\n';
  const text = MINIMAL.replace('    articles:\n', spaces + '    articles:\n');
  assert.deepEqual(parseIssue(text, FILE).pages[0]!.spaces, [
    { place: { column: 6, span: 3, line: 1, lines: 20 }, kind: 'reserved', label: '政务简报', pos: where(text, '{place: {column: 6', 0, 0) },
    { place: { column: 6, span: 3, line: 21, lines: 'bottom' }, kind: 'ad', pos: where(text, '{place: {column: 6', 0, 1) },
  ]);
  const bad = text.replace('kind: ad}', 'kind: advert}');
  const e = only(bad);
  assert.deepEqual(e.pos, where(bad, 'kind: advert', 'kind: '.length));
  assert.equal(e.message, '"kind" must be one of "ad", "reserved", got "advert"');
  const below = text.replace('line: 21,', 'line: {below: gala},');
  assert.equal(only(below).message, '"line" must be a positive integer, got a mapping');
});

test('story must name a .md or .json file', () => {
  const text = MINIMAL.replace('        body:\n          - 政务简报\n', '        story: gala.txt\n');
  const e = only(text);
  assert.equal(e.code, 'bad-value');
  assert.deepEqual(e.pos, where(text, 'gala.txt'));
  assert.match(e.message, /"story" must name a \.md or \.json story file/);
});
