// Compares two runs (results or baselines) cell by cell: per metric with a direction, the ratio
// head/base with its 95% interval, Welch and Mann-Whitney p on the per-trial values, Holm-adjusted
// p over every comparison made, and a verdict by asv's two-condition rule: a change counts only
// when it is beyond the threshold AND significant. Also lists what makes the pair not comparable
// (different hardware or settings, missing or failed cells); the caller decides what that means.
import { holm } from '../stats/tests.ts';
import { DEFAULT_ALPHA, combineCells, compare, detectableChange, type ComparedCell, type ComparisonTest, type Design, type Estimate, type SideSummary } from '../stats/comparison.ts';
import { fingerprintDifferences } from '../hardware/compare.ts';
import { suiteSettingsDiff } from '../suite/load.ts';
import type { StoredSuite } from '../result/schema.ts';
import { isRecord } from '../record.ts';
import { LATENCY_METRICS, metricDefinition } from '../metrics/definitions.ts';
import type { Comparable, ComparableCell, ComparableMetric } from './comparable.ts';
import { Provisional, combineAcrossRuns, launchSpread, launchUnit, spreadNotes } from './launch-unit.ts';
import type { LaunchVariance } from '../stats/launches.ts';
import { DEFAULT_MAX_REGRESSION } from './defaults.ts';

export { DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION };

export type Verdict = 'regression' | 'improvement' | 'same';
export type { ComparisonTest, Design, SideSummary };

export interface MetricComparison {
  cell: string;
  metric: string;
  label: string;
  unit: string;
  direction: 'higher' | 'lower';
  test: ComparisonTest;
  /** per-trial mean, count and standard deviation of each side (paired: over the rounds both sides have) */
  base: SideSummary;
  head: SideSummary;
  /** paired: rounds with a value on both sides */
  pairs?: number;
  /** unpaired: what the test took as replicates: launch means (the launch as the unit) or, where a side has one launch per cell or does not say, trials */
  replicates?: 'launches' | 'trials';
  /** head / base: of the per-trial means (welch, exact) or the geometric mean of per-round ratios (paired); null when the base is 0 */
  ratio: number | null;
  /** 95% interval of the ratio (welch: delta method on the log ratio; paired: t interval of the mean log ratio); null with < 2 trials */
  ratioInterval: { low: number; high: number; level: number } | null;
  /** relative change in the metric's worse direction: > 0 worse, < 0 better; null when the base is 0 */
  change: number | null;
  /** two-sided p of the decision test (Welch or paired t); null for exact metrics */
  p: number | null;
  /** unpaired only: Welch's p (= p) and Mann-Whitney's p, a distribution-free cross-check */
  welchP: number | null;
  mannWhitneyP: number | null;
  /** Holm-adjusted p over every tested comparison of the report (exact metrics are not in the family) */
  adjustedP: number | null;
  /**
   * minimum detectable effect: the true change in the worse direction (0.05 = 5%) this comparison
   * flags with 80% power, given its variance and trials, at the strictest Holm step (alpha / family
   * size) and never below the threshold; null when there is no variance estimate
   */
  mde: number | null;
  /** exact metrics only: the constant values differ (the engine decodes differently) */
  outputsChanged?: boolean;
  verdict: Verdict;
}

/** The suite as a whole, per metric: the geometric mean of the per-cell ratios (see suiteComparisons). */
export interface SuiteComparison {
  metric: string;
  label: string;
  direction: 'higher' | 'lower';
  test: ComparisonTest;
  /** cells combined */
  cells: number;
  /** how the ratio and its interval were formed, for reports */
  method: string;
  ratio: number;
  ratioInterval: { low: number; high: number; level: number } | null;
  change: number;
  p: number | null;
  /** Holm over the suite-level comparisons (one per metric) */
  adjustedP: number | null;
  mde: number | null;
  verdict: Verdict;
}

export type ProblemKind = 'hardware' | 'settings' | 'missing-cell' | 'failed-cell' | 'missing-metric' | 'direction';

export interface Problem {
  kind: ProblemKind;
  cell?: string;
  metric?: string;
  message: string;
}

const KIND_TITLE: Record<ProblemKind, string> = {
  hardware: 'different hardware',
  settings: 'different settings',
  'missing-cell': 'missing cells',
  'failed-cell': 'failed or unfinished cells',
  'missing-metric': 'missing metrics',
  direction: 'metric direction differs',
};

