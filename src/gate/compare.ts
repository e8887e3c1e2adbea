// Compares two runs (results or baselines) cell by cell: per metric with a direction, the ratio
// head/base with its 95% interval, Welch and Mann-Whitney p on the per-trial values, and a verdict
// against the tolerance: a regression (improvement) only when a one-sided test shows the change
// beyond the tolerance in the worse (better) direction, Holm-adjusted over every comparison, so a
// true change within the tolerance is called one at most alpha of the time. Also lists what makes
// the pair not comparable (different hardware or settings, missing or failed cells) and the cells
// with too few trials to judge; the caller decides what that means.
import { DEFAULT_ALPHA, combineCells, compare, detectableChange, pairRounds, type ComparedCell, type ComparisonTest, type Design, type Estimate, type SideSummary, type SuiteEstimate } from '../stats/comparison.ts';
import { holm } from '../stats/tests.ts';
import { beyondP, improvementThresholdLog, thresholdLog } from '../stats/decision-power.ts';
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
  /** two-sided p of no change (Welch or paired t), for information; null for exact metrics */
  p: number | null;
  /** unpaired only: Welch's p (= p) and Mann-Whitney's p, a distribution-free cross-check */
  welchP: number | null;
  mannWhitneyP: number | null;
  /**
   * the decision's p: one-sided, that the change exceeds the tolerance in the direction the
   * estimate points (worse when change >= 0, else better); null for exact and untested metrics
   */
  pBeyond: number | null;
  /** pBeyond Holm-adjusted over every tested comparison of the report, in its direction's family (exact metrics are not in it) */
  adjustedP: number | null;
  /**
   * minimum detectable effect: the true change in the worse direction (0.05 = 5%) this comparison
   * shows as a regression with 80% power, given its variance and trials, at the strictest Holm step
   * (alpha / family size); above the tolerance; null when there is no variance estimate
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
  /** two-sided p of no change, for information */
  p: number | null;
  /** one-sided p that the change exceeds the tolerance in the direction the estimate points */
  pBeyond: number | null;
  /** pBeyond, Holm over the suite-level comparisons (one per metric) */
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

/** A cell with too few trials to judge (fewer than 2 on a side, or, paired, fewer than 2 shared rounds). */
export interface ShortCell {
  cell: string;
  /** trials with a value, fewest over the cell's metrics, per side */
  base: number;
  head: number;
  /** paired: rounds with a value on both sides (fewest over the metrics) */
  pairs?: number;
  /** e.g. "vanilla/chat/T0 has 1 trial per side" */
  message: string;
}

/** Trials a comparison needs per side (paired: shared rounds) for a variance to test against. */
export const MIN_TRIALS = 2;

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
  /** false when some cell has too few trials to judge: its verdict would be 'same' whatever the data */
  judgeable: boolean;
  tooFewTrials: ShortCell[];
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
 *   verdict 'regression' when the one-sided t test of "the true log change exceeds the tolerance
 *     (maxRegression%) in the worse direction" rejects at Holm-adjusted p < alpha, 'improvement'
 *     by the mirror test in the better direction (its own Holm family), else 'same'.
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
  const suiteEstimates = combineByMetric(pending, compared, design, notes, provisional);
  const family = judge(pending, compared, suiteEstimates, { alpha, maxRegression });
  const comparisons = cellComparisons(pending, compared.map((c) => c.estimate), family, { maxRegression, mde: opts.mde !== false });
  if (design === 'unpaired') comparisons.forEach((c, i) => { if (c.test !== 'exact') c.replicates = units[i]; });
  const tooFewTrials = shortCells(compared, pending, design, names);
  for (const c of comparisons) {
    if (c.outputsChanged) notes.push(`outputs changed: ${c.cell} ${c.metric} was exactly ${formatExact(c.base.mean)} on every ${names.base} trial and is exactly ${formatExact(c.head.mean)} on every ${names.head} trial (a deterministic metric: the engine now decodes differently)`);
  }
  if (only) {
    const seen = new Set(base.cells.concat(head.cells).flatMap((c) => Object.keys(c.metrics)));
    for (const id of only) if (!seen.has(id)) notes.push(`metric ${id} appears in neither side; not compared`);
  }

  const suite = suiteComparisons(suiteEstimates, comparisons, family, { maxRegression, mde: opts.mde !== false });
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
    judgeable: tooFewTrials.length === 0,
    tooFewTrials,
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
      pending.push({ cell: b.id, metric: id, base: bm, head: hm, direction });
    }
  }
  return pending;
}

