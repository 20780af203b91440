// What a reader of the printed page checks, measured on the PDF itself (read back with mupdf) for
// the sample issue: the one full broadsheet page, composed once; every test looks at that page. The
// reading-order check also reads the tabloid front sample, whose stories continue on its page 2.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { composeFile, type ComposeResult } from '../src/pipeline/compose.js';
import { readPdf, type ReadLine, type ReadPage } from './readback.js';

// Runs compiled, from dist/test/: the package root is two folders up.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const FRONT = join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml');

const BODY_SIZE = 9;
const PITCH = 13.5;

interface Composed {
  file: string;
  result: ComposeResult;
  pages: ReadPage[];
}

let dir: string;
let result: ComposeResult;
let pages: ReadPage[];
let front: Composed;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'banmian-page-'));
  result = await composeFile(SAMPLE, dir);
  pages = readPdf(readFileSync(result.pdf));
  const frontResult = await composeFile(FRONT, join(dir, 'front'));
  front = { file: FRONT, result: frontResult, pages: readPdf(readFileSync(frontResult.pdf)) };
});

after(() => rmSync(dir, { recursive: true, force: true }));

const squash = (s: string) => s.replace(/\s+/g, '');
const allLines = () => pages.flatMap((p) => p.lines);
const pct = (n: number, of: number) => `${n}/${of} (${((100 * n) / of).toFixed(1)}%)`;

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const str = (v: Json | undefined) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
/** A headline's text as written: one line, a list of lines, or {text, size}. */
const headlineText = (v: Json | undefined): string[] => (v && typeof v === 'object' && !Array.isArray(v) ? str(v.text) : str(v));

/**
 * An article's texts in reading order, as the desk typed them. A picture story (kind: photo) sets
 * its text as the picture's caption: the caption first, the body after it, and the picture's
 * credit at the end in （）.
 */
function articleTexts(a: Obj): string[] {
  const out: string[] = [];
  out.push(...str(a.kicker), ...headlineText(a.headline), ...str(a.subhead), ...str(a.note));
  for (const row of (a.table ?? []) as Json[][]) out.push(...str(row).filter((c) => c.trim()));
  const pictures = (a.pictures ?? []) as Obj[];
  const photo = a.kind === 'photo';
  if (photo) out.push(...str(pictures[0]?.caption));
  else for (const p of pictures) out.push(...str(p.caption), ...str(p.credit));
  out.push(...str(a.byline));
  for (const b of (a.body ?? []) as Json[]) {
    if (typeof b === 'string') out.push(b);
    else if (b && typeof b === 'object' && !Array.isArray(b)) {
      if (typeof b.text === 'string') out.push((typeof b.lead === 'string' ? b.lead : '') + b.text);
      out.push(...str(b.subhead), ...str(b.bullets));
    }
  }
  out.push(...str(a.briefs));
  if (photo) out.push(...str(pictures[0]?.credit).map((c) => `（${c}）`));
  return out.map(squash);
}

interface ReadArticle {
  /** What the reader reads in the article's boxes, part after part, less the jump lines and 转版题. */
  text: string;
  /** Parts that opened, as they must, with their 转版题 and （上接N版）. */
  jumpsIn: number;
}

/**
 * An article's text as the reader meets it: the lines inside its boxes, part after part. A part
 * that goes on on another page must end with （下转N版） naming that page; a part that comes from
 * another page must open with its 转版题 (the continuation's headline, or the article's own) and
 * （上接N版） naming the page it comes from. Those are the composer's, not the article's text, and
 * are taken off once found.
 */
function articleText(c: Composed, a: Obj): ReadArticle {
  const id = String(a.id);
  const continued = (a.continued ?? []) as Obj[];
  const boxes = c.result.composition.pages.flatMap((cp, pi) => cp.boxes.filter((b) => b.id === id).map((box) => ({ page: cp.number, pi, box })));
  assert.equal(boxes.length, continued.length + 1, `article ${id}: one box per part`);
  let text = '';
  let jumpsIn = 0;
  boxes.forEach(({ page, pi, box }, k) => {
    // A line-start opening bracket is drawn half an em left of the column: its ink starts at the edge.
    const inside = c.pages[pi]!.lines.filter((l) => l.x0 >= box.x - l.size / 2 - 0.5 && l.x0 < box.x + box.width && l.y > box.y && l.y <= box.y + box.height);
    let part = squash(inside.map((l) => l.text).join(''));
    const before = boxes[k - 1];
    if (before && before.page !== page) {
      const own = continued[k - 1]!.headline;
      const head = squash((typeof own === 'string' ? [own] : headlineText(a.headline)).join(''));
      const opening = `${head}（上接${before.page}版）`;
      assert.ok(part.startsWith(opening), `article ${id}, part ${k + 1} on page ${page}: does not open with ${opening}: ${part.slice(0, 40)}…`);
      part = part.slice(opening.length);
      jumpsIn++;
    }
    const next = boxes[k + 1];
    if (next && next.page !== page) {
      const jump = `（下转${next.page}版）`;
      assert.ok(part.endsWith(jump), `article ${id}, part ${k + 1} on page ${page}: does not end with ${jump}: …${part.slice(-40)}`);
      part = part.slice(0, -jump.length);
    }
    text += part;
  });
  return { text, jumpsIn };
}

