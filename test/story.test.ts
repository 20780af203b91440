// Story files: an article's text as the editorial system exports it (.md) or a wire service sends
// it (.json) composes exactly as the same text written in the issue; the issue's own keys win; a
// broken story file is bad input at its own line and column. The Chinese text is copied at test
// time from the sample issue.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { IssueErrors, type IssueError } from '../src/issue/errors.js';
import { loadIssue } from '../src/issue/parse.js';
import { parseJsonStory, parseMarkdownStory } from '../src/issue/story.js';
import { composeFile } from '../src/pipeline/compose.js';
import { issueYaml } from './fixture.js';
import { readPdf } from './readback.js';
import { ROOT, escapeRegExp, runCompose } from './spawn.js';

// ---------------------------------------------------------------------------
// Real copy from the sample

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(join(ROOT, 'issues', 'cqrb-2024-12-25.yaml'), 'utf8')) as { pages: { articles: Obj[] }[] };
const articleOf = (id: string) => sample.pages.flatMap((p) => p.articles).find((a) => a.id === id)!;
const plain = (id: string) => (articleOf(id).body as unknown[]).filter((b): b is string => typeof b === 'string');

/** The body items of an article that are mappings (lead-ins, 小标题, bullets). */
const blocks = (id: string) => (articleOf(id).body as unknown[]).filter((b): b is Obj => typeof b === 'object');

const council = articleOf('state-council');
const councilBody = blocks('state-council');
const KICKER = String(council.kicker);
const HEADLINE = String(council.headline).split(' '); // the desk's two lines
const BULLETS = councilBody.find((b) => 'bullets' in b)!.bullets as string[];
const LEAD = councilBody.find((b) => 'lead' in b) as { lead: string; text: string };
const [P1, P2] = plain('state-council');
const SUBHEAD = String(blocks('roundtable').find((b) => 'subhead' in b)!.subhead);
const GALA = plain('spring-gala');
const GALA_HEADLINE = String(articleOf('spring-gala').headline);
const BYLINE = /（(.+?)）/.exec(GALA[0]!)![1]!; // 新重庆-重庆日报记者 卞立成

const at = P1!.indexOf('，') + 1; // a paragraph as the editorial system wraps it: two lines, joined again with nothing

/** The 国务院常务会议 story as a Markdown story file: every header line and every kind of body block. */
const MARKDOWN = [
  `引题：${KICKER}`,
  `# ${HEADLINE[0]}`,
  `# ${HEADLINE[1]}`,
  `副题:${SUBHEAD}`, // an ASCII colon does too
  `署名：${BYLINE}`,
  '',
  ...BULLETS.map((b) => `- ${b}`),
  '',
  `**${LEAD.lead}**${LEAD.text}`,
  '',
  `　　${P1!.slice(0, at)}`,
  P1!.slice(at),
  '',
  `## ${SUBHEAD}`,
  '',
  P2!,
  '',
].join('\n');

/** The same story written in the issue. */
const INLINE_KEYS = [
  `        kicker: ${JSON.stringify(KICKER)}`,
  `        headline: ${JSON.stringify(HEADLINE)}`,
  `        subhead: ${JSON.stringify(SUBHEAD)}`,
  `        byline: ${JSON.stringify(BYLINE)}`,
  '        body:',
  `          - ${JSON.stringify({ bullets: BULLETS })}`,
  `          - ${JSON.stringify(LEAD)}`,
  `          - ${JSON.stringify(P1)}`,
  `          - ${JSON.stringify({ subhead: SUBHEAD })}`,
  `          - ${JSON.stringify(P2)}`,
];

const PLACE = '{column: 1, span: 4, line: 1, lines: bottom}';
const issueWith = (extra: string[]) => issueYaml('broadsheet', [{ id: 'state-council', place: PLACE, body: [], extra }]);

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-story-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes the issue (and its story files) into a folder of their own; returns the issue's path. */
function folder(name: string, issue: string, files: Record<string, string> = {}): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  writeFileSync(join(dir, 'issue.yaml'), issue);
  return join(dir, 'issue.yaml');
}

async function pdfOf(issue: string): Promise<Buffer> {
  const { pdf } = await composeFile(issue, join(issue, '..', 'out'));
  return readFileSync(pdf);
}

const textOf = (pdf: Buffer) => readPdf(pdf).flatMap((p) => p.lines.map((l) => l.text)).join('\n');

/** The problems loadIssue reports. */
function problems(issue: string): readonly IssueError[] {
  try {
    loadIssue(issue);
  } catch (e) {
    assert.ok(e instanceof IssueErrors, String(e));
    return e.errors;
  }
  assert.fail('expected loadIssue to throw');
}

/** 1-based line and column of the first `needle` in `text`, `skip` characters in. */
function position(text: string, needle: string, skip = 0): { line: number; column: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `the fixture lacks ${needle}`);
  const before = text.slice(0, i + skip);
  return { line: before.split('\n').length, column: before.length - (before.lastIndexOf('\n') + 1) + 1 };
}

