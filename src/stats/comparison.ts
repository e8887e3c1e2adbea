// The one comparison core: head against base for one metric, by the design the values were
// measured under, then the cells of a suite combined into one figure per metric. `compare`
// (cli), `gate`, the reports (speedups stored in result.json) and the runner's stopping rule
// all state their ratios, intervals, p-values and detectable effects through these functions.
//   - paired: both sides were measured in the same rounds of one run (a draft and its vanilla
//     cell, the two engines of a paired gate); each round's head/base ratio is one replicate,
//     tested with a one-sample t on their logs (pairedLogRatio);
//   - unpaired: two independent samples (a run against a baseline or another run); the ratio of
//     means with its delta-method interval, tested with Welch's t (compareSamples).
// Values are paired by round with pairRounds, the one pairing of the code base.
import { mean } from './sample.ts';
import { compareSamples, pairedLogRatio, type Direction } from './compare.ts';
import { minimumDetectableChange, satterthwaite, singleVariance, testDf, type VarianceGroups } from './decision-power.ts';
import { tQuantile, tSf } from './distributions.ts';
import { sampleSd } from './intervals.ts';
import { DEFAULT_ALPHA } from './alpha.ts';

export { DEFAULT_ALPHA };

/** unpaired: two runs (or a baseline); paired: measured round by round in one run */
export type Design = 'unpaired' | 'paired';
/**
 * How a metric was judged: 'welch' (independent per-trial samples, Welch's t on the values),
 * 'paired' (per-round ratios of values measured in the same rounds, one-sample t on their logs),
 * or 'exact' (constant on both sides: no test, any difference is a change in outputs).
 */
export type ComparisonTest = 'welch' | 'paired' | 'exact';

/** One side's per-trial values and, to pair them, the round (trial number) of each. */
export interface Sample {
  values: readonly number[];
  rounds?: readonly number[];
}

export interface SideSummary {
  mean: number;
  n: number;
  stddev: number;
}

export interface RatioBounds {
  low: number;
  high: number;
  level: number;
}

/** One metric of one cell, head against base, before any multiple-comparison adjustment. */
export interface Estimate {
  test: ComparisonTest;
  /** head / base: of the means (welch, exact) or the geometric mean of per-round ratios (paired); null when the base is 0 */
  ratio: number | null;
  /** 95% interval of the ratio; null with fewer than 2 values (or pairs) */
  ratioInterval: RatioBounds | null;
  /** log change in the metric's worse direction (> 0 worse) and its standard error, for combineCells */
  logChange: number | null;
  se: number | null;
  df: number | null;
  /** how se was estimated (its variance components and their df), for the MDE; null without se or when exact */
  variance: VarianceGroups | null;
  /** two-sided p of the test; null for exact and untested comparisons */
  p: number | null;
  /** unpaired only: Welch's p (= p) and Mann-Whitney's p, a distribution-free cross-check */
  welchP: number | null;
  mannWhitneyP: number | null;
  /** per side: over the paired rounds (paired) or every value */
  base: SideSummary;
  head: SideSummary;
  /** paired: rounds with a value on both sides */
  pairs?: number;
  /** paired: why there is no test (no rounds with positive values on both sides) */
  untested?: string;
}

export interface EstimateOptions {
  /** which way is better for the metric */
  direction: Direction;
  /** significance level handed to the Welch comparison (default DEFAULT_ALPHA) */
  alpha?: number;
  /** judge a metric exactly constant on both sides without a test (the gate's rule for deterministic metrics) */
  exact?: boolean;
}

export interface RoundPair {
  round: number;
  head: number;
  base: number;
}

/** Every round both sides measured, in head's order (a side without rounds pairs nothing). */
export function pairRounds(head: Sample, base: Sample): RoundPair[] {
  const baseByRound = new Map((base.rounds ?? []).map((r, i) => [r, base.values[i]]));
  const out: RoundPair[] = [];
  (head.rounds ?? []).forEach((round, i) => {
    const b = baseByRound.get(round);
    if (b !== undefined) out.push({ round, head: head.values[i], base: b });
  });
  return out;
}