/** Every text of every article of a composed sample found in order in what its boxes hold: texts checked, continued parts entered. */
function checkReadingOrder(c: Composed): { checked: number; jumpsIn: number; continuations: number } {
  const issue = parse(readFileSync(c.file, 'utf8')) as Obj;
  let checked = 0;
  let jumpsIn = 0;
  let continuations = 0;
  for (const page of issue.pages as Obj[]) {
    for (const a of page.articles as Obj[]) {
      const read = articleText(c, a);
      jumpsIn += read.jumpsIn;
      continuations += ((a.continued ?? []) as Obj[]).filter((x, k, all) => x.page !== (k === 0 ? page.number : all[k - 1]!.page)).length;
      let from = 0;
      for (const t of articleTexts(a)) {
        const at = read.text.indexOf(t, from);
        assert.ok(at >= 0, `${c.file}: article ${String(a.id)}: not found after offset ${from}: ${t.slice(0, 30)}…`);
        from = at + t.length;
        checked++;
      }
    }
  }
  return { checked, jumpsIn, continuations };
}

test('every text of every article is on the page, in order, through all the parts of its thread', () => {
  const page = checkReadingOrder({ file: SAMPLE, result, pages });
  assert.ok(page.checked > 80, `only ${page.checked} texts checked`);
  // The front sample's stories go on on its page 2: each part there opens with its 转版题.
  const threads = checkReadingOrder(front);
  assert.ok(threads.continuations > 0, 'the front sample has no story that goes on on another page');
  assert.equal(threads.jumpsIn, threads.continuations, 'continued parts entered from another page');
  assert.ok(threads.checked > 40, `only ${threads.checked} texts of the front sample checked`);
});

test('the PDF holds every glyph the composer placed, in the same order', () => {
  // A glyph carrying ActualText (a list marker) reads back as that text.
  const placed = result.composition.pages.flatMap((p) => p.glyphs.map((g) => g.actualText ?? g.ch)).join('');
  const read = allLines().map((l) => l.text).join('');
  assert.equal([...read].length, [...placed].length, 'glyph count');
  assert.equal(read, placed);
});

test('no line starts or ends with a prohibited mark (避头尾, strict)', () => {
  const noStart = new Set([...'、，。．：；！？）］｝〕〉》」』】〗”’·%％‰℃—…‥']);
  const noEnd = new Set([...'（［｛〔〈《「『【〖“‘¥$£€#']);
  const bad: string[] = [];
  for (const l of allLines()) {
    const first = [...l.text][0]!;
    const last = [...l.text].at(-1)!;
    if (noStart.has(first)) bad.push(`starts with ${first}: ${l.text}`);
    if (noEnd.has(last)) bad.push(`ends with ${last}: ${l.text}`);
  }
  assert.deepEqual(bad, []);
});

test('no number or Western word is split between two lines', () => {
  const lines = bodyColumnLines();
  const bad: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i]!;
    const b = lines[i + 1]!;
    // Consecutive lines of one column on adjacent grid lines: the same paragraph, unless b is indented.
    if (a.column !== b.column || Math.abs(b.line.y - a.line.y - PITCH) > 0.05 || b.indented) continue;
    if (/[0-9A-Za-z.,]$/.test(a.line.text) && /^[0-9A-Za-z%％‰]/.test(b.line.text)) bad.push(`${a.line.text} | ${b.line.text}`);
  }
  assert.deepEqual(bad, []);
});

test('body lines sit on the baseline grid', () => {
  let all = 0;
  const off: ReadLine[] = [];
  for (const p of pages) {
    const body = p.lines.filter((l) => l.size === BODY_SIZE);
    if (!body.length) continue;
    const y0 = body[0]!.y;
    all += body.length;
    off.push(...body.filter((l) => Math.abs((l.y - y0) / PITCH - Math.round((l.y - y0) / PITCH)) * PITCH > 0.05));
  }
  assert.ok(all > 400, `only ${all} body lines`);
  assert.ok(off.length <= all * 0.01, `off the grid: ${pct(off.length, all)}: ${off.slice(0, 5).map((l) => `${l.y.toFixed(2)} ${l.text}`).join('; ')}`);
});

