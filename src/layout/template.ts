import { join, resolve as resolvePath } from 'node:path';
import { isMap, isSeq } from 'yaml';
import { loadProfileFile } from '../images/profile.js';
import { IssueError } from '../issue/errors.js';
import { describe } from '../issue/schema.js';
import type { SourcePos } from '../issue/types.js';
import type { KinsokuLevel } from '../text/prohibition.js';
import { parseSpacing } from '../text/spacing.js';
import { LOOSE_GAP, SOLID, TYPED_SPACE, type Spacing } from '../text/types.js';
import { readConfig } from './config.js';
import { PDFX_LEVELS, type PdfxLevel } from './pdfx.js';
import { mmToPt, ptToMm } from './units.js';

export type StyleName =
  | 'body' | 'lead' | 'headline' | 'kicker' | 'subhead' | 'byline' | 'section' | 'note' | 'table'
  | 'bullet' | 'brief' | 'brief-head' | 'caption' | 'credit' | 'folio' | 'folio-number'
  | 'jump' | 'jump-headline' | 'photo-caption' | 'masthead-name' | 'masthead-info';

const STYLE_NAMES: StyleName[] = [
  'body', 'lead', 'headline', 'kicker', 'subhead', 'byline', 'section', 'note', 'table',
  'bullet', 'brief', 'brief-head', 'caption', 'credit', 'folio', 'folio-number',
  'jump', 'jump-headline', 'photo-caption', 'masthead-name', 'masthead-info',
];

export interface Style {
  font: string;
  /** pt; for headlines the largest of `sizes`. */
  size: number;
  /** Headline sizes to try, largest first, pt. */
  sizes: number[];
  /** 首行缩进, em. */
  indent: number;
  label?: string;
  labelFont?: string;
  marker?: string;
  /**
   * What a reader copying the page gets for the marker (the PDF's ActualText) where it is not the
   * marker itself: the newspaper layouts draw ■ and give back the story's own "-", so copied text
   * reads as it was filed.
   */
  markerText?: string;
  /** 简报, 编者按: set in a box, or between rules above and below, across the article's width. */
  frame?: StyleFrame;
  /** em of the style's size kept clear at either side of its measure: a narrower 编者按, the air inside a box. */
  inset: number;
  /** Space between Han and Latin letters (`han-latin`), solid unless given. */
  latin: Spacing;
  /** Space between Han and European digits (`han-digit`), solid unless given. */
  digit: Spacing;
  /** `digits: half`: European digits in the font's half-width form, so a run of them keeps the character grid. */
  halfDigits: boolean;
}

export type StyleFrame = 'box' | 'rule';
const FRAMES: StyleFrame[] = ['box', 'rule'];
/** An ad's trim may miss its space by a millimetre: the advertiser's rounding of the space's size. */
const AD_TOLERANCE_MM = 1;
/** A 导读 in the masthead's ear, unless the layout words it otherwise: the story's headline, then its page. */
const DEFAULT_TEASER = '{headline}（{page}版）';

export { PDFX_LEVELS, type PdfxLevel };

/** How pictures are made ready for the plant: layout data, so each paper sets its own. */
export interface PictureSettings {
  /** Resolution pictures are resampled to when they have more, pixels per inch. */
  ppi: number;
  /** Below this the picture is a blocking finding. */
  minPpi: number;
  /** The plant's CMYK output profile: a file, or sharp's built-in `cmyk`. */
  profile: string;
  /** The output condition the PDF/X output intent names: a registered one (CGATS TR 002 at color.org), else the profile's description. */
  condition?: { identifier: string; registry?: string };
  quality: number;
  /** Total area coverage a picture's pixel may reach, percent. */
  tac: number;
  /** Folders beyond the issue's and the project's that pictures may come from. */
  allow: string[];
}

/** What the headline group of a story of one rank may be set in, pt, largest first. */
export interface Rank {
  name: string;
  headline: number[];
  kicker: number;
  subhead: number;
}

