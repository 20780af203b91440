/**
 * Character classes of clreq's punctuation table (GB/T 15834 via clreq, jlreq cl-xx where clreq
 * is silent). Data only: the breaker and the adjuster look characters up here.
 */

export const enum CharClass {
  Han, // 汉字 and other full-width letters that sit in one em cell
  OpeningBracket, // cl-01 开始括号
  ClosingBracket, // cl-02 结束括号
  PauseOrStop, // 点号 、，。．：；！？
  Connector, // 连接号 – ～ (short connectors, ½ em)
  MiddleDot, // 间隔号 ·
  Solidus, // 分隔号 / ／
  Inseparable, // cl-08 —— ……: one 2-em unit, never split
  PrefixAbbreviation, // cl-12 ¥ $ £ € #
  PostfixAbbreviation, // cl-13 % ‰ ° ℃
  Latin, // letters of Western words
  Digit, // European numerals
  NumericSeparator, // . , inside a number
  Space, // a word space between Western words: where a line may break
  FixedSpace, // a no-break space, or a space typed inside Chinese text: fixed width, never a break
}

const table = new Map<number, CharClass>();
const put = (chars: string, cls: CharClass) => {
  for (const ch of chars) table.set(ch.codePointAt(0)!, cls);
};

put('“‘（(〔［[｛{〈《「『【〖〘⦅«〝', CharClass.OpeningBracket);
put('”’）)〕］]｝}〉》」』】〗〙⦆»〟', CharClass.ClosingBracket);
put('、，。．：；！？‼⁇⁈⁉', CharClass.PauseOrStop);
put('–～〜', CharClass.Connector);
put('·・‧', CharClass.MiddleDot);
put('/／', CharClass.Solidus);
put('—…‥⸺⋯', CharClass.Inseparable);
put('¥$£€#№', CharClass.PrefixAbbreviation);
put('%‰°′″℃¢％㎎㎏㎜㎝㎞㎡㏄', CharClass.PostfixAbbreviation);
put('0123456789', CharClass.Digit);
put(' \u3000', CharClass.Space);
put('\u00a0\u202f', CharClass.FixedSpace);

export function classOf(cp: number): CharClass {
  // Most of a Chinese paragraph is CJK Unified Ideographs, none of them in the table.
  if (cp >= 0x4e00 && cp <= 0x9fff) return CharClass.Han;
  const cls = table.get(cp);
  if (cls !== undefined) return cls;
  if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0xc0 && cp <= 0x24f)) return CharClass.Latin;
  // ASCII punctuation inside Western runs ("-", "+", "&", "'") travels with the letters
  if (cp >= 0x21 && cp <= 0x7e) return CharClass.Latin;
  return CharClass.Han;
}

/** Full-width marks whose glyph fills half the em and leave a blank half that may be squeezed (标点挤压). */
export function blankSide(cls: CharClass): 'after' | 'before' | 'both' | null {
  switch (cls) {
    case CharClass.PauseOrStop:
    case CharClass.ClosingBracket:
      return 'after'; // mainland style: the mark sits at the start of its cell
    case CharClass.OpeningBracket:
      return 'before';
    default:
      return null;
  }
}

/** Classes that are written proportionally in the Latin font and joined to Han text by ¼-em space. */
export function isWestern(cls: CharClass): boolean {
  return cls === CharClass.Latin || cls === CharClass.Digit || cls === CharClass.NumericSeparator;
}
