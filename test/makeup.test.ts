// Page make-up: copyfit figures (underset), holes, boxes that fit their text (lines: auto, below),
// 变栏, headline sizes by rank, 转版题, picture stories and typed jump lines. Each is checked on the
// PDF read back where a reader would look, on the sample's own text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mupdf from 'mupdf';
import sharp from 'sharp';
import { parse } from 'yaml';
import { composeFile, type ComposeResult } from '../src/pipeline/compose.js';
import type { ArticleReport, ComposedPage } from '../src/page/types.js';
import { issueYaml, type FixtureArticle } from './fixture.js';
import { readPdf, type ReadLine, type ReadPage } from './readback.js';
import { ROOT, runCompose } from './spawn.js';

const BROADSHEET = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const FRONT = join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml');

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(BROADSHEET, 'utf8')) as { pages: { articles: Obj[] }[] };
const sampleArticle = (id: string) => sample.pages.flatMap((p) => p.articles).find((a) => a.id === id)!;
/** Plain-string paragraphs of one of the sample's articles: real copy, not invented text. */
const paragraphs = (id: string): string[] => (sampleArticle(id).body as unknown[]).filter((b): b is string => typeof b === 'string');
const headlineOf = (id: string): string => {
  const h = sampleArticle(id).headline;
  return Array.isArray(h) ? h.join('') : String(h);
};

const work = mkdtempSync(join(tmpdir(), 'banmian-makeup-'));
let cases = 0;
type Composed = ComposeResult & { read: ReadPage[] };
/** Composes an issue file's text in a folder of its own and reads the PDF back. */
async function compose(text: string): Promise<Composed> {
  const dir = join(work, `case-${++cases}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'issue.yaml');
  writeFileSync(file, text);
  const result = await composeFile(file, join(dir, 'out'));
  return { ...result, read: readPdf(readFileSync(result.pdf)) };
}
async function composeSample(path: string): Promise<Composed> {
  const result = await composeFile(path, join(work, `sample-${++cases}`));
  return { ...result, read: readPdf(readFileSync(result.pdf)) };
}

const report = (c: Composed, id: string): ArticleReport => c.composition.articles.find((a) => a.id === id)!;
/** The article's box on its page, pt, from the page model's box list. */
const boxOf = (page: ComposedPage, id: string) => page.boxes.find((b) => b.id === id)!;
/**
 * Read-back lines whose glyphs stand inside a box (by their ends and baseline); an opening bracket
 * at a line's start gives its leading half em to the margin.
 */
const linesIn = (lines: ReadLine[], box: { x: number; y: number; width: number; height: number }) =>
  lines.filter((l) => l.x0 >= box.x - l.size / 2 - 0.5 && l.x1 <= box.x + box.width + 0.5 && l.y > box.y && l.y < box.y + box.height);
/** The grid line (0-based from the type area's top) a baseline stands on. */
const gridLine = (page: ComposedPage, y: number) => Math.floor((y - page.geometry.typeTop) / page.geometry.pitch);

// Room on a tabloid page that the fixtures leave to others: declared, so that only what a test is
// about shows in its findings.
const reserve = (places: string[]) => ['    spaces:', ...places.map((p) => `      - {place: ${p}, kind: reserved}`)].join('\n');

test('a box deeper than its text is underset by the lines left at its foot, as the PDF shows them', async () => {
  const article = (lines: string): FixtureArticle => ({ id: 'gala', place: `{column: 1, span: 3, line: 1, lines: ${lines}}`, headline: headlineOf('spring-gala'), body: paragraphs('spring-gala') });
  const fitted = await compose(issueYaml('tabloid', [article('auto')]) + reserve(['{column: 4, span: 3, line: 1, lines: bottom}', '{column: 1, span: 3, line: 40, lines: bottom}']) + '\n');
  const depth = report(fitted, 'gala').parts[0].place.lines;
  assert.equal(report(fitted, 'gala').underset, 0);
  assert.ok(!fitted.composition.findings.some((f) => f.code === 'underset'), 'a box as deep as its text is not underset');
  const extra = 6;
  assert.ok(depth + extra < 39, `the test's box (${depth} lines) leaves room for ${extra} more above the reserved space`);
  const deep = await compose(issueYaml('tabloid', [article(String(depth + extra))]) + reserve(['{column: 4, span: 3, line: 1, lines: bottom}', '{column: 1, span: 3, line: 40, lines: bottom}']) + '\n');
  const page = deep.composition.pages[0];
  const box = boxOf(page, 'gala');
  // From the PDF: the lowest baseline of the article's text and the foot of its box.
  const lowest = Math.max(...linesIn(deep.read[0].lines, box).map((l) => gridLine(page, l.y)));
  const boxFoot = gridLine(page, box.y + box.height - 1);
  assert.equal(boxFoot - lowest, extra, 'grid lines left empty under the text in the PDF');
  assert.equal(report(deep, 'gala').underset, extra);
  const finding = deep.composition.findings.find((f) => f.code === 'underset');
  assert.ok(finding && !finding.blocking, 'underset is a warning');
  assert.match(finding.message, new RegExp(`^${extra} lines short`));
});

