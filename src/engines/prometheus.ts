// vLLM's speculative-decoding counters, read from its Prometheus /metrics text with a real
// exposition-format parser. Two naming generations exist (checked in vLLM's source):
//   V1 engine (vllm/v1/spec_decode/metrics.py, SpecDecodingProm): counters vllm:spec_decode_num_drafts,
//     _num_draft_tokens, _num_accepted_tokens and _num_accepted_tokens_per_pos{position="i"}, exposed
//     with the _total suffix prometheus_client adds to counters; labels model_name, engine.
//   V0 engine (vllm/engine/metrics.py, class Metrics): vllm:spec_decode_num_accepted_tokens_total,
//     _num_draft_tokens_total, _num_emitted_tokens_total (plus two gauges); no drafts counter and
//     no per-position counter, so draft steps are derived as draft tokens / k (k fixed per step).
import parsePrometheus, { type PromFamily } from 'parse-prometheus-text-format';
import type { SpecCounters } from './types.ts';

const V1 = {
  drafts: 'vllm:spec_decode_num_drafts',
  draftTokens: 'vllm:spec_decode_num_draft_tokens',
  accepted: 'vllm:spec_decode_num_accepted_tokens',
  perPosition: 'vllm:spec_decode_num_accepted_tokens_per_pos',
} as const;
const V0_EMITTED = 'vllm:spec_decode_num_emitted_tokens';

/** Samples of one counter, whichever way the exporter spelled it (with or without _total in the family name). */
function samples(families: PromFamily[], base: string): { value: number; labels: Record<string, string> }[] {
  const out: { value: number; labels: Record<string, string> }[] = [];
  for (const f of families) {
    if (f.name !== base && f.name !== `${base}_total`) continue;
    for (const m of f.metrics) {
      const v = Number(m.value);
      if (Number.isFinite(v)) out.push({ value: v, labels: m.labels ?? {} });
    }
  }
  return out;
}

/** Sum over every label set (one per engine core with data parallelism), or null when absent. */
function total(families: PromFamily[], base: string): number | null {
  const s = samples(families, base);
  return s.length ? s.reduce((a, x) => a + x.value, 0) : null;
}

/**
 * Spec-decode counters in one /metrics text, or null when it has none (speculation off, or a
 * server that is not vLLM). `k` (num_speculative_tokens) lets V0's draft steps be derived.
 */
export function readSpecCounters(text: string, k?: number): SpecCounters | null {
  const families = parsePrometheus(text);
  const draftTokens = total(families, V1.draftTokens);
  const accepted = total(families, V1.accepted);
  if (draftTokens === null || accepted === null) return null;
  const drafts = total(families, V1.drafts);
  if (drafts !== null) {
    const byPos = new Map<number, number>();
    for (const s of samples(families, V1.perPosition)) {
      const pos = Number(s.labels.position);
      if (Number.isInteger(pos) && pos >= 0) byPos.set(pos, (byPos.get(pos) ?? 0) + s.value);
    }
    const n = byPos.size ? Math.max(...byPos.keys()) + 1 : 0;
    const perPos = n ? Array.from({ length: n }, (_, i) => byPos.get(i) ?? 0) : null;
    return { drafts, draftTokens, acceptedTokens: accepted, acceptedPerPosition: perPos, generation: 'vllm-v1' };
  }
  // V0: every step drafts k tokens per running sequence, so steps = draft tokens / k
  const emitted = total(families, V0_EMITTED);
  return {
    drafts: k && k > 0 ? draftTokens / k : null, draftTokens, acceptedTokens: accepted, acceptedPerPosition: null,
    generation: emitted !== null ? 'vllm-v0' : 'vllm-v0 (no emitted counter)',
  };
}

/** after - before; null when a counter went backwards (the server restarted between the two reads) or iterations were lost in between. */
export function counterDelta(before: SpecCounters, after: SpecCounters): SpecCounters | null {
  const d = (a: number, b: number) => a - b;
  if (after.draftTokens < before.draftTokens || after.acceptedTokens < before.acceptedTokens) return null;
  if (after.drafts !== null && before.drafts !== null && after.drafts < before.drafts) return null;
  // figures read from a drained queue that overflowed in between undercount the trial
  if ((after.lostIterations ?? 0) > (before.lostIterations ?? 0)) return null;
  let perPos: number[] | null = null;
  if (after.acceptedPerPosition && before.acceptedPerPosition) {
    perPos = after.acceptedPerPosition.map((v, i) => d(v, before.acceptedPerPosition![i] ?? 0));
  } else if (after.acceptedPerPosition) perPos = after.acceptedPerPosition.slice();
  return {
    drafts: after.drafts === null || before.drafts === null ? null : d(after.drafts, before.drafts),
    draftTokens: d(after.draftTokens, before.draftTokens),
    acceptedTokens: d(after.acceptedTokens, before.acceptedTokens),
    acceptedPerPosition: perPos,
    generation: after.generation,
  };
}

/** Trial figures from a counter delta: vLLM's mean acceptance length and the draft acceptance rate. */
export function counterMetrics(d: SpecCounters): Record<string, number> {
  const m: Record<string, number> = {};
  if (d.drafts !== null && d.drafts > 0) m.accept_length_engine = 1 + d.acceptedTokens / d.drafts;
  if (d.draftTokens > 0) m.draft_accept_rate = d.acceptedTokens / d.draftTokens;
  return m;
}
