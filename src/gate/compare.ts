// Compares two runs (results or baselines) cell by cell: per metric with a direction, the ratio
// head/base with its 95% interval, Welch and Mann-Whitney p on the per-trial values, Holm-adjusted
// p over every comparison made, and a verdict by asv's two-condition rule: a change counts only
// when it is beyond the threshold AND significant. Also lists what makes the pair not comparable
// (different hardware or settings, missing or failed cells); the caller decides what that means.
import { compareSamples, holm } from '../stats/index.ts';
import { fingerprintDifferences } from '../hardware/compare.ts';
import type { HardwareFingerprint } from '../hardware/types.ts';
import { suiteSettingsDiff } from '../suite/load.ts';
import type { Settings } from '../suite/types.ts';
import { metricDefinition } from '../metrics/definitions.ts';
import type { Comparable, ComparableCell, ComparableMetric } from './comparable.ts';

/** Default threshold, in percent of the base value, a change must exceed to count. */
export const DEFAULT_MAX_REGRESSION = 5;
/**
 * Default significance level for the Holm-adjusted Welch p. asv uses p < 0.002 on Mann-Whitney,
 * but with the 3-10 trials a benchmark cell has, Mann-Whitney cannot reach that (3 vs 3 trials:
 * smallest two-sided p is 0.1), so the decision uses Welch's t-test on the per-trial values at
 * the conventional 0.05, corrected for multiple comparisons by Holm. Mann-Whitney is reported too.
 */
export const DEFAULT_ALPHA = 0.05;

export type Verdict = 'regression' | 'improvement' | 'same';

export interface SideSummary {
  mean: number;
  n: number;
  stddev: number;
}

export interface MetricComparison {
  cell: string;
  metric: string;
  label: string;
  unit: string;
  direction: 'higher' | 'lower';
  /** per-trial mean, count and standard deviation of each side */
  base: SideSummary;
  head: SideSummary;
  /** head / base of the per-trial means; null when the base mean is 0 */
  ratio: number | null;
  /** 95% interval of the ratio (delta method on the log ratio); null with < 2 trials or a mean <= 0 */
  ratioInterval: { low: number; high: number; level: number } | null;
  /** relative change in the metric's worse direction: > 0 worse, < 0 better; null when the base mean is 0 */
  change: number | null;
  welchP: number;
  mannWhitneyP: number;
  /** Holm-adjusted Welch p over every comparison of the report */
  adjustedP: number;
  verdict: Verdict;
}

export type ProblemKind = 'hardware' | 'settings' | 'missing-cell' | 'failed-cell' | 'missing-metric' | 'direction';

export interface Problem {
  kind: ProblemKind;
  cell?: string;
  metric?: string;
  message: string;
}

export interface SideInfo {
  kind: 'result' | 'baseline';
  path: string;
  label: string;
  runId: string;
  createdAt: string;
}

export interface CompareOptions {
  /** metric ids to compare; default every metric with a direction found in either side */
  metrics?: readonly string[];
  /** percent; a change must exceed it to be a regression or improvement (default 5) */
  maxRegression?: number;
  /** significance level for the Holm-adjusted Welch p (default 0.05) */
  alpha?: number;
  /** how messages name the two sides (default 'base' and 'head') */
  names?: { base: string; head: string };
}

