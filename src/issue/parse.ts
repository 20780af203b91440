// parseIssue/loadIssue collect every problem in the file and throw a single IssueErrors (never a bare IssueError).
import { dirname, resolve as resolvePath } from 'node:path';
import { type Document, type Node, isAlias, isCollection, isMap, isNode, isScalar } from 'yaml';
import { toJS } from 'yaml/util';
import { LIMITS } from '../limits.js';
import { IssueError, IssueErrors } from './errors.js';
import { readDeskFile } from './read.js';
import { Locator, isObj, schemaProblems, suggest, type Json, type Obj, type Seg } from './schema.js';
import type { Workspace } from '../workspace/workspace.js';
import { loadStory, type Story } from './story.js';
import { textLines, trimmed } from './text.js';
import { parseTree, type KeptTree } from './tree.js';
import type { Article, BodyBlock, Continuation, Crop, GridPlace, Issue, Page, PageSpace, PictureSlot, PlaceSpec, SourcePos, Table } from './types.js';

// ---------------------------------------------------------------------------
// Checks the schema cannot express (run on the raw data, so they are reported alongside schema errors)

const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // Date.UTC would map years 0–99 to 19xx
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const listOf = (v: Json | undefined): Json[] => (Array.isArray(v) ? v : []);

/** An article of the raw data, as far as it is a mapping, with its page and its path in the file. */
interface RawArticle {
  page: Obj;
  art: Obj;
  path: Seg[];
}

function rawArticles(data: Obj): RawArticle[] {
  const out: RawArticle[] = [];
  listOf(data.pages).forEach((page, pi) => {
    if (!isObj(page)) return;
    listOf(page.articles).forEach((art, ai) => {
      if (isObj(art)) out.push({ page, art, path: ['pages', pi, 'articles', ai] });
    });
  });
  return out;
}

function semanticErrors(data: unknown, loc: Locator): IssueError[] {
  if (!isObj(data)) return [];
  const out: IssueError[] = [];
  if (typeof data.date === 'string' && DATE_RE.test(data.date) && !isCalendarDate(data.date)) {
    out.push(new IssueError('invalid-date', loc.value(['date']), `"date" ${JSON.stringify(data.date)} is not a real calendar date; expected YYYY-MM-DD`));
  }
  const articles = rawArticles(data);
  for (const e of [...duplicateErrors(data, articles, loc), ...belowErrors(articles, loc), ...teaserErrors(data, articles, loc)]) out.push(e);
  for (const a of articles) for (const e of articleErrors(a, loc)) out.push(e);
  return out;
}

function duplicateErrors(data: Obj, articles: RawArticle[], loc: Locator): IssueError[] {
  const out: IssueError[] = [];
  const pageSeen = new Map<number, SourcePos>();
  listOf(data.pages).forEach((page, pi) => {
    if (!isObj(page) || typeof page.number !== 'number') return;
    const pos = loc.value(['pages', pi, 'number']);
    const first = pageSeen.get(page.number);
    if (first) out.push(new IssueError('duplicate-page', pos, `page number ${page.number} is used twice; first at line ${first.line}. Each page needs its own 版次`));
    else pageSeen.set(page.number, pos);
  });
  const idSeen = new Map<string, SourcePos>();
  for (const { art, path } of articles) {
    if (typeof art.id !== 'string') continue;
    const id = art.id.trim();
    const pos = loc.value([...path, 'id']);
    const first = idSeen.get(id);
    if (first) out.push(new IssueError('duplicate-id', pos, `duplicate article id "${id}"; first used at line ${first.line}. Article ids must be unique in the issue`));
    else idSeen.set(id, pos);
  }
  return out;
}

/** 变栏 within the box, and a headline mapping with text of its own or a story to take it from. */
function articleErrors({ art, path }: RawArticle, loc: Locator): IssueError[] {
  const out: IssueError[] = [];
  const span = isObj(art.place) ? art.place.span : undefined;
  if (typeof art.columns === 'number' && typeof span === 'number' && art.columns > span) {
    out.push(new IssueError('bad-value', loc.value([...path, 'columns']), `"columns" is ${art.columns}, more than the ${span} columns the article spans; give at most ${span}, or widen its place`));
  }
  if (isObj(art.headline) && art.headline.text === undefined && art.story === undefined) {
    out.push(new IssueError('missing-key', loc.value([...path, 'headline']), '"headline" has no "text"; write the headline there, or take it from a story file ("story")'));
  }
  return out;
}