/** One line naming what kinds of problem there are, e.g. "different hardware, missing cells". */
export function problemSummary(problems: readonly Problem[]): string {
  return [...new Set(problems.map((p) => KIND_TITLE[p.kind]))].join(', ');
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
  /** both sides come from one run, measured round by round: pair each round's values (metrics must carry rounds) */
  paired?: boolean;
  /** compute minimum detectable effects (default true; simulations that need only verdicts turn it off) */
  mde?: boolean;
}

export interface CompareReport {
  base: SideInfo;
  head: SideInfo;
  design: Design;
  options: { maxRegression: number; alpha: number; metrics: string[] | null };
  /** false when any problem was found: the numbers below are then not a fair comparison */
  comparable: boolean;
  problems: Problem[];
  /** things worth knowing that do not block the comparison (e.g. too few trials for a test) */
  notes: string[];
  /**
   * unpaired: why the verdicts are provisional, in short (details in notes): launch-to-launch
   * variance not estimated on a side, or the machine's state differs between the runs; [] when not
   */
  provisional: string[];
  /** unpaired: per metric and side, the launch spread where a side has several launches with several trials each */
  launchSpread: ({ metric: string; side: 'base' | 'head' } & LaunchVariance)[];
  comparisons: MetricComparison[];
  /** one verdict per metric for the suite as a whole */
  suite: SuiteComparison[];
  /** per-cell verdicts */
  counts: { regression: number; improvement: number; same: number };
}

/** JSON with object keys sorted, so key order never counts as a difference. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isRecord(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** The suite's entries (drafts or engines) keyed by name, as stable JSON. */
function definitions(suite: StoredSuite, key: 'drafts' | 'engines'): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of suite[key] ?? []) if (typeof d.name === 'string') out.set(d.name, stable(d));
  return out;
}

function sideInfo(c: Comparable): SideInfo {
  return { kind: c.kind, path: c.path, label: c.label, runId: c.runId, createdAt: c.createdAt };
}

