// The engine launch as the unit of a comparison across runs. A fresh engine process runs faster or
// slower than another launch of the same engine by a margin of its own (placement, not code) for
// as long as it lives, so the trials one launch ran share that offset and are not independent
// replicates. Across runs:
//   - a cell's values are averaged per launch first, and the launch means are the sample
//     (launchMeans); where every trial had a launch of its own (engineLifetime: round, the
//     default), that is the per-trial values unchanged;
//   - the suite-level figure takes as replicates the sets of launches that ran together, each
//     round's launches (launchSets, combineLaunchSets): every cell of a draft shares its launch,
//     and every draft of a round shares the machine's state that round, so cells are not
//     independent either;
//   - where a side ran all of a cell's trials on one launch, launch-to-launch variance cannot be
//     estimated from it, and the caller says the verdict is provisional.
// launchVariance is the one-way random-effects split of the spread into between launches and
// within a launch, for runs that have several launches with several trials each.
import { mean } from './sample.ts';
import { sampleSd } from './intervals.ts';
import { satterthwaite } from './decision-power.ts';
import { suiteEstimate, type Sample, type SuiteEstimate } from './comparison.ts';
import type { Direction } from './compare.ts';

/** A sample with the engine launch of each value (absent: not known). */
export interface LaunchSample extends Sample {
  launches?: readonly string[];
}

/** How many launches the sample's values came from; null when the launches are not known. */
export function launchCount(s: LaunchSample): number | null {
  if (!s.launches || s.launches.length !== s.values.length) return null;
  return new Set(s.launches).size;
}

/**
 * The mean of each launch's values, in order of first appearance, with the launch's first round
 * (so the sample can still be listed by round). Null when the launches are not known.
 */
export function launchMeans(s: LaunchSample): { values: number[]; rounds?: number[]; launches: string[] } | null {
  if (launchCount(s) === null) return null;
  const order: string[] = [];
  const byLaunch = new Map<string, { sum: number; n: number; round?: number }>();
  s.values.forEach((v, i) => {
    // launchCount checked that launches lines up with values
    const l = s.launches![i]!;
    const g = byLaunch.get(l);
    if (g) { g.sum += v; g.n += 1; return; }
    order.push(l);
    byLaunch.set(l, { sum: v, n: 1, ...(s.rounds?.[i] !== undefined ? { round: s.rounds[i] } : {}) });
  });
  const groups = order.map((l) => byLaunch.get(l)!);
  const rounds = groups.flatMap((g) => (g.round === undefined ? [] : [g.round]));
  return { values: groups.map((g) => g.sum / g.n), ...(rounds.length === groups.length ? { rounds } : {}), launches: order };
}

/** Launch spread on the log scale: standard deviations between launches and within a launch. */
export interface LaunchVariance {
  /** launches, and trials over them, that entered the estimate */
  launches: number;
  trials: number;
  /** SD of the launch offsets (log scale, ~ relative spread); 0 when the launches differ no more than their trials do */
  between: number;
  /** SD of trials around their launch's mean (log scale) */
  within: number;
}

/**
 * One-way random-effects estimate (ANOVA method of moments), pooled over cells: each cell is a
 * list of launches, each launch the log values of its trials. Cells keep their own means; between
 * = sqrt(max(0, (MS_between - MS_within) / n0)) with n0 the pooled effective trials per launch.
 * Null unless some cell has 2 launches and some launch 2 trials (otherwise the two parts cannot
 * be told apart).
 */
export function launchVariance(cells: readonly (readonly (readonly number[])[])[]): LaunchVariance | null {
  let ssb = 0, ssw = 0, dfb = 0, dfw = 0, n0num = 0, launches = 0, trials = 0;
  for (const groups of cells) {
    const gs = groups.filter((g) => g.length > 0);
    const n = gs.reduce((a, g) => a + g.length, 0);
    if (gs.length < 1 || n < 2) continue;
    const grand = gs.reduce((a, g) => a + g.reduce((x, y) => x + y, 0), 0) / n;
    for (const g of gs) {
      const m = mean(g);
      ssb += g.length * (m - grand) ** 2;
      ssw += g.reduce((a, x) => a + (x - m) ** 2, 0);
    }
    dfb += gs.length - 1;
    dfw += n - gs.length;
    n0num += n - gs.reduce((a, g) => a + g.length ** 2, 0) / n;
    launches += gs.length;
    trials += n;
  }
  if (dfb < 1 || dfw < 1) return null;
  const msb = ssb / dfb, msw = ssw / dfw, n0 = n0num / dfb;
  return { launches, trials, between: Math.sqrt(Math.max(0, (msb - msw) / n0)), within: Math.sqrt(msw) };
}

