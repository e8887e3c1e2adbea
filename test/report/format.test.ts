import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cell, MetricValue } from '../../src/result/schema.ts';
import {
  digitsFor, formatMde, formatNumber, formatP, formatValue, formatWithInterval, hardwareLines, isNoisy,
  legendLines, noiseMark, noiseReasons, shortDefinition, significanceMark, draftTuning,
} from '../../src/report/format.ts';
import { smallResult } from './helpers.ts';

const mv = (unit: string, mean: number, extra: Partial<MetricValue> = {}): MetricValue => ({
  id: 'm', label: 'M', unit, direction: 'higher', definition: '', mean, n: 3, values: [mean, mean, mean], ...extra,
});
const iv = (mean: number, halfWidth: number) => ({ low: mean - halfWidth, high: mean + halfWidth, halfWidth, level: 0.95, method: 't' as const });

test('digits follow the unit', () => {
  assert.equal(digitsFor('tok/s'), 1);
  assert.equal(digitsFor('x'), 2);
  assert.equal(digitsFor('tok/cycle'), 2);
  assert.equal(digitsFor('ratio'), 3);
  assert.equal(digitsFor('ms'), 2);
  assert.equal(digitsFor('furlongs'), 2);
  assert.equal(formatValue(mv('tok/s', 76.04)), '76.0');
  assert.equal(formatValue(mv('ratio', 0.25912)), '0.259');
  assert.equal(formatValue(mv('x', 1.846), 1), '1.8');
  assert.equal(formatValue(undefined), '-');
});

test('formatWithInterval prints mean ± half-width for a symmetric interval, or the plain mean without an interval', () => {
  assert.equal(formatWithInterval(mv('tok/s', 55.2, { interval: iv(55.2, 21.42) })), '55.2 ± 21.4');
  assert.equal(formatWithInterval(mv('x', 1.8462, { interval: iv(1.8462, 0.0557) })), '1.85 ± 0.06');
  assert.equal(formatWithInterval(mv('ms', 23.9333, { interval: null })), '23.93');
  assert.equal(formatWithInterval(mv('ms', 23.9333)), '23.93');
  assert.equal(formatWithInterval(undefined), '-');
});

test('issue 23: an asymmetric interval prints as [low, high], not as ± half its width', () => {
  // the paired speedup interval [0.34, 6.26] about 1.47: "± 2.96" would read as reaching below 0
  const speedup = mv('x', 1.47, { interval: { low: 0.34, high: 6.26, halfWidth: 2.96, level: 0.95, method: 'paired' } });
  assert.equal(formatWithInterval(speedup), '1.47 [0.34, 6.26]');
  const throughput = mv('tok/s', 100, { interval: { low: 95.15, high: 105.1, halfWidth: 4.975, level: 0.95, method: 't', scale: 'log' } });
  assert.equal(formatWithInterval(throughput), '100.0 [95.2, 105.1]');
  // symmetric at the printed precision: ±
  const narrow = mv('tok/s', 100, { interval: { low: 99.02, high: 100.98, halfWidth: 0.98, level: 0.95, method: 't', scale: 'log' } });
  assert.equal(formatWithInterval(narrow), '100.0 ± 1.0');
});

test('issue 23: a symmetric interval that reaches below 0 from a positive mean is not printed as ±', () => {
  const linear = mv('tok/s', 30, { interval: { low: -21, high: 81, halfWidth: 51, level: 0.95, method: 't' } });
  assert.equal(formatWithInterval(linear), '30.0 [-21.0, 81.0]');
  // a quantity that may be negative keeps its ±
  const signed = mv('delta', -1, { interval: { low: -3, high: 1, halfWidth: 2, level: 0.95, method: 't' } });
  assert.equal(formatWithInterval(signed), '-1.00 ± 2.00');
});

test('issue 23: an MDE above 100% reads "not detectable with this data"', () => {
  assert.equal(formatMde({ mde: 2153.635 }), 'not detectable with this data');
  assert.equal(formatMde({ mde: 1.0001 }), 'not detectable with this data');
  assert.equal(formatMde({ mde: 1 }), '100.0%');
  assert.equal(formatMde({ mde: 0.042 }), '4.2%');
  assert.equal(formatMde({ mde: null }), '-');
});

