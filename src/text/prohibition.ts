import { CharClass } from './classes.js';

/**
 * Line-start and line-end prohibition (避头尾), clreq "Prohibition Rules for Line Start and
 * Line End". Each level is a superset of the one before it.
 */
export type KinsokuLevel = 'none' | 'basic' | 'gb' | 'strict';

// Each class set is a bit mask, tested for every pair of characters the breaker looks at.
const classes = (...cs: CharClass[]) => cs.reduce((mask, c) => mask | (1 << c), 0);

const basicStart = classes(
  CharClass.PauseOrStop,
  CharClass.ClosingBracket,
  CharClass.Connector,
  CharClass.MiddleDot,
  CharClass.Solidus,
  CharClass.PostfixAbbreviation,
);
const basicEnd = classes(CharClass.OpeningBracket, CharClass.PrefixAbbreviation);

const lineStart: Record<KinsokuLevel, number> = {
  none: 0,
  basic: basicStart,
  gb: basicStart,
  strict: basicStart | classes(CharClass.Inseparable),
};
const lineEnd: Record<KinsokuLevel, number> = {
  none: 0,
  basic: basicEnd,
  gb: basicEnd | classes(CharClass.Solidus),
  strict: basicEnd | classes(CharClass.Solidus),
};

export function mayStartLine(cls: CharClass, level: KinsokuLevel): boolean {
  return ((lineStart[level] >> cls) & 1) === 0;
}

export function mayEndLine(cls: CharClass, level: KinsokuLevel): boolean {
  return ((lineEnd[level] >> cls) & 1) === 0;
}
