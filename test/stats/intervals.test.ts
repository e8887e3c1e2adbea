import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mean } from 'simple-statistics';
import { bootstrapInterval, bootstrapMean, bootstrapRatioOfSums, sampleSd, scaledTInterval, tInterval } from '../../src/stats/intervals.ts';
import { close, closeRel, fx } from './helpers.ts';

describe('tInterval vs scipy.stats.t.interval', () => {
  for (const e of fx.tInterval) {
    it(`${e.name} level=${e.level}`, () => {
      const ci = tInterval(e.values, e.level);
      assert.ok(ci);
      close(ci.estimate, e.mean, 1e-9, 'mean');
      close(ci.low, e.low, 1e-9, 'low');
      close(ci.high, e.high, 1e-9, 'high');
      close(ci.halfWidth, e.halfWidth, 1e-9, 'halfWidth');
      assert.equal(ci.df, e.df);
      assert.equal(ci.level, e.level);
    });
  }
  it('n < 2 -> null; default level 0.95', () => {
    assert.equal(tInterval([4]), null);
    assert.equal(tInterval([1, 2, 3])?.level, 0.95);
    assert.throws(() => tInterval([]), RangeError);
    assert.throws(() => tInterval([1, 2], 1.2), RangeError);
  });
});

const SAMPLE = [41.2, 43.8, 40.9, 44.1, 42.7, 43.0, 41.8, 42.2, 45.0, 42.9, 39.5, 44.4];

// issue 23: a linear t interval of three throughputs reached "-21 tok/s"
describe('scaledTInterval: t on the log (logit) scale by the delta method', () => {
  it('log: m * exp(+-t * s / (m sqrt(n))), the linear interval\'s half-width over the mean on the log scale', () => {
    for (const values of [[9, 30, 51], [5, 30, 55], SAMPLE, [0, 0, 100]]) {
      const lin = tInterval(values)!;
      const ci = scaledTInterval(values, 'log')!;
      assert.equal(ci.scale, 'log');
      close(ci.estimate, lin.estimate, 1e-12, 'estimate');
      close(ci.low, lin.estimate * Math.exp(-lin.halfWidth / lin.estimate), 1e-12, 'low');
      close(ci.high, lin.estimate * Math.exp(lin.halfWidth / lin.estimate), 1e-12, 'high');
      close(ci.halfWidth, (ci.high - ci.low) / 2, 1e-12, 'halfWidth');
      assert.ok(ci.low > 0 && ci.low < ci.estimate && ci.high > ci.estimate, `${values}: [${ci.low}, ${ci.high}]`);
      close(Math.log(ci.high) - Math.log(ci.estimate), Math.log(ci.estimate) - Math.log(ci.low), 1e-12, 'symmetric on the log scale');
    }
    assert.ok(tInterval([9, 30, 51])!.low < 0, 'the linear interval of the same sample reaches below 0');
  });
  it('log: for a small CV the bounds are the linear ones to within a fraction of the half-width', () => {
    const lin = tInterval(SAMPLE)!, ci = scaledTInterval(SAMPLE, 'log')!;
    assert.ok(Math.abs(ci.low - lin.low) < 0.05 * lin.halfWidth && Math.abs(ci.high - lin.high) < 0.05 * lin.halfWidth);
  });
  it('logit: bounds inside (0, 1), symmetric on the logit scale', () => {
    const rates = [0.05, 0.6, 0.95];
    const lin = tInterval(rates)!;
    assert.ok(lin.low < 0 && lin.high > 1, 'the linear interval leaves [0, 1]');
    const ci = scaledTInterval(rates, 'logit')!;
    assert.equal(ci.scale, 'logit');
    assert.ok(ci.low > 0 && ci.high < 1 && ci.low < ci.estimate && ci.high > ci.estimate);
    const logit = (p: number) => Math.log(p / (1 - p));
    close(logit(ci.high) - logit(ci.estimate), logit(ci.estimate) - logit(ci.low), 1e-9, 'symmetric on the logit scale');
    close(logit(ci.high) - logit(ci.estimate), lin.halfWidth / (ci.estimate * (1 - ci.estimate)), 1e-9, 'delta-method width');
  });
  it('falls back to the linear interval where the scale does not apply; null for n < 2', () => {
    assert.equal(scaledTInterval([-1, 2, 3], 'log')!.scale, 'linear');
    assert.equal(scaledTInterval([-5, 1, 2], 'log')!.scale, 'linear');
    assert.equal(scaledTInterval([0.5, 1.5, 1], 'logit')!.scale, 'linear');
    assert.equal(scaledTInterval([1, 1, 1], 'logit')!.scale, 'linear');
    assert.deepEqual(scaledTInterval([1, 2, 4], 'linear'), { ...tInterval([1, 2, 4])!, scale: 'linear' });
    assert.equal(scaledTInterval([4], 'log'), null);
    const flat = scaledTInterval([7, 7, 7], 'log')!;
    assert.deepEqual([flat.low, flat.high, flat.halfWidth], [7, 7, 0]);
  });
});

