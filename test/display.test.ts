// Display lines (headlines, kickers, subheads, captions) are tried at their breaks with widths taken
// from the whole text's units; each must be what measuring the trial line's own text gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { geometryOf, loadHao, loadTemplate } from '../src/layout/template.js';
import { fontRegistry } from '../src/pipeline/compose.js';
import { packageRoot } from '../src/paths.js';
import { displayBreaks, joinPhrases, measureNatural, phrasesOf, phraseWidths, setContext, setDisplay, setLines, type SetContext } from '../src/page/rows.js';
import { naturalLineWidth, naturalPieceWidths, type Piece } from '../src/text/paragraph.js';
import type { ParagraphSpec } from '../src/text/types.js';

const ROOT = packageRoot();
const LAYOUTS = join(ROOT, 'layouts');
const TEMPLATE = loadTemplate(LAYOUTS, 'broadsheet', loadHao(LAYOUTS));
const FONTS = [TEMPLATE.styles.headline.font, TEMPLATE.styles.subhead.font, TEMPLATE.styles.caption.font];
const freshContext = (): SetContext => setContext(fontRegistry(), TEMPLATE, geometryOf(TEMPLATE).pitch);

/** The display texts of the sample issues: kickers, headlines (as one text, the way the composer breaks them), subheads, captions. */
function sampleTexts(): string[] {
  const texts = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (['kicker', 'headline', 'subhead', 'caption'].includes(key)) {
          if (typeof value === 'string') texts.add(value);
          else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) texts.add(value.join(' '));
        }
        walk(value);
      }
    }
  };
  for (const file of ['cqrb-2024-12-25.yaml', 'cqrb-2024-12-25-front.yaml']) walk(parse(readFileSync(join(ROOT, 'issues', file), 'utf8')));
  return [...texts];
}

/**
 * Texts made from the sample's where a cut meets what buildUnits looks across: marks side by side,
 * numbers with a dot, comma or %, Latin beside Han with and without a typed space, brackets opening a phrase.
 */
const CONSTRUCTED = [
  '推动2025年全市规模以上工业增加值增长8.5%、工业投资增长10%',
  '“建集群、优生态”，（育主体）、《强平台》持续做大做强工业主引擎',
  '重庆GDP增长5.2% 规模以上工业增加值增长8%',
  '国务院常务会议 AI 赋能新质生产力 4,000亿元',
  '李强：“文旅+”业态赋能乡村振兴——聚合“政产学研用”……助推产业发展',
  '重庆成为2025年春晚分会场（记者 夏元）',
  'IMF总裁与世行行长——“机遇”号火星车完成探测使命',
];

const ALL = [...sampleTexts(), ...CONSTRUCTED];

test('the sample issues give display texts to try', () => {
  assert.ok(sampleTexts().length >= 10, `only ${sampleTexts().length} texts`);
});

test('every trial line of a display text is as wide as its own text measures, to the last bit', () => {
  for (const font of FONTS) {
    for (const text of ALL) {
      const ctx = freshContext();
      const ps = phrasesOf(ctx, text);
      const widthOf = phraseWidths(ctx, ps, font);
      for (let i = 0; i < ps.length; i++) {
        for (let j = i + 1; j <= ps.length; j++) {
          const line = joinPhrases(ps.slice(i, j));
          assert.equal(widthOf(i, j), measureNatural(freshContext(), line, font), `${font} 「${line}」 of 「${text}」`);
        }
      }
    }
  }
});

/** Of the trial lines of the texts, how many the whole's units give, and how many are left to measure on their own. */
function tableShare(texts: string[], font: string): { fromTable: number; measured: number } {
  let fromTable = 0;
  let measured = 0;
  for (const text of texts) {
    const ctx = freshContext();
    const ps = phrasesOf(ctx, text);
    const spec = { runs: ctx.fonts.runs(joinPhrases(ps), font, []), measure: Number.MAX_SAFE_INTEGER, firstIndent: 0, hangIndent: 0, align: 'start' as const, kinsoku: TEMPLATE.kinsoku, numeralUnits: TEMPLATE.numeralUnits };
    const table = naturalPieceWidths(spec, ctx.fonts, ps);
    assert.ok(table, `no table for 「${text}」`);
    for (let i = 0; i < ps.length; i++) for (let j = i + 1; j <= ps.length; j++) Number.isNaN(table[i * (ps.length + 1) + j]) ? measured++ : fromTable++;
  }
  return { fromTable, measured };
}

