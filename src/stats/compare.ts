// Candidate-vs-reference comparison of per-trial values (e.g. tokens/s of a draft architecture
// against the baseline decoder), reported as a ratio because speedups are multiplicative.

import { mean } from './sample.ts';
import { tQuantile } from './distributions.ts';
import { assertLevel, assertSample } from './guards.ts';
import { sampleSd, tInterval } from './intervals.ts';
import { mannWhitneyU, oneSampleTTest, welchTTest, type MannWhitneyResult, type WelchResult } from './tests.ts';

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
 * both groups constant -> p = 1 if they hold the same value, else 0).
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
  const meanA = mean(a);
  const meanB = mean(b);
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
  assertMoments('ratioOfMeansInterval', na, ma, sa);
  assertMoments('ratioOfMeansInterval', nb, mb, sb);
  if (na < 2 || nb < 2 || !(ma > 0) || !(mb > 0)) return null;
  const r = ma / mb;
  // Relative standard errors sd/(mean sqrt(n)) and their shares, never sd^2 or its square: those
  // overflow or underflow at extreme magnitudes (NaN df), these are scale-free.
  const ea = sa / ma / Math.sqrt(na);
  const eb = sb / mb / Math.sqrt(nb);
  const se = Math.hypot(ea, eb);
  if (se === 0) return { low: r, high: r, level, df: na + nb - 2 };
  const fa = (ea / se) ** 2;
  const fb = (eb / se) ** 2;
  const df = 1 / ((fa * fa) / (na - 1) + (fb * fb) / (nb - 1));
  // from the tail (1 - level)/2, exact where 1 - (1 - level)/2 is rounded
  const f = Math.exp(-tQuantile((1 - level) / 2, df) * se);
  return { low: r / f, high: r * f, level, df };
}

/**
 * hyperfine's relative speed and its uncertainty by first-order error propagation:
 * r = ma/mb, sigma_r = r * sqrt((sa/ma)^2 + (sb/mb)^2). Throws on a zero mean (use the null in
 * Comparison.relative instead of calling this with one).
 */
export function relativeError(ma: number, sa: number, mb: number, sb: number): RelativeError {
  // Means and sds come from finite samples, so anything else is a caller's bug (as in assertSample).
  for (const [name, v] of [['ma', ma], ['sa', sa], ['mb', mb], ['sb', sb]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`relativeError: ${name} must be a finite number (got ${v})`);
  }
  if (sa < 0 || sb < 0) throw new RangeError(`relativeError: standard deviations must be >= 0 (got ${sa}, ${sb})`);
  if (ma === 0 || mb === 0) throw new RangeError('relativeError: means must be non-zero');
  const ratio = ma / mb;
  const rel = Math.hypot(sa / ma, sb / mb);
  return { ratio, sigma: rel === 0 ? 0 : Math.abs(ratio) * rel }; // 0, not Infinity * 0, when ratio overflows
}

function assertMoments(fn: string, n: number, m: number, sd: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${fn}: sample sizes must be integers >= 1 (got ${n})`);
  if (!Number.isFinite(m) || !Number.isFinite(sd) || sd < 0) throw new RangeError(`${fn}: need a finite mean and sd >= 0 (got ${m}, ${sd})`);
}

export interface PairedLogRatio {
  /** Number of pairs. */
  n: number;
  /** exp(mean of d_i), d_i = ln(head_i / base_i): the geometric mean of the per-pair ratios. */
  ratio: number;
  /** exp of the Student t interval for mean(d); null when n < 2. */
  low: number | null;
  high: number | null;
  level: number;
  /** Standard error of mean(d), sd(d) / sqrt(n) (0 when n = 1). */
  se: number;
  /** n - 1. */
  df: number;
  /** Two-sided one-sample t-test of mean(d) = 0 (oneSampleTTest conventions: n = 1 -> 1). */
  p: number;
}

/**
 * Paired comparison of positive measurements (e.g. tokens/s of head and base in the same rounds):
 * works on d_i = ln(head_i / base_i), so the ratio is a geometric mean, the interval is
 * exp(t interval of mean d) (positive, symmetric in the multiplicative sense), and pairing removes
 * the between-pair variation that an unpaired ratio of means would carry. Equals scipy's
 * ttest_1samp(d) and t.interval on d. Throws RangeError unless both have the same length >= 1
 * and every value is finite and > 0.
 */
export function pairedLogRatio(head: readonly number[], base: readonly number[], level = 0.95): PairedLogRatio {
  assertSample('pairedLogRatio', head, 1);
  assertSample('pairedLogRatio', base, 1);
  assertLevel('pairedLogRatio', level);
  if (head.length !== base.length) {
    throw new RangeError(`pairedLogRatio: ${head.length} head values but ${base.length} base values (pairs must match)`);
  }
  head.forEach((h, i) => {
    const b = base[i];
    if (!(h > 0) || !(b > 0)) throw new RangeError(`pairedLogRatio: values must be > 0 (pair ${i}: ${h}, ${b})`);
  });
  // ln of the quotient, not ln h - ln b, which would cancel when h ~ b
  const d = head.map((h, i) => Math.log(h / (base[i])));
  const n = d.length;
  const ci = tInterval(d, level);
  return {
    n,
    ratio: Math.exp(mean(d)),
    low: ci && Math.exp(ci.low),
    high: ci && Math.exp(ci.high),
    level,
    se: sampleSd(d) / Math.sqrt(n),
    df: n - 1,
    p: oneSampleTTest(d).p,
  };
}
