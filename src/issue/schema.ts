// The issue schema and what ajv says against it, as IssueErrors at file:line:column: for the issue
// file and for the JSON story files it names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { type Document, type LineCounter, isCollection, isMap, isNode, isPair, isScalar } from 'yaml';
import { packageRoot } from '../paths.js';
import { COMPOSITES, describe, isObj, type Composite, type DEFINITIONS_CHECKED } from './composites.js';
import { IssueError, quoted } from './errors.js';
import type { SourcePos } from './types.js';
import { VALIDATORS } from './validators.js';

export { describe, isObj };

export type Seg = string | number;
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

/** The validator of a part of the issue schema (the whole, a definition, a branch of a oneOf/anyOf), addressed by its JSON pointer. */
function validatorOf(pointer: string): ValidateFunction {
  const v = VALIDATORS[pointer];
  if (!v) throw new Error(`banmian: the issue schema has no generated validator for ${pointer}`);
  return v;
}

let schemaCache: object | undefined;

// Only messages need the schema itself, so it is read when a file has problems.
function schemaJson(): object {
  schemaCache ??= JSON.parse(readFileSync(join(packageRoot(), 'schema', 'issue.schema.json'), 'utf8')) as object;
  return schemaCache;
}

/** The schema object at a JSON pointer of the issue schema ("#/definitions/place"). */
function schemaAt(pointer: string): unknown {
  return decodePointer(pointer.slice(1)).reduce<unknown>((s, seg) => (s as Record<Seg, unknown>)[seg], schemaJson());
}

/**
 * Everything the issue schema says against `data`, or with `definition` (a name under
 * "definitions") what that part of it says: a JSON story is checked against its own definition.
 */
export function schemaProblems(data: unknown, loc: Locator, definition?: (typeof DEFINITIONS_CHECKED)[number]): IssueError[] {
  const v = validatorOf(definition ? `#/definitions/${definition}` : '#');
  return v(data) || !v.errors ? [] : schemaErrors(v.errors, data, loc);
}

// ---------------------------------------------------------------------------
// Positions

