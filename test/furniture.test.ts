// Display lines and page furniture: headlines, kickers and subheads broken between phrases and
// balanced, the layout's bullet marker, 简报 boxed at the article's measure, the 编者按's measure,
// the byline at the head of the body and a caption or a warning for every picture. Each is checked
// on the PDF read back, on the sample's own text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultSimplifiedChineseParser } from 'budoux';
import { parse } from 'yaml';
import { composeFile, type ComposeResult } from '../src/pipeline/compose.js';
import type { ArticleBox, ComposedPage } from '../src/page/types.js';
import { issueYaml } from './fixture.js';
import { readPdf, type ReadLine, type ReadPage } from './readback.js';
import { ROOT } from './spawn.js';

const BROADSHEET = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');
const FRONT = join(ROOT, 'issues', 'cqrb-2024-12-25-front.yaml');

type Obj = Record<string, unknown>;
const sample = parse(readFileSync(BROADSHEET, 'utf8')) as { pages: { articles: Obj[] }[] };
const front = parse(readFileSync(FRONT, 'utf8')) as { pages: { articles: Obj[] }[] };
const articleOf = (issue: typeof sample, id: string) => issue.pages.flatMap((p) => p.articles).find((a) => a.id === id)!;
const paragraphs = (id: string): string[] => (articleOf(sample, id).body as unknown[]).filter((b): b is string => typeof b === 'string');
const styleOf = (layout: string, name: string) => (parse(readFileSync(join(ROOT, 'layouts', `${layout}.yaml`), 'utf8')) as { styles: Record<string, Obj> }).styles[name];

