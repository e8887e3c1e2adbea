// Hypothesis tests (all two-sided) and Holm's multiple-comparison adjustment.
// Results are pinned to scipy 1.17 (ttest_ind(equal_var=False), ttest_1samp, mannwhitneyu) by
// test/stats/tests.test.ts via scripts/stats-fixtures.py.

import { mean } from './sample.ts';
import { normalSf, tSf } from './distributions.ts';
import { assertSample } from './guards.ts';
import { sampleSd } from './intervals.ts';

export interface WelchResult {
  /** (mean(a) - mean(b)) / sqrt(va/na + vb/nb). */
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /**
   * Set when the usual formula is undefined and a convention was applied instead of returning NaN:
   *  - 'insufficient-data': a group has n < 2, so no variance estimate: t = 0, df = 0, p = 1
   *    (no evidence either way).
   *  - 'zero-variance': both groups are constant (every value === the group's first value). Same
   *    value in both, or adjacent doubles (one unit in the last place apart, which one rounding
   *    of the same quantity can produce): t = 0, p = 1; values further apart: t = +-Infinity,
   *    p = 0 (the difference is certain given the data). df = na + nb - 2.
   */
  degenerate?: 'insufficient-data' | 'zero-variance';
}

/** Every value === the first (decided on the values: a computed mean or sd may carry rounding). */
function isConstant(values: readonly number[]): boolean {
  const first = values[0];
  return values.every((v) => v === first);
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** Position of x in the ordered sequence of doubles (0 and -0 share one). */
function doubleIndex(x: number): bigint {
  f64[0] = x;
  const bits = i64[0];
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
}

/**
 * The 'zero-variance' convention (shared with oneSampleTTest) for constants x (sample) and y
 * (the other sample, or mu): t = 0, p = 1 when they are equal or adjacent doubles, else
 * t = +-Infinity (sign of x - y), p = 0. One ulp is the rounding of a single operation, so
 * [1, 1] against [1 + 2^-52, 1 + 2^-52] is no evidence of a difference.
 */
function zeroVariance(x: number, y: number, df: number): WelchResult {
  const d = doubleIndex(x) - doubleIndex(y);
  if (d >= -1n && d <= 1n) return { t: 0, df, p: 1, degenerate: 'zero-variance' };
  return { t: x > y ? Infinity : -Infinity, df, p: 0, degenerate: 'zero-variance' };
}

/**
 * Welch's unequal-variance t-test, two-sided; equals scipy.stats.ttest_ind(a, b, equal_var=False)
 * except on the degenerate inputs documented on WelchResult.degenerate.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult {
  assertSample('welchTTest', a, 1);
  assertSample('welchTTest', b, 1);
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return { t: 0, df: 0, p: 1, degenerate: 'insufficient-data' };
  // Both constant: compare the values, not the means. mean([0.1, 0.1, 0.1]) is
  // 0.10000000000000002 != 0.1, which would otherwise give t = Inf and p = 0 for equal samples
  // (scipy, with its own rounding residue in the sd, returns t = 1.41, p = 0.29 there).
  if (isConstant(a) && isConstant(b)) return zeroVariance(a[0], b[0], na + nb - 2);
  const ma = mean(a);
  const mb = mean(b);
  // Standard errors, not their squares: va^2 / (na - 1) in the Welch-Satterthwaite df overflows
  // from values ~1e77 and underflows below ~1e-77 (NaN df). Every quantity below is a ratio of
  // the standard errors, so it is the same at any scale.
  const sea = sampleSd(a) / Math.sqrt(na);
  const seb = sampleSd(b) / Math.sqrt(nb);
  const se = Math.hypot(sea, seb);
  // Both standard errors underflowed (values ~1e-320, not constant): no usable spread.
  if (se === 0) return zeroVariance(ma, mb, na + nb - 2);
  const diff = ma - mb;
  // the difference of two means near +-1.8e308 overflows; halving both is exact
  const t = Number.isFinite(diff) ? diff / se : (ma / 2 - mb / 2) / (se / 2);
  const fa = (sea / se) ** 2; // shares of the squared standard error, summing to 1
  const fb = (seb / se) ** 2;
  const df = 1 / ((fa * fa) / (na - 1) + (fb * fb) / (nb - 1));
  return { t, df, p: Math.min(1, 2 * tSf(Math.abs(t), df)) };
}

export interface OneSampleTTestResult {
  /** (mean(x) - mu) / (sd(x) / sqrt(n)). */
  t: number;
  /** n - 1. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /**
   * Conventions instead of NaN, as for WelchResult:
   *  - 'insufficient-data': n < 2: t = 0, df = 0, p = 1.
   *  - 'zero-variance': every value === the first: t = 0, p = 1 if that value is mu or a
   *    double adjacent to it, else t = +-Infinity, p = 0. df = n - 1.
   */
  degenerate?: 'insufficient-data' | 'zero-variance';
}

/**
 * One-sample Student t-test of H0: mean = mu, two-sided; equals scipy.stats.ttest_1samp(x, mu)
 * except on the degenerate inputs documented on OneSampleTTestResult.degenerate.
 */
export function oneSampleTTest(x: readonly number[], mu = 0): OneSampleTTestResult {
  assertSample('oneSampleTTest', x, 1);
  if (!Number.isFinite(mu)) throw new RangeError(`oneSampleTTest: mu must be a finite number (got ${mu})`);
  const n = x.length;
  if (n < 2) return { t: 0, df: 0, p: 1, degenerate: 'insufficient-data' };
  const df = n - 1;
  if (isConstant(x)) return zeroVariance(x[0], mu, df);
  const m = mean(x);
  const se = sampleSd(x) / Math.sqrt(n);
  if (se === 0) return zeroVariance(m, mu, df); // the standard error underflowed
  const t = (m - mu) / se;
  return { t, df, p: Math.min(1, 2 * tSf(Math.abs(t), df)) };
}

