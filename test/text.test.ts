/**
 * The Chinese composition stage (src/text), checked the way a reader checks a column: what starts
 * and ends lines, where the glyphs sit, what stays together. Every sentence is real text of the
 * sample page issues/cqrb-2024-12-25.yaml; the scans run over all of its paragraphs.
 *
 * Each rule runs twice: with a stand-in whose widths are round numbers (so positions can be read
 * off by hand) and with the fonts the page is set in (Noto Serif SC's real proportional digits
 * and letters).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeParagraph } from '../src/text/paragraph.js';
import { buildUnits } from '../src/text/units.js';
import { firstFit } from '../src/text/linebreak.js';
import { parseSpacing } from '../src/text/spacing.js';
import { TYPED_SPACE } from '../src/text/types.js';
import type { Metrics, ParagraphSpec, SetGlyph, SetLine, SetParagraph, TextRun } from '../src/text/types.js';
import { fontRegistry } from '../src/pipeline/compose.js';
import { packageRoot } from '../src/paths.js';

const NUMERAL_UNITS = '亿万千百元角年月日时秒版期号届岁人户家个项条名位次倍台套件吨米克度';
/** The broadsheet column: 13 字 at the body size. */
const COLUMN = 13;
const MEASURES = [13, 9, 10, 11, 12, 14, 15, 16, 17];
const EPS = 1e-6;

const NO_LINE_START = '。，、；：？！）》」』】”’%‰℃…';
const NO_LINE_END = '（《「『【“‘';
const CLOSING_OR_PAUSE = /^[。，、；：？！）》」』】”’]$/;
const OPENING = /^[（《「『【“‘]$/;
/** Characters that take one em cell: Han and the full-width marks. */
const FULL = /^[\p{Script=Han}。，、；：？！）》」』】”’（《「『【“‘]$/u;
const HAN = /^\p{Script=Han}$/u;
const ALNUM = /^[0-9A-Za-z]$/;

/** Round widths so that expected positions can be worked out by hand. */
const stub: Metrics = {
  advance(_face: string, cp: number): number {
    if (cp >= 0x30 && cp <= 0x39) return 0.55;
    if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) return 0.6;
    if (cp === 0x20) return 0.25;
    if (cp < 0x7f) return 0.5; // + - . % and the like
    return 1;
  },
};

// ---- the sample page -------------------------------------------------------------------------

const SAMPLE = join(packageRoot(), 'issues', 'cqrb-2024-12-25.yaml');

/** Every paragraph of running text in the sample: strings under body/note/text (bullets and briefs included). */
function sampleParagraphs(): string[] {
  const doc: unknown = parse(readFileSync(SAMPLE, 'utf8'));
  const out: string[] = [];
  const walk = (v: unknown, inText: boolean): void => {
    if (typeof v === 'string') {
      if (inText && v.trim()) out.push(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, inText);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // A lead-in (王志杰：) and a subhead are set in their own styles, not as paragraphs of the column.
        if (k === 'lead' || k === 'subhead') continue;
        walk(x, inText || k === 'body' || k === 'note' || k === 'text' || k === 'briefs');
      }
    }
  };
  walk(doc, false);
  return out;
}
const PARAGRAPHS = sampleParagraphs();

// Excerpts copied from the sample (paragraph by paragraph, unchanged).
const SHANGWU = '市商务委则是从搭建会展平台、引导促进消费这两方面，为我市具身智能机器人产业发展营造良好氛围。';
const ZHUANYI =
  '会议指出，要发挥转移支付对地方高质量发展的引导作用，安排激励资金向税收贡献大、收入增速较快的地区倾斜。要科学规范抓好机制的实施工作，鼓励各地通过高质量发展涵养税源，增强地方发展主动性和财政可持续性。';
const XBOT = '产业投资和企业孵化方面，XbotPark科创生态体系已在渝布局，还有国有资本投资平台渝富控股集团、重庆高新技术产业研究院等提供资金及平台支持。';
const ZHISUAN = '智算算力方面，目前重庆智算公司联合华为建设的智算中心规划AI算力1000P，已建成400P；博拉智算公司规划AI算力200P，已建成50P。';
const FULING =
  '今年以来，涪陵区工业经济运行呈现出“稳、新、强”特点。首先是“稳”的态势巩固，今年1—11月全区实现规模以上工业产值2414亿元，增长7.3%，其中材料产业产值1276亿元，占全市总量达26.6%；实现工业投资288亿元，位列全市第一，增长18.6%。';
const SILIAN = '同时强化“四链”融合，“四侧”协同，构建“产业大脑+未来工厂”，推动2025年全市规模以上工业增加值增长8%，工业投资增长10%。';
const WENLV =
  '近年来，当地依托长寿湖自然风光，大力发展“文旅+观光”等多种新业态。同时，不断完善配套设施，把美丽环湖公路建设与乡村振兴相结合，大力发展“环湖公路+”经济，有效促进农产品流通和乡村旅游产业发展，带动环湖群众增收致富，助力乡村振兴。';
const JUMP = '（上接1版）';
const POLICE = '12月24日，市公安局举行2024年度民警退休暨新警入警宣誓仪式。市政府副市长，市公安局党委书记、局长张安疆出席仪式并讲话。（记者 周松）';
const XINHUA_LEAD = '新华社北京12月24日电';
const XINHUA = '国务院总理李强12月23日主持召开国务院常务会议，审议通过《关于严格规范涉企行政检查的意见》';
/** The layouts' running text: ¼ em around Latin words, compressible to ⅛; digits solid. */
const BODY_LATIN = { min: 1 / 8, max: 1 / 4 };
/** Measures from 9 to 20 em in eighths: fine enough that some line of a paragraph ends at every place a break could fall. */
const FINE = Array.from({ length: 89 }, (_, i) => 9 + i / 8);
const ZHENG_LEAD = '郑道勤：';
const ZHENG =
  '摇橹船科技是我市“最年轻”的专精特新企业之一，同时也是国家级高新技术企业，通过技术创新走出了一条产业链、创新链深度融合，“硬科技”推动高质量发展的创新路。';