test('a story taken off the full page leaves a hole of its columns and lines: exit 1, named', async () => {
  const full = await composeSample(BROADSHEET);
  assert.ok(!full.composition.findings.some((f) => f.code === 'hole'), 'the full sample page has no hole');
  const gone = report(full, 'dianjiang').parts[0].place;
  // The picture story closes the last stack; without it, its box is white.
  const text = readFileSync(BROADSHEET, 'utf8');
  const start = text.indexOf('      - id: dianjiang');
  const next = text.indexOf('\n      - id: ', start + 1);
  const without = text.slice(0, start) + (next < 0 ? '' : text.slice(next + 1));
  const dir = join(work, 'hole');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'issue.yaml'), without);
  const run = await runCompose([join(dir, 'issue.yaml'), '-o', join(dir, 'out')]);
  assert.equal(run.code, 1, run.stderr);
  const holes = run.stderr.split('\n').filter((l) => l.includes(': error: hole')).map((l) => l.slice(l.indexOf('error: hole')));
  assert.deepEqual(holes.map((l) => l.replace(/ are empty.*/, '')), [`error: hole (page 2): columns ${gone.column}–${gone.column + gone.span - 1}, lines ${gone.line - 1}–103`]);
});

test('lines: auto boxes are exactly as deep as their text, and a box below another starts one free line under it', async () => {
  const c = await composeSample(BROADSHEET);
  const page = c.composition.pages[0];
  const chain = ['state-council', 'spring-gala', 'commentary-jump'];
  for (const id of chain) {
    const box = boxOf(page, id);
    const lines = linesIn(c.read[0].lines, box);
    assert.ok(lines.length > 0, `${id} has text in its box`);
    // The last grid line of an auto box carries text in at least one of its columns.
    const last = gridLine(page, box.y + box.height - 1);
    assert.ok(lines.some((l) => gridLine(page, l.y) === last), `${id}: its box's last line holds text (it is no deeper than its text)`);
  }
  for (let k = 1; k < chain.length; k++) {
    const above = report(c, chain[k - 1]).parts[0].place;
    const below = report(c, chain[k]).parts[0].place;
    assert.equal(below.line, above.line + above.lines + 1, `${chain[k]} starts one line under ${chain[k - 1]}`);
    // Nothing is set in the free line between them, in their columns.
    const x0 = boxOf(page, chain[k]).x;
    const x1 = x0 + boxOf(page, chain[k]).width;
    const free = above.line + above.lines - 1;
    assert.ok(!c.read[0].lines.some((l) => gridLine(page, l.y) === free && l.x0 >= x0 && l.x1 <= x1), 'the line between two boxes is free');
  }
});