/** The worse direction's sign on the log scale: a drop is worse for 'higher' metrics. */
export const worseSign = (direction: Direction) => (direction === 'higher' ? -1 : 1);

const side = (xs: readonly number[]): SideSummary => ({ mean: mean(xs), n: xs.length, stddev: sampleSd(xs) });

/** Every value of the sample is exactly the first (by value: a computed variance can be a rounding residue). */
const constant = (xs: readonly number[]) => xs.length >= 2 && xs.every((x) => x === xs[0]);

/**
 * Head against base under `design`. Both samples need at least one value. With `exact`, a metric
 * constant on both sides is compared without a test, whatever the design.
 */
export function compare(design: Design, samples: { head: Sample; base: Sample }, opts: EstimateOptions): Estimate {
  const { head, base } = samples;
  if (opts.exact && constant(base.values) && constant(head.values)) return exactEstimate(head, base, opts.direction);
  return design === 'paired' ? pairedEstimate(head, base, opts.direction) : welchEstimate(head, base, opts);
}

function exactEstimate(head: Sample, base: Sample, direction: Direction): Estimate {
  const b = base.values[0];
  const h = head.values[0];
  const ratio = b === 0 ? null : h / b;
  const logChange = b > 0 && h > 0 ? worseSign(direction) * Math.log(h / b) : null;
  return {
    test: 'exact', ratio, ratioInterval: ratio === null ? null : { low: ratio, high: ratio, level: 0.95 },
    logChange, se: 0, df: null, variance: null, p: null, welchP: null, mannWhitneyP: null, base: side(base.values), head: side(head.values),
  };
}

/** Unpaired: two independent samples of per-trial values. */
function welchEstimate(head: Sample, base: Sample, opts: EstimateOptions): Estimate {
  const s = compareSamples(head.values, base.values, { direction: opts.direction, alpha: opts.alpha ?? DEFAULT_ALPHA });
  let logChange: number | null = null;
  let se: number | null = null;
  let df: number | null = null;
  let variance: VarianceGroups | null = null;
  if (s.nA >= 2 && s.nB >= 2 && s.meanA > 0 && s.meanB > 0) {
    const ga = (s.stddevA * s.stddevA) / (s.nA * s.meanA * s.meanA);
    const gb = (s.stddevB * s.stddevB) / (s.nB * s.meanB * s.meanB);
    logChange = worseSign(opts.direction) * Math.log(s.meanA / s.meanB);
    se = Math.sqrt(ga + gb);
    variance = [[{ variance: ga, df: s.nA - 1 }, { variance: gb, df: s.nB - 1 }]];
    df = testDf(variance);
  }
  return {
    test: 'welch', ratio: s.ratio, ratioInterval: s.ratioCi ? { low: s.ratioCi.low, high: s.ratioCi.high, level: s.ratioCi.level } : null,
    logChange, se, df, variance, p: s.welch.p, welchP: s.welch.p, mannWhitneyP: s.mannWhitney.p,
    base: { mean: s.meanB, n: s.nB, stddev: s.stddevB }, head: { mean: s.meanA, n: s.nA, stddev: s.stddevA },
  };
}

