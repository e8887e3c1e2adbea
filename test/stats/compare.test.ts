import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareSamples, ratioOfMeansInterval, relativeError } from '../../src/stats/compare.ts';
import { close, closeRel, fx } from './helpers.ts';

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