// ---------------------------------------------------------------------------
// below: boxes that start under another article's box

/** One `below` as written: the part (`where`) of article `from` on page `page` starts under article `to`. */
interface Below {
  from: string;
  to: string;
  page: number;
  where: string;
  pos: SourcePos;
}

function belows(articles: RawArticle[], loc: Locator): Below[] {
  const out: Below[] = [];
  for (const { page, art, path } of articles) {
    if (typeof art.id !== 'string') continue;
    const from = art.id.trim();
    const add = (place: Json | undefined, pageNumber: Json | undefined, placePath: Seg[], where: string) => {
      const line = isObj(place) ? place.line : undefined;
      if (isObj(line) && typeof line.below === 'string' && typeof pageNumber === 'number') {
        out.push({ from, to: line.below.trim(), page: pageNumber, where, pos: loc.value([...placePath, 'line', 'below']) });
      }
    };
    add(art.place, page.number, [...path, 'place'], `article "${from}"`);
    listOf(art.continued).forEach((c, ci) => {
      if (isObj(c)) add(c.place, c.page, [...path, 'continued', ci, 'place'], `continuation ${ci + 1} of article "${from}"`);
    });
  }
  return out;
}

/** The pages each article has a part on: its own and those of its continuations. */
function partPages(articles: RawArticle[]): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const { page, art } of articles) {
    if (typeof art.id !== 'string') continue;
    const pages = out.get(art.id.trim()) ?? new Set<number>();
    for (const n of [page.number, ...listOf(art.continued).map((c) => (isObj(c) ? c.page : null))]) if (typeof n === 'number') pages.add(n);
    out.set(art.id.trim(), pages);
  }
  return out;
}

function belowErrors(articles: RawArticle[], loc: Locator): IssueError[] {
  const pagesOf = partPages(articles);
  const out: IssueError[] = [];
  const sound: Below[] = [];
  for (const b of belows(articles, loc)) {
    const pages = pagesOf.get(b.to);
    if (b.to === b.from) {
      out.push(new IssueError('bad-below', b.pos, `${b.where} names its own article in "below"; give "line" a number, or name another article on page ${b.page}`));
    } else if (!pages) {
      const hint = suggest(b.to, [...pagesOf.keys()]);
      out.push(new IssueError('bad-below', b.pos, `"below" names article "${b.to}", which the issue does not have${hint ? ` (did you mean "${hint}"?)` : ''}; name an article on page ${b.page}`));
    } else if (!pages.has(b.page)) {
      const on = [...pages].sort((x, y) => x - y);
      out.push(
        new IssueError('bad-below', b.pos, `"below" names article "${b.to}", which has no part on page ${b.page} (it stands on ${on.length > 1 ? 'pages' : 'page'} ${on.join(', ')}); a box starts below an article on its own page`),
      );
    } else sound.push(b);
  }
  return [...out, ...loopErrors(sound)];
}

/** 导读 in the masthead's ear: each names a story of the issue that stands on another page, once. */
function teaserErrors(data: Obj, articles: RawArticle[], loc: Locator): IssueError[] {
  const pagesOf = partPages(articles);
  const out: IssueError[] = [];
  listOf(data.pages).forEach((page, pi) => {
    if (!isObj(page)) return;
    const seen = new Set<string>();
    listOf(page.teasers).forEach((id, ti) => {
      if (typeof id !== 'string') return;
      const pos = loc.value(['pages', pi, 'teasers', ti]);
      const name = id.trim();
      const pages = pagesOf.get(name);
      if (page.masthead !== true) out.push(new IssueError('bad-teaser', pos, `page ${String(page.number)} has no masthead for its 导读 to stand in; give the page "masthead: true", or move "teasers" to the front page`));
      else if (!pages) {
        const hint = suggest(name, [...pagesOf.keys()]);
        out.push(new IssueError('bad-teaser', pos, `"teasers" names article "${name}", which the issue does not have${hint ? ` (did you mean "${hint}"?)` : ''}; name a story on another page`));
      } else if (pages.has(page.number as number)) out.push(new IssueError('bad-teaser', pos, `article "${name}" stands on this page; a 导读 announces a story on another page`));
      else if (seen.has(name)) out.push(new IssueError('bad-teaser', pos, `article "${name}" is announced twice; name it once`));
      seen.add(name);
    });
  });
  return out;
}

