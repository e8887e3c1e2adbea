// The trtllm adapter's parsers against bodies in TensorRT-LLM's own formats (where each comes
// from: test/engines/fixtures/trtllm/README.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IterationTotals, readIterationStats } from '../../src/engines/trtllm-stats.ts';
import { counterDelta, counterMetrics } from '../../src/engines/prometheus.ts';
import { readStream } from '../../src/engines/openai-protocol.ts';

const FIX = join(import.meta.dirname, 'fixtures', 'trtllm');
const json = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8')) as unknown;

describe('TensorRT-LLM /metrics iteration statistics', () => {
  it('reads each iteration\'s number and specDecodingStats', () => {
    assert.deepEqual(readIterationStats(json('iteration-stats-spec.json')), [
      { iter: 41, spec: { draftTokens: 0, acceptedTokens: 0, requestsWithDraft: 0 } },
      { iter: 42, spec: { draftTokens: 3, acceptedTokens: 2, requestsWithDraft: 1 } },
      { iter: 43, spec: { draftTokens: 3, acceptedTokens: 0, requestsWithDraft: 1 } },
      { iter: 44, spec: { draftTokens: 3, acceptedTokens: 3, requestsWithDraft: 1 } },
    ]);
  });
  it('sums to 3 steps, 9 draft tokens, 5 accepted: acceptance length 1 + 5/3, rate 5/9', () => {
    const t = new IterationTotals();
    const before = t.counters();
    assert.equal(before, null, 'nothing read yet');
    t.add([]);
    t.add(readIterationStats(json('iteration-stats-spec.json')));
    const c = t.counters()!;
    assert.deepEqual(c, { drafts: 3, draftTokens: 9, acceptedTokens: 5, acceptedPerPosition: null, generation: 'trtllm-iteration-stats', lostIterations: 0 });
    const m = counterMetrics(c);
    assert.equal(m.accept_length_engine, 1 + 5 / 3);
    assert.equal(m.draft_accept_rate, 5 / 9);
  });
  it("each iteration's acceptanceLength agrees with (accepted + requests) / requests", () => {
    for (const it of json('iteration-stats-spec.json') as { specDecodingStats: { numAcceptedTokens: number; numRequestsWithDraftTokens: number; acceptanceLength: number } }[]) {
      const s = it.specDecodingStats;
      if (s.numRequestsWithDraftTokens) assert.equal(s.acceptanceLength, (s.numAcceptedTokens + s.numRequestsWithDraftTokens) / s.numRequestsWithDraftTokens);
    }
  });
  it('the docs\' example (no specDecodingStats) reads as iterations without spec figures: no counters', () => {
    const items = readIterationStats(json('iteration-stats-docs.json'));
    assert.deepEqual(items, [{ iter: 1, spec: null }]);
    const t = new IterationTotals();
    t.add(items);
    assert.equal(t.counters(), null);
  });
  it('a jump in iter numbers (the queue overflowed between reads) voids the delta across it', () => {
    const t = new IterationTotals();
    const items = readIterationStats(json('iteration-stats-spec.json'));
    t.add(items.slice(0, 2));
    const before = t.counters()!;
    t.add(items.slice(3)); // iteration 43 never read
    const after = t.counters()!;
    assert.equal(after.lostIterations, 1);
    assert.equal(counterDelta(before, after), null);
  });
  it('a body that is not the list is one clear error', () => {
    assert.throws(() => readIterationStats({ error: 'x' }), /expected TensorRT-LLM's JSON list of iteration statistics, got object; is the server trtllm-serve\?/);
    assert.throws(() => readIterationStats([{ iter: 1, specDecodingStats: { numDraftTokens: 1 } }]), /item 0: specDecodingStats lacks/);
  });
});

describe('trtllm-serve chat stream', () => {
  it('text, finish reason and usage from the chunks; no per-chunk token counts without token ids', () => {
    const text = readFileSync(join(FIX, 'chat-stream.sse'), 'utf8');
    const events = text.split('\n\n').map((e) => e.trim()).filter((e) => e.startsWith('data:') && !e.endsWith('[DONE]')).map((e) => JSON.parse(e.slice(5)) as Record<string, unknown>);
    const out = readStream(events, events.map((_, i) => i * 0.01));
    assert.equal(out.text, 'New York is in the United States');
    assert.equal(out.finishReason, 'length');
    assert.equal(out.completionTokens, 8);
    assert.equal(out.promptTokens, 43);
    assert.equal(out.ttftSeconds, 0.01);
    assert.equal(out.streamChunks, null);
  });
});
