// Bad input, table-driven: every case is a file (or a path, or an output folder) the desk or the
// nightly pipeline could hand to `compose`, run as the pipeline runs it — a child process — and
// judged by what the pipeline acts on: the exact exit code, `file:line:col: message` on standard
// error (the position worked out here from the text the test wrote), no stack trace, and no PDF
// left behind. All Chinese text is copied at test time from the sample issue.
//
// The cases are spawned four at a time (describe's concurrency), so the file stays around 20 s.
// A case may carry an `ideal`: what the engine should say but does not yet; it becomes a separate
// `todo` test on the same run, so the suite stays green while the gap stays visible.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statfsSync, symlinkSync, writeFileSync, writeSync, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import sharp from 'sharp';
import { parse } from 'yaml';
import { issueYaml, type FixtureArticle } from './fixture.js';
import { ROOT, escapeRegExp, runCompose, type Run } from './spawn.js';

const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const BIN = join(ROOT, 'bin', 'compose.js');

// ---------------------------------------------------------------------------
// Real copy from the sample

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(SAMPLE, 'utf8')) as { paper: string; pages: { name: string; articles: Obj[] }[] };
const articleOf = (id: string) => sample.pages.flatMap((p) => p.articles).find((a) => a.id === id)!;
/** Plain-string paragraphs of one of the sample's articles. */
const paragraphs = (id: string): string[] => (articleOf(id).body as unknown[]).filter((b): b is string => typeof b === 'string');
const GALA = paragraphs('spring-gala');
const HEADLINE = String(articleOf('spring-gala').headline);
const CREDIT = String(((articleOf('dianjiang').pictures as Obj[])[0] as Obj).credit);
const PAPER = sample.paper;
const PAGE_NAME = sample.pages[0]!.name;

/** The good issue every case breaks one thing of: the 春晚 story on a tabloid page, the rest of the page reserved. */
const goodIssue = (extra?: string[]) =>
  issueYaml('tabloid', [{ id: 'spring-gala', place: '{column: 1, span: 2, line: 1, lines: 30}', headline: HEADLINE, body: GALA.slice(0, 1), extra }], { reserve: true });

interface PageSpec {
  number: number;
  layout?: string;
  masthead?: boolean;
  articles: FixtureArticle[];
}

/** An issue of several pages, written the way test/fixture.ts writes one. */
function pagesYaml(pages: PageSpec[]): string {
  const lines = ['format: 1', `paper: ${PAPER}`, 'date: "2024-12-25"', 'pages:'];
  for (const p of pages) {
    lines.push(`  - number: ${p.number}`, `    name: ${PAGE_NAME}`, `    layout: ${p.layout ?? 'tabloid'}`);
    if (p.masthead) lines.push('    masthead: true');
    lines.push('    articles:');
    for (const a of p.articles) {
      lines.push(`      - id: ${a.id}`, `        place: ${a.place}`);
      if (a.headline) lines.push(`        headline: ${JSON.stringify(a.headline)}`);
      if (a.body.length) lines.push('        body:', ...a.body.map((b) => `          - ${JSON.stringify(b)}`));
      lines.push(...(a.extra ?? []));
    }
  }
  return lines.join('\n') + '\n';
}

