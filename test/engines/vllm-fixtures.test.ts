// The vllm adapter's parsers against bodies in vLLM's own formats, one per field-naming generation
// (where each comes from: test/engines/fixtures/vllm/README.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { counterDelta, counterMetrics, readSpecCounters } from '../../src/engines/prometheus.ts';
import { readStream } from '../../src/engines/openai-protocol.ts';
import { counterPositionAcceptance } from '../../src/stats/aggregate.ts';
import type { Cell } from '../../src/result/schema.ts';

const FIX = join(import.meta.dirname, 'fixtures', 'vllm');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

/** The `data:` objects of an SSE body, up to [DONE]. */
function sse(text: string): Record<string, unknown>[] {
  return text.split('\n\n').flatMap((ev) => ev.split('\n')).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim())
    .filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>);
}

describe('vLLM /metrics, V1 names', () => {
  const c = readSpecCounters(read('v1-metrics.prom'));
  it('reads drafts, draft tokens, accepted tokens and the per-position counters, not the _created gauges', () => {
    assert.deepEqual(c, { drafts: 43, draftTokens: 129, acceptedTokens: 10, acceptedPerPosition: [4, 3, 3], generation: 'vllm-v1' });
  });
  it("gives vLLM's mean acceptance length and acceptance rate (1 + 10/43, 10/129)", () => {
    const m = counterMetrics(c!);
    assert.ok(Math.abs(m.accept_length_engine! - 1.2325581395348837) < 1e-12);
    assert.ok(Math.abs(m.draft_accept_rate! - 0.07751937984496124) < 1e-12);
  });
  it('per-position counters give the conditional rates the histogram [39, 1, 0, 3] implies', () => {
    const cell = { trials: [{ engineCounters: c }] } as unknown as Cell;
    const pa = counterPositionAcceptance(cell)!;
    assert.equal(pa.cycles, 43);
    assert.deepEqual(pa.unconditional, [4 / 43, 3 / 43, 3 / 43]);
    assert.deepEqual(pa.conditional, [4 / 43, 3 / 4, 1]);
  });
  it('sums the series of several engine cores (data parallelism)', () => {
    const two = read('v1-metrics.prom') + read('v1-metrics.prom').split('\n').filter((l) => l.startsWith('vllm:')).map((l) => l.replace('engine="0"', 'engine="1"')).join('\n');
    const d = readSpecCounters(two)!;
    assert.equal(d.drafts, 86);
    assert.deepEqual(d.acceptedPerPosition, [8, 6, 6]);
  });
  it('reads an OpenMetrics-style family declared without _total', () => {
    const om = '# TYPE vllm:spec_decode_num_drafts counter\nvllm:spec_decode_num_drafts_total{engine="0"} 5\n'
      + '# TYPE vllm:spec_decode_num_draft_tokens counter\nvllm:spec_decode_num_draft_tokens_total{engine="0"} 15\n'
      + '# TYPE vllm:spec_decode_num_accepted_tokens counter\nvllm:spec_decode_num_accepted_tokens_total{engine="0"} 7\n';
    const d = readSpecCounters(om)!;
    assert.equal(d.drafts, 5);
    assert.equal(d.acceptedTokens, 7);
  });
});

describe('vLLM /metrics, V0 names', () => {
  it('has no drafts counter: steps derive from draft tokens / k, no per-position figures', () => {
    const c = readSpecCounters(read('v0-metrics.prom'), 3)!;
    assert.deepEqual(c, { drafts: 43, draftTokens: 129, acceptedTokens: 10, acceptedPerPosition: null, generation: 'vllm-v0' });
    assert.equal(readSpecCounters(read('v0-metrics.prom'))!.drafts, null, 'without k the steps are unknown, not guessed');
  });
});

describe('counter deltas', () => {
  it('subtract element by element, and refuse a counter that went backwards (a restarted server)', () => {
    const before = readSpecCounters(read('v1-metrics.prom'))!;
    const after = { ...before, drafts: 50, draftTokens: 150, acceptedTokens: 16, acceptedPerPosition: [8, 5, 3] };
    assert.deepEqual(counterDelta(before, after), { drafts: 7, draftTokens: 21, acceptedTokens: 6, acceptedPerPosition: [4, 2, 0], generation: 'vllm-v1' });
    assert.equal(counterDelta(after, before), null);
  });
  it('a server that is not vLLM, or speculation off, has no counters', () => {
    assert.equal(readSpecCounters('# TYPE x counter\nx_total 1\n'), null);
  });
});

describe('streamed responses', () => {
  it('completions: text, token ids per chunk, usage and metrics.speculative_decoding from the usage chunk', () => {
    const events = sse(read('completions-stream.sse'));
    const out = readStream(events, events.map((_, i) => 0.1 * (i + 1)));
    assert.equal(out.text, ' Paris is the capital of France.');
    assert.deepEqual(out.outputIds, [12366, 374, 279, 6864, 315, 9822, 13]);
    assert.equal(out.completionTokens, 7);
    assert.equal(out.promptTokens, 9);
    assert.equal(out.finishReason, 'length');
    assert.equal(out.verifyCycles, 43);
    assert.equal(out.acceptedDrafts, 10);
    assert.equal(out.proposedDrafts, 129);
    assert.deepEqual(out.acceptedHistogram, [39, 1, 0, 3]);
    assert.deepEqual(out.streamChunks?.map((c) => c.tokens), [1, 3, 3]);
    assert.equal(out.ttftSeconds, 0.1);
  });
  it('chat without token ids: text from the deltas, no per-chunk token counts rather than wrong ones, no per-request acceptance', () => {
    const events = sse(read('chat-stream.sse'));
    const out = readStream(events, events.map((_, i) => i + 1));
    assert.equal(out.text, 'Hello! How can I help?');
    assert.equal(out.completionTokens, 8);
    assert.equal(out.finishReason, 'stop');
    assert.equal(out.streamChunks, null);
    assert.equal(out.verifyCycles, null);
    assert.equal(out.ttftSeconds, 2, 'the role-only chunk carries no text');
  });
});
