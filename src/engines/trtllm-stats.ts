// TensorRT-LLM's iteration statistics, as trtllm-serve's GET /metrics returns them with
// enable_iter_perf_stats on: a JSON list of the iterations queued since the previous read (the
// server drains its queue on each read: tensorrt_llm/serve/openai_server.py, get_iteration_stats,
// collects llm.get_stats_async), each an IterationStats object whose speculative figures sit in
// specDecodingStats {numDraftTokens, numAcceptedTokens, numRequestsWithDraftTokens,
// acceptanceLength, iterLatencyMS, draftOverhead} (cpp/tensorrt_llm/executor/jsonSerialization.cpp;
// meanings in cpp/include/tensorrt_llm/executor/types.h, struct SpecDecodingStats).
// Because reads drain, the harness keeps running totals and reads them before and after each
// trial; the iteration numbers (`iter`) show when the server's bounded queue dropped some.
import { EngineError, type SpecCounters } from './types.ts';
import { isRecord } from '../record.ts';

export interface IterationSpec {
  iter: number | null;
  /** null: the iteration carries no specDecodingStats (speculation off, or a build before they existed) */
  spec: { draftTokens: number; acceptedTokens: number; requestsWithDraft: number } | null;
}

const num = (o: Record<string, unknown>, k: string): number | null => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** The iterations of one /metrics body. Throws EngineError when the body is not TensorRT-LLM's list. */
export function readIterationStats(body: unknown): IterationSpec[] {
  if (!Array.isArray(body)) throw new EngineError(`/metrics: expected TensorRT-LLM's JSON list of iteration statistics, got ${body === null ? 'null' : typeof body}; is the server trtllm-serve?`);
  return body.map((raw, i) => {
    // some builds hand the LLM API's stats over as JSON strings; the server may pass them on as such
    const e: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (!isRecord(e)) throw new EngineError(`/metrics: item ${i} is not an iteration object`);
    const sd = e.specDecodingStats;
    // a list here reads as stats without their fields, as it always has
    if (!isRecord(sd) && !Array.isArray(sd)) return { iter: num(e, 'iter'), spec: null };
    if (!isRecord(sd)) throw new EngineError(`/metrics: item ${i}: specDecodingStats lacks numDraftTokens, numAcceptedTokens or numRequestsWithDraftTokens`);
    const draftTokens = num(sd, 'numDraftTokens'), acceptedTokens = num(sd, 'numAcceptedTokens'), requestsWithDraft = num(sd, 'numRequestsWithDraftTokens');
    if (draftTokens === null || acceptedTokens === null || requestsWithDraft === null) {
      throw new EngineError(`/metrics: item ${i}: specDecodingStats lacks numDraftTokens, numAcceptedTokens or numRequestsWithDraftTokens`);
    }
    return { iter: num(e, 'iter'), spec: { draftTokens, acceptedTokens, requestsWithDraft } };
  });
}

/** Running totals over every iteration read so far, as the SpecCounters the runner takes deltas of. */
export class IterationTotals {
  private drafts = 0;
  private draftTokens = 0;
  private accepted = 0;
  private lost = 0;
  private lastIter: number | null = null;
  private sawSpec = false;

  /** adds one read's iterations; returns how many there were */
  add(items: IterationSpec[]): number {
    for (const it of items) {
      // iter counts up by one per iteration: a jump means the queue overflowed between two reads
      if (it.iter !== null && this.lastIter !== null && it.iter > this.lastIter + 1) this.lost += it.iter - this.lastIter - 1;
      if (it.iter !== null) this.lastIter = it.iter;
      if (!it.spec) continue;
      this.sawSpec = true;
      // each request that drafted in an iteration went through one draft-verify step (vLLM's num_drafts counts the same)
      this.drafts += it.spec.requestsWithDraft;
      this.draftTokens += it.spec.draftTokens;
      this.accepted += it.spec.acceptedTokens;
    }
    return items.length;
  }

  /** null until an iteration with specDecodingStats was seen */
  counters(): SpecCounters | null {
    if (!this.sawSpec) return null;
    return { drafts: this.drafts, draftTokens: this.draftTokens, acceptedTokens: this.accepted, acceptedPerPosition: null, generation: 'trtllm-iteration-stats', lostIterations: this.lost };
  }
}
