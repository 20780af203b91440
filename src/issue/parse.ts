// parseIssue/loadIssue collect every problem in the file and throw a single IssueErrors (never a bare IssueError).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { type Document, LineCounter, isMap, isNode, isPair, isScalar, parseDocument } from 'yaml';
import { LIMITS } from '../limits.js';
import { packageRoot } from '../paths.js';
import { IssueError, IssueErrors, type IssueErrorCode } from './errors.js';
import type { Article, BodyBlock, Crop, GridPlace, Issue, Page, PictureSlot, SourcePos, Table } from './types.js';

type Seg = string | number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const SCHEMA_ID = 'https://banmian.invalid/schema/issue.schema.json';

// ---------------------------------------------------------------------------
// Schema loading

let schemaCache: object | undefined;
let ajvInstance: Ajv | undefined;
let mainValidator: ValidateFunction | undefined;
const branchValidators = new Map<string, ValidateFunction>();

function schemaJson(): object {
  schemaCache ??= JSON.parse(readFileSync(join(packageRoot(), 'schema', 'issue.schema.json'), 'utf8')) as object;
  return schemaCache;
}

function ajv(): Ajv {
  if (!ajvInstance) {
    const schema = schemaJson();
    // strict: a schema mistake should fail loudly at compile time, not log; logger off because src/issue never prints.
    // strictRequired off: the article's "at least one of headline, body, …" anyOf names properties defined one level up.
    ajvInstance = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, logger: false });
    ajvInstance.addSchema(schema, SCHEMA_ID);
  }
  return ajvInstance;
}

function validator(): ValidateFunction {
  if (!mainValidator) {
    const v = ajv().getSchema(SCHEMA_ID);
    if (!v) throw new Error('banmian: issue schema failed to load');
    mainValidator = v;
  }
  return mainValidator;
}

/** Validator for one branch of a oneOf/anyOf, addressed by its JSON pointer in the issue schema. */
function branchValidator(pointer: string): ValidateFunction {
  let v = branchValidators.get(pointer);
  if (!v) {
    v = ajv().compile({ $ref: SCHEMA_ID + pointer });
    branchValidators.set(pointer, v);
  }
  return v;
}

// ---------------------------------------------------------------------------
// Positions

class Locator {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The deepest YAML node along `path` (falls back to an ancestor if the path cannot be followed). */
  private node(path: readonly Seg[]): unknown {
    let best: unknown = this.doc.contents;
    for (let i = 1; i <= path.length; i++) {
      const n: unknown = this.doc.getIn(path.slice(0, i), true);
      if (!isNode(n)) break;
      best = n;
    }
    return best;
  }

  /** Position of the value at `path`. */
  value(path: readonly Seg[]): SourcePos {
    const n = this.node(path);
    if (isNode(n) && n.range) return this.at(n.range[0]);
    return { file: this.file, line: 1, column: 1 };
  }

  /** Position of the key `key` in the mapping at `path` (for unknown keys), else of the mapping. */
  key(path: readonly Seg[], key: string): SourcePos {
    const n = this.node(path);
    if (isMap(n)) {
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k: unknown = pair.key;
        const name = isScalar(k) ? String(k.value) : k;
        if (name === key && isNode(k) && k.range) return this.at(k.range[0]);
      }
    }
    return this.value(path);
  }
}

// ---------------------------------------------------------------------------
// Describing places and values in messages

