// The gate's decision rule against a tolerance, its power, and the smallest regression it detects
// at 80% power (minimum detectable effect, MDE). Every comparison works on the log scale, where a
// slowdown of x% and the matching speedup are symmetric and ratios of cells can be averaged.
//
// The rule: with d the estimated log change in the worse direction, se_hat its standard error and
// df its degrees of freedom, a regression is shown when the one-sided t test of H0: delta <= thr
// (thr = the tolerance on the log scale) rejects, i.e. p = P(T_df > (d - thr) / se_hat) is below
// alpha after Holm's adjustment. A true change within the tolerance then fails at most alpha of
// the time, whatever the noise; an improvement is the mirror test in the better direction.
//
// Power at a true log change delta, at a Holm step of level a: P((d - thr) / se_hat > t_{1-a}(df)).
// With a single estimated variance (a paired test: se_hat^2 ~ se^2 chi^2_df / df, df fixed) that is
// the noncentral t tail with noncentrality (delta - thr) / se. A Welch test (and the unpaired
// suite, which pools the cells' Welch variances) also estimates its df from the data (Satterthwaite):
// at small n the df drawn is often well below its expectation, and the critical t, steep there, rises
// with it. So for more than one variance component the power is averaged over fixed, seeded draws of
// every component's chi-square (Monte Carlo with common random numbers): each draw gives se_hat and
// the df the test would compute, hence a critical value c; the power is the mean of
// Phi((delta - thr) / se - c / se). The MDE is thr + lambda * se where lambda solves power = 80%;
// lambda does not depend on thr or on the scale of se, only on the df structure and the level.
import type { Direction } from './compare.ts';
import { normalCdf, normalPdf, noncentralTSf, tQuantile, tSf } from './distributions.ts';
import { mulberry32, standardNormal, type Rng } from './random.ts';

export const DEFAULT_POWER = 0.8;

/** An estimated variance (of a log ratio's mean, on the log scale) and its degrees of freedom. */
export interface VarianceComponent {
  variance: number;
  df: number;
}

/**
 * How a standard error was estimated: independent groups (the cells of an unpaired suite; a single
 * group for one cell), each the sum of independent components (a Welch cell's two sides; one
 * component for a paired test). se^2 is the sum of every variance; the test's df is
 * Welch-Satterthwaite over the groups, each group's own df Satterthwaite over its components, as
 * combineCells computes it.
 */
export type VarianceGroups = readonly (readonly VarianceComponent[])[];

/** A single estimated variance se^2 with df degrees of freedom (a paired or one-sample test). */
export const singleVariance = (se: number, df: number): VarianceGroups => [[{ variance: se * se, df }]];

/**
 * The log change in the worse direction that equals a relative change `rel` (0.05 = 5% worse):
 * throughput 5% lower is -ln(0.95), latency 5% higher is ln(1.05).
 */
export const relativeToLog = (rel: number, direction: Direction) => (direction === 'higher' ? -Math.log1p(-Math.min(rel, 1 - 1e-12)) : Math.log1p(rel));
/** The inverse of relativeToLog. */
export const logToRelative = (d: number, direction: Direction) => (direction === 'higher' ? -Math.expm1(-d) : Math.expm1(d));
/** The tolerance on the log scale, in the worse direction. */
export const thresholdLog = (maxRegressionPct: number, direction: Direction) => relativeToLog(maxRegressionPct / 100, direction);
/** The tolerance on the log scale in the better direction: throughput 5% higher is ln(1.05), latency 5% lower -ln(0.95). */
export const improvementThresholdLog = (maxRegressionPct: number, direction: Direction) => relativeToLog(maxRegressionPct / 100, direction === 'higher' ? 'lower' : 'higher');

/**
 * One-sided p of H0: true log change <= margin against H1: > margin, for an estimate `logChange`
 * with standard error `se` on `df` degrees of freedom. With se = 0 the estimate is taken as exact.
 */
