// Every metric prism-bench reports, with what exactly it counts. Reports print these
// definitions; the README's metric table is written from the same text.
import type { Direction } from '../result/schema.ts';

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

export const METRIC_LIST: MetricDefinition[] = Object.values(METRICS);

export function metricDefinition(id: string): MetricDefinition | undefined {
  return METRIC_LIST.find((m) => m.id === id);
}
