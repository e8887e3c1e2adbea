import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sampleStandardDeviation } from 'simple-statistics';
import { compareSamples } from '../../src/stats/compare.ts';
import { holm, mannWhitneyU, oneSampleTTest, welchTTest } from '../../src/stats/tests.ts';
import { close, closeRel, fx } from './helpers.ts';

describe('welchTTest vs scipy ttest_ind(equal_var=False)', () => {
  for (const e of fx.welch) {
    it(e.name, () => {
      const r = welchTTest(e.a, e.b);
      close(r.t, e.t, 1e-9, 't');
      close(r.df, e.df, 1e-9, 'df');
      closeRel(r.p, e.p, 1e-9, 'p');
      assert.equal(r.degenerate, undefined);
    });
  }
});

describe('welchTTest degenerate inputs (no NaN)', () => {
  it('n < 2 in either group -> p = 1, flagged', () => {
    assert.deepEqual(welchTTest([1], [2, 3, 4]), { t: 0, df: 0, p: 1, degenerate: 'insufficient-data' });
    assert.deepEqual(welchTTest([1, 2], [9]), { t: 0, df: 0, p: 1, degenerate: 'insufficient-data' });
  });
  it('both constant and equal -> p = 1', () => {
    assert.deepEqual(welchTTest([5, 5, 5], [5, 5]), { t: 0, df: 3, p: 1, degenerate: 'zero-variance' });
  });
  it('both constant and different -> p = 0, t = +-Infinity', () => {
    assert.deepEqual(welchTTest([6, 6, 6], [5, 5]), { t: Infinity, df: 3, p: 0, degenerate: 'zero-variance' });
    assert.deepEqual(welchTTest([4, 4], [5, 5, 5]), { t: -Infinity, df: 3, p: 0, degenerate: 'zero-variance' });
  });
  it('constancy is decided on the values, not on rounded means or sds', () => {
    // mean([0.1, 0.1, 0.1]) = 0.10000000000000002 and simple-statistics' sd of it is ~1.7e-17:
    // this used to give t = Infinity, p = 0 (and scipy gives t = 1.41, p = 0.29).
    assert.notEqual((0.1 + 0.1 + 0.1) / 3, 0.1);
    assert.ok(sampleStandardDeviation([0.1, 0.1, 0.1]) > 0);
    assert.deepEqual(welchTTest([0.1, 0.1, 0.1], [0.1, 0.1]), { t: 0, df: 3, p: 1, degenerate: 'zero-variance' });
    assert.deepEqual(welchTTest([0.1, 0.1], [0.1, 0.1, 0.1]), { t: 0, df: 3, p: 1, degenerate: 'zero-variance' });
    const seven = Array.from({ length: 7 }, () => 0.7);
    assert.deepEqual(welchTTest(seven, [0.7, 0.7, 0.7]), { t: 0, df: 8, p: 1, degenerate: 'zero-variance' });
    assert.equal(compareSamples([0.1, 0.1, 0.1], [0.1, 0.1], { direction: 'higher' }).significant, false);
  });
  it('both constant by value with different values keeps p = 0 whatever the rounding', () => {
    assert.deepEqual(welchTTest([0.1, 0.1, 0.1], [0.2, 0.2]), { t: -Infinity, df: 3, p: 0, degenerate: 'zero-variance' });
    assert.deepEqual(welchTTest([0.3, 0.3, 0.3, 0.3], [0.1, 0.1, 0.1]), { t: Infinity, df: 5, p: 0, degenerate: 'zero-variance' });
    // two doubles apart is a difference
    assert.equal(welchTTest([1, 1], [1 + 2 * Number.EPSILON, 1 + 2 * Number.EPSILON]).p, 0);
  });
  it('constants one ulp apart are the same value up to one rounding: p = 1, not significant', () => {
    const up = 1 + Number.EPSILON;
    assert.deepEqual(welchTTest([1, 1], [up, up]), { t: 0, df: 2, p: 1, degenerate: 'zero-variance' });
    assert.deepEqual(welchTTest([0.3, 0.3, 0.3], [0.30000000000000004, 0.30000000000000004]), { t: 0, df: 3, p: 1, degenerate: 'zero-variance' });
    assert.equal(welchTTest([-0, -0], [5e-324, 5e-324]).p, 1); // across zero
    assert.equal(oneSampleTTest([up, up, up], 1).p, 1);
    const c = compareSamples([1, 1, 1], [up, up, up], { direction: 'higher' });
    assert.equal(c.significant, false);
    assert.equal(c.better || c.worse, false);
  });
  it('one constant group is not degenerate (scipy agrees: the one_side_constant fixture)', () => {
    const r = welchTTest([0.1, 0.1, 0.1], [0.2, 0.25, 0.15]);
    assert.equal(r.degenerate, undefined);
    assert.ok(r.p > 0 && r.p < 1);
  });
  it('rejects empty or non-finite input', () => {
    assert.throws(() => welchTTest([], [1, 2]), RangeError);
    assert.throws(() => welchTTest([1, Number.NaN], [1, 2]), RangeError);
  });
});

