import type { Issue } from './types.js';

// trim() also drops U+3000: desk copy pasted from Word often starts paragraphs with 　　, and indents are the layout's job.
/** Text as it is set: the same for a value of the issue file and a line of a story file. */
export const trimmed = (v: unknown): string => String(v).trim();
/** A headline's lines: one string, or the list of them the desk broke it into. */
export const textLines = (v: unknown): string[] => (Array.isArray(v) ? v.map(trimmed) : [trimmed(v)]);

/** Every piece of text an issue will set, for questions about its characters (which fonts cover them). */
export function issueTexts(issue: Issue): string[] {
  // Pushed one by one: a table of many rows or a row of many cells must not become one call's arguments.
  const out: string[] = [];
  const add = (texts: readonly (string | undefined)[]) => {
    for (const text of texts) if (text) out.push(text);
  };
  add([issue.paper]);
  for (const page of issue.pages) {
    add([page.name, page.editor]);
    for (const a of page.articles) {
      add([a.kicker, a.subhead, a.byline]);
      add(a.headline ?? []);
      add(a.note ?? []);
      add(a.briefs ?? []);
      for (const row of a.table?.rows ?? []) add(row);
      for (const p of a.pictures) add([p.caption, p.credit]);
      for (const b of a.body) {
        if (b.kind === 'bullets') add(b.items);
        else add([b.text, b.kind === 'paragraph' ? b.lead : undefined]);
      }
    }
  }
  return out;
}
