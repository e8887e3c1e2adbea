// What a comparison keeps of a result's cell (and what a baseline stores): identity, status and,
// per metric, direction, mean and per-trial values. Shared by comparable.ts (either side of a
// comparison) and baseline.ts (the committed copy), so neither imports the other for it.
import type { Direction, Interval, ResultFile } from '../result/schema.ts';

export interface ComparableMetric {
  id: string;
  label?: string;
  unit: string;
  direction: Direction;
  /** the mean as stored (for pooled metrics pooled over requests, so it may differ slightly from the mean of `values`) */
  mean: number;
  n: number;
  /** one value per trial */
  values: number[];
  /** the round (trial number) of each value; results only (baselines keep values alone), needed to pair rounds */
  rounds?: number[];
  interval: Interval | null;
}

export interface ComparableCell {
  id: string;
  engine: string;
  draft: string;
  dataset: string;
  temperature: number;
  status: 'pending' | 'ok' | 'failed';
  error?: string;
  metrics: Record<string, ComparableMetric>;
}

function metricOf(id: string, m: ResultFile['cells'][number]['metrics'][string]): ComparableMetric {
  return {
    id: m.id ?? id,
    ...(m.label !== undefined ? { label: m.label } : {}),
    unit: m.unit ?? '',
    direction: m.direction,
    mean: m.mean,
    n: m.n,
    values: [...m.values],
    interval: m.interval ?? null,
  };
}

/** A result's cells reduced to what comparisons need (also what a baseline stores). */
export function compactCells(result: ResultFile): ComparableCell[] {
  return result.cells.map((c) => ({
    id: c.id,
    engine: c.engine,
    draft: c.draft,
    dataset: c.dataset,
    temperature: c.temperature,
    status: c.status,
    ...(c.error !== undefined ? { error: c.error } : {}),
    metrics: Object.fromEntries(Object.entries(c.metrics ?? {}).map(([id, m]) => [id, metricOf(id, m)])),
  }));
}
