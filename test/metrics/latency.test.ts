// Latency percentiles against numpy's on the same request records (fixture written by
// test/fixtures/latency/make-fixture.py), plus the sample definitions on hand-made records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { latencyDistributions, latencyPercentiles, latencySamples, percentile } from '../../src/metrics/latency.ts';
import { trialMetrics } from '../../src/metrics/compute.ts';
import { metricDefinition } from '../../src/metrics/definitions.ts';
import type { RequestRecord } from '../../src/metrics/records.ts';

interface Fixture { records: Array<Partial<RequestRecord>>; expected: Record<string, number> }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/latency/percentiles.json', import.meta.url), 'utf8')) as Fixture;

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    cell: 'c', trial: 1, attempt: 'a', promptId: 'p', turn: 0, promptTokens: 10, completionTokens: 0,
    verifyCycles: null, acceptedHistogram: null, proposedDrafts: null, acceptedDrafts: null, draftSteps: null, draftSeconds: null,
    verifySeconds: null, ttftSeconds: null, e2eSeconds: 1, finishReason: 'length', outputHash: 'h', outputPreview: '', startedAt: 0, ...over,
  };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} != numpy ${b}`);

test('percentiles match numpy.percentile (linear) on the fixture records', () => {
  const got = latencyPercentiles(fixture.records.map(rec));
  const ids = Object.keys(fixture.expected).filter((k) => k.endsWith('_ms'));
  assert.equal(ids.length, 12);
  for (const id of ids) close(got[id], fixture.expected[id], id);
  assert.deepEqual(Object.keys(got).sort(), ids.sort());
});

test('sample counts: one TTFT per request, one per-chunk ITL per gap, one per-token ITL per token after the first chunk', () => {
  const records = fixture.records.map(rec);
  for (const kind of ['ttft', 'tpot', 'itl_token', 'itl_chunk'] as const) {
    assert.equal(latencySamples(records, kind).length, fixture.expected[`${kind}_count`], kind);
  }
});

test('percentile interpolates between closest ranks, like numpy', () => {
  assert.equal(percentile([4, 1, 3, 2], 50), 2.5);
  assert.equal(percentile([1, 2, 3, 4], 90), 3.7);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('ITL per chunk vs per token on a speculative stream', () => {
  // chunks at 100 ms (1 token), 130 ms (3 tokens), 140 ms (1 token)
  const r = rec({ ttftSeconds: 0.1, e2eSeconds: 0.14, completionTokens: 5, chunkSeconds: [0.1, 0.13, 0.14], chunkTokens: [1, 3, 1] });
  const chunk = latencySamples([r], 'itl_chunk');
  const token = latencySamples([r], 'itl_token');
  assert.deepEqual(chunk.map((x) => Math.round(x * 1e6) / 1e6), [30, 10]);
  assert.deepEqual(token.map((x) => Math.round(x * 1e6) / 1e6), [10, 10, 10, 10]);
  assert.deepEqual(latencySamples([r], 'tpot').map((x) => Math.round(x * 1e6) / 1e6), [10]);
});

test('records without chunk arrivals (older requests.jsonl, unstreamed) give no ITL and no error', () => {
  const m = trialMetrics([rec({ ttftSeconds: 0.1, e2eSeconds: 0.5, completionTokens: 5 })], 1);
  assert.equal(m.ttft_p50_ms, 100);
  assert.equal(m.itl_token_p50_ms, undefined);
  assert.equal(m.itl_chunk_p99_ms, undefined);
});

test('distributions keep 101 quantiles and the count; every percentile id has a definition', () => {
  const d = latencyDistributions(fixture.records.map(rec));
  assert.equal(d.itl_chunk?.quantiles.length, 101);
  assert.equal(d.itl_chunk?.count, fixture.expected.itl_chunk_count);
  assert.ok(Math.abs((d.ttft?.quantiles[50] ?? NaN) - fixture.expected.ttft_p50_ms) < 1e-3);
  for (const id of Object.keys(fixture.expected).filter((k) => k.endsWith('_ms'))) {
    const def = metricDefinition(id);
    assert.ok(def, id);
    assert.equal(def.direction, 'lower');
    assert.match(def.definition, /pooled/);
  }
});