function decodePointer(p: string): Seg[] {
  if (p === '') return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

const ITEM_NOUN: Record<string, string> = {
  pages: 'page',
  articles: 'article',
  pictures: 'picture',
  continued: 'continuation',
  body: 'body item',
  note: '"note" paragraph',
  briefs: 'brief',
  bullets: 'bullet',
  headline: 'headline line',
};

/** How to name the value at `segs` in a message: `"span"`, `body item 3`, `"table" row 2 cell 1`. */
function label(segs: readonly Seg[]): string {
  if (segs.length === 0) return 'the issue file';
  const last = segs[segs.length - 1];
  if (typeof last === 'string') return `"${last}"`;
  const parent = segs[segs.length - 2];
  if (typeof parent === 'number' && segs[segs.length - 3] === 'table') return `"table" row ${parent + 1} cell ${last + 1}`;
  if (parent === 'table') return `"table" row ${last + 1}`;
  if (typeof parent === 'string') return `${ITEM_NOUN[parent] ?? `"${parent}" item`} ${last + 1}`;
  return `item ${last + 1}`;
}

/** The kind of mapping at `segs`, for "unknown key … in <context>". */
function mappingContext(segs: readonly Seg[], keys: readonly string[]): string {
  if (segs.length === 0) return 'the issue (top level)';
  const last = segs[segs.length - 1];
  const parent = segs[segs.length - 2];
  if (last === 'place') return segs.includes('pictures') ? 'picture place' : segs.includes('continued') ? 'continuation place' : 'place';
  if (typeof last === 'number') {
    if (parent === 'pages') return 'page';
    if (parent === 'articles') return 'article';
    if (parent === 'pictures') return 'picture';
    if (parent === 'continued') return 'continuation';
    if (parent === 'body') {
      if (keys.includes('subhead')) return 'body subhead';
      if (keys.includes('bullets')) return 'body bullets';
      return 'body paragraph';
    }
  }
  return label(segs);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (v instanceof Date) return 'a date';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 39) + '…' : v);
  if (typeof v === 'number') return `the number ${v}`;
  return String(v);
}

function typeWord(t: string, positive: boolean): string {
  switch (t) {
    case 'string':
      return 'text (a string)';
    case 'integer':
      return positive ? 'a positive integer' : 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping (key: value lines)';
    default:
      return t;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

const PATTERN_MESSAGES: Record<string, string> = {
  '\\S': 'must not be empty',
  '^[a-z0-9][a-z0-9-]*$': 'must use only lowercase letters, digits and hyphens, starting with a letter or digit (e.g. roundtable)',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}$': 'must be a date written YYYY-MM-DD, e.g. "2024-12-25"',
  '^[A-Za-z0-9][A-Za-z0-9_-]*$': 'must be the name of a layout template, e.g. broadsheet or tabloid',
};

interface Composite {
  /** JSON pointer of the oneOf/anyOf inside the issue schema, for compiling a single branch. */
  pointer: string;
  code: IssueErrorCode;
  /** Used when no single branch explains the failure. */
  message: (what: string, v: unknown) => string;
  /** Which branch the writer evidently meant, so that branch's own errors can be reported precisely. */
  choose?: (v: unknown) => number | undefined;
}

// ajv reports schemaPath relative to the innermost $ref target, so composites are recognised by their schema object.
function compositeFor(parentSchema: unknown): Composite | undefined {
  const s = schemaJson() as { definitions: Record<string, { properties: Record<string, unknown> }> };
  const d = s.definitions;
  if (parentSchema === d.bodyItem) {
    return {
      pointer: '#/definitions/bodyItem/oneOf',
      code: 'wrong-type',
      message: (w, v) =>
        `${w} must be a paragraph (a string, or a mapping with "text" and optional "lead", "hang"), ` +
        `a mapping with "subhead", or a mapping with "bullets", got ${describe(v)}`,
      choose: (v) => {
        if (typeof v === 'string') return 0;
        if (!isObj(v)) return undefined;
        if ('subhead' in v) return 2;
        if ('bullets' in v) return 3;
        return 1;
      },
    };
  }
  if (parentSchema === d.article!.properties.headline) {
    return {
      pointer: '#/definitions/article/properties/headline/anyOf',
      code: 'wrong-type',
      message: (w, v) => `${w} must be a string, or a list of 1–2 strings (one per line), got ${describe(v)}`,
      choose: (v) => (typeof v === 'string' ? 0 : Array.isArray(v) ? 1 : undefined),
    };
  }
  if (parentSchema === d.place!.properties.lines) {
    return {
      pointer: '#/definitions/place/properties/lines/anyOf',
      code: 'wrong-type',
      message: (w, v) => `${w} must be a positive integer or "bottom", got ${describe(v)}`,
    };
  }
  if (parentSchema === d.article) {
    return {
      pointer: '#/definitions/article/anyOf',
      code: 'no-content',
      message: (_w, v) => {
        const id = isObj(v) && typeof v.id === 'string' ? ` "${v.id}"` : '';
        return `article${id} has no content; expected at least one of: headline, body, briefs, table, pictures`;
      },
    };
  }
  return undefined;
}

const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'default', 'anyOf', 'oneOf']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function getAt(root: unknown, segs: readonly Seg[]): unknown {
  let v: unknown = root;
  for (const s of segs) {
    if (Array.isArray(v) && typeof s === 'number') v = v[s];
    else if (isObj(v) && typeof s === 'string') v = v[s];
    else return undefined;
  }
  return v;
}

