// Across runs (compare A B, gate --baseline), the engine launch is the unit: a launch keeps a speed
// offset of its own for its whole life (8-30% on the 2-core VM), so trials of one launch are not
// independent, and neither are the cells that one launch ran. This module prepares what
// compareRuns hands the comparison core for the unpaired design:
//   - per cell, the values averaged per launch (stats/launches.ts launchMeans), tested with the
//     launches as n; where a side has one launch per cell, or does not say, the trials, and the
//     verdict is provisional;
//   - per metric, the suite-level figure over launch sets (combineLaunchSets), falling back to the
//     cells taken as independent, provisionally, where a side has fewer than 2 launch sets;
//   - the machine's state (the fairness audit's machine check): a different load, placement or
//     clock makes a cross-run verdict provisional too.
// The paired design (one run, both sides in the same rounds) needs none of it.
import { combineCells, type ComparedCell, type Sample, type SuiteEstimate } from '../stats/comparison.ts';
import { combineLaunchSets, launchCount, launchMeans, sideLaunchVariance, type LaunchSample, type LaunchVariance } from '../stats/launches.ts';
import type { Direction } from '../stats/compare.ts';
import { checkMachineState } from '../audit/machine.ts';
import type { Comparable } from './comparable.ts';

/** Why a side's launch-to-launch variance could not be estimated. */
export type LaunchGap = 'unknown' | 'one-launch';

/** What a cell's comparison is made on, and, where not on launches, why. */
export interface UnitChoice {
  samples: { head: Sample; base: Sample };
  replicates: 'launches' | 'trials';
  /** per side: why its launches could not be the unit */
  gaps: { base?: LaunchGap; head?: LaunchGap };
}

const gapOf = (s: LaunchSample): LaunchGap | undefined => {
  const n = launchCount(s);
  return n === null ? 'unknown' : n < 2 ? 'one-launch' : undefined;
};

/** A cell's samples with the launch as the unit where both sides have 2 launches or more, else its trials. */
export function launchUnit(base: LaunchSample, head: LaunchSample): UnitChoice {
  const gaps = { ...(gapOf(base) ? { base: gapOf(base) } : {}), ...(gapOf(head) ? { head: gapOf(head) } : {}) };
  const mb = launchMeans(base), mh = launchMeans(head);
  if (gaps.base === undefined && gaps.head === undefined && mb && mh) {
    return { samples: { base: mb, head: mh }, replicates: 'launches', gaps };
  }
  return { samples: { base, head }, replicates: 'trials', gaps };
}

/**
 * The suite-level estimate across runs: over launch sets where both sides have 2 or more, else
 * the cells taken as independent (combineCells) with the side whose launch variance is missing.
 * Cells all judged exactly go to combineCells as always.
 */
export function combineAcrossRuns(cells: readonly ComparedCell[], raw: readonly { base: LaunchSample; head: LaunchSample }[], direction: Direction): { estimate: SuiteEstimate | { untested: string } | null; gap?: { side: 'base' | 'head'; why: LaunchGap } } {
  const tested = cells.flatMap((c, i) => (c.estimate.test !== 'exact' && c.estimate.logChange !== null && c.estimate.se !== null ? [{ ...raw[i]!, logChange: c.estimate.logChange }] : []));
  if (tested.length > 0) {
    const s = combineLaunchSets(tested, direction);
    if (s !== null && !('missing' in s)) return { estimate: s };
    const fallback = combineCells('unpaired', cells, direction);
    return s === null ? { estimate: fallback } : { estimate: fallback, gap: { side: s.side, why: s.missing === 'unknown' ? 'unknown' : 'one-launch' } };
  }
  return { estimate: combineCells('unpaired', cells, direction) };
}

/** The launch spread of each side for one metric, where it can be estimated (several launches with several trials each). */
export function launchSpread(raw: readonly { base: LaunchSample; head: LaunchSample }[]): { base: LaunchVariance | null; head: LaunchVariance | null } {
  return { base: sideLaunchVariance(raw.map((r) => r.base)), head: sideLaunchVariance(raw.map((r) => r.head)) };
}

/** What makes a cross-run verdict provisional, gathered while comparing: short reasons for the headline, notes with the detail. */
export class Provisional {
  private readonly cellGaps = { base: new Map<LaunchGap, Set<string>>(), head: new Map<LaunchGap, Set<string>>() };
  private readonly suiteGaps = { base: new Set<LaunchGap>(), head: new Set<LaunchGap>() };
  private readonly machine: string[] = [];

  constructor(private readonly names: { base: string; head: string }) {}

  cell(cell: string, gaps: UnitChoice['gaps']): void {
    for (const side of ['base', 'head'] as const) {
      const why = gaps[side];
      if (!why) continue;
      const m = this.cellGaps[side];
      if (!m.has(why)) m.set(why, new Set());
      m.get(why)!.add(cell);
    }
  }

  suite(gap: { side: 'base' | 'head'; why: LaunchGap }): void {
    this.suiteGaps[gap.side].add(gap.why);
  }

  /** The fairness audit's machine-state findings for the two runs. */
  machineState(base: Comparable, head: Comparable): void {
    this.machine.push(...checkMachineState(base, head).map((f) => f.message));
  }

  /** Short reasons (empty: not provisional). */
  reasons(): string[] {
    const out: string[] = [];
    for (const side of ['base', 'head'] as const) {
      const whys = new Set([...this.cellGaps[side].keys(), ...this.suiteGaps[side]]);
      if (whys.has('unknown')) out.push(`launch-to-launch variance not estimated (${this.names[side]}: which launch ran each trial is not recorded)`);
      else if (whys.has('one-launch')) out.push(`launch-to-launch variance not estimated (${this.names[side]}: one engine launch per cell)`);
    }
    if (this.machine.length > 0) out.push('machine state differs between the runs (see the notes)');
    return out;
  }

  notes(): string[] {
    const out: string[] = [];
    for (const side of ['base', 'head'] as const) {
      const name = this.names[side];
      const unknown = this.cellGaps[side].get('unknown');
      const one = this.cellGaps[side].get('one-launch');
      if (unknown || this.suiteGaps[side].has('unknown')) {
        out.push(`provisional: ${name} does not record which engine launch ran each trial (an imported result, or a result or baseline from before launches were recorded), so launch-to-launch variance is not estimated and its trials are taken as independent -- rerun it, or save the baseline again from a new run`);
      } else if (one || this.suiteGaps[side].has('one-launch')) {
        const cells = one ? `${one.size} cell${one.size === 1 ? '' : 's'} ran` : 'the cells ran';
        out.push(`provisional: in ${name}, ${cells} every trial on one engine launch (engineLifetime: run), so launch-to-launch variance is not estimated: a launch runs faster or slower than another for as long as it lives, and its trials share that offset -- for a sound cross-run comparison relaunch every round (engineLifetime: round) or use the paired gate`);
      }
    }
    return [...out, ...this.machine.map((m) => `provisional: ${m}`)];
  }
}

/** "base throughput: launch-to-launch spread 7.9%, within a launch 3.1% (...)" for each side that has an estimate. */
export function spreadNotes(metric: string, spread: { base: LaunchVariance | null; head: LaunchVariance | null }, names: { base: string; head: string }): string[] {
  return (['base', 'head'] as const).flatMap((side) => {
    const v = spread[side];
    return v ? [`${names[side]} ${metric}: launch-to-launch spread ${(v.between * 100).toFixed(1)}%, within a launch ${(v.within * 100).toFixed(1)}% (one-way random effects over ${v.launches} launches, ${v.trials} trials; log scale)`] : [];
  });
}
