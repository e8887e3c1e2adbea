// Special functions and the two distributions the harness needs (standard normal, Student t).
// Everything here is written for full double precision: p-values and interval bounds are
// checked against scipy to ~1e-12 in test/stats/distributions.test.ts, so no 1e-7 shortcuts
// (Abramowitz-Stegun erf, Hastings polynomials) are allowed in the final results.

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
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return (
      -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
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
function incompleteBetaPair(x: number, y: number, a: number, b: number): [number, number] {
  if (x <= 0) return [0, 1];
  if (y <= 0) return [1, 0];
  const lnx = x < 0.5 ? Math.log(x) : Math.log1p(-y);
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
 * bracket falls back to bisection (geometric while the bracket is unbounded).
 */
function solveUpperTail(q: number, sf: (t: number) => number, pdf: (t: number) => number, guess: number): number {
  const lnq = Math.log(q);
  let lo = 0;
  let hi = Infinity;
  let t = guess > 0 && Number.isFinite(guess) ? guess : 1;
  for (let i = 0; i < 500; i++) {
    const s = sf(t);
    if (s === q) return t;
    if (s > q) lo = t;
    else hi = t;
    const d = pdf(t);
    let next = t + ((Math.log(s) - lnq) * s) / d;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * t, 1) : lo === 0 ? hi / 2 : (lo + hi) / 2;
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
  const z = solveUpperTail(q, normalUpperTail, (x) => expNegSquare(x, 0.5) / SQRT_2PI, roughNormalUpper(q));
  return upper ? z : -z;
}

// ---------------------------------------------------------------------------------------------
// Student t

/** P(T > t) for t >= 0, via sf = I_x(df/2, 1/2) / 2 with x = df/(df+t^2). */
function tUpperTail(t: number, df: number): number {
  if (t === Infinity) return 0;
  if (df === Infinity) return normalUpperTail(t);
  // r = df / t^2 computed without overflowing t*t; x = r/(1+r), y = 1-x = 1/(1+r), both exact-ish.
  if (t === 0) return 0.5;
  const r = df / t / t;
  const x = r / (1 + r);
  const y = 1 / (1 + r);
  return 0.5 * incompleteBetaPair(x, y, df / 2, 0.5)[0];
}

/** Student t density. */
export function tPdf(t: number, df: number): number {
  assertNumber('tPdf', t);
  assertDf('tPdf', df);
  if (df === Infinity) return normalPdf(t);
  if (!Number.isFinite(t)) return 0;
  const at = Math.abs(t);
  // ln(1 + t^2/df) without overflow for huge t
  const l = at > 1e100 ? 2 * Math.log(at) - Math.log(df) + Math.log1p(df / at / at) : Math.log1p((at * at) / df);
  return Math.exp(-0.5 * Math.log(df) - logBeta(df / 2, 0.5) - ((df + 1) / 2) * l);
}

/** Student t CDF P(T <= t) for df > 0 (df may be fractional, as Welch's df is; Infinity = normal). */
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

/** Inverse of the Student t CDF. */
export function tQuantile(p: number, df: number): number {
  assertNumber('tQuantile', p);
  assertDf('tQuantile', df);
  if (p < 0 || p > 1) throw new RangeError(`tQuantile: p must be in [0,1] (got ${p})`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  const upper = p > 0.5;
  const q = upper ? 1 - p : p; // upper-tail probability, exact for p in [0.5, 1]
  let t: number;
  if (df === 1) {
    t = 1 / Math.tan(Math.PI * q); // Cauchy: closed form
  } else if (df === 2) {
    t = (1 - 2 * q) / Math.sqrt(2 * q * (1 - q));
  } else {
    // Cornish-Fisher start from the normal quantile, then polish to full precision.
    const z = roughNormalUpper(q);
    const z3 = z * z * z;
    const guess = z + (z3 + z) / (4 * df) + (5 * z3 * z * z + 16 * z3 + 3 * z) / (96 * df * df);
    t = solveUpperTail(q, (x) => tUpperTail(x, df), (x) => tPdf(x, df), guess);
  }
  return upper ? t : -t;
}