/** Every `below` on a chain that comes back to where it started: no box of such a loop has a top to start from. */
function loopErrors(belows: Below[]): IssueError[] {
  const graphs = new Map<number, Map<string, Below[]>>();
  for (const b of belows) {
    const graph = graphs.get(b.page) ?? new Map<string, Below[]>();
    graph.set(b.from, [...(graph.get(b.from) ?? []), b]);
    graphs.set(b.page, graph);
  }
  const out: IssueError[] = [];
  const reported = new Set<Below>();
  for (const [page, graph] of graphs) {
    for (const loop of loopsOf(graph)) {
      loop.forEach((b, k) => {
        if (reported.has(b)) return;
        reported.add(b);
        // The chain as read from this box; a long loop is shortened so that messages stay one line.
        const shown = Array.from({ length: Math.min(loop.length, 5) }, (_, j) => `"${loop[(k + j) % loop.length]!.from}"`);
        const chain = [...shown, ...(loop.length > 5 ? ['…'] : []), `"${b.from}"`].join(' below ');
        out.push(new IssueError('bad-below', b.pos, `"below" makes a loop on page ${page}: ${chain}; a box in a loop has no top to start from: give one of them a line number`));
      });
    }
  }
  return out;
}

/** The loops among one page's belows, each found by a depth-first walk; a loop, not recursion, as a page may hold many boxes. */
function loopsOf(graph: Map<string, Below[]>): Below[][] {
  const loops: Below[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    state.set(start, 'open');
    const stack = [{ id: start, next: 0 }];
    const path: Below[] = []; // path[i] leads from stack[i] to stack[i + 1]
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const b = graph.get(top.id)?.[top.next++];
      if (!b) {
        state.set(top.id, 'done');
        stack.pop();
        path.pop();
      } else if (state.get(b.to) === 'open') {
        loops.push([...path.slice(stack.findIndex((f) => f.id === b.to)), b]);
      } else if (!state.has(b.to)) {
        state.set(b.to, 'open');
        stack.push({ id: b.to, next: 0 });
        path.push(b);
      }
    }
  }
  return loops;
}

// ---------------------------------------------------------------------------
// Building the typed model (only called on schema-valid data)

const t = trimmed;
const tOpt = (v: Json | undefined): string | undefined => (v === undefined ? undefined : t(v));
const tList = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(t) : []);

function gridPlace(v: Json | undefined): GridPlace {
  const p = v as Obj;
  return { column: p.column as number, span: p.span as number, line: p.line as number, lines: p.lines === 'bottom' ? 'bottom' : (p.lines as number) };
}

function placeSpec(v: Json | undefined, path: Seg[], loc: Locator): PlaceSpec {
  const p = v as Obj;
  const line = isObj(p.line) ? { below: t(p.line.below), pos: loc.value([...path, 'line', 'below']) } : (p.line as number);
  return { column: p.column as number, span: p.span as number, line, lines: p.lines === 'bottom' || p.lines === 'auto' ? p.lines : (p.lines as number) };
}

function bodyBlock(b: Json, pos: SourcePos): BodyBlock {
  if (typeof b === 'string') return { kind: 'paragraph', text: t(b), pos };
  const o = b as Obj;
  if (o.subhead !== undefined) return { kind: 'subhead', text: t(o.subhead), pos };
  if (o.bullets !== undefined) return { kind: 'bullets', items: tList(o.bullets), pos };
  const para: BodyBlock = { kind: 'paragraph', text: t(o.text), pos };
  if (o.lead !== undefined) para.lead = t(o.lead);
  if (o.hang !== undefined) para.hang = o.hang as boolean;
  return para;
}