// ---------------------------------------------------------------------------
// ajv errors → IssueErrors

function schemaErrors(errs: readonly ErrorObject[], data: unknown, loc: Locator, prefix: readonly Seg[] = []): IssueError[] {
  const list = errs.map((e) => ({ e, segs: [...prefix, ...decodePointer(e.instancePath)] }));
  const dropped = new Set<ErrorObject>();
  const out: IssueError[] = [];
  const under = (segs: readonly Seg[], root: readonly Seg[]) => root.length <= segs.length && root.every((s, i) => segs[i] === s);

  // Shallow composites first, so their subtrees are settled before any nested ones are looked at.
  const composites = list
    .filter(({ e }) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.segs.length - b.segs.length);
  for (const c of composites) {
    if (dropped.has(c.e)) continue;
    const parent = (c.e.parentSchema ?? {}) as Record<string, unknown>;
    const exclusive = Object.keys(parent).every((k) => ANNOTATIONS.has(k));
    for (const o of list) {
      if (!under(o.segs, c.segs)) continue;
      // Branches often $ref elsewhere, so their schemaPaths need not share the composite's prefix; but if the
      // composite is all its schema says, every error at or below the value came from one of its branches.
      if (exclusive || o.e.schemaPath.startsWith(c.e.schemaPath + '/')) dropped.add(o.e);
    }
    dropped.add(c.e);
    const value = getAt(data, c.segs);
    const what = label(c.segs);
    const known = compositeFor(c.e.parentSchema);
    if (!known) {
      out.push(new IssueError('wrong-type', loc.value(c.segs), `${what} does not match any allowed form`));
      continue;
    }
    const branch = known.choose?.(value);
    if (branch !== undefined) {
      const v = branchValidator(`${known.pointer}/${branch}`);
      if (!v(value) && v.errors) {
        out.push(...schemaErrors(v.errors, value, loc, c.segs));
        continue;
      }
    }
    out.push(new IssueError(known.code, loc.value(c.segs), known.message(what, value)));
  }

  for (const { e, segs } of list) {
    if (dropped.has(e)) continue;
    out.push(simpleError(e, segs, loc));
  }
  return out;
}