/** The two one-sided p's of a tested comparison against the tolerance: worse and better direction. */
interface ToleranceTest {
  worse: number;
  better: number;
}

/** Every decision of a report, cells and suite together: adjusted p's per direction and the levels MDEs are stated at. */
interface Family {
  cells: (ToleranceTest | null)[];
  suite: (ToleranceTest | null)[];
  /** Holm-adjusted, by member (cells first, then suite entries), against the whole alpha */
  worse: Map<number, number>;
  better: Map<number, number>;
  /** the strictest step a cell and a suite entry face: alpha times its weight */
  cellAlpha: number;
  suiteAlpha: number;
  alpha: number;
}

/**
 * The report's decisions, cells and suite together, per direction: Holm over the tested cells at
 * half of alpha and Holm over the suite entries at the other half (all of it when there is only one
 * kind; adjusted p's are stated against the whole alpha). So a true change within the tolerance
 * everywhere makes the report call a regression at most alpha of the time, cells and suite
 * together, and neither half's decisions move the other's, so each member's MDE holds as stated.
 * A suite entry made of a single cell is that cell's test again and takes no share.
 */
function judge(pending: readonly Pending[], compared: readonly ComparedCell[], suite: readonly SuiteEntry[], o: { alpha: number; maxRegression: number }): Family {
  const cells = compared.map((c, i) => toleranceTests(c.estimate, pending[i]!.direction, o.maxRegression));
  const suiteTests = suite.map((s) => (s.estimate.cells >= 2 ? toleranceTests(s.estimate, s.direction, o.maxRegression) : null));
  const nc = cells.filter((t) => t !== null).length;
  const ns = suiteTests.filter((t) => t !== null).length;
  const share = nc > 0 && ns > 0 ? 0.5 : 1;
  const worse = new Map<number, number>();
  const better = new Map<number, number>();
  const adjust = (tests: readonly (ToleranceTest | null)[], offset: number) => {
    const idx = tests.flatMap((t, i) => (t === null ? [] : [i]));
    for (const side of ['worse', 'better'] as const) {
      const adj = holm(idx.map((i) => tests[i]![side]));
      idx.forEach((i, k) => (side === 'worse' ? worse : better).set(offset + i, Math.min(1, adj[k]! / share)));
    }
  };
  adjust(cells, 0);
  adjust(suiteTests, cells.length);
  return { cells, suite: suiteTests, worse, better, cellAlpha: (o.alpha * share) / Math.max(1, nc), suiteAlpha: (o.alpha * share) / Math.max(1, ns), alpha: o.alpha };
}

/** The decision's p, raw and adjusted, in the direction the estimate points; and the verdict. */
function decide(t: ToleranceTest | null, member: number, f: Family): { pBeyond: number | null; adjustedP: number | null; verdict: Verdict } {
  if (t === null) return { pBeyond: null, adjustedP: null, verdict: 'same' };
  const worse = f.worse.get(member)!;
  const better = f.better.get(member)!;
  const onWorse = t.worse <= t.better;
  return {
    pBeyond: onWorse ? t.worse : t.better,
    adjustedP: onWorse ? worse : better,
    verdict: worse < f.alpha ? 'regression' : better < f.alpha ? 'improvement' : 'same',
  };
}