/** The launch variance of one side's cells (values logged, grouped by launch); null as launchVariance, or when a launch is unknown or a value not positive. */
export function sideLaunchVariance(cells: readonly LaunchSample[]): LaunchVariance | null {
  const grouped: number[][][] = [];
  for (const s of cells) {
    if (launchCount(s) === null || s.values.some((v) => !(v > 0))) return null;
    const by = new Map<string, number[]>();
    s.values.forEach((v, i) => {
      const l = s.launches![i]!;
      const g = by.get(l);
      if (g) g.push(Math.log(v)); else by.set(l, [Math.log(v)]);
    });
    grouped.push([...by.values()]);
  }
  return launchVariance(grouped);
}

/**
 * One side's launch sets: rounds joined whenever a launch ran trials in both (engineLifetime:
 * run joins them all), so no launch spans two sets. Returns round -> set index; null when a
 * sample lacks rounds or launches.
 */
export function launchSets(samples: readonly LaunchSample[]): Map<number, number> | null {
  const parent = new Map<number, number>();
  const find = (r: number): number => {
    let x = r;
    while (parent.get(x) !== x) x = parent.get(x)!;
    parent.set(r, x);
    return x;
  };
  const firstRound = new Map<string, number>();
  for (const s of samples) {
    if (!s.rounds || s.rounds.length !== s.values.length || launchCount(s) === null) return null;
    s.rounds.forEach((r, i) => {
      if (!parent.has(r)) parent.set(r, r);
      const l = s.launches![i]!;
      const other = firstRound.get(l);
      if (other === undefined) firstRound.set(l, r);
      else {
        const [a, b] = [find(r), find(other)];
        if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
      }
    });
  }
  const index = new Map<number, number>();
  const roots = [...new Set([...parent.keys()].map(find))].sort((a, b) => a - b);
  for (const r of parent.keys()) index.set(r, roots.indexOf(find(r)));
  return index;
}

/**
 * One side's replicates for the suite: per launch set, the mean over cells of log(the cell's
 * mean in that set). A set that misses a cell, or holds a value that is not positive, is left
 * out. Null when launches or rounds are not known.
 */
export function launchSetReplicates(samples: readonly LaunchSample[]): number[] | null {
  const sets = launchSets(samples);
  if (sets === null) return null;
  const count = new Set(sets.values()).size;
  const out: number[] = [];
  for (let j = 0; j < count; j++) {
    let sum = 0, complete = true;
    for (const s of samples) {
      const vs = s.values.filter((_, i) => sets.get(s.rounds![i]!) === j);
      if (vs.length === 0 || vs.some((v) => !(v > 0))) { complete = false; break; }
      sum += Math.log(mean(vs));
    }
    if (complete) out.push(sum / samples.length);
  }
  return out;
}

/**
 * The suite across runs with the launch as the unit. The figure is the geometric mean of the
 * cells' ratios, as combineCells states it (each cell's `logChange`, worse direction); its
 * standard error comes from the launch sets: per side, the launch sets' replicates
 * (launchSetReplicates), whose means differ by about that log change, with Welch's variance and
 * Welch-Satterthwaite df. Returns the estimate, or why there is none: 'unknown' (a side's
 * launches or rounds are not recorded) or 'one-set' (a side has fewer than 2 complete launch
 * sets: its launch-to-launch variance is not estimated).
 */
export function combineLaunchSets(cells: readonly { head: LaunchSample; base: LaunchSample; logChange: number }[], direction: Direction): SuiteEstimate | { missing: 'unknown' | 'one-set'; side: 'base' | 'head' } | null {
  if (cells.length === 0) return null;
  const reps = { base: launchSetReplicates(cells.map((c) => c.base)), head: launchSetReplicates(cells.map((c) => c.head)) };
  for (const side of ['base', 'head'] as const) if (reps[side] === null) return { missing: 'unknown', side };
  for (const side of ['base', 'head'] as const) if (reps[side]!.length < 2) return { missing: 'one-set', side };
  const b = reps.base!, h = reps.head!;
  const vb = sampleSd(b) ** 2 / b.length, vh = sampleSd(h) ** 2 / h.length;
  const logChange = cells.reduce((a, c) => a + c.logChange, 0) / cells.length;
  const df = satterthwaite([{ variance: vb, df: b.length - 1 }, { variance: vh, df: h.length - 1 }]);
  const method = `geometric mean of ${cells.length} cells' ratios; interval over launch sets (per round, the mean over the cells of log(value): cells that share an engine launch are not independent), Welch over ${b.length} and ${h.length} launch sets`;
  // the two sides' variances as the MDE's components: their df are drawn with them (decision-power.ts)
  return suiteEstimate('welch', cells.length, method, logChange, Math.sqrt(vb + vh), df, direction, [[{ variance: vb, df: b.length - 1 }, { variance: vh, df: h.length - 1 }]]);
}
