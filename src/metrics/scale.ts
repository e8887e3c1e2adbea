// Which scale a metric's t interval is formed on, by its unit, and that interval as stored.
// Imports no result types: the result loader uses it to recompute the linear t intervals of
// older results, and the aggregation to compute new ones, so both follow one rule.
import { scaledTInterval, type IntervalScale } from '../stats/intervals.ts';

/** Units of strictly positive quantities: tokens per second, ratios of them, tokens per cycle, milliseconds. */
const POSITIVE_UNITS: readonly string[] = ['tok/s', 'x', 'tok/cycle', 'ms'];

/**
 * log for positive quantities, logit for a rate in [0, 1] (unit "ratio": the draft acceptance
 * rate), linear for a unit this table does not know (an importer's own metric).
 */
export function scaleForUnit(unit: string | undefined): IntervalScale {
  if (unit === 'ratio') return 'logit';
  return unit !== undefined && POSITIVE_UNITS.includes(unit) ? 'log' : 'linear';
}

export interface StoredTInterval {
  low: number;
  high: number;
  halfWidth: number;
  level: number;
  method: 't';
  scale: IntervalScale;
}

/** The t interval of a metric's per-trial values on its unit's scale; null for fewer than 2 values. */
export function metricTInterval(unit: string | undefined, values: readonly number[], level = 0.95): StoredTInterval | null {
  const ci = scaledTInterval(values, scaleForUnit(unit), level);
  return ci ? { low: ci.low, high: ci.high, halfWidth: ci.halfWidth, level, method: 't', scale: ci.scale } : null;
}
