import type { SourcePos } from '../issue/types.js';
import type { StyleName } from '../layout/template.js';
import { measureNatural, type SetContext } from './rows.js';
import type { Finding } from './types.js';

/**
 * A text the engine sets outside a body (masthead, folio, table, caption, jump line) that its room
 * cannot hold however the layout lets it be fitted: it is left out rather than drawn over a
 * neighbour or off the trim, and the desk hears of it as a blocking overset.
 */
export interface Unfit {
  /** What the text is, as the desk names it: "paper name", "caption", "table row". */
  what: string;
  text: string;
  /** Characters left out: what the overset count adds. */
  chars: number;
  /** What it needs and what its room holds, in points across or grid lines down. */
  needs: number;
  room: number;
  unit: 'pt' | 'lines';
  /** What the desk can do about it. */
  remedy: string;
  pos?: SourcePos;
}

/** Characters of a text as the setter counts them: white space is not set. */
export const settable = (text: string) => [...text].filter((ch) => !/\s/u.test(ch)).length;

const quoted = (text: string) => {
  const cps = [...text];
  return cps.length > 40 ? `${cps.slice(0, 40).join('')}…` : text;
};

const amount = (n: number, unit: Unfit['unit']) => (unit === 'pt' ? `${n.toFixed(1)} pt` : `${n} line${n === 1 ? '' : 's'}`);

export function unfit(what: string, text: string, needs: number, room: number, unit: Unfit['unit'], remedy: string, pos?: SourcePos): Unfit {
  return { what, text, chars: settable(text), needs, room: Math.max(0, room), unit, remedy, pos };
}

export function unfitFinding(u: Unfit, page: number, article?: string): Finding {
  return {
    code: 'overset',
    blocking: true,
    page,
    article,
    pos: u.pos,
    figures: u.unit === 'pt' ? { characters: u.chars, width: u.needs, room: u.room } : { characters: u.chars, lines: u.needs, room: u.room },
    message: `the ${u.what} "${quoted(u.text)}" needs ${amount(u.needs, u.unit)}, and its room holds ${amount(u.room, u.unit)}: left out; ${u.remedy}`,
  };
}

/**
 * The natural width of one line of furniture, pt, measured on trial: the setting that draws it
 * reports its missing glyphs, so measuring first must not report them again.
 */
export function naturalWidth(ctx: SetContext, text: string, font: string, size: number, style?: StyleName): number {
  const trial: SetContext = { ...ctx, found: { missing: [], warnings: [] } };
  return measureNatural(trial, text, font, style) * size;
}

/** Whether `width` pt stands in `room` pt, allowing for rounding. */
export const within = (width: number, room: number) => width <= room + 1e-6;
