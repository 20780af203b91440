// The search for a page's plan: every order and shape for a few stories, with what is already
// lost pruning the rest; for more, simulated annealing in a few streams from a seed, its best plan
// then bettered one change at a time. The same input and seed give the same plan.
import { evaluate, partialCost, planKey, put, type Evaluation, type Genome, type Placed, type Room, type Rule } from './objective.js';
import type { Story } from './shapes.js';
import type { PlanSettings } from './settings.js';

/** Up to this many stories, every order and shape is tried (with pruning); more, annealing. */
export const EXHAUSTIVE_STORIES = 5;
/**
 * Annealing: steps per run, whatever the number of runs (a page with two lead-rank stories runs
 * from twice the starts, each as long), and the temperature it starts and ends at, in cost units.
 */
const STEPS = 1_600;
/** Annealing runs at the least, each from its own start. */
const RUNS = 4;
/**
 * Annealing over again from the same starts with this many streams of random choices, each its
 * own seed: one stream alone stops at a page with a hole about one time in four, and rarely two
 * streams on the same page.
 */
const STREAMS = 3;
const HOT = 3_000;
const COLD = 1;

/** mulberry32: a small PRNG with a 32-bit state, so a seed fixes every choice the search makes. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SearchOptions {
  /** How many distinct plans to keep, best first. */
  candidates: number;
  seed: number;
}

export interface SearchResult {
  /** The best distinct plans found, best first. */
  plans: Evaluation[];
  /** Per rule, the best plan found that keeps it: what bending it bought. */
  keeping: Map<Rule, Evaluation>;
  /** Plans evaluated. */
  tried: number;
  exhaustive: boolean;
}

/** A plan's choices and what they cost. */
type Weighed = Pick<Evaluation, 'genome' | 'cost'>;

/** Keeps the best distinct plans seen, and per rule the best that keeps it. */
class Kept {
  plans: Evaluation[] = [];
  /** Each kept plan's key, worked out once when it is kept. */
  private readonly keys = new WeakMap<Evaluation, string>();
  keeping = new Map<Rule, Evaluation>();
  tried = 0;
  constructor(private readonly room: number) {}
  offer(e: Evaluation): void {
    this.tried++;
    for (const rule of ['order', 'collision', 'stacked-heads', 'pictures', 'balance'] as Rule[]) {
      if (e.bent.some((b) => b.rule === rule)) continue;
      const known = this.keeping.get(rule);
      if (!known || e.cost < known.cost) this.keeping.set(rule, e);
    }
    if (this.plans.length >= this.room && e.cost >= this.plans[this.plans.length - 1].cost) return;
    const key = planKey(e);
    if (this.plans.some((p) => this.keys.get(p) === key)) return;
    this.keys.set(e, key);
    this.plans.push(e);
    // Ties keep the plan found first: the order of the search, which the seed fixes.
    this.plans.sort((a, b) => a.cost - b.cost);
    this.plans.length = Math.min(this.plans.length, this.room);
  }
  worst(): number {
    return this.plans.length < this.room ? Infinity : this.plans[this.plans.length - 1].cost;
  }
}

/** A start: the given lead first, then by rank, then as the issue lists them; each at its middle span, the lead at the shape given. */
function firstGenome(stories: Story[], lead: number | undefined, leadShape = 0): Genome {
  const order = stories.map((_, k) => k).sort((a, b) => (a === lead ? -1 : b === lead ? 1 : stories[a].rank - stories[b].rank || a - b));
  const shapes = stories.map((s) => Math.floor((s.shapes.length - 1) / 2));
  if (lead !== undefined) shapes[lead] = leadShape;
  return { order, shapes };
}

/** Every lead-rank story at every shape of its own, each a start: the lead's width decides most of the page. */
function starts(stories: Story[], leads: number[]): Genome[] {
  if (!leads.length) return [firstGenome(stories, undefined)];
  return leads.flatMap((lead) => stories[lead].shapes.map((_, i) => firstGenome(stories, lead, i)));
}

/**
 * The best plans for the page. `leads` are the stories of the lead's rank: one of them is put
 * first, at the head of the lead's side; which one is the search's choice.
 */
export function search(room: Room, settings: PlanSettings, stories: Story[], leads: number[], options: SearchOptions): SearchResult {
  const kept = new Kept(Math.max(1, options.candidates));
  const exhaustive = stories.length <= EXHAUSTIVE_STORIES;
  if (exhaustive) {
    // The starts first: the kept plans bound the search from its first branch on.
    for (const genome of starts(stories, leads)) kept.offer(evaluate(room, settings, stories, genome));
    everyPlan(room, settings, stories, leads, kept);
  } else anneal(room, settings, stories, leads, options.seed, kept);
  return { plans: kept.plans, keeping: kept.keeping, tried: kept.tried, exhaustive };
}