interface ColumnLine {
  line: ReadLine;
  /** Grid column, 1-based, plus 1000 per page so that columns of different pages stay apart. */
  column: number;
  left: number;
  right: number;
  /** Starts a paragraph (indented) or a list item (marker at the edge). */
  indented: boolean;
}

/**
 * Size-9 lines that lie in one grid column and start at its left edge or a paragraph indent:
 * the running text of the columns, as opposed to table cells and lines across an article.
 */
function bodyColumnLines(): ColumnLine[] {
  const out: ColumnLine[] = [];
  result.composition.pages.forEach((cp, pi) => {
    const g = cp.geometry;
    const em = BODY_SIZE;
    for (const line of pages[pi]!.lines) {
      if (line.size !== BODY_SIZE) continue;
      for (let c = 1; c <= g.columns; c++) {
        const left = g.typeLeft + (c - 1) * (g.columnWidth + g.gutter);
        const right = left + g.columnWidth;
        // An opening mark at line start and a closing one at line end may hang their blank half (clreq 行首/行末 compression).
        const inside = line.x0 >= left - em / 2 - 0.05 && line.x1 <= right + em / 2 + 0.05;
        const indent = line.x0 - left;
        if (!inside || indent > 2 * em + 0.05) continue;
        const marker = /^[-●■◆▲•]/.test(line.text);
        out.push({ line, column: c + pi * 1000, left, right, indented: indent >= 1.5 * em - 0.05 || marker });
        break;
      }
    }
  });
  return out;
}

test('column text is justified: every line but a paragraph’s last reaches the right edge', () => {
  const lines = bodyColumnLines();
  assert.ok(lines.length > 400, `only ${lines.length} column lines`);
  const byColumn = new Map<number, ColumnLine[]>();
  for (const l of lines) byColumn.set(l.column, [...(byColumn.get(l.column) ?? []), l]);
  let nonFinal = 0;
  const short: string[] = [];
  for (const col of byColumn.values()) {
    col.sort((a, b) => a.line.y - b.line.y);
    col.forEach((l, i) => {
      const next = col[i + 1];
      const final = !next || next.indented || next.line.y - l.line.y > 1.5 * PITCH;
      if (final) return;
      nonFinal++;
      const last = l.line.chars.at(-1)!;
      // A closing mark's em box may run half an em past the edge: its blank half is what got squeezed.
      const slack = CLOSING.test(last.ch) ? BODY_SIZE / 2 : 0;
      if (l.line.x1 < l.right - 0.5 || l.line.x1 > l.right + 0.5 + slack || last.x0 > l.right + 0.5) {
        short.push(`${l.line.text} (${(l.line.x1 - l.right).toFixed(2)} pt)`);
      }
    });
  }
  assert.ok(nonFinal > 300, `only ${nonFinal} non-final lines`);
  assert.ok(short.length <= nonFinal * 0.02, `not justified: ${pct(short.length, nonFinal)}: ${short.slice(0, 8).join('; ')}`);
});

test('article boxes lie inside the type area and do not overlap', () => {
  for (const p of result.composition.pages) {
    const g = p.geometry;
    const eps = 0.01;
    assert.ok(p.boxes.length > 0);
    for (const b of p.boxes) {
      assert.ok(b.width > 0 && b.height > 0, `${b.id}: empty box`);
      assert.ok(b.x >= g.typeLeft - eps && b.y >= g.typeTop - eps, `${b.id}: starts outside the type area`);
      assert.ok(b.x + b.width <= g.typeLeft + g.typeWidth + eps, `${b.id}: runs past the right of the type area`);
      assert.ok(b.y + b.height <= g.typeTop + g.typeHeight + eps, `${b.id}: runs past the foot of the type area`);
    }
    for (let i = 0; i < p.boxes.length; i++) {
      for (let j = i + 1; j < p.boxes.length; j++) {
        const [a, b] = [p.boxes[i]!, p.boxes[j]!];
        const area = overlap([a.x, a.y, a.x + a.width, a.y + a.height], [b.x, b.y, b.x + b.width, b.y + b.height]);
        assert.ok(area <= eps, `${a.id} and ${b.id} overlap by ${area.toFixed(2)} pt²`);
      }
    }
  }
});

type Box = [number, number, number, number];
const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
const emBox = (x0: number, x1: number, y: number, size: number): Box => [x0, y - 0.88 * size, x1, y + 0.12 * size];
const OPENING = /^[（［｛〔〈《「『【〖“‘]/;
const CLOSING = /[、，。．：；！？）］｝〕〉》」』】〗”’]$/;
/**
 * A line's em box less the blank half of a mark squeezed at either end (clreq line-start and
 * line-end compression): that half may hang past a column edge or under a rule, the ink may not.
 */
const inkBox = (l: ReadLine): Box => emBox(l.x0 + (OPENING.test(l.text) ? l.size / 2 : 0), l.x1 - (CLOSING.test(l.text) ? l.size / 2 : 0), l.y, l.size);

