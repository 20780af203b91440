// Properties of composition, checked with fast-check on text made from the sample's real
// paragraphs (slices and run-ons) mixed with what desk copy also brings: Latin words, numbers,
// runs of Chinese punctuation, combining marks, emoji, private-use characters no font has, control
// characters and spaces of every kind. Seeds are fixed and runs bounded, so a failure is the same
// failure on every machine (fast-check prints the seed and the shrunk counterexample).
//
// The paragraph property runs in a worker thread: "composition terminates" is one of the
// properties, and a loop that never ends must fail the test, not hang the suite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parse } from 'yaml';
import { composeFile, fontRegistry } from '../src/pipeline/compose.js';
import type { MissingGlyph } from '../src/fonts/registry.js';
import { loadHao, loadTemplate } from '../src/layout/template.js';
import { packageRoot } from '../src/paths.js';
import { num, writeNum } from '../src/render/text.js';
import { composeParagraph } from '../src/text/paragraph.js';
import type { SetParagraph } from '../src/text/types.js';
import { issueYaml } from './fixture.js';
import { assertDrawnClean, readPdf } from './readback.js';

const SEED = 20241225;
const ROOT = packageRoot();
const SAMPLE = join(ROOT, 'issues', 'cqrb-2024-12-25.yaml');

// ---------------------------------------------------------------------------
// Real text

/** Every paragraph of running text in the sample (body, note, text, briefs and bullets), as written there. */
function sampleParagraphs(): string[] {
  const out: string[] = [];
  const walk = (v: unknown, inText: boolean): void => {
    if (typeof v === 'string') {
      if (inText && v.trim()) out.push(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, inText);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (k !== 'lead' && k !== 'subhead') walk(x, inText || ['body', 'note', 'text', 'briefs'].includes(k));
    }
  };
  walk(parse(readFileSync(SAMPLE, 'utf8')), false);
  return out;
}
const PARAGRAPHS = sampleParagraphs();

/** A stretch of a real paragraph, cut on code points, 1 to `max` characters long. */
const realSlice = (max: number) =>
  fc.tuple(fc.nat({ max: PARAGRAPHS.length - 1 }), fc.nat(), fc.integer({ min: 1, max })).map(([p, s, n]) => {
    const cps = [...PARAGRAPHS[p]!];
    const start = s % cps.length;
    return cps.slice(start, start + n).join('');
  });

// ---------------------------------------------------------------------------
// Mixed copy

const PUNCTUATION = ['。', '，', '、', '；', '：', '？', '！', '“', '”', '（', '）', '《', '》', '——', '……'];
const piece = fc.oneof(
  { weight: 8, arbitrary: realSlice(40) },
  { weight: 2, arbitrary: fc.constantFrom(...PARAGRAPHS) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z]{1,16}$/) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9]{1,7}([.,][0-9]{1,3})?[%‰]?$/) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PUNCTUATION), { minLength: 1, maxLength: 6 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.tuple(realSlice(2), fc.constantFrom('e\u0301', '\u0301', 'a\u0308\u0304', '\u0332', '\u20dd')).map(([han, mark]) => (mark.length === 1 ? han + mark : mark)) },
  { weight: 1, arbitrary: fc.constantFrom('😀', '👍🏽', '👨‍👩‍👧', '🇨🇳', '❤️', '🀄', '\u{1F9E7}') },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 0xe000, max: 0xf8ff }), fc.integer({ min: 0xf0000, max: 0xffffd })).map((cp) => String.fromCodePoint(cp)) },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\r\n', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f') },
  { weight: 2, arbitrary: fc.constantFrom(' ', '  ', '\u3000', '\u00a0', ' \u3000 ', '\u3000\u3000') },
);
const mixedText = fc.array(piece, { minLength: 1, maxLength: 16 }).map((a) => a.join(''));

// ---------------------------------------------------------------------------
// The paragraph property

/** Whitespace and control characters: the composer may drop or fold them, so they are not counted. */
const ignorable = (ch: string) => {
  const cp = ch.codePointAt(0)!;
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || /^\s$/u.test(ch);
};
/** Marks no line may start with (clreq, strict): pause and stop marks, closing brackets, —— and ……. */
const NO_LINE_START = new Set([...'。，、；：？！”’）》」』】〕—…']);
/** Marks no line may end with: opening brackets. */
const NO_LINE_END = new Set([...'“‘（《「『【〔']);
/** Marks whose blank half may be squeezed at line end: their advance may pass the measure by ½ em. */
const SQUEEZABLE_AT_END = new Set([...'。，、；：？！”’）》」』】〕']);
const EPS = 1e-6;

