// simple-statistics' functions over readonly samples. Its declarations take mutable arrays
// (number[]) though these functions only read them; the one cast per function is that seam.
// mean and sampleStandardDeviation also hold at the ends of the double range, where a sum or a
// square of finite values overflows (or a square underflows) and simple-statistics returns NaN,
// Infinity or 0.
import * as ss from 'simple-statistics';

export const median = (xs: readonly number[]): number => ss.median(xs as number[]); // why: read, never changed
export const min = (xs: readonly number[]): number => ss.min(xs as number[]); // why: read, never changed
export const max = (xs: readonly number[]): number => ss.max(xs as number[]); // why: read, never changed

const allFinite = (xs: readonly number[]): boolean => xs.every((x) => Number.isFinite(x));

/** Mean; where the sum overflows, the sum of x/n, whose partial sums stay within max |x|. */
export const mean = (xs: readonly number[]): number => {
  const m = ss.mean(xs as number[]); // why: read, never changed
  if (Number.isFinite(m) || !allFinite(xs)) return m;
  return ss.sum(xs.map((x) => x / xs.length));
};

/**
 * Sample standard deviation (n - 1). Where the squared deviations overflow (values beyond ~1e154)
 * or reach the subnormal range (deviations below ~1e-154), it is computed on the values divided
 * by the power of two nearest their largest magnitude, which is exact, and scaled back.
 */
export const sampleStandardDeviation = (xs: readonly number[]): number => {
  const sd = ss.sampleStandardDeviation(xs as number[]); // why: read, never changed
  // below 1e-145 some squared deviations are subnormal (few or no digits left)
  if ((Number.isFinite(sd) && sd > 1e-145) || !allFinite(xs) || xs.every((x) => x === xs[0])) return sd;
  const largest = xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  const scale = 2 ** Math.min(Math.floor(Math.log2(largest)), 1023); // log2 of 1.8e308 rounds to 1024
  return ss.sampleStandardDeviation(xs.map((x) => x / scale)) * scale;
};
