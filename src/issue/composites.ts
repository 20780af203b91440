// The parts of the issue schema checked on their own, and its composites (oneOf and anyOf) that
// messages explain as one: apart from the validators, so that the build knows which to generate.
import { quoted, type IssueErrorCode } from './errors.js';
import type { Obj } from './schema.js';

/** The definitions a file is checked against on its own: a JSON story is a story, not an issue. */
export const DEFINITIONS_CHECKED = ['jsonStory'] as const;

export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'an empty value';
  if (v instanceof Date) return 'a date';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return quoted(v);
  if (typeof v === 'number') return `the number ${v}`;
  return String(v);
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export interface Composite {
  /** JSON pointer of the oneOf/anyOf inside the issue schema: to recognise it, and to check a single branch. */
  pointer: string;
  code: IssueErrorCode;
  /** Used when no single branch explains the failure. */
  message: (what: string, v: unknown) => string;
  /** Which branch the writer evidently meant, so that branch's own errors can be reported precisely. */
  choose?: (v: unknown) => number | undefined;
}

/** Which form of headline a value is written in: a string, a list of lines. */
const headlineForm = (v: unknown) => (typeof v === 'string' ? 0 : Array.isArray(v) ? 1 : undefined);

export const COMPOSITES: readonly Composite[] = [
  {
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
  },
  {
    pointer: '#/definitions/article/properties/headline/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a string, a list of 1–2 strings (one per line), or a mapping with "text" and "size", got ${describe(v)}`,
    choose: (v) => headlineForm(v) ?? (isObj(v) ? 2 : undefined),
  },
  {
    pointer: '#/definitions/headlineText/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a string, or a list of 1–2 strings (one per line), got ${describe(v)}`,
    choose: headlineForm,
  },
  {
    pointer: '#/definitions/article/properties/headline/anyOf/2/properties/size/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a 号 name such as 小初, or a size in points (a positive number), got ${describe(v)}`,
  },
  {
    pointer: '#/definitions/article/properties/place/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a mapping (key: value lines), or "auto" to leave it to compose plan, got ${describe(v)}`,
    choose: (v) => (isObj(v) ? 0 : undefined),
  },
  {
    pointer: '#/definitions/place/properties/lines/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a positive integer or "bottom", got ${describe(v)}`,
  },
  {
    pointer: '#/definitions/articlePlace/properties/line/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a positive integer, or {below: ARTICLE_ID} to start under that article, got ${describe(v)}`,
    choose: (v) => (typeof v === 'number' ? 0 : isObj(v) ? 1 : undefined),
  },
  {
    pointer: '#/definitions/articlePlace/properties/lines/anyOf',
    code: 'wrong-type',
    message: (w, v) => `${w} must be a positive integer or "bottom" (to the foot of the type area) or "auto" (as deep as its content), got ${describe(v)}`,
  },
  {
    pointer: '#/definitions/article/anyOf',
    code: 'no-content',
    message: (_w, v) => {
      const id = isObj(v) && typeof v.id === 'string' ? ` "${v.id}"` : '';
      return `article${id} has no content; expected at least one of: headline, body, briefs, table, pictures, story`;
    },
  },
];