function pictureSlot(p: Obj, pos: SourcePos, file: string): PictureSlot {
  const slot: PictureSlot = { place: gridPlace(p.place), pos };
  if (p.source !== undefined) slot.source = resolvePath(dirname(file), t(p.source));
  if (p.crop !== undefined) slot.crop = p.crop as unknown as Crop;
  if (p.caption !== undefined) slot.caption = t(p.caption);
  if (p.credit !== undefined) slot.credit = t(p.credit);
  return slot;
}

function continuation(c: Obj, path: Seg[], loc: Locator): Continuation {
  const part: Continuation = { page: c.page as number, place: placeSpec(c.place, [...path, 'place'], loc), pos: loc.value(path) };
  if (c.headline !== undefined) part.headline = t(c.headline);
  return part;
}

/** An article as the issue gives it, then what its story file gives where the issue is silent. Story problems go to `problems`. */
function article(a: Obj, path: Seg[], file: string, loc: Locator, problems: IssueError[], ws: Workspace | undefined): Article {
  const art: Article = {
    id: t(a.id),
    place: isObj(a.place) ? placeSpec(a.place, [...path, 'place'], loc) : undefined,
    kind: a.kind === 'photo' ? 'photo' : 'story',
    continued: listOf(a.continued).map((c, ci) => continuation(c as Obj, [...path, 'continued', ci], loc)),
    body: listOf(a.body).map((b, bi) => bodyBlock(b, loc.value([...path, 'body', bi]))),
    pictures: listOf(a.pictures).map((p, xi) => pictureSlot(p as Obj, loc.value([...path, 'pictures', xi]), file)),
    pos: loc.value(path),
  };
  if (a.rank !== undefined) art.rank = t(a.rank);
  if (a.cut === 'allowed') art.cut = true;
  if (a.columns !== undefined) art.columns = a.columns as number;
  if (a.kicker !== undefined) art.kicker = t(a.kicker);
  const headline = isObj(a.headline) ? a.headline : { text: a.headline };
  if (headline.text !== undefined) art.headline = textLines(headline.text);
  if (headline.size !== undefined) art.headlineSize = typeof headline.size === 'number' ? headline.size : t(headline.size);
  if (a.subhead !== undefined) art.subhead = t(a.subhead);
  if (a.byline !== undefined) art.byline = t(a.byline);
  if (a.note !== undefined) art.note = tList(a.note);
  if (a.table !== undefined) art.table = { rows: (a.table as Json[][]).map((r) => r.map(t)), pos: loc.value([...path, 'table']) } satisfies Table;
  if (a.briefs !== undefined) art.briefs = tList(a.briefs);
  if (a.story === undefined) return art;
  try {
    const { path: story, story: text } = loadStory(t(a.story), file, loc.value([...path, 'story']), ws);
    withStory(art, a, story, text);
    if (art.headlineSize !== undefined && !art.headline) {
      problems.push(new IssueError('missing-key', loc.value([...path, 'headline']), `"headline" gives a size, but story file ${story} has no headline; add "text", or a "# " line to the story`));
    }
  } catch (e) {
    if (!(e instanceof IssueErrors)) throw e;
    for (const problem of e.errors) problems.push(problem);
  }
  return art;
}

/** The issue's own keys win over the story's: the desk edits the headline without touching the story file. */
function withStory(art: Article, a: Obj, path: string, story: Story): void {
  art.story = path;
  if (art.kicker === undefined && story.kicker !== undefined) art.kicker = story.kicker;
  if (art.headline === undefined && story.headline !== undefined) art.headline = story.headline;
  if (art.subhead === undefined && story.subhead !== undefined) art.subhead = story.subhead;
  if (art.byline === undefined && story.byline !== undefined) art.byline = story.byline;
  if (a.body === undefined) art.body = story.body;
}

function space(s: Obj, path: Seg[], file: string, loc: Locator, problems: IssueError[]): PageSpace {
  const out: PageSpace = { place: gridPlace(s.place), kind: s.kind === 'ad' ? 'ad' : 'reserved', pos: loc.value(path) };
  if (s.label !== undefined) out.label = t(s.label);
  if (s.source !== undefined) {
    // Space held for late copy is filled by the desk's articles, never by a file.
    if (out.kind !== 'ad') problems.push(new IssueError('bad-value', loc.value([...path, 'source']), 'only an ad space (kind: ad) takes an advertisement\'s PDF as its source; make it kind: ad, or drop the source'));
    out.ad = { file: resolvePath(dirname(file), t(s.source)), pos: loc.value([...path, 'source']) };
    if (s.page !== undefined) out.ad.page = s.page as number;
  } else if (s.page !== undefined) problems.push(new IssueError('missing-key', loc.value([...path, 'page']), 'page says which page of the advertisement\'s PDF to place, but the space has no source; add source: ads/NAME.pdf, or drop page'));
  return out;
}