test('most trial lines of the sample take their width from the whole, and a cut between marks is measured apart', () => {
  const sample = tableShare(sampleTexts(), TEMPLATE.styles.headline.font);
  assert.ok(sample.fromTable > 3 * sample.measured, `${sample.fromTable} from the table, ${sample.measured} measured`);
  const hard = tableShare(CONSTRUCTED, TEMPLATE.styles.headline.font);
  assert.ok(hard.measured > 0 && hard.fromTable > 0, `${hard.fromTable} from the table, ${hard.measured} measured`);
});

test('a text whose units are not its characters one by one (a combining mark) is measured line by line', () => {
  const ctx = freshContext();
  const text = '重庆 Cafe\u0301 开业 新质生产力';
  const ps = phrasesOf(ctx, text);
  const spec = { runs: ctx.fonts.runs(joinPhrases(ps), FONTS[0], []), measure: Number.MAX_SAFE_INTEGER, firstIndent: 0, hangIndent: 0, align: 'start' as const, kinsoku: TEMPLATE.kinsoku, numeralUnits: TEMPLATE.numeralUnits };
  assert.equal(naturalPieceWidths(spec, ctx.fonts, ps), undefined);
  const widthOf = phraseWidths(ctx, ps, FONTS[0]);
  for (let j = 1; j <= ps.length; j++) assert.equal(widthOf(0, j), measureNatural(freshContext(), joinPhrases(ps.slice(0, j)), FONTS[0]));
});

test('display texts break where measuring each trial line on its own broke them, at several measures and sizes', () => {
  let broken = 0;
  for (const font of FONTS) {
    for (const text of ALL) {
      for (const measure of [120, 200, 280, 420]) {
        for (const size of [10.5, 16, 26]) {
          const o = { measure, size, align: 'center' as const };
          const ctx = freshContext();
          const ps = phrasesOf(ctx, text);
          const measuredEach = displayBreaks(ps, measure / size, (i, j) => measureNatural(ctx, joinPhrases(ps.slice(i, j)), font));
          const expected = measuredEach
            ? measuredEach.flatMap((j, k) => setLines(freshContext(), [{ text: joinPhrases(ps.slice(k ? measuredEach[k - 1] : 0, j)), font }], o))
            : setLines(freshContext(), [{ text, font }], o);
          assert.deepEqual(setDisplay(freshContext(), text, font, o), expected, `${font} ${measure} pt at ${size} pt: 「${text}」`);
          if (measuredEach && measuredEach.length > 1) broken++;
        }
      }
    }
  }
  assert.ok(broken > 50, `only ${broken} settings broke their text`);
});

/** A paragraph of one font with the Han–Latin and Han–digit spaces a body style may give, which display lines set solid. */
function spacedSpec(text: string, font: string): ParagraphSpec {
  const runs = fontRegistry().runs(text, font, []).map((r) => ({ ...r, latin: { min: 1 / 8, max: 1 / 4 }, digit: { min: 1 / 8, max: 1 / 4 } }));
  return { runs, measure: Number.MAX_SAFE_INTEGER, firstIndent: 0, hangIndent: 0, align: 'start', kinsoku: TEMPLATE.kinsoku, numeralUnits: TEMPLATE.numeralUnits };
}

test('lines of pieces cut beside a %, the dot or comma of a number, marks and Latin are as wide as their own text, with Han–Latin and Han–digit spaces', () => {
  const cases: Piece[][] = [
    [{ text: '增长8', spaced: false }, { text: '%以上', spaced: false }, { text: '工业', spaced: false }],
    [{ text: '增长8', spaced: false }, { text: '.5%', spaced: false }, { text: '以上', spaced: false }],
    [{ text: '4', spaced: false }, { text: ',000亿元', spaced: false }],
    [{ text: '重庆GDP', spaced: false }, { text: '增长', spaced: false }, { text: 'AI', spaced: true }, { text: '赋能', spaced: true }],
    [{ text: '“建集群、', spaced: false }, { text: '优生态”，', spaced: false }, { text: '（育主体）', spaced: false }, { text: '《强平台》', spaced: false }],
  ];
  const font = TEMPLATE.styles.subhead.font;
  const metrics = fontRegistry();
  for (const pieces of cases) {
    const join = (ps: Piece[]) => ps.map((p, k) => (k > 0 && p.spaced ? ` ${p.text}` : p.text)).join('');
    const table = naturalPieceWidths(spacedSpec(join(pieces), font), metrics, pieces);
    assert.ok(table);
    for (let i = 0; i < pieces.length; i++) {
      for (let j = i + 1; j <= pieces.length; j++) {
        const width: number = table[i * (pieces.length + 1) + j];
        const line = join(pieces.slice(i, j));
        if (!Number.isNaN(width)) assert.equal(width, naturalLineWidth(spacedSpec(line, font), metrics), `「${line}」`);
      }
    }
    assert.ok(!Number.isNaN(table[pieces.length]), `the whole of 「${join(pieces)}」`);
  }
});
