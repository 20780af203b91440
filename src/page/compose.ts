import type { FontRegistry, MissingGlyph } from '../fonts/registry.js';
import type { Issue } from '../issue/types.js';
import type { PagePlan } from '../layout/resolve.js';
import type { CompositionWarning } from '../text/types.js';
import { composeArticle } from './article.js';
import { composeFolio } from './folio.js';
import type { SetContext } from './rows.js';
import { separators } from './separators.js';
import type { ArticleReport, ComposedPage, Composition, Finding } from './types.js';

/** Places every article of every page and gathers what the desk must hear: overset, missing glyphs, loose lines. */
export function composeIssue(issue: Issue, plans: PagePlan[], fonts: FontRegistry): Composition {
  const pages: ComposedPage[] = [];
  const articles: ArticleReport[] = [];
  const findings: Finding[] = fonts.warnings.map((w) => ({ code: w.code, blocking: false, message: w.message }));
  for (const plan of plans) {
    const { page, template, geometry: g } = plan;
    const missing: MissingGlyph[] = [];
    const warnings: CompositionWarning[] = [];
    const ctx: SetContext = { fonts, template, pitch: g.pitch, missing, warnings };
    const out: ComposedPage = { number: page.number, name: page.name, template, geometry: g, glyphs: [], rules: [], frames: [], boxes: [] };
    const folio = composeFolio(ctx, g, issue, page);
    out.glyphs.push(...folio.glyphs);
    out.rules.push(...folio.rules);
    for (const a of page.articles) {
      const before = warnings.length;
      const missingBefore = missing.length;
      const placed = composeArticle(ctx, g, page.number, a);
      out.glyphs.push(...placed.glyphs);
      out.rules.push(...placed.rules);
      out.frames.push(...placed.frames);
      out.boxes.push(placed.box);
      articles.push(placed.report);
      const r = placed.report;
      if (r.oversetCharacters > 0 || r.oversetLines > 0) {
        const text = placed.overset.map((row) => row.glyphs.map((gl) => gl.ch).join('')).join('');
        findings.push({
          code: 'overset',
          blocking: true,
          page: page.number,
          article: a.id,
          message: `${count(r.oversetCharacters, 'character')} in ${count(r.oversetLines, 'line')} overset (${text.length > 24 ? `${text.slice(0, 24)}…` : text})`,
        });
      }
      for (const p of placed.picturesOutside) {
        findings.push({
          code: 'picture-outside-box',
          blocking: true,
          page: page.number,
          article: a.id,
          message: `the picture slot at ${p.pos.file}:${p.pos.line}:${p.pos.column} reaches past the foot of the article's box: not drawn; give the article more lines or the picture fewer`,
        });
      }
      for (const w of warnings.slice(before)) findings.push({ code: w.code, blocking: false, page: page.number, article: a.id, message: `${w.detail}: ${w.text}` });
      const lacking = missing.slice(missingBefore);
      const describe = (list: MissingGlyph[]) =>
        [...new Set(list.map((m) => m.ch))].map((c) => `${c} U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
      const lost = lacking.filter((m) => !m.face);
      if (lost.length) {
        findings.push({ code: 'missing-glyph', blocking: true, page: page.number, article: a.id, message: `${count(lost.length, 'character')} no font has (${describe(lost)}): left out` });
      }
      const borrowed = lacking.filter((m) => m.face);
      if (borrowed.length) {
        findings.push({
          code: 'glyph-fallback',
          blocking: false,
          page: page.number,
          article: a.id,
          message: `${count(borrowed.length, 'character')} set from a fallback font (${describe(borrowed)} from ${[...new Set(borrowed.map((m) => m.face))].join(', ')})`,
        });
      }
    }
    out.rules.push(...separators(g, page.articles, template.rules.article));
    pages.push(out);
  }
  return { pages, articles, findings };
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
