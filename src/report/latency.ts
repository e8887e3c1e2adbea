// Latency percentile rows shared by the table and Markdown exporters: per cell, each latency
// kind as "p50 / p90 / p99" (means over trials of the per-trial percentiles, in ms).
import type { Cell, ResultFile } from '../result/schema.ts';
import { LATENCY_KINDS, PERCENTILES, percentileId, type LatencyKind } from '../metrics/latency.ts';
import { MISSING, formatNumber } from './format.ts';

export const LATENCY_HEADS: Record<LatencyKind, string> = {
  ttft: 'TTFT', tpot: 'TPOT', itl_token: 'ITL/token', itl_chunk: 'ITL/chunk',
};

/** "p50 / p90 / p99" of one kind, or MISSING when the cell has none of them. */
export function percentileTriple(cell: Cell, kind: LatencyKind): string {
  const ms = PERCENTILES.map((p) => cell.metrics?.[percentileId(kind, p)]?.mean);
  if (ms.every((x) => x === undefined)) return MISSING;
  return ms.map((x) => formatNumber(x, x !== undefined && x >= 100 ? 0 : 1)).join(' / ');
}

/** Cells that have at least one latency percentile (older results have none). */
export function cellsWithPercentiles(result: ResultFile): Cell[] {
  return result.cells.filter((c) => LATENCY_KINDS.some((k) => percentileTriple(c, k) !== MISSING));
}

export const PERCENTILE_NOTE = 'p50 / p90 / p99 in ms, each pooled over a trial\'s requests (numpy linear interpolation) and averaged over trials. '
  + 'TTFT: one sample per request; TPOT: (E2E - TTFT) / (tokens - 1) per request; ITL/token: each gap between token-bearing chunks divided by the tokens the chunk carried, one sample per token; '
  + 'ITL/chunk: one sample per gap between chunks (with speculation a chunk carries a whole verify cycle, so this is time per cycle).';