function simpleError(e: ErrorObject, segs: Seg[], loc: Locator): IssueError {
  const what = label(segs);
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const positive = parent.minimum === 1 || (parent.$ref as string | undefined)?.endsWith('/positiveInteger') === true;
  const params = e.params as Record<string, unknown>;
  const pos = loc.value(segs);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as object);
      const hint = suggest(key, known);
      return new IssueError(
        'unknown-key',
        loc.key(segs, key),
        `unknown key "${key}" in ${mappingContext(segs, known)}` +
          (hint ? ` (did you mean "${hint}"?)` : '') +
          `; expected one of: ${known.join(', ')}`,
      );
    }
    case 'required': {
      const key = String(params.missingProperty);
      const props = (parent.properties ?? {}) as Record<string, { title?: string }>;
      const title = props[key]?.title;
      return new IssueError(
        'missing-key',
        pos,
        `${mappingContext(segs, Object.keys(props))} is missing required key "${key}"` + (title ? ` (${title})` : ''),
      );
    }
    case 'type': {
      if (segs.length === 0) {
        return new IssueError(
          'wrong-type',
          pos,
          e.data === null || e.data === undefined
            ? 'the issue file is empty; expected a mapping with format, paper, date and pages'
            : `the issue file must be a mapping (key: value lines) with format, paper, date and pages, got ${describe(e.data)}`,
        );
      }
      const t = String(params.type);
      let msg = `${what} must be ${typeWord(t, positive)}, got ${describe(e.data)}`;
      // Numbers in table cells and headlines are the usual way text turns into a non-string in YAML.
      if (t === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean')) msg += ` — put it in quotes: "${String(e.data)}"`;
      if (t === 'string' && e.data === null && segs.includes('table')) msg += ' — write "" for an empty cell';
      return new IssueError('wrong-type', pos, msg);
    }
    case 'minimum':
      return new IssueError('bad-value', pos, `${what} must be ${positive ? 'a positive integer' : `at least ${String(params.limit)}`}, got ${describe(e.data)}`);
    case 'const':
      return new IssueError('bad-value', pos, `${what} must be ${JSON.stringify(params.allowedValue)}` + (segs[0] === 'format' && segs.length === 1 ? ' (this is format v1)' : '') + `, got ${describe(e.data)}`);
    case 'enum':
      return new IssueError('bad-value', pos, `${what} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describe(e.data)}`);
    case 'pattern': {
      const p = String(params.pattern);
      return new IssueError('bad-value', pos, `${what} ${PATTERN_MESSAGES[p] ?? `must match ${p}`}` + (p === '\\S' ? '' : `, got ${describe(e.data)}`));
    }
    case 'minItems': {
      const n = Number(params.limit);
      return new IssueError('bad-value', pos, `${what} must have at least ${n} ${n === 1 ? 'item' : 'items'}`);
    }
    case 'maxItems': {
      const n = Number(params.limit);
      const unit = segs[segs.length - 1] === 'headline' ? 'lines' : 'items';
      return new IssueError('bad-value', pos, `${what} can have at most ${n} ${unit}, got ${Array.isArray(e.data) ? e.data.length : '?'}`);
    }
    case 'dependencies':
      return new IssueError('missing-key', loc.key(segs, String(params.property)), `"${String(params.property)}" needs "${String(params.missingProperty)}" in the same ${mappingContext(segs, [])}`);
    default:
      return new IssueError('bad-value', pos, `${what} ${e.message ?? 'is not valid'}`);
  }
}

// ---------------------------------------------------------------------------
// Checks the schema cannot express

const DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // Date.UTC would map years 0–99 to 19xx
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Run on the raw data so duplicates are reported even when the file has schema errors too. */
function semanticErrors(data: unknown, loc: Locator): IssueError[] {
  const out: IssueError[] = [];
  if (!isObj(data)) return out;
  if (typeof data.date === 'string' && DATE_RE.test(data.date) && !isCalendarDate(data.date)) {
    out.push(new IssueError('invalid-date', loc.value(['date']), `"date" ${JSON.stringify(data.date)} is not a real calendar date; expected YYYY-MM-DD`));
  }
  const pages = Array.isArray(data.pages) ? data.pages : [];
  const pageSeen = new Map<number, SourcePos>();
  const idSeen = new Map<string, SourcePos>();
  pages.forEach((page, pi) => {
    if (!isObj(page)) return;
    if (typeof page.number === 'number') {
      const pos = loc.value(['pages', pi, 'number']);
      const first = pageSeen.get(page.number);
      if (first) out.push(new IssueError('duplicate-page', pos, `page number ${page.number} is used twice; first at line ${first.line}. Each page needs its own 版次`));
      else pageSeen.set(page.number, pos);
    }
    const articles = Array.isArray(page.articles) ? page.articles : [];
    articles.forEach((art, ai) => {
      if (!isObj(art) || typeof art.id !== 'string') return;
      const id = art.id.trim();
      const pos = loc.value(['pages', pi, 'articles', ai, 'id']);
      const first = idSeen.get(id);
      if (first) out.push(new IssueError('duplicate-id', pos, `duplicate article id "${id}"; first used at line ${first.line}. Article ids must be unique in the issue`));
      else idSeen.set(id, pos);
    });
  });
  return out;
}