test('columns: 2 across a span of 3 (三破二) sets two columns of 20 字 on the grid, justified, with 避头尾 holding', async () => {
  const c = await compose(
    issueYaml('broadsheet', [{ id: 'gala', place: '{column: 1, span: 3, line: 1, lines: auto}', body: paragraphs('spring-gala'), extra: ['        columns: 2'] }]) +
      reserve(['{column: 4, span: 5, line: 1, lines: bottom}', '{column: 1, span: 3, line: 30, lines: bottom}']) +
      '\n',
  );
  const page = c.composition.pages[0];
  const g = page.geometry;
  const measure = 20 * 9;
  const second = measure + (41 * 9 - 2 * measure); // the 字 left over widen the gutter
  // The gutter is one 字, so a read-back line may run on across it: cut it at the column's edge.
  const pieces = c.read[0].lines
    .filter((l) => l.size === 9 && l.y > g.typeTop && l.y < g.typeTop + 29 * g.pitch)
    .flatMap((l) => [l.chars.filter((ch) => ch.x0 < g.typeLeft + measure + 1), l.chars.filter((ch) => ch.x0 >= g.typeLeft + measure + 1)])
    .filter((chars) => chars.length)
    .map((chars) => ({ text: chars.map((ch) => ch.ch).join(''), x0: Math.min(...chars.map((ch) => ch.x0)), x1: Math.max(...chars.map((ch) => ch.x1)), y: chars[0].y, column: chars[0].x0 < g.typeLeft + measure + 1 ? 0 : 1 }));
  const edge = (column: number) => g.typeLeft + (column ? second : 0);
  assert.ok(pieces.some((p) => p.column === 1), 'the text runs into the second column');
  for (const column of [0, 1]) {
    const own = pieces.filter((p) => p.column === column);
    // A mark at either end keeps only half its em inside the measure (行首 / 行尾 compression); the read-back box is the whole em.
    const end = (p: { text: string; x1: number }) => p.x1 - (/[，。、；：？！）》”]$/.test(p.text) ? 4.5 : 0);
    assert.ok(own.every((p) => p.x0 >= edge(column) - 4.6 && end(p) <= edge(column) + measure + 0.6), `column ${column + 1}: every line within its 20 字 from ${edge(column) - g.typeLeft} pt`);
    const justified = own.filter((p) => Math.abs(end(p) - (edge(column) + measure)) < 0.6);
    assert.ok(justified.length >= own.length - 4, `column ${column + 1}: ${justified.length} of ${own.length} lines reach the measure (the rest end paragraphs)`);
  }
  const first = Math.min(...pieces.map((p) => p.y));
  assert.ok(pieces.every((p) => Math.abs(Math.round((p.y - first) / g.pitch) * g.pitch - (p.y - first)) < 0.01), 'every line on the baseline grid');
  const bad = pieces.filter((p) => /^[，。、；：？！）》”]/.test(p.text) || /[（《“]$/.test(p.text));
  assert.deepEqual(bad.map((p) => p.text), [], 'no line starts with a closing mark or ends with an opening one');
  const read = [0, 1].flatMap((column) => pieces.filter((p) => p.column === column).sort((p, q) => p.y - q.y)).map((p) => p.text).join('');
  assert.equal(read.replace(/\s/g, ''), paragraphs('spring-gala').join('').replace(/\s/g, ''), 'the whole story, in order, column by column');
});

/** The size of the largest glyph set in a box: its headline's. */
const loudest = (c: Composed, id: string) => Math.max(...linesIn(c.read[0].lines, boxOf(c.composition.pages[0], id)).map((l) => l.size));

