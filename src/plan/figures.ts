// What a plan reports to the desk: fill, holes, underset and overset per story, the rules it bent and why.
import type { Bent, Evaluation, Rule } from './objective.js';
import { placesOf, type PagePlanned } from './plan.js';

/** How the desk calls each rule (and its Chinese term where it has one). */
const RULE_NAMES: Record<Rule, string> = {
  order: 'rank order',
  collision: '撞题 (headlines side by side at one height)',
  'stacked-heads': '顶题 (a headline close under another)',
  pictures: 'pictures side by side',
  balance: 'balance',
};

/** Share of the type area's cells a plan's boxes and the fixed ones claim, percent. */
export function fillOf(p: PagePlanned, e: Evaluation): number {
  return 100 * (1 - e.whiteCells / (p.room.columns * p.room.lines));
}

const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;

function bentLine(p: PagePlanned, e: Evaluation, b: Bent): string {
  const ids = b.stories.map((k) => p.stories[k].article.id);
  const what =
    b.rule === 'order' ? `${ids[0]} (${p.stories[b.stories[0]].article.rank}) is read after ${ids[1]} (${p.stories[b.stories[1]].article.rank})`
    : b.rule === 'collision' ? `${ids[0]} and ${ids[1]} have their headlines side by side`
    : b.rule === 'stacked-heads' ? `${ids[1]}'s headline stands close under ${ids[0]}'s`
    : b.rule === 'pictures' ? `${ids[0]} and ${ids[1]} set their pictures side by side`
    : `${ids[0]}'s box is out of the layout's depth-to-width balance`;
  return `bent ${RULE_NAMES[b.rule]}: ${what}; ${whyBent(p, e, b.rule)}`;
}

/** What keeping the rule would have cost, from the best plan the search found that keeps it. */
function whyBent(p: PagePlanned, e: Evaluation, rule: Rule): string {
  const keep = p.result.keeping.get(rule);
  if (!keep) return 'no plan the search found keeps it';
  if (keep.leftOut.length > e.leftOut.length) return `keeping it, the best plan found leaves ${keep.leftOut.map((k) => p.stories[k].article.id).join(', ')} out`;
  if (keep.holeCells > e.holeCells) return `keeping it, the best plan found leaves a hole of ${keep.holeCells} grid cells (开天窗)`;
  if (keep.cut > e.cut) return `keeping it, the best plan found cuts ${lines(keep.cut - e.cut)} more`;
  if (keep.whiteCells > e.whiteCells) return `keeping it, the best plan found leaves ${keep.whiteCells - e.whiteCells} more grid cells white`;
  const others = [...new Set(keep.bent.map((b) => b.rule).filter((r) => !e.bent.some((b) => b.rule === r)))];
  return others.length ? `keeping it, the best plan found bends ${others.map((r) => RULE_NAMES[r]).join(', ')}` : 'keeping it costs more underset or balance';
}

/** The plan's lines: its figures, then each story's place and copyfit as planned, then what it bent. */
export function planLines(p: PagePlanned, e: Evaluation, index: number): string[] {
  const overset = e.cut ? `${lines(e.cut)} to cut (cut: allowed)` : 'no overset';
  const holes = e.holeCells ? `holes of ${e.holeCells} grid cells` : 'no hole';
  const out = [`plan ${index + 1}: fill ${fillOf(p, e).toFixed(1)} %, ${holes}, ${overset}, underset ${lines(e.underset)}; cost ${Math.round(e.cost)}`];
  const edits = new Map(placesOf(p, e).map((x) => [x.article, x.place]));
  for (const q of [...e.placed].sort((a, b) => a.top - b.top || a.column - b.column)) {
    const s = p.stories[q.story];
    const place = edits.get(s.article.id)!;
    const fit = s.article.kind === 'photo' ? 'picture takes the rest' : q.depth >= q.shape.natural ? `缺${q.depth - q.shape.natural}行` : `cut ${lines(q.shape.natural - q.depth)}`;
    out.push(`  ${s.article.id} (${s.article.rank}): {column: ${place.column}, span: ${place.span}, line: ${place.line}, lines: ${place.lines}}; head ${q.shape.headLines}, text ${q.shape.natural} lines; ${fit}`);
  }
  for (const k of e.leftOut) out.push(`  ${p.stories[k].article.id} (${p.stories[k].article.rank}): left out, no room for any of its shapes`);
  for (const b of e.bent) out.push(`  ${bentLine(p, e, b)}`);
  return out;
}

/** The page's heading line: its stories and how the search went. */
export function pageLine(p: PagePlanned, seed: number): string {
  const how = p.result.exhaustive ? 'every order and shape tried' : `annealing, seed ${seed}`;
  return `page ${p.page.number} (${p.layout.template.name}): ${p.stories.length} stories, ${how}; ${p.result.tried} plans weighed; ${Math.round(p.ms)} ms (shapes ${Math.round(p.shapesMs)}, search ${Math.round(p.searchMs)})`;
}