// ---------------------------------------------------------------------------
// Building the typed model (only called on schema-valid data)

// trim() also drops U+3000: desk copy pasted from Word often starts paragraphs with 　　, and indents are the layout's job.
const t = (v: Json | undefined): string => String(v).trim();
const tOpt = (v: Json | undefined): string | undefined => (v === undefined ? undefined : t(v));
const tList = (v: Json | undefined): string[] => (Array.isArray(v) ? v.map(t) : []);

function place(v: Json | undefined): GridPlace {
  const p = v as Obj;
  return {
    column: p.column as number,
    span: p.span as number,
    line: p.line as number,
    lines: p.lines === 'bottom' ? 'bottom' : (p.lines as number),
  };
}

function build(data: Obj, file: string, loc: Locator): Issue {
  const pages = (data.pages as Obj[]).map((pg, pi): Page => {
    const pPath: Seg[] = ['pages', pi];
    const articles = (pg.articles as Obj[]).map((a, ai): Article => {
      const aPath: Seg[] = [...pPath, 'articles', ai];
      const body = ((a.body ?? []) as Json[]).map((b, bi): BodyBlock => {
        const pos = loc.value([...aPath, 'body', bi]);
        if (typeof b === 'string') return { kind: 'paragraph', text: t(b), pos };
        const o = b as Obj;
        if (o.subhead !== undefined) return { kind: 'subhead', text: t(o.subhead), pos };
        if (o.bullets !== undefined) return { kind: 'bullets', items: tList(o.bullets), pos };
        const para: BodyBlock = { kind: 'paragraph', text: t(o.text), pos };
        if (o.lead !== undefined) para.lead = t(o.lead);
        if (o.hang !== undefined) para.hang = o.hang as boolean;
        return para;
      });
      const pictures = ((a.pictures ?? []) as Obj[]).map((p, xi): PictureSlot => {
        const slot: PictureSlot = { place: place(p.place), pos: loc.value([...aPath, 'pictures', xi]) };
        if (p.source !== undefined) slot.source = resolvePath(dirname(file), t(p.source));
        if (p.crop !== undefined) slot.crop = p.crop as unknown as Crop;
        if (p.caption !== undefined) slot.caption = t(p.caption);
        if (p.credit !== undefined) slot.credit = t(p.credit);
        return slot;
      });
      const continued = ((a.continued ?? []) as Obj[]).map((c, ci) => ({ page: c.page as number, place: place(c.place), pos: loc.value([...aPath, 'continued', ci]) }));
      const art: Article = { id: t(a.id), place: place(a.place), kind: 'story', continued, body, pictures, pos: loc.value(aPath) };
      if (a.kicker !== undefined) art.kicker = t(a.kicker);
      if (a.headline !== undefined) art.headline = typeof a.headline === 'string' ? [t(a.headline)] : tList(a.headline);
      if (a.subhead !== undefined) art.subhead = t(a.subhead);
      if (a.byline !== undefined) art.byline = t(a.byline);
      if (a.note !== undefined) art.note = tList(a.note);
      if (a.table !== undefined) {
        const table: Table = { rows: (a.table as Json[][]).map((r) => r.map(t)), pos: loc.value([...aPath, 'table']) };
        art.table = table;
      }
      if (a.briefs !== undefined) art.briefs = tList(a.briefs);
      return art;
    });
    const page: Page = { number: pg.number as number, name: t(pg.name), layout: t(pg.layout), masthead: pg.masthead === true, articles, spaces: [], pos: loc.value(pPath) };
    const editor = tOpt(pg.editor);
    if (editor !== undefined) page.editor = editor;
    return page;
  });
  const issue: Issue = { file, paper: t(data.paper), date: t(data.date), pages };
  if (data.edition !== undefined) issue.edition = data.edition as number;
  return issue;
}

