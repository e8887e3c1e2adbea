// What a comparison keeps of a result's cell (and what a baseline stores): identity, status and,
// per metric, direction, mean and per-trial values with the round and the engine launch of each.
// Shared by comparable.ts (either side of a comparison) and baseline.ts (the committed copy), so
// neither imports the other for it.
import type { Cell, Direction, Interval, ResultFile } from '../result/schema.ts';
import { metricSample } from '../stats/aggregate.ts';

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
  /** the round (trial number) of each value, to pair rounds (--pair) and to group a run's launches by round */
  rounds?: number[];
  /**
   * the engine launch that produced each value (recorded per trial, or implied by engineLifetime);
   * absent where unknown (imported results, baselines saved before launches were recorded)
   */
  launches?: string[];
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

/**
 * The launch of each trial: as recorded, else what the suite's engineLifetime implies (round: one
 * launch per engine/draft and round; run: one for the whole run, relaunches after a failure
 * unseen); null when neither says.
 */
function trialLaunches(cell: Cell, lifetime: unknown): (string | null)[] {
  return (cell.trials ?? []).map((t) => {
    if (typeof t.launch === 'string' && t.launch !== '') return t.launch;
    const group = `${cell.engine}/${cell.draft}`;
    return lifetime === 'round' ? `${group}#r${t.trial}` : lifetime === 'run' ? group : null;
  });
}

/** Sets each metric's rounds and launches from the cell's trials, when they line up with its values. */
function withTrialIds(cell: Cell, metrics: Record<string, ComparableMetric>, lifetime: unknown): void {
  const launchOfTrial = new Map((cell.trials ?? []).map((t, i) => [t.trial, trialLaunches(cell, lifetime)[i]]));
  for (const [id, m] of Object.entries(metrics)) {
    let { rounds } = metricSample({ trials: cell.trials ?? [] }, id);
    // a metric derived per round (speedup: one ratio per round against vanilla) lists its values in trial order
    if (rounds.length === 0 && m.values.length === (cell.trials ?? []).length) rounds = (cell.trials ?? []).map((t) => t.trial);
    if (rounds.length !== m.values.length || rounds.length === 0) continue;
    m.rounds = rounds;
    const launches = rounds.map((r) => launchOfTrial.get(r) ?? null);
    if (launches.every((l): l is string => l !== null)) m.launches = launches;
  }
}

/** A result's cells reduced to what comparisons need (also what a baseline stores). */
export function compactCells(result: ResultFile): ComparableCell[] {
  const lifetime = result.suite.settings?.engineLifetime;
  return result.cells.map((c) => {
    const metrics = Object.fromEntries(Object.entries(c.metrics ?? {}).map(([id, m]) => [id, metricOf(id, m)]));
    withTrialIds(c, metrics, lifetime);
    return {
      id: c.id,
      engine: c.engine,
      draft: c.draft,
      dataset: c.dataset,
      temperature: c.temperature,
      status: c.status,
      ...(c.error !== undefined ? { error: c.error } : {}),
      metrics,
    };
  });
}