/** The same text with exactly one replacement, which must happen. */
function swap(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0, `fixture lacks ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

// ---------------------------------------------------------------------------
// Positions, computed from what was written

interface Pos {
  line: number;
  col: number;
}

/** Line and column (1-based, in UTF-16 units as editors count them) of offset `at` in `text`. */
function posAt(text: string, at: number): Pos {
  const before = text.slice(0, at);
  return { line: before.split('\n').length, col: at - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Where the `nth` (0-based) occurrence of `needle` starts, moved `shift` columns right. */
function at(text: string, needle: string, nth = 0, shift = 0): Pos {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    assert.ok(i >= 0, `fixture lacks occurrence ${nth + 1} of ${JSON.stringify(needle)}`);
  }
  return posAt(text, i + shift);
}

/** Byte offset of the first byte that is not well-formed UTF-8 (WHATWG's decoder), or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Position of the first bad byte of `bytes`, counted in the characters before it. */
function badBytePos(bytes: Uint8Array): Pos {
  const i = firstInvalidUtf8(bytes);
  assert.ok(i >= 0, 'the fixture is valid UTF-8');
  const before = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, i));
  return posAt(before, before.length);
}

/** Deterministic bytes (a linear congruential generator), so the garbage is the same on every run. */
function garbage(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A PNG that is only a header: IHDR claims w × h, one tiny IDAT, IEND. No pixel data to speak of. */
function pngHeader(w: number, h: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  // A zlib stream of a few zero bytes: far too little for w × h pixels.
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A photograph-like JPEG: noise compresses badly, so half the file is really half the picture. */
const noisyJpeg = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 90 }).toBuffer();

// ---------------------------------------------------------------------------
// The cases

let tmp = '';
let CACHE = '';

interface Prepared {
  /** The issue path handed to compose. */
  file: string;
  out?: string;
  env?: Record<string, string>;
  code: 0 | 1 | 2 | 3;
  /** Accepted positions of the finding (any one of them); none for runs that have no position. */
  at?: Pos[];
  /** Only the line is known (the column depends on where the parser's stack ran out). */
  line?: number;
  /** A fragment the finding's line must contain. */
  message?: string;
  /** A path standard error must name (exit 3). */
  names?: string;
  /** The run may take at most this long, ms. */
  maxMs?: number;
  /** What the engine should report but does not yet: checked by the case's todo test. */
  ideal?: { at?: Pos; message?: string };
}

interface Case {
  name: string;
  make: (dir: string) => Prepared | Promise<Prepared>;
  /** Why the ideal is not met yet: the case gets a second test, marked todo, that checks `ideal`. */
  todo?: string;
}

const write = (dir: string, name: string, content: string | Uint8Array) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};

/** A case whose issue is `text`, written as issue.yaml, expected to exit 2 at `pos(text)`. */
function bad(name: string, text: () => string, pos: (t: string) => Pos | Pos[], message: string, more: (t: string) => Partial<Prepared> = () => ({}), todo?: string): Case {
  return {
    name,
    todo,
    make: (dir) => {
      const t = text();
      const p = pos(t);
      return { file: write(dir, 'issue.yaml', t), code: 2, at: Array.isArray(p) ? p : [p], message, ...more(t) };
    },
  };
}

/** A case whose issue has a picture slot with `source`; the finding is at the picture's place. */
function pictureCase(name: string, source: (dir: string) => string | Promise<string>, message: string, more: Partial<Prepared> = {}, todo?: string): Case {
  const slot = 'place: {column: 1, span: 2, line: 1, lines: 10}';
  return {
    name,
    todo,
    make: async (dir) => {
      const src = await source(dir);
      const text = goodIssue(['        pictures:', `          - ${slot}`, `            source: ${JSON.stringify(src)}`, `            credit: ${CREDIT}`]);
      return { file: write(dir, 'issue.yaml', text), code: 2, at: [at(text, slot)], message, ...more };
    },
  };
}

const tabloid = (articles: FixtureArticle[]) => issueYaml('tabloid', articles);
const GALA_AT = (place: string, id = 'spring-gala', body = GALA.slice(0, 1)): FixtureArticle => ({ id, place, body });

const cases: Case[] = [
  // --- the file itself: empty, not text, not UTF-8, BOM, line ends
  bad('an empty file', () => '', () => ({ line: 1, col: 1 }), 'empty'),
  bad('a file of blank lines and a comment only', () => `\n   \n# ${PAPER}\n`, () => ({ line: 1, col: 1 }), 'empty'),
  {
    name: 'binary garbage: exit 2 at the first byte that is not UTF-8',
    make: (dir) => {
      const bytes = garbage(4096, 20241225);
      return { file: write(dir, 'issue.yaml', bytes), code: 2, at: [badBytePos(bytes)], message: 'not valid UTF-8' };
    },
  },
  {
    name: 'a file saved as GBK: exit 2 at the first bad byte',
    make: (dir) => {
      const gbk = gbkEncode(goodIssue());
      return { file: write(dir, 'issue.yaml', gbk), code: 2, at: [badBytePos(gbk)], message: 'not valid UTF-8' };
    },
  },
  {
    name: 'one GBK paragraph pasted into a UTF-8 file: exit 2 at its first bad byte, counted in characters',
    make: (dir) => {
      const text = goodIssue();
      const para = GALA[0]!;
      // Cut after the paragraph's first three characters: the GBK bytes start mid-line.
      const cut = 3;
      const head = text.slice(0, text.indexOf(para) + cut);
      const tail = text.slice(text.indexOf(para) + cut);
      const bytes = Buffer.concat([Buffer.from(head, 'utf8'), gbkEncode(tail.slice(0, 3)), Buffer.from(tail.slice(3), 'utf8')]);
      const pos = badBytePos(bytes);
      assert.deepEqual(pos, posAt(text, text.indexOf(para) + cut), 'the first bad byte is where the GBK text starts');
      return { file: write(dir, 'issue.yaml', bytes), code: 2, at: [pos], message: 'not valid UTF-8' };
    },
  },
  {
    name: 'a replacement character (U+FFFD) in good UTF-8 before a bad byte: the bad byte’s position',
    make: (dir) => {
      // Desk copy that went through a bad conversion once carries � — valid UTF-8. The bad byte comes later.
      const text = swap(goodIssue(), `paper: ${PAPER}`, `paper: ${PAPER}\uFFFD`);
      const para = GALA[0]!;
      const start = text.indexOf(para);
      const bytes = Buffer.concat([Buffer.from(text.slice(0, start), 'utf8'), gbkEncode(para.slice(0, 3)), Buffer.from(text.slice(start + 3), 'utf8')]);
      const pos = badBytePos(bytes);
      return { file: write(dir, 'issue.yaml', bytes), code: 2, message: 'not valid UTF-8', at: [pos] };
    },
  },
  {
    name: 'a file saved as UTF-16 (with its BOM)',
    make: (dir) => {
      const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(goodIssue(), 'utf16le')]);
      return { file: write(dir, 'issue.yaml', bytes), code: 2, at: [{ line: 1, col: 1 }], message: 'not valid UTF-8' };
    },
  },
  {
    name: 'a UTF-8 BOM composes fine: exit 0 and a PDF',
    make: (dir) => ({ file: write(dir, 'issue.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(goodIssue(), 'utf8')])), code: 0 }),
  },
  {
    name: 'a BOM does not shift positions: an error on line 1 is at its own column',
    make: (dir) => {
      const text = swap(goodIssue(), 'format: 1', 'format: 2');
      return { file: write(dir, 'issue.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), code: 2, at: [at(text, 'format: 2', 0, 8)], message: '"format" must be 1' };
    },
  },
  bad('CRLF line ends: the position of a bad value is still right', () => swap(goodIssue(), 'span: 2', 'span: "2"').replace(/\n/g, '\r\n'), (t) => at(t.replace(/\r\n/g, '\n'), 'span: "2"', 0, 6), '"span" must be a positive integer'),

  // --- YAML syntax
  bad('a tab in the indentation', () => swap(goodIssue(), '    name:', '\tname:'), (t) => at(t, '\tname:'), 'Tabs'),
  bad(
    'an unclosed double quote',
    () => swap(goodIssue(), 'date: "2024-12-25"', 'date: "2024-12-25'),
    // yaml notices it where the string it read ends; the error points back at the quote that opened it.
    (t) => [at(t, '"2024-12-25')],
    'this " is never closed',
  ),
  bad(
    'an unclosed single quote in a body paragraph',
    () => swap(goodIssue(), `- ${JSON.stringify(GALA[0])}`, `- '${GALA[0]}`),
    // yaml reads the rest of the file into the string; the error points back at the quote that opened it.
    (t) => [at(t, `'${GALA[0]}`)],
    "this ' is never closed",
  ),
  bad('a key indented one space too little', () => swap(goodIssue(), '    name:', '   name:'), (t) => [at(t, '   name:'), at(t, 'name:')], 'YAML syntax error'),
  bad(
    'a key indented two spaces too far',
    () => swap(goodIssue(), '    layout: tabloid', '      layout: tabloid'),
    // yaml reads the deeper line as the continuation of the value above and stops at that value.
    (t) => [at(t, `${PAGE_NAME}\n      layout`), at(t, '      layout'), at(t, 'layout: tabloid')],
    'YAML syntax error',
  ),
  bad('an unclosed flow mapping', () => swap(goodIssue(), 'lines: 30}', 'lines: 30'), (t) => [at(t, '{column: 1'), at(t, 'headline:')], 'YAML syntax error'),
  bad(
    'a stray key: value line in a sequence (a subhead without its “- ”)',
    () => swap(goodIssue(), `          - ${JSON.stringify(GALA[0])}\n`, `          - ${JSON.stringify(GALA[0])}\n          subhead: ${JSON.stringify(HEADLINE)}\n`),
    (t) => [at(t, '          subhead:'), at(t, 'subhead:')],
    'YAML syntax error',
  ),
  bad('two documents (a stray ---)', () => goodIssue() + '---\n' + goodIssue(), (t) => at(t, '---'), 'exactly one YAML document'),
  bad('a key given twice', () => swap(goodIssue(), `    name: ${PAGE_NAME}\n`, `    name: ${PAGE_NAME}\n    name: ${PAGE_NAME}\n`), (t) => at(t, 'name:', 1), 'unique'),
  {
    name: 'a YAML bomb (billion laughs) ends quickly in exit 2',
    make: (dir) => {
      const names = 'abcdefghi';
      const lines = [`${names[0]}: &${names[0]} [${Array(9).fill(JSON.stringify(PAPER)).join(', ')}]`];
      for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill('*' + names[i - 1]).join(', ')}]`);
      const text = lines.join('\n') + '\n';
      // Refused at the alias that takes the expansion past the limit: the first of line e's.
      return { file: write(dir, 'issue.yaml', text), code: 2, at: [at(text, '*d')], message: 'aliases', maxMs: 10_000 };
    },
  },
  {
    name: 'deep nesting: 10,000 [ end in exit 2, not a crash',
    make: (dir) => ({ file: write(dir, 'issue.yaml', 'format: 1\npages: ' + '['.repeat(10_000) + '\n'), code: 2, line: 2, message: 'YAML syntax error', maxMs: 10_000 }),
  },

  // --- limits
  {
    name: 'an article over the character limit (BANMIAN_MAX_ARTICLE_CHARACTERS): exit 2 naming the limit',
    make: (dir) => {
      // One huge string: the round-table story's paragraphs run together.
      const huge = paragraphs('roundtable').join('');
      assert.ok(huge.length > 2000);
      const text = tabloid([GALA_AT('{column: 1, span: 6, line: 1, lines: 73}', 'roundtable', [huge])]);
      // At the text that takes the article over the limit: its one paragraph.
      return { file: write(dir, 'issue.yaml', text), code: 2, at: [at(text, JSON.stringify(huge))], message: 'more than the limit of 1000', env: { BANMIAN_MAX_ARTICLE_CHARACTERS: '1000' } };
    },
  },
  {
    name: 'an issue over the size limit (BANMIAN_MAX_ISSUE_BYTES)',
    make: (dir) => ({ file: write(dir, 'issue.yaml', goodIssue()), code: 2, at: [{ line: 1, col: 1 }], message: 'more than the limit of 200', env: { BANMIAN_MAX_ISSUE_BYTES: '200' } }),
  },

  // --- schema: unknown keys, wrong types, bad values
  bad('an unknown top-level key suggests the right one', () => swap(goodIssue(), 'paper:', 'papr:'), (t) => at(t, 'papr:'), 'unknown key "papr" in the issue (top level) (did you mean "paper"?)'),
  bad('an unknown article key suggests the right one', () => swap(goodIssue(), 'headline:', 'headlin:'), (t) => at(t, 'headlin:'), 'unknown key "headlin" in article (did you mean "headline"?)'),
  bad('an unknown place key suggests the right one', () => swap(goodIssue(), 'column: 1', 'colum: 1'), (t) => at(t, 'colum: 1'), 'unknown key "colum" in place (did you mean "column"?)'),
  bad('a string for span', () => swap(goodIssue(), 'span: 2', 'span: "2"'), (t) => at(t, 'span: "2"', 0, 6), '"span" must be a positive integer, got "2"'),
  bad('a list for paper', () => swap(goodIssue(), `paper: ${PAPER}`, `paper: [${PAPER}]`), (t) => at(t, `[${PAPER}]`), '"paper" must be text (a string), got a list'),
  bad('a number for headline', () => swap(goodIssue(), `headline: ${JSON.stringify(HEADLINE)}`, 'headline: 2025'), (t) => at(t, 'headline: 2025', 0, 10), '"headline" must be a string'),
  bad('a string for body (not a list)', () => swap(goodIssue(), `body:\n          - ${JSON.stringify(GALA[0])}`, `body: ${JSON.stringify(GALA[0])}`), (t) => at(t, 'body: ', 0, 6), '"body" must be a list'),
  bad('a mapping for pages', () => swap(goodIssue(), 'pages:\n  - number: 2', 'pages:\n  page-2:\n    number: 2'), (t) => at(t, 'page-2:'), '"pages" must be a list'),
  bad('a negative column', () => swap(goodIssue(), 'column: 1', 'column: -1'), (t) => at(t, 'column: -1', 0, 8), '"column" must be a positive integer, got the number -1'),
  bad('a zero line', () => swap(goodIssue(), 'line: 1,', 'line: 0,'), (t) => at(t, 'line: 0,', 0, 6), '"line" must be a positive integer, got the number 0'),
  bad('a fractional span', () => swap(goodIssue(), 'span: 2', 'span: 1.5'), (t) => at(t, 'span: 1.5', 0, 6), '"span" must be a positive integer, got the number 1.5'),
  bad('zero lines', () => swap(goodIssue(), 'lines: 30}', 'lines: 0}'), (t) => at(t, 'lines: 0}', 0, 7), '"lines" must be a positive integer or "bottom"'),
  bad('a date that is no calendar date', () => swap(goodIssue(), '"2024-12-25"', '"2024-02-30"'), (t) => at(t, '"2024-02-30"'), 'not a real calendar date'),

  // --- the grid
  bad('an article off the page: columns', () => tabloid([GALA_AT('{column: 5, span: 3, line: 1, lines: 20}')]), (t) => at(t, 'id: spring-gala'), 'runs off the grid: columns 5–7'),
  bad('an article off the page: lines', () => tabloid([GALA_AT('{column: 1, span: 2, line: 60, lines: 20}')]), (t) => at(t, 'id: spring-gala'), 'runs off the grid: lines 60–79'),
  bad(
    'two articles overlapping',
    () => tabloid([GALA_AT('{column: 1, span: 3, line: 1, lines: 20}'), GALA_AT('{column: 3, span: 2, line: 11, lines: 20}', 'second', GALA.slice(1, 2))]),
    (t) => at(t, 'id: second'),
    'article "second" on page 2 overlaps article "spring-gala"',
  ),
  bad(
    'an article inside the masthead',
    () => pagesYaml([{ number: 1, masthead: true, articles: [GALA_AT('{column: 1, span: 2, line: 3, lines: 20}')] }]),
    (t) => at(t, 'id: spring-gala'),
    'inside the masthead',
  ),
  bad('an unknown layout', () => swap(goodIssue(), 'layout: tabloid', 'layout: tabliod'), (t) => at(t, 'number: 2'), 'unknown layout "tabliod"; expected one of: broadsheet, tabloid'),
  bad(
    'a page number used twice',
    () => pagesYaml([{ number: 2, articles: [GALA_AT('{column: 1, span: 2, line: 1, lines: 20}')] }, { number: 2, articles: [GALA_AT('{column: 1, span: 2, line: 1, lines: 20}', 'other', GALA.slice(1, 2))] }]),
    (t) => at(t, 'number: 2', 1, 8),
    'page number 2 is used twice',
  ),
  bad(
    'an article id used twice',
    () => pagesYaml([{ number: 2, articles: [GALA_AT('{column: 1, span: 2, line: 1, lines: 20}')] }, { number: 3, articles: [GALA_AT('{column: 1, span: 2, line: 1, lines: 20}', 'spring-gala', GALA.slice(1, 2))] }]),
    (t) => at(t, 'id: spring-gala', 1, 4),
    'duplicate article id "spring-gala"',
  ),

  // --- threads
  bad(
    'a continuation on a page the issue does not have',
    () => tabloid([{ ...GALA_AT('{column: 1, span: 2, line: 1, lines: 20}'), extra: ['        continued:', '          - {page: 9, place: {column: 3, span: 2, line: 1, lines: 10}}'] }]),
    (t) => at(t, '{page: 9'),
    'is on page 9, but the issue has pages 2',
  ),
  bad(
    'a continuation on a page before the part it follows',
    () =>
      pagesYaml([
        { number: 2, articles: [GALA_AT('{column: 1, span: 2, line: 1, lines: 20}', 'other', GALA.slice(1, 2))] },
        { number: 3, articles: [{ ...GALA_AT('{column: 1, span: 2, line: 1, lines: 20}'), extra: ['        continued:', '          - {page: 2, place: {column: 3, span: 2, line: 1, lines: 10}}'] }] },
      ]),
    (t) => at(t, '{page: 2'),
    'before the part it follows on page 3',
  ),
  bad(
    'a thread that comes back on its own box',
    () => tabloid([{ ...GALA_AT('{column: 1, span: 2, line: 1, lines: 20}'), extra: ['        continued:', '          - {page: 2, place: {column: 1, span: 2, line: 1, lines: 20}}'] }]),
    (t) => at(t, '{page: 2'),
    'overlaps article "spring-gala"',
  ),

  // --- pictures
  pictureCase('a picture file that is missing', () => 'no-such-photo.jpg', 'not found'),
  pictureCase(
    'half a JPEG',
    async (dir) => {
      const jpeg = await noisyJpeg(600, 400);
      return write(dir, 'photo.jpg', jpeg.subarray(0, jpeg.length >> 1));
    },
    'cannot be decoded',
  ),
  pictureCase('a text file named .jpg', (dir) => write(dir, 'photo.jpg', `${GALA[0]}\n`), 'cannot be read as a picture'),
  pictureCase(
    'a PNG header claiming 30000 × 30000 pixels',
    (dir) => write(dir, 'huge.png', pngHeader(30_000, 30_000)),
    '30000 × 30000 pixels, more than the limit of 100000000',
  ),
  pictureCase(
    'a picture over the pixel limit (BANMIAN_MAX_PICTURE_PIXELS)',
    async (dir) => write(dir, 'photo.png', await sharp({ create: { width: 400, height: 300, channels: 3, background: '#2846b4' } }).png().toBuffer()),
    '400 × 300 pixels, more than the limit of 10000',
    { env: { BANMIAN_MAX_PICTURE_PIXELS: '10000' } },
  ),
  pictureCase('a picture over the byte limit (BANMIAN_MAX_PICTURE_BYTES)', async (dir) => write(dir, 'photo.jpg', await noisyJpeg(200, 200)), 'more than the limit of 1000', { env: { BANMIAN_MAX_PICTURE_BYTES: '1000' } }),
  pictureCase('a picture path ../../etc/passwd', () => '../../etc/passwd', 'outside'),
  pictureCase('a picture path that climbs to /etc/passwd', (dir) => '../'.repeat(dir.split(sep).length - 1) + 'etc/passwd', 'outside'),
  pictureCase('an absolute picture path outside the project (/etc/hostname)', () => '/etc/hostname', 'outside'),
  pictureCase(
    'a symlink in the issue’s folder pointing outside',
    (dir) => {
      symlinkSync('/etc/passwd', join(dir, 'photo.jpg'));
      return 'photo.jpg';
    },
    'outside',
  ),

  // --- paths
  {
    name: 'a missing issue file',
    make: (dir) => ({ file: join(dir, 'no-such-issue.yaml'), code: 2, at: [{ line: 1, col: 1 }], message: 'not found' }),
  },
  {
    name: 'an issue path that is a directory',
    make: (dir) => {
      mkdirSync(join(dir, 'issue.yaml'));
      return { file: join(dir, 'issue.yaml'), code: 2, at: [{ line: 1, col: 1 }], message: 'directory' };
    },
  },
  {
    name: 'an output folder under a regular file: exit 3, one line',
    make: (dir) => {
      const plain = write(dir, 'plain-file', GALA[0]!);
      return { file: write(dir, 'issue.yaml', goodIssue()), out: join(plain, 'out'), code: 3, names: join(plain, 'out') };
    },
  },
];

/**
 * GBK bytes of `s`. Node has no GBK encoder; the table comes from its GBK decoder by decoding every
 * two-byte GBK code once (only for the characters of `s`).
 */
let gbkTable: Map<string, Buffer> | undefined;
function gbkEncode(s: string): Buffer {
  if (!gbkTable) {
    gbkTable = new Map();
    const dec = new TextDecoder('gbk');
    for (let hi = 0x81; hi <= 0xfe; hi++) {
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        if (lo === 0x7f) continue;
        const ch = dec.decode(Uint8Array.of(hi, lo));
        if (ch.length === 1 && ch !== '\uFFFD' && !gbkTable.has(ch)) gbkTable.set(ch, Buffer.from([hi, lo]));
      }
    }
  }
  const parts: Buffer[] = [];
  for (const ch of s) {
    if (ch.codePointAt(0)! < 0x80) parts.push(Buffer.from(ch, 'latin1'));
    else {
      const b = gbkTable.get(ch);
      assert.ok(b, `no GBK code for ${ch}`);
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------
// Running

/** The environment of a spawned run: no BANMIAN_* from outside, the test's own picture cache. */
function envFor(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BANMIAN_')) env[k] = v;
  return { ...env, BANMIAN_CACHE: CACHE, ...extra };
}

interface Outcome {
  prep: Prepared;
  out: string;
  run: Run;
  ms: number;
}

const outcomes = new Map<string, Promise<Outcome>>();
function outcome(c: Case, i: number): Promise<Outcome> {
  let p = outcomes.get(c.name);
  if (!p) {
    p = (async () => {
      const dir = join(tmp, `case-${String(i).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      const prep = await c.make(dir);
      const out = prep.out ?? join(dir, 'out');
      const t0 = performance.now();
      const run = await runCompose([prep.file, '-o', out], envFor(prep.env));
      return { prep, out, run, ms: performance.now() - t0 };
    })();
    outcomes.set(c.name, p);
  }
  return p;
}

const STACK = /^\s+at /m;
const lineAt = (file: string, p: Pos) => `${file}:${p.line}:${p.col}: `;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'banmian-bad-inputs-'));
  CACHE = join(tmp, 'cache');
});