/** Paired: per-round ratios head/base of values measured in the same rounds. */
function pairedEstimate(head: Sample, base: Sample, direction: Direction): Estimate {
  const pairs = pairRounds(head, base);
  const b = pairs.map((x) => x.base);
  const h = pairs.map((x) => x.head);
  const baseSide = side(b.length ? b : base.values);
  const headSide = side(h.length ? h : head.values);
  if (pairs.length === 0 || pairs.some((x) => !(x.head > 0 && x.base > 0))) {
    return {
      test: 'paired', ratio: baseSide.mean === 0 ? null : headSide.mean / baseSide.mean, ratioInterval: null, logChange: null, se: null, df: null, variance: null,
      p: null, welchP: null, mannWhitneyP: null, base: baseSide, head: headSide, pairs: pairs.length,
      untested: 'no rounds with positive values on both sides; not tested',
    };
  }
  const r = pairedLogRatio(h, b);
  return {
    test: 'paired', ratio: r.ratio, ratioInterval: r.low === null || r.high === null ? null : { low: r.low, high: r.high, level: 0.95 },
    logChange: worseSign(direction) * Math.log(r.ratio), se: r.n >= 2 ? r.se : null, df: r.n >= 2 ? r.df : null, variance: r.n >= 2 ? singleVariance(r.se, r.df) : null,
    p: r.p, welchP: null, mannWhitneyP: null, base: baseSide, head: headSide, pairs: r.n,
  };
}

/** One cell of a suite-level combination: its samples and what compare() made of them. */
export interface ComparedCell {
  head: Sample;
  base: Sample;
  estimate: Estimate;
}

/** A metric over the whole suite: the geometric mean of the cells' ratios, with its interval and test. */
export interface SuiteEstimate {
  test: ComparisonTest;
  /** cells combined */
  cells: number;
  /** how the ratio and its interval were formed, for reports */
  method: string;
  ratio: number;
  ratioInterval: RatioBounds | null;
  /** relative change in the worse direction (> 0 worse) */
  change: number;
  /** log change in the worse direction, its standard error and degrees of freedom */
  logChange: number;
  se: number | null;
  df: number | null;
  /** how se was estimated, for the MDE (see Estimate.variance) */
  variance: VarianceGroups | null;
  /** two-sided p of the suite-level test; null without one */
  p: number | null;
}

/**
 * The suite as a whole, for one metric: the geometric mean of the cells' ratios (the mean of their
 * log ratios), so a change every cell shows a little of is seen where no single cell is
 * significant. Its interval:
 *  - unpaired: the cells are independent samples, so var(mean log ratio) = sum(se_i^2) / k^2 with
 *    Welch-Satterthwaite degrees of freedom over the cells' components;
 *  - paired: per round, the mean over cells of log(head/base); the rounds are the independent
 *    replicates (cells of one round share the machine's state, so they are not treated as
 *    independent), tested with a one-sample t over rounds.
 * Cells all judged exactly are combined without a test. Returns null when no cell has a usable
 * ratio (or, unpaired, none a standard error), and `untested` with the reason when the paired
 * design finds no round to test.
 */
export function combineCells(design: Design, cells: readonly ComparedCell[], direction: Direction): SuiteEstimate | { untested: string } | null {
  const usable = cells.filter((c) => c.estimate.logChange !== null);
  if (usable.length === 0) return null;
  const withSe = usable.filter((c) => c.estimate.test !== 'exact' && c.estimate.se !== null);
  // only cells with a log change are averaged (usable, and withSe within it)
  // why the cast: usable cells have a log change
  const meanLog = (xs: readonly ComparedCell[]) => xs.reduce((a, c) => a + (c.estimate.logChange as number), 0) / xs.length;
  if (usable.every((c) => c.estimate.test === 'exact')) {
    return suiteEstimate('exact', usable.length, 'geometric mean of exact per-cell ratios (no test: the metric is constant on both sides)', meanLog(usable), null, null, direction);
  }
  if (design === 'unpaired') {
    if (withSe.length === 0) return null;
    const k = withSe.length;
    // withSe: se is set, and with it df and variance (a Welch or paired estimate sets all or none)
    const comps = withSe.map((c) => ({ variance: (c.estimate.se as number) ** 2 / (k * k), df: c.estimate.df as number }));
    const se = Math.sqrt(comps.reduce((a, c) => a + c.variance, 0));
    // for the MDE: each cell's own components, scaled into the mean (their df are drawn, not fixed)
    const groups: VarianceGroups = withSe.map((c) => (c.estimate.variance ?? []).flat().map((x) => ({ variance: x.variance / (k * k), df: x.df })));
    const method = `geometric mean of ${k} cells' ratios; interval from the cells' independent standard errors (Welch-Satterthwaite df)`;
    return suiteEstimate('welch', k, method, meanLog(withSe), se, satterthwaite(comps), direction, groups);
  }
  const rounds = pairedSuiteRounds(withSe);
  if (rounds.length === 0) return { untested: 'no round has every cell on both sides; no suite-level test' };
  const perRound = rounds.map((r) => worseSign(direction) * r);
  const n = perRound.length;
  const logChange = perRound.reduce((a, b) => a + b, 0) / n;
  const sd = n >= 2 ? Math.sqrt(perRound.reduce((a, b) => a + (b - logChange) ** 2, 0) / (n - 1)) : null;
  const method = `per round, the mean over ${withSe.length} cells of log(head/base); one-sample t over ${n} rounds`;
  const se = sd === null ? null : sd / Math.sqrt(n);
  return suiteEstimate('paired', withSe.length, method, logChange, se, se === null ? null : n - 1, direction, se === null ? null : singleVariance(se, n - 1));
}

