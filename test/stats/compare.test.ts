import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareSamples, pairedLogRatio, ratioOfMeansInterval, relativeError } from '../../src/stats/compare.ts';
import { close, closeRel, fx } from './helpers.ts';
import { welchTTest } from '../../src/stats/tests.ts';

function hasNaN(x: unknown): boolean {
  if (typeof x === 'number') return Number.isNaN(x);
  if (x && typeof x === 'object') return Object.values(x).some(hasNaN);
  return false;
}

describe('compareSamples vs python delta-method formula and scipy tests', () => {
  for (const e of fx.ratio) {
    it(e.name, () => {
      const c = compareSamples(e.a, e.b, { direction: 'higher', level: e.level });
      assert.ok(c.ratio !== null && c.ratioCi !== null && c.relative !== null);
      close(c.ratio, e.ratio, 1e-9, 'ratio');
      close(c.ratioCi.low, e.low, 1e-9, 'low');
      close(c.ratioCi.high, e.high, 1e-9, 'high');
      close(c.ratioCi.df, e.df, 1e-9, 'df');
      assert.equal(c.ratioCi.level, e.level);
      close(c.relative.sigma, e.relativeSigma, 1e-9, 'relative sigma');
      closeRel(c.welch.p, e.welchP, 1e-9, 'welch p');
      closeRel(c.mannWhitney.p, e.mannWhitneyP, 1e-9, 'mann-whitney p');
      assert.ok(c.ratioCi.low <= c.ratio && c.ratio <= c.ratioCi.high);
      assert.equal(c.significant, e.welchP < 0.05);
    });
  }
});

describe('compareSamples decisions', () => {
  const base = [41.2, 43.8, 40.9, 44.1, 42.7, 43.0, 41.8, 42.2, 45.0, 42.9];
  const faster = base.map((v) => v * 1.3);
  it('direction higher: faster candidate is better', () => {
    const c = compareSamples(faster, base, { direction: 'higher' });
    assert.equal(c.significant, true);
    assert.equal(c.better, true);
    assert.equal(c.worse, false);
  });
  it('direction lower: the same data is worse (e.g. latency)', () => {
    const c = compareSamples(faster, base, { direction: 'lower' });
    assert.equal(c.better, false);
    assert.equal(c.worse, true);
  });
  it('not significant -> neither better nor worse', () => {
    const c = compareSamples(base, [...base].reverse().map((v) => v + 0.01), { direction: 'higher' });
    assert.equal(c.significant, false);
    assert.equal(c.better, false);
    assert.equal(c.worse, false);
  });
  it('alpha is respected', () => {
    const e = fx.ratio.find((r) => r.welchP > 0.001 && r.welchP < 0.5);
    assert.ok(e);
    assert.equal(compareSamples(e.a, e.b, { direction: 'higher', alpha: e.welchP * 1.01 }).significant, true);
    assert.equal(compareSamples(e.a, e.b, { direction: 'higher', alpha: e.welchP * 0.99 }).significant, false);
  });
});

describe('compareSamples degenerate inputs never leak NaN', () => {
  it('n = 1 on a side: p = 1, no interval', () => {
    const c = compareSamples([10], [9, 11, 10.5], { direction: 'higher' });
    assert.equal(c.welch.p, 1);
    assert.equal(c.ratioCi, null);
    assert.equal(c.significant, false);
    assert.ok(!hasNaN(c));
  });
  it('both constant, equal means: p = 1, ratio 1 with zero-width interval', () => {
    const c = compareSamples([5, 5, 5], [5, 5, 5, 5], { direction: 'lower' });
    assert.equal(c.welch.p, 1);
    assert.equal(c.ratio, 1);
    assert.deepEqual(c.ratioCi, { low: 1, high: 1, level: 0.95, df: 5 });
    assert.equal(c.mannWhitney.p, 1);
    assert.equal(c.significant, false);
    assert.ok(!hasNaN(c));
  });
  it('both constant, different means: p = 0, significant', () => {
    const c = compareSamples([6, 6, 6], [5, 5, 5], { direction: 'higher' });
    assert.equal(c.welch.p, 0);
    assert.equal(c.better, true);
    assert.deepEqual(c.ratioCi, { low: 1.2, high: 1.2, level: 0.95, df: 4 });
    assert.ok(!hasNaN(c));
  });
  it('zero or negative means: ratio interval null, ratio null when reference mean is 0', () => {
    const c = compareSamples([-1, 1, 0.5], [-2, 2], { direction: 'higher' });
    assert.equal(c.ratio, null);
    assert.equal(c.ratioCi, null);
    assert.equal(c.relative, null);
    assert.ok(!hasNaN(c));
    const d = compareSamples([-3, -2.5, -4], [1, 2, 3], { direction: 'higher' });
    assert.ok(d.ratio !== null && d.ratio < 0);
    assert.equal(d.ratioCi, null);
    assert.ok(!hasNaN(d));
  });
  it('single values on both sides', () => {
    const c = compareSamples([3], [4], { direction: 'lower' });
    assert.equal(c.welch.p, 1);
    assert.equal(c.mannWhitney.p, 1);
    assert.ok(!hasNaN(c));
  });
  it('validates arguments', () => {
    assert.throws(() => compareSamples([], [1], { direction: 'higher' }), RangeError);
    assert.throws(() => compareSamples([1, 2], [1, 3], { direction: 'up' as 'higher' }), RangeError);
    assert.throws(() => compareSamples([1, 2], [1, 3], { direction: 'higher', alpha: 0 }), RangeError);
  });
});

