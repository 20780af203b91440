// The layout's `plan:` section: what the make-up search (自动组版) may do on a page of this layout.
import { isMap } from 'yaml';
import { IssueError } from '../issue/errors.js';
import { readConfig } from '../layout/config.js';
import type { Template } from '../layout/template.js';

/** What each rule the search may bend costs, per time it is bent. */
export interface PlanWeights {
  /** A louder story read after a quieter one: under it on its columns, or beside it further from the lead side. */
  order: number;
  /** 撞题: two headlines side by side at the same height. */
  collision: number;
  /** 顶题: a headline too close under another on the same columns. */
  stackedHeads: number;
  /** Two pictures side by side. */
  pictures: number;
  /** Each line of underset (缺行) the plan leaves in a box. */
  underset: number;
  /** Each step of a box's depth to width outside the layout's balance. */
  balance: number;
}

export interface PlanSettings {
  /** The lead stands at the head of the left-hand or the right-hand columns. */
  lead: 'left' | 'right';
  /** Per rank name: the fewest and most columns its stories may span. */
  spans: Map<string, [number, number]>;
  /** 顶题: body lines at least between a headline and the next headline down the same columns. */
  headsApart: number;
  /** A photo story's picture, height over width: the least and the most. */
  photoAspect: [number, number];
  /** A box's depth over its width, the least and the most that still look balanced. */
  balance: [number, number];
  weights: PlanWeights;
}

const cache = new WeakMap<Template, PlanSettings>();

/** Reads the `plan:` section of the template's layout file, each mistake at its place there. */
export function planSettings(t: Template): PlanSettings {
  const known = cache.get(t);
  if (known) return known;
  const { doc, loc } = readConfig(t.file, `layout "${t.name}"`, 'give it trim, grid, body, styles and the rest, as layouts/broadsheet.yaml does');
  const fail = (path: (string | number)[], what: string): never => {
    throw new IssueError('bad-template', loc.value(['plan', ...path]), `layout "${t.name}": plan${path.length ? `.${path.join('.')}` : ''} ${what}`);
  };
  if (!isMap(doc.getIn(['plan'], true))) fail([], 'is missing: give the spans of each rank, where the lead stands and the weights, as layouts/broadsheet.yaml does');
  const get = (path: (string | number)[]) => doc.getIn(['plan', ...path]);
  const positive = (path: (string | number)[]): number => {
    const v = get(path);
    if (typeof v !== 'number' || !(v >= 0) || v === Infinity) fail(path, 'must be a number, 0 or more');
    return v as number;
  };
  const pair = (path: (string | number)[], whole: boolean): [number, number] => {
    const a = positive([...path, 0]);
    const b = positive([...path, 1]);
    if (get([...path, 2]) !== undefined || !(a <= b) || (whole && (!Number.isInteger(a) || !Number.isInteger(b) || a < 1))) fail(path, `must be [least, most]${whole ? ', whole numbers from 1' : ''}, the least first`);
    return [a, b];
  };
  const lead = get(['lead']);
  if (lead !== 'left' && lead !== 'right') fail(['lead'], 'must be left or right: the head of the left-hand or the right-hand columns');
  const spans = new Map<string, [number, number]>();
  for (const r of t.ranks) {
    const span = pair(['spans', r.name], true);
    if (span[1] > t.grid.columns) fail(['spans', r.name], `spans more columns than the layout's ${t.grid.columns}`);
    spans.set(r.name, span);
  }
  const settings: PlanSettings = {
    lead: lead as 'left' | 'right',
    spans,
    headsApart: positive(['heads-apart']),
    photoAspect: pair(['photo-aspect'], false),
    balance: pair(['balance'], false),
    weights: {
      order: positive(['weights', 'order']),
      collision: positive(['weights', 'collision']),
      stackedHeads: positive(['weights', 'stacked-heads']),
      pictures: positive(['weights', 'pictures']),
      underset: positive(['weights', 'underset']),
      balance: positive(['weights', 'balance']),
    },
  };
  cache.set(t, settings);
  return settings;
}