test('ranks: a short story in a wide box is set smaller than the lead, by the layout\u2019s rank table or by its place', async () => {
  const lead: FixtureArticle = { id: 'lead', place: '{column: 1, span: 4, line: 1, lines: auto}', headline: headlineOf('state-council'), body: paragraphs('state-council').slice(0, 2) };
  const short = (extra: string[]): FixtureArticle => ({ id: 'gala', place: '{column: 1, span: 6, line: 40, lines: auto}', headline: headlineOf('spring-gala'), body: paragraphs('spring-gala').slice(0, 1), extra });
  const room = reserve(['{column: 5, span: 2, line: 1, lines: 38}', '{column: 1, span: 6, line: 55, lines: bottom}']);
  const ranked = await compose(issueYaml('tabloid', [{ ...lead, extra: ['        rank: lead'] }, short(['        rank: brief'])]) + room + '\n');
  assert.ok(loudest(ranked, 'gala') < loudest(ranked, 'lead'), `brief ${loudest(ranked, 'gala')} pt under the lead's ${loudest(ranked, 'lead')} pt`);
  const tabloid = parse(readFileSync(join(ROOT, 'layouts', 'tabloid.yaml'), 'utf8')) as { ranks: Record<string, { headline: string[] }> };
  const sizes = parse(readFileSync(join(ROOT, 'layouts', 'sizes.yaml'), 'utf8')) as Record<string, number>;
  assert.ok(tabloid.ranks.brief.headline.map((s) => sizes[s]).includes(loudest(ranked, 'gala')), 'the brief takes a size of its rank');
  const byPlace = await compose(issueYaml('tabloid', [lead, short([])]) + room + '\n');
  assert.ok(loudest(byPlace, 'gala') <= loudest(byPlace, 'lead'), `by place, the wide low story (${loudest(byPlace, 'gala')} pt) is no louder than the lead (${loudest(byPlace, 'lead')} pt)`);
  assert.equal(report(byPlace, 'lead').rank, 'lead');
  const fixed = await compose(issueYaml('tabloid', [lead, short(['        rank: brief'])]).replace(`headline: ${JSON.stringify(headlineOf('spring-gala'))}`, `headline: {text: ${JSON.stringify(headlineOf('spring-gala'))}, size: 小四}`) + room + '\n');
  assert.equal(loudest(fixed, 'gala'), 12, 'the desk\u2019s 小四 wins over the rank');
});

test('转版题: a part continued from page 1 opens with its continuation headline over the （上接1版） line', async () => {
  const c = await composeSample(FRONT);
  const issue = parse(readFileSync(FRONT, 'utf8')) as { pages: { number: number; articles: Obj[] }[] };
  const jumpSize = 15.75; // the tabloid's jump-headline style: 三号
  for (const id of ['roundtable', 'state-council']) {
    const a = issue.pages[0].articles.find((x) => x.id === id)!;
    const wanted = ((a.continued as Obj[])[0].headline as string).replace(/\s/g, '');
    const page = c.composition.pages[1];
    const lines = linesIn(c.read[1].lines, boxOf(page, id)).sort((p, q) => p.y - q.y || p.x0 - q.x0);
    // The 转版题 heads the part, in one line or two.
    const head = lines.slice(0, lines.findIndex((l) => l.size !== jumpSize));
    assert.ok(head.length >= 1 && head.length <= 2, `${id}: the part opens with its 转版题 at ${jumpSize} pt`);
    assert.equal(head.map((l) => l.text).join('').replace(/\s/g, ''), wanted, `${id}: the 转版题 reads as the desk gave it`);
    const next = lines.filter((l) => l.y > head[head.length - 1].y);
    const under = next.filter((l) => l.y === next[0].y).sort((p, q) => p.x0 - q.x0)[0];
    assert.equal(under.text, '（上接1版）', `${id}: then the jump line, at the head of the part's first column`);
  }
});

/** Bounds of every picture on a page, pt from the top-left, from the PDF. */
function pictureBounds(pdf: string, page: number): [number, number, number, number][] {
  const doc = mupdf.Document.openDocument(readFileSync(pdf), 'application/pdf');
  const out: [number, number, number, number][] = [];
  const device = new mupdf.Device({
    fillImage: (_image, ctm) => {
      const xs = [ctm[4], ctm[4] + ctm[0], ctm[4] + ctm[2], ctm[4] + ctm[0] + ctm[2]];
      const ys = [ctm[5], ctm[5] + ctm[1], ctm[5] + ctm[3], ctm[5] + ctm[1] + ctm[3]];
      out.push([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]);
    },
  });
  doc.loadPage(page).run(device, mupdf.Matrix.identity);
  device.close();
  return out;
}

