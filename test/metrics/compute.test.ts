// Metric definitions against values computed by hand from fixed request records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trialMetrics, positionAcceptance } from '../../src/metrics/compute.ts';
import type { RequestRecord } from '../../src/metrics/records.ts';

function rec(over: Partial<RequestRecord>): RequestRecord {
  return {
    cell: 'reference/ngram/chat/T0', trial: 1, attempt: 'a', promptId: 'p', turn: 0, promptTokens: 10, completionTokens: 0,
    verifyCycles: null, acceptedHistogram: null, proposedDrafts: null, acceptedDrafts: null, draftSteps: null, draftSeconds: null,
    verifySeconds: null, ttftSeconds: null, e2eSeconds: 1, finishReason: 'length', outputHash: 'h', outputPreview: '', startedAt: 0, ...over,
  };
}

// Request A: 10 tokens, 4 cycles (first token from prefill; 9 = 4 bonus + 5 accepted), histogram [1,1,1,1] over 0..3 accepted
// Request B: 6 tokens, 5 cycles, 0 accepted, histogram [5,0,0,0]
const A = rec({ promptId: 'a', completionTokens: 10, verifyCycles: 4, acceptedHistogram: [1, 1, 1, 1], proposedDrafts: 12, acceptedDrafts: 6, draftSteps: 12, draftSeconds: 0.012, verifySeconds: 0.2, ttftSeconds: 0.1, e2eSeconds: 0.5 });
const B = rec({ promptId: 'b', completionTokens: 6, verifyCycles: 5, acceptedHistogram: [5, 0, 0, 0], proposedDrafts: 15, acceptedDrafts: 0, draftSteps: 15, draftSeconds: 0.015, verifySeconds: 0.25, ttftSeconds: 0.2, e2eSeconds: 1.0 });

test('acceptance length: pooled and per-request mean differ and are both right', () => {
  const m = trialMetrics([A, B], 2);
  // pooled: (10 + 6) / (4 + 5) = 16/9
  assert.equal(m.accept_length_pooled, 16 / 9);
  // per request: A: 6/4 + 1 = 2.5; B: 0/5 + 1 = 1; mean 1.75
  assert.equal(m.accept_length_mean, 1.75);
  // accepted / proposed = 6 / 27
  assert.equal(m.draft_accept_rate, 6 / 27);
});

test('throughput, latencies and per-step times', () => {
  const m = trialMetrics([A, B], 2);
  assert.equal(m.throughput, 16 / 2);
  assert.equal(m.request_throughput, (10 / 0.5 + 6 / 1.0) / 2);
  assert.ok(Math.abs(m.e2e_ms - 750) < 1e-9);
  assert.ok(Math.abs(m.ttft_ms - 150) < 1e-9);
  // TPOT: A (0.5-0.1)/9 = 44.44 ms, B (1.0-0.2)/5 = 160 ms -> mean 102.22 ms
  assert.ok(Math.abs(m.tpot_ms - ((400 / 9 + 160) / 2)) < 1e-9);
  // draft: 27 ms over 27 steps = 1 ms/step; verify: 450 ms over 9 cycles = 50 ms/cycle
  assert.ok(Math.abs(m.draft_ms_per_step - 1) < 1e-9);
  assert.ok(Math.abs(m.verify_ms_per_cycle - 50) < 1e-9);
});

test('vanilla scores 1.00 per request; metrics an engine does not report are left out', () => {
  const v = rec({ completionTokens: 8, verifyCycles: 7, acceptedHistogram: [7], proposedDrafts: 0, acceptedDrafts: 0 });
  const m = trialMetrics([v], 1);
  assert.equal(m.accept_length_mean, 1);
  assert.equal(m.accept_length_pooled, 8 / 7);
  assert.equal(m.draft_accept_rate, undefined);
  const bare = trialMetrics([rec({ completionTokens: 5 })], 1);
  assert.deepEqual(Object.keys(bare).sort(), ['e2e_ms', 'request_throughput', 'throughput']);
});

test('per-position conditional acceptance pools histograms', () => {
  const pa = positionAcceptance([A, B])!;
  // pooled histogram over 9 cycles: [6, 1, 1, 1]; >=1: 3, >=2: 2, >=3: 1
  assert.equal(pa.cycles, 9);
  assert.deepEqual(pa.conditional, [3 / 9, 2 / 3, 1 / 2]);
  assert.deepEqual(pa.unconditional, [3 / 9, 2 / 9, 1 / 9]);
  assert.equal(positionAcceptance([rec({})]), null);
});
