// Compares two runs (results or baselines) cell by cell: per metric with a direction, the ratio
// head/base with its 95% interval, Welch and Mann-Whitney p on the per-trial values, Holm-adjusted
// p over every comparison made, and a verdict by asv's two-condition rule: a change counts only
// when it is beyond the threshold AND significant. Also lists what makes the pair not comparable
// (different hardware or settings, missing or failed cells); the caller decides what that means.
import { mean } from 'simple-statistics';
import { compareSamples, holm, pairedLogRatio, sampleSd, tQuantile, tSf } from '../stats/index.ts';
import { minimumDetectableChange, satterthwaite } from './power.ts';
import { fingerprintDifferences } from '../hardware/compare.ts';
import type { HardwareFingerprint } from '../hardware/types.ts';
import { suiteSettingsDiff } from '../suite/load.ts';
import type { Settings } from '../suite/types.ts';
import { LATENCY_METRICS, metricDefinition } from '../metrics/definitions.ts';
import type { Comparable, ComparableCell, ComparableMetric } from './comparable.ts';
import { DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION } from './defaults.ts';

export { DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION } from './defaults.ts';

export type Verdict = 'regression' | 'improvement' | 'same';
/**
 * How a metric was judged: 'welch' (independent per-trial samples, Welch's t on the values),
 * 'paired' (per-round ratios of cells run in the same rounds, one-sample t on their logs), or
 * 'exact' (constant on both sides: no test, any difference is a change in outputs).
 */
export type ComparisonTest = 'welch' | 'paired' | 'exact';
/** unpaired: two runs (or a baseline); paired: two engines of one run, round by round */
export type Design = 'unpaired' | 'paired';

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
  test: ComparisonTest;
  /** per-trial mean, count and standard deviation of each side (paired: over the rounds both sides have) */
  base: SideSummary;
  head: SideSummary;
  /** paired: rounds with a value on both sides */
  pairs?: number;
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
  comparisons: MetricComparison[];
  /** one verdict per metric for the suite as a whole */
  suite: SuiteComparison[];
  /** per-cell verdicts */
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

/** Every value of the sample is exactly the first (by value: a computed variance can be a rounding residue). */
const constant = (xs: readonly number[]) => xs.length >= 2 && xs.every((x) => x === xs[0]);

/** One cell and metric reduced to what the decision needs, before Holm. */
interface Estimate {
  test: ComparisonTest;
  ratio: number | null;
  ratioInterval: { low: number; high: number; level: number } | null;
  /** log change in the worse direction and its standard error, for the suite-level combination */
  logChange: number | null;
  se: number | null;
  df: number | null;
  p: number | null;
  welchP: number | null;
  mannWhitneyP: number | null;
  base: SideSummary;
  head: SideSummary;
  pairs?: number;
}

const side = (xs: readonly number[]): SideSummary => ({ mean: mean(xs as number[]), n: xs.length, stddev: sampleSd(xs) });

/** [head, base] of every round both sides measured, keyed by round. */
function pairsByRound(p: Pending): Map<number, [number, number]> {
  const baseByRound = new Map((p.base.rounds ?? []).map((r, i) => [r, p.base.values[i] as number]));
  const out = new Map<number, [number, number]>();
  (p.head.rounds ?? []).forEach((r, i) => {
    const b = baseByRound.get(r);
    if (b !== undefined) out.set(r, [p.head.values[i] as number, b]);
  });
  return out;
}

/** The worse direction's sign on the log scale: a drop is worse for 'higher' metrics. */
const worseSign = (direction: 'higher' | 'lower') => (direction === 'higher' ? -1 : 1);

function exactEstimate(p: Pending): Estimate {
  const b = p.base.values[0] as number;
  const h = p.head.values[0] as number;
  const ratio = b === 0 ? null : h / b;
  const logChange = b > 0 && h > 0 ? worseSign(p.direction) * Math.log(h / b) : null;
  return {
    test: 'exact', ratio, ratioInterval: ratio === null ? null : { low: ratio, high: ratio, level: 0.95 },
    logChange, se: 0, df: null, p: null, welchP: null, mannWhitneyP: null, base: side(p.base.values), head: side(p.head.values),
  };
}

