import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { modifiedZScores, outlierIndices, summarize } from '../../src/stats/descriptive.ts';
import { close, fx } from './helpers.ts';

describe('summarize vs numpy/scipy', () => {
  for (const e of fx.summary) {
    it(`${e.name} (n=${e.n})`, () => {
      const s = summarize(e.values);
      assert.equal(s.n, e.n);
      close(s.mean, e.mean, 1e-9, 'mean');
      close(s.median, e.median, 1e-9, 'median');
      close(s.stddev, e.stddev, 1e-9, 'stddev');
      if (e.cv === null) assert.equal(s.cv, null);
      else close(s.cv as number, e.cv, 1e-9, 'cv');
      assert.equal(s.min, e.min);
      assert.equal(s.max, e.max);
      if (e.ci95 === null) assert.equal(s.ci95, null);
      else {
        assert.ok(s.ci95);
        close(s.ci95.low, e.ci95.low, 1e-9, 'ci95.low');
        close(s.ci95.high, e.ci95.high, 1e-9, 'ci95.high');
        close(s.ci95.halfWidth, e.ci95.halfWidth, 1e-9, 'ci95.halfWidth');
      }
      assert.deepEqual(s.outliers, e.outliers);
    });
  }
});

describe('summarize edge cases', () => {
  it('n = 1: zero stddev, no interval, no outliers', () => {
    const s = summarize([3]);
    assert.deepEqual(s, { n: 1, mean: 3, median: 3, stddev: 0, cv: 0, min: 3, max: 3, ci95: null, outliers: [] });
  });
  it('constant sample: exact zeros, zero-width interval', () => {
    const s = summarize([0.1, 0.1, 0.1]);
    assert.equal(s.stddev, 0);
    assert.equal(s.ci95?.halfWidth, 0);
    assert.deepEqual(s.outliers, []);
  });
  it('zero mean gives cv = null, not Infinity', () => {
    assert.equal(summarize([-1, 1]).cv, null);
  });
  it('flags but never drops outliers', () => {
    const values = [10, 10.2, 9.8, 10.1, 9.9, 50];
    const s = summarize(values);
    assert.deepEqual(s.outliers, [5]);
    assert.equal(s.n, 6);
    assert.equal(s.max, 50);
  });
  it('rejects empty and non-finite input', () => {
    assert.throws(() => summarize([]), RangeError);
    assert.throws(() => summarize([1, Number.NaN]), RangeError);
    assert.throws(() => summarize([1, Infinity]), RangeError);
  });
  it('does not mutate its input', () => {
    const values = [3, 1, 2];
    summarize(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe('modified z-scores', () => {
  it('MAD > 0: 0.6745 (x - median) / MAD', () => {
    // median 3, |dev| = [2,1,0,1,7] -> MAD 1
    const z = modifiedZScores([1, 2, 3, 4, 10]);
    close(z[4] as number, 0.6745 * 7, 1e-15, 'z');
    assert.deepEqual(outlierIndices([1, 2, 3, 4, 10]), [4]);
  });
  it('MAD = 0 falls back to 1.253314 * mean absolute deviation', () => {
    // median 5, MeanAD = 95/8
    const z = modifiedZScores([5, 5, 5, 5, 5, 5, 5, 100]);
    close(z[7] as number, 95 / (1.253314 * (95 / 8)), 1e-12, 'z');
    assert.deepEqual(outlierIndices([5, 5, 5, 6]), []);
  });
  it('all identical: nothing flagged', () => {
    assert.deepEqual(modifiedZScores([2, 2, 2]), [0, 0, 0]);
    assert.deepEqual(outlierIndices([2, 2, 2]), []);
  });
});

describe('summarize and modifiedZScores at the ends of the double range', () => {
  it('summarize([1e308, 1e308, -1e308]): finite mean and sd, interval bounds overflow to +-Infinity, no NaN', () => {
    const s = summarize([1e308, 1e308, -1e308]);
    close(s.mean, 1e308 / 3, 1e-15, 'mean');
    close(s.stddev, (2e154 / Math.sqrt(3)) * 1e154, 1e-15, 'sd = 2e308 / sqrt(3)');
    close(s.cv!, 2 * Math.sqrt(3), 1e-15, 'cv');
    assert.deepEqual(s.ci95, { low: -Infinity, high: Infinity, halfWidth: Infinity }); // 2.9e308 wide
    assert.deepEqual(s.outliers, []);
  });
  it('summarize of values ~1e-160, whose squared deviations underflow, scales like the values', () => {
    const ref = summarize([1, 2, 4, 8]);
    const s = summarize([1, 2, 4, 8].map((x) => x * 2 ** -540));
    assert.equal(s.stddev, ref.stddev * 2 ** -540);
    assert.equal(s.ci95!.halfWidth, ref.ci95!.halfWidth * 2 ** -540);
  });
  it('modifiedZScores are scale-free up to 1.8e308', () => {
    assert.deepEqual(modifiedZScores([1e308, 1e308, -1e308]), modifiedZScores([1, 1, -1]));
    assert.ok(!modifiedZScores([Number.MAX_VALUE, -Number.MAX_VALUE, 0, 1]).some(Number.isNaN));
  });
});
