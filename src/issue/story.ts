// Story files: an article's text as the editorial system exports it, in Markdown or in the JSON a
// wire service sends. Problems are reported at the story file's own line and column.
import { dirname, extname, isAbsolute, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { storyFolders, workspaceOf, type Workspace } from '../workspace/workspace.js';
import { IssueError, IssueErrors } from './errors.js';
import { jsonSyntaxError } from './json.js';
import { positionIn, readDeskFile } from './read.js';
import { Locator, describe, isObj, schemaProblems, type Json } from './schema.js';
import { textLines, trimmed } from './text.js';
import type { Article, BodyBlock, SourcePos } from './types.js';

/** What a story file gives its article; the keys the issue gives itself win. */
export type Story = Pick<Article, 'kicker' | 'headline' | 'subhead' | 'byline' | 'body'>;

/**
 * The story file an article names (`name` as written, at `at` in `issueFile`), read from the
 * issue's folder, its workspace or the workspace's story folders (`ws`, else the one found from
 * the issue file). Throws IssueErrors: the file's own problems at its lines and columns.
 */
export function loadStory(name: string, issueFile: string, at: SourcePos, ws?: Workspace): { path: string; story: Story } {
  const path = isAbsolute(name) ? name : join(dirname(issueFile), name);
  let text: string;
  try {
    const within = { folders: storyFolders(issueFile, ws ?? workspaceOf(issueFile)), outside: `story file ${path} is outside the issue's folder and the project (its workspace and the stories: folders of its banmian.yaml); move it into the issue's folder` };
    text = readDeskFile({ path, at, noun: `story file ${path}`, ext: '.md or .json', empty: 'export the story again, or remove "story"', within });
  } catch (e) {
    throw e instanceof IssueError ? new IssueErrors([e]) : e;
  }
  return { path, story: extname(path) === '.json' ? parseJsonStory(text, path) : parseMarkdownStory(text, path) };
}

// ---------------------------------------------------------------------------
// Markdown

/** One line of a story file without its surrounding blanks, at its first character. */
interface Line {
  text: string;
  pos: SourcePos;
}

const LABELS = { 引题: 'kicker', 副题: 'subhead', 署名: 'byline' } as const;
const LABEL_LINE = /^(引题|副题|署名)[：:](.*)$/;
const HEADLINE_LINE = /^#(\s.*)?$/;
const SUBHEAD_LINE = /^##(\s.*)?$/;
const BULLET_LINE = /^-(\s.*)?$/;
const HEADING_LINE = /^#+(\s|$)/;

/**
 * A Markdown story: header lines up to the first blank line (引题：, one or two `# ` lines, 副题：,
 * 署名：; an ASCII colon does too), then the body: paragraphs between blank lines, `## ` 小标题,
 * `- ` bullets, `**LEAD**` opening a paragraph for a bold lead-in. Throws IssueErrors.
 */
export function parseMarkdownStory(text: string, file: string): Story {
  const lines: Line[] = text.split('\n').map((raw, i) => ({ text: raw.trim(), pos: { file, line: i + 1, column: raw.length - raw.trimStart().length + 1 } }));
  const problems: IssueError[] = [];
  const story: Story = { body: [] };
  let i = 0;
  for (; i < lines.length && lines[i]!.text !== ''; i++) headerLine(lines[i]!, story, problems);
  story.body = body(lines.slice(i), problems);
  if (problems.length) throw new IssueErrors(problems);
  return story;
}

function headerLine(l: Line, story: Story, problems: IssueError[]): void {
  const bad = (message: string) => problems.push(new IssueError('bad-story', l.pos, message));
  stars(l, 0, problems);
  const h = HEADLINE_LINE.exec(l.text);
  if (h) {
    const line = trimmed(h[1] ?? '');
    story.headline ??= [];
    if (!line) bad('an empty "#" headline line; write the headline after "# ", or remove the line');
    else if (story.headline.length === 2) bad('a third "#" line: a headline has one or two lines; join two of them');
    else story.headline.push(line);
    return;
  }
  const m = LABEL_LINE.exec(l.text);
  if (!m) {
    bad(
      `unknown header line ${describe(l.text)}; the header (the lines before the first blank line) takes 引题：, "# " (主题, one or two lines), 副题： and 署名：. ` +
        'A story without a header starts with a blank line',
    );
    return;
  }
  const label = m[1] as keyof typeof LABELS;
  const value = trimmed(m[2]);
  if (!value) bad(`${label} is empty; write it after "${label}：", or remove the line`);
  else if (story[LABELS[label]] !== undefined) bad(`a second ${label} line; a story has one`);
  else story[LABELS[label]] = value;
}

/** A paragraph or bullet list being read: blocks end at a blank line or where another kind starts. */
type Open = { kind: 'paragraph'; lead?: string; parts: string[]; pos: SourcePos } | { kind: 'bullets'; items: string[]; pos: SourcePos };

function body(lines: Line[], problems: IssueError[]): BodyBlock[] {
  const blocks: BodyBlock[] = [];
  let open: Open | undefined;
  const close = () => {
    if (open) for (const b of finish(open, problems)) blocks.push(b);
    open = undefined;
  };
  for (const l of lines) {
    if (l.text === '') {
      close();
      continue;
    }
    const sub = SUBHEAD_LINE.exec(l.text);
    if (sub) {
      close();
      stars(l, 0, problems);
      const text = trimmed(sub[1] ?? '');
      if (text) blocks.push({ kind: 'subhead', text, pos: l.pos });
      else problems.push(new IssueError('bad-story', l.pos, 'an empty "##" 小标题; write it after "## ", or remove the line'));
    } else if (HEADING_LINE.test(l.text)) {
      close();
      problems.push(new IssueError('bad-story', l.pos, 'in the body only "## " (a 小标题) starts with #; the "# " headline belongs in the header, before the first blank line'));
    } else if (BULLET_LINE.test(l.text)) {
      stars(l, 0, problems);
      if (open?.kind !== 'bullets') {
        close();
        open = { kind: 'bullets', items: [], pos: l.pos };
      }
      const item = trimmed(l.text.slice(1));
      if (item) open.items.push(item);
      else problems.push(new IssueError('bad-story', l.pos, 'an empty "- " bullet; write the point after "- ", or remove the line'));
    } else if (open) {
      // As in Markdown, a line right under a bullet goes on with that bullet.
      stars(l, 0, problems);
      if (open.kind === 'paragraph') open.parts.push(l.text);
      else if (open.items.length) open.items[open.items.length - 1] += l.text;
    } else open = paragraph(l, problems);
  }
  close();
  return blocks;
}

/** The first line of a paragraph, with its `**LEAD**` lead-in if it opens with one. */
function paragraph(l: Line, problems: IssueError[]): Open {
  const plain: Open = { kind: 'paragraph', parts: [l.text], pos: l.pos };
  if (!l.text.startsWith('**')) {
    stars(l, 0, problems);
    return plain;
  }
  const end = l.text.indexOf('**', 2);
  if (end < 0) {
    problems.push(new IssueError('bad-story', l.pos, 'this ** is never closed; a lead-in is written **LEAD** at the start of its paragraph, on one line'));
    return plain;
  }
  const lead = trimmed(l.text.slice(2, end));
  if (!lead) problems.push(new IssueError('bad-story', l.pos, 'an empty lead-in (****); write it between the two **, or remove them'));
  stars(l, end + 2, problems);
  return { kind: 'paragraph', lead, parts: [l.text.slice(end + 2)], pos: l.pos };
}

function finish(open: Open, problems: IssueError[]): BodyBlock[] {
  if (open.kind === 'bullets') return open.items.length ? [{ kind: 'bullets', items: open.items, pos: open.pos }] : [];
  // Chinese text: the lines of a paragraph join with nothing between them.
  const text = trimmed(open.parts.map(trimmed).join(''));
  if (open.lead === undefined) return [{ kind: 'paragraph', text, pos: open.pos }];
  if (!text) problems.push(new IssueError('bad-story', open.pos, 'a lead-in needs its paragraph\'s text after it'));
  return open.lead && text ? [{ kind: 'paragraph', lead: open.lead, text, pos: open.pos }] : [];
}

/** Bold cannot be set inside text, only as a lead-in: a stray ** would be printed as it stands. */
function stars(l: Line, from: number, problems: IssueError[]): void {
  const at = l.text.indexOf('**', from);
  if (at < 0) return;
  const pos = { ...l.pos, column: l.pos.column + at };
  problems.push(new IssueError('bad-story', pos, 'bold (**) can only open a paragraph as its lead-in, **LEAD**; remove these ** marks'));
}

// ---------------------------------------------------------------------------
// JSON

/** A JSON story, {headline, kicker, subhead, byline, paragraphs}; null stands for a key left out. Throws IssueErrors. */
export function parseJsonStory(text: string, file: string): Story {
  const syntax = jsonSyntaxError(text);
  if (syntax) throw new IssueErrors([new IssueError('bad-story', positionIn(text, syntax.at, file), `not valid JSON: ${syntax.why}`)]);
  const lines = new LineCounter();
  // JSON is YAML too: the YAML tree gives the positions; what it finds beyond JSON's grammar is a repeated key.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const loc = new Locator(file, doc, lines, 'the JSON story');
  const repeated = doc.errors[0];
  if (repeated) throw new IssueErrors([new IssueError('bad-story', loc.at(repeated.pos[0]), `JSON story: ${repeated.message}`)]);
  const data: unknown = JSON.parse(text);
  if (!isObj(data)) {
    throw new IssueErrors([new IssueError('wrong-type', loc.value([]), `a JSON story must be an object with "paragraphs" and optional "headline", "kicker", "subhead", "byline", got ${describe(data)}`)]);
  }
  // A wire service sends every key, null where it has no value.
  const given = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null)) as Record<string, Json>;
  const problems = schemaProblems(given, loc, 'jsonStory');
  if (problems.length) throw new IssueErrors(problems);
  const story: Story = { body: (given.paragraphs as Json[]).map((p, i) => ({ kind: 'paragraph', text: trimmed(p), pos: loc.value(['paragraphs', i]) })) };
  if (given.headline !== undefined) story.headline = textLines(given.headline);
  for (const key of ['kicker', 'subhead', 'byline'] as const) if (given[key] !== undefined) story[key] = trimmed(given[key]);
  return story;
}