// ---------------------------------------------------------------------------
// The character limit: every text counted, an article's all together

/** A text's length and where it stands, found only for the one that passes the limit. */
interface Counted {
  characters: number;
  at: () => SourcePos;
}

/** Every text of an article in reading order, each where the desk wrote it; what a story file gives is placed at the "story" value. */
function articleTexts(art: Article, a: Obj, path: Seg[], loc: Locator): Counted[] {
  const out: Counted[] = [];
  const add = (text: string | undefined, segs: Seg[]) => {
    if (text) out.push({ characters: text.length, at: () => loc.value(segs) });
  };
  const own = (key: string): Seg[] => [...path, a[key] !== undefined ? key : 'story'];
  add(art.kicker, own('kicker'));
  for (const line of art.headline ?? []) add(line, own('headline'));
  add(art.subhead, own('subhead'));
  add(art.byline, own('byline'));
  art.note?.forEach((text, i) => add(text, [...path, 'note', i]));
  art.briefs?.forEach((text, i) => add(text, [...path, 'briefs', i]));
  // An empty cell still takes a character's room in the set table, so it counts as one.
  art.table?.rows.forEach((row, i) => out.push({ characters: row.reduce((n, cell) => n + Math.max(1, cell.length), 0), at: () => loc.value([...path, 'table', i]) }));
  for (const b of art.body) {
    const characters = b.kind === 'bullets' ? b.items.reduce((n, item) => n + item.length, 0) : b.text.length + (b.kind === 'paragraph' ? (b.lead?.length ?? 0) : 0);
    out.push({ characters, at: () => b.pos });
  }
  art.pictures.forEach((p, i) => {
    add(p.caption, [...path, 'pictures', i, 'caption']);
    add(p.credit, [...path, 'pictures', i, 'credit']);
  });
  art.continued.forEach((c, i) => add(c.headline, [...path, 'continued', i, 'headline']));
  return out;
}

/** An article over the character limit, at the text that takes it over: there the desk sees where to cut. */
function articleLimitError(art: Article, texts: Counted[]): IssueError | undefined {
  let characters = 0;
  let passed: Counted | undefined;
  for (const t of texts) {
    characters += t.characters;
    if (!passed && characters > LIMITS.articleCharacters) passed = t;
  }
  if (!passed) return undefined;
  return new IssueError('too-large', passed.at(), `article "${art.id}" has ${characters} characters, more than the limit of ${LIMITS.articleCharacters}, and passes it here; shorten it, split it, or raise BANMIAN_MAX_ARTICLE_CHARACTERS`);
}

/** The texts outside articles (paper, serial, page names, editors, space labels), each held to the limit on its own. */
function furnitureLimitErrors(issue: Issue, loc: Locator): IssueError[] {
  const texts: [string | undefined, Seg[]][] = [
    [issue.paper, ['paper']],
    [issue.serial, ['serial']],
    [issue.postalCode, ['postal-code']],
  ];
  issue.pages.forEach((p, pi) => {
    texts.push([p.name, ['pages', pi, 'name']], [p.editor, ['pages', pi, 'editor']]);
    p.spaces.forEach((sp, si) => texts.push([sp.label, ['pages', pi, 'spaces', si, 'label']]));
  });
  return texts
    .filter(([text]) => text !== undefined && text.length > LIMITS.articleCharacters)
    .map(([text, segs]) => new IssueError('too-large', loc.value(segs), `this text has ${text!.length} characters, more than the limit of ${LIMITS.articleCharacters}; shorten it, or raise BANMIAN_MAX_ARTICLE_CHARACTERS`));
}

