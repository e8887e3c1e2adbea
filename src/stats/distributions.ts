// Special functions and the distributions the harness needs (standard normal, Student t, and the
// noncentral t behind t-test power).
// Everything here is written for full double precision: p-values and interval bounds are
// checked against scipy to ~1e-12 in test/stats/distributions.test.ts, so no 1e-7 shortcuts
// (Abramowitz-Stegun erf, Hastings polynomials) are allowed in the final results.
// Kept by hand: jstat 1.9.6 misses the committed scipy fixtures at the tests' 1e-12 relative (t cdf
// 90/150, noncentral t cdf/sf 826/1192); @stdlib (stats-base-dists-t 0.2.2) has no sf and no
// noncentral t, gives -0/-Inf for far-tail quantiles (26/117 large-df t, 4/14 normal) and pulls 277 packages.

const LN_SQRT_2PI = 0.9189385332046727418; // ln(sqrt(2*pi))
const SQRT_2PI = 2.5066282746310005024;
const SQRT_PI = 1.7724538509055160273;
const DBL_EPS = 2.220446049250313e-16;
const TINY = 1e-300;

function assertNumber(name: string, x: number): void {
  if (Number.isNaN(x)) throw new RangeError(`${name}: argument is NaN`);
}

function assertDf(name: string, df: number): void {
  if (!(df > 0)) throw new RangeError(`${name}: degrees of freedom must be > 0 (got ${df})`);
}

// ---------------------------------------------------------------------------------------------
// Gamma / Beta

// Lanczos coefficients (g = 607/128, 15 terms; Godfrey, as used by Numerical Recipes 3rd ed.).
// ~1e-15 relative for moderate x; large x goes through the Stirling series below instead.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
  0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4,
  0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3,
  -0.164318106536763890e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
];

/**
 * Remainder of the Stirling series: lnGamma(x) - [(x-0.5)ln x - x + ln sqrt(2pi)], x >= 10.
 * Kept separate so logBeta can cancel the large terms analytically (see logBeta).
 */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  // Bernoulli terms B_2k / (2k (2k-1) x^(2k-1)), k = 1..8; the 8th is < 1e-16 at x = 10.
  return (
    (1 / 12 +
      x2 *
        (-1 / 360 +
          x2 *
            (1 / 1260 +
              x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360 + x2 * (1 / 156 + x2 * (-3617 / 122400)))))))) /
    x
  );
}

/** ln Gamma(x) for x > 0. */
export function logGamma(x: number): number {
  assertNumber('logGamma', x);
  if (!(x > 0)) throw new RangeError(`logGamma: x must be > 0 (got ${x})`);
  if (x === Infinity) return Infinity;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  let y = x;
  const tmp0 = x + 5.2421875; // g + 0.5 with g = 607/128
  const tmp = (x + 0.5) * Math.log(tmp0) - tmp0;
  let ser = 0.999999999999997092;
  for (const c of LANCZOS) ser += c / ++y;
  return tmp + Math.log((SQRT_2PI * ser) / x);
}

/**
 * ln B(a, b). When an argument is large, lnGamma(a) + lnGamma(b) - lnGamma(a+b) is a
 * difference of huge numbers; the Stirling form with log1p avoids that (same scheme as R's lbeta).
 */
export function logBeta(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`logBeta: a and b must be > 0 (got ${a}, ${b})`);
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (q === Infinity) return -Infinity; // B(p, q) -> 0 as q -> infinity
  // Written in r = p/q so that p + q, which overflows for p, q near the top of the double range,
  // is never formed: p/(p+q) = r/(1+r), q/(p+q) = 1/(1+r).
  const r = p / q;
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * (Math.log(r) - Math.log1p(r)) - q * Math.log1p(r);
  }
  if (q >= 10) {
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + corr + p - p * (Math.log(q) + Math.log1p(r)) - (q - 0.5) * Math.log1p(r);
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}

/** Continued fraction for I_x(a,b) (Numerical Recipes betacf, modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= DBL_EPS) return h;
  }
  throw new Error(`betaContinuedFraction did not converge (x=${x}, a=${a}, b=${b})`);
}

/**
 * Regularized incomplete beta, returned as the pair [I_x(a,b), 1 - I_x(a,b)].
 * Takes y = 1 - x separately so callers that know 1-x exactly (the t distribution) keep the
 * precision that `1 - x` would lose; whichever side the continued fraction evaluates directly
 * is the small one, so both members of the pair are accurate.
 */
