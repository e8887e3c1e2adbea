// Confidence intervals: Student t for means of roughly normal per-trial values, and a seeded
// percentile bootstrap for everything else (pooled ratios, medians, skewed latencies).

import { quantileSorted } from 'simple-statistics';
import { mean, sampleStandardDeviation } from './sample.ts';
import { tQuantile } from './distributions.ts';
import { assertLevel, assertSample } from './guards.ts';
import { mulberry32, randomIndex } from './random.ts';

export interface Interval {
  low: number;
  high: number;
  halfWidth: number;
}

export interface TInterval extends Interval {
  /** Sample mean, the centre of the interval. */
  estimate: number;
  level: number;
  df: number;
}

/**
 * Two-sided Student t interval for the mean: mean +- t_{(1+level)/2, n-1} * s / sqrt(n).
 * Returns null for n < 2 (no variance estimate, so no honest interval); throws on an empty sample.
 * A constant sample gives a zero-width interval.
 */
export function tInterval(values: readonly number[], level = 0.95): TInterval | null {
  assertSample('tInterval', values, 1);
  assertLevel('tInterval', level);
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values);
  const sd = sampleSd(values);
  const df = n - 1;
  // from the tail (1 - level)/2, which is exact; 1 - (1 - level)/2 rounds (1e-10 relative at level 0.999999)
  const halfWidth = -tQuantile((1 - level) / 2, df) * (sd / Math.sqrt(n));
  return { estimate: m, low: m - halfWidth, high: m + halfWidth, halfWidth, level, df };
}

/**
 * Sample standard deviation (n - 1 denominator) that is exactly 0 for a constant sample (no
 * rounding residue) and 0 for a single value. Throws RangeError on an empty sample or a
 * non-finite value, like the rest of the module.
 */
export function sampleSd(values: readonly number[]): number {
  assertSample('sampleSd', values, 1);
  if (values.length < 2) return 0;
  const first = values[0];
  if (values.every((v) => v === first)) return 0;
  return sampleStandardDeviation(values);
}

export interface BootstrapOptions {
  /** Confidence level, default 0.95. */
  level?: number;
  /** Number of resamples, default 2000. */
  resamples?: number;
  /** PRNG seed (mulberry32), an integer, default 1: the same inputs always give the same interval. */
  seed?: number;
}

export interface BootstrapInterval {
  /** The statistic on the original sample (not the bootstrap mean). */
  estimate: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
  seed: number;
  /** Resamples whose statistic was not finite (e.g. a zero denominator); excluded from the percentiles. */
  dropped: number;
}

export const DEFAULT_BOOTSTRAP_SEED = 1;
export const DEFAULT_RESAMPLES = 2000;

/**
 * Percentile bootstrap: resample `samples` with replacement, recompute `statistic`, and take the
 * (1-level)/2 and (1+level)/2 quantiles of the replicates. The unit of resampling is one element
 * of `samples` (one request, one trial), so pass per-unit records when the statistic pools them.
 */
export function bootstrapInterval<T>(
  statistic: (sample: readonly T[]) => number,
  samples: readonly T[],
  opts: BootstrapOptions = {},
): BootstrapInterval {
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? DEFAULT_BOOTSTRAP_SEED;
  assertLevel('bootstrapInterval', level);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError('bootstrapInterval: resamples must be a positive integer');
  // mulberry32 reads seed >>> 0 (NaN as 0, 1.5 as 1); the result records the seed, which must name the stream it used
  if (!Number.isSafeInteger(seed)) throw new RangeError(`bootstrapInterval: seed must be an integer (got ${seed})`);
  if (!Array.isArray(samples) || samples.length === 0) throw new RangeError('bootstrapInterval: need at least one sample');
  const estimate = statistic(samples);
  if (!Number.isFinite(estimate)) throw new RangeError(`bootstrapInterval: statistic of the original sample is not finite (${estimate})`);

  const rng = mulberry32(seed);
  const n = samples.length;
  const replicates: number[] = [];
  const buf: T[] = new Array<T>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) buf[i] = samples[randomIndex(rng, n)] as T; // why: Array.isArray above widened samples to any[]
    const v = statistic(buf);
    if (Number.isFinite(v)) replicates.push(v);
  }
  if (replicates.length === 0) throw new RangeError('bootstrapInterval: no resample gave a finite statistic');
  replicates.sort((x, y) => x - y);
  const alpha = 1 - level;
  return {
    estimate,
    low: quantileSorted(replicates, alpha / 2),
    high: quantileSorted(replicates, 1 - alpha / 2),
    level,
    resamples,
    seed,
    dropped: resamples - replicates.length,
  };
}