describe('relativeError (hyperfine)', () => {
  for (const e of fx.relativeError) {
    it(`${e.ma}±${e.sa} / ${e.mb}±${e.sb}`, () => {
      const r = relativeError(e.ma, e.sa, e.mb, e.sb);
      close(r.ratio, e.ratio, 1e-12, 'ratio');
      close(r.sigma, e.sigma, 1e-12, 'sigma');
    });
  }
  it('throws on a zero mean', () => {
    assert.throws(() => relativeError(0, 1, 2, 1), RangeError);
  });
});

describe('ratioOfMeansInterval', () => {
  it('is symmetric on the log scale', () => {
    const ci = ratioOfMeansInterval(10, 13, 1.2, 12, 10, 0.9);
    assert.ok(ci);
    close(Math.log(ci.high / 1.3), -Math.log(ci.low / 1.3), 1e-12, 'log symmetry');
  });
});

describe('pairedLogRatio vs scipy (ttest_1samp and t.interval on d = ln(head/base))', () => {
  for (const e of fx.paired) {
    it(`${e.name} level=${e.level}`, () => {
      const r = pairedLogRatio(e.head, e.base, e.level);
      assert.equal(r.n, e.n);
      assert.equal(r.df, e.df);
      assert.equal(r.level, e.level);
      closeRel(r.ratio, e.ratio, 1e-12, 'ratio');
      close(r.se, e.se, 1e-12, 'se');
      closeRel(r.p, e.p, 1e-12, 'p');
      if (e.low === null || e.high === null) {
        assert.equal(r.low, null);
        assert.equal(r.high, null);
      } else {
        assert.ok(r.low !== null && r.high !== null);
        closeRel(r.low, e.low, 1e-12, 'low');
        closeRel(r.high, e.high, 1e-12, 'high');
        assert.ok(r.low < r.ratio && r.ratio < r.high);
        // symmetric on the log scale
        close(Math.log(r.high / r.ratio), Math.log(r.ratio / r.low), 1e-12, 'log symmetry');
      }
    });
  }
  it('n = 1: the ratio, no interval, se 0, p 1', () => {
    assert.deepEqual(pairedLogRatio([3], [2]), { n: 1, ratio: 1.5, low: null, high: null, level: 0.95, se: 0, df: 0, p: 1 });
  });
  it('a constant per-pair ratio gives a zero-width interval; p = 0 unless the ratio is 1', () => {
    const r = pairedLogRatio([2, 4, 6], [1, 2, 3]);
    assert.deepEqual([r.low, r.ratio, r.high, r.se, r.p], [2, 2, 2, 0, 0]);
    const same = pairedLogRatio([1.5, 7, 3], [1.5, 7, 3]);
    assert.deepEqual([same.low, same.ratio, same.high, same.se, same.p], [1, 1, 1, 0, 1]);
  });
  it('swapping head and base inverts the ratio and the interval, same p', () => {
    const e = fx.paired[0];
    assert.ok(e);
    const ab = pairedLogRatio(e.head, e.base);
    const ba = pairedLogRatio(e.base, e.head);
    closeRel(ba.ratio, 1 / ab.ratio, 1e-14, 'ratio');
    closeRel(ba.low as number, 1 / (ab.high as number), 1e-14, 'low');
    closeRel(ba.p, ab.p, 1e-14, 'p');
  });
  it('validates arguments', () => {
    assert.throws(() => pairedLogRatio([], []), RangeError);
    assert.throws(() => pairedLogRatio([1, 2], [1]), RangeError);
    assert.throws(() => pairedLogRatio([1, 0], [1, 1]), RangeError);
    assert.throws(() => pairedLogRatio([1, 2], [1, -1]), RangeError);
    assert.throws(() => pairedLogRatio([1, Number.NaN], [1, 1]), RangeError);
    assert.throws(() => pairedLogRatio([1, 2], [1, 1], 1), RangeError);
  });
});

describe('extreme magnitudes and invalid moments', () => {
  it('compareSamples at 1e80, 1e-90, 1e160 and 1e-200: the Welch test of the unscaled data, a ratio interval', () => {
    const a = [1, 2, 4];
    const b = [1, 3];
    const ref = compareSamples(a, b, { direction: 'higher' });
    for (const s of [1e80, 1e-90, 1e160, 1e-200]) {
      const c = compareSamples(a.map((x) => x * s), b.map((x) => x * s), { direction: 'higher' });
      assert.deepEqual(c.welch, welchTTest(a.map((x) => x * s), b.map((x) => x * s)));
      closeRel(c.welch.p, ref.welch.p, 1e-14, `p at ${s}`);
      assert.ok(c.ratioCi);
      closeRel(c.ratioCi.df, ref.ratioCi!.df, 1e-14, `ratio df at ${s}`);
      closeRel(c.ratioCi.high, ref.ratioCi!.high, 1e-14, `ratio high at ${s}`);
      assert.ok(!hasNaN(c));
    }
  });
  it('ratioOfMeansInterval rejects a NaN sd or mean with its own message (it was a NaN df in tQuantile)', () => {
    assert.throws(() => ratioOfMeansInterval(3, 10, Number.NaN, 4, 9, 2), /ratioOfMeansInterval: need a finite mean and sd/);
    assert.throws(() => ratioOfMeansInterval(3, Number.NaN, 1, 4, 9, 2), /ratioOfMeansInterval: need a finite mean and sd/);
  });
  it('relativeError rejects NaN, infinite and negative inputs instead of returning NaN', () => {
    assert.throws(() => relativeError(Number.NaN, 1, 1, 1), /ma must be a finite number/);
    assert.throws(() => relativeError(1, Infinity, 1, 1), /sa must be a finite number/);
    assert.throws(() => relativeError(1, 1, 1, -1), /standard deviations must be >= 0/);
    assert.deepEqual(relativeError(1e300, 0, 1e-300, 0), { ratio: Infinity, sigma: 0 });
  });
});
