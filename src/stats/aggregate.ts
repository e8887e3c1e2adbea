// Per-trial figures -> the cell statistics stored in result.json: summary, 95% interval,
// outlier flags, and the speedup of every draft over its vanilla cell with significance
// (Holm-adjusted over every comparison the result makes).
import type { Cell, Comparison as StoredComparison, Interval, MetricValue, PositionAcceptance, ResultFile } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { METRICS, metricDefinition } from '../metrics/definitions.ts';
import { positionAcceptance, positionRates } from '../metrics/compute.ts';
import { poolShapeAcceptance } from '../metrics/shape-acceptance.ts';
import { latencyDistributions } from '../metrics/latency.ts';
import { summarize } from './descriptive.ts';
import { bootstrapInterval, bootstrapRatioOfSums } from './intervals.ts';
import { metricTInterval } from '../metrics/scale.ts';
import { compare, pairRounds, type Sample } from './comparison.ts';
import { holm } from './tests.ts';

const LEVEL = 0.95;

/** Bootstrap over requests (all trials pooled) for the acceptance lengths; seed fixed for reproducibility. */
function requestBootstrap(id: string, records: RequestRecord[]): Interval | null {
  const usable = records.filter((r): r is RequestRecord & { verifyCycles: number } => r.verifyCycles !== null && r.verifyCycles > 0);
  if (usable.length < 2) return null;
  let b;
  if (id === 'accept_length_pooled') {
    b = bootstrapRatioOfSums(usable.map((r) => r.completionTokens), usable.map((r) => r.verifyCycles));
  } else if (id === 'accept_length_mean' && usable.every((r) => r.acceptedDrafts !== null)) {
    const per = usable.map((r) => (r.acceptedDrafts ?? 0) / r.verifyCycles + 1);
    b = bootstrapInterval((s) => s.reduce((a, x) => a + x, 0) / s.length, per);
  } else {
    return null;
  }
  return { low: b.low, high: b.high, halfWidth: (b.high - b.low) / 2, level: LEVEL, method: 'bootstrap' };
}

/**
 * Per-position acceptance from engine counters pooled over the cell's trials (vLLM): accepted at
 * position i counts steps that accepted more than i drafts, so both rates follow exactly.
 */
export function counterPositionAcceptance(cell: Cell): PositionAcceptance | null {
  const ds = cell.trials.map((t) => t.engineCounters).filter((d) => d && d.drafts !== null && d.acceptedPerPosition);
  if (ds.length === 0) return null;
  const cycles = ds.reduce((a, d) => a + (d!.drafts as number), 0); // why: the filter above kept counters with drafts
  const k = Math.max(...ds.map((d) => d!.acceptedPerPosition!.length));
  if (cycles <= 0 || k < 1) return null;
  return positionRates([cycles, ...Array.from({ length: k }, (_, i) => ds.reduce((a, d) => a + (d!.acceptedPerPosition![i] ?? 0), 0))]);
}