/** When the page tells the desk that space is left empty. */
export interface CopyfitSettings {
  /** An article with more empty lines than this at the foot of its columns is underset (缺行). */
  undersetLines: number;
  /** A white area of at least one column and this many lines is a hole (开天窗). */
  holeLines: number;
}

/** A font role a style names, where the layout names it: checked against fonts.yaml's roles. */
export interface FontRoleUse {
  style: StyleName;
  role: string;
  at: SourcePos;
}

export interface Template {
  name: string;
  file: string;
  /** Every font role the styles name (font, label-font), with its place in the layout. */
  fontRoles: FontRoleUse[];
  trim: { width: number; height: number }; // pt
  grid: { columns: number; characters: number; gutter: number; lines: number; pitch: number };
  kinsoku: KinsokuLevel;
  numeralUnits: string;
  /** Inter-character expansion beyond this is a loose line, em (`body.loose`). */
  loose: number;
  /** Width of a space typed inside Chinese text, em (`body.space`). */
  typedSpace: number;
  rules: { article: number; folio: number };
  /** Jump-line wording (下转 / 上接) with `{page}` for the other part's page number. */
  jump: { to: string; from: string };
  /** 报头 on a masthead page: the grid lines and the columns (from the left) it takes; 报眼 stories may stand beside it. */
  masthead: {
    lines: number;
    columns: number;
    ink?: readonly [number, number, number, number];
    /** How a 导读 in the ear reads: {headline} and {page} replaced. */
    teaser: string;
  };
  pictures: PictureSettings;
  /** The PDF/X level written for pages of this layout. */
  pdfx: PdfxLevel;
  /** How far an advertisement's trim may differ from its ad space, across or down, pt (`ads.tolerance`, mm). */
  ads: { tolerance: number };
  styles: Record<StyleName, Style>;
  /** Ranks from the loudest (the lead) down. */
  ranks: Rank[];
  copyfit: CopyfitSettings;
  /** 号 names → pt, for sizes the desk gives in an issue. */
  hao: Record<string, number>;
}

/** Page geometry in points, derived from a template: the grid every stage places things on. */
export interface Geometry {
  trimWidth: number;
  trimHeight: number;
  bodySize: number;
  columnWidth: number;
  gutter: number;
  pitch: number;
  columns: number;
  lines: number;
  typeLeft: number;
  typeTop: number;
  typeWidth: number;
  typeHeight: number;
}

export function geometryOf(t: Template): Geometry {
  const body = t.styles.body.size;
  const columnWidth = t.grid.characters * body;
  const gutter = t.grid.gutter * body;
  const typeWidth = t.grid.columns * columnWidth + (t.grid.columns - 1) * gutter;
  const typeHeight = t.grid.lines * t.grid.pitch;
  return {
    trimWidth: t.trim.width,
    trimHeight: t.trim.height,
    bodySize: body,
    columnWidth,
    gutter,
    pitch: t.grid.pitch,
    columns: t.grid.columns,
    lines: t.grid.lines,
    typeLeft: (t.trim.width - typeWidth) / 2,
    typeTop: (t.trim.height - typeHeight) / 2,
    typeWidth,
    typeHeight,
  };
}

/** Left edge of grid column c (1-based), pt. */
export const columnX = (g: Geometry, c: number): number => g.typeLeft + (c - 1) * (g.columnWidth + g.gutter);
/** Width of a span of columns, pt. */
export const spanWidth = (g: Geometry, span: number): number => span * g.columnWidth + (span - 1) * g.gutter;
/** Top of grid line l (0-based), pt from the top of the page. */
export const lineTop = (g: Geometry, l: number): number => g.typeTop + l * g.pitch;

const KINSOKU: KinsokuLevel[] = ['none', 'basic', 'gb', 'strict'];