function incompleteBetaPair(x: number, y: number, a: number, b: number, lnxExact?: number): [number, number] {
  // lnxExact: ln x from the caller when x itself underflows (the t tail at t > 1e154), where the
  // continued fraction is 1 and the whole value is the prefactor x^a.
  if (x <= 0 && lnxExact === undefined) return [0, 1];
  if (y <= 0) return [1, 0];
  const lnx = lnxExact ?? (x < 0.5 ? Math.log(x) : Math.log1p(-y));
  const lny = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const front = Math.exp(a * lnx + b * lny - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const v = (front * betaContinuedFraction(x, a, b)) / a;
    return [v, 1 - v];
  }
  const w = (front * betaContinuedFraction(y, b, a)) / b;
  return [1 - w, w];
}

/** Regularized incomplete beta function I_x(a, b), 0 <= x <= 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  assertNumber('regularizedIncompleteBeta', x);
  if (x < 0 || x > 1) throw new RangeError(`regularizedIncompleteBeta: x must be in [0,1] (got ${x})`);
  if (!(a > 0) || !(b > 0)) throw new RangeError('regularizedIncompleteBeta: a and b must be > 0');
  return incompleteBetaPair(x, 1 - x, a, b)[0];
}

// Regularized incomplete gamma (chi-square tails in chisquare.ts; the distribution of the t
// statistic's scale in the noncentral t below).

const GAMMA_MAX_ITER = 1_000_000;

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
  return a * log1pmx((x - a) / a) + 0.5 * Math.log(a) - LN_SQRT_2PI - stirlingCorrection(a);
}

/** Series for the lower function: P(a, x) = prefactor / a * sum_n x^n / ((a+1)...(a+n)). Best for x < a + 1. */
function lowerSeries(a: number, x: number): number {
  let term = 1 / a, sum = term;
  for (let n = 1; n < GAMMA_MAX_ITER; n++) {
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
  for (let i = 1; i < GAMMA_MAX_ITER; i++) {
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

// ---------------------------------------------------------------------------------------------
// Normal distribution / error function
//
// Both are built from two pieces that need no fitted coefficients:
//   small |x|: phi(x) * sum_n c^n x^(2n+1) / (2n+1)!!  (all terms positive, no cancellation)
//   large |x|: phi(x) / (x + c/(x + 2c/(x + 3c/(x + ...))))  (Laplace continued fraction)
// with c = 1 for the normal tail and c = 1/2 for erfc. The switch point is where the small-x
// form stops losing digits to `0.5 - ...`; the continued fraction still converges quickly there.

/** exp(-k * x * x) without the rounding error of x*x: split x = hi + lo with hi*hi exact. */
function expNegSquare(x: number, k: number): number {
  const ax = Math.abs(x);
  const hi = Math.round(ax * 16) / 16;
  const del = (ax - hi) * (ax + hi);
  return Math.exp(-k * hi * hi) * Math.exp(-k * del);
}

function positiveSeries(x: number, c: number): number {
  const x2 = c * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 500; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term <= sum * DBL_EPS * 0.5) break;
  }
  return sum;
}

/** 1 / (x + c/(x + 2c/(x + 3c/(x + ...)))) by modified Lentz. */
function laplaceContinuedFraction(x: number, c: number): number {
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k <= 5000; k++) {
    const ak = k * c;
    D = x + ak * D;
    if (D === 0) D = TINY;
    C = x + ak / C;
    if (C === 0) C = TINY;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) <= DBL_EPS) break;
  }
  return 1 / f;
}

const NORMAL_SWITCH = 1.5; // |x| where the normal tail switches from series to continued fraction
const ERF_SWITCH = NORMAL_SWITCH / Math.SQRT2;

/** Standard normal density. */
export function normalPdf(x: number): number {
  assertNumber('normalPdf', x);
  if (!Number.isFinite(x)) return 0;
  return expNegSquare(x, 0.5) / SQRT_2PI;
}

/** Upper tail Q(x) = P(Z > x) for x >= 0. */
function normalUpperTail(x: number): number {
  if (x === Infinity) return 0;
  if (x > 40) return 0; // Q(40) ~ 3.7e-350 underflows
  const pdf = expNegSquare(x, 0.5) / SQRT_2PI;
  if (x < NORMAL_SWITCH) return 0.5 - pdf * positiveSeries(x, 1);
  return pdf * laplaceContinuedFraction(x, 1);
}

/** Standard normal CDF, accurate to ~1e-15 relative in both tails. */
export function normalCdf(x: number): number {
  assertNumber('normalCdf', x);
  if (x < 0) return normalUpperTail(-x);
  if (x < NORMAL_SWITCH) return 0.5 + (expNegSquare(x, 0.5) / SQRT_2PI) * positiveSeries(x, 1);
  return 1 - normalUpperTail(x);
}