export interface CompareReport {
  base: SideInfo;
  head: SideInfo;
  options: { maxRegression: number; alpha: number; metrics: string[] | null };
  /** false when any problem was found: the numbers below are then not a fair comparison */
  comparable: boolean;
  problems: Problem[];
  /** things worth knowing that do not block the comparison (e.g. too few trials for a test) */
  notes: string[];
  comparisons: MetricComparison[];
  counts: { regression: number; improvement: number; same: number };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fills the sections fingerprintDifferences dereferences, so a partial fingerprint cannot crash it. */
function asFingerprint(fp: Record<string, unknown>): HardwareFingerprint {
  const section = (k: string) => (isObj(fp[k]) ? fp[k] : {});
  return {
    ...fp,
    cpu: section('cpu'),
    memory: section('memory'),
    os: section('os'),
    node: section('node'),
    gpus: Array.isArray(fp.gpus) ? fp.gpus.filter(isObj) : [],
  } as unknown as HardwareFingerprint;
}

/** JSON with object keys sorted, so key order never counts as a difference. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** The suite's entries (drafts or engines) keyed by name, as stable JSON. */
function definitions(suite: Record<string, unknown>, key: 'drafts' | 'engines'): Map<string, string> {
  const list = Array.isArray(suite[key]) ? (suite[key] as unknown[]) : [];
  const out = new Map<string, string>();
  for (const d of list) if (isObj(d) && typeof d.name === 'string') out.set(d.name, stable(d));
  return out;
}

function sideInfo(c: Comparable): SideInfo {
  return { kind: c.kind, path: c.path, label: c.label, runId: c.runId, createdAt: c.createdAt };
}

/** Problems that make base and head not comparable. */
export function comparabilityProblems(base: Comparable, head: Comparable, names = { base: 'base', head: 'head' }): Problem[] {
  const problems: Problem[] = [];
  for (const d of fingerprintDifferences(asFingerprint(base.fingerprint), asFingerprint(head.fingerprint))) {
    problems.push({ kind: 'hardware', message: `different hardware: ${d} (${names.base} vs ${names.head})` });
  }
  const settings = (s: Record<string, unknown>) => ({ settings: (isObj(s.settings) ? s.settings : {}) as Partial<Settings> });
  for (const d of suiteSettingsDiff(settings(base.suite), settings(head.suite))) {
    problems.push({ kind: 'settings', message: `different settings: ${d} (${names.base} vs ${names.head})` });
  }
  // a draft or engine of the same name configured differently yields the same cell id but different numbers
  const headIds = new Set(head.cells.map((c) => c.id));
  const shared = base.cells.filter((c) => headIds.has(c.id));
  for (const key of ['drafts', 'engines'] as const) {
    const a = definitions(base.suite, key);
    const b = definitions(head.suite, key);
    const used = new Set(shared.map((c) => (key === 'drafts' ? c.draft : c.engine)));
    for (const name of used) {
      const x = a.get(name);
      const y = b.get(name);
      if (x !== undefined && y !== undefined && x !== y) {
        problems.push({ kind: 'settings', message: `different settings: ${key}.${name}: ${x} vs ${y} (${names.base} vs ${names.head})` });
      }
    }
  }
  const baseIds = new Set(base.cells.map((c) => c.id));
  for (const c of base.cells) {
    if (!headIds.has(c.id)) problems.push({ kind: 'missing-cell', cell: c.id, message: `missing cell: ${c.id} is in ${names.base} but not in ${names.head}` });
  }
  for (const c of head.cells) {
    if (!baseIds.has(c.id)) problems.push({ kind: 'missing-cell', cell: c.id, message: `missing cell: ${c.id} is in ${names.head} but not in ${names.base}` });
  }
  for (const [side, run] of [[names.base, base], [names.head, head]] as const) {
    for (const c of run.cells) {
      if (c.status === 'failed') {
        problems.push({ kind: 'failed-cell', cell: c.id, message: `failed cell: ${c.id} failed in ${side}${c.error ? `: ${oneLine(c.error)}` : ''}` });
      } else if (c.status !== 'ok') {
        problems.push({ kind: 'failed-cell', cell: c.id, message: `failed cell: ${c.id} did not finish in ${side} (status ${c.status})` });
      }
    }
  }
  return problems;
}

function oneLine(s: string, max = 160): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function metricOrder(id: string): number {
  const order = ['throughput', 'speedup', 'request_throughput', 'accept_length_pooled', 'accept_length_mean', 'draft_accept_rate',
    'draft_ms_per_step', 'verify_ms_per_cycle', 'ttft_ms', 'e2e_ms', 'tpot_ms'];
  const i = order.indexOf(id);
  return i < 0 ? order.length : i;
}

interface Pending {
  cell: string;
  metric: string;
  base: ComparableMetric;
  head: ComparableMetric;
  direction: 'higher' | 'lower';
}

/**
 * Compares head against base. Cells are matched by id; failed, pending and one-sided cells are
 * reported as problems and skipped. Per metric (those with direction 'higher' or 'lower'):
 *   ratio = mean(head) / mean(base) over per-trial values, with a 95% interval;
 *   change = (base - head) / base for higher-is-better, (head - base) / base for lower-is-better;
 *   verdict 'regression' when change > maxRegression% AND Holm-adjusted Welch p < alpha,
 *   'improvement' when -change > maxRegression% AND adjusted p < alpha, else 'same'.
 */
export function compareRuns(base: Comparable, head: Comparable, opts: CompareOptions = {}): CompareReport {
  const maxRegression = opts.maxRegression ?? DEFAULT_MAX_REGRESSION;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const names = opts.names ?? { base: 'base', head: 'head' };
  if (!(Number.isFinite(maxRegression) && maxRegression >= 0)) throw new RangeError(`compareRuns: maxRegression must be a percentage >= 0, got ${maxRegression}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareRuns: alpha must be in (0, 1), got ${alpha}`);
  const only = opts.metrics ? new Set(opts.metrics) : null;

  const problems = comparabilityProblems(base, head, names);
  const notes: string[] = [];
  const headById = new Map<string, ComparableCell>(head.cells.map((c) => [c.id, c]));
  const pending: Pending[] = [];

  for (const b of base.cells) {
    const h = headById.get(b.id);
    if (!h || b.status !== 'ok' || h.status !== 'ok') continue;
    const ids = [...new Set([...Object.keys(b.metrics), ...Object.keys(h.metrics)])]
      .filter((id) => !only || only.has(id))
      .sort((x, y) => metricOrder(x) - metricOrder(y) || x.localeCompare(y));
    for (const id of ids) {
      const bm = b.metrics[id];
      const hm = h.metrics[id];
      const direction = (bm ?? hm)!.direction;
      if (!bm || !hm) {
        if (direction === 'none') continue;
        const [has, lacks] = bm ? [names.base, names.head] : [names.head, names.base];
        problems.push({ kind: 'missing-metric', cell: b.id, metric: id, message: `missing metric: ${b.id} has ${id} in ${has} but not in ${lacks}` });
        continue;
      }
      if (bm.direction !== hm.direction) {
        problems.push({ kind: 'direction', cell: b.id, metric: id, message: `metric direction differs: ${b.id} ${id} is '${bm.direction}' in ${names.base} but '${hm.direction}' in ${names.head}` });
        continue;
      }
      if (direction === 'none') {
        if (only) notes.push(`${id} has no better direction; not compared`);
        continue;
      }
      if (bm.values.length === 0 || hm.values.length === 0) {
        notes.push(`${b.id} ${id}: no per-trial values in ${bm.values.length === 0 ? names.base : names.head}; not compared`);
        continue;
      }
      if (bm.values.length < 2 || hm.values.length < 2) {
        notes.push(`${b.id} ${id}: fewer than 2 trials in ${bm.values.length < 2 ? names.base : names.head}; no test is possible, so it can never count as a change`);
      }
      pending.push({ cell: b.id, metric: id, base: bm, head: hm, direction });
    }
  }

  const stats = pending.map((p) => compareSamples(p.head.values, p.base.values, { direction: p.direction, alpha }));
  const adjusted = holm(stats.map((s) => s.welch.p));
  const comparisons: MetricComparison[] = pending.map((p, i) => {
    const s = stats[i]!;
    const adjustedP = adjusted[i]!;
    const change = s.meanB === 0 ? null : p.direction === 'higher' ? (s.meanB - s.meanA) / Math.abs(s.meanB) : (s.meanA - s.meanB) / Math.abs(s.meanB);
    const significant = adjustedP < alpha;
    const limit = maxRegression / 100;
    const verdict: Verdict = change !== null && significant && change > limit ? 'regression'
      : change !== null && significant && -change > limit ? 'improvement'
      : 'same';
    const def = metricDefinition(p.metric);
    return {
      cell: p.cell,
      metric: p.metric,
      label: p.base.label ?? def?.label ?? p.metric,
      unit: p.base.unit || def?.unit || '',
      direction: p.direction,
      base: { mean: s.meanB, n: s.nB, stddev: s.stddevB },
      head: { mean: s.meanA, n: s.nA, stddev: s.stddevA },
      ratio: s.ratio,
      ratioInterval: s.ratioCi ? { low: s.ratioCi.low, high: s.ratioCi.high, level: s.ratioCi.level } : null,
      change,
      welchP: s.welch.p,
      mannWhitneyP: s.mannWhitney.p,
      adjustedP,
      verdict,
    };
  });
  if (only) {
    const seen = new Set(base.cells.concat(head.cells).flatMap((c) => Object.keys(c.metrics)));
    for (const id of only) if (!seen.has(id)) notes.push(`metric ${id} appears in neither side; not compared`);
  }

  const counts = { regression: 0, improvement: 0, same: 0 };
  for (const c of comparisons) counts[c.verdict] += 1;
  return {
    base: sideInfo(base),
    head: sideInfo(head),
    options: { maxRegression, alpha, metrics: opts.metrics ? [...opts.metrics] : null },
    comparable: problems.length === 0,
    problems,
    notes: [...new Set(notes)],
    comparisons,
    counts,
  };
}