describe('oneSampleTTest vs scipy ttest_1samp', () => {
  for (const e of fx.oneSample) {
    it(e.name, () => {
      const r = oneSampleTTest(e.x, e.mu);
      close(r.t, e.t, 1e-12, 't');
      assert.equal(r.df, e.df);
      closeRel(r.p, e.p, 1e-12, 'p');
      assert.equal(r.degenerate, undefined);
    });
  }
  it('mu defaults to 0', () => {
    assert.deepEqual(oneSampleTTest([1, 2, 4]), oneSampleTTest([1, 2, 4], 0));
  });
  it('degenerate inputs follow the Welch conventions (scipy gives nan or rounding noise)', () => {
    assert.deepEqual(oneSampleTTest([3]), { t: 0, df: 0, p: 1, degenerate: 'insufficient-data' });
    assert.deepEqual(oneSampleTTest([3], 3), { t: 0, df: 0, p: 1, degenerate: 'insufficient-data' });
    assert.deepEqual(oneSampleTTest([0.1, 0.1, 0.1], 0.1), { t: 0, df: 2, p: 1, degenerate: 'zero-variance' });
    assert.deepEqual(oneSampleTTest([0.1, 0.1, 0.1], 0.2), { t: -Infinity, df: 2, p: 0, degenerate: 'zero-variance' });
    assert.deepEqual(oneSampleTTest([2, 2], 1), { t: Infinity, df: 1, p: 0, degenerate: 'zero-variance' });
  });
  it('rejects empty, non-finite input and a non-finite mu', () => {
    assert.throws(() => oneSampleTTest([]), RangeError);
    assert.throws(() => oneSampleTTest([1, Number.NaN]), RangeError);
    assert.throws(() => oneSampleTTest([1, 2], Number.NaN), RangeError);
    assert.throws(() => oneSampleTTest([1, 2], Infinity), RangeError);
  });
});

describe('mannWhitneyU vs scipy mannwhitneyu(two-sided)', () => {
  for (const e of fx.mannWhitney) {
    it(`${e.name} (${e.method})`, () => {
      const opts = {
        ...(e.requested === 'auto' ? {} : { method: e.requested }),
        ...(e.continuity === undefined ? {} : { continuity: e.continuity }),
      };
      const r = mannWhitneyU(e.a, e.b, opts);
      assert.equal(r.method, e.method);
      assert.equal(r.u, e.u);
      closeRel(r.p, e.p, 1e-9, 'p');
    });
  }
});

