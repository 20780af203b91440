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
  | 'too-large' // beyond one of the limits in src/limits.ts
  | 'outside' // a path that leaves the folders an issue may read
  | 'bad-template' // a layout template or fonts/fonts.yaml is wrong: the message names that file

/** One problem in an issue file, located at the offending value (1-based line and column). */
export class IssueError extends Error {
  readonly pos: SourcePos;
  readonly code: IssueErrorCode;

  constructor(code: IssueErrorCode, pos: SourcePos, message: string) {
    super(message);
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
  return `${e.pos.file}:${e.pos.line}:${e.pos.column}: ${e.message}`;
}

/** "file:line:col: message"; an aggregate gives one such line per problem, joined by newlines. */
export function formatIssueError(e: IssueError | IssueErrors): string {
  return e instanceof IssueErrors ? e.errors.map(formatOne).join('\n') : formatOne(e);
}