// ---------------------------------------------------------------------------
// The same text, the same PDF

test('a .md story composes the same PDF as the same text in the issue', async () => {
  const inline = await pdfOf(folder('md-inline', issueWith(INLINE_KEYS)));
  const story = await pdfOf(folder('md-story', issueWith(['        story: stories/council.md']), { 'stories/council.md': MARKDOWN }));
  assert.ok(inline.equals(story), 'the two PDFs differ');
});

test('a .json story composes the same PDF as the same text in the issue', async () => {
  const json = JSON.stringify({ headline: GALA_HEADLINE, kicker: null, subhead: null, byline: null, paragraphs: GALA }, null, 2);
  const body = ['        body:', ...GALA.map((p) => `          - ${JSON.stringify(p)}`)];
  const inline = await pdfOf(folder('json-inline', issueYaml('broadsheet', [{ id: 'spring-gala', place: PLACE, body: [], extra: [`        headline: ${JSON.stringify(GALA_HEADLINE)}`, ...body] }])));
  const story = await pdfOf(folder('json-story', issueYaml('broadsheet', [{ id: 'spring-gala', place: PLACE, body: [], extra: ['        story: gala.json'] }]), { 'gala.json': json }));
  assert.ok(inline.equals(story), 'the two PDFs differ');
});

test('a headline given in the issue wins over the story’s, and shows in the PDF', async () => {
  const issue = folder('override', issueWith([`        headline: ${JSON.stringify(GALA_HEADLINE)}`, '        story: council.md']), { 'council.md': MARKDOWN });
  const text = textOf(await pdfOf(issue));
  assert.ok(text.includes(GALA_HEADLINE), 'the issue’s headline is not in the PDF');
  assert.ok(!text.includes(HEADLINE[0]!), 'the story’s headline is in the PDF');
  assert.ok(text.includes(KICKER), 'the story’s kicker is not in the PDF');
});

// ---------------------------------------------------------------------------
// What the story gives the article

test('a .md story: header lines, bullets, a lead-in, a wrapped paragraph and a 小标题, at their lines in the story file', () => {
  const file = 'council.md';
  const story = parseMarkdownStory(MARKDOWN, file);
  const pos = (needle: string) => ({ file, ...position(MARKDOWN, needle) });
  assert.deepEqual(story, {
    kicker: KICKER,
    headline: HEADLINE,
    subhead: SUBHEAD,
    byline: BYLINE,
    body: [
      { kind: 'bullets', items: BULLETS, pos: pos(`- ${BULLETS[0]}`) },
      { kind: 'paragraph', lead: LEAD.lead, text: LEAD.text, pos: pos(`**${LEAD.lead}`) },
      { kind: 'paragraph', text: P1, pos: pos(P1!.slice(0, at)) },
      { kind: 'subhead', text: SUBHEAD, pos: pos(`## ${SUBHEAD}`) },
      { kind: 'paragraph', text: P2, pos: pos(P2!) },
    ],
  });
});

test('the issue’s keys override the story’s one by one; the body only as a whole', () => {
  const issue = folder('keys', issueWith([`        kicker: ${JSON.stringify(GALA_HEADLINE)}`, '        story: council.md', '        body:', `          - ${JSON.stringify(GALA[0])}`]), { 'council.md': MARKDOWN });
  const a = loadIssue(issue).pages[0]!.articles[0]!;
  assert.deepEqual([a.kicker, a.headline, a.subhead, a.byline], [GALA_HEADLINE, HEADLINE, SUBHEAD, BYLINE]);
  assert.deepEqual(
    a.body.map((b) => b.kind === 'paragraph' && b.text),
    [GALA[0]],
  );
  assert.equal(a.story, join(tmp, 'keys', 'council.md'));
});

test('a headline mapping may give only the size and take its text from the story', () => {
  const issue = folder('size', issueWith(['        headline: {size: 小初}', '        story: council.md']), { 'council.md': MARKDOWN });
  const a = loadIssue(issue).pages[0]!.articles[0]!;
  assert.deepEqual([a.headline, a.headlineSize], [HEADLINE, '小初']);
  const none = folder('size-none', issueWith(['        headline: {size: 小初}', '        story: gala.md']), { 'gala.md': `\n${GALA[0]}\n` });
  const [e] = problems(none);
  assert.equal(e!.code, 'missing-key');
  assert.match(e!.message, /"headline" gives a size, but story file .*gala\.md has no headline/);
});

test('a .md story without a header starts with a blank line; an unknown header line says so', () => {
  assert.deepEqual(parseMarkdownStory(`\n${GALA[0]}\n`, 'gala.md').body, [{ kind: 'paragraph', text: GALA[0], pos: { file: 'gala.md', line: 2, column: 1 } }]);
  const e = markdownProblems(`${GALA[0]}\n`);
  assert.deepEqual(e.map((x) => [x.code, x.pos.line, x.pos.column]), [['bad-story', 1, 1]]);
  assert.match(e[0]!.message, /unknown header line .*takes 引题：, "# " \(主题, one or two lines\), 副题： and 署名：\. A story without a header starts with a blank line/);
});