/** Positions in one YAML (or JSON) document; `top` names its top-level mapping in messages. */
export class Locator {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
    readonly top = 'the issue (top level)',
  ) {}

  at(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /**
   * The deepest YAML node along `path` (falls back to an ancestor if the path cannot be followed).
   * One step down per segment, as getIn takes it: the issue's every article and paragraph is
   * placed by its path, so looking each prefix up from the top would cost the square of the depth.
   */
  private node(path: readonly Seg[]): unknown {
    let best: unknown = this.doc.contents;
    for (const seg of path) {
      if (!isCollection(best)) break;
      const n: unknown = best.get(seg, true);
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
  spaces: 'space',
  teasers: 'teaser',
  paragraphs: 'paragraph',
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

/** Which place a "place" mapping is, by the list it stands in. */
const PLACE_CONTEXT = [
  ['pictures', 'picture place'],
  ['continued', 'continuation place'],
  ['spaces', 'space place'],
] as const;

/** The kind of mapping at `segs`, for "unknown key … in <context>". */
function mappingContext(segs: readonly Seg[], keys: readonly string[], loc: Locator): string {
  if (segs.length === 0) return loc.top;
  const last = segs[segs.length - 1];
  const parent = segs[segs.length - 2];
  if (last === 'place') return PLACE_CONTEXT.find(([list]) => segs.includes(list))?.[1] ?? 'place';
  if (typeof last === 'number') {
    if (parent === 'pages') return 'page';
    if (parent === 'articles') return 'article';
    if (parent === 'pictures') return 'picture';
    if (parent === 'continued') return 'continuation';
    if (parent === 'spaces') return 'space';
    if (parent === 'body') {
      if (keys.includes('subhead')) return 'body subhead';
      if (keys.includes('bullets')) return 'body bullets';
      return 'body paragraph';
    }
  }
  return label(segs);
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

/** The known name `key` is most likely a misspelling of, if any is close enough. */
export function suggest(key: string, known: readonly string[]): string | undefined {
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
  '\\.(md|json)$': 'must name a .md or .json story file, e.g. stories/spring-gala.md',
};

let compositesByText: Map<string, Composite> | undefined;

// ajv reports schemaPath relative to the innermost $ref target, so composites are recognised by their
// schema object; the generated validators hold their own copy of the schema, so by its JSON text.
function compositeFor(parentSchema: unknown): Composite | undefined {
  compositesByText ??= new Map(COMPOSITES.map((c) => [JSON.stringify(schemaAt(c.pointer.replace(/\/(anyOf|oneOf)$/, ''))), c]));
  return compositesByText.get(JSON.stringify(parentSchema));
}

const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'default', 'anyOf', 'oneOf']);

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
  const byPath = sortedByPath(list);

  // Shallow composites first, so their subtrees are settled before any nested ones are looked at.
  const composites = list
    .filter(({ e }) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.segs.length - b.segs.length);
  for (const c of composites) {
    if (dropped.has(c.e)) continue;
    const parent = (c.e.parentSchema ?? {}) as Record<string, unknown>;
    const exclusive = Object.keys(parent).every((k) => ANNOTATIONS.has(k));
    for (const o of errorsUnder(byPath, c.segs)) {
      // Branches often $ref elsewhere, so their schemaPaths need not share the composite's prefix; but if the
      // composite is all its schema says, every error at or below the value came from one of its branches.
      if (exclusive || o.e.schemaPath.startsWith(c.e.schemaPath + '/')) dropped.add(o.e);
    }
    dropped.add(c.e);
    const value = getAt(data, c.segs.slice(prefix.length));
    const what = label(c.segs);
    const known = compositeFor(c.e.parentSchema);
    if (!known) {
      out.push(new IssueError('wrong-type', loc.value(c.segs), `${what} does not match any allowed form`));
      continue;
    }
    const branch = known.choose?.(value);
    if (branch !== undefined) {
      const v = validatorOf(`${known.pointer}/${branch}`);
      if (!v(value) && v.errors) {
        for (const e of schemaErrors(v.errors, value, loc, c.segs)) out.push(e);
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

/** A path as a string whose prefixes are exactly its ancestors' paths: each segment quoted and ended by a character no quoted one holds. */
const pathKey = (segs: readonly Seg[]) => segs.map((s) => `${JSON.stringify(s)}\u0001`).join('');

interface Keyed<T> {
  key: string;
  item: T;
}

/** Errors sorted by the path of their value, so the ones under a value are one run of them. */
function sortedByPath<T extends { segs: readonly Seg[] }>(list: readonly T[]): Keyed<T>[] {
  return list.map((item) => ({ key: pathKey(item.segs), item })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The errors at `segs` or below it, found by a binary search: a file of many bad values must not cost their square. */
function* errorsUnder<T>(sorted: readonly Keyed<T>[], segs: readonly Seg[]): Generator<T> {
  const key = pathKey(segs);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < sorted.length && sorted[i]!.key.startsWith(key); i++) yield sorted[i]!.item;
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
        `unknown key ${quoted(key)} in ${mappingContext(segs, known, loc)}` +
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
        `${mappingContext(segs, Object.keys(props), loc)} is missing required key "${key}"` + (title ? ` (${title})` : ''),
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
      const empty = Array.isArray(e.data) && e.data.length === 0 ? ': an empty list is no content; fill it, or remove the key' : '';
      return new IssueError('bad-value', pos, `${what} must have at least ${n} ${n === 1 ? 'item' : 'items'}${empty}`);
    }
    case 'maxItems': {
      const n = Number(params.limit);
      const unit = segs.slice(-2).includes('headline') ? 'lines' : 'items';
      return new IssueError('bad-value', pos, `${what} can have at most ${n} ${unit}, got ${Array.isArray(e.data) ? e.data.length : '?'}`);
    }
    case 'dependencies':
      return new IssueError('missing-key', loc.key(segs, String(params.property)), `"${String(params.property)}" needs "${String(params.missingProperty)}" in the same ${mappingContext(segs, [], loc)}`);
    default:
      return new IssueError('bad-value', pos, `${what} ${e.message ?? 'is not valid'}`);
  }
}