describe('bootstrap', () => {
  it('same seed -> identical interval; different seed -> different draws', () => {
    const a = bootstrapMean(SAMPLE, { seed: 42 });
    const b = bootstrapMean(SAMPLE, { seed: 42 });
    const c = bootstrapMean(SAMPLE, { seed: 43 });
    assert.deepEqual(a, b);
    assert.notDeepEqual([a.low, a.high], [c.low, c.high]);
  });
  it('is deterministic without an explicit seed (default seed)', () => {
    assert.deepEqual(bootstrapMean(SAMPLE), bootstrapMean(SAMPLE));
    assert.equal(bootstrapMean(SAMPLE).seed, 1);
    assert.equal(bootstrapMean(SAMPLE).resamples, 2000);
  });
  it('interval contains the point estimate and is close to the t interval', () => {
    const b = bootstrapMean(SAMPLE, { seed: 7 });
    close(b.estimate, mean(SAMPLE), 1e-12, 'estimate');
    assert.ok(b.low < b.estimate && b.estimate < b.high);
    const t = tInterval(SAMPLE);
    assert.ok(t);
    // Percentile bootstrap is a bit narrower than t for small n, but the same order of size.
    const ratio = (b.high - b.low) / (t.high - t.low);
    assert.ok(ratio > 0.6 && ratio < 1.3, `width ratio ${ratio}`);
  });
  it('wider level -> wider interval', () => {
    const b90 = bootstrapMean(SAMPLE, { level: 0.9, seed: 3 });
    const b99 = bootstrapMean(SAMPLE, { level: 0.99, seed: 3 });
    assert.ok(b99.low <= b90.low && b99.high >= b90.high);
  });
  it('ratio of sums resamples requests as pairs', () => {
    const tokens = [120, 30, 800, 45, 300, 210, 95, 60];
    const cycles = [40, 12, 230, 20, 100, 66, 30, 25];
    const r = bootstrapRatioOfSums(tokens, cycles, { seed: 11, resamples: 3000 });
    close(r.estimate, tokens.reduce((s, v) => s + v) / cycles.reduce((s, v) => s + v), 1e-12, 'estimate');
    assert.ok(r.low < r.estimate && r.estimate < r.high);
    assert.equal(r.dropped, 0);
    assert.deepEqual(r, bootstrapRatioOfSums(tokens, cycles, { seed: 11, resamples: 3000 }));
    // Constant per-request ratio -> every resample has the same pooled ratio.
    const flat = bootstrapRatioOfSums([2, 4, 6], [1, 2, 3], { seed: 5 });
    assert.deepEqual([flat.low, flat.estimate, flat.high], [2, 2, 2]);
    assert.throws(() => bootstrapRatioOfSums([1, 2], [1]), RangeError);
  });
  it('generic statistic (median) and non-finite replicates are dropped, not propagated', () => {
    const med = bootstrapInterval((s: readonly number[]) => [...s].sort((x, y) => x - y)[Math.floor(s.length / 2)] as number, SAMPLE, { seed: 9 });
    assert.ok(med.low <= med.estimate && med.estimate <= med.high);
    const r = bootstrapRatioOfSums([1, 2, 3], [0, 0, 5], { seed: 2, resamples: 500 });
    assert.ok(r.dropped > 0);
    assert.ok(Number.isFinite(r.low) && Number.isFinite(r.high));
  });
  it('single observation -> degenerate interval at that value', () => {
    const b = bootstrapMean([5], { resamples: 50 });
    assert.deepEqual([b.low, b.estimate, b.high], [5, 5, 5]);
  });
  it('validates options', () => {
    assert.throws(() => bootstrapMean([], {}), RangeError);
    assert.throws(() => bootstrapMean([1, 2], { resamples: 0 }), RangeError);
    assert.throws(() => bootstrapMean([1, 2], { level: 0 }), RangeError);
  });
});

describe('sampleSd', () => {
  it('matches numpy std(ddof=1) and is exactly 0 for constant samples and single values', () => {
    for (const e of fx.summary) close(sampleSd(e.values), e.stddev, 1e-12, e.name);
    assert.equal(sampleSd([0.1, 0.1, 0.1]), 0);
    assert.equal(sampleSd([7.25]), 0);
  });
  it('throws like the rest of the module on empty or non-finite input', () => {
    // It used to return 0 for [] and NaN for NaN inputs.
    assert.throws(() => sampleSd([]), RangeError);
    assert.throws(() => sampleSd([1, Number.NaN]), RangeError);
    assert.throws(() => sampleSd([1, Infinity]), RangeError);
    assert.throws(() => sampleSd([Number.NaN]), RangeError);
  });
});

describe('tInterval at levels near 1', () => {
  it('matches mpmath to 1e-14 relative (1 - (1 - level)/2 rounded: 1e-10 off at level 0.999999)', () => {
    const E = fx.extreme.tInterval;
    assert.ok(E.some((e) => e.level === 0.999999));
    for (const e of E) {
      const ci = tInterval(e.values, e.level);
      assert.ok(ci);
      closeRel(ci.halfWidth, e.halfWidth, 1e-14, `${e.name} level ${e.level}`);
    }
  });
});

describe('bootstrap seed', () => {
  it('must be an integer: NaN and 1.5 would silently run the streams of 0 and 1', () => {
    for (const seed of [Number.NaN, 1.5, Infinity]) {
      assert.throws(() => bootstrapMean([1, 2, 3], { seed }), /seed must be an integer/);
    }
    assert.equal(bootstrapMean([1, 2, 3], { seed: -7 }).seed, -7);
  });
});
