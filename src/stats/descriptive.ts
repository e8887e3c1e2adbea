// One-call summary of a sample of per-trial measurements (latencies, tokens/s, acceptance length).

import { mean, median, min, max } from './sample.ts';
import { assertSample } from './guards.ts';
import { sampleSd, tInterval, type Interval } from './intervals.ts';

export interface Summary {
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n-1 denominator); 0 when n < 2. */
  stddev: number;
  /** Coefficient of variation stddev/|mean|; null when the mean is 0. */
  cv: number | null;
  min: number;
  max: number;
  /** 95% Student t interval for the mean; null when n < 2; bounds beyond the double range are +-Infinity. */
  ci95: Interval | null;
  /** Indices (into the input) flagged by outlierIndices(). Flagged only, never removed. */
  outliers: number[];
}

/** Summarize a non-empty sample of finite numbers (throws RangeError otherwise). */
export function summarize(values: readonly number[]): Summary {
  assertSample('summarize', values, 1);
  const xs = values;
  const m = mean(xs);
  const stddev = sampleSd(xs);
  const ci = tInterval(xs, 0.95);
  return {
    n: xs.length,
    mean: m,
    median: median(xs),
    stddev,
    cv: m === 0 ? null : stddev / Math.abs(m),
    min: min(xs),
    max: max(xs),
    ci95: ci && { low: ci.low, high: ci.high, halfWidth: ci.halfWidth },
    outliers: outlierIndices(xs),
  };
}

/** Iglewicz-Hoaglin cut-off for |modified z|. */
export const OUTLIER_Z = 3.5;

/**
 * Modified z-scores (Iglewicz & Hoaglin 1993): 0.6745 * (x - median) / MAD.
 * The median and MAD are robust, so one wild trial cannot hide itself by inflating the scale
 * the way it would with mean/stddev.
 *
 * MAD = 0 happens whenever more than half the values are identical (quantized timers, token
 * counts). Then we fall back to the mean absolute deviation around the median,
 * z = (x - median) / (1.253314 * MeanAD), the rule IBM SPSS documents for this case
 * (1.253314 = sqrt(pi/2) makes MeanAD consistent with sigma for normal data). If MeanAD is
 * also 0 every value equals the median and nothing is flagged. Returns 0 for every point then.
 */
export function modifiedZScores(values: readonly number[]): number[] {
  assertSample('modifiedZScores', values, 1);
  // z is scale-free; halving values beyond 2^1022 keeps x - median finite (it reaches 2 * 1.8e308)
  const xs = values.some((x) => Math.abs(x) > 2 ** 1022) ? values.map((x) => x / 2) : values;
  const med = median(xs);
  const dev = xs.map((x) => Math.abs(x - med));
  const mad = median(dev);
  if (mad > 0) return xs.map((x) => (0.6745 * (x - med)) / mad);
  const meanAd = mean(dev);
  if (meanAd > 0) return xs.map((x) => (x - med) / (1.253314 * meanAd));
  return xs.map(() => 0);
}

/** Indices whose |modified z-score| exceeds 3.5, in ascending order. */
export function outlierIndices(values: readonly number[]): number[] {
  const out: number[] = [];
  modifiedZScores(values).forEach((z, i) => {
    if (Math.abs(z) > OUTLIER_Z) out.push(i);
  });
  return out;
}
