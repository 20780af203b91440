import { CharClass } from './classes.js';

/**
 * Line-start and line-end prohibition (避头尾), clreq "Prohibition Rules for Line Start and
 * Line End". Each level is a superset of the one before it.
 */
export type KinsokuLevel = 'none' | 'basic' | 'gb' | 'strict';

const basicStart = new Set<CharClass>([
  CharClass.PauseOrStop,
  CharClass.ClosingBracket,
  CharClass.Connector,
  CharClass.MiddleDot,
  CharClass.Solidus,
  CharClass.PostfixAbbreviation,
]);
const basicEnd = new Set<CharClass>([CharClass.OpeningBracket, CharClass.PrefixAbbreviation]);

const lineStart: Record<KinsokuLevel, ReadonlySet<CharClass>> = {
  none: new Set(),
  basic: basicStart,
  gb: basicStart,
  strict: new Set([...basicStart, CharClass.Inseparable]),
};
const lineEnd: Record<KinsokuLevel, ReadonlySet<CharClass>> = {
  none: new Set(),
  basic: basicEnd,
  gb: new Set([...basicEnd, CharClass.Solidus]),
  strict: new Set([...basicEnd, CharClass.Solidus]),
};

export function mayStartLine(cls: CharClass, level: KinsokuLevel): boolean {
  return !lineStart[level].has(cls);
}

export function mayEndLine(cls: CharClass, level: KinsokuLevel): boolean {
  return !lineEnd[level].has(cls);
}
