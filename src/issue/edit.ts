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

/** The article of `page` whose id is `id`, if the page has one. */
function articleOn(page: unknown, id: string): YAMLMap | undefined {
  const articles = isMap(page) ? page.get('articles') : undefined;
  for (const item of isSeq(articles) ? articles.items : []) if (isMap(item) && item.get('id') === id) return item;
  return undefined;
}

function articleNode(page: YAMLMap, pageNumber: number, id: string): YAMLMap {
  const found = articleOn(page, id);
  if (!found) throw new PlaceEditError(`page ${pageNumber} has no article "${id}"`);
  return found;
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

type Ranged = { range?: [number, number, number] } | null | undefined;

/** Where the line holding `at` starts, and how far in its text starts. */
function lineOf(source: string, at: number): { start: number; indent: string } {
  const start = source.lastIndexOf('\n', at - 1) + 1;
  return { start, indent: ' '.repeat(at - start) };
}

/** The issue file as the yaml library reads it, with each node's place in the text. */
function parsed(source: string): Document {
  const doc = parseDocument(source, { prettyErrors: false });
  if (doc.errors.length > 0) throw new PlaceEditError(doc.errors[0].message);
  return doc;
}

function keyName(pair: { key: unknown }): string {
  const key = pair.key as { value?: unknown } | null;
  return String(key && typeof key === 'object' ? key.value : key);
}

/**
 * Where the `place` value of an article or a continuation stands, if it has one: a value written
 * as a block mapping ends, for the yaml library, after its line's break, which stays the file's.
 */
function placeValueAt(source: string, item: YAMLMap): { from: number; to: number } | undefined {
  const range = (item.items.find((pair) => keyName(pair) === 'place')?.value as Ranged)?.range;
  if (!range) return undefined;
  let to = range[1];
  while (to > range[0] && /\s/.test(source[to - 1])) to--;
  return { from: range[0], to };
}

/**
 * The text to change for one article: its place's value replaced, or, for an article without a
 * place, a line of its own after the id's, at the id's indent, where the desk would look for it.
 */
function placeSplice(source: string, article: YAMLMap, place: PlaceValue): Splice {
  const existing = placeValueAt(source, article);
  if (existing) return { ...existing, text: placeText(place) };
  const id = article.items.find((pair) => keyName(pair) === 'id');
  const idKey = id?.key as Ranged;
  const idValue = id?.value as Ranged;
  if (!idKey?.range || !idValue?.range) throw new PlaceEditError('an article without an id cannot be placed');
  const { indent } = lineOf(source, idKey.range[0]);
  const lineEnd = source.indexOf('\n', idValue.range[1]);
  const at = lineEnd === -1 ? source.length : lineEnd;
  return { from: at, to: at, text: `\n${indent}place: ${placeText(place)}` };
}

/** A space a page declares (留版): 预留 held for late copy, or an advertisement's. */
export interface SpaceEdit {
  page: number;
  place: PlaceValue;
  kind: 'reserved' | 'ad';
}

/** The space as one item of a page's spaces list: {place: {…}, kind: reserved}. */
const spaceText = (space: SpaceEdit) => `{place: ${placeText(space.place)}, kind: ${space.kind}}`;

/**
 * The text to change for one page's new spaces: items added at the end of its spaces list, in
 * the list's own style (a flow list [..] gets them before its bracket, a block list a line each
 * under its last item); a page without one gets a spaces list of its own above its articles.
 */
function spacesSplice(source: string, page: YAMLMap, spaces: SpaceEdit[]): Splice {
  const items = spaces.map(spaceText);
  const pair = page.items.find((p) => keyName(p) === 'spaces');
  if (pair && isSeq(pair.value) && (pair.value as Ranged)?.range) {
    const list = pair.value;
    const [from, to] = (list as Ranged)!.range!;
    if (list.flow) {
      const close = source.lastIndexOf(']', to);
      return { from: close, to: close, text: `${list.items.length ? ', ' : ''}${items.join(', ')}` };
    }
    const last = list.items[list.items.length - 1] as Ranged;
    const dash = source.lastIndexOf('-', (list.items[0] as Ranged)?.range?.[0] ?? from);
    const { indent } = lineOf(source, dash);
    // From the item's last character: a block mapping's item ends, for the yaml library, at the start of the next line.
    const end = source.indexOf('\n', last?.range ? last.range[1] - 1 : from);
    const at = end === -1 ? source.length : end;
    return { from: at, to: at, text: items.map((x) => `\n${indent}- ${x}`).join('') };
  }
  if (pair) throw new PlaceEditError(`page ${spaces[0].page}: its spaces are not a list`);
  const articles = page.items.find((p) => keyName(p) === 'articles');
  const key = articles?.key as Ranged;
  if (!key?.range) throw new PlaceEditError(`page ${spaces[0].page} has no articles to declare its spaces above`);
  const { start, indent } = lineOf(source, key.range[0]);
  return { from: start, to: start, text: `${indent}spaces:\n${items.map((x) => `${indent}  - ${x}\n`).join('')}` };
}

/**
 * The issue file's text with the edits' places written in, and the spaces given added to their
 * pages' spaces lists; every other byte of the desk's file kept.
 */
export function writePlaces(source: string, edits: readonly PlaceEdit[], spaces: readonly SpaceEdit[] = []): string {
  const doc = parsed(source);
  const pages = [...new Set(spaces.map((s) => s.page))];
  const splices = [
    ...edits.map((edit) => placeSplice(source, articleNode(pageNode(doc, edit.page), edit.page, edit.article), edit.place)),
    ...pages.map((page) => spacesSplice(source, pageNode(doc, page), spaces.filter((s) => s.page === page))),
  ].sort((a, b) => b.from - a.from);
  let text = source;
  for (const splice of splices) text = text.slice(0, splice.from) + splice.text + text.slice(splice.to);
  return text;
}

/** Where one continuation (转版) of an article is to stand: `part` counts the thread's boxes, 1 the first continuation. */
export interface ContinuationEdit {
  /** The page the continuation stands on, as its `page` says. */
  page: number;
  article: string;
  part: number;
  place: PlaceValue;
}

/** An article by its id, on whichever page it opens: ids are unique in an issue. */
function articleAnywhere(doc: Document, id: string): YAMLMap {
  const pages = doc.get('pages');
  for (const page of isSeq(pages) ? pages.items : []) {
    const found = articleOn(page, id);
    if (found) return found;
  }
  throw new PlaceEditError(`the issue has no article "${id}"`);
}

/**
 * The issue file's text with one continuation's place written in: the value of `place` in the
 * article's `continued` item replaced, whatever page the article opens on; every other byte kept.
 */
export function writeContinuationPlace(source: string, edit: ContinuationEdit): string {
  const continued = articleAnywhere(parsed(source), edit.article).get('continued');
  const item = isSeq(continued) ? continued.items[edit.part - 1] : undefined;
  if (!isMap(item)) throw new PlaceEditError(`article "${edit.article}" has no continuation ${edit.part}`);
  if (Number(item.get('page')) !== edit.page) throw new PlaceEditError(`continuation ${edit.part} of article "${edit.article}" stands on page ${String(item.get('page'))}, not ${edit.page}`);
  const value = placeValueAt(source, item);
  if (!value) throw new PlaceEditError(`continuation ${edit.part} of article "${edit.article}" has no place to change`);
  return source.slice(0, value.from) + placeText(edit.place) + source.slice(value.to);
}