test('图片新闻: the picture spans the box, and the story is its caption in 楷 under it, the credit at its end', async () => {
  const c = await composeSample(BROADSHEET);
  const page = c.composition.pages[0];
  const box = boxOf(page, 'dianjiang');
  const picture = pictureBounds(c.pdf, 0).find((b) => b[0] >= box.x - 1 && b[2] <= box.x + box.width + 1 && b[1] >= box.y);
  assert.ok(picture, 'a picture in the story\u2019s box');
  assert.ok(Math.abs(picture[0] - box.x) < 0.5 && Math.abs(picture[2] - (box.x + box.width)) < 0.5, 'the picture spans the box');
  const caption = linesIn(c.read[0].lines, box).filter((l) => l.y > picture[3]);
  assert.ok(caption.length > 0 && caption.every((l) => /WenKai/i.test(l.chars[0].font)), 'the caption under the picture is set in 楷');
  const credit = (sampleArticle('dianjiang').pictures as Obj[])[0].credit as string;
  const text = caption.map((l) => l.text).join('').replace(/\s/g, '');
  assert.equal(text, paragraphs('dianjiang').join('').replace(/\s/g, '') + `（${credit.replace(/\s/g, '')}）`);
  // The box is full: its last line holds caption text.
  assert.equal(gridLine(page, Math.max(...caption.map((l) => l.y))), gridLine(page, box.y + box.height - 1));
});

test('a （上接1版） typed in the copy is set like a jump line: flush left, in the jump style', async () => {
  const c = await composeSample(BROADSHEET);
  const page = c.composition.pages[0];
  for (const id of ['robotics-jump', 'commentary-jump']) {
    const box = boxOf(page, id);
    const jump = linesIn(c.read[0].lines, box).find((l) => l.text === '（上接1版）');
    assert.ok(jump, `${id} opens with its （上接1版）`);
    // The opening bracket's leading half em hangs before the column, as at any line start.
    assert.ok(Math.abs(jump.x0 + jump.size / 2 - box.x) < 0.6, `${id}: flush left (${(jump.x0 - box.x).toFixed(1)} pt in), not indented 2 字`);
    assert.match(jump.chars[1].font, /WenKai/i, 'in the jump style\u2019s 楷');
  }
});

test('a declared space is no hole: the PDF leaves it empty and the proof frames it with its label', async () => {
  const full = await composeSample(BROADSHEET);
  const gone = report(full, 'dianjiang').parts[0].place;
  const text = readFileSync(BROADSHEET, 'utf8');
  const start = text.indexOf('      - id: dianjiang');
  const next = text.indexOf('\n      - id: ', start + 1);
  const space = `{column: ${gone.column}, span: ${gone.span}, line: ${gone.line}, lines: bottom}`;
  const withSpace = text.slice(0, start) + (next < 0 ? '' : text.slice(next + 1)) + `    spaces:\n      - {place: ${space}, kind: ad, label: 招聘}\n`;
  const dir = join(work, 'space');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'issue.yaml'), withSpace);
  const run = await runCompose([join(dir, 'issue.yaml'), '-o', join(dir, 'out')]);
  // The free line above the space is the one between two boxes: no hole either.
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /hole/);
  const page = full.composition.pages[0];
  const g = page.geometry;
  const x0 = g.typeLeft + (gone.column - 1) * (g.columnWidth + g.gutter);
  const x1 = x0 + gone.span * g.columnWidth + (gone.span - 1) * g.gutter;
  const y0 = g.typeTop + (gone.line - 1) * g.pitch;
  const y1 = g.typeTop + g.typeHeight;
  const read = readPdf(readFileSync(join(dir, 'out', 'issue.pdf')))[0];
  const inside = (a: number, b: number, c: number, d: number) => a > x0 + 1 && c < x1 - 1 && b > y0 + 1 && d < y1 - 1;
  assert.deepEqual(read.lines.filter((l) => inside(l.x0, l.y - 1, l.x1, l.y)).map((l) => l.text), [], 'no text in the space');
  assert.deepEqual(read.strokes.filter((s) => inside(...s)), [], 'nothing drawn in the space');
  const proof = await runCompose(['proof', join(dir, 'issue.yaml'), '--dpi', '72', '-o', join(dir, 'proof')]);
  assert.equal(proof.code, 0, proof.stderr);
  const { data, info } = await sharp(join(dir, 'proof', 'issue-p2.png')).raw().toBuffer({ resolveWithObject: true });
  const grey = (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
    return data[i] > 90 && data[i] < 200 && Math.abs(data[i] - data[i + 1]) < 8 && Math.abs(data[i] - data[i + 2]) < 8;
  };
  let edge = 0;
  for (let x = Math.ceil(x0); x < x1; x++) if (grey(x, y0) || grey(x, y0 - 1) || grey(x, y0 + 1)) edge++;
  assert.ok(edge > (x1 - x0) * 0.4, `the space's top edge is framed in grey (${edge} of ${Math.round(x1 - x0)} px)`);
  let label = 0;
  const cy = (y0 + y1) / 2;
  for (let y = cy - 12; y < cy + 4; y++) for (let x = (x0 + x1) / 2 - 40; x < (x0 + x1) / 2 + 40; x++) if (grey(x, y)) label++;
  assert.ok(label > 20, `its label stands in the middle (${label} grey px)`);
});

