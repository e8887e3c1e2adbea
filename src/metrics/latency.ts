// Serving-latency percentiles (TTFT, TPOT, ITL per token and per chunk), the way vLLM's and
// SGLang's bench clients report them: samples pooled over a trial's requests, then p50/p90/p99.
// Exact definitions are in definitions.ts (LATENCY_METRICS); this file says how samples are made.
import type { RequestRecord } from './records.ts';
import type { LatencyDistribution } from '../result/schema.ts';

export const PERCENTILES = [50, 90, 99] as const;
export type Percentile = (typeof PERCENTILES)[number];

export const LATENCY_KINDS = ['ttft', 'tpot', 'itl_token', 'itl_chunk'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

/** Metric id of one percentile, e.g. "itl_token_p99_ms". */
export const percentileId = (kind: LatencyKind, p: Percentile): string => `${kind}_p${p}_ms`;

/**
 * The q-th percentile (0..100) with linear interpolation between closest ranks: numpy's default
 * (method "linear", Hyndman-Fan type 7), so figures match vLLM's and SGLang's numpy-based clients.
 */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const xs = [...samples].sort((a, b) => a - b);
  const h = ((xs.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, xs.length - 1);
  return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
}

/** Chunk arrivals of a record as (seconds, tokens) pairs; empty for unstreamed or older records. */
function chunksOf(r: RequestRecord): Array<{ at: number; tokens: number }> {
  const at = r.chunkSeconds, tokens = r.chunkTokens;
  if (!at || !tokens || at.length !== tokens.length) return [];
  return at.map((a, i) => ({ at: a, tokens: tokens[i] }));
}

/** Latency samples in milliseconds, pooled over `records`, for one kind. */
export function latencySamples(records: readonly RequestRecord[], kind: LatencyKind): number[] {
  const out: number[] = [];
  for (const r of records) {
    if (kind === 'ttft') {
      if (r.ttftSeconds !== null) out.push(r.ttftSeconds * 1000);
    } else if (kind === 'tpot') {
      // one sample per request: decode time after the first token over the tokens after it
      if (r.ttftSeconds !== null && r.completionTokens > 1) out.push(((r.e2eSeconds - r.ttftSeconds) / (r.completionTokens - 1)) * 1000);
    } else {
      const chunks = chunksOf(r);
      for (let i = 1; i < chunks.length; i++) {
        const gapMs = (chunks[i].at - chunks[i - 1].at) * 1000;
        // per chunk: one sample per gap. Per token: the gap shared by the tokens the chunk
        // carried, one sample per token (SGLang bench_serving's adjustment for speculation).
        if (kind === 'itl_chunk') out.push(gapMs);
        else for (let k = 0; k < chunks[i].tokens; k++) out.push(gapMs / chunks[i].tokens);
      }
    }
  }
  return out;
}

/** p50/p90/p99 of every latency kind that has samples, keyed by metric id. */
export function latencyPercentiles(records: readonly RequestRecord[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const kind of LATENCY_KINDS) {
    const xs = latencySamples(records, kind);
    if (xs.length === 0) continue;
    for (const p of PERCENTILES) m[percentileId(kind, p)] = percentile(xs, p);
  }
  return m;
}

/** Distributions kept in result.json for the report's plots (0th..100th percentile and count), pooled over all of a cell's requests (every trial). */
export function latencyDistributions(records: readonly RequestRecord[]): Partial<Record<LatencyKind, LatencyDistribution>> {
  const out: Partial<Record<LatencyKind, LatencyDistribution>> = {};
  for (const kind of LATENCY_KINDS) {
    const xs = latencySamples(records, kind);
    if (xs.length === 0) continue;
    const sorted = xs.sort((a, b) => a - b);
    // rounded to the microsecond: enough for a plot, and keeps result.json small
    out[kind] = { count: xs.length, quantiles: Array.from({ length: 101 }, (_, q) => Math.round(percentile(sorted, q) * 1000) / 1000) };
  }
  return out;
}