/** Unpaired: two independent samples of per-trial values (result against baseline or another run). */
function welchEstimate(p: Pending, alpha: number): Estimate {
  const s = compareSamples(p.head.values, p.base.values, { direction: p.direction, alpha });
  let logChange: number | null = null;
  let se: number | null = null;
  let df: number | null = null;
  if (s.nA >= 2 && s.nB >= 2 && s.meanA > 0 && s.meanB > 0) {
    const ga = (s.stddevA * s.stddevA) / (s.nA * s.meanA * s.meanA);
    const gb = (s.stddevB * s.stddevB) / (s.nB * s.meanB * s.meanB);
    logChange = worseSign(p.direction) * Math.log(s.meanA / s.meanB);
    se = Math.sqrt(ga + gb);
    df = satterthwaite([{ variance: ga, df: s.nA - 1 }, { variance: gb, df: s.nB - 1 }]);
  }
  return {
    test: 'welch', ratio: s.ratio, ratioInterval: s.ratioCi ? { low: s.ratioCi.low, high: s.ratioCi.high, level: s.ratioCi.level } : null,
    logChange, se, df, p: s.welch.p, welchP: s.welch.p, mannWhitneyP: s.mannWhitney.p,
    base: { mean: s.meanB, n: s.nB, stddev: s.stddevB }, head: { mean: s.meanA, n: s.nA, stddev: s.stddevA },
  };
}

/** Paired: per-round ratios head/base of cells measured in the same rounds of one run. */
function pairedEstimate(p: Pending, notes: string[]): Estimate {
  const pairs = [...pairsByRound(p).values()];
  const b = pairs.map(([, x]) => x);
  const h = pairs.map(([x]) => x);
  const base = side(b.length ? b : p.base.values);
  const head = side(h.length ? h : p.head.values);
  if (pairs.length === 0 || pairs.some(([x, y]) => !(x > 0 && y > 0))) {
    notes.push(`${p.cell} ${p.metric}: no rounds with positive values on both sides; not tested`);
    return { test: 'paired', ratio: base.mean === 0 ? null : head.mean / base.mean, ratioInterval: null, logChange: null, se: null, df: null, p: null, welchP: null, mannWhitneyP: null, base, head, pairs: pairs.length };
  }
  const r = pairedLogRatio(h, b);
  return {
    test: 'paired', ratio: r.ratio, ratioInterval: r.low === null || r.high === null ? null : { low: r.low, high: r.high, level: 0.95 },
    logChange: worseSign(p.direction) * Math.log(r.ratio), se: r.n >= 2 ? r.se : null, df: r.n >= 2 ? r.df : null,
    p: r.p, welchP: null, mannWhitneyP: null, base, head, pairs: r.n,
  };
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
 * combines every tested cell (see suiteComparisons).
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

  const estimates = pending.map((p) => (constant(p.base.values) && constant(p.head.values) ? exactEstimate(p)
    : design === 'paired' ? pairedEstimate(p, notes) : welchEstimate(p, alpha)));
  const tested = estimates.map((e, i) => (e.test !== 'exact' && e.p !== null ? i : -1)).filter((i) => i >= 0);
  const adjustedTested = holm(tested.map((i) => estimates[i]!.p as number));
  const adjusted = new Map(tested.map((i, k) => [i, adjustedTested[k]!]));
  // the per-cell MDE is stated at the strictest Holm step (alpha / family size): what a cell alone is sure to show
  const cellAlpha = alpha / Math.max(1, tested.length);
  const limit = maxRegression / 100;

  const comparisons: MetricComparison[] = pending.map((p, i) => {
    const e = estimates[i]!;
    const adjustedP = adjusted.get(i) ?? null;
    const change = e.ratio === null ? null : p.direction === 'higher' ? 1 - e.ratio : e.ratio - 1;
    const decided = e.test === 'exact' || (adjustedP !== null && adjustedP < alpha);
    const verdict: Verdict = change !== null && decided && change > limit ? 'regression'
      : change !== null && decided && -change > limit ? 'improvement'
      : 'same';
    const def = metricDefinition(p.metric);
    const mde = e.test === 'exact' ? maxRegression / 100
      : e.se === null || e.df === null || opts.mde === false ? null : finiteOrNull(minimumDetectableChange(e.se, e.df, cellAlpha, maxRegression, p.direction));
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
      mde,
      ...(e.test === 'exact' ? { outputsChanged: p.base.values[0] !== p.head.values[0] } : {}),
      verdict,
    };
  });
  for (const c of comparisons) {
    if (c.outputsChanged) notes.push(`outputs changed: ${c.cell} ${c.metric} was exactly ${formatExact(c.base.mean)} on every ${names.base} trial and is exactly ${formatExact(c.head.mean)} on every ${names.head} trial (a deterministic metric: the engine now decodes differently)`);
  }
  if (only) {
    const seen = new Set(base.cells.concat(head.cells).flatMap((c) => Object.keys(c.metrics)));
    for (const id of only) if (!seen.has(id)) notes.push(`metric ${id} appears in neither side; not compared`);
  }

  const suite = suiteComparisons(pending, estimates, comparisons, { design, alpha, maxRegression, mde: opts.mde !== false }, notes);
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
    comparisons,
    suite,
    counts,
  };
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const formatExact = (x: number) => String(Number(x.toPrecision(6)));

