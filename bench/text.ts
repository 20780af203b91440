// The text both sides set: what Banmian's composition report says it set, handed to Typst as
// the headings and paragraphs a Typst user would write for the same articles.
import type { Article } from '../src/issue/types.js';
import type { Style, StyleName } from '../src/layout/template.js';
import type { ArticleReport } from '../src/page/types.js';

/** Characters on the page: whitespace is spacing on both sides, never a glyph. */
export const charactersOf = (text: string): number => {
  let n = 0;
  for (const ch of text) if (!/\s/u.test(ch)) n++;
  return n;
};

/** A block of an article as Typst sets it: a heading (its level) or a justified, indented paragraph. */
export interface TextBlock {
  heading?: 1 | 2 | 3;
  text: string;
}

/** A corpus article: what the many-page issues are built from. */
export interface PlainArticle {
  headline: string;
  paragraphs: string[];
}

/**
 * An issue article's texts in reading order, with the furniture the layout adds as characters of
 * the page (the 编者按 label, the bullet and brief markers, the credit's brackets in a picture story).
 */
export function articleBlocks(a: Article, styles: Record<StyleName, Style>): TextBlock[] {
  const blocks: TextBlock[] = [];
  const heading = (level: 1 | 2 | 3, text: string | undefined) => text && blocks.push({ heading: level, text });
  const paragraph = (text: string | undefined) => text && blocks.push({ text });
  heading(2, a.kicker);
  heading(1, a.headline?.join(' '));
  heading(2, a.subhead);
  paragraph(a.byline);
  a.note?.forEach((n, i) => paragraph(i === 0 ? `${styles.note.label ?? ''}${n}` : n));
  for (const row of a.table?.rows ?? []) paragraph(row.join(' '));
  for (const b of a.briefs ?? []) paragraph(`${styles.brief.marker ?? ''}${b}`);
  const photo = a.kind === 'photo';
  if (photo) paragraph(a.pictures[0]?.caption);
  for (const b of a.body) {
    if (b.kind === 'subhead') heading(3, b.text);
    else if (b.kind === 'bullets') b.items.forEach((item) => paragraph(`${styles.bullet.marker ?? ''}${item}`));
    else paragraph(`${b.lead ?? ''}${b.text}`);
  }
  const credits = a.pictures.map((p) => p.credit).filter((c): c is string => !!c);
  if (photo && credits[0]) blocks.push({ text: `（${credits[0]}）` });
  else if (!photo) for (const p of a.pictures) paragraph(p.caption), paragraph(p.credit);
  return blocks;
}

export const plainBlocks = (a: PlainArticle): TextBlock[] => [...(a.headline ? [{ heading: 1 as const, text: a.headline }] : []), ...a.paragraphs.map((text) => ({ text }))];

/**
 * The article cut to what its box set: the headline and the body's first characters, as many as
 * the report counts set. An article with nothing overset comes back whole.
 */
export function setPart(a: PlainArticle, report: Pick<ArticleReport, 'charactersSet' | 'oversetCharacters'>): PlainArticle {
  if (!report.oversetCharacters) return a;
  let budget = report.charactersSet - charactersOf(a.headline);
  const paragraphs: string[] = [];
  for (const p of a.paragraphs) {
    if (budget <= 0) break;
    const chars = [...p];
    let end = 0;
    while (end < chars.length && budget > 0) if (!/\s/u.test(chars[end++])) budget--;
    paragraphs.push(chars.slice(0, end).join(''));
  }
  return { headline: a.headline, paragraphs };
}

/** A real edit to one article: a phrase of its text changed in place. */
export interface Edit {
  from: string;
  to: string;
}

/** The text with the edit made; the phrase must stand exactly once in it, so nothing else changes. */
export function applyEdit(text: string, edit: Edit): string {
  const at = text.indexOf(edit.from);
  if (at < 0 || text.indexOf(edit.from, at + 1) >= 0) throw new Error(`the edited phrase "${edit.from}" must stand exactly once in the text`);
  return text.slice(0, at) + edit.to + text.slice(at + edit.from.length);
}

/** Run `i` of a warm series: the edit made, then undone, and so on; each run changes the text. */
export const editRound = (text: string, edit: Edit, i: number): string => (i % 2 === 0 ? applyEdit(text, edit) : text);