/** Standard normal survival function P(Z > x) (no cancellation in the upper tail). */
export function normalSf(x: number): number {
  assertNumber('normalSf', x);
  return normalCdf(-x);
}

/** Complementary error function, ~1e-15 relative. */
export function erfc(x: number): number {
  assertNumber('erfc', x);
  if (x < 0) return 2 - erfc(-x);
  if (x === Infinity) return 0;
  if (x > 27.3) return 0; // underflow
  const e = expNegSquare(x, 1) / SQRT_PI;
  if (x < ERF_SWITCH) return 1 - 2 * e * positiveSeries(x, 2);
  return e * laplaceContinuedFraction(x, 0.5);
}

/** Error function. */
export function erf(x: number): number {
  assertNumber('erf', x);
  const ax = Math.abs(x);
  if (ax < ERF_SWITCH) return Math.sign(x) * 2 * (expNegSquare(ax, 1) / SQRT_PI) * positiveSeries(ax, 2);
  return Math.sign(x) * (1 - erfc(ax));
}

/**
 * Safeguarded Newton on ln(sf(t)) = ln(q) for t >= 0, where sf is decreasing from sf(0) = 0.5.
 * Working on the log keeps the steps sane deep in the tails; any step that leaves the current
 * bracket falls back to bisection (geometric while the bracket is unbounded or spans more than a
 * factor of 4, so a heavy tail at t ~ 1e300 is reached in a few dozen steps, not a thousand).
 * `sfOverPdf(t, s)` is sf(t) / pdf(t) given s = sf(t).
 */
function solveUpperTail(q: number, sf: (t: number) => number, sfOverPdf: (t: number, s: number) => number, guess: number): number {
  const lnq = Math.log(q);
  let lo = 0;
  let hi = Infinity;
  let t = guess > 0 && Number.isFinite(guess) ? guess : 1;
  for (let i = 0; i < 500; i++) {
    const s = sf(t);
    if (s === q) return t;
    if (s > q) lo = t;
    else hi = t;
    let next = t + (Math.log(s) - lnq) * sfOverPdf(t, s);
    if (!(next > lo && next < hi)) {
      if (hi === Infinity) next = Math.min(Math.max(16 * t, 1), Number.MAX_VALUE);
      else if (lo === 0) next = hi / 16;
      else next = hi > 4 * lo ? Math.sqrt(lo) * Math.sqrt(hi) : (lo + hi) / 2;
    }
    if (Math.abs(next - t) <= 4 * DBL_EPS * t) return next;
    if (hi !== Infinity && hi - lo <= 4 * DBL_EPS * hi) return (lo + hi) / 2;
    t = next;
  }
  return t;
}

/** Rough normal quantile (Abramowitz-Stegun 26.2.23, |error| < 4.5e-4); only a starting point. */
function roughNormalUpper(q: number): number {
  const t = Math.sqrt(-2 * Math.log(q));
  return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
}