describe('bad input: exit code, file:line:col, message, no stack trace, no PDF', { concurrency: 4 }, () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
  cases.forEach((c, i) => {
    test(c.name, async () => {
      const { prep, out, run, ms } = await outcome(c, i);
      const { file } = prep;
      const what = `exit ${run.code}, stderr:\n${run.stderr}`;
      assert.equal(run.code, prep.code, what);
      assert.doesNotMatch(run.stderr, STACK, `a stack trace on the terminal:\n${run.stderr}`);
      assert.equal(run.stdout, '', 'compose printed on standard output');
      if (prep.maxMs !== undefined) assert.ok(ms < prep.maxMs, `took ${Math.round(ms)} ms`);
      const lines = run.stderr.split('\n').filter((l) => l !== '');

      if (prep.code === 2) {
        // Every line is one problem in this file, at a position.
        for (const l of lines) assert.match(l, new RegExp(`^${escapeRegExp(file)}:\\d+:\\d+: \\S`), `not a file:line:col line: ${l}`);
        const hits = lines.filter((l) => prep.message === undefined || l.includes(prep.message));
        assert.ok(hits.length > 0, `no line says ${JSON.stringify(prep.message)}:\n${run.stderr}`);
        if (prep.at) {
          const want = prep.at.map((p) => lineAt(file, p));
          assert.ok(
            hits.some((l) => want.some((w) => l.startsWith(w))),
            `expected at ${prep.at.map((p) => `${p.line}:${p.col}`).join(' or ')}:\n${run.stderr}`,
          );
        }
        if (prep.line !== undefined) assert.ok(hits.some((l) => l.startsWith(`${file}:${prep.line}:`)), `expected on line ${prep.line}:\n${run.stderr}`);
      }
      if (prep.code === 3) {
        assert.equal(lines.length, 1, `more than one line:\n${run.stderr}`);
        assert.match(lines[0]!, /^compose: /);
        if (prep.names) assert.ok(lines[0]!.includes(prep.names), `does not name ${prep.names}: ${lines[0]}`);
      }

      const pdfs = existsSync(out) ? readdirSync(out) : [];
      if (prep.code === 0) {
        assert.doesNotMatch(run.stderr, /(^|: )error: /m);
        assert.deepEqual(pdfs, ['issue.pdf']);
        assert.equal(readFileSync(join(out, 'issue.pdf')).subarray(0, 5).toString('latin1'), '%PDF-');
      } else assert.deepEqual(pdfs, [], 'files left in the output folder');
    });
  });

  test(
    'an issue read from a pipe that never ends is refused before anything is read',
    async (t) => {
      const dir = join(tmp, 'fifo');
      mkdirSync(dir, { recursive: true });
      const fifo = join(dir, 'issue.yaml');
      if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo failed');
      // O_RDWR never blocks on a FIFO (Linux): the test holds the writing end open and never closes it.
      const fd = openSync(fifo, fsConstants.O_RDWR);
      try {
        writeSync(fd, Buffer.from(`# ${GALA[0]}\n`.repeat(20)));
        const run = await new Promise<{ code: number | null; stderr: string; killed: boolean }>((done) => {
          const child = spawn(process.execPath, [BIN, fifo, '-o', join(dir, 'out')], { cwd: ROOT, env: envFor({ BANMIAN_MAX_ISSUE_BYTES: '1000' }) });
          let stderr = '';
          let killed = false;
          child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
          // Only a run that waits on the pipe for good reaches this; a busy machine's slow start does not.
          const timer = setTimeout(() => {
            killed = true;
            child.kill('SIGKILL');
          }, 60_000);
          child.on('close', (code) => {
            clearTimeout(timer);
            done({ code, stderr, killed });
          });
        });
        assert.ok(!run.killed, 'still reading the pipe after 60 s');
        assert.equal(run.code, 2, run.stderr);
        assert.ok(run.stderr.startsWith(`${fifo}:1:1: `) && run.stderr.includes('not a regular file'), run.stderr);
      } finally {
        closeSync(fd);
      }
    },
  );

  // The todo tests share their case's run: they say what the engine should report and does not yet.
  cases.forEach((c, i) => {
    if (!c.todo) return;
    test(`${c.name}, as it should be`, { todo: c.todo }, async () => {
      const { prep, run } = await outcome(c, i);
      assert.ok(prep.ideal, 'a todo case without an ideal');
      if (prep.ideal.at) assert.match(run.stderr, new RegExp(`^${escapeRegExp(lineAt(prep.file, prep.ideal.at))}`, 'm'), run.stderr);
      if (prep.ideal.message) assert.ok(run.stderr.includes(prep.ideal.message), `does not say ${JSON.stringify(prep.ideal.message)}:\n${run.stderr}`);
    });
  });
});

