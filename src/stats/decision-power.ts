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
import { logGamma, normalCdf, tQuantile } from './distributions.ts';

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

/** The smallest estimated log change the rule calls a regression. */
export function detectionBoundary(se: number, df: number, alpha: number, maxRegressionPct: number, direction: Direction): number {
  if (!(df > 0) || !Number.isFinite(se)) return Infinity;
  return Math.max(se === 0 ? 0 : tQuantile(1 - alpha / 2, df) * se, thresholdLog(maxRegressionPct, direction));
}

/** Probability that the rule flags a true log effect `delta` (worse direction) as a regression. */
export function decisionPower(delta: number, se: number, df: number, alpha: number, maxRegressionPct: number, direction: Direction): number {
  const thr = thresholdLog(maxRegressionPct, direction);
  if (!(df > 0) || !Number.isFinite(se)) return 0;
  if (se === 0) return delta > thr ? 1 : 0;
  const tc = tQuantile(1 - alpha / 2, df);
  // Simpson's rule over the density of s = sqrt(chi^2_df / df), on a range holding all but ~1e-12 of it
  const spread = 1 / Math.sqrt(2 * df);
  const lo = Math.max(0, 1 - 14 * spread);
  const hi = df < 4 ? 12 : 1 + 14 * spread;
  const steps = 600;
  const h = (hi - lo) / steps;
  const logNorm = Math.log(2) + (df / 2) * Math.log(df / 2) - logGamma(df / 2);
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    const w = i === 0 || i === steps ? 1 : i % 2 === 1 ? 4 : 2;
    const density = x > 0 ? Math.exp(logNorm + (df - 1) * Math.log(x) - (df * x * x) / 2) : df === 1 ? Math.exp(logNorm) : 0;
    sum += w * density * normalCdf((delta - Math.max(tc * se * x, thr)) / se);
  }
  return Math.min(1, Math.max(0, (sum * h) / 3));
}

/**
 * Minimum detectable effect, as a relative change in the metric's worse direction (0.05 = 5%
 * slower for throughput, 5% longer for latency): the true change the rule flags with probability
 * `power`. Infinity when there is no variance estimate (df <= 0).
 */
export function minimumDetectableChange(se: number, df: number, alpha: number, maxRegressionPct: number, direction: Direction, power = DEFAULT_POWER): number {
  const c = detectionBoundary(se, df, alpha, maxRegressionPct, direction);
  if (!Number.isFinite(c)) return Infinity;
  if (se === 0) return logToRelative(c, direction);
  // power(c) < 1/2 < power; the shifted-t guess brackets the root from above after a few doublings
  let lo = c;
  let hi = c + Math.max(tQuantile(power, df), 1) * se;
  while (decisionPower(hi, se, df, alpha, maxRegressionPct, direction) < power) hi += hi - lo;
  for (let i = 0; i < 60 && hi - lo > 1e-9 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (decisionPower(mid, se, df, alpha, maxRegressionPct, direction) < power) lo = mid; else hi = mid;
  }
  return logToRelative(hi, direction);
}

/** Welch-Satterthwaite degrees of freedom of a sum of independent variance components. */
export function satterthwaite(components: readonly { variance: number; df: number }[]): number {
  const total = components.reduce((a, c) => a + c.variance, 0);
  const denom = components.reduce((a, c) => a + (c.variance * c.variance) / c.df, 0);
  return denom > 0 ? (total * total) / denom : components.reduce((a, c) => a + c.df, 0);
}