/** Problems that make base and head not comparable. */
export function comparabilityProblems(base: Comparable, head: Comparable, names = { base: 'base', head: 'head' }): Problem[] {
  const problems: Problem[] = [];
  for (const d of fingerprintDifferences(base.fingerprint, head.fingerprint)) {
    problems.push({ kind: 'hardware', message: `different hardware: ${d} (${names.base} vs ${names.head})` });
  }
  for (const d of suiteSettingsDiff(base.suite, head.suite)) {
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

/** Compared only when named (--metrics): the latency percentiles are noisy, and each metric widens the Holm family. */
const OPT_IN_METRICS: ReadonlySet<string> = new Set(LATENCY_METRICS.map((m) => m.id));

function metricOrder(id: string): number {
  const order = ['throughput', 'speedup', 'request_throughput', 'accept_length_pooled', 'accept_length_mean', 'draft_accept_rate',
    'draft_ms_per_step', 'verify_ms_per_cycle', 'ttft_ms', 'e2e_ms', 'tpot_ms', ...LATENCY_METRICS.map((m) => m.id)];
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
 *   ratio = head / base: of the per-trial means (unpaired), or the geometric mean of per-round
 *     ratios (paired: both sides measured in the same rounds of one run);
 *   change = (base - head) / base for higher-is-better, (head - base) / base for lower-is-better;
 *   verdict 'regression' when change > maxRegression% AND Holm-adjusted p < alpha, 'improvement'
 *     when -change > maxRegression% AND adjusted p < alpha, else 'same'.
 * A metric that is exactly constant on both sides (acceptance length at T = 0 on a deterministic
 * engine) is not tested: any difference is a change in outputs, judged against the threshold
 * alone, and it stays out of the Holm family. Beside the cells, a suite-level verdict per metric
 * combines every tested cell (see suiteComparisons). The numbers come from the comparison core,
 * stats/comparison.ts.
 */
export function compareRuns(base: Comparable, head: Comparable, opts: CompareOptions = {}): CompareReport {
  const maxRegression = opts.maxRegression ?? DEFAULT_MAX_REGRESSION;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const names = opts.names ?? { base: 'base', head: 'head' };
  const design: Design = opts.paired ? 'paired' : 'unpaired';
  if (!(Number.isFinite(maxRegression) && maxRegression >= 0)) throw new RangeError(`compareRuns: maxRegression must be a percentage >= 0, got ${maxRegression}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareRuns: alpha must be in (0, 1), got ${alpha}`);
  const only = opts.metrics ? new Set(opts.metrics) : null;

  const problems = comparabilityProblems(base, head, names);
  const notes: string[] = [];
  const pending = pendingComparisons(base, head, only, names, problems, notes);
  const provisional = new Provisional(names);
  if (design === 'unpaired') provisional.machineState(base, head);
  const units: ('launches' | 'trials')[] = [];
  const compared: ComparedCell[] = pending.map((p) => {
    // across runs the launch is the unit: values averaged per launch before the test
    const unit = design === 'unpaired' ? launchUnit(p.base, p.head) : null;
    const samples = unit ? unit.samples : { head: p.head, base: p.base };
    const estimate = compare(design, samples, { direction: p.direction, alpha, exact: true });
    if (unit) {
      units.push(unit.replicates);
      if (estimate.test !== 'exact') provisional.cell(p.cell, unit.gaps);
    }
    if (estimate.untested) notes.push(`${p.cell} ${p.metric}: ${estimate.untested}`);
    return { ...samples, estimate };
  });
  const comparisons = judgeCells(pending, compared.map((c) => c.estimate), { alpha, maxRegression, mde: opts.mde !== false });
  if (design === 'unpaired') comparisons.forEach((c, i) => { if (c.test !== 'exact') c.replicates = units[i]; });
  for (const c of comparisons) {
    if (c.outputsChanged) notes.push(`outputs changed: ${c.cell} ${c.metric} was exactly ${formatExact(c.base.mean)} on every ${names.base} trial and is exactly ${formatExact(c.head.mean)} on every ${names.head} trial (a deterministic metric: the engine now decodes differently)`);
  }
  if (only) {
    const seen = new Set(base.cells.concat(head.cells).flatMap((c) => Object.keys(c.metrics)));
    for (const id of only) if (!seen.has(id)) notes.push(`metric ${id} appears in neither side; not compared`);
  }

  const suite = suiteComparisons(pending, compared, comparisons, { design, alpha, maxRegression, mde: opts.mde !== false }, notes, provisional);
  const spreads: CompareReport['launchSpread'] = [];
  if (design === 'unpaired') {
    for (const metric of [...new Set(pending.map((p) => p.metric))]) {
      const raw = pending.filter((p, i) => p.metric === metric && compared[i]!.estimate.test !== 'exact');
      const spread = launchSpread(raw);
      for (const side of ['base', 'head'] as const) { const v = spread[side]; if (v) spreads.push({ metric, side, ...v }); }
      notes.push(...spreadNotes(metric, spread, names));
    }
    notes.push(...provisional.notes());
  }
  const counts = { regression: 0, improvement: 0, same: 0 };
  for (const c of comparisons) counts[c.verdict] += 1;
  return {
    base: sideInfo(base),
    head: sideInfo(head),
    design,
    options: { maxRegression, alpha, metrics: opts.metrics ? [...opts.metrics] : null },
    comparable: problems.length === 0,
    problems,
    notes: [...new Set(notes)],
    provisional: provisional.reasons(),
    launchSpread: spreads,
    comparisons,
    suite,
    counts,
  };
}

/** Every cell and metric both sides can be compared on, in report order; what cannot be is a problem or a note. */
function pendingComparisons(base: Comparable, head: Comparable, only: ReadonlySet<string> | null, names: { base: string; head: string }, problems: Problem[], notes: string[]): Pending[] {
  const headById = new Map<string, ComparableCell>(head.cells.map((c) => [c.id, c]));
  const pending: Pending[] = [];
  for (const b of base.cells) {
    const h = headById.get(b.id);
    if (!h || b.status !== 'ok' || h.status !== 'ok') continue;
    const ids = [...new Set([...Object.keys(b.metrics), ...Object.keys(h.metrics)])]
      .filter((id) => (only ? only.has(id) : !OPT_IN_METRICS.has(id)))
      .sort((x, y) => metricOrder(x) - metricOrder(y) || x.localeCompare(y));
    for (const id of ids) {
      const bm = b.metrics[id];
      const hm = h.metrics[id];
      // ids come from the keys of one side or the other, so at least one holds the metric
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
  return pending;
}

/** Per-cell verdicts: Holm over every tested comparison, then asv's two-condition rule. */
function judgeCells(pending: readonly Pending[], estimates: readonly Estimate[], o: { alpha: number; maxRegression: number; mde: boolean }): MetricComparison[] {
  const tested = estimates.flatMap((e, i) => (e.test !== 'exact' && e.p !== null ? [{ i, p: e.p }] : []));
  const adjustedTested = holm(tested.map((t) => t.p));
  const adjusted = new Map(tested.map((t, k) => [t.i, adjustedTested[k]!]));
  // the per-cell MDE is stated at the strictest Holm step (alpha / family size): what a cell alone is sure to show
  const cellAlpha = o.alpha / Math.max(1, tested.length);
  return pending.map((p, i) => {
    const e = estimates[i]!;
    const adjustedP = adjusted.get(i) ?? null;
    const change = e.ratio === null ? null : p.direction === 'higher' ? 1 - e.ratio : e.ratio - 1;
    const decided = e.test === 'exact' || (adjustedP !== null && adjustedP < o.alpha);
    const def = metricDefinition(p.metric);
    return {
      cell: p.cell,
      metric: p.metric,
      label: p.base.label ?? def?.label ?? p.metric,
      unit: p.base.unit || def?.unit || '',
      direction: p.direction,
      test: e.test,
      base: e.base,
      head: e.head,
      ...(e.pairs !== undefined ? { pairs: e.pairs } : {}),
      ratio: e.ratio,
      ratioInterval: e.ratioInterval,
      change,
      p: e.p,
      welchP: e.welchP,
      mannWhitneyP: e.mannWhitneyP,
      adjustedP,
      mde: o.mde || e.test === 'exact' ? detectableChange(e, p.direction, cellAlpha, o.maxRegression) : null,
      ...(e.test === 'exact' ? { outputsChanged: p.base.values[0] !== p.head.values[0] } : {}),
      verdict: verdictOf(change, decided, o.maxRegression),
    };
  });
}

function verdictOf(change: number | null, decided: boolean, maxRegression: number): Verdict {
  const limit = maxRegression / 100;
  return change !== null && decided && change > limit ? 'regression' : change !== null && decided && -change > limit ? 'improvement' : 'same';
}

const formatExact = (x: number) => String(Number(x.toPrecision(6)));

/**
 * Suite-level verdicts, one per metric, from the comparison core's combination of the metric's
 * cells (stats/comparison.ts combineCells: the geometric mean of the cells' ratios, tested over
 * the cells' standard errors, unpaired, or over the rounds, paired). The suite-level verdicts form
 * their own Holm family (one member per metric).
 */
function suiteComparisons(pending: readonly Pending[], compared: readonly ComparedCell[], cells: readonly MetricComparison[], o: { design: Design; alpha: number; maxRegression: number; mde: boolean }, notes: string[], provisional: Provisional): SuiteComparison[] {
  const byMetric = new Map<string, number[]>();
  pending.forEach((p, i) => {
    const list = byMetric.get(p.metric) ?? [];
    list.push(i);
    byMetric.set(p.metric, list);
  });
  const out: (SuiteComparison & { se: number | null; df: number | null })[] = [];
  for (const [metric, idx] of byMetric) {
    const direction = pending[idx[0]!]!.direction;
    let s: ReturnType<typeof combineCells>;
    if (o.design === 'unpaired') {
      // across runs, the replicates are launch sets, not cells (cells of one launch share its offset)
      const r = combineAcrossRuns(idx.map((i) => compared[i]!), idx.map((i) => pending[i]!), direction);
      if (r.gap) provisional.suite(r.gap);
      s = r.estimate;
    } else s = combineCells(o.design, idx.map((i) => compared[i]!), direction);
    if (s === null) continue;
    if ('untested' in s) {
      notes.push(`suite ${metric}: ${s.untested}`);
      continue;
    }
    out.push({
      metric, label: cells[idx[0]!]!.label, direction, cells: s.cells, method: s.method, test: s.test,
      ratio: s.ratio, ratioInterval: s.ratioInterval, change: s.change, p: s.p, adjustedP: null, mde: null, verdict: 'same', se: s.se, df: s.df,
    });
  }
  const tested = out.flatMap((s) => (s.p === null ? [] : [{ s, p: s.p }]));
  const adj = holm(tested.map((t) => t.p));
  tested.forEach((t, k) => { t.s.adjustedP = adj[k]!; });
  for (const s of out) {
    const decided = s.test === 'exact' || (s.adjustedP !== null && s.adjustedP < o.alpha);
    s.verdict = verdictOf(s.change, decided, o.maxRegression);
    // stated at the strictest Holm step of the suite family, as for cells
    s.mde = o.mde || s.test === 'exact' ? detectableChange(s, s.direction, o.alpha / Math.max(1, tested.length), o.maxRegression) : null;
  }
  return out.map(({ se: _se, df: _df, ...s }) => s);
}
