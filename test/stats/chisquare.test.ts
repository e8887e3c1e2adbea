import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  chiSquareGoodnessOfFit,
  chiSquareSf,
  poolSmallCategories,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../src/stats/chisquare.ts';

// Fixtures: scripts/stats-fixtures.py, chi_square_fixtures() (scipy.stats.chisquare, chi2.sf,
// special.gammaincc / gammainc).
interface ChiFixtures {
  tests: { name: string; observed: number[]; expected: number[]; ddof: number; statistic: number; df: number; p: number }[];
  sf: { x: number; df: number; sf: number }[];
  gammaincc: { a: number; x: number; q: number; p: number }[];
}
const fx = (JSON.parse(readFileSync(new URL('./fixtures/scipy-expected.json', import.meta.url), 'utf8')) as { chiSquare: ChiFixtures }).chiSquare;

const TOL = 1e-9;

/** relative agreement; exact zeros must match exactly */
function rel(actual: number, expected: number, what: string, tol = TOL): void {
  if (actual === expected) return;
  assert.ok(Number.isFinite(actual) && Math.abs(actual - expected) <= tol * Math.abs(expected), `${what}: got ${actual}, expected ${expected} (relative tol ${tol})`);
}

describe('chiSquareSf / regularized incomplete gamma against scipy', () => {
  it('has fixtures (run scripts/stats-fixtures.py)', () => {
    assert.ok(fx && fx.sf.length > 200 && fx.gammaincc.length > 50 && fx.tests.length >= 8);
  });

  it('chi2.sf over df 1..10000, deep tails included, to 1e-9 relative', () => {
    let worst = 0;
    for (const { x, df, sf } of fx.sf) {
      const got = chiSquareSf(x, df);
      rel(got, sf, `chiSquareSf(${x}, ${df})`);
      worst = Math.max(worst, Math.abs(got - sf) / sf);
    }
    assert.ok(worst < TOL);
    // the fixtures reach far tails, not only the bulk
    assert.ok(fx.sf.some((c) => c.sf < 1e-100) && fx.sf.some((c) => c.sf > 1 - 1e-6));
  });

  it('gammaincc and gammainc at non-integer a, both sides of x = a + 1', () => {
    for (const { a, x, q, p } of fx.gammaincc) {
      rel(regularizedGammaQ(a, x), q, `Q(${a}, ${x})`);
      // P is compared where it is not itself a tiny difference from 1
      if (p > 1e-300) rel(regularizedGammaP(a, x), p, `P(${a}, ${x})`, p < 1e-3 || p > 0.999 ? 1e-8 : TOL);
    }
  });

  it('closed forms: df = 2 is exp(-x/2); Q(1, x) = e^-x; P + Q = 1', () => {
    for (const x of [0.01, 1, 7.5, 50, 300]) {
      rel(chiSquareSf(x, 2), Math.exp(-x / 2), `sf(${x}, 2)`, 1e-13);
      rel(regularizedGammaQ(1, x), Math.exp(-x), `Q(1, ${x})`, 1e-13);
      for (const a of [0.3, 4, 60]) assert.ok(Math.abs(regularizedGammaP(a, x) + regularizedGammaQ(a, x) - 1) < 1e-14);
    }
  });

  it('edges and bad arguments', () => {
    assert.equal(chiSquareSf(0, 3), 1);
    assert.equal(chiSquareSf(-1, 3), 1);
    assert.equal(chiSquareSf(Infinity, 3), 0);
    assert.equal(regularizedGammaQ(2, 0), 1);
    assert.equal(regularizedGammaP(2, 0), 0);
    assert.throws(() => chiSquareSf(1, 0), /degrees of freedom/);
    assert.throws(() => chiSquareSf(NaN, 2), /NaN/);
    assert.throws(() => regularizedGammaQ(-1, 2), /a must be/);
    assert.throws(() => regularizedGammaQ(1, -2), /x must be/);
  });
});

describe('chiSquareGoodnessOfFit against scipy.stats.chisquare', () => {
  for (const c of fx.tests) {
    it(c.name, () => {
      const r = chiSquareGoodnessOfFit(c.observed, c.expected, { ddof: c.ddof });
      rel(r.statistic, c.statistic, `${c.name} statistic`, 1e-12);
      assert.equal(r.df, c.df);
      if (c.p === 0) assert.ok(r.p < 1e-290, `${c.name}: p ${r.p} should underflow like scipy's`);
      else rel(r.p, c.p, `${c.name} p`);
    });
  }

  it('rejects inputs scipy rejects or that make the test meaningless', () => {
    assert.throws(() => chiSquareGoodnessOfFit([1, 2], [1, 2, 3]), /3 expected counts/);
    assert.throws(() => chiSquareGoodnessOfFit([5], [5]), /degrees of freedom/);
    assert.throws(() => chiSquareGoodnessOfFit([5, 5, 5], [5, 5, 5], { ddof: 2 }), /degrees of freedom/);
    assert.throws(() => chiSquareGoodnessOfFit([5, 5], [10, 0]), /expected\[1\]/);
    assert.throws(() => chiSquareGoodnessOfFit([5, -1], [2, 2]), /observed\[1\]/);
    assert.throws(() => chiSquareGoodnessOfFit([5, 5], [6, 6]), /totals?.*differ|differ/);
  });
});

describe('poolSmallCategories', () => {
  it('keeps big categories, pools the small ones, sets impossible outcomes apart', () => {
    const r = poolSmallCategories([50, 30, 2, 1, 4, 3, 0], [48, 31, 3, 2, 1, 5, 0]);
    assert.deepEqual(r.groups, [[0], [1], [5], [2, 3, 4]]);
    assert.deepEqual(r.observed, [50, 30, 3, 7]);
    assert.deepEqual(r.expected, [48, 31, 5, 6]);
    assert.equal(r.outsideSupport, 0);
    const z = poolSmallCategories([10, 2], [12, 0]);
    assert.equal(z.outsideSupport, 2);
    assert.deepEqual(z.expected, [12]);
  });

  it('a pool still under the minimum joins the smallest kept category', () => {
    const r = poolSmallCategories([40, 9, 1, 1], [40, 8, 1.5, 1.5]);
    assert.deepEqual(r.groups, [[0], [1, 2, 3]]);
    assert.deepEqual(r.expected, [40, 11]);
    assert.deepEqual(r.observed, [40, 11]);
  });

  it('totals are preserved, so the pooled table is a valid test input', () => {
    const exp = Array.from({ length: 300 }, (_, i) => 20000 * (0.5 ** (i / 10)) / 14427.6);
    const s = exp.reduce((a, b) => a + b, 0);
    const e = exp.map((v) => (v * 20000) / s);
    const o = e.map((v) => Math.round(v));
    const diff = 20000 - o.reduce((a, b) => a + b, 0);
    o[0] += diff;
    const r = poolSmallCategories(o, e);
    assert.ok(r.expected.every((v) => v >= 5));
    assert.equal(r.observed.reduce((a, b) => a + b, 0), 20000);
    assert.ok(Math.abs(r.expected.reduce((a, b) => a + b, 0) - 20000) < 1e-6);
    assert.ok(chiSquareGoodnessOfFit(r.observed, r.expected).p > 0.99);
  });
});
