// Rewriting an issue file in place: the desk's comments, key order and formatting stay as they
// were, only the places that changed are written (the preview's drag, the plan's --write).
import { isMap, isSeq, parseDocument, type Document, type YAMLMap } from 'yaml';

/** A box on the grid as the desk writes it: 栏 column, span, 行 line and depth. */
export interface PlaceValue {
  column: number;
  span: number;
  line: number;
  lines: number | 'auto' | 'bottom';
}

/** Where one article of one page is to stand. */
export interface PlaceEdit {
  page: number;
  article: string;
  place: PlaceValue;
}

/** Thrown when an edit names a page or article the file does not have: nothing is written. */
export class PlaceEditError extends Error {}

function pageNode(doc: Document, page: number): YAMLMap {
  const pages = doc.get('pages');
  if (isSeq(pages)) {
    for (const item of pages.items) {
      if (isMap(item) && Number(item.get('number')) === page) return item;
    }
  }
  throw new PlaceEditError(`the issue has no page ${page}`);
}

function articleNode(page: YAMLMap, pageNumber: number, id: string): YAMLMap {
  const articles = page.get('articles');
  if (isSeq(articles)) {
    for (const item of articles.items) {
      if (isMap(item) && item.get('id') === id) return item;
    }
  }
  throw new PlaceEditError(`page ${pageNumber} has no article "${id}"`);
}

/** The place as the sample writes it, on one line: {column: 1, span: 5, line: 1, lines: auto}. */
function placeText(place: PlaceValue): string {
  return `{column: ${place.column}, span: ${place.span}, line: ${place.line}, lines: ${place.lines}}`;
}

interface Splice {
  from: number;
  to: number;
  text: string;
}

function keyName(pair: { key: unknown }): string {
  const key = pair.key as { value?: unknown } | null;
  return String(key && typeof key === 'object' ? key.value : key);
}

/**
 * The text to change for one article: its place's value replaced, or, for an article without a
 * place, a line of its own after the id's, at the id's indent, where the desk would look for it.
 */
function placeSplice(source: string, article: YAMLMap, place: PlaceValue): Splice {
  const existing = article.items.find((pair) => keyName(pair) === 'place');
  const value = existing?.value as { range?: [number, number, number] } | undefined;
  if (value?.range) return { from: value.range[0], to: value.range[1], text: placeText(place) };
  const id = article.items.find((pair) => keyName(pair) === 'id');
  const idKey = id?.key as { range?: [number, number, number] } | undefined;
  const idValue = id?.value as { range?: [number, number, number] } | undefined;
  if (!idKey?.range || !idValue?.range) throw new PlaceEditError('an article without an id cannot be placed');
  const lineStart = source.lastIndexOf('\n', idKey.range[0] - 1) + 1;
  const indent = ' '.repeat(idKey.range[0] - lineStart);
  const lineEnd = source.indexOf('\n', idValue.range[1]);
  const at = lineEnd === -1 ? source.length : lineEnd;
  return { from: at, to: at, text: `\n${indent}place: ${placeText(place)}` };
}

/** The issue file's text with the edits' places written in; every other byte of the desk's file kept. */
export function writePlaces(source: string, edits: readonly PlaceEdit[]): string {
  const doc = parseDocument(source, { prettyErrors: false });
  if (doc.errors.length > 0) throw new PlaceEditError(doc.errors[0].message);
  const splices = edits
    .map((edit) => placeSplice(source, articleNode(pageNode(doc, edit.page), edit.page, edit.article), edit.place))
    .sort((a, b) => b.from - a.from);
  let text = source;
  for (const splice of splices) text = text.slice(0, splice.from) + splice.text + text.slice(splice.to);
  return text;
}
