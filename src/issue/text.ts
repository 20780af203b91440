import type { Issue } from './types.js';

// trim() also drops U+3000: desk copy pasted from Word often starts paragraphs with 　　, and indents are the layout's job.
/** Text as it is set: the same for a value of the issue file and a line of a story file. */
export const trimmed = (v: unknown): string => String(v).trim();
/** A headline's lines: one string, or the list of them the desk broke it into. */
export const textLines = (v: unknown): string[] => (Array.isArray(v) ? v.map(trimmed) : [trimmed(v)]);

/** Every piece of text an issue will set, for questions about its characters (which fonts cover them). */
export function issueTexts(issue: Issue): string[] {
  const out: string[] = [issue.paper];
  for (const page of issue.pages) {
    out.push(page.name, ...(page.editor ? [page.editor] : []));
    for (const a of page.articles) {
      out.push(...[a.kicker, a.subhead, a.byline].filter((x): x is string => !!x), ...(a.headline ?? []), ...(a.note ?? []), ...(a.briefs ?? []));
      for (const row of a.table?.rows ?? []) out.push(...row);
      for (const p of a.pictures) out.push(...[p.caption, p.credit].filter((x): x is string => !!x));
      for (const b of a.body) {
        if (b.kind === 'paragraph') out.push(b.text, ...(b.lead ? [b.lead] : []));
        else if (b.kind === 'subhead') out.push(b.text);
        else out.push(...b.items);
      }
    }
  }
  return out;
}