interface Params {
  text: string;
  measure: number;
  firstIndent: number;
  hangIndent: number;
}

/** What the paragraph check lets pass: known engine bugs, each with its own todo test that does not. */
interface Excuses {
  /** A prohibited mark at line start with white space before it in the copy, an opening bracket at line end with white space after it. */
  space: boolean;
  /** A combining mark away from its base letter (a gap before it, or on the next line). */
  combining: boolean;
}
const EXCUSE_KNOWN_BUGS: Excuses = { space: true, combining: true };
const NO_EXCUSES: Excuses = { space: false, combining: false };

const isCombining = (ch: string) => /^\p{M}$/u.test(ch);
const isWordCharacter = (ch: string) => /^[0-9A-Za-z]$/.test(ch);

/** Composes one paragraph in the body font and checks every property; throws on the first that fails. */
function checkParagraph({ text, measure, firstIndent, hangIndent }: Params, excuses: Excuses): void {
  const fonts = fontRegistry();
  const layouts = join(ROOT, 'layouts');
  const template = loadTemplate(layouts, 'broadsheet', loadHao(layouts));
  const faces = [fonts.faceOf('song'), ...fonts.fallback];
  const inSomeFont = (ch: string) => faces.some((f) => fonts.face(f).font.hasGlyphForCodePoint(ch.codePointAt(0)!));

  // As src/page/rows.ts setLines does it: runs by face, then the paragraph.
  const missing: MissingGlyph[] = [];
  const runs = fonts.runs(text, 'song', missing);
  // The setter normalises a letter and its combining marks (NFC) before it looks them up.
  text = text.normalize('NFC');
  const set: SetParagraph = composeParagraph({ runs, measure, firstIndent, hangIndent, align: 'justify', kinsoku: template.kinsoku, numeralUnits: template.numeralUnits }, fonts);

  // Every character is set or reported missing, once, in order.
  const chars = [...text].filter((c) => !ignorable(c));
  // A glyph may carry a letter with its combining marks: compare code point by code point.
  const glyphs = set.lines.flatMap((l) => l.glyphs.flatMap((g) => [...g.ch])).filter((c) => !ignorable(c));
  const reported = missing.filter((m) => m.face === undefined).map((m) => m.ch).filter((c) => !ignorable(c));
  assert.deepEqual(glyphs, chars.filter(inSomeFont), 'the glyphs are not the input’s characters that some font has, in order');
  assert.deepEqual(reported, chars.filter((c) => !inSomeFont(c)), 'the missing list is not the input’s characters that no font has, in order');

  // For each set glyph: does the copy have white space (or a character no font has) between it and
  // the set glyph before, and white space between it and the one after?
  const afterSpace: boolean[] = [];
  const beforeSpace: boolean[] = [];
  const afterGap: boolean[] = [];
  let sawSpace = false;
  let sawOther = false;
  for (const ch of text) {
    if (ignorable(ch)) sawSpace = true;
    else if (!inSomeFont(ch)) sawOther = true;
    else {
      if (beforeSpace.length) beforeSpace[beforeSpace.length - 1] = sawSpace;
      afterSpace.push(sawSpace);
      afterGap.push(sawSpace || sawOther);
      beforeSpace.push(false);
      sawSpace = false;
      sawOther = false;
    }
  }

  const strip = (s: string) => s.replace(/\s/gu, '');
  const forced = new Set(set.warnings.filter((w) => w.code === 'forced-break').map((w) => strip(w.text)));
  const lineText = set.lines.map((l) => strip(l.glyphs.map((g) => g.ch).join('')));
  const isForced = lineText.map((t) => forced.has(t));
  let k = 0; // index of the line's first glyph among all glyphs
  set.lines.forEach((line, i) => {
    const gs = line.glyphs.filter((g) => !ignorable(g.ch));
    const k0 = k;
    k += gs.length;
    if (gs.length === 0) return;
    const first = gs[0]!.ch;
    const last = gs[gs.length - 1]!.ch;
    const where = `line ${i + 1} of ${JSON.stringify(lineText)}`;

    // Prohibitions, where no forced break excuses them.
    if (i > 0 && !isForced[i - 1] && !(excuses.space && afterSpace[k0])) assert.ok(!NO_LINE_START.has(first), `${where} starts with ${first}`);
    if (i < set.lines.length - 1 && !isForced[i] && !(excuses.space && beforeSpace[k - 1])) assert.ok(!NO_LINE_END.has(last), `${where} ends with ${last}`);

    // Words and numbers stay whole unless the line had to be cut.
    if (i < set.lines.length - 1 && !isForced[i]) {
      const next = set.lines[i + 1]!.glyphs.find((g) => !ignorable(g.ch));
      if (next && isWordCharacter(last) && isWordCharacter(next.ch) && !afterGap[k]) assert.fail(`${where}: “${last}${next.ch}” is split between lines`);
    }

    // A combining mark goes with its base: not first on a line, and drawn where the base's advance ends.
    if (!excuses.combining) {
      if (i > 0 && isCombining(first) && !afterGap[k0]) assert.fail(`${where} starts with the combining mark U+${first.codePointAt(0)!.toString(16).toUpperCase()}`);
      gs.forEach((g, j) => {
        if (j === 0 || !isCombining(g.ch) || afterGap[k0 + j]) return;
        const base = gs[j - 1]!;
        const end = base.x + (base.fullWidth ? 1 : fonts.advance(base.face, base.ch.codePointAt(0)!));
        assert.ok(Math.abs(g.x - end) < 1e-3, `${where}: U+${g.ch.codePointAt(0)!.toString(16).toUpperCase()} sits ${(g.x - end).toFixed(2)} em away from its base ${base.ch}`);
      });
    }

    // Inside the measure: a line-end mark may keep its squeezed blank half past it, nothing else.
    for (const g of line.glyphs) {
      const advance = g.fullWidth ? 1 : fonts.advance(g.face, g.ch.codePointAt(0)!);
      const room = measure + (SQUEEZABLE_AT_END.has(g.ch) ? 0.5 : 0) + EPS;
      assert.ok(g.x + advance <= room, `${where}: ${g.ch} ends at ${(g.x + advance).toFixed(3)} em, past the measure ${measure}`);
      assert.ok(g.x >= -0.5 - EPS, `${where}: ${g.ch} starts at ${g.x.toFixed(3)} em, left of the line`);
    }
  });
}

