// Pearson's chi-square goodness-of-fit test and the function behind its p-value, the
// regularized upper incomplete gamma function Q(a, x) (chi2.sf(x, df) = Q(df/2, x/2); kept in
// distributions.ts, which the noncentral t needs it for, and re-exported here).
// Written for double precision: checked against scipy.stats.chisquare, scipy.stats.chi2.sf and
// scipy.special.gammaincc to 1e-9 relative in test/stats/chisquare.test.ts (fixtures from
// scripts/stats-fixtures.py), deep tails included.
import { regularizedGammaQ } from './distributions.ts';

export { regularizedGammaP, regularizedGammaQ } from './distributions.ts';

const DBL_EPS = 2.220446049250313e-16;

export interface ChiSquareResult {
  /** sum over categories of (observed - expected)^2 / expected */
  statistic: number;
  /** categories - 1 - ddof */
  df: number;
  /** P(chi2_df >= statistic) */
  p: number;
}

export interface ChiSquareOptions {
  /** extra degrees of freedom lost to fitted parameters (scipy's ddof); default 0 */
  ddof?: number;
}

/** Survival function of the chi-square distribution: P(X >= x) for X ~ chi2(df). */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df)) throw new RangeError('chiSquareSf: argument is NaN');
  if (!(df > 0)) throw new RangeError(`chiSquareSf: degrees of freedom must be > 0 (got ${df})`);
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/**
 * Pearson's chi-square goodness-of-fit test, as scipy.stats.chisquare(observed, expected, ddof).
 * Every expected count must be > 0 and the two totals must agree (relative 1.5e-8, scipy's rule):
 * pool sparse categories first (poolSmallCategories) so each expected count is >= 5.
 */
export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, expected: ArrayLike<number>, opts: ChiSquareOptions = {}): ChiSquareResult {
  const k = observed.length;
  if (expected.length !== k) throw new RangeError(`chiSquareGoodnessOfFit: ${k} observed counts but ${expected.length} expected counts`);
  const ddof = opts.ddof ?? 0;
  if (!Number.isInteger(ddof) || ddof < 0) throw new RangeError(`chiSquareGoodnessOfFit: ddof must be a non-negative integer (got ${ddof})`);
  const df = k - 1 - ddof;
  if (df < 1) throw new RangeError(`chiSquareGoodnessOfFit: ${k} categories leave ${df} degrees of freedom (ddof ${ddof}); need at least 1`);
  let obsSum = 0, expSum = 0;
  for (let i = 0; i < k; i++) {
    const o = observed[i], e = expected[i];
    if (!(o >= 0) || !Number.isFinite(o)) throw new RangeError(`chiSquareGoodnessOfFit: observed[${i}] = ${o}; counts must be finite and >= 0`);
    if (!(e > 0) || !Number.isFinite(e)) throw new RangeError(`chiSquareGoodnessOfFit: expected[${i}] = ${e}; expected counts must be finite and > 0 (pool or drop empty categories)`);
    obsSum += o; expSum += e;
  }
  if (Math.abs(obsSum - expSum) > Math.sqrt(DBL_EPS) * Math.min(obsSum, expSum)) {
    throw new RangeError(`chiSquareGoodnessOfFit: observed total ${obsSum} and expected total ${expSum} differ; scale expected to the sample size`);
  }
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const d = observed[i] - expected[i];
    statistic += (d * d) / expected[i];
  }
  return { statistic, df, p: chiSquareSf(statistic, df) };
}

export interface PooledCategories {
  observed: number[];
  expected: number[];
  /** groups[j] = original category indices in pooled category j */
  groups: number[][];
  /** observations that fell in categories whose expected count is exactly 0 (impossible outcomes) */
  outsideSupport: number;
}

/**
 * The usual preparation for a chi-square test on a sparse distribution: categories with
 * expected count >= minExpected stay as they are; the others (expected > 0) are pooled into one
 * category; if that pool is still below minExpected it joins the smallest kept category.
 * Categories with expected count 0 are left out and their observations counted in outsideSupport.
 */
export function poolSmallCategories(observed: ArrayLike<number>, expected: ArrayLike<number>, minExpected = 5): PooledCategories {
  if (observed.length !== expected.length) throw new RangeError(`poolSmallCategories: ${observed.length} observed counts but ${expected.length} expected counts`);
  const out: PooledCategories = { observed: [], expected: [], groups: [], outsideSupport: 0 };
  const rest: number[] = [];
  let restObs = 0, restExp = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (!(e >= 0)) throw new RangeError(`poolSmallCategories: expected[${i}] = ${e}`);
    if (e === 0) { out.outsideSupport += observed[i]; continue; }
    if (e >= minExpected) { out.observed.push(observed[i]); out.expected.push(e); out.groups.push([i]); }
    else { rest.push(i); restObs += observed[i]; restExp += e; }
  }
  if (rest.length === 0) return out;
  if (restExp >= minExpected || out.expected.length === 0) {
    out.observed.push(restObs); out.expected.push(restExp); out.groups.push(rest);
    return out;
  }
  let smallest = 0;
  for (let j = 1; j < out.expected.length; j++) if (out.expected[j] < out.expected[smallest]) smallest = j;
  out.observed[smallest] += restObs;
  out.expected[smallest] += restExp;
  out.groups[smallest] = [...out.groups[smallest], ...rest].sort((a, b) => a - b);
  return out;
}