/** Bootstrap interval for the mean of `values`. */
export function bootstrapMean(values: readonly number[], opts: BootstrapOptions = {}): BootstrapInterval {
  assertSample('bootstrapMean', values, 1);
  return bootstrapInterval((s) => mean(s), values, opts);
}

/**
 * Bootstrap interval for a pooled ratio sum(numerators) / sum(denominators), e.g. accepted tokens
 * per verification cycle. Pairs are resampled together (by request), which is what makes the
 * interval honest: requests differ in length, so a mean of per-request ratios would weight a
 * 3-token reply like a 3000-token one.
 */
export function bootstrapRatioOfSums(
  numerators: readonly number[],
  denominators: readonly number[],
  opts: BootstrapOptions = {},
): BootstrapInterval {
  assertSample('bootstrapRatioOfSums', numerators, 1);
  assertSample('bootstrapRatioOfSums', denominators, 1);
  if (numerators.length !== denominators.length) {
    throw new RangeError(`bootstrapRatioOfSums: ${numerators.length} numerators but ${denominators.length} denominators`);
  }
  const pairs = numerators.map((num, i) => [num, denominators[i]] as const);
  return bootstrapInterval(
    (s) => {
      let a = 0;
      let b = 0;
      for (const [x, y] of s) {
        a += x;
        b += y;
      }
      return a / b;
    },
    pairs,
    opts,
  );
}

/** The scale a t interval is formed on; see scaledTInterval. */
export type IntervalScale = 'linear' | 'log' | 'logit';

export interface ScaledTInterval extends TInterval {
  /** the scale actually used: 'linear' where the asked one does not apply to this sample */
  scale: IntervalScale;
}

/**
 * Student t interval for the mean, formed on the log scale for a positive quantity or the logit
 * scale for a rate in [0, 1], so its bounds stay inside what the quantity can be (a linear t
 * interval of three throughputs reads "-21 tok/s"). The standard error of the transformed mean
 * comes from the delta method: log: m * exp(+-t * s / (m sqrt(n))); logit: expit(logit(m) +-
 * t * s / (m (1 - m) sqrt(n))). The mean stays the centre (in the transformed sense) and for a
 * small CV the bounds match the linear interval's. Falls back to the linear interval where the
 * scale does not apply (log: a negative value or a mean of 0; logit: a value outside [0, 1] or a
 * mean of 0 or 1).
 * Null for n < 2, as tInterval.
 */
export function scaledTInterval(values: readonly number[], scale: IntervalScale, level = 0.95): ScaledTInterval | null {
  const linear = tInterval(values, level);
  if (!linear) return null;
  const m = linear.estimate;
  const applies = scale === 'log' ? m > 0 && values.every((v) => v >= 0) : scale === 'logit' ? m > 0 && m < 1 && values.every((v) => v >= 0 && v <= 1) : false;
  if (!applies) return { ...linear, scale: 'linear' };
  const sd = sampleSd(values);
  const q = tQuantile(1 - (1 - level) / 2, linear.df);
  const sqrtN = Math.sqrt(values.length);
  let low: number, high: number;
  if (scale === 'log') {
    const w = (q * sd) / (m * sqrtN);
    low = m * Math.exp(-w);
    high = m * Math.exp(w);
  } else {
    const w = (q * sd) / (m * (1 - m) * sqrtN);
    const g = Math.log(m / (1 - m));
    low = 1 / (1 + Math.exp(-(g - w)));
    high = 1 / (1 + Math.exp(-(g + w)));
  }
  return { estimate: m, low, high, halfWidth: (high - low) / 2, level, df: linear.df, scale };
}