// ---------------------------------------------------------------------------
// A full disk, simulated with a small tmpfs (needs root; skipped where mount is refused)

let mounted = '';

test('a full disk: exit 3 in one line, the earlier PDF untouched, no partial file left', async (t) => {
  const mnt = join(tmp, 'full-disk');
  mkdirSync(mnt, { recursive: true });
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) return t.skip(`cannot mount a tmpfs here: ${(m.stderr || String(m.error)).trim()}`);
  mounted = mnt;
  const dir = join(tmp, 'full-disk-issue');
  mkdirSync(dir, { recursive: true });
  const file = write(dir, 'issue.yaml', goodIssue());

  const first = await runCompose([file, '-o', mnt], envFor());
  assert.equal(first.code, 0, first.stderr);
  const pdf = join(mnt, 'issue.pdf');
  const good = readFileSync(pdf);

  // Leave room for half the PDF: the second run must fail while writing it.
  const fs = statfsSync(mnt);
  const free = fs.bavail * fs.bsize;
  assert.ok(free > good.length, `the tmpfs has ${free} bytes free, the PDF takes ${good.length}`);
  writeFileSync(join(mnt, 'filler'), Buffer.alloc(free - Math.floor(good.length / 2)));

  const second = await runCompose([file, '-o', mnt], envFor());
  assert.equal(second.code, 3, second.stderr);
  const lines = second.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `more than one line:\n${second.stderr}`);
  assert.match(lines[0]!, /^compose: .*(ENOSPC|no space)/);
  assert.doesNotMatch(second.stderr, STACK);
  assert.ok(readFileSync(pdf).equals(good), 'the earlier PDF changed');
  assert.deepEqual(readdirSync(mnt).sort(), ['filler', 'issue.pdf'], 'a partial file was left');
});

after(() => {
  if (mounted) spawnSync('umount', [mounted]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