test('every glyph’s em box is inside the trim box', () => {
  let n = 0;
  for (const p of pages) {
    assert.ok(p.trimBox, 'page has no /TrimBox');
    const [tx0, ty0, tx1, ty1] = p.trimBox;
    for (const l of p.lines) {
      for (const c of l.chars) {
        const [x0, y0, x1, y1] = emBox(c.x0, c.x1, c.y, c.size);
        assert.ok(x0 >= tx0 && y0 >= ty0 && x1 <= tx1 && y1 <= ty1, `${c.ch} of “${l.text}” outside the trim box`);
        n++;
      }
    }
  }
  assert.ok(n > 7000);
});

test('outside the folio, text stays inside its article’s box', () => {
  const bad: string[] = [];
  result.composition.pages.forEach((cp, pi) => {
    const g = cp.geometry;
    for (const l of pages[pi]!.lines) {
      const inner = inkBox(l);
      if (inner[3] <= g.typeTop) continue; // the folio lives in the head margin
      if (cp.masthead && inner[3] <= g.typeTop + cp.template.masthead.lines * g.pitch) continue; // and the masthead in the head of the front page
      const home = cp.boxes.find((b) => inner[0] >= b.x - 0.05 && inner[2] <= b.x + b.width + 0.05 && inner[1] >= b.y - 0.05 && inner[3] <= b.y + b.height + 0.05);
      if (!home) bad.push(`${l.text} at ${l.x0.toFixed(1)},${l.y.toFixed(1)}`);
    }
  });
  assert.deepEqual(bad, []);
});

test('no two lines’ em boxes overlap', () => {
  for (const p of pages) {
    const boxes = p.lines.map((l) => ({ l, b: emBox(l.x0, l.x1, l.y, l.size) }));
    const clashes: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const area = overlap(boxes[i]!.b, boxes[j]!.b);
        if (area > 1) clashes.push(`${boxes[i]!.l.text} × ${boxes[j]!.l.text}: ${area.toFixed(1)} pt²`);
      }
    }
    assert.deepEqual(clashes, []);
  }
});

test('no rule or frame runs through text', () => {
  for (const p of pages) {
    assert.ok(p.strokes.length > 5, `only ${p.strokes.length} rules and frames`);
    const hits: string[] = [];
    for (const l of p.lines) {
      const box = inkBox(l);
      for (const s of p.strokes) if (overlap(box, s) > 0) hits.push(`${l.text} × [${s.map((v) => v.toFixed(1)).join(' ')}]`);
    }
    assert.deepEqual(hits, []);
  }
});

test('every page has a TrimBox; text and rules are process black, pictures CMYK or gray (no RGB)', () => {
  assert.equal(pages.length, result.composition.pages.length);
  let pictures = 0;
  for (const p of pages) {
    assert.ok(p.trimBox, 'page has no /TrimBox');
    const [pictureSpaces, inks] = [p.paints.filter((x) => x.startsWith('image ')), p.paints.filter((x) => !x.startsWith('image '))];
    assert.deepEqual(inks, ['DeviceCMYK 0 0 0 1']);
    for (const space of pictureSpaces) assert.match(space, /^image (DeviceCMYK|DeviceGray)$/);
    pictures += pictureSpaces.length;
  }
  assert.ok(pictures > 0, 'the sample places no picture');
});

test('text in a face whose quotes are narrow Latin ones (the note, captions, bylines in 楷) draws its “ ” full width from the next face of the chain', (t) => {
  const sample = parse(readFileSync(SAMPLE, 'utf8')) as Obj;
  const notes = ((sample.pages as Obj[]).flatMap((p) => p.articles as Obj[]).flatMap((a) => str(a.note)));
  const quotes = (s: string) => [...s].filter((ch) => ch === '“' || ch === '”').length;
  assert.ok(notes.length && quotes(notes.join('')) > 0, 'the sample has no note with quotes');
  const inNote = allLines().filter((l) => l.chars.some((c) => /WenKai/.test(c.font)));
  if (!inNote.length) return t.skip('the note face (LXGW WenKai) is not installed: its role is set in the body face');
  const drawn = inNote.flatMap((l) => l.chars).filter((c) => c.ch === '“' || c.ch === '”');
  // The note's quotes at least: captions and bylines set in the same face may hold more.
  assert.ok(drawn.length >= quotes(notes.join('')), `${drawn.length} quotes drawn in lines of the note's face`);
  for (const c of drawn) {
    assert.doesNotMatch(c.font, /WenKai/, `${c.ch} drawn from the note's own face`);
    assert.ok(Math.abs(c.x1 - c.x0 - c.size) < 0.05, `${c.ch} is ${(c.x1 - c.x0).toFixed(2)} pt wide at ${c.size} pt`);
  }
});
