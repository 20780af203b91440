// A box dropped in the preview: its new place written into the issue file, if the file with it
// stands the same checks `validate` makes of the grid (on it, apart from every box, space and the
// masthead, pictures inside their article); otherwise nothing is written and the desk hears why.
import { formatIssueError, IssueError, IssueErrors } from '../issue/errors.js';
import { PlaceEditError, writePlaces, type PlaceEdit } from '../issue/edit.js';
import { parseIssue } from '../issue/parse.js';
import { readDeskFile } from '../issue/read.js';
import { resolveIssue } from '../layout/resolve.js';
import { writeAtomically } from '../files.js';
import { fontRegistry } from '../pipeline/compose.js';
import { workspaceOf } from '../workspace/workspace.js';

export type DropOutcome = { written: true } | { refused: string };

/** The highest page number, column, span or grid line a drop may name: far beyond any layout, within any integer. */
const MAX_GRID_NUMBER = 10_000;

/** The edit a request asks for, or why it is not one: a request is the browser's, not to be trusted. */
export function placeEditOf(body: unknown): PlaceEdit | string {
  if (typeof body !== 'object' || body === null) return 'expected {page, article, place: {column, span, line, lines}}';
  const { page, article, place } = body as Record<string, unknown>;
  const whole = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_GRID_NUMBER;
  if (!whole(page) || typeof article !== 'string' || typeof place !== 'object' || place === null) return 'expected {page, article, place: {column, span, line, lines}}';
  const { column, span, line, lines } = place as Record<string, unknown>;
  if (!whole(column) || !whole(span) || !whole(line) || !whole(lines)) return 'a place is whole numbers from 1: column, span, line, lines';
  return { page, article, place: { column, span, line, lines } };
}

/** Writes the edit's place into the issue file when the grid takes it; the file is never left half written. */
export function dropPlace(file: string, edit: PlaceEdit): DropOutcome {
  try {
    const source = readDeskFile({ path: file, at: { file, line: 1, column: 1 }, noun: 'issue file', ext: '.yaml', empty: 'write the issue first' });
    const placed = writePlaces(source, [edit]);
    const workspace = workspaceOf(file);
    resolveIssue(parseIssue(placed, file, workspace), workspace, fontRegistry(workspace.fonts));
    writeAtomically(file, placed);
    return { written: true };
  } catch (e) {
    if (e instanceof PlaceEditError) return { refused: e.message };
    // Positions name the file as it would have been: the place's line, where the desk looks for it.
    if (e instanceof IssueErrors || e instanceof IssueError) return { refused: formatIssueError(e) };
    throw e;
  }
}