test('numbers: no negative zero, missing for non-finite', () => {
  assert.equal(formatNumber(-0.0001, 2), '0.00');
  assert.equal(formatNumber(Number.NaN, 2), '-');
  assert.equal(formatNumber(null, 2), '-');
  assert.equal(formatP(0.00063), '<0.001');
  assert.equal(formatP(0.0022), '0.002');
  assert.equal(formatP(null), '-');
});

test('significance mark only for significant comparisons', () => {
  const cmp = { metric: 'speedup', reference: 'r', ratio: 1.5, interval: null, welchP: 0.01, mannWhitneyP: 0.1, adjustedP: 0.02, significant: true };
  assert.equal(significanceMark(cmp), '*');
  assert.equal(significanceMark({ ...cmp, significant: false }), '');
  assert.equal(significanceMark(undefined), '');
});

test('noise: CV above 10% or outliers flag the cell', () => {
  const r = smallResult();
  const byId = (id: string) => r.cells.find((c) => c.id === id) as Cell;
  assert.equal(noiseMark(byId('reference/ngram/chat/T0')), '');
  assert.equal(noiseMark(byId('reference/ngram/chat/T1')), '!');
  assert.match(noiseReasons(byId('reference/ngram/chat/T1'))[0], /^throughput CV 15\.6%$/);
  assert.deepEqual(noiseReasons(byId('reference/vanilla/code/T1')), ['ttft_ms outlier trial 3']);
  assert.equal(isNoisy(byId('reference/ngram/code/T1')), false);
  // exactly 10% is not above 10%; cv derived from stddev when missing
  const cell = { ...byId('reference/ngram/chat/T0'), metrics: { throughput: mv('tok/s', 100, { cv: 0.1 }) } };
  assert.equal(isNoisy(cell), false);
  cell.metrics.throughput = mv('tok/s', 100, { stddev: 11 });
  assert.equal(isNoisy(cell), true);
});

test('legend explains [low, high], ±, * and !', () => {
  const lines = legendLines(smallResult());
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^\[low, high\] the 95% confidence interval \(t: Student t over per-trial values, on the log scale for positive metrics, so no bound below 0;.*; ± h where the interval is symmetric/);
  assert.match(lines[1], /^\* /);
  assert.match(lines[2], /^! .*10%/);
});

test('hardware fingerprint renders defensively', () => {
  assert.deepEqual(hardwareLines({}), []);
  assert.deepEqual(hardwareLines(null), []);
  assert.deepEqual(hardwareLines({ cpu: { brand: 'X' }, gpus: 'nope', os: { arch: 'arm64' } }), [['CPU', 'X'], ['OS', 'arm64']]);
  assert.deepEqual(hardwareLines({ gpus: [{}], node: {} }), [['GPU 0', 'unknown']]);
  assert.deepEqual(hardwareLines({ gpus: [] }), [['GPUs', 'none detected']]);
  assert.deepEqual(hardwareLines(smallResult().fingerprint), [
    ['CPU', 'AMD EPYC 7B13, 8 physical / 16 logical cores'],
    ['Memory', '64.0 GiB'],
    ['OS', 'Ubuntu 22.04.4 LTS (linux, x64)'],
    ['Node.js', 'v20.19.5'],
    ['GPU 0', 'NVIDIA L4, 23034 MiB, driver 550.90.07'],
  ]);
});

test('draft tuning and short definitions', () => {
  assert.deepEqual(draftTuning({ name: 'n', method: 'ngram', draftedTokens: 4, ngramMin: 1 }), ['draftedTokens=4', 'ngramMin=1']);
  assert.deepEqual(draftTuning({ name: 'v', method: 'vanilla' }), []);
  assert.equal(shortDefinition('First part; second. Third.'), 'First part');
  assert.equal(shortDefinition('Ratio of a to b. More.'), 'Ratio of a to b.');
  assert.equal(shortDefinition('E2E - TTFT / (n - 1) over 1.5 tokens'), 'E2E - TTFT / (n - 1) over 1.5 tokens');
});