describe('mannWhitneyU method choice and edge cases', () => {
  it('auto: exact when either n <= 8 without ties (scipy 1.17 rule)', () => {
    assert.equal(mannWhitneyU([1, 2, 3], [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]).method, 'exact');
    assert.equal(mannWhitneyU([1, 2, 3], [3, 5, 6]).method, 'asymptotic');
    const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    assert.equal(mannWhitneyU(nine, nine.map((v) => v + 0.5)).method, 'asymptotic');
  });
  it('u is the statistic of the first sample; swapping gives n1*n2 - u and the same p', () => {
    const a = [1.5, 3.2, 4.8];
    const b = [2.1, 5.5, 6.0, 7.2];
    const ab = mannWhitneyU(a, b);
    const ba = mannWhitneyU(b, a);
    assert.equal(ab.u + ba.u, 12);
    assert.equal(ab.p, ba.p);
  });
  it('identical samples -> p = 1, no NaN', () => {
    const r = mannWhitneyU([5, 5, 5], [5, 5]);
    assert.equal(r.p, 1);
    assert.equal(r.u, 3);
  });
  it('single observations work (exact)', () => {
    const r = mannWhitneyU([1], [2]);
    assert.deepEqual(r, { u: 0, p: 1, method: 'exact' });
  });
});

describe('holm vs hand-computed step-down', () => {
  for (const e of fx.holm) {
    it(JSON.stringify(e.p), () => {
      const adj = holm(e.p);
      assert.equal(adj.length, e.adjusted.length);
      adj.forEach((v, i) => close(v, e.adjusted[i] as number, 1e-12, `adjusted[${i}]`));
    });
  }
  it('is monotone in the original p order and capped at 1', () => {
    const p = [0.04, 0.001, 0.3, 0.02, 0.5, 0.9];
    const adj = holm(p);
    const order = p.map((_, i) => i).sort((i, j) => (p[i] as number) - (p[j] as number));
    for (let k = 1; k < order.length; k++) assert.ok((adj[order[k] as number] as number) >= (adj[order[k - 1] as number] as number));
    assert.ok(adj.every((v, i) => v <= 1 && v >= (p[i] as number)));
  });
  it('rejects invalid p-values', () => {
    assert.throws(() => holm([0.1, 1.2]), RangeError);
    assert.throws(() => holm([Number.NaN]), RangeError);
  });
});

describe('welchTTest at extreme magnitudes', () => {
  it('matches mpmath from 1e-300 to 1e300 (scipy and the plain formula give a NaN df there)', () => {
    const E = fx.extreme.welch;
    assert.ok(E.length >= 30 && E.some((e) => e.a[0]! > 1e250) && E.some((e) => e.a[0]! < 1e-250));
    for (const e of E) {
      const r = welchTTest(e.a, e.b);
      const what = `welch(${e.a[0]}..., ${e.b[0]}...)`;
      closeRel(r.t, e.t, 1e-13, `${what} t`);
      closeRel(r.df, e.df, 1e-13, `${what} df`);
      closeRel(r.p, e.p, 1e-13, `${what} p`);
    }
  });
  it('the issue\'s cases: [1e80, 2e80] vs [1e80, 3e80] and the same at 1e-90', () => {
    const ref = welchTTest([1, 2], [1, 3]);
    for (const s of [1e80, 1e-90]) {
      const r = welchTTest([s, 2 * s], [s, 3 * s]);
      closeRel(r.df, ref.df, 1e-15, `df at ${s}`);
      closeRel(r.p, ref.p, 1e-14, `p at ${s}`);
    }
  });
  it('is invariant under scaling by powers of two across the double range', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let c = 0; c < 40; c++) {
      const a = Array.from({ length: 2 + (c % 5) }, () => 1 + rnd());
      const b = Array.from({ length: 2 + (c % 3) }, () => 1 + 2 * rnd());
      const ref = welchTTest(a, b);
      for (const k of [-1000, -700, -300, -100, 100, 300, 700, 1020]) { // below 2^-1000 the standard error turns subnormal
        const s = 2 ** k;
        const r = welchTTest(a.map((x) => x * s), b.map((x) => x * s));
        assert.deepEqual(r, ref, `case ${c} scaled by 2^${k}`);
      }
    }
  });
});
