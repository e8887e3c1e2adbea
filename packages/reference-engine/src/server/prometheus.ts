// vLLM-style Prometheus counters for the reference engine's GET /metrics, kept with prom-client
// under the names vLLM's V1 engine exposes (vllm/v1/spec_decode/metrics.py: SpecDecodingProm,
// labels model_name and engine; per-position counters add position). Like vLLM, the spec-decode
// counters exist only when the engine speculates. One difference, said here: the reference
// engine counts every verify cycle of a speculating engine as a draft, where vLLM skips steps that
// proposed nothing (ngram without a match).
import { Counter, Registry } from 'prom-client';
import type { GenerateStats } from '../decoding/generate.ts';

export interface EngineCounters {
  readonly registry: Registry;
  /** adds one finished request */
  observe(stats: GenerateStats): void;
}

export function engineCounters(modelName: string, speculative: boolean, numSpecTokens: number): EngineCounters {
  const registry = new Registry();
  const labels = { model_name: modelName, engine: '0' };
  const counter = (name: string, help: string, labelNames = ['model_name', 'engine']) => new Counter({ name, help, labelNames, registers: [registry] });
  const prompt = counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.');
  const generation = counter('vllm:generation_tokens_total', 'Number of generation tokens processed.');
  prompt.inc(labels, 0);
  generation.inc(labels, 0);
  if (!speculative) return { registry, observe: (s) => { prompt.inc(labels, s.promptTokens); generation.inc(labels, s.completionTokens); } };
  const drafts = counter('vllm:spec_decode_num_drafts_total', 'Number of spec decoding drafts.');
  const draftTokens = counter('vllm:spec_decode_num_draft_tokens_total', 'Number of draft tokens.');
  const accepted = counter('vllm:spec_decode_num_accepted_tokens_total', 'Number of accepted tokens.');
  const perPos = counter('vllm:spec_decode_num_accepted_tokens_per_pos_total', 'Accepted tokens per draft position.', ['model_name', 'engine', 'position']);
  // every series from the start, as vLLM creates them, so a first read already shows zeros
  for (const c of [drafts, draftTokens, accepted]) c.inc(labels, 0);
  for (let p = 0; p < numSpecTokens; p++) perPos.inc({ ...labels, position: String(p) }, 0);
  return {
    registry,
    observe(s) {
      prompt.inc(labels, s.promptTokens);
      generation.inc(labels, s.completionTokens);
      drafts.inc(labels, s.verifyCycles);
      draftTokens.inc(labels, s.proposedDrafts);
      accepted.inc(labels, s.acceptedDrafts);
      // position p was accepted in every cycle that accepted more than p drafts
      for (let p = 0; p < numSpecTokens; p++) {
        const n = s.acceptedHistogram.slice(p + 1).reduce((a, b) => a + b, 0);
        if (n > 0) perPos.inc({ ...labels, position: String(p) }, n);
      }
    },
  };
}
