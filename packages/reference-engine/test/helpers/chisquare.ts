// Pearson's chi-square test for the engine's distribution tests (the sampled output of a
// speculative decoder must follow the target's distribution). The engine's own small copy: its
// tests import nothing of the harness. The p-value is chi2.sf(x, df) = Q(df/2, x/2), the
// regularized upper incomplete gamma function, by its series below a + 1 and its continued
// fraction above (Numerical Recipes gser/gcf, double precision).

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Gamma(x), x > 0 (Lanczos, g = 7: about 15 significant digits). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = 0.99999999999980993;
  LANCZOS.forEach((c, i) => { a += c / (y + i + 1); });
  const t = y + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

function lowerSeries(a: number, x: number): number {
  let ap = a, sum = 1 / a, del = sum;
  for (let n = 0; n < 1_000_000; n++) {
    ap += 1; del *= x / ap; sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < 1_000_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** P(X >= x) for X ~ chi2(df). */
export function chiSquareSf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chiSquareSf: degrees of freedom must be > 0 (got ${df})`);
  if (x <= 0) return 1;
  const a = df / 2, h = x / 2;
  return h < a + 1 ? 1 - lowerSeries(a, h) : upperContinuedFraction(a, h);
}

/** Pearson's goodness-of-fit test (scipy.stats.chisquare): expected counts > 0, totals equal. */
export function chiSquareGoodnessOfFit(observed: ArrayLike<number>, expected: ArrayLike<number>): { statistic: number; df: number; p: number } {
  if (observed.length !== expected.length) throw new RangeError(`chiSquareGoodnessOfFit: ${observed.length} observed counts but ${expected.length} expected counts`);
  const df = observed.length - 1;
  if (df < 1) throw new RangeError('chiSquareGoodnessOfFit: need at least 2 categories');
  let statistic = 0, obsSum = 0, expSum = 0;
  for (let i = 0; i < observed.length; i++) {
    const o = observed[i]!, e = expected[i]!;
    if (!(e > 0)) throw new RangeError(`chiSquareGoodnessOfFit: expected[${i}] = ${e}; pool or drop empty categories`);
    statistic += ((o - e) * (o - e)) / e;
    obsSum += o; expSum += e;
  }
  if (Math.abs(obsSum - expSum) > Math.sqrt(EPS) * Math.min(obsSum, expSum)) throw new RangeError(`chiSquareGoodnessOfFit: observed total ${obsSum} and expected total ${expSum} differ`);
  return { statistic, df, p: chiSquareSf(statistic, df) };
}

/**
 * Categories with expected count >= minExpected stay; the others (expected > 0) are pooled into
 * one, which joins the smallest kept category if it is still below minExpected. Categories with
 * expected count 0 are left out, their observations counted in outsideSupport.
 */
export function poolSmallCategories(observed: ArrayLike<number>, expected: ArrayLike<number>, minExpected = 5): { observed: number[]; expected: number[]; groups: number[][]; outsideSupport: number } {
  const out = { observed: [] as number[], expected: [] as number[], groups: [] as number[][], outsideSupport: 0 };
  const rest: number[] = [];
  let restObs = 0, restExp = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!, o = observed[i]!;
    if (e === 0) out.outsideSupport += o;
    else if (e >= minExpected) { out.observed.push(o); out.expected.push(e); out.groups.push([i]); }
    else { rest.push(i); restObs += o; restExp += e; }
  }
  if (rest.length === 0) return out;
  if (restExp >= minExpected || out.expected.length === 0) {
    out.observed.push(restObs); out.expected.push(restExp); out.groups.push(rest);
    return out;
  }
  let smallest = 0;
  for (let j = 1; j < out.expected.length; j++) if (out.expected[j]! < out.expected[smallest]!) smallest = j;
  out.observed[smallest]! += restObs;
  out.expected[smallest]! += restExp;
  out.groups[smallest] = [...out.groups[smallest]!, ...rest].sort((a, b) => a - b);
  return out;
}