/** Per-cell verdicts: tested ones from the family, exact metrics by their change alone. */
function cellComparisons(pending: readonly Pending[], estimates: readonly Estimate[], f: Family, o: { maxRegression: number; mde: boolean }): MetricComparison[] {
  return pending.map((p, i) => {
    const e = estimates[i]!;
    const change = e.ratio === null ? null : p.direction === 'higher' ? 1 - e.ratio : e.ratio - 1;
    const def = metricDefinition(p.metric);
    const d = decide(f.cells[i]!, i, f);
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
      pBeyond: d.pBeyond,
      adjustedP: d.adjustedP,
      // stated at the strictest step a cell faces: what a cell alone is sure to show
      mde: o.mde || e.test === 'exact' ? detectableChange(e, p.direction, f.cellAlpha, o.maxRegression) : null,
      ...(e.test === 'exact' ? { outputsChanged: p.base.values[0] !== p.head.values[0] } : {}),
      verdict: e.test === 'exact' ? exactVerdict(change, o.maxRegression) : d.verdict,
    };
  });
}

/** The two one-sided p's against the tolerance, worse and better; null for exact or untested estimates. */
function toleranceTests(e: { test: ComparisonTest; logChange: number | null; se: number | null; df: number | null }, direction: 'higher' | 'lower', maxRegression: number): ToleranceTest | null {
  if (e.test === 'exact' || e.logChange === null || e.se === null || e.df === null) return null;
  return {
    worse: beyondP(e.logChange, e.se, e.df, thresholdLog(maxRegression, direction)),
    better: beyondP(-e.logChange, e.se, e.df, improvementThresholdLog(maxRegression, direction)),
  };
}

/** Exact metrics: no noise to test against, so the change itself against the tolerance. */
function exactVerdict(change: number | null, maxRegression: number): Verdict {
  const limit = maxRegression / 100;
  return change !== null && change > limit ? 'regression' : change !== null && -change > limit ? 'improvement' : 'same';
}

/** Cells whose metrics have too few trials (paired: shared rounds) for any test, one entry per cell. */
function shortCells(compared: readonly ComparedCell[], pending: readonly Pending[], design: Design, names: { base: string; head: string }): ShortCell[] {
  const byCell = new Map<string, { base: number; head: number; pairs?: number }>();
  pending.forEach((p, i) => {
    const c = compared[i]!;
    const base = c.base.values.length;
    const head = c.head.values.length;
    // a side without rounds cannot pair at all: more trials would not help (compare notes it as untested)
    const pairs = design === 'paired' && c.head.rounds && c.base.rounds ? pairRounds(c.head, c.base).length : undefined;
    if (Math.min(base, head) >= MIN_TRIALS && (pairs === undefined || pairs >= MIN_TRIALS || c.estimate.test === 'exact')) return;
    const prev = byCell.get(p.cell);
    byCell.set(p.cell, {
      base: Math.min(prev?.base ?? base, base),
      head: Math.min(prev?.head ?? head, head),
      ...(pairs !== undefined ? { pairs: Math.min(prev?.pairs ?? pairs, pairs) } : {}),
    });
  });
  return [...byCell].map(([cell, n]) => {
    const trials = (k: number) => `${k} trial${k === 1 ? '' : 's'}`;
    const what = n.pairs !== undefined && Math.min(n.base, n.head) >= MIN_TRIALS
      ? `${n.pairs} round${n.pairs === 1 ? '' : 's'} measured by both ${names.base} and ${names.head}`
      : n.base === n.head ? `${trials(n.base)} per side` : `${trials(n.base)} in ${names.base} and ${n.head} in ${names.head}`;
    return { cell, ...n, message: `${cell} has ${what}` };
  });
}

/**
 * One line saying the comparison cannot be judged and what to change, or null when it can:
 * "NOT JUDGEABLE: cell X has 1 trial per side; run with trials >= 2 (settings.trials in the suite file)".
 */
