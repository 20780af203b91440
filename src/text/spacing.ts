import { SOLID, type Spacing } from './types.js';

/** The fractions a layout may write for a space (⅛–¼ em). */
const FRACTIONS: Record<string, number> = { '⅛': 1 / 8, '⅙': 1 / 6, '¼': 1 / 4, '⅓': 1 / 3, '⅜': 3 / 8, '½': 1 / 2 };

function amount(s: string): number | undefined {
  if (s in FRACTIONS) return FRACTIONS[s];
  const q = /^(\d+)\/(\d+)$/.exec(s);
  if (q) return Number(q[1]) / Number(q[2]);
  const v = Number(s);
  return s !== '' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/**
 * A style's Han–Latin or Han–digit space as a layout writes it: `none`, one width (`¼ em`,
 * 0.25), or a range from the narrowest to the width set (`⅛–¼ em`, `1/8-1/4`). Undefined when
 * the value is none of these.
 */
export function parseSpacing(value: unknown): Spacing | undefined {
  if (value === 'none' || value === 0) return SOLID;
  if (typeof value === 'number') return value > 0 ? { min: value, max: value } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^(\S+?)\s*(?:[–-]\s*(\S+?))?\s*(?:em)?$/.exec(value.trim());
  if (!m) return undefined;
  const a = amount(m[1]);
  const b = m[2] === undefined ? a : amount(m[2]);
  if (a === undefined || b === undefined || a > b) return undefined;
  return { min: a, max: b };
}