function build(data: Obj, file: string, loc: Locator, problems: IssueError[], ws: Workspace | undefined): Issue {
  const pages = (data.pages as Obj[]).map((pg, pi): Page => {
    const pPath: Seg[] = ['pages', pi];
    const page: Page = {
      number: pg.number as number,
      name: t(pg.name),
      layout: t(pg.layout),
      masthead: pg.masthead === true,
      articles: (pg.articles as Obj[]).map((a, ai) => {
        const path = [...pPath, 'articles', ai];
        const art = article(a, path, file, loc, problems, ws);
        const over = articleLimitError(art, articleTexts(art, a, path, loc));
        if (over) problems.push(over);
        return art;
      }),
      spaces: listOf(pg.spaces).map((s, si) => space(s as Obj, [...pPath, 'spaces', si], file, loc, problems)),
      teasers: listOf(pg.teasers).map((id, ti) => ({ article: t(id), pos: loc.value([...pPath, 'teasers', ti]) })),
      pos: loc.value(pPath),
    };
    const editor = tOpt(pg.editor);
    if (editor !== undefined) page.editor = editor;
    return page;
  });
  const issue: Issue = { file, paper: t(data.paper), date: t(data.date), pages };
  if (data.edition !== undefined) issue.edition = data.edition as number;
  if (data.serial !== undefined) issue.serial = t(data.serial);
  if (data['postal-code'] !== undefined) issue.postalCode = t(data['postal-code']);
  for (const e of furnitureLimitErrors(issue, loc)) problems.push(e);
  // A teaser is its story's headline: one taken from a story file is known only now.
  const byId = new Map(pages.flatMap((p) => p.articles.map((a) => [a.id, a] as const)));
  for (const tz of pages.flatMap((p) => p.teasers)) {
    const a = byId.get(tz.article);
    if (a && !a.headline?.length) problems.push(new IssueError('bad-teaser', tz.pos, `article "${tz.article}" has no headline for the masthead's 导读 to give; give it one, or announce another story`));
  }
  return issue;
}

// ---------------------------------------------------------------------------
// The YAML tree before it becomes data: what a plain issue file never holds, and what its aliases come to

// The core schema's tags: an issue is text, numbers, true/false, null, lists and mappings.
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

/** What a node of the tree comes to with its aliases expanded. */
interface Expansion {
  characters: number;
  aliases: number;
}

/** One step of the walk: a node to look at, or (`from` set) one whose subtree is done and is measured against `from`. */
interface Step {
  node: Node;
  from?: Expansion;
}

/** What the walk over the tree finds: its problems, and its anchors and aliases in file order. */
interface TreeWalk {
  errors: IssueError[];
  /** What yaml would otherwise walk the whole tree again for, to find each alias's anchor. */
  anchorsAndAliases: Node[];
}

/**
 * Tags beyond the core schema's, lists and mappings used as keys, aliases inside their own anchor,
 * and aliases that expand the file past its limits, each at its own position. One walk in file
 * order with its own stack, every node once: an alias adds what its anchor came to, so a file that
 * multiplies itself is measured, never expanded.
 */