export function notJudgeableLine(report: Pick<CompareReport, 'tooFewTrials' | 'base' | 'design'>): string | null {
  const short = report.tooFewTrials;
  if (short.length === 0) return null;
  const shown = short.slice(0, 3).map((s) => s.message).join('; ');
  const which = short.length === 1 ? `cell ${shown}` : `${short.length} cells have too few trials to test (${shown}${short.length > 3 ? '; ...' : ''})`;
  const baseline = report.base.kind === 'baseline' && short.some((s) => s.base < MIN_TRIALS) ? ', and re-save the baseline from such a run' : '';
  return `NOT JUDGEABLE: ${which}; run with trials >= ${MIN_TRIALS} (settings.trials in the suite file)${baseline}`;
}

const formatExact = (x: number) => String(Number(x.toPrecision(6)));

/** A metric's cells combined (stats/comparison.ts combineCells), with the cells it came from. */
interface SuiteEntry {
  metric: string;
  direction: 'higher' | 'lower';
  estimate: SuiteEstimate;
  /** indices into pending of the metric's cells */
  cells: number[];
}

/**
 * Per metric, the comparison core's combination of the metric's cells (the geometric mean of the
 * cells' ratios, tested over the cells' standard errors, unpaired, or over the rounds, paired).
 */
function combineByMetric(pending: readonly Pending[], compared: readonly ComparedCell[], design: Design, notes: string[], provisional: Provisional): SuiteEntry[] {
  const byMetric = new Map<string, number[]>();
  pending.forEach((p, i) => {
    const list = byMetric.get(p.metric) ?? [];
    list.push(i);
    byMetric.set(p.metric, list);
  });
  const out: SuiteEntry[] = [];
  for (const [metric, idx] of byMetric) {
    const direction = pending[idx[0]!]!.direction;
    let s: ReturnType<typeof combineCells>;
    if (design === 'unpaired') {
      // across runs, the replicates are launch sets, not cells (cells of one launch share its offset)
      const r = combineAcrossRuns(idx.map((i) => compared[i]!), idx.map((i) => pending[i]!), direction);
      if (r.gap) provisional.suite(r.gap);
      s = r.estimate;
    } else s = combineCells(design, idx.map((i) => compared[i]!), direction);
    if (s === null) continue;
    if ('untested' in s) {
      notes.push(`suite ${metric}: ${s.untested}`);
      continue;
    }
    out.push({ metric, direction, estimate: s, cells: idx });
  }
  return out;
}

/** Suite-level verdicts, one per metric, decided in the report's one family (see judge). */
function suiteComparisons(entries: readonly SuiteEntry[], cells: readonly MetricComparison[], f: Family, o: { maxRegression: number; mde: boolean }): SuiteComparison[] {
  return entries.map((entry, k) => {
    const s = entry.estimate;
    // a suite of one tested cell is that cell's test: its decision, not a second one
    const single = s.test !== 'exact' && s.cells < 2 ? entry.cells.find((i) => f.cells[i] !== null) : undefined;
    const d = single !== undefined ? decide(f.cells[single]!, single, f) : decide(f.suite[k]!, f.cells.length + k, f);
    const alpha = single !== undefined ? f.cellAlpha : f.suiteAlpha;
    return {
      metric: entry.metric, label: cells[entry.cells[0]!]!.label, direction: entry.direction, cells: s.cells, method: s.method, test: s.test,
      ratio: s.ratio, ratioInterval: s.ratioInterval, change: s.change, p: s.p, pBeyond: d.pBeyond, adjustedP: d.adjustedP,
      mde: o.mde || s.test === 'exact' ? detectableChange(s, entry.direction, alpha, o.maxRegression) : null,
      verdict: s.test === 'exact' ? exactVerdict(s.change, o.maxRegression) : d.verdict,
    };
  });
}