/**
 * Suite-level verdicts, one per metric: the geometric mean of the cells' ratios (the mean of their
 * log ratios), so a slowdown that every cell shows a little of is seen even where no single cell
 * is significant. Its interval:
 *  - unpaired: the cells are independent samples, so var(mean log ratio) = sum(se_i^2) / k^2 with
 *    Welch-Satterthwaite degrees of freedom over the cells' components;
 *  - paired: per round, the mean over cells of log(head/base); the rounds are the independent
 *    replicates (cells of one round share the machine's state, so they are not treated as
 *    independent), tested with a one-sample t over rounds.
 * Exactly constant metrics are combined without a test (change in outputs). The suite-level
 * verdicts form their own Holm family (one member per metric).
 */
function suiteComparisons(pending: Pending[], estimates: Estimate[], cells: MetricComparison[], o: { design: Design; alpha: number; maxRegression: number; mde: boolean }, notes: string[]): SuiteComparison[] {
  const byMetric = new Map<string, number[]>();
  pending.forEach((p, i) => {
    const list = byMetric.get(p.metric) ?? [];
    list.push(i);
    byMetric.set(p.metric, list);
  });
  const out: (SuiteComparison & { rawP: number | null; se: number | null; df: number | null })[] = [];
  for (const [metric, idx] of byMetric) {
    const direction = pending[idx[0]!]!.direction;
    const usable = idx.filter((i) => estimates[i]!.logChange !== null);
    if (usable.length === 0) continue;
    const exact = usable.every((i) => estimates[i]!.test === 'exact');
    const withSe = usable.filter((i) => estimates[i]!.test !== 'exact' && estimates[i]!.se !== null);
    let logChange: number;
    let se: number | null = null;
    let df: number | null = null;
    let rawP: number | null = null;
    let cellsUsed: number;
    let method: string;
    if (exact) {
      cellsUsed = usable.length;
      logChange = usable.reduce((a, i) => a + (estimates[i]!.logChange as number), 0) / cellsUsed;
      method = 'geometric mean of exact per-cell ratios (no test: the metric is constant on both sides)';
    } else if (o.design === 'unpaired') {
      if (withSe.length === 0) continue;
      cellsUsed = withSe.length;
      const k = cellsUsed;
      logChange = withSe.reduce((a, i) => a + (estimates[i]!.logChange as number), 0) / k;
      const comps = withSe.map((i) => ({ variance: (estimates[i]!.se as number) ** 2 / (k * k), df: estimates[i]!.df as number }));
      se = Math.sqrt(comps.reduce((a, c) => a + c.variance, 0));
      df = satterthwaite(comps);
      method = `geometric mean of ${k} cells' ratios; interval from the cells' independent standard errors (Welch-Satterthwaite df)`;
    } else {
      const rounds = pairedSuiteRounds(withSe.map((i) => pending[i]!));
      if (rounds.length === 0) {
        notes.push(`suite ${metric}: no round has every cell on both sides; no suite-level test`);
        continue;
      }
      cellsUsed = withSe.length;
      const perRound = rounds.map((r) => worseSign(direction) * r);
      const n = perRound.length;
      logChange = perRound.reduce((a, b) => a + b, 0) / n;
      if (n >= 2) {
        const sd = Math.sqrt(perRound.reduce((a, b) => a + (b - logChange) ** 2, 0) / (n - 1));
        se = sd / Math.sqrt(n);
        df = n - 1;
      }
      method = `per round, the mean over ${cellsUsed} cells of log(head/base); one-sample t over ${n} rounds`;
    }
    if (!exact && se !== null && df !== null) {
      rawP = se === 0 ? (logChange === 0 ? 1 : 0) : Math.min(1, 2 * tSf(Math.abs(logChange) / se, df));
    }
    const ratio = Math.exp(worseSign(direction) * logChange);
    const half = se !== null && df !== null && se > 0 ? tQuantile(0.975, df) * se : 0;
    const ratioInterval = exact || se !== null ? {
      low: Math.exp(worseSign(direction) * logChange - half), high: Math.exp(worseSign(direction) * logChange + half), level: 0.95,
    } : null;
    out.push({
      metric, label: cells[idx[0]!]!.label, direction, cells: cellsUsed, method, test: exact ? 'exact' : o.design === 'paired' ? 'paired' : 'welch',
      ratio, ratioInterval: ratioInterval && { low: Math.min(ratioInterval.low, ratioInterval.high), high: Math.max(ratioInterval.low, ratioInterval.high), level: 0.95 },
      change: direction === 'higher' ? 1 - ratio : ratio - 1, p: rawP, adjustedP: null,
      mde: exact ? o.maxRegression / 100 : null, verdict: 'same', rawP, se, df,
    });
  }
  const tested = out.filter((s) => s.rawP !== null);
  const adj = holm(tested.map((s) => s.rawP as number));
  tested.forEach((s, k) => { s.adjustedP = adj[k]!; });
  const limit = o.maxRegression / 100;
  for (const s of out) {
    const decided = s.test === 'exact' || (s.adjustedP !== null && s.adjustedP < o.alpha);
    s.verdict = decided && s.change > limit ? 'regression' : decided && -s.change > limit ? 'improvement' : 'same';
    // stated at the strictest Holm step of the suite family, as for cells
    if (o.mde && s.test !== 'exact' && s.se !== null && s.df !== null) s.mde = finiteOrNull(minimumDetectableChange(s.se, s.df, o.alpha / Math.max(1, tested.length), o.maxRegression, s.direction));
  }
  return out.map(({ rawP: _rawP, se: _se, df: _df, ...s }) => s);
}

/**
 * Paired suite-level replicates: for every round in which every listed cell has a value on both
 * sides, the mean over cells of ln(head / base).
 */
function pairedSuiteRounds(cells: Pending[]): number[] {
  const perCell = cells.map((p) => {
    const out = new Map<number, number>();
    for (const [r, [h, b]] of pairsByRound(p)) if (b > 0 && h > 0) out.set(r, Math.log(h / b));
    return out;
  });
  if (perCell.length === 0) return [];
  const rounds = [...perCell[0]!.keys()].filter((r) => perCell.every((m) => m.has(r))).sort((a, b) => a - b);
  return rounds.map((r) => perCell.reduce((a, m) => a + (m.get(r) as number), 0) / perCell.length);
}
