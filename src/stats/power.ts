// Power and minimum detectable effect of the two-sided t-test, for planning how many trials a
// comparison needs. Exact (noncentral t), not the shifted-central-t or normal shortcut; pinned to
// scipy.stats.nct (and, where its small tail cancels, to quadrature of the definition) by
// test/stats/power.test.ts via scripts/stats-fixtures.py.

import { noncentralTCdf, noncentralTSf, tQuantile } from './distributions.ts';
import { assertLevel } from './guards.ts';

function assertPowerArgs(fn: string, se: number, df: number, alpha: number): void {
  if (Number.isNaN(se) || se < 0) throw new RangeError(`${fn}: se must be >= 0 (got ${se})`);
  if (Number.isNaN(df)) throw new RangeError(`${fn}: df is NaN`);
  assertLevel(`${fn}(alpha)`, alpha);
}

/**
 * t_{1-alpha/2, df}, from the lower tail alpha/2, which is exact where 1 - alpha/2 is rounded.
 * For df so small that it exceeds the double range (df < ~0.0035 at alpha = 0.05) the power is
 * still an ordinary probability, but not one this module computes: a clear error instead of 0.
 */
function criticalT(fn: string, df: number, alpha: number): number {
  const tc = -tQuantile(alpha / 2, df);
  if (tc === Infinity) throw new RangeError(`${fn}: t(1 - alpha/2, df) exceeds the double range at df = ${df}, alpha = ${alpha}`);
  return tc;
}

/** Power at noncentrality nc >= 0 with critical value tc: P(T' > tc) + P(T' < -tc). */
function powerAt(nc: number, tc: number, df: number): number {
  return Math.min(1, noncentralTSf(tc, df, nc) + noncentralTCdf(-tc, df, nc));
}

/**
 * Probability that the two-sided level-alpha t-test with df degrees of freedom rejects when the
 * true difference is `effect` and its estimate has standard error `se`:
 * P(T' > t_{1-alpha/2}) + P(T' < -t_{1-alpha/2}), T' ~ noncentral t(df, effect/se).
 * df may be fractional (Welch) or Infinity (z-test). Conventions: df <= 0 (n < 2, the tests
 * return p = 1) -> 0; se = Infinity -> alpha; se = 0 -> 1 for effect != 0 and alpha for
 * effect = 0 (the limits as se -> 0). Symmetric in the sign of effect. Throws RangeError where
 * t_{1-alpha/2, df} exceeds the double range (df below ~0.0035 at alpha = 0.05).
 */
export function tTestPower(effect: number, se: number, df: number, alpha = 0.05): number {
  if (!Number.isFinite(effect)) throw new RangeError(`tTestPower: effect must be a finite number (got ${effect})`);
  assertPowerArgs('tTestPower', se, df, alpha);
  if (df <= 0) return 0;
  if (effect === 0 || se === Infinity) return alpha;
  if (se === 0) return 1;
  const nc = Math.abs(effect) / se;
  if (!Number.isFinite(nc)) return 1; // effect / se overflowed
  return powerAt(nc, criticalT('tTestPower', df, alpha), df);
}

/**
 * Smallest effect > 0 whose tTestPower(effect, se, df, alpha) reaches `power` (infimum: the
 * effect where power is exactly reached; power is increasing in |effect|). Infinity when
 * df <= 0 or se is not finite (no test can reach it); 0 when se = 0 or power <= alpha (every
 * effect > 0 already has power > alpha), and Infinity where the noncentrality it needs exceeds
 * the double range. Solved by bisection on the noncentrality to ~1e-15 relative. Throws
 * RangeError where t_{1-alpha/2, df} exceeds the double range, as tTestPower does.
 */
export function minimumDetectableEffect(se: number, df: number, alpha = 0.05, power = 0.8): number {
  assertPowerArgs('minimumDetectableEffect', se, df, alpha);
  if (!(power > 0 && power < 1)) throw new RangeError(`minimumDetectableEffect: power must be in (0, 1), got ${power}`);
  if (df <= 0 || se === Infinity) return Infinity;
  if (se === 0 || power <= alpha) return 0;
  const tc = criticalT('minimumDetectableEffect', df, alpha);
  // Bracket the noncentrality: power(lo) < power <= power(hi). From tc + 1 >= 1, 1024 doublings
  // pass the largest double: an effect beyond it rounds to Infinity.
  let lo = 0;
  let hi = tc + 1;
  for (let i = 0; powerAt(hi, tc, df) < power; i++) {
    if (i >= 1100 || hi * 2 === Infinity) return Infinity;
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 200 && hi - lo > 2e-16 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (powerAt(mid, tc, df) < power) lo = mid;
    else hi = mid;
  }
  return hi * se;
}