function walkTree(doc: Document, text: string, loc: Locator): TreeWalk {
  const out: IssueError[] = [];
  const anchorsAndAliases: Node[] = [];
  const total: Expansion = { characters: 0, aliases: 0 };
  const anchors = new Map<string, Node>();
  const measured = new Map<Node, Expansion>();
  const stack: Step[] = isNode(doc.contents) ? [{ node: doc.contents }] : [];
  while (stack.length > 0) {
    const { node, from } = stack.pop()!;
    if (from) {
      measured.set(node, { characters: total.characters - from.characters, aliases: total.aliases - from.aliases });
      continue;
    }
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) out.push(tagError(node, text, loc));
    if (isAlias(node) || node.anchor) anchorsAndAliases.push(node);
    if (isAlias(node)) {
      const anchor = anchors.get(node.source);
      const size = anchor && measured.get(anchor);
      // yaml leaves an alias to no anchor before it for toJS to throw at; one whose anchor is not measured yet stands inside it.
      if (!anchor) {
        out.push(new IssueError('yaml-syntax', nodeAt(node, loc), `alias *${node.source} names no anchor set before it; write &${node.source} on the value it repeats, above this line, or write the value out`));
        continue;
      }
      if (!size) return { errors: [new IssueError('yaml-syntax', nodeAt(node, loc), `alias *${node.source} stands inside the value its anchor &${node.source} names, so that value would repeat without end; point it at another anchor, or write the value out`)], anchorsAndAliases };
      total.characters += size.characters;
      total.aliases += 1 + size.aliases;
    } else if (!isCollection(node)) {
      const characters = 1 + (isScalar(node) && node.value !== null ? String(node.value).length : 0);
      total.characters += characters;
      measured.set(node, { characters, aliases: 0 });
    }
    const over = expansionError(node, total, loc);
    if (over) return { errors: [over], anchorsAndAliases };
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isCollection(node)) continue;
    total.characters += 1;
    stack.push({ node, from: { characters: total.characters - 1, aliases: total.aliases } });
    // Children go on the stack last first, so they come off in file order.
    for (let i = node.items.length - 1; i >= 0; i--) {
      const item = node.items[i];
      if (!isMap(node)) {
        if (isNode(item)) stack.push({ node: item });
        continue;
      }
      const { key, value } = item as { key: unknown; value: unknown };
      if (isNode(value)) stack.push({ node: value });
      if (isNode(key)) {
        stack.push({ node: key });
        const named = isAlias(key) ? anchors.get(key.source) : key;
        if (isCollection(named)) out.push(new IssueError('wrong-type', nodeAt(key, loc), `a ${isMap(named) ? 'mapping' : 'list'} is used as a key; a key is a plain name such as headline: write it so, and the list or mapping after it as its value`));
      }
    }
  }
  return { errors: out, anchorsAndAliases };
}

function nodeAt(node: Node, loc: Locator): SourcePos {
  return node.range ? loc.at(node.range[0]) : { file: loc.file, line: 1, column: 1 };
}

/** A tag the core schema does not know, at the tag itself: its value starts after it, the tag (!!binary, !name, !<…>) is the word before. */
function tagError(node: Node, text: string, loc: Locator): IssueError {
  const shown = node.tag!.replace(/^tag:yaml\.org,2002:/, '!!');
  let at = node.range ? text.lastIndexOf('!', node.range[0]) : -1;
  while (at > 0 && !/\s/.test(text[at - 1]!)) at--;
  const pos = at >= 0 ? loc.at(at) : nodeAt(node, loc);
  return new IssueError('wrong-type', pos, `the YAML tag ${shown} has no place in an issue file, which holds only text, numbers, true or false, lists and mappings; remove the tag and write the value plainly`);
}