const paramsArb = fc.record({
  text: mixedText,
  measure: fc.integer({ min: 12, max: 40 }).map((n) => n / 2),
  firstIndent: fc.constantFrom(0, 2),
  hangIndent: fc.constantFrom(0, 0, 0, 2),
});

function paragraphProperty(numRuns: number, excuses: Excuses, seed = SEED): void {
  fc.assert(
    fc.property(paramsArb, (p) => checkParagraph(p, excuses)),
    { seed, numRuns, includeErrorInReport: true },
  );
}

// ---------------------------------------------------------------------------
// Worker side: run the property and say how it went.

interface WorkerJob {
  banmianProperty: 'paragraph';
  numRuns: number;
  excuses: Excuses;
  /** Lets a person explore beyond the fixed seed by starting this worker by hand. */
  seed?: number;
}

if (!isMainThread && (workerData as Partial<WorkerJob> | null)?.banmianProperty === 'paragraph') {
  const job = workerData as WorkerJob;
  try {
    paragraphProperty(job.numRuns, job.excuses, job.seed);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
  }
} else {
  /** Runs the paragraph property in a worker; a worker still busy after `ms` is stopped and the test fails. */
  const inWorker = (numRuns: number, excuses: Excuses, ms: number) =>
    new Promise<{ ok: boolean; message?: string }>((done, fail) => {
      const job: WorkerJob = { banmianProperty: 'paragraph', numRuns, excuses };
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: job });
      const timer = setTimeout(() => {
        void worker.terminate();
        done({ ok: false, message: `composition did not terminate: still composing after ${ms / 1000} s` });
      }, ms);
      worker.once('message', (m: { ok: boolean; message?: string }) => {
        clearTimeout(timer);
        void worker.terminate();
        done(m);
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
    });

  test('a paragraph of mixed copy at 6–20 em: it terminates, every character is set or reported missing once and in order, prohibitions hold, words stay whole, no line passes the measure', async () => {
    const r = await inWorker(150, EXCUSE_KNOWN_BUGS, 120_000);
    assert.ok(r.ok, r.message ?? '');
  });


  test('the same with no excuses: marks after a typed space, combining marks', async () => {
    const r = await inWorker(150, NO_EXCUSES, 120_000);
    assert.ok(r.ok, r.message ?? '');
  });

  /** The first `n` Han characters in a row in the sample: `n` of them fill `n` em exactly. */
  const hanRun = (n: number, after = 0) => {
    const m = new RegExp(`\\p{Script=Han}{${n}}`, 'u').exec(PARAGRAPHS.filter((_, i) => i >= after).join('\n'));
    assert.ok(m, `no ${n} Han characters in a row`);
    return m[0];
  };

  test('a space typed before a comma at the end of a full 13-em line: the comma does not start the next line', () => {
    checkParagraph({ text: hanRun(13) + ' ，' + hanRun(4, 1), measure: 13, firstIndent: 0, hangIndent: 0 }, NO_EXCUSES);
  });

  test('an opening bracket with a space after it at the end of a full line: the bracket goes down with what it opens', () => {
    checkParagraph({ text: hanRun(12) + '《 ' + hanRun(4, 1), measure: 13, firstIndent: 0, hangIndent: 0 }, NO_EXCUSES);
  });

  test('pinyin typed with combining tone marks (NFD) is set as one word, the marks on their letters', () => {
    // Chongqing with its tones, decomposed as macOS copy often is: o + U+0301, i + U+0300.
    const pinyin = 'Cho\u0301ngqi\u0300ng';
    checkParagraph({ text: hanRun(10) + pinyin, measure: 13, firstIndent: 0, hangIndent: 0 }, NO_EXCUSES);
    checkParagraph({ text: hanRun(10) + pinyin, measure: 11, firstIndent: 0, hangIndent: 0 }, NO_EXCUSES);
  });

  test('a C1 control character from a paste (U+0085) is a control like a tab: no missing glyph, no exit 1', () => {
    const fonts = fontRegistry();
    const text = hanRun(5) + '\u0085' + hanRun(5, 1);
    const missing: MissingGlyph[] = [];
    fonts.runs(text, 'song', missing);
    assert.deepEqual(missing.map((m) => `U+${m.ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`), []);
  });

  test('an article of real paragraphs in any box: characters set + overset = its non-white characters', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'banmian-properties-'));
    process.env.BANMIAN_CACHE = join(tmp, 'cache');
    try {
      const para = realSlice(400).filter((s) => s.trim().length > 0);
      // A box anywhere on the tabloid grid (6 columns, 73 lines).
      const box = fc
        .record({ span: fc.integer({ min: 1, max: 6 }), line: fc.integer({ min: 1, max: 73 }) })
        .chain(({ span, line }) => fc.record({ span: fc.constant(span), line: fc.constant(line), column: fc.integer({ min: 1, max: 7 - span }), lines: fc.integer({ min: 1, max: 74 - line }) }));
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(para, fc.constantFrom(...PARAGRAPHS).map((s) => s.trim())), { minLength: 1, maxLength: 6 }), box, async (body, b) => {
          const dir = join(tmp, `run-${++n}`);
          mkdirSync(dir);
          const file = join(dir, 'issue.yaml');
          writeFileSync(file, issueYaml('tabloid', [{ id: 'prop', place: `{column: ${b.column}, span: ${b.span}, line: ${b.line}, lines: ${b.lines}}`, body }]));
          const { composition } = await composeFile(file, join(dir, 'out'));
          const report = composition.articles.find((a) => a.id === 'prop')!;
          const want = [...body.join('')].filter((c) => !/\s/u.test(c)).length;
          assert.equal(report.charactersSet + report.oversetCharacters, want, `${report.charactersSet} set + ${report.oversetCharacters} overset in a box of ${b.span} × ${b.lines}`);
          const oversetFinding = composition.findings.some((f) => f.code === 'overset' && f.article === 'prop');
          assert.equal(oversetFinding, report.oversetCharacters > 0, 'an overset finding without overset, or overset without a finding');
          rmSync(dir, { recursive: true, force: true });
        }),
        { seed: SEED, numRuns: 20 },
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  test('page furniture of any length: in every text field, characters set + overset = characters given, and nothing is drawn off the trim or over another glyph', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'banmian-furniture-'));
    process.env.BANMIAN_CACHE = join(tmp, 'cache');
    try {
      const han = realSlice(60).map((s) => s.replace(/[\s"\\]/gu, '')).filter((s) => s.length > 0);
      const fields = fc.record({ paper: han, name: han, editor: han, kicker: han, headline: han, subhead: han, caption: realSlice(200).map((s) => s.replace(/[\s"\\]/gu, '')).filter((s) => s.length > 0), credit: han, cell: han, brief: han });
      const settable = (t: string) => [...t].filter((c) => !/\s/u.test(c)).length;
      // The layout's marker opens every 简报 item: set as the item's own character.
      const layouts = join(ROOT, 'layouts');
      const marker = loadTemplate(layouts, 'tabloid', loadHao(layouts)).styles.brief.marker ?? '';
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fields, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 12 }), async (f, span, pictureLines) => {
          const dir = join(tmp, `run-${++n}`);
          mkdirSync(dir);
          const file = join(dir, 'issue.yaml');
          const q = JSON.stringify;
          const text = issueYaml('tabloid', [
            { id: 'story', place: `{column: 1, span: ${span}, line: 1, lines: bottom}`, headline: f.headline, body: [PARAGRAPHS[0]!], extra: [`        kicker: ${q(f.kicker)}`, `        subhead: ${q(f.subhead)}`, '        table:', `          - [${q(f.cell)}, ${q(f.name)}]`, '        pictures:', `          - place: {column: 1, span: 1, line: 1, lines: ${pictureLines}}`, `            caption: ${q(f.caption)}`, `            credit: ${q(f.credit)}`] },
            { id: 'briefs', place: `{column: ${span + 1}, span: ${6 - span}, line: 1, lines: bottom}`, headline: f.kicker, body: [], extra: ['        briefs:', `          - ${q(f.brief)}`] },
          ])
            .replace('paper: 重庆日报', `paper: ${q(f.paper)}`)
            .replace('    name: 要闻\n', `    name: ${q(f.name)}\n    editor: ${q(f.editor)}\n`);
          writeFileSync(file, text);
          const { pdf, composition: c } = await composeFile(file, join(dir, 'out'));
          const read = readPdf(readFileSync(pdf));
          const story = c.articles.find((a) => a.id === 'story')!;
          const storyGiven = [f.kicker, f.headline, f.subhead, f.cell, f.name, f.caption, f.credit, PARAGRAPHS[0]!].reduce((k, t) => k + settable(t), 0);
          assert.equal(story.charactersSet + story.oversetCharacters, storyGiven, `story: ${story.charactersSet} set + ${story.oversetCharacters} overset`);
          const briefs = c.articles.find((a) => a.id === 'briefs')!;
          assert.equal(briefs.charactersSet + briefs.oversetCharacters, settable(f.kicker) + settable(marker + f.brief), `briefs: ${briefs.charactersSet} set + ${briefs.oversetCharacters} overset`);
          // The folio's texts: each stands whole above the type area, or is reported left out with its count.
          const folio = read[0]!.lines.filter((l) => l.y < c.pages[0]!.geometry.typeTop).map((l) => l.text).join('');
          for (const [what, t] of [['paper name', f.paper], ['page name', f.name], ['editor', f.editor]] as const) {
            const left = c.findings.find((x) => x.code === 'overset' && x.message.startsWith(`the folio's ${what} `));
            if (left) assert.equal(left.figures!.characters, settable(t), `the folio's ${what}: the overset counts ${left.figures!.characters}`);
            else assert.ok(folio.includes(t), `the folio's ${what} "${t}" is neither set nor reported: ${folio}`);
          }
          assertDrawnClean(read);
          rmSync(dir, { recursive: true, force: true });
        }),
        { seed: SEED, numRuns: 8, includeErrorInReport: true },
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('a number in a content stream is written as num writes it: thousandths, shortest form, no -0, and what is not a page\'s number as num has it', () => {
    const into = Buffer.alloc(24);
    const written = (n: number) => into.toString('latin1', 0, writeNum(into, 0, n));
    for (const n of [0, -0, 1, -1, 0.5, -0.0004, -0.0005, 0.0005, 999.9995, 12.3456, -250, 1190.55, 2383.937, 9.1e12, -1e21, -Number.MAX_VALUE, Infinity, -Infinity, NaN]) assert.equal(written(n), num(n), String(n));
    fc.assert(
      fc.property(fc.double({ min: -1e7, max: 1e7, noNaN: true }), (n) => written(n) === num(n)),
      { seed: SEED, numRuns: 20_000 },
    );
  });
}
