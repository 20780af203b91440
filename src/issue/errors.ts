import type { SourcePos } from './types.js';

/**
 * Machine-readable kind of problem, so callers (CLI, tests) can branch
 * without matching message text.
 */
export type IssueErrorCode =
  | 'missing-file' // the named issue file, or a story file it names, does not exist
  | 'unreadable-file' // it exists but cannot be read (a directory, no permission)
  | 'encoding' // not UTF-8
  | 'yaml-syntax'
  | 'unknown-key'
  | 'missing-key'
  | 'wrong-type'
  | 'bad-value' // right type, value out of range / not matching its pattern
  | 'no-content' // an article with none of headline, body, briefs, table, pictures
  | 'invalid-date'
  | 'duplicate-id'
  | 'duplicate-page'
  | 'unknown-layout' // a page names a template that layouts/ does not have
  | 'off-grid' // an article or picture reaches outside its grid
  | 'overlap' // two articles share grid cells, or one reaches into the masthead
  | 'broken-thread' // a continuation on a missing page, out of page order, or left empty
  | 'bad-below' // a place below no article, one not on its page, itself, or in a loop of belows
  | 'bad-teaser' // a 导读 naming no story, one on its own page, twice, or on a page without a masthead
  | 'bad-story' // a story file that breaks its format: unknown header line, unclosed **, bad JSON
  | 'bad-picture' // a picture file that is missing or cannot be read
  | 'bad-ad' // an advertisement's PDF that is missing, not a PDF, encrypted, or without the page asked for
  | 'too-large' // beyond one of the limits in src/limits.ts
  | 'outside' // a path that leaves the folders an issue may read
  | 'bad-template' // a layout template or fonts/fonts.yaml is wrong: the message names that file

/** One problem in an issue file, located at the offending value (1-based line and column). */
export class IssueError extends Error {
  readonly pos: SourcePos;
  readonly code: IssueErrorCode;

  constructor(code: IssueErrorCode, pos: SourcePos, message: string) {
    // Messages quote the desk's text (keys, ids, values, YAML's own snippets): escaped and cut here,
    // whatever built them, so no quoted text can start a line of its own or flood the terminal.
    super(printable(message));
    this.name = 'IssueError';
    this.code = code;
    this.pos = pos;
  }
}

/**
 * Everything wrong with one issue file, in file order. parseIssue/loadIssue
 * collect all problems before throwing so the desk can fix them in one pass.
 */
export class IssueErrors extends Error {
  readonly errors: readonly IssueError[];

  constructor(errors: readonly IssueError[]) {
    super(errors.map(formatOne).join('\n'));
    this.name = 'IssueErrors';
    this.errors = errors;
  }
}

function formatOne(e: IssueError): string {
  return `${escaped(e.pos.file)}:${e.pos.line}:${e.pos.column}: ${e.message}`;
}

/** "file:line:col: message"; an aggregate gives one such line per problem, joined by newlines. */
export function formatIssueError(e: IssueError | IssueErrors): string {
  return e instanceof IssueErrors ? e.errors.map(formatOne).join('\n') : formatOne(e);
}

// C0 and C1 controls (newlines, ESC and CSI among them), DEL, the Unicode line and paragraph
// separators and the bidirectional controls, which can reorder what a terminal shows.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text with every character that could end a line or steer a terminal written as an escape (\n, \u001b). */
function escaped(text: string): string {
  return text.replace(UNPRINTABLE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A message as one line fit to print: escaped, and cut in its middle if it quotes too much. */
export function printable(message: string): string {
  return cut(escaped(message));
}

/** The longest message a problem prints; a message quoting more of the desk's text is cut in its middle. */
const MESSAGE_MAX = 800;

/** `text` kept to `max` characters: its start and its end (which says what to do), with a note of what was cut between. */
function cut(text: string, max = MESSAGE_MAX): string {
  if (text.length <= max) return text;
  const keep = max - 40;
  const head = whole(text, Math.ceil(keep * 0.6));
  const tail = text.length - whole(text, text.length - (keep - head));
  return `${text.slice(0, head)} …[${text.length - head - tail} characters cut]… ${text.slice(text.length - tail)}`;
}

/** `at`, moved back one if it would split a surrogate pair. */
function whole(text: string, at: number): number {
  const c = text.charCodeAt(at - 1);
  return c >= 0xd800 && c <= 0xdbff ? at - 1 : at;
}

/** The desk's text as a message quotes it: in double quotes, escaped, and at most `max` characters of it. */
export function quoted(text: string, max = 40): string {
  return escaped(JSON.stringify(text.length > max ? text.slice(0, whole(text, max - 1)) + '…' : text));
}
