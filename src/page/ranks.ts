import type { FontRegistry } from '../fonts/registry.js';
import type { Article } from '../issue/types.js';
import type { IssuePlan, PagePlan, Thread } from '../layout/resolve.js';
import { spanWidth } from '../layout/template.js';
import { capped, headlineFits, type HeadSizes } from './headline.js';
import { setContext } from './rows.js';

/**
 * How loud each story's headline group may be. A story's rank is the desk's, or follows from its
 * place: the widest and highest box leads, and a story less than half its weight is a third or a
 * brief. Headlines are fitted in rank order and each is capped at the size of every story that
 * outranks it, so a short item in a wide box is never set louder than the lead.
 */
export function headSizes(plan: IssuePlan, fonts: FontRegistry): Map<Article, HeadSizes> {
  const out = new Map<Article, HeadSizes>();
  for (const p of plan.pages) {
    const t = p.template;
    const own = plan.threads.filter((th) => th.parts[0].plan === p);
    const weights = new Map(own.map((th) => [th, weight(p, th, plan)]));
    const heaviest = Math.max(0, ...weights.values());
    const rankIndex = (th: Thread) => {
      if (th.article.rank !== undefined) return t.ranks.findIndex((r) => r.name === th.article.rank);
      const share = heaviest ? weights.get(th)! / heaviest : 0;
      const index = share >= 1 - 1e-9 ? 0 : share >= 0.5 ? 1 : share >= 0.2 ? 2 : 3;
      return Math.min(index, t.ranks.length - 1);
    };
    const order = [...own].sort((a, b) => rankIndex(a) - rankIndex(b) || weights.get(b)! - weights.get(a)!);
    const ctx = setContext(fonts, t, p.geometry.pitch);
    let cap = Infinity;
    for (const th of order) {
      const a = th.article;
      const rank = t.ranks[rankIndex(th)];
      if (a.headlineSize !== undefined) {
        const size = typeof a.headlineSize === 'number' ? a.headlineSize : t.hao[a.headlineSize];
        out.set(a, { rank: rank.name, headline: [size], kicker: rank.kicker, subhead: rank.subhead, fixed: true });
        continue;
      }
      const sizes = capped(rank, cap);
      if (!a.headline || a.briefs) {
        out.set(a, sizes);
        continue;
      }
      const width = spanWidth(p.geometry, th.parts[0].spec.span);
      const fits = sizes.headline.find((s) => headlineFits(ctx, a.headline!, t.styles.headline.font, s, width));
      // The sizes above the one found do not fit: the setter starts from it rather than trying them again.
      out.set(a, fits === undefined ? sizes : { ...sizes, headline: sizes.headline.filter((s) => s <= fits) });
      cap = Math.min(cap, fits ?? sizes.headline[sizes.headline.length - 1]);
    }
  }
  return out;
}

/** Higher and wider weighs more: columns × the lines from the box's top to the foot of the type area. */
function weight(p: PagePlan, th: Thread, plan: IssuePlan): number {
  return th.parts[0].spec.span * (p.geometry.lines - approximateTop(th, plan, new Set()));
}

/** A box under another starts at least a line below that one's top. */
function approximateTop(th: Thread, plan: IssuePlan, seen: Set<Thread>): number {
  const line = th.parts[0].spec.line;
  if (typeof line === 'number') return line - 1;
  const page = th.parts[0].plan.page.number;
  const above = plan.threads.find((o) => o.article.id === line.below);
  if (!above || seen.has(th)) return 0;
  seen.add(th);
  const part = above.parts.find((q) => q.plan.page.number === page) ?? above.parts[0];
  const top = typeof part.spec.line === 'number' ? part.spec.line - 1 : approximateTop(above, plan, seen);
  return top + (typeof part.spec.lines === 'number' ? part.spec.lines + 1 : 1);
}