const GALA = '本报讯（新重庆-重庆日报记者 卞立成）12月24日，中央广播电视总台发布重庆、武汉、拉萨、无锡成为《2025年春节联欢晚会》的分会场。';
const FAYANHUI = '此次发布会上，我市“政产学研用”多方代表表示，将共同助力重庆机器人产业提档升级，助推具身智能机器人发展——';
const CAOAN = '会议审议通过《国务院关于规范中介机构为公司公开发行股票提供服务的规定（草案）》，强调要发挥好中介机构资本市场“看门人”作用';
const YIJIAN = '审议通过《关于严格规范涉企行政检查的意见》，部署深化药品医疗器械监管改革';

// ---- helpers ---------------------------------------------------------------------------------

const textOf = (l: SetLine) => l.glyphs.map((g) => g.ch).join('');
const allText = (p: SetParagraph) => p.lines.map(textOf).join('');
const show = (p: SetParagraph) => p.lines.map((l) => `${textOf(l)}  [${l.glyphs.map((g) => +g.x.toFixed(3)).join(' ')}] w=${l.width.toFixed(3)}`).join('\n');

/** Offsets in the paragraph's glyph string at which a new line begins. */
function lineStarts(p: SetParagraph): Set<number> {
  const s = new Set<number>();
  let n = 0;
  for (const l of p.lines.slice(0, -1)) {
    n += [...textOf(l)].length;
    s.add(n);
  }
  return s;
}

/** Where `token` straddles a line break in the set paragraph (the paragraph must contain it). */
function splits(p: SetParagraph, token: string): boolean {
  const chars = [...allText(p)];
  const tok = [...token];
  const starts = lineStarts(p);
  let found = false;
  for (let i = 0; i + tok.length <= chars.length; i++) {
    if (chars.slice(i, i + tok.length).join('') !== token) continue;
    found = true;
    for (let j = i + 1; j < i + tok.length; j++) if (starts.has(j)) return true;
  }
  assert.ok(found, `"${token}" not in the set text`);
  return false;
}

/**
 * Inter-character spacing of a justified line: what justification added between two Han
 * characters (0 on a line at natural width). Null when the line has no two Han side by side.
 */
function hanSpacing(l: SetLine): number | null {
  let s: number | null = null;
  const g = l.glyphs;
  for (let i = 1; i < g.length; i++) {
    if (!HAN.test(g[i - 1].ch) || !HAN.test(g[i].ch)) continue;
    const d = g[i].x - g[i - 1].x - 1;
    if (s === null || d < s) s = d;
  }
  return s;
}

interface Setter {
  metrics: Metrics;
  body: string;
  lead: string;
  set(text: string | TextRun[], o?: Partial<ParagraphSpec>): SetParagraph;
  /** Advance of a glyph as drawn, em. */
  adv(g: SetGlyph): number;
}

function setter(metrics: Metrics, body: string, lead: string): Setter {
  return {
    metrics,
    body,
    lead,
    set(text, o = {}) {
      const runs = typeof text === 'string' ? [{ text, face: body, latin: BODY_LATIN }] : text;
      return composeParagraph(
        { runs, measure: COLUMN, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: NUMERAL_UNITS, ...o },
        metrics,
      );
    },
    adv(g) {
      return g.fullWidth ? 1 : metrics.advance(g.face, g.ch.codePointAt(0)!);
    },
  };
}

/** Ink extent of a glyph: mainland marks fill one half of their cell. */
function ink(s: Setter, g: SetGlyph): [number, number] {
  if (CLOSING_OR_PAUSE.test(g.ch)) return [g.x, g.x + 0.5];
  if (OPENING.test(g.ch)) return [g.x + 0.5, g.x + 1];
  return [g.x, g.x + s.adv(g)];
}

// ---- the rules -------------------------------------------------------------------------------

