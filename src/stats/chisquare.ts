// Pearson's chi-square goodness-of-fit test and the function behind its p-value, the
// regularized upper incomplete gamma function Q(a, x) (chi2.sf(x, df) = Q(df/2, x/2)).
// Written for double precision: checked against scipy.stats.chisquare, scipy.stats.chi2.sf and
// scipy.special.gammaincc to 1e-9 relative in test/stats/chisquare.test.ts (fixtures from
// scripts/stats-fixtures.py), deep tails included.
import { logGamma } from './distributions.ts';

const DBL_EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const LN_SQRT_2PI = 0.9189385332046727418;
const MAX_ITER = 1_000_000;

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

/** Remainder of Stirling's series for ln Gamma(a), a >= 10 (8 Bernoulli terms, < 1e-16 there). */
function stirlingRemainder(a: number): number {
  const a2 = 1 / (a * a);
  return (
    (1 / 12 + a2 * (-1 / 360 + a2 * (1 / 1260 + a2 * (-1 / 1680 + a2 * (1 / 1188 + a2 * (-691 / 360360 + a2 * (1 / 156 + a2 * (-3617 / 122400)))))))) /
    a
  );
}

/** ln(1 + t) - t without cancellation for small |t|. */
function log1pmx(t: number): number {
  if (Math.abs(t) < 0.25) {
    // -t^2/2 + t^3/3 - t^4/4 + ...; |t| < 1/4 needs ~25 terms for full precision
    let term = t, sum = 0;
    for (let n = 2; n < 200; n++) {
      term *= -t;
      const add = term / n;
      sum += add;
      if (Math.abs(add) <= DBL_EPS * Math.abs(sum)) break;
    }
    return sum;
  }
  return Math.log1p(t) - t;
}

/**
 * ln of x^a e^-x / Gamma(a), the prefactor shared by the series and the continued fraction.
 * For large a the naive form subtracts numbers of size a ln a; the rearranged form
 * a (ln(1+t) - t) + ln sqrt(a / 2pi) - stirling(a), t = (x - a) / a, keeps full precision.
 */
function logPrefactor(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a);
  return a * log1pmx((x - a) / a) + 0.5 * Math.log(a) - LN_SQRT_2PI - stirlingRemainder(a);
}

/** Series for the lower function: P(a, x) = prefactor / a * sum_n x^n / ((a+1)...(a+n)). Best for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a, sum = term;
  for (let n = 1; n < MAX_ITER; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * DBL_EPS) return sum * Math.exp(logPrefactor(a, x));
  }
  throw new Error(`regularizedGammaP: series did not converge for a=${a}, x=${x}`);
}

/** Continued fraction for the upper function (modified Lentz). Best for x >= a + 1. */
function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= DBL_EPS) return Math.exp(logPrefactor(a, x)) * h;
  }
  throw new Error(`regularizedGammaQ: continued fraction did not converge for a=${a}, x=${x}`);
}

function checkArgs(name: string, a: number, x: number): void {
  if (Number.isNaN(a) || Number.isNaN(x)) throw new RangeError(`${name}: argument is NaN`);
  if (!(a > 0) || a === Infinity) throw new RangeError(`${name}: a must be a finite number > 0 (got ${a})`);
  if (x < 0) throw new RangeError(`${name}: x must be >= 0 (got ${x})`);
}

/** Regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a). */
export function regularizedGammaP(a: number, x: number): number {
  checkArgs('regularizedGammaP', a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a) = 1 - P(a, x). */
export function regularizedGammaQ(a: number, x: number): number {
  checkArgs('regularizedGammaQ', a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperContinuedFraction(a, x);
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
