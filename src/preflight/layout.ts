import { readConfig } from '../layout/config.js';
import { geometryOf, type Template } from '../layout/template.js';
import { IssueError } from '../issue/errors.js';
import { NEWSPAPER, type PreflightProfile, type WhiteOverprint } from './profile.js';

/** The layout's `preflight:` keys and the profile field each sets: all positive numbers but white-overprint. */
const NUMBERS = {
  'image-error-ppi': 'minPpi',
  'image-warning-ppi': 'warnPpi',
  'one-bit-ppi': 'oneBitPpi',
  tac: 'tac',
  'rule-min': 'minRule',
  'multi-ink-text-below': 'multiInkTextBelow',
} as const;
const WHITE_OVERPRINT: WhiteOverprint[] = ['error', 'warning'];

/**
 * The plant's limits from a layout's `preflight:` section, each at its place in the layout file
 * when it is wrong; a threshold the layout leaves out takes the newspaper value. With `checkTrim`
 * every page's trim is checked against the layout's.
 */
export function profileOfLayout(template: Template, checkTrim: boolean): PreflightProfile {
  const { doc, loc } = readConfig(template.file, `layout "${template.name}"`, 'give the layout its trim, grid, styles and the rest');
  const fail = (path: string[], message: string): never => {
    throw new IssueError('bad-template', loc.value(path), `layout "${template.name}": ${path.join('.')} ${message}`);
  };
  const profile: PreflightProfile = { tac: NEWSPAPER.tac, minPpi: NEWSPAPER.minPpi, warnPpi: NEWSPAPER.warnPpi, spots: [] };
  for (const [key, field] of Object.entries(NUMBERS)) {
    const v = doc.getIn(['preflight', key]);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0) || v === Infinity) fail(['preflight', key], 'must be a positive number');
    profile[field] = v as number;
  }
  const white = doc.getIn(['preflight', 'white-overprint']);
  if (white !== undefined) {
    if (!WHITE_OVERPRINT.includes(white as WhiteOverprint)) fail(['preflight', 'white-overprint'], `must be one of ${WHITE_OVERPRINT.join(', ')}`);
    profile.whiteOverprint = white as WhiteOverprint;
  }
  if (profile.warnPpi < profile.minPpi) fail(['preflight', 'image-warning-ppi'], `must be at least image-error-ppi (${profile.minPpi})`);
  if (checkTrim) {
    const g = geometryOf(template);
    profile.trim = { width: g.trimWidth, height: g.trimHeight };
  }
  return profile;
}
