// Every metric prism-bench reports, with what exactly it counts. Reports print these
// definitions; the README's metric table is written from the same text.
import type { Direction } from '../result/schema.ts';
import { LATENCY_KINDS, PERCENTILES, percentileId, type LatencyKind } from './latency.ts';

export interface MetricDefinition {
  id: string;
  label: string;
  unit: string;
  direction: Direction;
  definition: string;
}

const def = (id: string, label: string, unit: string, direction: Direction, definition: string): MetricDefinition => ({ id, label, unit, direction, definition });

export const METRICS = {
  throughput: def('throughput', 'Throughput', 'tok/s', 'higher',
    'Output tokens of all requests in a trial divided by the trial\'s wall time, from the first request sent to the last response received; prefill is inside the window. One value per trial.'),
  speedup: def('speedup', 'Speedup', 'x', 'higher',
    'Throughput of this cell divided by the throughput of the vanilla cell of the same engine, dataset and temperature, paired by round: the geometric mean of per-round ratios (each trial against the vanilla trial of the same round), with a t interval on their logs; without common rounds, the ratio of mean throughputs with a delta-method interval.'),
  requestThroughput: def('request_throughput', 'Per-request tok/s', 'tok/s', 'higher',
    'Mean over requests of completion tokens / end-to-end latency (Spec-Bench and EAGLE average this per question).'),
  acceptancePooled: def('accept_length_pooled', 'Accept length (pooled)', 'tok/cycle', 'higher',
    'Sum of completion tokens over sum of verify cycles, pooled over all requests of a trial; bonus token included; the first token comes from prefill with no cycle, so this slightly overstates (SGLang clients and the PRISM artifact report this).'),
  acceptanceMean: def('accept_length_mean', 'Accept length (per-request mean)', 'tok/cycle', 'higher',
    'Mean over requests of (accepted drafts per verify cycle + 1): bonus token included, prefill token excluded (the PRISM and EAGLE scripts report this). Vanilla scores exactly 1.'),
  acceptanceEngine: def('accept_length_engine', 'Accept length (engine counters)', 'tok/cycle', 'higher',
    '1 + accepted draft tokens / draft-verify steps, from the engine\'s own server-wide counters read before and after the trial (vLLM\'s mean acceptance length, from vllm:spec_decode_num_accepted_tokens and _num_drafts; TensorRT-LLM: specDecodingStats numAcceptedTokens and numRequestsWithDraftTokens summed over its iteration statistics): bonus token included, prefill excluded, steps that proposed no draft not counted. Older vLLM (V0) has no drafts counter: steps are its draft tokens / num_speculative_tokens.'),
  draftAcceptanceRate: def('draft_accept_rate', 'Draft acceptance rate', 'ratio', 'higher',
    'Accepted draft tokens / proposed draft tokens, pooled over the trial\'s requests.'),
  draftMsPerStep: def('draft_ms_per_step', 'Draft latency per step', 'ms', 'lower',
    'Engine-reported wall time spent drafting divided by the number of draft steps (one drafted token position per step for chain drafts), pooled over the trial; only engines that report draft time.'),
  verifyMsPerCycle: def('verify_ms_per_cycle', 'Verify latency per cycle', 'ms', 'lower',
    'Engine-reported wall time of target forward passes that verify drafts (and vanilla decode steps) divided by verify cycles, pooled over the trial; prefill excluded.'),
  ttftMs: def('ttft_ms', 'TTFT', 'ms', 'lower',
    'Mean time from sending a request to receiving its first streamed token (streaming requests only).'),
  e2eMs: def('e2e_ms', 'E2E latency', 'ms', 'lower',
    'Mean time from sending a request to receiving its complete response, measured by the client.'),
  tpotMs: def('tpot_ms', 'TPOT', 'ms', 'lower',
    'Mean over requests of (E2E - TTFT) / (completion tokens - 1); with speculation several tokens arrive per chunk, so this is per token, not per chunk.'),
} as const satisfies Record<string, MetricDefinition>;

const LATENCY_LABEL: Record<LatencyKind, string> = { ttft: 'TTFT', tpot: 'TPOT', itl_token: 'ITL per token', itl_chunk: 'ITL per chunk' };

/** What one sample of each latency kind is; every kind is pooled over the trial's requests. */
export const LATENCY_SAMPLE: Record<LatencyKind, string> = {
  ttft: 'one sample per streamed request: time from sending it to the first chunk carrying a token',
  tpot: 'one sample per request with more than one token: (E2E - TTFT) / (completion tokens - 1)',
  itl_token: 'one sample per token after the first: the gap between the arrival of the chunk that carried it and the previous token-bearing chunk, divided by the tokens that chunk carried (with speculation one chunk carries a whole verify cycle\'s tokens; SGLang bench_serving counts ITL this way)',
  itl_chunk: 'one sample per streamed chunk after the first: the gap between consecutive token-bearing chunks (with speculation one chunk per verify cycle, so this is time per cycle, not per token; vLLM bench serve counts ITL this way)',
};

/** p50/p90/p99 of TTFT, TPOT and ITL (per token and per chunk): opt-in for the gate. */
export const LATENCY_METRICS: MetricDefinition[] = LATENCY_KINDS.flatMap((kind) => PERCENTILES.map((p) => def(
  percentileId(kind, p), `${LATENCY_LABEL[kind]} p${p}`, 'ms', 'lower',
  `${p}th percentile (numpy linear interpolation) of ${LATENCY_LABEL[kind]} over the trial's requests pooled, ${LATENCY_SAMPLE[kind]}; one value per trial${p === 99 ? ' (below about 100 samples p99 is close to the maximum)' : ''}.`,
)));

export const METRIC_LIST: MetricDefinition[] = [...Object.values(METRICS), ...LATENCY_METRICS];

export function metricDefinition(id: string): MetricDefinition | undefined {
  return METRIC_LIST.find((m) => m.id === id);
}