function rules(s: Setter): void {
  const scan = (measures: number[], f: (p: SetParagraph, text: string, measure: number) => void) => {
    for (const m of measures) for (const text of PARAGRAPHS) f(s.set(text, { measure: m }), text, m);
  };

  test('sample is there: dozens of paragraphs of running text', () => {
    // The scans below prove nothing over an empty or truncated sample.
    assert.ok(PARAGRAPHS.length >= 60, `${PARAGRAPHS.length} paragraphs`);
    assert.ok(PARAGRAPHS.includes(SHANGWU) && PARAGRAPHS.includes(ZHUANYI) && PARAGRAPHS.includes(XBOT) && PARAGRAPHS.includes(WENLV));
  });

  test('行首禁则 (clreq line-start prohibition): no line of the sample starts with 。，、；：？！）》」』】”’%‰℃…, at 13 em and 9–17 em', () => {
    const bad: string[] = [];
    scan(MEASURES, (p, _t, m) =>
      p.lines.forEach((l, i) => {
        if (i > 0 && NO_LINE_START.includes(textOf(l)[0])) bad.push(`${m} em: ${textOf(p.lines[i - 1])} | ${textOf(l)}`);
      }),
    );
    assert.deepEqual(bad, []);
    // Without kinsoku the same scan does put marks at line starts: the scan reaches the cases the rule is for.
    let unruled = 0;
    for (const m of MEASURES)
      for (const text of PARAGRAPHS)
        for (const l of s.set(text, { measure: m, kinsoku: 'none' }).lines.slice(1)) if (NO_LINE_START.includes(textOf(l)[0])) unruled++;
    assert.ok(unruled > 10, `only ${unruled} line-start marks without kinsoku`);
  });

  test('行尾禁则 (clreq line-end prohibition): no line of the sample ends with （《「『【“‘', () => {
    const bad: string[] = [];
    scan(MEASURES, (p, _t, m) =>
      p.lines.forEach((l) => {
        if (NO_LINE_END.includes(textOf(l).at(-1)!)) bad.push(`${m} em: ${textOf(l)}`);
      }),
    );
    assert.deepEqual(bad, []);
  });

  test('避头尾 never needs a forced break in the sample at 9–17 em', () => {
    const forced: string[] = [];
    scan(MEASURES, (p, _t, m) => forced.push(...p.warnings.filter((w) => w.code === 'forced-break').map((w) => `${m} em: ${w.text}`)));
    assert.deepEqual(forced, []);
  });

  test('先挤进 (clreq: squeeze in before pushing out): a ， that would start a line is squeezed into the line before', () => {
    const p = s.set(SHANGWU);
    // 13 em hold “平台、引导促进消费这两方面” exactly; the ， after it may not start the next line.
    const l = p.lines[1];
    assert.equal(textOf(l), '平台、引导促进消费这两方面，', show(p));
    assert.equal(l.glyphs.length, 14);
    assert.equal(
      l.glyphs.reduce((w, g) => w + s.adv(g), 0),
      14,
      'the line holds 14 em of characters at natural width',
    );
    const comma = l.glyphs[13];
    // The ， keeps only its ink half and ends exactly at the column edge; the line is still 13 em.
    assert.ok(Math.abs(comma.x + 0.5 - COLUMN) < EPS, show(p));
    assert.ok(Math.abs(l.width - COLUMN) < EPS);
    // Nothing was pushed down: the next line starts with the character after the ，.
    assert.equal(textOf(p.lines[2])[0], '为');
  });

  test('先挤进 (clreq: squeeze in before pushing out): a 。 that would start a line is squeezed into the line before', () => {
    const p = s.set(ZHUANYI);
    const i = p.lines.findIndex((l) => textOf(l).endsWith('倾斜。'));
    assert.ok(i > 0, show(p));
    const l = p.lines[i];
    assert.equal(textOf(l), '大、收入增速较快的地区倾斜。', show(p));
    const stop = l.glyphs.at(-1)!;
    assert.ok(Math.abs(stop.x + 0.5 - COLUMN) < EPS, show(p));
    assert.ok(Math.abs(l.width - COLUMN) < EPS);
    // The Han characters before the squeezed mark keep their cells.
    assert.ok(Math.abs(l.glyphs[12].x - l.glyphs[11].x - 1) < EPS, show(p));
    assert.equal(textOf(p.lines[i + 1])[0], '要');
  });

  test('后推出 (clreq: push out when squeezing cannot fit): 方面， moves down whole and the short line is spread to the measure', () => {
    const p = s.set(XBOT);
    // 11 em after the indent hold 产业投资和企业孵化方面 exactly; 面， would need 11.5 em even squeezed.
    assert.equal(textOf(p.lines[0]), '产业投资和企业孵化方', show(p));
    assert.ok(textOf(p.lines[1]).startsWith('面，'), show(p));
    assert.ok(Math.abs(p.lines[0].width - COLUMN) < EPS);
    const xs = p.lines[0].glyphs.map((g) => g.x);
    assert.ok(Math.abs(xs.at(-1)! + 1 - COLUMN) < EPS, 'the last character ends at the column edge');
  });

  test('不可分 (clreq unbreakable marks): —— never splits, never starts a line, and is not spread by justification', () => {
    const withDash = PARAGRAPHS.filter((t) => t.includes('——'));
    assert.ok(withDash.length >= 3, 'the sample has 措施——, 高涨——看改革, 发展——');
    let n = 0;
    for (let m = 6; m <= 17; m += 0.5)
      for (const text of withDash) {
        const p = s.set(text, { measure: m });
        assert.equal(splits(p, '——'), false, `${m} em\n${show(p)}`);
        for (const l of p.lines) {
          assert.notEqual(textOf(l)[0], '—', `${m} em: ${textOf(l)}`);
          const g = l.glyphs;
          for (let i = 1; i < g.length; i++) {
            if (g[i].ch !== '—' || g[i - 1].ch !== '—') continue;
            n++;
            // Two full-width cells drawn as one 2-em rule: any gap shows as a break in the line.
            assert.ok(g[i].fullWidth && g[i - 1].fullWidth);
            assert.ok(Math.abs(g[i].x - g[i - 1].x - 1) < EPS, `${m} em: ${textOf(l)} ${g[i].x - g[i - 1].x}`);
          }
        }
      }
    assert.ok(n > 0);
    // Under gb a dash may start a line; the pair still may not part.
    for (let m = 6; m <= 17; m += 0.5)
      for (const text of withDash) {
        const p = s.set(text, { measure: m, kinsoku: 'gb' });
        assert.equal(splits(p, '——'), false, `gb, ${m} em\n${show(p)}`);
      }
  });

  test('不可分 (clreq): a number and its % never split (增长7.3%, 26.6%, 18.6%)', () => {
    for (let m = 6; m <= 17; m += 0.5)
      for (const fi of [0, 2]) {
        const p = s.set(FULING, { measure: m, firstIndent: fi });
        for (const tok of ['7.3%', '26.6%', '18.6%', '2414', '1276']) assert.equal(splits(p, tok), false, `${tok} at ${m} em\n${show(p)}`);
      }
  });

  test('数字与单位 (newspaper style): 2414亿元 never breaks between 4 and 亿', () => {
    const pairs = ['2414亿', '1276亿', '288亿', '11月'];
    let unglued = 0;
    for (let m = 6; m <= 17; m += 0.5)
      for (const fi of [0, 2]) {
        const p = s.set(FULING, { measure: m, firstIndent: fi });
        for (const tok of pairs) assert.equal(splits(p, tok), false, `${tok} at ${m} em\n${show(p)}`);
        const q = s.set(FULING, { measure: m, firstIndent: fi, numeralUnits: '' });
        for (const tok of pairs) if (splits(q, tok)) unglued++;
      }
    // Without the glue these measures do break there, so the scan is where the rule matters.
    assert.ok(unglued > 0);
  });

  test('数字与单位 (newspaper style): no break opportunity between 1 and 版 in （上接1版）', () => {
    const spec = (numeralUnits: string): ParagraphSpec => ({
      runs: [{ text: JUMP, face: s.body }],
      measure: COLUMN,
      firstIndent: 2,
      hangIndent: 0,
      align: 'justify',
      kinsoku: 'strict',
      numeralUnits,
    });
    // Set text cannot show this: 版） alone would be a 孤字 line, so that break is avoided anyway.
    const ban = [...JUMP].indexOf('版');
    assert.equal(buildUnits(spec(NUMERAL_UNITS), s.metrics).breakBefore[ban], 0);
    assert.equal(buildUnits(spec(''), s.metrics).breakBefore[ban], 1);
    for (let m = 3; m <= 8; m += 0.25) assert.equal(splits(s.set(JUMP, { measure: m }), '1版'), false, `${m} em`);
  });

  test('不可分 (clreq): Latin words and numbers with letters never split (XbotPark, 1000P, 400P)', () => {
    let atStart = 0;
    for (let m = 6; m <= 17; m += 0.5)
      for (const fi of [0, 2]) {
        const a = s.set(XBOT, { measure: m, firstIndent: fi });
        assert.equal(splits(a, 'XbotPark'), false, `${m} em\n${show(a)}`);
        if (a.lines.some((l) => textOf(l).startsWith('XbotPark'))) atStart++;
        const b = s.set(ZHISUAN, { measure: m, firstIndent: fi });
        for (const tok of ['1000P', '400P', '200P', '50P', 'AI']) assert.equal(splits(b, tok), false, `${tok} at ${m} em\n${show(b)}`);
      }
    // Some measures end a line right where the word begins: the word moved down whole.
    assert.ok(atStart > 0);
  });

  test('标点挤压 (clreq adjacent punctuation): ”，  and ，“ take 1.5 em, the mark after them a full em', () => {
    // One line, the paragraph's last: justification leaves it at natural width.
    const p = s.set(SILIAN, { measure: 80, firstIndent: 0 });
    assert.equal(p.lines.length, 1);
    const g = p.lines[0].glyphs;
    let pairs = 0;
    for (let i = 0; i + 2 < g.length; i++) {
      const pair = g[i].ch + g[i + 1].ch;
      if (pair !== '”，' && pair !== '，“') continue;
      pairs++;
      assert.ok(Math.abs(g[i + 1].x - g[i].x - 0.5) < EPS, `${pair}: ${g[i + 1].x - g[i].x}`);
      const after = g[i + 2];
      // ，“ is followed by the opening quote's character; ”， by whatever comes next: both a full em on.
      assert.ok(Math.abs(after.x - g[i + 1].x - 1) < EPS, `${pair}${after.ch}: ${after.x - g[i + 1].x}`);
    }
    assert.equal(pairs, 2, 'the excerpt has 融合，“ and 工厂”，');
  });

  test('标点挤压 (clreq adjacent punctuation) survives justification: in the column the pair is still ½ em plus the line’s spacing', () => {
    let pairs = 0;
    scan([COLUMN], (p) => {
      for (const l of p.lines) {
        const sp = hanSpacing(l);
        if (sp === null) continue;
        const g = l.glyphs;
        for (let i = 0; i + 1 < g.length; i++) {
          if (!/^(”，|，“|”、|、“|”“|”。)$/.test(g[i].ch + g[i + 1].ch)) continue;
          pairs++;
          assert.ok(Math.abs(g[i + 1].x - g[i].x - 0.5 - sp) < EPS, `${textOf(l)}: ${g[i].ch}${g[i + 1].ch} ${g[i + 1].x - g[i].x}, spacing ${sp}`);
        }
      }
    });
    assert.ok(pairs >= 20, `${pairs} pairs`);
  });

  test(
    '标点挤压 (clreq adjacent punctuation): in （草案）》，  the 》 before ， is half width, as in 意见》，',
    () => {
      // Both excerpts are set on one unjustified line; the 》， gap should not depend on what precedes the 》.
      const gap = (text: string) => {
        const g = s.set(text, { measure: 80, firstIndent: 0 }).lines[0].glyphs;
        const i = g.findIndex((x, j) => x.ch === '》' && g[j + 1]?.ch === '，');
        return g[i + 1].x - g[i].x;
      };
      assert.ok(Math.abs(gap(YIJIAN) - 0.5) < EPS, `意见》， ${gap(YIJIAN)}`);
      assert.ok(Math.abs(gap(CAOAN) - 0.5) < EPS, `（草案）》， ${gap(CAOAN)}`);
    },
  );

  test('行首开括号 (clreq): an opening bracket at line start loses its leading ½ em — （上接1版） indented 2 em has （ at 1.5', () => {
    const p = s.set(JUMP);
    assert.equal(p.lines.length, 1);
    const [open, next] = p.lines[0].glyphs;
    assert.equal(open.ch, '（');
    assert.ok(Math.abs(open.x - 1.5) < EPS, show(p));
    // Ink in the right half of its cell: the bracket touches 上, which keeps the indent's grid position.
    assert.ok(Math.abs(next.x - 2.5) < EPS, show(p));
  });

  test('行首开括号 (clreq): every line of the sample that starts with an opening mark hangs its blank half outside the line', () => {
    let n = 0;
    scan(MEASURES, (p, _t, m) =>
      p.lines.forEach((l, i) => {
        if (!OPENING.test(l.glyphs[0].ch)) return;
        n++;
        const indent = i === 0 ? 2 : 0;
        assert.ok(Math.abs(l.glyphs[0].x - (indent - 0.5)) < EPS, `${m} em line ${i}: ${textOf(l)} at ${l.glyphs[0].x}`);
      }),
    );
    assert.ok(n > 20, `${n} lines start with an opening mark`);
  });

  test('中西文间距 (newspaper practice, b8): ¼ em between Han and Latin letters at natural width, digits solid, none beside punctuation', () => {
    const l = s.set('中心规划AI算力1000P，已建成400P；', { measure: 80, firstIndent: 0 }).lines[0];
    const g = l.glyphs;
    const gapAfter = (i: number) => g[i + 1].x - (g[i].x + s.adv(g[i]));
    const at = (ch: string) => g.findIndex((x) => x.ch === ch);
    assert.ok(Math.abs(gapAfter(at('划')) - 0.25) < EPS, '划 A');
    assert.ok(Math.abs(gapAfter(at('I')) - 0.25) < EPS, 'I 算');
    assert.ok(Math.abs(gapAfter(at('力'))) < EPS, '力 1: digits are set solid');
    assert.ok(Math.abs(gapAfter(at('P'))) < EPS, 'P ，: no space before a mark');
    assert.ok(Math.abs(gapAfter(at('成'))) < EPS, '成 4: digits are set solid');
    const k = s.set('XbotPark科创生态体系已在渝布局', { measure: 80, firstIndent: 0 }).lines[0].glyphs;
    const ik = k.findIndex((x) => x.ch === 'k');
    assert.ok(Math.abs(k[ik + 1].x - (k[ik].x + s.adv(k[ik])) - 0.25) < EPS, 'k 科');
  });

  test('中西文间距 (clreq Han–Latin spacing) in the column: ¼ em around letters, within ⅛…¼ em beyond the line’s own spacing; digits only the line’s spacing', () => {
    let n = 0;
    let atStart = 0;
    for (const m of MEASURES)
      for (const text of PARAGRAPHS) {
        if (!/[0-9A-Za-z]/.test(text)) continue;
        const p = s.set(text, { measure: m });
        p.lines.forEach((l, li) => {
          const g = l.glyphs;
          // No Han–Latin space at line start: a line that begins with Latin begins at the margin.
          if (ALNUM.test(g[0].ch)) {
            atStart++;
            assert.ok(Math.abs(g[0].x - (li === 0 ? 2 : 0)) < EPS, `${m} em: ${textOf(l)} at ${g[0].x}`);
          }
          const sp = hanSpacing(l);
          if (sp === null) return;
          for (let i = 1; i < g.length; i++) {
            const a = g[i - 1];
            const b = g[i];
            if (!((HAN.test(a.ch) && ALNUM.test(b.ch)) || (ALNUM.test(a.ch) && HAN.test(b.ch)))) continue;
            n++;
            const extra: number = b.x - (a.x + s.adv(a)) - sp;
            const where: string = `${m} em: ${a.ch}${b.ch} in ${textOf(l)}: ${extra.toFixed(3)} beyond spacing ${sp.toFixed(3)}`;
            if (/[0-9]/.test(a.ch + b.ch)) {
              assert.ok(Math.abs(extra) < EPS, where);
              continue;
            }
            assert.ok(extra > 1 / 8 - EPS && extra < 1 / 4 + EPS, where);
            const compressed = l.glyphs.reduce((w, x) => w + s.adv(x), 0) > m - (li === 0 ? 2 : 0);
            if (m === COLUMN && !compressed) assert.ok(Math.abs(extra - 0.25) <= 0.1 + EPS, where);
          }
        });
      }
    assert.ok(n > 100, `${n} Han–Latin pairs`);
    assert.ok(atStart > 0, 'some line starts with a number or Latin word');
    // The two paragraphs the rule is written for, in the column.
    for (const text of [XBOT, ZHISUAN]) {
      const p = s.set(text);
      assert.ok(p.lines.some((l) => /[A-Za-z]/.test(textOf(l))));
    }
  });

  test('中西文间距 (clreq): no space between + and Han (文旅+观光, 环湖公路+)', () => {
    let n = 0;
    for (const m of MEASURES) {
      const p = s.set(WENLV, { measure: m });
      for (const l of p.lines) {
        const sp = hanSpacing(l) ?? 0;
        const g = l.glyphs;
        for (let i = 1; i < g.length; i++) {
          const a = g[i - 1];
          const b = g[i];
          if (!((HAN.test(a.ch) && b.ch === '+') || (a.ch === '+' && HAN.test(b.ch)))) continue;
          n++;
          const gap = b.x - (a.x + s.adv(a)) - sp;
          assert.ok(Math.abs(gap) < EPS, `${m} em: ${a.ch}${b.ch} in ${textOf(l)}: ${gap}`);
        }
      }
    }
    assert.ok(n >= MEASURES.length * 2, `${n} +/Han pairs`);
  });

  test('行长调整 (clreq justification): every line but the last spans the measure exactly, to the last glyph’s edge', () => {
    scan(MEASURES, (p, _t, m) =>
      p.lines.forEach((l, i) => {
        if (l.last) {
          assert.equal(i, p.lines.length - 1);
          assert.ok(l.width <= m + EPS, `${m} em last line ${textOf(l)} is ${l.width}`);
          return;
        }
        assert.ok(Math.abs(l.width - m) < EPS, `${m} em: ${textOf(l)} is ${l.width}`);
        // Read the edge off the glyphs too: a closing mark may end at its ink (½ em) or its full cell.
        const g = l.glyphs.at(-1)!;
        if (CLOSING_OR_PAUSE.test(g.ch)) assert.ok(g.x + 0.5 <= m + EPS && g.x + 1 >= m - EPS, `${m} em: ${textOf(l)} ends ${g.ch} at ${g.x}`);
        else assert.ok(Math.abs(g.x + s.adv(g) - m) < EPS, `${m} em: ${textOf(l)} ends at ${g.x + s.adv(g)}`);
      }),
    );
  });

  test('行长调整 (clreq justification): the last line is not stretched — its Han characters stay one em apart', () => {
    let pairs = 0;
    scan(MEASURES, (p, text, m) => {
      const l = p.lines.at(-1)!;
      assert.ok(l.last);
      // A space the desk typed between Han characters (记者 周松) is a fixed space of its own width.
      const spaced = new Set([...text.matchAll(/(\p{Script=Han}) (?=(\p{Script=Han}))/gu)].map((x) => x[1] + x[2]));
      const g = l.glyphs;
      for (let i = 1; i < g.length; i++)
        if (HAN.test(g[i - 1].ch) && HAN.test(g[i].ch)) {
          pairs++;
          const cells = spaced.has(g[i - 1].ch + g[i].ch) ? 1 + TYPED_SPACE : 1;
          assert.ok(Math.abs(g[i].x - g[i - 1].x - cells) < EPS, `${m} em: ${textOf(l)}`);
        }
    });
    assert.ok(pairs > 500);
  });

  test('字格 (character grid): a line of 13 full-width characters with no adjacent marks sits on whole ems', () => {
    let n = 0;
    scan([COLUMN], (p) =>
      p.lines.forEach((l, i) => {
        const g = l.glyphs;
        const indent = i === 0 ? 2 : 0;
        if (g.length !== COLUMN - indent || !g.every((x) => FULL.test(x.ch)) || OPENING.test(g[0].ch)) return;
        // An adjacent pair is 1.5 em: that line cannot be on the grid, and is not what this checks.
        if (g.some((x, j) => j > 0 && !HAN.test(x.ch) && !HAN.test(g[j - 1].ch))) return;
        n++;
        g.forEach((x, j) => assert.ok(Math.abs(x.x - (indent + j)) < EPS, `${textOf(l)}: ${x.ch} at ${x.x}`));
      }),
    );
    assert.ok(n > 150, `${n} grid lines`);
  });

  test('字格 (character grid): most uncompressed Han lines of a long paragraph sit on whole ems', () => {
    const share = (texts: string[]) => {
      let all = 0;
      let grid = 0;
      for (const text of texts)
        s.set(text).lines.forEach((l, i) => {
          const g = l.glyphs;
          if (!g.every((x) => FULL.test(x.ch)) || g.length > COLUMN - (i === 0 ? 2 : 0)) return;
          all++;
          if (g.every((x) => Number.isInteger(x.x))) grid++;
        });
      return { all, grid, share: grid / all };
    };
    const longest = PARAGRAPHS.reduce((a, b) => (b.length > a.length ? b : a));
    assert.ok(longest.startsWith('会议指出，涉企行政检查'));
    const one = share([longest]);
    assert.ok(one.all >= 15 && one.share > 0.8, JSON.stringify(one));
    const page = share(PARAGRAPHS);
    assert.ok(page.all >= 300 && page.share > 0.8, JSON.stringify(page));
  });

  test('首行缩进 (first-line indent): every paragraph’s first line starts at 2 em, the next at 0', () => {
    for (const text of PARAGRAPHS) {
      const p = s.set(text);
      const first = p.lines[0].glyphs[0];
      assert.ok(Math.abs(first.x - (OPENING.test(first.ch) ? 1.5 : 2)) < EPS, `${textOf(p.lines[0])} at ${first.x}`);
      if (p.lines.length > 1) {
        const second = p.lines[1].glyphs[0];
        assert.ok(Math.abs(second.x - (OPENING.test(second.ch) ? -0.5 : 0)) < EPS, `${textOf(p.lines[1])} at ${second.x}`);
      }
    }
  });

  test('凸排 (hanging indent): 郑道勤： hangs at the margin, every later line starts at 3 em', () => {
    const p = s.set(
      [
        { text: ZHENG_LEAD, face: s.lead },
        { text: ZHENG, face: s.body },
      ],
      { firstIndent: 0, hangIndent: 3 },
    );
    assert.ok(p.lines.length >= 6, show(p));
    const first = p.lines[0].glyphs;
    assert.equal(first[0].ch, '郑');
    assert.ok(Math.abs(first[0].x) < EPS);
    assert.deepEqual(
      first.slice(0, 4).map((g) => g.face),
      [s.lead, s.lead, s.lead, s.lead],
    );
    assert.equal(first[4].face, s.body);
    for (const l of p.lines.slice(1)) {
      const g = l.glyphs[0];
      assert.ok(Math.abs(g.x - (OPENING.test(g.ch) ? 2.5 : 3)) < EPS, `${textOf(l)} at ${g.x}\n${show(p)}`);
      assert.ok(l.glyphs.every((x) => x.x >= 2.5 - EPS));
      if (!l.last) assert.ok(Math.abs(l.width - COLUMN) < EPS, `${textOf(l)} is ${l.width}`);
    }
    assert.equal(allText(p), ZHENG_LEAD + ZHENG);
  });

  test('孤字 (no lone character): no paragraph of the sample ends in a line of one character, at 13 em and 9–17 em', () => {
    const lone: string[] = [];
    scan(MEASURES, (p, _t, m) => {
      if (p.lines.length < 2) return;
      const last = textOf(p.lines.at(-1)!).replace(/[。，、；：？！）》」』】”’]/g, '');
      if ([...last].length <= 1) lone.push(`${m} em: ${textOf(p.lines.at(-2)!)} | ${textOf(p.lines.at(-1)!)}`);
    });
    assert.deepEqual(lone, []);
    // Plain first-fit breaking leaves such lines in these very settings: the rule has work to do here.
    let greedy = 0;
    for (const m of MEASURES)
      for (const text of PARAGRAPHS) {
        const u = buildUnits(
          { runs: [{ text, face: s.body }], measure: m, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: NUMERAL_UNITS },
          s.metrics,
        );
        const r = firstFit(u, [m - 2, m]);
        const last = u.chars.slice(r.at(-1)!.start, r.at(-1)!.end).join('').replace(/[。，、；：？！）》」』】”’]/g, '');
        if (r.length > 1 && [...last].length === 1) greedy++;
      }
    assert.ok(greedy > 20, `${greedy} lone characters before the rule`);
  });

  test(
    '孤字 (no lone character): 发展—— does not leave 展—— alone on the last line',
    () => {
      const p = s.set(FAYANHUI);
      const last = textOf(p.lines.at(-1)!).replace(/[。，、；：？！）》」』】”’—…]/g, '');
      assert.ok([...last].length > 1, show(p));
    },
  );

  test('中西文间距 as layout data (b8): a run set solid takes no space at all; a Han–digit space comes from the run’s style', () => {
    const gaps = (runs: TextRun[]) => {
      const g = s.set(runs, { measure: 80, firstIndent: 0 }).lines[0].glyphs;
      const after = (ch: string) => {
        const i = g.findIndex((x) => x.ch === ch);
        return g[i + 1].x - (g[i].x + s.adv(g[i]));
      };
      return [after('划'), after('力')];
    };
    const text = '中心规划AI算力1000P，已建成400P；';
    const [latinSolid, digitSolid] = gaps([{ text, face: s.body }]);
    assert.ok(Math.abs(latinSolid) < EPS && Math.abs(digitSolid) < EPS, 'a headline style: solid');
    const [, digitSpaced] = gaps([{ text, face: s.body, latin: BODY_LATIN, digit: { min: 1 / 8, max: 1 / 4 } }]);
    assert.ok(Math.abs(digitSpaced - 0.25) < EPS, `a style with han-digit ¼ em: ${digitSpaced}`);
  });

  test('版式数据 (layout data): a space is written none, one width or a range from the narrowest to the width set', () => {
    assert.deepEqual(parseSpacing('none'), { min: 0, max: 0 });
    assert.deepEqual(parseSpacing('⅛–¼ em'), { min: 1 / 8, max: 1 / 4 });
    assert.deepEqual(parseSpacing('1/8-1/4'), { min: 1 / 8, max: 1 / 4 });
    assert.deepEqual(parseSpacing('¼ em'), { min: 1 / 4, max: 1 / 4 });
    assert.deepEqual(parseSpacing(0.25), { min: 0.25, max: 0.25 });
    assert.equal(parseSpacing('¼–⅛ em'), undefined);
    assert.equal(parseSpacing('wide'), undefined);
  });

  /** The breaks the units allow inside characters [from, to) of a paragraph: 1 a free one, 2 a kept run's last resort at its seam, 3 elsewhere in it. */
  const breaksInside = (runs: TextRun[], from: number, to: number) => {
    const u = buildUnits({ runs, measure: COLUMN, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: NUMERAL_UNITS }, s.metrics);
    return [...u.breakBefore.slice(from + 1, to)].filter((b) => b !== 0);
  };

  test('电头 (kept together): a bold lead-in (新华社北京12月24日电) has no free break inside, and is never broken where its first line holds it', () => {
    const runs: TextRun[] = [{ text: XINHUA_LEAD + '\u3000', face: s.lead, keep: true }, { text: XINHUA, face: s.body, latin: BODY_LATIN }];
    const inside = breaksInside(runs, 0, [...XINHUA_LEAD].length);
    assert.ok(inside.length > 5 && inside.every((b) => b === 2 || b === 3), JSON.stringify(inside));
    // Where it must part, it parts least badly before its date: 新华社北京 / 12月24日电, never 12月24日 / 电.
    const u = buildUnits({ runs, measure: COLUMN, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: NUMERAL_UNITS }, s.metrics);
    const at = (text: string) => u.breakBefore[[...XINHUA_LEAD].indexOf(text)];
    assert.equal(at('1'), 2);
    assert.equal(at('电'), 3);
    for (const m of FINE.filter((x) => x >= COLUMN)) assert.ok(!splits(s.set(runs, { measure: m }), XINHUA_LEAD), `${m} em`);
  });

  test('电头 (kept together): 本报讯（新重庆-重庆日报记者 卞立成） typed as text has no free break inside, and is not broken where a line holds it', () => {
    const lead = '本报讯（新重庆-重庆日报记者 卞立成）';
    const inside = breaksInside([{ text: GALA, face: s.body }], 0, [...lead].length);
    assert.ok(inside.length > 5 && inside.every((b) => b === 2 || b === 3), JSON.stringify(inside));
    for (const m of [20, 22, 25, 27, 41]) {
      const p = s.set(GALA, { measure: m });
      assert.ok(!splits(p, '本报讯（新重庆-重庆日报记者卞立成）'), `${m} em:\n${show(p)}`);
    }
  });

  test('署名 (kept together): a credit in parentheses at a paragraph’s end, （记者 周松）, stays whole at 9–17 em', () => {
    for (const m of MEASURES) {
      const p = s.set(POLICE, { measure: m });
      assert.ok(!splits(p, '（记者周松）'), `${m} em:\n${show(p)}`);
    }
  });

  test('空格 (typed space): a space typed inside Chinese text is fixed at the layout’s width and never a break; a no-break space never breaks', () => {
    for (const space of [' ', '\u00a0'])
      for (const m of FINE)
        for (const width of [0.25, TYPED_SPACE]) {
          const p = s.set(POLICE.replace('（记者 周松）', `记者${space}周松`), { measure: m, typedSpace: width });
          assert.ok(!splits(p, '者周'), `${m} em:\n${show(p)}`);
          const g = p.lines.flatMap((l) => l.glyphs);
          const i = g.findIndex((x, j) => x.ch === '者' && g[j + 1]?.ch === '周');
          assert.ok(Math.abs(g[i + 1].x - g[i].x - 1 - width) < EPS, `${m} em: 者 周 ${g[i + 1].x - g[i].x}`);
        }
  });

  test('整段择优 (total fit, b8): at 13 em the sample has no loose line beyond ¼ em where breaking can avoid one; first fit has several', () => {
    let total = 0;
    let greedy = 0;
    for (const text of PARAGRAPHS) {
      total += s.set(text).warnings.filter((w) => w.code === 'loose-line').length;
      greedy += s.set(text, { firstFit: true }).warnings.filter((w) => w.code === 'loose-line').length;
    }
    assert.ok(total === 0, `${total} loose lines`);
    assert.ok(greedy > 0, `first fit: ${greedy} loose lines`);
  });

  test('整段择优 (total fit): a measure that changes from line to line — text running round a picture — fills each line to its own length', () => {
    const measures = [13, 13, 8, 8, 8, 13];
    const p = s.set(ZHUANYI, { measures });
    assert.ok(p.lines.length > measures.length);
    p.lines.slice(0, -1).forEach((l, i) => {
      const m = measures[Math.min(i, measures.length - 1)];
      assert.ok(Math.abs(l.width - m) < EPS, `line ${i + 1} ${textOf(l)}: ${l.width} of ${m}`);
    });
    assert.equal(allText(p), ZHUANYI);
  });

  test('行长调整: a loose line’s warning gives its text and its line in the paragraph', () => {
    const p = s.set('如何抓好2025年经济工作的重点任务？', { measure: 9 });
    const w = p.warnings.find((x) => x.code === 'loose-line');
    assert.ok(w && w.text === '如何抓好' && /line 1 of the paragraph/.test(w.detail), JSON.stringify(p.warnings));
  });

  test('控制字符 (control characters): a tab is never drawn, never drops a glyph, and sets like the space it stands for', () => {
    const spaced = s.set(GALA);
    const tabbed = s.set('\t' + GALA.replace(' ', '\t') + '\r\n');
    const chars = (p: SetParagraph) => p.lines.flatMap((l) => l.glyphs.map((g) => g.ch));
    for (const ch of chars(tabbed)) assert.ok(ch.codePointAt(0)! >= 0x20 && ch !== ' ', JSON.stringify(ch));
    assert.equal(allText(tabbed), GALA.replace(/\s/g, ''));
    // 记者\t卞立成 is the desk's 记者 卞立成: same lines, same positions.
    assert.deepEqual(
      tabbed.lines.map((l) => l.glyphs.map((g) => [g.ch, +g.x.toFixed(9)])),
      spaced.lines.map((l) => l.glyphs.map((g) => [g.ch, +g.x.toFixed(9)])),
    );
  });

  test(
    '中西文间距 (clreq): a space the desk typed between XbotPark and 科创 is replaced by the ¼ em, so the line sets as without it',
    () => {
      const plain = s.set(XBOT);
      const spaced = s.set(XBOT.replace('XbotPark', 'XbotPark '));
      assert.deepEqual(
        spaced.lines.map((l) => l.glyphs.map((g) => [g.ch, +g.x.toFixed(6)])),
        plain.lines.map((l) => l.glyphs.map((g) => [g.ch, +g.x.toFixed(6)])),
      );
    },
  );

  test('中西文间距 (clreq): spaces the desk typed beside numbers give way as beside words, and a number with a dot or comma in it stays one', () => {
    const units = (text: string) =>
      buildUnits({ runs: [{ text, face: s.body, latin: BODY_LATIN, digit: BODY_LATIN }], measure: COLUMN, firstIndent: 2, hangIndent: 0, align: 'justify', kinsoku: 'strict', numeralUnits: NUMERAL_UNITS }, s.metrics);
    const fields = (u: ReturnType<typeof units>) => ({
      chars: u.chars,
      cls: [...u.cls],
      adv: [...u.adv],
      spaceBefore: [...u.spaceBefore],
      breakBefore: [...u.breakBefore],
      stretchBefore: [...u.stretchBefore],
    });
    const plain = units('全年增长6.1%，达4,000亿元，GDP增长');
    assert.deepEqual(fields(units('全年增长 6.1%，达 4,000 亿元，GDP 增长')), fields(plain));
    const text = plain.chars.join('');
    for (const number of ['6.1%', '4,000']) {
      const at = text.indexOf(number);
      for (let i = at + 1; i < at + number.length; i++) assert.equal(plain.breakBefore[i], 0, `a break inside ${number}`);
    }
    // The style's Han–digit space stands where the desk's did.
    assert.ok(plain.spaceBefore[text.indexOf('6')] > 0 && plain.spaceBefore[text.indexOf('亿')] > 0);
  });

  test('完整 (text fidelity): every paragraph of the sample comes out whole, in order, with no glyph on another', () => {
    scan(MEASURES, (p, text, m) => {
      assert.equal(allText(p), text.replace(/\s/g, ''), `${m} em`);
      for (const l of p.lines) {
        const g = l.glyphs;
        for (let i = 1; i < g.length; i++) {
          const a = ink(s, g[i - 1]);
          const b = ink(s, g[i]);
          assert.ok(a[1] <= b[0] + EPS, `${m} em: ${g[i - 1].ch}${g[i].ch} overlap in ${textOf(l)}`);
        }
      }
    });
  });
}

describe('text stage, stand-in metrics (Han 1 em, digits 0.55, letters 0.6)', () => {
  rules(setter(stub, 'body', 'lead'));
});

describe('text stage, the page fonts (Noto Serif SC body, Noto Sans SC lead-ins)', () => {
  const fonts = fontRegistry();
  rules(setter(fonts, fonts.faceOf('song'), fonts.faceOf('hei')));
});
