// The speedup model: a draft's measured per-position acceptance (hardware-independent) and a cost
// profile (one machine's costs) give the draft's tokens per cycle, cycle time and speedup over
// vanilla on that machine. docs/projection.md states the model and what it leaves out.
//
//   tokens per cycle  tau = 1 + sum_i P(cycle accepts >= i drafts)       (bonus token included)
//   cycle time        T   = draft(shape) + verify(drafted + 1 tokens, KV) + cycle overhead
//   vanilla cycle     T0  = verify(1 token, KV) + cycle overhead
//   speedup (decode)  S   = tau * T0 / T
//   speedup (whole requests of N output tokens, fixed per-request cost R: prefill, HTTP)
//                     S_N = (R + (N - 1) T0) / (R + (N - 1) T / tau)
//
// The first output token comes from prefill in both, hence N - 1 cycles' worth of tokens.
import type { DraftCost, Profile } from '../profile/schema.ts';
import type { PositionAcceptance } from '../result/schema.ts';
import { mulberry32, type Rng } from '../stats/random.ts';
import { PrismInputError } from '../errors.ts';
import { isModelFreeDraft } from '../suite/types.ts';

/** A cycle's draft: a chain of `steps` (topK 1), a dynamic tree (steps x topK, `draftTokens` nodes), or none (vanilla). */
export interface DraftShape {
  method: string;
  /** draft tokens verified per cycle, the root not counted (a chain's length, a tree's nodes) */
  draftTokens: number;
  /** draft forward steps per cycle (step 0 is the extend pass) */
  steps: number;
  /** rows a later draft step feeds: 1 for a chain, top-k for a tree */
  topK: number;
}

/** Piecewise-linear in x through the points; beyond the ends, the end segment's line (a single point: constant). */
export function interpolate(points: readonly { x: number; y: number }[], x: number): number {
  const p = [...points].sort((a, b) => a.x - b.x);
  if (p.length === 1) return p[0].y;
  let i = p.findIndex((q) => q.x >= x);
  if (i <= 0) i = i === 0 ? 1 : p.length - 1;
  const a = p[i - 1], b = p[i];
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
}

/** Target pass time for `tokens` fed at a KV cache of `context` tokens: along tokens on each curve, then along context. */
export function verifyMs(profile: Profile, tokens: number, context: number): number {
  const byContext = profile.target.verify.map((c) => ({ x: c.contextTokens, y: interpolate(c.points.map((q) => ({ x: q.tokens, y: q.ms })), tokens) }));
  // no extrapolation along context beyond the measured range: attention's share is unknown there
  const lo = Math.min(...byContext.map((q) => q.x)), hi = Math.max(...byContext.map((q) => q.x));
  return Math.max(0, interpolate(byContext, Math.min(hi, Math.max(lo, context))));
}

/** A profile that cannot price a cell (no costs for its draft method): an input problem, exit 2. */
export class ProjectionError extends PrismInputError {}

/** Draft time per cycle for this shape from the profile's curve for its method. */
export function draftMs(profile: Profile, shape: DraftShape): number {
  if (shape.method === 'vanilla' || shape.draftTokens === 0) return 0;
  const cost: DraftCost | undefined = profile.drafts[shape.method];
  if (!cost) throw new ProjectionError(`profile ${profile.name} has no costs for draft method ${shape.method} (it has ${Object.keys(profile.drafts).join(', ') || 'none'})`);
  if (cost.kind === 'fixed') return cost.cycleMs;
  const step = interpolate(cost.steps.map((q) => ({ x: q.rows, y: q.ms })), Math.max(1, shape.topK));
  return cost.extendMs + Math.max(0, shape.steps - 1) * Math.max(0, step);
}

export interface CycleCost { draftMs: number; verifyMs: number; overheadMs: number; totalMs: number }

export function cycleCost(profile: Profile, shape: DraftShape, context: number): CycleCost {
  const d = draftMs(profile, shape);
  const v = verifyMs(profile, shape.draftTokens + 1, context);
  const o = profile.overheads.cycleMs;
  return { draftMs: d, verifyMs: v, overheadMs: o, totalMs: d + v + o };
}

/** Expected tokens per cycle, bonus included: 1 + the sum of the unconditional per-position rates. */
export function tokensPerCycle(unconditional: readonly number[]): number {
  return 1 + unconditional.reduce((a, b) => a + b, 0);
}

export interface RequestShape {
  /** output tokens per request */
  outputTokens: number;
  /** fixed time per request outside decode cycles (prefill, HTTP, tokenizing), ms */
  fixedMs: number;
}

export function speedupOf(tau: number, cycleMsSpec: number, cycleMsVanilla: number, request?: RequestShape): number {
  if (!request || request.outputTokens <= 1) return (tau * cycleMsVanilla) / cycleMsSpec;
  const n = request.outputTokens - 1;
  return (request.fixedMs + n * cycleMsVanilla) / (request.fixedMs + (n * cycleMsSpec) / tau);
}

/** The position counts behind a stored PositionAcceptance: trials n_i and successes x_i of each conditional rate. */
export function positionCounts(pa: PositionAcceptance): { trials: number[]; successes: number[] } {
  const atLeast = [pa.cycles, ...pa.unconditional.map((u) => Math.round(u * pa.cycles))];
  return { trials: atLeast.slice(0, -1), successes: atLeast.slice(1) };
}