export type MannWhitneyMethod = 'exact' | 'asymptotic';

export interface MannWhitneyOptions {
  /**
   * 'auto' (default) follows scipy 1.17's _mwu_choose_method: 'asymptotic' when both samples have
   * more than 8 values, otherwise 'exact' unless there are ties (exact ignores ties, so tied
   * small samples go asymptotic). Note: exact is used when *either* n <= 8, not only both.
   */
  method?: 'auto' | MannWhitneyMethod;
  /** Continuity correction for the asymptotic method (scipy's use_continuity), default true. */
  continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U statistic of sample a (number of pairs with a > b, ties counting 1/2), as scipy reports it. */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: MannWhitneyMethod;
}

/** Average ranks (1-based) of the concatenation, plus the sizes of tied groups. */
function rankWithTies(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((_, i) => i).sort((i, j) => (values[i]) - (values[j]));
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  let k = 0;
  while (k < order.length) {
    let e = k + 1;
    while (e < order.length && values[order[e]] === values[order[k]]) e++;
    const avg = (k + 1 + e) / 2; // mean of ranks k+1 .. e
    for (let i = k; i < e; i++) ranks[order[i]] = avg;
    tieSizes.push(e - k);
    k = e;
  }
  return { ranks, tieSizes };
}

/**
 * P(U <= k) under H0 for sample sizes m, n (no ties), by counting orderings:
 * c(u; m, n) = c(u - n; m-1, n) + c(u; m, n-1) (the largest value is either from the first
 * sample, beating all n of the second, or from the second). Only additions of positive counts,
 * so the double arithmetic stays accurate; cost O(m * n * k).
 */
function exactUCdf(k: number, m: number, n: number): number {
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const [small, large] = m <= n ? [m, n] : [n, m];
  // cols[j][u] = c(u; j, nn) for the current nn, j = 0..small
  const cols: Float64Array[] = [];
  for (let j = 0; j <= small; j++) {
    const c = new Float64Array(k + 1);
    c[0] = 1; // with no values in the second sample, U = 0 in exactly one way
    cols.push(c);
  }
  for (let nn = 1; nn <= large; nn++) {
    for (let j = 1; j <= small; j++) {
      const cur = cols[j];
      const prev = cols[j - 1]; // already updated to nn
      for (let u = k; u >= nn; u--) cur[u] = (cur[u]) + (prev[u - nn]);
    }
  }
  let total = 1; // C(m+n, m)
  for (let i = 1; i <= small; i++) total = (total * (large + i)) / i;
  let s = 0;
  const last = cols[small];
  for (let u = 0; u <= k; u++) s += last[u];
  return s / total;
}

/**
 * Mann-Whitney U test, two-sided, matching scipy.stats.mannwhitneyu(a, b,
 * alternative='two-sided', method=...). Exact: p = 2 * P(U >= max(U1, U2)), no tie correction.
 * Asymptotic: normal approximation with the tie-corrected variance and a 0.5 continuity
 * correction. p is clipped to 1. When every value is identical the asymptotic variance is 0
 * and p = 1 (scipy gets there via z = -inf).
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[], opts: MannWhitneyOptions = {}): MannWhitneyResult {
  assertSample('mannWhitneyU', a, 1);
  assertSample('mannWhitneyU', b, 1);
  const n1 = a.length;
  const n2 = b.length;
  const { ranks, tieSizes } = rankWithTies([...a, ...b]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const uMax = Math.max(u1, u2);
  const hasTies = tieSizes.some((t) => t > 1);

  let method: MannWhitneyMethod;
  if (opts.method === 'exact' || opts.method === 'asymptotic') method = opts.method;
  else method = n1 > 8 && n2 > 8 ? 'asymptotic' : hasTies ? 'asymptotic' : 'exact';

  let p: number;
  if (method === 'exact') {
    // P(U >= floor(uMax)) = P(U <= n1*n2 - floor(uMax)) by symmetry (floor as scipy's int cast).
    p = 2 * exactUCdf(n1 * n2 - Math.floor(uMax), n1, n2);
  } else {
    const n = n1 + n2;
    let tieTerm = 0;
    for (const t of tieSizes) tieTerm += t * t * t - t;
    const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
    const numerator = uMax - (n1 * n2) / 2 - (opts.continuity === false ? 0 : 0.5);
    p = variance > 0 ? 2 * normalSf(numerator / Math.sqrt(variance)) : 1;
  }
  return { u: u1, p: Math.min(1, Math.max(0, p)), method };
}

/**
 * Holm step-down adjusted p-values, returned in input order: sort ascending, multiply the k-th
 * smallest (k = 0..m-1) by (m - k), enforce monotonicity with a running max, cap at 1.
 * Controls the family-wise error rate without Bonferroni's loss of power.
 */
export function holm(pvalues: readonly number[]): number[] {
  pvalues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`holm: p-value at index ${i} is not in [0, 1] (${p})`);
  });
  const m = pvalues.length;
  const order = pvalues.map((_, i) => i).sort((i, j) => (pvalues[i]) - (pvalues[j]) || i - j);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, k) => {
    running = Math.max(running, Math.min(1, (m - k) * (pvalues[idx])));
    out[idx] = running;
  });
  return out;
}
