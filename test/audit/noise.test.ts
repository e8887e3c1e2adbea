import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkNoise, metricCv } from '../../src/audit/noise.ts';
import { makeCell, makeResult, metric } from './helpers.ts';

test('throughput CV above the threshold -> warning with the CV', () => {
  const noisy = makeCell({ draft: 'ngram', metrics: { throughput: metric('throughput', [80, 100, 120], { cv: 0.2 }) } });
  const quiet = makeCell({ metrics: { throughput: metric('throughput', [99, 100, 101], { cv: 0.01 }) } });
  const f = checkNoise(makeResult([quiet, noisy]));
  assert.deepEqual(f.map((x) => [x.check, x.severity, x.cell]), [['noise', 'warning', noisy.id]]);
  assert.match(f[0].message, /^throughput CV 20\.0% over 3 trials exceeds 10%/);
});

test('the threshold is an option; CV is computed from values when not recorded', () => {
  const c = makeCell({ metrics: { throughput: metric('throughput', [95, 100, 105]) } }); // sd 5, cv 0.05
  assert.ok(Math.abs((metricCv(c.metrics.throughput) as number) - 0.05) < 1e-12);
  assert.equal(checkNoise(makeResult([c])).length, 0);
  const f = checkNoise(makeResult([c]), 0.04);
  assert.equal(f.length, 1);
  assert.match(f[0].message, /CV 5\.0% over 3 trials exceeds 4%/);
  assert.throws(() => checkNoise(makeResult([c]), -1), RangeError);
});

test('single trial or null CV -> no noise warning', () => {
  const one = makeCell({ trials: 1, metrics: { throughput: metric('throughput', [100]) } });
  const zero = makeCell({ draft: 'x', metrics: { throughput: metric('throughput', [0, 0], { cv: null }) } });
  assert.deepEqual(checkNoise(makeResult([one, zero])), []);
});

test('outliers flagged -> info naming metric and trial indices; failed cells are skipped', () => {
  const c = makeCell({ trials: 5, metrics: {
    throughput: metric('throughput', [100, 100, 101, 100, 60], { cv: 0.05, outliers: [4] }),
    ttft_ms: metric('ttft_ms', [10, 90, 10, 10, 95], { cv: 0.05, outliers: [1, 4], unit: 'ms' }),
  } });
  const failed = makeCell({ draft: 'ngram', status: 'failed', metrics: { throughput: metric('throughput', [1, 100], { outliers: [0] }) } });
  const f = checkNoise(makeResult([c, failed]));
  assert.deepEqual(f.map((x) => [x.severity, x.cell, x.message]), [
    ['info', c.id, 'throughput: outlier trial index 4 (60 tok/s) flagged by the modified Z-score, kept in the mean'],
    ['info', c.id, 'ttft_ms: outlier trial indices 1, 4 (90, 95 ms) flagged by the modified Z-score, kept in the mean'],
  ]);
});