/** Marsaglia-Tsang gamma(shape, 1), with a normal from Box-Muller. */
function gamma(shape: number, rng: Rng): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(rng() || 1e-300, 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
function beta(a: number, b: number, rng: Rng): number {
  const x = gamma(a, rng);
  return x / (x + gamma(b, rng));
}

export interface Projection {
  tau: number;
  cycle: CycleCost;
  vanillaCycleMs: number;
  speedup: number;
  /** 95% interval of the speedup carrying the acceptance's uncertainty only (the profile's costs are taken as exact) */
  interval: [number, number] | null;
}

/**
 * Projects one cell. Interval: each conditional rate gets a Jeffreys posterior Beta(x + 1/2, n - x + 1/2)
 * from its position counts (independent across positions: the stick-breaking form of a Dirichlet over
 * the accepted-length histogram); 2000 draws of tau pushed through the same cost, 2.5 and 97.5 percentiles.
 * Cycles are pooled over requests, which are not independent, so the interval is a lower bound on the spread.
 */
export function project(pa: PositionAcceptance, shape: DraftShape, profile: Profile, context: number, request?: RequestShape, draws = 2000, seed = 1): Projection {
  const cycle = cycleCost(profile, shape, context);
  const vanillaCycleMs = verifyMs(profile, 1, context) + profile.overheads.cycleMs;
  const tau = tokensPerCycle(pa.unconditional);
  const speedup = speedupOf(tau, cycle.totalMs, vanillaCycleMs, request);
  let interval: [number, number] | null = null;
  if (pa.cycles > 0 && pa.unconditional.length > 0) {
    const { trials, successes } = positionCounts(pa);
    const rng = mulberry32(seed);
    const s: number[] = [];
    for (let d = 0; d < draws; d++) {
      let reach = 1, t = 1;
      for (let i = 0; i < trials.length; i++) {
        // a position no cycle reached carries no data: its rate is drawn from the prior (Jeffreys)
        reach *= beta(successes[i] + 0.5, trials[i] - successes[i] + 0.5, rng);
        t += reach;
      }
      s.push(speedupOf(t, cycle.totalMs, vanillaCycleMs, request));
    }
    s.sort((a, b) => a - b);
    interval = [s[Math.floor(0.025 * (draws - 1))], s[Math.ceil(0.975 * (draws - 1))]];
  }
  return { tau, cycle, vanillaCycleMs, speedup, interval };
}

/** A shape priced at what its cycles drafted: at most `drafted` draft tokens per cycle (the verify pass that long); a chain cut short also runs fewer steps, a tree still runs all its steps. */
export function capDrafted(shape: DraftShape, drafted: number | undefined): DraftShape {
  if (drafted === undefined || drafted >= shape.draftTokens) return shape;
  const chain = shape.topK <= 1 && !isModelFreeDraft(shape.method) && shape.method !== 'medusa';
  return { ...shape, draftTokens: drafted, ...(chain ? { steps: Math.min(shape.steps, Math.max(1, drafted)) } : {}) };
}

export interface DepthAdvice {
  /** depth (chain length, or tree steps at the same top-k) -> projected speedup */
  curve: { depth: number; draftTokens: number; tau: number; cycleMs: number; speedup: number }[];
  best: { depth: number; draftTokens: number; speedup: number };
  /** exact for chains; for trees an approximation (see docs/projection.md) */
  exact: boolean;
}

/**
 * The best draft depth for a profile, from acceptance measured at the widest setting. Cutting a
 * chain at g keeps its first g positions' acceptance exactly (a cycle accepts >= i of g drafts iff it
 * accepts >= i of the longer chain), so tau(g) = 1 + sum_{i<=g} u_i. For a tree the same cut stands in
 * for fewer steps at the same top-k, with the node budget scaled by depth (EAGLE-2's dynamic tree
 * re-ranks nodes, so this is an approximation).
 */
export function adviseDepth(pa: PositionAcceptance, shape: DraftShape, profile: Profile, context: number, drafted?: number): DepthAdvice {
  const maxDepth = Math.max(1, Math.min(pa.unconditional.length, shape.topK > 1 ? shape.steps : Math.floor(shape.draftTokens)));
  const vanilla = verifyMs(profile, 1, context) + profile.overheads.cycleMs;
  const curve: DepthAdvice['curve'] = [];
  for (let d = 1; d <= maxDepth; d++) {
    const draftTokens = shape.topK > 1 ? Math.max(d, Math.round((shape.draftTokens * d) / shape.steps)) : d;
    const s: DraftShape = shape.topK > 1 ? { ...shape, steps: d, draftTokens } : { ...shape, steps: isModelFreeDraft(shape.method) ? 0 : d, draftTokens };
    const tau = tokensPerCycle(pa.unconditional.slice(0, d));
    // priced at what a cycle drafts on average (cut short near a request's end), as the cell's projection is
    const cycleMs = cycleCost(profile, capDrafted(s, drafted), context).totalMs;
    curve.push({ depth: d, draftTokens, tau, cycleMs, speedup: speedupOf(tau, cycleMs, vanilla) });
  }
  const best = curve.reduce((a, b) => (b.speedup > a.speedup ? b : a), curve[0]);
  return { curve, best: { depth: best.depth, draftTokens: best.draftTokens, speedup: best.speedup }, exact: shape.topK <= 1 };
}