/** Reads layouts/NAME.yaml; every mistake in it names the template file and position. */
export function loadTemplate(layoutsDir: string, name: string, hao: Record<string, number>): Template {
  const file = join(layoutsDir, `${name}.yaml`);
  const { doc, loc } = readConfig(file, `layout "${name}"`, 'give it trim, grid, body, styles and the rest, as layouts/broadsheet.yaml does');
  const fail = (path: (string | number)[], what: string): never => {
    throw new IssueError('bad-template', loc.value(path), `layout "${name}": ${path.length ? path.join('.') : 'the file'} ${what}`);
  };
  if (!isMap(doc.contents)) fail([], 'must be a mapping of trim, grid, body, styles and the rest, as layouts/broadsheet.yaml is');
  const num = (path: (string | number)[]): number => {
    const v = doc.getIn(path);
    if (typeof v !== 'number' || !(v > 0) || v === Infinity) fail(path, 'must be a positive number');
    return v as number;
  };
  const count = (path: (string | number)[]): number => {
    const v = num(path);
    if (!Number.isInteger(v)) fail(path, 'must be a whole number');
    return v;
  };
  const size = (path: (string | number)[]): number => {
    const v = doc.getIn(path);
    if (typeof v === 'number' && v > 0) return v;
    if (typeof v === 'string' && hao[v] !== undefined) return hao[v];
    return fail(path, `must be a size in points or a 号 name (${Object.keys(hao).join(' ')})`);
  };
  const str = (path: (string | number)[], optional = false): string | undefined => {
    const v = doc.getIn(path);
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || !v) fail(path, 'must be a non-empty string');
    return v as string;
  };

  const jumpText = (key: string) => {
    const v = str(['jump', key])!;
    if (!v.includes('{page}')) fail(['jump', key], 'must contain {page} where the page number goes');
    return v;
  };
  const teaserText = () => {
    const v = str(['masthead', 'teaser'], true) ?? DEFAULT_TEASER;
    if (!v.includes('{headline}') || !v.includes('{page}')) fail(['masthead', 'teaser'], 'must contain {headline} and {page} where the story\'s headline and page go');
    return v;
  };
  // The plant's profile is a path from the template's folder, or the built-in one; a file is read
  // and its header checked now, so a wrong one stops the run here, not after pictures are converted.
  const profileOf = (v: string) => {
    if (v === 'cmyk') return v;
    const path = resolvePath(layoutsDir, v);
    loadProfileFile(path, loc.value(['pictures', 'profile']));
    return path;
  };
  const allowOf = (path: (string | number)[]) => {
    const v = doc.getIn(path);
    if (v === undefined) return [];
    const list = isSeq(doc.getIn(path, true)) ? (doc.getIn(path) as { toJSON(): unknown[] }).toJSON() : [];
    if (!list.length || !list.every((x) => typeof x === 'string' && x.startsWith('/'))) fail(path, 'must be a list of absolute folder paths');
    return list as string[];
  };
  const pdfxOf = (path: (string | number)[]) => {
    const v = str(path) as PdfxLevel;
    if (!PDFX_LEVELS.includes(v)) fail(path, `must be one of ${PDFX_LEVELS.join(', ')}`);
    return v;
  };
  const sizeList = (path: (string | number)[]): number[] => {
    const node = doc.getIn(path, true);
    if (isSeq(node)) return node.items.map((_, i) => size([...path, i]));
    return [size(path)];
  };
  const ranksNode = doc.getIn(['ranks'], true);
  if (!isMap(ranksNode) || !ranksNode.items.length) fail(['ranks'], 'must map each rank name (lead, second, …) to its headline, kicker and subhead sizes');
  const ranks: Rank[] = (ranksNode as { items: { key: unknown }[] }).items.map((item) => {
    const rank = String((item.key as { value?: unknown }).value ?? item.key);
    return { name: rank, headline: sizeList(['ranks', rank, 'headline']), kicker: size(['ranks', rank, 'kicker']), subhead: size(['ranks', rank, 'subhead']) };
  });
  // The paper's name in process colour, as C M Y K percentages; absent, process black.
  const inkOf = (path: (string | number)[]): readonly [number, number, number, number] | undefined => {
    const v = doc.getIn(path);
    if (v === undefined) return undefined;
    const list = isSeq(doc.getIn(path, true)) ? (doc.getIn(path) as { toJSON(): unknown[] }).toJSON() : [];
    if (list.length !== 4 || !list.every((x) => typeof x === 'number' && x >= 0 && x <= 100)) fail(path, 'must be four ink percentages [C, M, Y, K], each 0–100 (process red: [0, 100, 100, 0])');
    return list as [number, number, number, number];
  };
  const kinsoku = str(['body', 'kinsoku']) as KinsokuLevel;
  if (!KINSOKU.includes(kinsoku)) fail(['body', 'kinsoku'], `must be one of ${KINSOKU.join(', ')}`);
  const styles = {} as Record<StyleName, Style>;
  const fontRoles: FontRoleUse[] = [];
  const role = (s: StyleName, key: string, optional = false): string | undefined => {
    const v = str(['styles', s, key], optional);
    if (v !== undefined) fontRoles.push({ style: s, role: v, at: loc.value(['styles', s, key]) });
    return v;
  };
  for (const s of STYLE_NAMES) {
    const node = doc.getIn(['styles', s], true);
    if (!isMap(node)) fail(['styles', s], 'is missing: every template defines this style');
    const sizesNode = doc.getIn(['styles', s, 'sizes'], true);
    const sizes = isSeq(sizesNode) ? sizesNode.items.map((_, i) => size(['styles', s, 'sizes', i])) : [];
    const indent = doc.getIn(['styles', s, 'indent']);
    const spacing = (key: string): Spacing => {
      const v = doc.getIn(['styles', s, key]);
      if (v === undefined) return SOLID;
      return parseSpacing(v) ?? fail(['styles', s, key], 'must be none, a width in em (¼ em) or a range from the narrowest to the width set (⅛–¼ em)');
    };
    const inset = doc.getIn(['styles', s, 'inset']);
    if (inset !== undefined && !(typeof inset === 'number' && inset >= 0)) fail(['styles', s, 'inset'], 'must be a number of em, 0 or more');
    const digits = str(['styles', s, 'digits'], true);
    if (digits !== undefined && digits !== 'half' && digits !== 'proportional') fail(['styles', s, 'digits'], 'must be half (the font\'s half-width digits, on the character grid) or proportional');
    const frame = str(['styles', s, 'frame'], true) as StyleFrame | undefined;
    if (frame && !FRAMES.includes(frame)) fail(['styles', s, 'frame'], `must be one of ${FRAMES.join(', ')}`);
    styles[s] = {
      font: role(s, 'font')!,
      size: sizes.length ? sizes[0] : size(['styles', s, 'size']),
      sizes,
      indent: typeof indent === 'number' ? indent : 0,
      label: str(['styles', s, 'label'], true),
      labelFont: role(s, 'label-font', true),
      marker: str(['styles', s, 'marker'], true),
      markerText: str(['styles', s, 'marker-text'], true),
      frame,
      inset: typeof inset === 'number' ? inset : 0,
      latin: spacing('han-latin'),
      digit: spacing('han-digit'),
      halfDigits: digits === 'half',
    };
  }
  const trim = { width: mmToPt(num(['trim', 'width'])), height: mmToPt(num(['trim', 'height'])) };
  const grid = { columns: count(['grid', 'columns']), characters: num(['grid', 'characters']), gutter: num(['grid', 'gutter']), lines: count(['grid', 'lines']), pitch: num(['grid', 'pitch']) };
  const problem = gridProblem(trim, grid, styles.body.size);
  // At the grid's own line: the fault is the grid as a whole, not one of its numbers.
  if (problem) throw new IssueError('bad-template', loc.key([], 'grid'), `layout "${name}": grid ${problem}`);
  return {
    name,
    file,
    fontRoles,
    trim,
    grid,
    kinsoku,
    numeralUnits: str(['body', 'numeral-units'])!,
    loose: doc.getIn(['body', 'loose']) === undefined ? LOOSE_GAP : num(['body', 'loose']),
    typedSpace: doc.getIn(['body', 'space']) === undefined ? TYPED_SPACE : num(['body', 'space']),
    rules: { article: num(['rules', 'article']), folio: num(['rules', 'folio']) },
    jump: { to: jumpText('to'), from: jumpText('from') },
    pdfx: pdfxOf(['print', 'pdfx']),
    ads: { tolerance: mmToPt(doc.getIn(['ads', 'tolerance']) === undefined ? AD_TOLERANCE_MM : num(['ads', 'tolerance'])) },
    masthead: { lines: num(['masthead', 'lines']), columns: doc.getIn(['masthead', 'columns']) === undefined ? num(['grid', 'columns']) : num(['masthead', 'columns']), ink: inkOf(['masthead', 'ink']), teaser: teaserText() },
    pictures: {
      ppi: num(['pictures', 'ppi']),
      minPpi: num(['pictures', 'min-ppi']),
      profile: profileOf(str(['pictures', 'profile'])!),
      ...(str(['pictures', 'condition'], true) !== undefined ? { condition: { identifier: str(['pictures', 'condition'])!, registry: str(['pictures', 'registry'], true) } } : {}),
      quality: num(['pictures', 'quality']),
      tac: num(['pictures', 'tac']),
      allow: allowOf(['pictures', 'allow']),
    },
    styles,
    ranks,
    copyfit: { undersetLines: num(['copyfit', 'underset-lines']), holeLines: num(['copyfit', 'hole-lines']) },
    hao,
  };
}