/** Inverse of the standard normal CDF. */
export function normalQuantile(p: number): number {
  assertNumber('normalQuantile', p);
  if (p < 0 || p > 1) throw new RangeError(`normalQuantile: p must be in [0,1] (got ${p})`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  const upper = p > 0.5;
  const q = upper ? 1 - p : p; // exact for p in [0.5, 1]
  const z = solveUpperTail(q, normalUpperTail, (x, s) => s / (expNegSquare(x, 0.5) / SQRT_2PI), roughNormalUpper(q));
  return upper ? z : -z;
}

// ---------------------------------------------------------------------------------------------
// Student t

/**
 * ln(Gamma(a) / Gamma(a + b)) + b ln(a + (b - 1)/2) for a >= 10, b <= 1: the Stirling form with the
 * large terms cancelled analytically (TOMS 708's algdiv plus the b ln(nu) that bgrat subtracts).
 */
function logGammaRatioShifted(a: number, b: number): number {
  const nu = a + (b - 1) / 2;
  return (
    b - (a + b - 0.5) * Math.log1p(b / a) + b * Math.log1p((nu - a) / a) + stirlingCorrection(a) - stirlingCorrection(a + b)
  );
}

/**
 * I_x(a, 1/2) for large a by the asymptotic expansion of DiDonato & Morris (1992, TOMS 708
 * BGRAT, their eq. 9.1-9.6) specialised to b = 1/2, where Q(1/2, z) = erfc(sqrt z).
 * Works from ln x = log1p(-y) with y = 1 - x supplied exactly, so x near 1 (the t distribution at
 * huge df, x = df/(df+t^2)) loses nothing, unlike the continued fraction, whose terms 1 - c*x
 * cancel to ~eps*df/t^2.
 */
function incompleteBetaLargeAHalf(y: number, a: number): number {
  const b = 0.5;
  const bm1 = b - 1;
  const nu = a + bm1 / 2;
  const lnx = Math.log1p(-y);
  const z = -nu * lnx;
  // I_x(a, 1/2) <= x^a / (a B(a, 1/2) sqrt(y)) = O(e^-z) for the y >= 1/(4 df + 1) used here,
  // so beyond z = 1500 it underflows.
  if (!(z <= 1500)) return 0;
  // r = z^b e^-z / Gamma(b); the expansion is u * sum with u = r * Gamma(a+b)/Gamma(a) / nu^b.
  const logU = 0.5 * Math.log(z) - z - 0.5 * Math.log(Math.PI) - logGammaRatioShifted(a, b);
  // Q(b, z) / r = sqrt(pi) e^z erfc(sqrt z) / sqrt z
  const sz = Math.sqrt(z);
  const qr =
    sz < ERF_SWITCH
      ? (SQRT_PI * Math.exp(z) - 2 * Math.exp(z - sz * sz) * positiveSeries(sz, 2)) / sz
      : laplaceContinuedFraction(sz, 0.5) / sz;
  const v = 0.25 / (nu * nu);
  const t2 = 0.25 * lnx * lnx;
  const c: number[] = [];
  const d: number[] = [];
  let j = qr;
  let sum = j;
  let t = 1;
  let cn = 1;
  let n2 = 0;
  for (let n = 1; n <= 30; n++) {
    const bp2n = b + n2;
    j = (bp2n * (bp2n + 1) * j + (z + bp2n + 1) * t) * v;
    n2 += 2;
    t *= t2;
    cn /= n2 * (n2 + 1);
    c.push(cn);
    let s = 0;
    let coef = b - n;
    for (let i = 1; i <= n - 1; i++) {
      s += coef * (c[i - 1]) * (d[n - 1 - i]);
      coef += b;
    }
    const dn = bm1 * cn + s / n;
    d.push(dn);
    const dj = dn * j;
    sum += dj;
    if (Math.abs(dj) <= DBL_EPS * 0.5 * sum) break;
  }
  return Math.exp(logU + Math.log(sum));
}

/** df from which tUpperTail uses the large-a expansion instead of the continued fraction. */
const T_LARGE_DF = 1000;
/**
 * df from which the t distribution is the normal to double precision: the relative difference
 * of the tails is about (t^4 + ...)/(4 df), below 1e-19 for every t whose tail does not underflow.
 */
const T_NORMAL_DF = 1e25;

/** P(T > t) for t >= 0, via sf = I_x(df/2, 1/2) / 2 with x = df/(df+t^2). */
function tUpperTail(t: number, df: number): number {
  if (t === Infinity) return 0;
  if (df >= T_NORMAL_DF) return normalUpperTail(t);
  if (t === 0) return 0.5;
  // x and y = 1 - x = t^2/(df+t^2) each computed directly, without overflowing t*t or df/t^2.
  const r = t < 1 ? 0 : df / t / t;
  const x = t < 1 ? df / (df + t * t) : r / (1 + r);
  const y = t < 1 ? (t * t) / (df + t * t) : 1 / (1 + r);
  const a = df / 2;
  // r underflows from t ~ 1e154 * sqrt(df): then x = r to double precision and ln x is formed
  // from the logs, so the heavy tails of small df (t^-df) do not drop to 0 while still representable.
  const lnx = t >= 1 && r < 1e-300 ? Math.log(df) - 2 * Math.log(t) : undefined;
  // Large df: the expansion, except near t = 0 where it loses ~1e-14 to the z^(1/2) prefactor
  // and the continued fraction on y (far below its crossover y = 3/df there) is exact.
  if (df >= T_LARGE_DF && t >= 0.5) return 0.5 * incompleteBetaLargeAHalf(y, a);
  return 0.5 * incompleteBetaPair(x, y, a, 0.5, lnx)[0];
}

/** Student t density. */
export function tPdf(t: number, df: number): number {
  assertNumber('tPdf', t);
  assertDf('tPdf', df);
  if (df === Infinity) return normalPdf(t);
  if (!Number.isFinite(t)) return 0;
  return Math.exp(logTPdf(t, df));
}

/** ln of the Student t density, finite where the density itself underflows (huge t, small df). */
function logTPdf(t: number, df: number): number {
  const at = Math.abs(t);
  // ln(1 + t^2/df) without overflow for huge t
  const l = at > 1e100 ? 2 * Math.log(at) - Math.log(df) + Math.log1p(df / at / at) : Math.log1p((at * at) / df);
  return -0.5 * Math.log(df) - logBeta(df / 2, 0.5) - ((df + 1) / 2) * l;
}

/**
 * Student t CDF P(T <= t) for df > 0 (df may be fractional, as Welch's df is; Infinity = normal).
 * Relative accuracy ~1e-13 or better in both tails for every df (see tUpperTail).
 */
export function tCdf(t: number, df: number): number {
  assertNumber('tCdf', t);
  assertDf('tCdf', df);
  if (t < 0) return tUpperTail(-t, df);
  return 1 - tUpperTail(t, df);
}

/** Student t survival function P(T > t), accurate in the upper tail. */
export function tSf(t: number, df: number): number {
  return tCdf(-t, df);
}

/** Inverse of the Student t CDF; +-Infinity where the quantile exceeds the double range (tiny p, small df). */
export function tQuantile(p: number, df: number): number {
  assertNumber('tQuantile', p);
  assertDf('tQuantile', df);
  if (p < 0 || p > 1) throw new RangeError(`tQuantile: p must be in [0,1] (got ${p})`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df >= T_NORMAL_DF) return normalQuantile(p);
  const upper = p > 0.5;
  const q = upper ? 1 - p : p; // upper-tail probability, exact for p in [0.5, 1]
  let t: number;
  if (df === 1) {
    t = 1 / Math.tan(Math.PI * q); // Cauchy: closed form
  } else if (df === 2) {
    t = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  } else {
    const sf = (x: number): number => tUpperTail(x, df);
    // Beyond the largest double the quantile rounds to Infinity (sf there still exceeds q).
    if (sf(Number.MAX_VALUE) > q) return upper ? Infinity : -Infinity;
    // Cornish-Fisher start from the normal quantile; far in the tail of small df, where that is
    // orders of magnitude short, the leading term of the tail, sf ~ (df/t^2)^(df/2) / (df B(df/2, 1/2)).
    const z = roughNormalUpper(q);
    const z3 = z * z * z;
    const cornishFisher = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
    const tail = Math.exp(0.5 * Math.log(df) - (Math.log(q) + Math.log(df) + logBeta(df / 2, 0.5)) / df);
    const guess = tail > cornishFisher && tail < Number.MAX_VALUE ? tail : cornishFisher;
    // sf/pdf from the logs: the density underflows long before sf does when df is small.
    t = solveUpperTail(q, sf, (x, s) => Math.exp(Math.log(s) - logTPdf(x, df)), guess);
  }
  return upper ? t : -t;
}

// ---------------------------------------------------------------------------------------------
// Noncentral t
//
// T' = (Z + nc) / S with Z standard normal and S = sqrt(V/df), V ~ chi2(df). Conditioning on S,
//   P(T' <= t) = E[Phi(t S - nc)]   and   P(T' > t) = E[Phi(nc - t S)],
// both expectations of a positive function, so quadrature keeps full relative accuracy in either
// tail. (The classical Poisson-weighted incomplete-beta series, Lenth 1989 / AS 243, subtracts
// terms when nc < 0, and its incomplete betas at large df meet the cancellation described at
// tUpperTail.) We integrate over w = ln S, whose density in Loader's saddle-point form
//   f(w) = sqrt(2a/pi) exp(-stirlerr(a) - a (e^(2w) - 1 - 2w)),   a = df/2,
// has no large cancelling terms at any df, by adaptive Gauss-Kronrod (7/15) on the range where
// the integrand is within e^-50 of its maximum.

/** stirlerr(a) = ln Gamma(a+1) - [(a + 1/2) ln a - a + ln sqrt(2 pi)], a > 0. */
function stirlerr(a: number): number {
  return a >= 10 ? stirlingCorrection(a) : logGamma(a + 1) - (a + 0.5) * Math.log(a) + a - LN_SQRT_2PI;
}

/** e^x - 1 - x without cancellation near 0. */
function expm1mx(x: number): number {
  if (Math.abs(x) < 0.5) {
    let term = x;
    let sum = 0;
    for (let k = 2; k < 40; k++) {
      term *= x / k;
      sum += term;
      if (Math.abs(term) <= DBL_EPS * 0.25 * Math.abs(sum)) break;
    }
    return sum;
  }
  return Math.expm1(x) - x;
}

/** ln Phi(u), finite far into the lower tail (Laplace continued fraction kept in logs). */
function logNormalCdf(u: number): number {
  if (u >= 0) return Math.log1p(-normalUpperTail(u));
  if (u > -NORMAL_SWITCH) return Math.log(normalUpperTail(-u));
  return -0.5 * u * u - LN_SQRT_2PI + Math.log(laplaceContinuedFraction(-u, 1));
}

/** phi(u) / Phi(u) (d/du ln Phi), without underflow for very negative u. */
function normalLowerHazard(u: number): number {
  if (u <= -NORMAL_SWITCH) return 1 / laplaceContinuedFraction(-u, 1);
  const pdf = expNegSquare(u, 0.5) / SQRT_2PI;
  return pdf / (u < 0 ? normalUpperTail(-u) : 1 - normalUpperTail(u));
}

// Gauss-Kronrod 7/15 (QUADPACK qk15): Kronrod nodes on [0, 1] (the last is 0) and weights; the
// Gauss nodes are the odd-indexed Kronrod nodes.
const GK_X = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const GK_WK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const GK_WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

/** Kronrod estimate of the integral of f over [a, b] and |Kronrod - Gauss| as its error bound. */
function gaussKronrod15(f: (x: number) => number, a: number, b: number): { value: number; error: number } {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = f(c);
  let k = fc * (GK_WK[7]);
  let g = fc * (GK_WG[3]);
  for (let i = 0; i < 7; i++) {
    const dx = h * (GK_X[i]);
    const s = f(c - dx) + f(c + dx);
    k += (GK_WK[i]) * s;
    if (i % 2 === 1) g += (GK_WG[(i - 1) / 2]) * s;
  }
  return { value: k * h, error: Math.abs((k - g) * h) };
}

/** Integral of a positive f over [lo, hi], split at `breaks`, to ~1e-15 relative (global adaptive). */
function integratePositive(f: (x: number) => number, breaks: number[]): number {
  const parts: { a: number; b: number; value: number; error: number }[] = [];
  for (let i = 0; i + 1 < breaks.length; i++) {
    const a = breaks[i];
    const b = breaks[i + 1];
    if (b > a) parts.push({ a, b, ...gaussKronrod15(f, a, b) });
  }
  for (let iter = 0; iter < 2000; iter++) {
    let total = 0;
    let error = 0;
    let worst = 0;
    parts.forEach((p, i) => {
      total += p.value;
      error += p.error;
      if (p.error > parts[worst].error) worst = i;
    });
    // |K - G| overstates the Kronrod error by orders of magnitude once converged, so 1e-14 on it
    // leaves the result itself at rounding level.
    if (error <= 1e-14 * total) return total;
    const p = parts[worst];
    const mid = 0.5 * (p.a + p.b);
    if (!(mid > p.a && mid < p.b)) return total; // interval cannot be split further
    parts.splice(worst, 1, { a: p.a, b: mid, ...gaussKronrod15(f, p.a, mid) }, { a: mid, b: p.b, ...gaussKronrod15(f, mid, p.b) });
  }
  return parts.reduce((s, p) => s + p.value, 0);
}

/**
 * E[Phi(s (t S - nc))] for s = +1 (P(T' <= t)) or s = -1 (P(T' > t)), t finite and non-zero.
 * In w = ln S the integrand is g(w) = Phi(u) f(w), u = s (t e^w - nc). We find the maximum w* of
 * ln g (root of its derivative, by bisection), its width from the curvature there, the range
 * where g > e^-50 g(w*), and integrate g(w)/g(w*), computed from differences (u - u*,
 * e^(2w) - e^(2w*), ...) so that the deep tails, where ln g ~ -700, carry no rounding noise.
 */
function noncentralTIntegral(t: number, df: number, nc: number, s: 1 | -1): number {
  const a = df / 2;
  const st = s * t;
  // d/dw ln g = s t e^w M(u) - 2a (e^(2w) - 1), M = phi/Phi; > 0 far left, < 0 far right.
  const slope = (w: number): number => {
    const e = Math.exp(w);
    return st * e * normalLowerHazard(s * (t * e - nc)) - 2 * a * Math.expm1(2 * w);
  };
  let lo = 0;
  let hi = 0;
  const s0 = slope(0);
  if (s0 > 0) {
    hi = 1;
    while (slope(hi) > 0 && hi < 1e3) {
      lo = hi;
      hi *= 2;
    }
  } else if (s0 < 0) {
    lo = -1;
    while (slope(lo) < 0 && lo > -1e4) {
      hi = lo;
      lo *= 2;
    }
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (slope(mid) > 0) lo = mid;
    else hi = mid;
  }
  const wStar = 0.5 * (lo + hi);
  const eStar = Math.exp(wStar);
  const uStar = s * (t * eStar - nc);
  const phiStar = normalCdf(uStar);
  if (phiStar === 0) return 0; // the whole integral underflows with it
  const gStar = phiStar * Math.exp(0.5 * Math.log((2 * a) / Math.PI) - stirlerr(a) - a * expm1mx(2 * wStar));
  const lnPhiStar = Math.log(phiStar);
  const lcfStar = uStar <= -NORMAL_SWITCH ? laplaceContinuedFraction(-uStar, 1) : 0;
  const em2Star = Math.expm1(2 * wStar);
  const logRatio = (w: number): number => {
    const dw = w - wStar;
    const du = st * eStar * Math.expm1(dw); // u - u*
    const u = uStar + du;
    // ln Phi(u) - ln Phi(u*): in the tail Phi = phi * LCF, and phi's ratio is exp(-du (2u* + du) / 2)
    const dPhi =
      lcfStar > 0 && u <= -NORMAL_SWITCH
        ? -0.5 * du * (2 * uStar + du) + Math.log(laplaceContinuedFraction(-u, 1) / lcfStar)
        : logNormalCdf(u) - lnPhiStar;
    // ln f(w) - ln f(w*) = -a (e^(2w*) (e^(2dw) - 1) - 2dw)
    return dPhi - a * (em2Star * Math.expm1(2 * dw) + expm1mx(2 * dw));
  };
  // Width from the curvature: -(ln g)'' = 4a e^(2w) - s t e^w M + (t e^w)^2 M (u + M).
  const m = normalLowerHazard(uStar);
  // t e* is moderate at the peak even where t and e* are not (t ~ 1e250 at df ~ 0.005): keep it
  // together, since t * t alone overflows.
  const te = t * eStar;
  const curvature = 4 * a * eStar * eStar - st * eStar * m + te * te * m * (uStar + m);
  const width = curvature > 0 && curvature < Infinity ? 1 / Math.sqrt(curvature) : 1 / Math.sqrt(2 * a);
  const reach = (dir: 1 | -1): number => {
    // a width of 0 would double forever; from 1e-300, 1010 doublings pass 1e4
    let d = Math.max(width, 1e-300);
    for (let i = 0; i < 1100 && logRatio(wStar + dir * d) > -50 && d < 1e4; i++) d *= 2;
    return wStar + dir * d;
  };
  const wLo = reach(-1);
  const wHi = reach(1);
  const breaks = [wLo];
  for (const k of [-8, -2, 0, 2, 8]) {
    const b = wStar + k * width;
    if (b > (breaks[breaks.length - 1]) && b < wHi) breaks.push(b);
  }
  breaks.push(wHi);
  return gStar * integratePositive((w) => Math.exp(logRatio(w)), breaks);
}

/**
 * E[h(S)] for S = sqrt(chi^2_df / df), the scale of the denominator of a t statistic (so E[h(S)]
 * is what a statistic's estimated standard error contributes to a rejection rate). h >= 0,
 * bounded and smooth between the points `kinks` (values of s, e.g. where h has a corner or a
 * steep step). Adaptive Gauss-Kronrod in w = ln S, on the range holding all but e^-50 of the
 * density (Loader's form, as in noncentralTIntegral, so large df costs no precision).
 */
export function expectOverTScale(h: (s: number) => number, df: number, kinks: readonly number[] = []): number {
  assertDf('expectOverTScale', df);
  if (df === Infinity) return h(1);
  const a = df / 2;
  const logDensity0 = 0.5 * Math.log((2 * a) / Math.PI) - stirlerr(a);
  const width = 1 / Math.sqrt(2 * df); // sd of ln S for large df
  const reach = (dir: 1 | -1): number => {
    let d = width;
    for (let i = 0; i < 200 && a * expm1mx(2 * dir * d) < 60; i++) d *= 2;
    return dir * d;
  };
  const wLo = reach(-1);
  const wHi = reach(1);
  const points = [wLo, wHi, ...[-8, -2, 0, 2, 8].map((k) => k * width), ...kinks.filter((x) => x > 0).map((x) => Math.log(x))];
  const breaks = [...new Set(points.filter((w) => w >= wLo && w <= wHi))].sort((u, v) => u - v);
  return integratePositive((w) => h(Math.exp(w)) * Math.exp(logDensity0 - a * expm1mx(2 * w)), breaks);
}

function assertNoncentralArgs(name: string, t: number, df: number, nc: number): void {
  assertNumber(name, t);
  assertDf(name, df);
  if (!Number.isFinite(nc)) throw new RangeError(`${name}: noncentrality must be finite (got ${nc})`);
}

/**
 * [P(S < x), P(S >= x)] for S = sqrt(chi^2_df / df), x >= 0: P(df/2, df x^2 / 2) and its
 * complement. Where df x^2 / 2 underflows (x ~ 1e-160, which the huge critical values of small
 * df reach) P is the leading term of its series, taken from the logs.
 */
function chiScaleCdfPair(x: number, df: number): [number, number] {
  if (x <= 0) return [0, 1];
  const a = df / 2;
  const y = a * x * x;
  if (y < 1e-300) {
    const p = Math.exp(a * (Math.log(a) + 2 * Math.log(x)) - logGamma(a + 1));
    return [p, 1 - p];
  }
  return [regularizedGammaP(a, y), regularizedGammaQ(a, y)];
}

/** Where tUpperTailByZ takes over from noncentralTIntegral: |t| beyond this times max(1, sqrt(2 df)). */
const NCT_BY_Z = 1e4;

/**
 * [P(T' <= t), P(T' > t)] for t > 0 conditioned on Z instead of S, for |t| so large that
 * Phi(s (t S - nc)) in noncentralTIntegral is a step narrower than doubles resolve in ln S (it
 * lost up to 0.9 absolute there: df 0.05 at t ~ 1e119, df 2 at t ~ 1e25). With x = (Z + nc)/t,
 *   P(T' > t) = E[P(S < x); Z > -nc],   P(T' <= t) = Phi(-nc) + E[P(S >= x); Z > -nc],
 * both sums of positive terms, and P(S < x) is smooth in Z once |t| is far beyond the spread
 * 1/sqrt(2 df) of S.
 */
function noncentralTByZ(t: number, df: number, nc: number): [number, number] {
  const zLo = Math.max(-nc, -40);
  if (zLo > 38.5) return [1, 0]; // Z > -nc has probability below 1e-323
  const zHi = Math.max(zLo, 0) + 40;
  const breaks = [zLo, ...[0.5, 1, 2, 4].map((k) => zLo + k), ...[-16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16].filter((z) => z > zLo + 4), zHi]
    .filter((z) => z <= zHi)
    .sort((u, v) => u - v);
  const phi = (z: number): number => expNegSquare(z, 0.5) / SQRT_2PI;
  const upper = integratePositive((z) => phi(z) * chiScaleCdfPair((z + nc) / t, df)[0], breaks);
  const lower = normalCdf(-nc) + integratePositive((z) => phi(z) * chiScaleCdfPair((z + nc) / t, df)[1], breaks);
  return [lower, upper];
}

/** [P(T' <= t), P(T' > t)], each computed without cancellation where it is the small one. */
function noncentralTPair(t: number, df: number, nc: number): [number, number] {
  if (t === Infinity) return [1, 0];
  if (t === -Infinity) return [0, 1];
  if (nc === 0) return [tCdf(t, df), tCdf(-t, df)];
  if (df >= T_NORMAL_DF) return [normalCdf(t - nc), normalCdf(nc - t)];
  if (t === 0) return [normalCdf(-nc), normalCdf(nc)];
  if (Math.abs(t) > NCT_BY_Z * Math.max(1, Math.sqrt(2 * df))) {
    if (t > 0) return noncentralTByZ(t, df, nc);
    const [lower, upper] = noncentralTByZ(-t, df, -nc); // P(T'(nc) <= t) = P(T'(-nc) >= -t)
    return [upper, lower];
  }
  // At S = 1 the integrand is Phi(t - nc): integrate the side that is below 1/2 there.
  if (t <= nc) {
    const lower = noncentralTIntegral(t, df, nc, 1);
    return [lower, 1 - lower];
  }
  const upper = noncentralTIntegral(t, df, nc, -1);
  return [1 - upper, upper];
}

/**
 * Noncentral t CDF P(T' <= t), T' = (Z + nc) / sqrt(V/df); df > 0 (fractional allowed,
 * Infinity = normal centred on nc), nc finite. Equals scipy.stats.nct.cdf(t, df, nc).
 */
export function noncentralTCdf(t: number, df: number, nc: number): number {
  assertNoncentralArgs('noncentralTCdf', t, df, nc);
  return noncentralTPair(t, df, nc)[0];
}

/** Noncentral t survival function P(T' > t), accurate in the upper tail (scipy.stats.nct.sf). */
export function noncentralTSf(t: number, df: number, nc: number): number {
  assertNoncentralArgs('noncentralTSf', t, df, nc);
  return noncentralTPair(t, df, nc)[1];
}