test('a headline tried at the sizes of its rank stands at the largest its box holds, in its own font beside a kicker and a table cell of the same words', async () => {
  const text = headlineOf('spring-gala');
  const sizes = [36, 27.5, 24, 21]; // the tabloid's lead rank: 小初, 一号, 小一, 二号
  for (const span of [3, 4]) {
    const gala: FixtureArticle = { id: 'gala', place: `{column: 1, span: ${span}, line: 1, lines: 30}`, headline: text, body: paragraphs('spring-gala').slice(0, 1), extra: ['        rank: lead', `        kicker: ${JSON.stringify(text)}`, '        table:', `          - [${JSON.stringify(text)}, "分会场"]`] };
    const c = await compose(issueYaml('tabloid', [gala], { reserve: true }));
    const box = boxOf(c.composition.pages[0], 'gala');
    const lines = linesIn(c.read[0].lines, box);
    const head = lines.filter((l) => sizes.includes(l.size));
    const kicker = lines.filter((l) => l.size === 12);
    assert.equal(head.map((l) => l.text).join('').replace(/\s/g, ''), text, `span ${span}: the headline reads whole`);
    assert.equal(kicker.map((l) => l.text).join('').replace(/\s/g, ''), text, `span ${span}: the kicker reads whole`);
    const fonts = (ls: ReadLine[]) => new Set(ls.flatMap((l) => l.chars.map((ch) => ch.font)));
    assert.equal(fonts(head).size, 1, `span ${span}: the headline is set in one font`);
    assert.ok(![...fonts(kicker)].some((f) => fonts(head).has(f)), `span ${span}: the kicker keeps its own font, not the headline's`);
    const cell = lines.filter((l) => l.size === 9 && l.text.replace(/\s/g, '').startsWith(text));
    assert.equal(cell.length, 1, `span ${span}: the table row reads its cell whole`);
    assert.ok(![...fonts(cell)].some((f) => fonts(head).has(f) || fonts(kicker).has(f)), `span ${span}: the table's label cell keeps its own font, neither the headline's nor the kicker's`);
    const size = head[0].size;
    const measure = box.width - 9; // half a body character of air at either end
    const em = (Math.max(...head.map((l) => l.x1)) - Math.min(...head.map((l) => l.x0))) / size;
    assert.equal(head.length, 1, `span ${span}: the headline stands in one line`);
    assert.ok(em * size <= measure + 0.05, `span ${span}: ${(em * size).toFixed(1)} pt within the ${measure} pt measure at ${size} pt`);
    const larger = sizes.filter((s) => s > size);
    if (larger.length) assert.ok(em * larger[larger.length - 1] > measure, `span ${span}: at ${larger[larger.length - 1]} pt the headline would not fit`);
  }
});