/**
 * A grid wider or deeper than its trim would place every box off the page: what is wrong and what
 * to change, or undefined when the type area fits.
 */
function gridProblem(trim: Template['trim'], grid: Template['grid'], body: number): string | undefined {
  const mm = (pt: number) => Math.round(ptToMm(pt));
  const width = grid.columns * grid.characters * body + (grid.columns - 1) * grid.gutter * body;
  if (width > trim.width) {
    return `is ${mm(width)} mm wide (${grid.columns} columns of ${grid.characters} 字 and ${grid.columns - 1} gutters of ${grid.gutter} 字 at the body's ${body} pt), more than the trim's ${mm(trim.width)} mm; reduce grid.columns, grid.characters or grid.gutter, or widen trim.width`;
  }
  const depth = grid.lines * grid.pitch;
  if (depth > trim.height) {
    return `is ${mm(depth)} mm deep (${grid.lines} lines at ${grid.pitch} pt), more than the trim's ${mm(trim.height)} mm; reduce grid.lines or grid.pitch, or raise trim.height`;
  }
  return undefined;
}

/** layouts/sizes.yaml: each 号 name to its size in points, every mistake at its place in that file. */
export function loadHao(layoutsDir: string): Record<string, number> {
  const { doc, loc, data } = readConfig(join(layoutsDir, 'sizes.yaml'), 'sizes.yaml', 'give each 号 name its size in points (五号: 10.5)');
  if (!isMap(doc.contents) || !doc.contents.items.length) {
    throw new IssueError('bad-template', loc.value([]), 'sizes.yaml must map each 号 name to its size in points (五号: 10.5)');
  }
  // Without a prototype, a style's size of "constructor" or "toString" is no 号.
  const hao = Object.create(null) as Record<string, number>;
  for (const [name, pt] of Object.entries(data as Record<string, unknown>)) {
    if (typeof pt !== 'number' || !(pt > 0) || pt === Infinity) {
      throw new IssueError('bad-template', loc.value([name]), `sizes.yaml: 号 "${name}" must be a size in points (a positive number), not ${describe(pt)}`);
    }
    hao[name] = pt;
  }
  return hao;
}