const work = mkdtempSync(join(tmpdir(), 'banmian-furniture-'));
let cases = 0;
type Composed = ComposeResult & { read: ReadPage[] };
async function composePath(path: string): Promise<Composed> {
  const result = await composeFile(path, join(work, `out-${++cases}`));
  return { ...result, read: readPdf(readFileSync(result.pdf)) };
}
async function compose(text: string): Promise<Composed> {
  const dir = join(work, `case-${++cases}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'issue.yaml'), text);
  return composePath(join(dir, 'issue.yaml'));
}
const samples = { broadsheet: composePath(BROADSHEET), front: composePath(FRONT) };

const plain = (s: string) => s.replace(/\s+/g, '');
const parser = loadDefaultSimplifiedChineseParser();
/** Offsets (in characters, spaces left out) where budoux lets a display text break: between its phrases and at the desk's spaces. */
function phraseBreaks(text: string): Set<number> {
  const at = new Set<number>();
  let n = 0;
  for (const piece of text.trim().split(/\s+/)) {
    for (const phrase of parser.parse(piece)) {
      n += [...phrase].length;
      at.add(n);
    }
  }
  return at;
}

/** The read-back lines that, one after another, spell a display text: how the composer broke it. */
function displayLines(lines: ReadLine[], text: string): ReadLine[] | undefined {
  const want = plain(text);
  for (let i = 0; i < lines.length; i++) {
    let got = '';
    for (let j = i; j < lines.length && want.startsWith(got + lines[j].text) && lines[j].size === lines[i].size; j++) {
      got += lines[j].text;
      if (got === want) return lines.slice(i, j + 1);
    }
  }
  return undefined;
}

/** Every display text of the sample issues: kickers, headlines, 副题, 小标题 and 转版题. */
function displayTexts(issue: typeof sample): string[] {
  const out: string[] = [];
  for (const a of issue.pages.flatMap((p) => p.articles)) {
    const h = a.headline as unknown;
    const head = typeof h === 'string' ? h : Array.isArray(h) ? h.join(' ') : (h as { text?: string[] } | undefined)?.text?.join(' ');
    for (const t of [a.kicker, head, a.subhead]) if (typeof t === 'string') out.push(t);
    for (const b of (a.body as unknown[]) ?? []) if (typeof (b as Obj).subhead === 'string') out.push((b as Obj).subhead as string);
    for (const c of (a.continued as Obj[]) ?? []) if (typeof c.headline === 'string') out.push(c.headline);
  }
  return out;
}

test('display lines break only between budoux phrases: kickers, headlines, 副题, 小标题 and 转版题 of both samples', async () => {
  let multiLine = 0;
  for (const [name, issue] of [['broadsheet', sample], ['front', front]] as const) {
    const c = await samples[name];
    for (const text of displayTexts(issue)) {
      const found = c.read.map((p) => displayLines(p.lines, text)).find((l) => l);
      assert.ok(found, `${name}: "${text}" is read back as display lines`);
      const breaks = phraseBreaks(text);
      let at = 0;
      for (const l of found.slice(0, -1)) {
        at += [...l.text].length;
        assert.ok(breaks.has(at), `${name}: "${text}" breaks inside a phrase after "${l.text}"`);
      }
      if (found.length > 1) multiLine++;
    }
  }
  assert.ok(multiLine >= 4, `the samples break display texts into lines (${multiLine} do)`);
});

test('display lines are balanced: no phrase could move to the shorter neighbouring line and even them out', async () => {
  const c = await samples.broadsheet;
  const texts = displayTexts(sample).filter((t) => !t.includes(' '));
  let checked = 0;
  for (const text of texts) {
    const lines = c.read.map((p) => displayLines(p.lines, text)).find((l) => l)!;
    if (lines.length < 2) continue;
    const width = (chars: ReadLine['chars']) => chars.reduce((w, ch) => w + ch.x1 - ch.x0, 0);
    for (let k = 0; k + 1 < lines.length; k++) {
      const [a, b] = [lines[k], lines[k + 1]];
      const longer = width(a.chars) > width(b.chars) ? a : b;
      const gap = Math.abs(width(a.chars) - width(b.chars));
      // The phrase that would move: the longer line's last (or first) budoux phrase.
      const phrases = parser.parse(longer.text);
      const moving = longer === a ? phrases[phrases.length - 1] : phrases[0];
      const movingWidth = width(longer === a ? a.chars.slice(-[...moving].length) : b.chars.slice(0, [...moving].length));
      // A one-character phrase is a piece of a word and a mark may not open a line: those never move.
      const stays = [...moving].filter((ch) => /[\p{L}\p{N}]/u.test(ch)).length <= 1 || (longer === a && /^[，。、；：？！”’）》]/u.test(moving));
      if (!stays) assert.ok(movingWidth >= gap - a.size / 2, `"${text}": "${moving}" could move from "${longer.text}" to even lines "${a.text}" / "${b.text}"`);
      checked++;
    }
  }
  assert.ok(checked >= 4, `multi-line display texts checked (${checked})`);
});

test('a subhead takes at most two lines; a longer one is a warning naming it', async () => {
  const c = await samples.broadsheet;
  const sections = (articleOf(sample, 'roundtable').body as Obj[]).concat(articleOf(sample, 'robotics-jump').body as Obj[]).flatMap((b) => (typeof b.subhead === 'string' ? [b.subhead] : []));
  const warned = c.composition.findings.filter((f) => f.code === 'subhead-too-long');
  let short = 0;
  for (const text of sections) {
    const lines = displayLines(c.read[0].lines, text)!;
    const warning = warned.find((f) => f.message.endsWith(text));
    if (lines.length > 2) assert.ok(warning && !warning.blocking, `"${text}" takes ${lines.length} lines and is a warning`);
    else {
      assert.ok(!warning, `"${text}" takes ${lines.length} lines: no warning`);
      short++;
    }
  }
  assert.ok(short > 0 && warned.length > 0, 'the sample has subheads of both kinds');
  // 副题: the same rule; the robotics story's 小标题 as an article's subhead, in a narrow box.
  const subhead = sections[sections.length - 1];
  const narrow = await compose(issueYaml('tabloid', [{ id: 'gala', place: '{column: 1, span: 1, line: 1, lines: bottom}', headline: '重庆成为2025年春晚分会场', body: paragraphs('spring-gala'), extra: [`        subhead: ${JSON.stringify(subhead)}`] }], { reserve: true }));
  const set = narrow.read.map((p) => displayLines(p.lines, subhead)).find((l) => l)!;
  assert.ok(set.length > 2, `the subhead takes ${set.length} lines in one column`);
  assert.ok(narrow.composition.findings.some((f) => f.code === 'subhead-too-long' && f.article === 'gala'), 'and is a warning');
});

// 要点: each point opens with the layout's marker (the newspaper layouts draw ■, never a hyphen),
// and copying the page gives the story's own "-" for it, so the text reads back as filed.
test("bullets open with the layout's marker, and copy as the story's list marker", async () => {
  const { marker, 'marker-text': markerText } = styleOf('broadsheet', 'bullet') as { marker: string; 'marker-text': string };
  assert.equal(marker, '■');
  const c = await samples.broadsheet;
  const items = ((articleOf(sample, 'state-council').body as Obj[]).find((b) => b.bullets)!.bullets as string[]).map(plain);
  const page = c.read[0];
  for (const item of items) {
    const l = page.lines.find((l) => l.text.startsWith(markerText) && l.text.length > 5 && item.startsWith(l.text.slice(markerText.length)));
    assert.ok(l, `"${item.slice(0, 12)}…" copies as ${markerText} and the point`);
    const first = page.drawn.find((g) => Math.abs(g.y - l.y) < 0.01 && Math.abs(g.x - l.x0) < 0.5);
    assert.equal(first?.ch, marker, `"${item.slice(0, 12)}…" is drawn opening with ${marker}`);
  }
  assert.ok(!page.drawn.some((g, i) => g.ch === '-' && page.drawn[i + 1]?.ch === plain(items[0])[0]), 'no point is drawn with a hyphen');
});

// 电头 and 署名 kept together: every bold lead-in (新华社北京12月24日电, 王志杰：) and every
// credit closing a paragraph or a 简报 item (（记者 周松）) of both samples stands whole on one line, wherever its
// column is narrow.
test('no lead-in and no closing credit of the samples is broken across lines', async () => {
  for (const [name, issue] of [['broadsheet', sample], ['front', front]] as const) {
    const c = await samples[name];
    const text = c.read.flatMap((p) => p.lines.map((l) => l.text));
    const kept = issue.pages.flatMap((p) => p.articles).flatMap((a) => [...((a.body as unknown[]) ?? []), ...((a.briefs as unknown[]) ?? [])].flatMap((b) => {
      const lead = (b as Obj).lead;
      const para = typeof b === 'string' ? b : ((b as Obj).text as string | undefined) ?? '';
      return [...(typeof lead === 'string' ? [lead] : []), ...(/（[^（）]{1,30}）$/.exec(para) ?? [])];
    })).map(plain);
    assert.ok(kept.some((k) => k.startsWith('新华社')) && kept.some((k) => k.startsWith('（记者')), `${name}: the sample has a dateline and a credit`);
    for (const k of kept) assert.ok(text.some((l) => l.includes(k)), `${name}: "${k}" stands whole on one line`);
  }
});

/** Stroked rules that frame a box: across its top and foot and down both sides, at its full width. */
function framed(strokes: ReadPage['strokes'], box: ArticleBox): boolean {
  const near = (a: number, b: number) => Math.abs(a - b) < 1.5;
  const across = strokes.filter(([x0, y0, x1, y1]) => y1 - y0 < 2 && near(x0, box.x) && near(x1, box.x + box.width));
  const down = strokes.filter(([x0, y0, x1, y1]) => x1 - x0 < 2 && near(y0, box.y) && near(y1, box.y + box.height));
  return across.some((s) => near(s[1], box.y)) && across.some((s) => near(s[3], box.y + box.height)) && down.some((s) => near(s[0], box.x)) && down.some((s) => near(s[2], box.x + box.width));
}
const inBox = (lines: ReadLine[], b: ArticleBox) => lines.filter((l) => l.x0 >= b.x - 1 && l.x1 <= b.x + b.width + 1 && l.y > b.y && l.y < b.y + b.height);
const boxOf = (page: ComposedPage, id: string) => page.boxes.find((b) => b.id === id)!;

test('简报 are boxed at the article\'s full measure, each item opening with its marker and its credit whole on one line', async () => {
  const marker = styleOf('broadsheet', 'brief').marker as string;
  for (const name of ['broadsheet', 'front'] as const) {
    const c = await samples[name];
    const page = c.composition.pages.findIndex((p) => p.boxes.some((b) => b.id === 'briefs'));
    const box = boxOf(c.composition.pages[page], 'briefs');
    assert.ok(framed(c.read[page].strokes, box), `${name}: a box round the 简报 at the article's width`);
    const lines = inBox(c.read[page].lines, box);
    const item = articleOf(sample, 'briefs').briefs as string[];
    assert.ok(lines.some((l) => l.text.startsWith(marker + plain(item[0]).slice(0, 4))), `${name}: the item opens with ${marker}`);
    assert.ok(lines.some((l) => l.text.endsWith('（记者周松）')), `${name}: the credit stands whole at the end of a line`);
    // Inside the box: no text touches its rules.
    for (const l of lines) assert.ok(l.x0 > box.x + l.size / 2 && l.x1 < box.x + box.width - l.size / 2, `${name}: "${l.text}" keeps off the box's sides`);
  }
});