/** A suite-level estimate from its log change (worse direction), standard error and df: p, ratio and interval. */
export function suiteEstimate(test: ComparisonTest, cells: number, method: string, logChange: number, se: number | null, df: number | null, direction: Direction, variance: VarianceGroups | null = null): SuiteEstimate {
  const p = test !== 'exact' && se !== null && df !== null ? (se === 0 ? (logChange === 0 ? 1 : 0) : Math.min(1, 2 * tSf(Math.abs(logChange) / se, df))) : null;
  const ratio = Math.exp(worseSign(direction) * logChange);
  const half = se !== null && df !== null && se > 0 ? tQuantile(0.975, df) * se : 0;
  const a = Math.exp(worseSign(direction) * logChange - half);
  const b = Math.exp(worseSign(direction) * logChange + half);
  const ratioInterval = test === 'exact' || se !== null ? { low: Math.min(a, b), high: Math.max(a, b), level: 0.95 } : null;
  return { test, cells, method, ratio, ratioInterval, change: direction === 'higher' ? 1 - ratio : ratio - 1, logChange, se, df, variance, p };
}

/**
 * Paired suite-level replicates: for every round in which every listed cell has a value on both
 * sides, the mean over cells of ln(head / base).
 */
function pairedSuiteRounds(cells: readonly ComparedCell[]): number[] {
  const perCell = cells.map((c) => {
    const out = new Map<number, number>();
    for (const x of pairRounds(c.head, c.base)) if (x.base > 0 && x.head > 0) out.set(x.round, Math.log(x.head / x.base));
    return out;
  });
  if (perCell.length === 0) return [];
  const rounds = [...perCell[0]!.keys()].filter((r) => perCell.every((m) => m.has(r))).sort((a, b) => a - b);
  // `rounds` holds only rounds every cell has
  return rounds.map((r) => perCell.reduce((a, m) => a + (m.get(r) as number), 0) / perCell.length);
}

/**
 * The minimum detectable effect of an estimate (a cell's or the suite's) as a relative change in
 * the worse direction: the true change the gate's rule (a one-sided test that the change exceeds
 * `maxRegressionPct`, at level `alpha`) shows with 80% power, the df the test estimates included.
 * Exact comparisons detect anything beyond the threshold; null without a variance estimate.
 */
export function detectableChange(e: { test: ComparisonTest; se: number | null; df: number | null; variance: VarianceGroups | null }, direction: Direction, alpha: number, maxRegressionPct: number): number | null {
  if (e.test === 'exact') return maxRegressionPct / 100;
  if (e.se === null || e.df === null) return null;
  const m = minimumDetectableChange(e.variance ?? singleVariance(e.se, e.df), alpha, maxRegressionPct, direction);
  return Number.isFinite(m) ? m : null;
}