/** The limit the expansion so far has passed, at the node that passed it. */
function expansionError(node: Node, total: Expansion, loc: Locator): IssueError | undefined {
  if (total.aliases > LIMITS.yamlAliases) {
    return new IssueError('too-large', nodeAt(node, loc), `the file's aliases expand past ${LIMITS.yamlAliases} here (each alias counted again inside every alias that repeats it); write the values out, or raise BANMIAN_MAX_YAML_ALIASES`);
  }
  if (total.characters > LIMITS.issueCharacters) {
    const how = isAlias(node) ? 'with its aliases expanded, the file' : 'the file';
    return new IssueError('too-large', nodeAt(node, loc), `${how} comes to more than ${LIMITS.issueCharacters} characters here (each value counting at least one); write shorter values, split the issue, or raise BANMIAN_MAX_ISSUE_CHARACTERS`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Entry points

/** Throws the problems in file order: the issue file's first, then each story file's, each by line and column. */
function sortAndThrow(errors: IssueError[], file: string): never {
  const fileOrder = new Map<string, number>([[file, 0]]);
  for (const e of errors) if (!fileOrder.has(e.pos.file)) fileOrder.set(e.pos.file, fileOrder.size);
  const seen = new Set<string>();
  const unique = errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => fileOrder.get(a.e.pos.file)! - fileOrder.get(b.e.pos.file)! || a.e.pos.line - b.e.pos.line || a.e.pos.column - b.e.pos.column || a.i - b.i)
    .map(({ e }) => e)
    .filter((e) => {
      const k = `${e.pos.file}:${e.pos.line}:${e.pos.column}:${e.message}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
  throw new IssueErrors(unique);
}

/**
 * Parse issue-file text; `file` places it, for positions and the story files it names, read from
 * the folders of `ws` (the workspace found from `file` when not given). Throws IssueErrors.
 */
export function parseIssue(text: string, file: string, ws?: Workspace, kept?: KeptTree): Issue {
  const { doc, lines } = kept ? kept.read(text) : parseTree(text);
  const loc = new Locator(file, doc, lines);
  if (doc.errors.length > 0) {
    // A broken YAML tree would only produce confusing follow-on schema errors, and yaml's own errors cascade
    // (one bad indent yields several), so report just the first: fixing it usually clears the rest.
    sortAndThrow(
      doc.errors.slice(0, 1).map((e) => {
        // yaml's own wording here tells programmers to call another API; say what to change in the file instead.
        const msg = e.code === 'MULTIPLE_DOCS' ? 'an issue file must hold exactly one YAML document; remove the extra "---" line' : e.message;
        // yaml notices an unclosed quote where the text runs out, often the end of the file:
        // point at the quote that opened it, which is what the desk has to close.
        const quote = e.code === 'MISSING_CHAR' ? e.message.match(/Missing closing (["'])quote/)?.[1] : undefined;
        const opened = quote ? unclosedQuote(text, e.pos[0], quote) : undefined;
        if (opened !== undefined) return new IssueError('yaml-syntax', loc.at(opened), `YAML syntax error: this ${quote} is never closed; close it at the end of its value`);
        return new IssueError('yaml-syntax', loc.at(e.pos[0]), `YAML syntax error: ${msg}`);
      }),
      file,
    );
  }

  const tree = walkTree(doc, text, loc);
  if (tree.errors.length > 0) sortAndThrow(tree.errors, file);
  // The walk has bounded what the aliases expand to, and refused it at the alias that passes a limit.
  // Document.toJS with the anchors and aliases the walk found, so that yaml need not walk the tree again to find them.
  const data: unknown = toJS(doc.contents, '', { anchors: new Map(), aliasResolveCache: tree.anchorsAndAliases, doc, keep: true, mapAsMap: false, mapKeyWarned: false, maxAliasCount: -1 });
  // Only a YAML 1.1 reader turns an unquoted date into a Date; accept it as the date it denotes.
  if (isObj(data) && (data.date as unknown) instanceof Date) {
    const d = data.date as unknown as Date;
    data.date = Number.isNaN(d.getTime()) ? String(d) : d.toISOString().slice(0, 10);
  }

  // `place: auto` leaves the place to the plan, as no place does.
  if (isObj(data)) for (const page of listOf(data.pages)) for (const a of isObj(page) ? listOf(page.articles) : []) if (isObj(a) && a.place === 'auto') delete a.place;
  const errors = [...schemaProblems(data, loc), ...semanticErrors(data, loc)];
  if (errors.length > 0) sortAndThrow(errors, file);
  const issue = build(data as Obj, file, loc, errors, ws);
  if (errors.length > 0) sortAndThrow(errors, file);
  return issue;
}

/** Read and parse an issue file. A missing or unreadable file is an IssueErrors too (bad user input, not an internal fault). */
export function loadIssue(path: string, ws?: Workspace, kept?: KeptTree): Issue {
  try {
    return parseIssue(readDeskFile({ path, at: { file: path, line: 1, column: 1 }, noun: 'issue file', ext: '.yaml', empty: 'start from `compose init NAME --paper …`' }), path, ws, kept);
  } catch (e) {
    throw e instanceof IssueError ? new IssueErrors([e]) : e;
  }
}

/** The last quote before `before` that opens a value and is not closed on its own line. */
function unclosedQuote(text: string, before: number, quote: string): number | undefined {
  const opener = new RegExp(`(^|[:\\-\\[,{]\\s*)${quote}`, 'gm');
  let found: number | undefined;
  for (const m of text.matchAll(opener)) {
    const at = (m.index ?? 0) + m[0].length - 1;
    if (at > before) break;
    const end = text.indexOf('\n', at);
    const rest = text.slice(at + 1, end < 0 ? undefined : end);
    // '' is a quote inside a single-quoted value, \" inside a double-quoted one.
    const closes = quote === "'" ? rest.replace(/''/g, '').includes("'") : /(^|[^\\])"/.test(rest);
    if (!closes) found = at;
  }
  return found;
}