test('the credit closing a 简报 item stands whole: at its last line\'s end, or flush right on a line of its own', async () => {
  const item = (articleOf(sample, 'briefs').briefs as string[])[0];
  // Measures of 10 to 75 字: at some the credit would fall across a line end.
  for (let span = 1; span <= 6; span++) {
    const c = await compose(issueYaml('tabloid', [{ id: 'briefs', place: `{column: 1, span: ${span}, line: 1, lines: 20}`, headline: '政务简报', body: [], extra: ['        columns: 1', '        briefs:', `          - ${JSON.stringify(item)}`] }], { reserve: true }));
    const lines = inBox(c.read[0].lines, boxOf(c.composition.pages[0], 'briefs'));
    assert.ok(lines.some((l) => l.text.endsWith('（记者周松）')), `span ${span}: the credit is whole on one line (${lines.map((l) => l.text).join(' / ')})`);
  }
});

test('简报 items are kept whole in one column where they fit', async () => {
  const items = [...(articleOf(sample, 'briefs').briefs as string[]), ...paragraphs('spring-gala')];
  const c = await compose(issueYaml('tabloid', [{ id: 'briefs', place: '{column: 1, span: 2, line: 1, lines: 30}', headline: '政务简报', body: [], extra: ['        briefs:', ...items.map((i) => `          - ${JSON.stringify(i)}`)] }], { reserve: true }));
  const box = boxOf(c.composition.pages[0], 'briefs');
  const lines = inBox(c.read[0].lines, box).filter((l) => l.size < 12);
  const columns = [...new Set(lines.map((l) => Math.round(l.x0 / 20)))].length;
  assert.ok(columns >= 2, 'the items stand in two columns');
  for (const item of items) {
    const first = lines.findIndex((l) => l.text.startsWith((styleOf('tabloid', 'brief').marker as string) + plain(item).slice(0, 4)));
    assert.ok(first >= 0, `"${item.slice(0, 8)}…" is set`);
    let got = lines[first].text.slice(1);
    for (let j = first + 1; got.length < plain(item).length; j++) {
      // Within the first line's column: a flush-right credit line too.
      assert.ok(lines[j].x0 > lines[first].x0 - lines[j].size * 2.5 && lines[j].x1 < lines[first].x1 + lines[j].size, `"${item.slice(0, 8)}…" goes on in its own column`);
      got += lines[j].text;
    }
    assert.equal(got, plain(item));
  }
});

