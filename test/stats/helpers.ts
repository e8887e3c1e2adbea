// Shared loader and tolerance checks for the scipy fixtures (scripts/stats-fixtures.py).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export interface IntervalFx {
  low: number;
  high: number;
  halfWidth: number;
}

export interface Fixtures {
  meta: { scipy: string; numpy: string; python: string };
  distributions: {
    normal_cdf: { x: number; cdf: number }[];
    normal_quantile: { p: number; x: number }[];
    t_cdf: { t: number; df: number; cdf: number }[];
    t_quantile: { p: number; df: number; t: number }[];
    t_large_df_cdf: { t: number; df: number; cdf: number; sf: number }[];
    t_large_df_quantile: { p: number; df: number; t: number }[];
  };
  summary: {
    name: string;
    values: number[];
    n: number;
    mean: number;
    median: number;
    stddev: number;
    cv: number | null;
    min: number;
    max: number;
    ci95: IntervalFx | null;
    outliers: number[];
  }[];
  tInterval: ({ name: string; values: number[]; level: number; mean: number; df: number } & IntervalFx)[];
  welch: { name: string; a: number[]; b: number[]; t: number; df: number; p: number }[];
  oneSample: { name: string; x: number[]; mu: number; t: number; df: number; p: number }[];
  paired: {
    name: string;
    head: number[];
    base: number[];
    level: number;
    n: number;
    ratio: number;
    low: number | null;
    high: number | null;
    se: number;
    df: number;
    p: number;
  }[];
  mannWhitney: {
    name: string;
    a: number[];
    b: number[];
    requested: 'auto' | 'exact' | 'asymptotic';
    continuity?: boolean;
    method: 'exact' | 'asymptotic';
    u: number;
    p: number;
  }[];
  holm: { p: number[]; adjusted: number[] }[];
  ratio: {
    name: string;
    a: number[];
    b: number[];
    level: number;
    ratio: number;
    low: number;
    high: number;
    df: number;
    relativeSigma: number;
    welchP: number;
    mannWhitneyP: number;
  }[];
  relativeError: { ma: number; sa: number; mb: number; sb: number; ratio: number; sigma: number }[];
  /**
   * scipy.stats.nct cdf/sf (null where scipy returns nan) and tailRef, the smaller tail by
   * quadrature of its definition; scipyTailOk: scipy's value of that tail agrees with it to 2e-13.
   */
  noncentralT: {
    t: number;
    df: number;
    nc: number;
    cdf: number | null;
    sf: number | null;
    tail: 'cdf' | 'sf';
    tailRef: number;
    scipyTailOk: boolean;
  }[];
  /** df is the string "Infinity" for the z-test case (JSON has no Infinity). */
  power: { effect: number; se: number; df: number | 'Infinity'; alpha: number; power: number; scipyPower: number }[];
  minimumDetectableEffect: {
    se: number;
    df: number | 'Infinity';
    alpha: number;
    power: number;
    effect: number;
    scipyEffect: number;
  }[];
  /** mpmath references at extreme magnitudes; "Infinity" where the value exceeds the double range. */
  extreme: {
    welch: { a: number[]; b: number[]; t: number; df: number; p: number }[];
    tSf: { t: number; df: number; sf: number }[];
    tQuantileUpper: { q: number; df: number; t: number | 'Infinity' }[];
    tInterval: { name: string; values: number[]; level: number; halfWidth: number }[];
    decisionPower: { delta: number; se: number; df: number; alpha: number; maxRegressionPct: number; power: number }[];
    tinyDfPower: { effect: number; se: number; df: number; alpha: number; power: number }[];
  };
}

export const fx: Fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/scipy-expected.json', import.meta.url), 'utf8'),
) as Fixtures;

/**
 * |actual - expected| <= tol * max(|expected|, 1): relative for large values, absolute near 0
 * (p-values and CDFs in (0,1) are compared absolutely unless `relativeOnly`).
 */
export function close(actual: number, expected: number, tol = 1e-6, what = ''): void {
  if (actual === expected) return;
  const scale = Math.max(Math.abs(expected), 1);
  assert.ok(
    Number.isFinite(actual) && Math.abs(actual - expected) <= tol * scale,
    `${what}: got ${actual}, expected ${expected} (tol ${tol})`,
  );
}

/** Purely relative comparison, for tail probabilities that are tiny but must still be right. */
export function closeRel(actual: number, expected: number, tol: number, what = ''): void {
  if (actual === expected) return;
  assert.ok(
    Number.isFinite(actual) && Math.abs(actual - expected) <= tol * Math.abs(expected),
    `${what}: got ${actual}, expected ${expected} (relative tol ${tol})`,
  );
}

const COUNTED = ['exp', 'expm1', 'log', 'log1p'] as const;

/**
 * Runs fn with Math.exp, expm1, log and log1p counted, and throws once they have been called more
 * than `budget` times: a loop that never ends fails the test instead of hanging it, with no clock.
 */
export function withMathBudget<T>(budget: number, fn: () => T): { value: T; calls: number } {
  // Reflect.get: the originals are put back as they were, unbound (they use no `this`)
  const saved = COUNTED.map((name) => Reflect.get(Math, name) as (x: number) => number);
  let calls = 0;
  COUNTED.forEach((name, i) => {
    const original = saved[i];
    Math[name] = (x: number) => {
      if (++calls > budget) throw new Error(`more than ${budget} calls of Math.${COUNTED.join('/')}`);
      return original(x);
    };
  });
  try {
    return { value: fn(), calls };
  } finally {
    COUNTED.forEach((name, i) => {
      Math[name] = saved[i];
    });
  }
}