export function beyondP(logChange: number, se: number, df: number, margin: number): number {
  if (se === 0) return logChange > margin ? 0 : 1;
  return tSf((logChange - margin) / se, df);
}

/**
 * Welch-Satterthwaite degrees of freedom of a sum of independent variance components. Computed on
 * the variances relative to the largest: their squares overflow from ~1e154 and underflow below
 * ~1e-154 (NaN df), the ratio does not.
 */
export function satterthwaite(components: readonly { variance: number; df: number }[]): number {
  const largest = components.reduce((m, c) => Math.max(m, c.variance), 0);
  const rel = components.map((c) => ({ v: largest > 0 ? c.variance / largest : 0, df: c.df }));
  const total = rel.reduce((a, c) => a + c.v, 0);
  const denom = rel.reduce((a, c) => a + (c.v * c.v) / c.df, 0);
  return denom > 0 ? (total * total) / denom : components.reduce((a, c) => a + c.df, 0);
}

const groupSum = (g: readonly VarianceComponent[]) => g.reduce((a, c) => a + c.variance, 0);

/** The df the test computes from these variances (nested Satterthwaite, as combineCells does). */
export function testDf(groups: VarianceGroups): number {
  return satterthwaite(groups.map((g) => ({ variance: groupSum(g), df: satterthwaite(g) })));
}

/** The standard error these variances give. */
export const totalSe = (groups: VarianceGroups): number => Math.sqrt(groups.reduce((a, g) => a + groupSum(g), 0));

const DRAWS = 4096;
const SEED = 20240601;


