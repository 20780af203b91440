// A box dropped in the preview: its new place written into the issue file, if it keeps apart from
// the boxes as the last good build settled them (a box `below` another or `lines: auto` stands
// only there) and the file with it stands the same checks `validate` makes of the grid (on it,
// apart from every fixed box, space and the masthead, pictures inside their article); otherwise
// nothing is written and the desk hears why.
import { formatIssueError, IssueError, IssueErrors } from '../issue/errors.js';
import { PlaceEditError, writeContinuationPlace, writePlaces, type PlaceEdit } from '../issue/edit.js';
import { parseIssue } from '../issue/parse.js';
import { readDeskFile } from '../issue/read.js';
import { resolveIssue } from '../layout/resolve.js';
import { writeAtomically } from '../files.js';
import { fontRegistry } from '../pipeline/compose.js';
import { workspaceOf } from '../workspace/workspace.js';
import { dropRefusal, placeRect, type GridBox, type LayerPage } from './layer.js';

export type DropOutcome = { written: true } | { refused: string };

/** A drop: the page it was made on, the box of the thread (0 the article's own place, 1 its first continuation, …) and its new place. */
export interface DropEdit extends PlaceEdit {
  part: number;
  place: GridBox;
}

/** The highest page number, column, span, grid line or part a drop may name: far beyond any layout, within any integer. */
const MAX_GRID_NUMBER = 10_000;

const FORM = 'expected {page, article, part, place: {column, span, line, lines}}';

/** The edit a request asks for, or why it is not one: a request is the browser's, not to be trusted. */
export function placeEditOf(body: unknown): DropEdit | string {
  if (typeof body !== 'object' || body === null) return FORM;
  const { page, article, part = 0, place } = body as Record<string, unknown>;
  const whole = (n: unknown, from = 1): n is number => Number.isInteger(n) && (n as number) >= from && (n as number) <= MAX_GRID_NUMBER;
  if (!whole(page) || typeof article !== 'string' || !whole(part, 0) || typeof place !== 'object' || place === null) return FORM;
  const { column, span, line, lines } = place as Record<string, unknown>;
  if (!whole(column) || !whole(span) || !whole(line) || !whole(lines)) return 'a place is whole numbers from 1: column, span, line, lines';
  return { page, article, part, place: { column, span, line, lines } };
}

/**
 * Writes the edit's place into the issue file when the grid takes it and the page as last
 * composed (`layer`, the last good build's) has room for it; the file is never left half written.
 */
export function dropPlace(file: string, edit: DropEdit, layer: readonly LayerPage[]): DropOutcome {
  try {
    const source = readDeskFile({ path: file, at: { file, line: 1, column: 1 }, noun: 'issue file', ext: '.yaml', empty: 'write the issue first' });
    const placed = edit.part === 0 ? writePlaces(source, [edit]) : writeContinuationPlace(source, edit);
    const workspace = workspaceOf(file);
    resolveIssue(parseIssue(placed, file, workspace), workspace, fontRegistry(workspace.fonts));
    const refusal = settledRefusal(edit, layer);
    if (refusal) return { refused: refusal };
    writeAtomically(file, placed);
    return { written: true };
  } catch (e) {
    if (e instanceof PlaceEditError) return { refused: e.message };
    // Positions name the file as it would have been: the place's line, where the desk looks for it.
    if (e instanceof IssueErrors || e instanceof IssueError) return { refused: formatIssueError(e) };
    throw e;
  }
}

/**
 * Why the page as last composed has no room for the drop, at the moved box's place in the issue
 * file, or null. The fixed boxes the grid's check has seen; this sees those `below` another or
 * `lines: auto` as make-up settled them, as the preview drew them while the box was dragged.
 */
function settledRefusal(edit: DropEdit, layer: readonly LayerPage[]): string | null {
  const page = layer.find((p) => p.number === edit.page);
  const box = page?.boxes.find((b) => b.article === edit.article && b.part === edit.part);
  const name = `article "${edit.article}"${edit.part ? ` (part ${edit.part + 1})` : ''}`;
  if (!page || !box) return `page ${edit.page} as last composed has no box of ${name}; let the page compose, then move it`;
  const refusal = dropRefusal(page, edit, placeRect(page.grid, edit.place));
  return refusal && formatIssueError(new IssueError('overlap', box.pos, `${name}: ${refusal} as page ${edit.page} is composed; move it elsewhere, or move that first`));
}