/** Depth-first over the next story and its shape; a branch whose loss so far cannot beat the kept plans is cut. */
function everyPlan(room: Room, settings: PlanSettings, stories: Story[], leads: number[], kept: Kept): void {
  const order: number[] = [];
  const shapes = stories.map(() => 0);
  const placed: Placed[] = [];
  const taken = stories.map(() => false);
  const step = (cursors: number[], waste: number, holeWaste: number, leftOut: number) => {
    if (order.length === stories.length) {
      kept.offer(evaluate(room, settings, stories, { order: [...order], shapes: [...shapes] }));
      return;
    }
    for (let k = 0; k < stories.length; k++) {
      if (taken[k] || (leads.length && order.length === 0 && stories[k].rank !== 0)) continue;
      const lead = order.length === 0 && stories[k].rank === 0;
      stories[k].shapes.forEach((shape, i) => {
        const next = cursors.slice();
        const p = put(room, settings, next, k, shape, lead);
        let w = waste;
        let hw = holeWaste;
        if (p) {
          for (let c = p.column; c < p.column + shape.span; c++) {
            const gap = p.top - cursors[c];
            w += gap;
            if (gap >= room.holeLines) hw += gap;
          }
          placed.push(p);
        }
        order.push(k);
        taken[k] = true;
        shapes[k] = i;
        const out = leftOut + (p ? 0 : 1);
        if (partialCost(room, settings, stories, placed, w, hw, out) < kept.worst()) step(next, w, hw, out);
        order.pop();
        taken[k] = false;
        if (p) placed.pop();
      });
    }
  };
  step(room.start.slice(), 0, 0, 0);
}

/**
 * Simulated annealing over the order and shapes. The first runs each start from one lead-rank
 * story first at one of its shapes, kept so; the runs after those may change the lead's shape and
 * which lead-rank story leads. Plans already weighed are not decoded again.
 */
function anneal(room: Room, settings: PlanSettings, stories: Story[], leads: number[], seed: number, kept: Kept): void {
  // Of a plan weighed once, only its choices and cost are kept: the kept plans hold the rest.
  const weighed = new Map<string, Weighed>();
  const weigh = (genome: Genome): Weighed => {
    const key = String.fromCharCode(...genome.order, ...genome.shapes);
    let w = weighed.get(key);
    if (!w) {
      const e = evaluate(room, settings, stories, genome);
      kept.offer(e);
      w = { genome, cost: e.cost };
      weighed.set(key, w);
    }
    return w;
  };
  const first = leads.length ? 1 : 0;
  const begin = starts(stories, leads);
  const runs = Math.max(RUNS, begin.length);
  for (let stream = 0; stream < STREAMS; stream++) {
    const random = prng(seed * STREAMS + stream);
    const pick = (n: number) => Math.floor(random() * n);
    for (let run = 0; run < runs; run++) {
      const pinned = leads.length > 0 && run < begin.length;
      let current = weigh(begin[run % begin.length]);
      for (let s = 0; s < STEPS; s++) {
        const temperature = HOT * (COLD / HOT) ** (s / STEPS);
        const genome: Genome = { order: current.genome.order.slice(), shapes: current.genome.shapes.slice() };
        const move = pick(3);
        if (move === 0) {
          const k = pick(stories.length);
          if (!pinned || k !== genome.order[0]) genome.shapes[k] = pick(stories[k].shapes.length);
        } else if (!pinned && leads.length > 1 && move === 1 && random() < 1 / stories.length) {
          // Another lead-rank story leads: it changes places with the one first.
          const other = leads[pick(leads.length)];
          const j = genome.order.indexOf(other);
          [genome.order[0], genome.order[j]] = [genome.order[j], genome.order[0]];
        } else if (genome.order.length - first >= 2) {
          const i = first + pick(genome.order.length - first);
          const j = first + pick(genome.order.length - first);
          if (move === 1) [genome.order[i], genome.order[j]] = [genome.order[j], genome.order[i]];
          else genome.order.splice(j, 0, ...genome.order.splice(i, 1));
        }
        const next = weigh(genome);
        if (next.cost <= current.cost || random() < Math.exp((current.cost - next.cost) / temperature)) current = next;
      }
    }
  }
  polish(stories, leads, kept.plans[0], weigh);
}

/**
 * From the best plan annealing found, every plan one change away (a story at another shape, two
 * stories swapped, one moved) is weighed and the best taken, until none is better: annealing
 * stops short of a better plan a step away more often than not.
 */
function polish(stories: Story[], leads: number[], best: Weighed, weigh: (genome: Genome) => Weighed): void {
  for (let current = best; ; ) {
    let next = current;
    for (const genome of neighbours(stories, leads, current.genome)) {
      const e = weigh(genome);
      if (e.cost < next.cost) next = e;
    }
    if (next === current) return;
    current = next;
  }
}

/** The plans one change from the genome's, the first place kept for a lead-rank story. */
function* neighbours(stories: Story[], leads: number[], g: Genome): Generator<Genome> {
  for (let k = 0; k < stories.length; k++) {
    for (let i = 0; i < stories[k].shapes.length; i++) {
      if (i === g.shapes[k]) continue;
      const shapes = g.shapes.slice();
      shapes[k] = i;
      yield { order: g.order, shapes };
    }
  }
  const n = g.order.length;
  const keeps = (order: number[]) => !leads.length || stories[order[0]].rank === 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (i < j) {
        const swapped = g.order.slice();
        [swapped[i], swapped[j]] = [swapped[j], swapped[i]];
        if (keeps(swapped)) yield { order: swapped, shapes: g.shapes };
      }
      if (Math.abs(i - j) > 1) {
        const moved = g.order.slice();
        moved.splice(j, 0, ...moved.splice(i, 1));
        if (keeps(moved)) yield { order: moved, shapes: g.shapes };
      }
    }
  }
}