/** Gamma(shape, 1) by Marsaglia-Tsang, with the u^(1/shape) boost below shape 1. */
function gamma(shape: number, rng: Rng): number {
  if (shape < 1) return gamma(shape + 1, rng) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** t_{1-a}(df) for df in [lo, hi]: exact at 64 log-spaced nodes, log-log interpolation between. */
function criticalT(a: number, lo: number, hi: number): (df: number) => number {
  if (!(hi > lo * (1 + 1e-9))) {
    const t = -tQuantile(a, lo);
    return () => t;
  }
  const K = 64;
  const lnLo = Math.log(lo);
  const step = (Math.log(hi) - lnLo) / (K - 1);
  const nodes = Array.from({ length: K }, (_, i) => Math.log(-tQuantile(a, Math.exp(lnLo + i * step))));
  return (df) => {
    const x = Math.min(K - 1, Math.max(0, (Math.log(df) - lnLo) / step));
    const i = Math.min(K - 2, Math.floor(x));
    return Math.exp(nodes[i]! + (x - i) * (nodes[i + 1]! - nodes[i]!));
  };
}

/**
 * The critical values of the simulated tests in units of the true se: per draw, t_{1-a}(df_hat) *
 * se_hat / se. The same seeded draws every time, so an MDE is a function of its inputs.
 */
function criticalDraws(groups: VarianceGroups, a: number): Float64Array {
  const se = totalSe(groups);
  const all = groups.flat();
  const lo = Math.min(...all.map((c) => c.df));
  const hi = all.reduce((s, c) => s + c.df, 0);
  const tc = criticalT(a, lo, hi);
  const rng = mulberry32(SEED);
  const out = new Float64Array(DRAWS);
  for (let j = 0; j < DRAWS; j++) {
    // testDf over the drawn variances, inlined: this loop is the whole cost of an unpaired MDE
    let total = 0;
    let denom = 0;
    for (const g of groups) {
      let sum = 0;
      let inner = 0;
      for (const c of g) {
        const x = (c.variance * 2 * gamma(c.df / 2, rng)) / c.df;
        sum += x;
        inner += (x * x) / c.df;
      }
      const groupDf = inner > 0 ? (sum * sum) / inner : g.reduce((d, c) => d + c.df, 0);
      total += sum;
      denom += (sum * sum) / groupDf;
    }
    const df = denom > 0 ? (total * total) / denom : hi;
    out[j] = (tc(df) * Math.sqrt(total)) / se;
  }
  return out;
}

/** Power as a function of lambda = (delta - thr) / se, for a test at level `a`. */
function powerCurve(groups: VarianceGroups, a: number): { power: (lambda: number) => number; slope: ((lambda: number) => number) | null } {
  const comps = groups.flat();
  if (comps.length === 1) {
    const df = comps[0]!.df;
    const tc = -tQuantile(a, df); // from the tail a: 1 - a rounds
    return { power: (lambda) => noncentralTSf(tc, df, lambda), slope: null };
  }
  const c = criticalDraws(groups, a);
  return {
    power: (lambda) => {
      let s = 0;
      for (let j = 0; j < c.length; j++) s += normalCdf(lambda - c[j]!);
      return s / c.length;
    },
    slope: (lambda) => {
      let s = 0;
      for (let j = 0; j < c.length; j++) s += normalPdf(lambda - c[j]!);
      return s / c.length;
    },
  };
}

const usable = (groups: VarianceGroups) => groups.length > 0 && groups.every((g) => g.length > 0 && g.every((c) => c.df > 0 && c.variance >= 0 && Number.isFinite(c.variance)));

/**
 * Probability that the rule, at level `alpha` (the strictest Holm step: alpha / family size),
 * shows a regression when the true log change in the worse direction is `delta`.
 */
export function decisionPower(delta: number, groups: VarianceGroups, alpha: number, maxRegressionPct: number, direction: Direction): number {
  if (!usable(groups)) return 0;
  const thr = thresholdLog(maxRegressionPct, direction);
  const se = totalSe(groups);
  if (se === 0) return delta > thr ? 1 : 0;
  return Math.min(1, Math.max(0, powerCurve(groups, alpha).power((delta - thr) / se)));
}

/** Memo of lambda for single-variance tests, which share df and level across cells. */
const lambdaMemo = new Map<string, number>();

/** lambda = (delta - thr) / se at which the power reaches `power`. */
function powerLambda(groups: VarianceGroups, a: number, power: number): number {
  const comps = groups.flat();
  const key = comps.length === 1 ? `${comps[0]!.df}|${a}|${power}` : null;
  const memo = key === null ? undefined : lambdaMemo.get(key);
  if (memo !== undefined) return memo;
  const { power: p, slope } = powerCurve(groups, a);
  let lo = 0;
  let hi = 4;
  // bounded: past ~1e300 the power cannot be reached in doubles (a critical t beyond the range)
  for (let i = 0; p(hi) < power; i++) {
    if (i >= 1000 || !Number.isFinite(hi * 2)) return Infinity;
    lo = hi; hi *= 2;
  }
  let x = (lo + hi) / 2;
  for (let i = 0; i < 200 && hi - lo > 1e-11 * Math.max(1, hi); i++) {
    const v = p(x) - power;
    if (v < 0) lo = x; else hi = x;
    // Newton where the slope is known and the step stays inside the bracket; bisection otherwise
    const s = slope?.(x) ?? 0;
    const nx = s > 0 ? x - v / s : NaN;
    x = nx > lo && nx < hi ? nx : (lo + hi) / 2;
    if (Math.abs(v) < 1e-9) { lo = hi = x; break; }
  }
  const lambda = (lo + hi) / 2;
  if (key !== null) lambdaMemo.set(key, lambda);
  return lambda;
}

/**
 * Minimum detectable effect, as a relative change in the metric's worse direction (0.05 = 5%
 * slower for throughput, 5% longer for latency): the true change the rule shows as a regression
 * with probability `power` at level `alpha`. Infinity when there is no variance estimate.
 */
export function minimumDetectableChange(groups: VarianceGroups, alpha: number, maxRegressionPct: number, direction: Direction, power = DEFAULT_POWER): number {
  if (!usable(groups)) return Infinity;
  const thr = thresholdLog(maxRegressionPct, direction);
  const se = totalSe(groups);
  if (se === 0) return logToRelative(thr, direction);
  return logToRelative(thr + powerLambda(groups, alpha, power) * se, direction);
}
