// Candidate-vs-reference comparison of per-trial values (e.g. tokens/s of a draft architecture
// against the baseline decoder), reported as a ratio because speedups are multiplicative.

import { mean } from 'simple-statistics';
import { tQuantile } from './distributions.ts';
import { assertLevel, assertSample } from './guards.ts';
import { sampleSd } from './intervals.ts';
import { mannWhitneyU, welchTTest, type MannWhitneyResult, type WelchResult } from './tests.ts';

export type Direction = 'higher' | 'lower';

export interface CompareOptions {
  /** Which way is better for this metric: 'higher' (throughput) or 'lower' (latency). */
  direction: Direction;
  /** Significance level for `significant`, default 0.05. */
  alpha?: number;
  /** Level of the ratio interval, default 0.95. */
  level?: number;
}

export interface RatioInterval {
  low: number;
  high: number;
  level: number;
  /** Welch-Satterthwaite df of the log-ratio standard error. */
  df: number;
}

export interface RelativeError {
  /** ma / mb */
  ratio: number;
  /** hyperfine's propagated sigma of the ratio: r * sqrt((sa/ma)^2 + (sb/mb)^2). */
  sigma: number;
}

export interface Comparison {
  nA: number;
  nB: number;
  meanA: number;
  meanB: number;
  stddevA: number;
  stddevB: number;
  /** meanA / meanB; null when meanB is 0. */
  ratio: number | null;
  /**
   * Interval for the ratio of means by the delta method on the log scale; null when a group has
   * n < 2 or a mean is <= 0 (log undefined). Zero-width when both groups are constant.
   */
  ratioCi: RatioInterval | null;
  /** hyperfine-style ratio +- sigma; null when a mean is 0. */
  relative: RelativeError | null;
  welch: WelchResult;
  mannWhitney: MannWhitneyResult;
  /**
   * welch.p < alpha. Welch's p is the decision rule because the question is about means (the
   * ratio above is a ratio of means); Mann-Whitney is reported alongside as a distribution-free
   * cross-check (it needs no normality but tests stochastic ordering, not means).
   */
  significant: boolean;
  /** significant and the candidate's mean is on the good side of the reference's. */
  better: boolean;
  /** significant and the candidate's mean is on the bad side. */
  worse: boolean;
}

/**
 * Compare candidate `a` against reference `b`. Never returns NaN: undefined quantities are null,
 * and the tests apply the conventions documented on WelchResult.degenerate (n < 2 -> p = 1;
 * both groups constant -> p = 1 if the means are equal, else 0).
 */
export function compareSamples(a: readonly number[], b: readonly number[], opts: CompareOptions): Comparison {
  assertSample('compareSamples', a, 1);
  assertSample('compareSamples', b, 1);
  if (opts.direction !== 'higher' && opts.direction !== 'lower') throw new RangeError(`compareSamples: bad direction ${opts.direction}`);
  const alpha = opts.alpha ?? 0.05;
  const level = opts.level ?? 0.95;
  assertLevel('compareSamples(alpha)', alpha);
  assertLevel('compareSamples(level)', level);

  const nA = a.length;
  const nB = b.length;
  const meanA = mean(a as number[]);
  const meanB = mean(b as number[]);
  const stddevA = sampleSd(a);
  const stddevB = sampleSd(b);
  const welch = welchTTest(a, b);
  const mannWhitney = mannWhitneyU(a, b);
  const significant = welch.p < alpha;
  const aAbove = meanA > meanB;
  const aBelow = meanA < meanB;
  const better = significant && (opts.direction === 'higher' ? aAbove : aBelow);
  const worse = significant && (opts.direction === 'higher' ? aBelow : aAbove);

  return {
    nA,
    nB,
    meanA,
    meanB,
    stddevA,
    stddevB,
    ratio: meanB === 0 ? null : meanA / meanB,
    ratioCi: ratioOfMeansInterval(nA, meanA, stddevA, nB, meanB, stddevB, level),
    relative: meanA === 0 || meanB === 0 ? null : relativeError(meanA, stddevA, meanB, stddevB),
    welch,
    mannWhitney,
    significant,
    better,
    worse,
  };
}

/**
 * Ratio-of-means interval by the delta method on the log scale:
 * se(log r) = sqrt(sa^2/(na ma^2) + sb^2/(nb mb^2)), df by Welch-Satterthwaite applied to those two
 * variance components, interval r * exp(+-t_{(1+level)/2, df} * se). Working on log r keeps the
 * interval positive and symmetric in the multiplicative sense (1.1x faster ~ 1/1.1x slower).
 */
export function ratioOfMeansInterval(
  na: number,
  ma: number,
  sa: number,
  nb: number,
  mb: number,
  sb: number,
  level = 0.95,
): RatioInterval | null {
  assertLevel('ratioOfMeansInterval', level);
  if (na < 2 || nb < 2 || !(ma > 0) || !(mb > 0)) return null;
  const r = ma / mb;
  const ga = (sa * sa) / (na * ma * ma);
  const gb = (sb * sb) / (nb * mb * mb);
  const se2 = ga + gb;
  if (se2 === 0) return { low: r, high: r, level, df: na + nb - 2 };
  const df = (se2 * se2) / ((ga * ga) / (na - 1) + (gb * gb) / (nb - 1));
  const f = Math.exp(tQuantile(1 - (1 - level) / 2, df) * Math.sqrt(se2));
  return { low: r / f, high: r * f, level, df };
}

/**
 * hyperfine's relative speed and its uncertainty by first-order error propagation:
 * r = ma/mb, sigma_r = r * sqrt((sa/ma)^2 + (sb/mb)^2). Throws on a zero mean (use the null in
 * Comparison.relative instead of calling this with one).
 */
export function relativeError(ma: number, sa: number, mb: number, sb: number): RelativeError {
  if (ma === 0 || mb === 0) throw new RangeError('relativeError: means must be non-zero');
  const ratio = ma / mb;
  return { ratio, sigma: Math.abs(ratio) * Math.hypot(sa / ma, sb / mb) };
}
