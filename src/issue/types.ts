/** Where a value came from in the issue file, for messages that name file:line:column. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

/** A rectangle on the page grid: columns (栏) across, grid lines (行) down; 1-based. */
export interface GridPlace {
  column: number;
  span: number;
  line: number;
  /** Height in grid lines, or "bottom": to the foot of the type area. */
  lines: number | 'bottom';
}

/** Under another article on the same page: the box starts after its foot, one free line between. */
export interface BelowRef {
  below: string;
  pos: SourcePos;
}

/**
 * An article's box as the desk wrote it: its top may follow another box (`below`) and its depth
 * may be `auto` (as deep as its content needs), so the grid rectangle is known only once the
 * page is made up.
 */
export interface PlaceSpec {
  column: number;
  span: number;
  line: number | BelowRef;
  lines: number | 'bottom' | 'auto';
}

/** One body element of an article, in reading order. */
export type BodyBlock =
  | { kind: 'paragraph'; lead?: string; text: string; hang?: boolean; pos: SourcePos }
  | { kind: 'subhead'; text: string; pos: SourcePos } // 小标题
  | { kind: 'bullets'; items: string[]; pos: SourcePos }; // 要点

export interface Table {
  rows: string[][];
  pos: SourcePos;
}

/** A framed picture slot, placed on the grid relative to its article's box. */
/** Which part of a picture fills its slot. */
export type Crop = { focus: [number, number] } | { rect: [number, number, number, number] };

export interface PictureSlot {
  place: GridPlace;
  /** The picture file, resolved against the issue file's folder; none: an empty frame. */
  source?: string;
  crop?: Crop;
  caption?: string;
  credit?: string;
  pos: SourcePos;
}

/** A further part of an article's thread (转版): its text flows on into this box. */
export interface Continuation {
  page: number;
  place: PlaceSpec;
  /** 转版题: the short headline over the continued part; the article's own headline when absent. */
  headline?: string;
  pos: SourcePos;
}

/** The desk's fixed headline size: a 号 name of layouts/sizes.yaml or points. */
export type SizeSpec = string | number;

/** 图片新闻 (photo) sets the picture across the box with its text as a caption; a story is the default. */
export type ArticleKind = 'story' | 'photo';

export interface Article {
  id: string;
  /** None (no place, or `place: auto`): the desk leaves it to the plan (compose plan, 自动组版). */
  place?: PlaceSpec;
  /** `cut: allowed`: the plan may give the story a box shorter than its text (删节). */
  cut?: boolean;
  kind: ArticleKind;
  /** The layout's rank name (lead, second, …): which sizes the headline group may take. */
  rank?: string;
  /** 变栏: the body set in this many text columns across the span instead of the grid's. */
  columns?: number;
  /** A size the desk fixed for the headline, overriding its rank's. */
  headlineSize?: SizeSpec;
  /** The story file the text came from (the issue file's folder joined to its name), for whoever watches files. */
  story?: string;
  /** Further parts, in reading order; the first part is `place` on the article's own page. */
  continued: Continuation[];
  kicker?: string; // 引题
  headline?: string[]; // 主题: one or two lines as the desk wrote them
  subhead?: string; // 副题
  byline?: string;
  note?: string[]; // 编者按
  table?: Table;
  body: BodyBlock[];
  briefs?: string[]; // 简报 items under the headline
  pictures: PictureSlot[];
  pos: SourcePos;
}

/** The advertiser's PDF an ad space carries: its file (resolved against the issue file's folder) and the page of it to place. */
export interface AdSource {
  file: string;
  /** 1-based; a file of one page needs none. */
  page?: number;
  /** Where the issue names the file. */
  pos: SourcePos;
}

/** Space on a page meant to be filled by others: 广告位 (ad) or 预留 (reserved). */
export interface PageSpace {
  place: GridPlace;
  kind: 'ad' | 'reserved';
  label?: string;
  /** The advertisement placed into an ad space; none: the space stays white for the ad desk. */
  ad?: AdSource;
  pos: SourcePos;
}

export interface Page {
  number: number; // 版次
  name: string; // 版名
  editor?: string; // 责任编辑
  layout: string;
  /** 报头: the masthead across the head of the page (头版). */
  masthead: boolean;
  articles: Article[];
  spaces: PageSpace[];
  /** 导读: stories on other pages announced in the masthead's ear, by their headlines and pages. */
  teasers: { article: string; pos: SourcePos }[];
  pos: SourcePos;
}

export interface Issue {
  file: string;
  paper: string;
  date: string; // YYYY-MM-DD
  edition?: number; // 期号
  serial?: string; // 国内统一连续出版物号, CN 50-0001
  postalCode?: string; // 邮发代号
  pages: Page[];
}
