// What a comparison could have seen: the power of the gate's decision rule and the smallest
// regression it detects at 80% power (minimum detectable effect, MDE), given the standard error
// of a log ratio and its degrees of freedom. Every comparison works on the log scale, where a
// slowdown of x% and the matching speedup are symmetric and ratios of cells can be averaged.
//
// The rule counts a regression when the estimated log change d is significant (|d|/se beyond
// the two-sided critical t at alpha) AND beyond the threshold. Seen from the worse direction,
// that is d > max(t_crit * se_hat, threshold), where d ~ Normal(delta, se) at a true log effect
// delta and the estimated se_hat = se * s with s^2 ~ chi^2(df) / df, independent of d. The power
// integrates over s: P = E_s[ Phi((delta - max(t_crit * se * s, threshold)) / se) ]. Without a
// threshold this is the upper tail of the noncentral t; the threshold makes it the joint rule.
// The MDE is the delta where the power reaches 80% (bisection; power rises with delta).
import type { Direction } from './compare.ts';
import { expectOverTScale, normalCdf, tQuantile } from './distributions.ts';

export const DEFAULT_POWER = 0.8;

export interface LogRatioEstimate {
  /** estimated log change in the worse direction (> 0 worse) */
  logChange: number;
  /** its standard error */
  se: number;
  /** degrees of freedom of se */
  df: number;
}

/**
 * The log change in the worse direction that equals a relative change `rel` (0.05 = 5% worse):
 * throughput 5% lower is -ln(0.95), latency 5% higher is ln(1.05).
 */
export const relativeToLog = (rel: number, direction: Direction) => (direction === 'higher' ? -Math.log1p(-Math.min(rel, 1 - 1e-12)) : Math.log1p(rel));
/** The inverse of relativeToLog. */
export const logToRelative = (d: number, direction: Direction) => (direction === 'higher' ? -Math.expm1(-d) : Math.expm1(d));
/** The threshold on the log scale. */
export const thresholdLog = (maxRegressionPct: number, direction: Direction) => relativeToLog(maxRegressionPct / 100, direction);

/**
 * t_{1-alpha/2, df} taken from the tail alpha/2, which is exact, rather than from 1 - alpha/2,
 * which rounds. Infinity where it exceeds the double range (df < ~0.0035 at alpha 0.05): the
 * rule, which compares against this same value, can then never flag.
 */
const criticalT = (df: number, alpha: number) => -tQuantile(alpha / 2, df);

/** The smallest estimated log change the rule calls a regression. */
export function detectionBoundary(se: number, df: number, alpha: number, maxRegressionPct: number, direction: Direction): number {
  if (!(df > 0) || !Number.isFinite(se)) return Infinity;
  return Math.max(se === 0 ? 0 : criticalT(df, alpha) * se, thresholdLog(maxRegressionPct, direction));
}

/** Probability that the rule flags a true log effect `delta` (worse direction) as a regression. */
export function decisionPower(delta: number, se: number, df: number, alpha: number, maxRegressionPct: number, direction: Direction): number {
  const thr = thresholdLog(maxRegressionPct, direction);
  if (!(df > 0) || !Number.isFinite(se)) return 0;
  if (se === 0) return delta > thr ? 1 : 0;
  const tc = criticalT(df, alpha);
  // E_s[Phi((delta - max(tc se s, thr)) / se)] by adaptive quadrature over the density of s, with
  // break points at the corner s = thr / (tc se) and across the step of Phi, which is 1/tc wide in
  // s: at df 1 and alpha/80 (tc ~ 1e3) a fixed Simpson grid stepped over it (0.004 off).
  const h = (s: number) => normalCdf((delta - Math.max(tc * se * s, thr)) / se);
  const nc = delta / se;
  const kinks = [thr / (tc * se), ...[-8, -4, -2, -1, 0, 1, 2, 4, 8].map((j) => (nc + j) / tc)];
  return Math.min(1, Math.max(0, expectOverTScale(h, df, kinks)));
}

/**
 * Minimum detectable effect, as a relative change in the metric's worse direction (0.05 = 5%
 * slower for throughput, 5% longer for latency): the true change the rule flags with probability
 * `power`. Infinity when there is no variance estimate (df <= 0), and where the change it needs
 * exceeds the double range.
 */
export function minimumDetectableChange(se: number, df: number, alpha: number, maxRegressionPct: number, direction: Direction, power = DEFAULT_POWER): number {
  const c = detectionBoundary(se, df, alpha, maxRegressionPct, direction);
  if (!Number.isFinite(c)) return Infinity;
  if (se === 0) return logToRelative(c, direction);
  // power(c) < 1/2 < power; the shifted-t guess brackets the root from above after a few doublings
  // of the step (bounded: the step passes the largest double within ~1100 of them)
  let lo = c;
  let hi = c + Math.max(tQuantile(power, df), 1) * se;
  for (let i = 0; decisionPower(hi, se, df, alpha, maxRegressionPct, direction) < power; i++) {
    if (i >= 1100 || !Number.isFinite(hi + (hi - lo))) return Infinity;
    const step = hi - lo;
    lo = hi;
    hi += step;
  }
  for (let i = 0; i < 60 && hi - lo > 1e-9 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (decisionPower(mid, se, df, alpha, maxRegressionPct, direction) < power) lo = mid; else hi = mid;
  }
  return logToRelative(hi, direction);
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