test("the 编者按 is set at the layout's narrower measure, or in a box", async () => {
  const note = articleOf(sample, 'roundtable').note as string[];
  const broad = await samples.broadsheet;
  const inset = (styleOf('broadsheet', 'note').inset as number) * 9;
  const box = boxOf(broad.composition.pages[0], 'roundtable');
  const noteLines = broad.read[0].lines.filter((l) => l.chars.some((ch) => /kai/i.test(ch.font)) && plain(note.join('')).includes(l.text.replace('【编者按】', '')) && l.text.length > 8);
  assert.ok(noteLines.length >= 3, 'the note is read back');
  // A closing mark that ends a line is set half wide: its glyph's cell may reach half an em further.
  for (const l of noteLines) assert.ok(l.x0 >= box.x + inset - 0.5 && l.x1 <= box.x + box.width - inset + l.size / 2 + 0.5, `"${l.text.slice(0, 8)}…" keeps ${inset} pt in at either side`);
  assert.equal(styleOf('tabloid', 'note').frame, 'box');
  const tab = await samples.front;
  const first = tab.read[0].lines.findIndex((l) => l.text.startsWith('【编者按】'));
  const last = tab.read[0].lines.findIndex((l, i) => i > first && plain(note[note.length - 1]).endsWith(l.text));
  const [top, foot] = [tab.read[0].lines[first].y - 9, tab.read[0].lines[last].y];
  const strokes = tab.read[0].strokes.filter(([, y0, , y1]) => y0 < top && y1 > foot && y1 - y0 < (foot - top) + 40);
  assert.ok(strokes.length >= 2, 'rules run down both sides of the tabloid note');
});