// ---------------------------------------------------------------------------
// Entry points

function sortAndThrow(errors: IssueError[]): never {
  const seen = new Set<string>();
  const unique = errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.pos.line - b.e.pos.line || a.e.pos.column - b.e.pos.column || a.i - b.i)
    .map(({ e }) => e)
    .filter((e) => {
      const k = `${e.pos.line}:${e.pos.column}:${e.message}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
  throw new IssueErrors(unique);
}

/** Parse issue-file text. `file` is only used in positions and Issue.file. Throws IssueErrors. */
export function parseIssue(text: string, file: string): Issue {
  const lines = new LineCounter();
  // prettyErrors off: we format positions ourselves and want YAML's bare message.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
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
    );
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: LIMITS.yamlAliases });
  } catch (e) {
    // yaml refuses to expand a file whose aliases multiply (a "billion laughs" file) past the limit.
    throw new IssueErrors([new IssueError('too-large', { file, line: 1, column: 1 }, `the file's aliases expand too far (${e instanceof Error ? e.message : String(e)}); write the values out, or raise BANMIAN_MAX_YAML_ALIASES`)]);
  }
  // Only a YAML 1.1 reader turns an unquoted date into a Date; accept it as the date it denotes.
  if (isObj(data) && (data.date as unknown) instanceof Date) {
    const d = data.date as unknown as Date;
    data.date = Number.isNaN(d.getTime()) ? String(d) : d.toISOString().slice(0, 10);
  }

  const errors: IssueError[] = [];
  const validate = validator();
  if (!validate(data) && validate.errors) errors.push(...schemaErrors(validate.errors, data, loc));
  errors.push(...semanticErrors(data, loc));
  if (errors.length > 0) sortAndThrow(errors);
  return build(data as Obj, file, loc);
}

/** Read and parse an issue file. A missing or unreadable file is an IssueErrors too (bad user input, not an internal fault). */
export function loadIssue(path: string): Issue {
  const here: SourcePos = { file: path, line: 1, column: 1 };
  let bytes: Buffer;
  try {
    // Size and kind first: /dev/zero, a pipe or a huge file must not be read before they are refused.
    const stat = statSync(path);
    if (!stat.isFile() && !stat.isDirectory()) throw new IssueErrors([new IssueError('unreadable-file', here, 'cannot read issue file: it is not a regular file (a pipe or a device); give a .yaml file')]);
    if (stat.size > LIMITS.issueBytes) {
      throw new IssueErrors([new IssueError('too-large', here, `issue file has ${stat.size} bytes, more than the limit of ${LIMITS.issueBytes}; split the issue, or raise BANMIAN_MAX_ISSUE_BYTES`)]);
    }
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof IssueErrors) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new IssueErrors([new IssueError('missing-file', here, 'issue file not found; check the path')]);
    }
    const why = code === 'EISDIR' ? 'it is a directory, expected a .yaml file' : (err as Error).message;
    throw new IssueErrors([new IssueError('unreadable-file', here, `cannot read issue file: ${why}`)]);
  }
  if (bytes.length === 0) throw new IssueErrors([new IssueError('no-content', here, 'issue file is empty; start from `compose init NAME --paper …`')]);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Files saved from Chinese Windows editors are often GB18030; point at the first bad byte.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, firstInvalidUtf8(bytes)));
    const at = before.length;
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new IssueErrors([
      new IssueError('encoding', { file: path, line, column }, 'issue file is not valid UTF-8 (saved as GBK/GB18030?); save it as UTF-8'),
    ]);
  }
  return parseIssue(text, path);
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    // Overlong and surrogate forms are as invalid as stray bytes.
    if ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f) || (c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f)) return i;
    i += n + 1;
  }
  return b.length;
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
