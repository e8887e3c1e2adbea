// Result schema versions: 2 is written, 1 (no latency percentiles) still loads, others are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RESULT_SCHEMA_VERSION, ResultError, validateResult } from '../../src/result/schema.ts';

const small = () => JSON.parse(readFileSync(new URL('../fixtures/results/small.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test('writes version 2 and reads versions 1 and 2', () => {
  assert.equal(RESULT_SCHEMA_VERSION, 2);
  const v1 = small();
  assert.equal(v1.schemaVersion, 1);
  assert.equal(validateResult(v1).cells.length > 0, true);
  assert.equal(validateResult({ ...small(), schemaVersion: 2 }).schemaVersion, 2);
});

test('an unknown version is refused with a one-line error naming the readable versions', () => {
  assert.throws(() => validateResult({ ...small(), schemaVersion: 3 }), (e: unknown) => e instanceof ResultError && /schemaVersion: 3 is not supported \(this prism-bench reads 1 and 2\)/.test(e.message));
});

test('the stored suite and fingerprint read leniently and typed; a v0.1.0 draft\'s draftTokens reads as its new name', () => {
  const old = JSON.parse(readFileSync(new URL('../fixtures/results/v0.1.0-quick/result.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const r = validateResult(old);
  assert.deepEqual(r.suite.drafts?.[1], { name: 'ngram', method: 'ngram', draftedTokens: 6, ngramMin: 1, ngramMax: 4 });
  assert.equal(typeof r.fingerprint.cpu?.logicalCores, 'number');
  assert.ok(Array.isArray(r.fingerprint.gpus));
  // keys the schema does not name pass through; a field of the wrong type reads as absent
  assert.ok(r.fingerprint.placement !== undefined);
  const odd = validateResult({ ...small(), suite: { name: 7, drafts: [{ name: 'e', method: 'eagle3', draftTokens: 5, extra: true }], settings: { trials: 'three' } }, fingerprint: { cpu: 'x', custom: 1 } });
  assert.equal(odd.suite.name, undefined);
  assert.deepEqual(odd.suite.drafts, [{ name: 'e', method: 'eagle3', verifiedTokens: 5, extra: true }]);
  assert.equal(odd.suite.settings?.trials, undefined);
  assert.equal(odd.fingerprint.cpu, undefined);
  assert.equal(odd.fingerprint.custom, 1);
});

// issue 23: results written before t intervals had a scale hold linear ones ("-21 tok/s")
type RawMetric = { unit: string; mean: number; values: number[]; interval: Record<string, unknown> | null };
const rawCell = (r: Record<string, unknown>, id: string) => (r.cells as Array<{ id: string; metrics: Record<string, RawMetric> }>).find((c) => c.id === id)!;

test('issue 23: a stored linear t interval of a positive metric is recomputed on the log scale when the result loads', () => {
  const raw = small();
  const m = rawCell(raw, 'reference/ngram/chat/T1').metrics;
  m.throughput = { ...m.throughput, mean: 30, values: [9, 30, 51], interval: { low: -22.2, high: 82.2, halfWidth: 52.2, level: 0.95, method: 't' } };
  const iv = validateResult(raw).cells.find((c) => c.id === 'reference/ngram/chat/T1')!.metrics.throughput.interval!;
  assert.equal(iv.method, 't');
  assert.equal(iv.scale, 'log');
  assert.ok(iv.low > 0 && iv.low < 30 && iv.high > 30, `[${iv.low}, ${iv.high}]`);
  // 30 * exp(+-t(0.975, 2) * (21 / 30) / sqrt(3))
  const w = 4.302652729911275 * (21 / 30) / Math.sqrt(3);
  assert.ok(Math.abs(iv.low / (30 * Math.exp(-w)) - 1) < 1e-8, String(iv.low));
  assert.ok(Math.abs(iv.high / (30 * Math.exp(w)) - 1) < 1e-8, String(iv.high));
  assert.equal(iv.halfWidth, (iv.high - iv.low) / 2);
});

test('issue 23: intervals that carry a scale, and bootstrap or speedup intervals, load as stored', () => {
  const raw = small();
  const cell = rawCell(raw, 'reference/ngram/chat/T1');
  const stored = { low: 1, high: 2, halfWidth: 0.5, level: 0.95, method: 't', scale: 'log' };
  cell.metrics.throughput = { ...cell.metrics.throughput, interval: stored };
  const loaded = validateResult(raw).cells.find((c) => c.id === cell.id)!;
  assert.deepEqual(loaded.metrics.throughput.interval, stored);
  assert.deepEqual(loaded.metrics.speedup.interval, cell.metrics.speedup.interval);
  assert.throws(() => validateResult({ ...raw, cells: [{ ...cell, metrics: { throughput: { ...cell.metrics.throughput, interval: { ...stored, scale: 'cubic' } } } }] }), ResultError);
});