test('a byline opens the body in the byline style: 本报讯（记者 X）at the head of the first paragraph', async () => {
  const [opening, ...rest] = paragraphs('spring-gala');
  const byline = opening.slice(0, opening.indexOf('）') + 1);
  assert.ok(byline.startsWith('本报讯（'));
  const c = await compose(issueYaml('tabloid', [{ id: 'gala', place: '{column: 1, span: 3, line: 1, lines: bottom}', headline: '重庆成为2025年春晚分会场', body: [opening.slice(byline.length), ...rest], extra: [`        byline: ${JSON.stringify(byline)}`] }], { reserve: true }));
  const lines = c.read[0].lines;
  const first = lines.findIndex((l) => l.text.startsWith('本报讯'));
  assert.ok(first >= 0, 'the byline is read back');
  // The byline and the story's first words, as they run on from the first body line.
  const chars = lines.slice(first, first + 3).flatMap((l) => l.chars);
  const head = chars.slice(0, [...plain(byline)].length);
  assert.equal(head.map((ch) => ch.ch).join(''), plain(byline));
  assert.ok(head.every((ch) => /kai/i.test(ch.font)), `the byline in the byline style's 楷 (${head[0].font})`);
  const after = chars[head.length];
  assert.ok(after && after.ch === opening[byline.length] && !/kai/i.test(after.font), 'the story runs on after it, in the body face');
  assert.equal(after.y, head[head.length - 1].y, 'on the line where the byline ends');
});

test('every picture has a caption or a warning naming it', async () => {
  const c = await samples.front;
  const warnings = c.composition.findings.filter((f) => f.code === 'picture-without-caption');
  assert.equal(warnings.length, 1, 'one picture of the front sample has no caption of its own (the picture story has its text)');
  assert.equal(warnings[0].article, 'spring-gala');
  assert.ok(!warnings[0].blocking);
  const text = readFileSync(FRONT, 'utf8').split('\n');
  const [, line, column] = /cqrb-2024-12-25-front\.yaml:(\d+):(\d+)/.exec(warnings[0].message)!;
  assert.match(text[+line - 1].slice(+column - 1), /^(- )?place:/, 'the warning names the picture slot');
  // A picture with a caption: no warning, and the caption breaks between phrases.
  const caption = paragraphs('dianjiang')[0];
  const withCaption = await compose(issueYaml('tabloid', [{ id: 'gala', place: '{column: 1, span: 2, line: 1, lines: bottom}', headline: '重庆成为2025年春晚分会场', body: paragraphs('spring-gala'), extra: ['        pictures:', '          - place: {column: 1, span: 2, line: 1, lines: 14}', `            caption: ${JSON.stringify(caption)}`] }], { reserve: true }));
  assert.ok(!withCaption.composition.findings.some((f) => f.code === 'picture-without-caption'));
  const lines = displayLines(withCaption.read[0].lines, caption)!;
  assert.ok(lines.length > 1, 'the caption takes lines');
  const breaks = phraseBreaks(caption);
  let at = 0;
  for (const l of lines.slice(0, -1)) assert.ok(breaks.has((at += [...l.text].length)), `the caption breaks between phrases after "${l.text}"`);
});
