// TensorRT-LLM-style iteration statistics for the reference engine's GET /metrics, as trtllm-serve
// answers it with enable_iter_perf_stats on: a JSON list of the iterations queued since the last
// read (the read drains the queue), each an IterationStats object under the names its JSON
// serialization writes (NVIDIA/TensorRT-LLM cpp/tensorrt_llm/executor/jsonSerialization.cpp:
// iter, iterLatencyMS, numActiveRequests, ..., inflightBatchingStats, specDecodingStats
// {numDraftTokens, numAcceptedTokens, numRequestsWithDraftTokens, acceptanceLength, iterLatencyMS,
// draftOverhead}). One iteration per prefill and per verify cycle, since requests run one at a time.
import type { EngineIteration } from './engine.ts';

/** How many iterations the queue keeps before dropping the oldest (TensorRT-LLM's default iterStatsMaxIterations). */
export const ITER_STATS_MAX = 1000;

export interface IterationStatsQueue {
  record(it: EngineIteration): void;
  /** every queued iteration, oldest first; the queue is empty afterwards */
  drain(): Record<string, unknown>[];
}

/** trtllm-serve's timestamp format (C++ executor: "%m-%d-%Y %H:%M:%S"), local time. */
function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())}-${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function iterationStatsQueue(speculative: boolean, max = ITER_STATS_MAX): IterationStatsQueue {
  let queue: Record<string, unknown>[] = [];
  let iter = 0;
  return {
    record(it) {
      const ctx = it.phase === 'context';
      const withDraft = it.drafted > 0 ? 1 : 0;
      const entry: Record<string, unknown> = {
        timestamp: stamp(new Date()),
        iter: iter++,
        iterLatencyMS: it.ms,
        newActiveRequestsQueueLatencyMS: 0,
        numNewActiveRequests: ctx ? 1 : 0,
        numActiveRequests: 1,
        numQueuedRequests: 0,
        numCompletedRequests: 0,
        maxNumActiveRequests: 1,
        // no GPU and no paged KV cache here: zeros and nulls rather than invented figures
        gpuMemUsage: 0, cpuMemUsage: 0, pinnedMemUsage: 0, kvCacheStats: null, staticBatchingStats: null,
        inflightBatchingStats: {
          numScheduledRequests: 1, numContextRequests: ctx ? 1 : 0, numGenRequests: ctx ? 0 : 1, numPausedRequests: 0,
          numCtxTokens: ctx ? it.tokens : 0, microBatchId: 0, avgNumDecodedTokensPerIter: ctx ? 0 : it.accepted + 1,
        },
      };
      if (speculative) {
        entry.specDecodingStats = {
          numDraftTokens: it.drafted,
          numAcceptedTokens: it.accepted,
          numRequestsWithDraftTokens: withDraft,
          // tokens per step for the requests that drafted, bonus included (as TensorRT-LLM's tests recompute it)
          acceptanceLength: withDraft ? (it.accepted + withDraft) / withDraft : 0,
          iterLatencyMS: it.draftMs,
          draftOverhead: it.ms > 0 ? it.draftMs / it.ms : 0,
        };
      }
      queue.push(entry);
      if (queue.length > max) queue.shift();
    },
    drain() {
      const out = queue;
      queue = [];
      return out;
    },
  };
}