/** Recomputes a cell's metrics from its trials (and its requests, for bootstrap intervals). */
export function summarizeCell(cell: Cell, records: RequestRecord[]): void {
  const ids = new Set<string>();
  for (const t of cell.trials) for (const k of Object.keys(t.metrics)) ids.add(k);
  const metrics: Record<string, MetricValue> = {};
  for (const id of ids) {
    const def = metricDefinition(id);
    if (!def) continue;
    const values = cell.trials.map((t) => t.metrics[id]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (values.length === 0) continue;
    const s = summarize(values);
    metrics[id] = {
      ...def, mean: s.mean, n: s.n, values, median: s.median, stddev: s.stddev, cv: s.cv, min: s.min, max: s.max,
      interval: requestBootstrap(id, records) ?? metricTInterval(def.unit, values, LEVEL), outliers: s.outliers,
    };
  }
  cell.metrics = metrics;
  const pa = positionAcceptance(records) ?? counterPositionAcceptance(cell);
  if (pa) cell.positionAcceptance = pa; else delete cell.positionAcceptance;
  const sa = poolShapeAcceptance(records.map((r) => r.shapeAcceptance));
  if (sa) cell.shapeAcceptance = sa; else delete cell.shapeAcceptance;
  const latency = latencyDistributions(records);
  if (Object.keys(latency).length > 0) cell.latency = latency; else delete cell.latency;
}

/** The vanilla cell a draft cell is compared with: same engine, dataset and temperature. */
export function referenceCell(result: ResultFile, cell: Cell): Cell | undefined {
  return result.cells.find((c) => c.method === 'vanilla' && c.engine === cell.engine && c.dataset === cell.dataset && c.temperature === cell.temperature);
}

/**
 * Adds speedup metrics and comparisons to every draft cell, then Holm-adjusts all of them together.
 * A draft's trial in round r is paired with its vanilla cell's trial of the same round (the two
 * ran minutes apart, on the same machine state), so drift between rounds cancels: speedup is the
 * geometric mean of per-round ratios, tested with a one-sample t on their logs. Without two
 * common rounds (a resumed or hand-made result), the ratio of means with Welch's test is used
 * instead. Both come from the comparison core (stats/comparison.ts).
 */
export function compareCells(result: ResultFile): void {
  const all: StoredComparison[] = [];
  for (const cell of result.cells) {
    delete cell.comparisons;
    delete cell.metrics.speedup;
    const ref = referenceCell(result, cell);
    if (!ref || ref === cell || cell.status !== 'ok' || ref.status !== 'ok') continue;
    const stored = speedup(cell, ref);
    if (!stored) continue;
    cell.comparisons = { speedup: stored };
    all.push(stored);
  }
  holmAdjust(all);
}

/** A cell's per-trial values of one metric, with each one's round (trials without a finite value skipped, as summarizeCell skips them). */
export function metricSample(cell: Pick<Cell, 'trials'>, id: string): { values: number[]; rounds: number[] } {
  const values: number[] = [], rounds: number[] = [];
  for (const t of cell.trials) {
    const v = t.metrics[id];
    if (typeof v === 'number' && Number.isFinite(v)) { values.push(v); rounds.push(t.trial); }
  }
  return { values, rounds };
}

/** The throughput values above zero, with their rounds: what per-round ratios can be taken of. */
function positiveThroughput(cell: Cell): Sample {
  const s = metricSample(cell, 'throughput');
  const keep = s.values.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
  return { values: keep.map((i) => s.values[i]), rounds: keep.map((i) => s.rounds[i]) };
}

/** Sets the cell's speedup metric over `ref` and returns the comparison to store; null when there is none. */
function speedup(cell: Cell, ref: Cell): StoredComparison | null {
  const mine = cell.metrics.throughput, theirs = ref.metrics.throughput;
  if (!mine || !theirs) return null;
  const head = positiveThroughput(cell), base = positiveThroughput(ref);
  const pairs = pairRounds(head, base);
  if (pairs.length >= 2) {
    const e = compare('paired', { head, base }, { direction: 'higher' });
    if (e.ratio === null) return null; // not reached: every pair is positive
    const interval = bounds(e.ratioInterval, 'paired');
    cell.metrics.speedup = { ...METRICS.speedup, mean: e.ratio, n: pairs.length, values: pairs.map((x) => x.head / x.base), interval };
    return { metric: 'throughput', reference: ref.id, test: 'paired', ratio: e.ratio, interval, p: e.p, welchP: null, mannWhitneyP: null, adjustedP: null, significant: false };
  }
  const e = compare('unpaired', { head: mine, base: theirs }, { direction: 'higher' });
  if (e.ratio === null) return null;
  const interval = bounds(e.ratioInterval, 'delta');
  cell.metrics.speedup = { ...METRICS.speedup, mean: e.ratio, n: Math.min(e.head.n, e.base.n), values: [e.ratio], interval };
  return { metric: 'throughput', reference: ref.id, test: 'welch', ratio: e.ratio, interval, p: e.p, welchP: e.welchP, mannWhitneyP: e.mannWhitneyP, adjustedP: null, significant: false };
}

function bounds(b: { low: number; high: number; level: number } | null, method: Interval['method']): Interval | null {
  return b ? { low: b.low, high: b.high, halfWidth: (b.high - b.low) / 2, level: b.level, method } : null;
}

/** Holm-adjusts the given comparisons together (each keeps its own p) and sets their verdicts. */
function holmAdjust(all: StoredComparison[]): void {
  const adjusted = holm(all.map((c) => c.p as number)); // why: both callers pass comparisons that carry a p
  all.forEach((c, i) => { c.adjustedP = adjusted[i]; c.significant = adjusted[i] < 0.05; });
}

/**
 * Holm adjustment over every comparison already stored in the result, without recomputing any
 * of them: for a result whose cells were measured elsewhere (a merged sweep), so each ratio,
 * interval and p stays what its shard recorded while the family is the whole result.
 */
export function readjustComparisons(result: ResultFile): void {
  const all: StoredComparison[] = [];
  for (const c of result.cells) {
    if (c.status !== 'ok') { delete c.comparisons; delete c.metrics.speedup; continue; }
    for (const cmp of Object.values(c.comparisons ?? {})) if (typeof cmp.p === 'number') all.push(cmp);
  }
  holmAdjust(all);
}