function markdownProblems(text: string): readonly IssueError[] {
  try {
    parseMarkdownStory(text, 'story.md');
  } catch (e) {
    assert.ok(e instanceof IssueErrors, String(e));
    return e.errors;
  }
  assert.fail('expected parseMarkdownStory to throw');
}

test('.md story errors at their own line and column: empty #, a third #, a stray **, an unclosed **', () => {
  const text = [`# ${HEADLINE[0]}`, '# ', `# ${HEADLINE[1]}`, `# ${GALA_HEADLINE}`, '', `${P1!.slice(0, at)}**${P1!.slice(at)}`, '', `**${LEAD.lead}${LEAD.text}`, ''].join('\n');
  const errs = markdownProblems(text);
  assert.deepEqual(
    errs.map((e) => [e.pos.line, e.pos.column]),
    [
      [2, 1],
      [4, 1],
      [6, at + 1],
      [8, 1],
    ],
  );
  assert.match(errs[0]!.message, /an empty "#" headline line/);
  assert.match(errs[1]!.message, /a third "#" line: a headline has one or two lines/);
  assert.match(errs[2]!.message, /bold \(\*\*\) can only open a paragraph as its lead-in/);
  assert.match(errs[3]!.message, /this \*\* is never closed/);
});

test('.json story errors at the story file’s line and column: bad JSON, a wrong type, an unknown key', () => {
  const broken = `{\n  "headline": ${JSON.stringify(GALA_HEADLINE)},\n  "paragraphs": [${JSON.stringify(GALA[0])},]\n}\n`;
  assert.throws(
    () => parseJsonStory(broken, 'gala.json'),
    (e: unknown) => e instanceof IssueErrors && e.errors[0]!.code === 'bad-story' && e.errors[0]!.pos.line === 3 && e.errors[0]!.pos.column === broken.split('\n')[2]!.indexOf(',]') + 2,
  );
  const wrong = `{"headline": ${JSON.stringify(GALA_HEADLINE)}, "byline": 12, "paragraph": ${JSON.stringify(GALA)}}`;
  assert.throws(
    () => parseJsonStory(wrong, 'gala.json'),
    (e: unknown) => {
      assert.ok(e instanceof IssueErrors);
      const found = e.errors.map((x) => [x.code, x.pos.column]).sort();
      const expected = [
        ['missing-key', 1],
        ['unknown-key', wrong.indexOf('"paragraph"') + 1],
        ['wrong-type', wrong.indexOf('12') + 1],
      ].sort();
      assert.deepEqual(found, expected);
      return true;
    },
  );
});

// ---------------------------------------------------------------------------
// Which files a story may come from

test('a missing story file, or one outside the issue’s folder and the project, is bad input at "story"', () => {
  const missing = folder('missing', issueWith(['        story: nope.md']));
  const [e] = problems(missing);
  assert.equal(e!.code, 'missing-file');
  assert.deepEqual({ ...e!.pos }, { file: missing, ...position(readFileSync(missing, 'utf8'), 'nope.md') });

  const outside = folder('outside', issueWith(['        story: ../elsewhere/council.md']));
  mkdirSync(join(tmp, 'elsewhere'), { recursive: true });
  writeFileSync(join(tmp, 'elsewhere', 'council.md'), MARKDOWN);
  const [o] = problems(outside);
  assert.equal(o!.code, 'outside');
  assert.match(o!.message, /is outside the issue's folder and the project/);

  const linked = folder('linked', issueWith(['        story: council.md']));
  symlinkSync(join(tmp, 'elsewhere', 'council.md'), join(tmp, 'linked', 'council.md'));
  assert.equal(problems(linked)[0]!.code, 'outside');
});

test('an unclosed ** on line 5 of the story exits 2 with story.md:5:COL and writes no PDF', async () => {
  const story = [`# ${GALA_HEADLINE}`, '', GALA[0], '', `**${LEAD.lead}${LEAD.text}`, ''].join('\n');
  const issue = folder('cli', issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', body: [], extra: ['        story: story.md'] }]), { 'story.md': story });
  const out = join(tmp, 'cli', 'out');
  const run = await runCompose([issue, '-o', out]);
  assert.equal(run.code, 2, run.stderr);
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, run.stderr);
  const { line, column } = position(story, `**${LEAD.lead}`);
  assert.equal(line, 5);
  assert.match(lines[0]!, new RegExp(`^${escapeRegExp(join(tmp, 'cli', 'story.md'))}:5:${column}: error: this \\*\\* is never closed`));
  assert.ok(!existsSync(join(out, 'issue.pdf')), 'a PDF was written');
});
