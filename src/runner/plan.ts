// Which cells a suite has, and the order trials visit them. Cells that share an engine and
// draft run in one engine process per round; rounds visit those groups in an order shuffled
// with the suite's seed, so slow drift of the machine does not land on one cell.
import type { Draft, Engine, Suite } from '../suite/types.ts';
import { cellId } from '../result/schema.ts';
import { mulberry32 } from '../stats/random.ts';

export interface PlannedCell {
  id: string;
  engine: Engine;
  engineName: string;
  draft: Draft;
  dataset: string;
  temperature: number;
}

export interface CellGroup {
  /** engine/draft */
  key: string;
  engine: Engine;
  draft: Draft;
  cells: PlannedCell[];
}

export const engineDisplayName = (e: Engine) => e.label ?? e.name;

export function planCells(suite: Suite): CellGroup[] {
  const groups: CellGroup[] = [];
  for (const engine of suite.engines) {
    const engineName = engineDisplayName(engine);
    for (const draft of suite.drafts) {
      const cells: PlannedCell[] = [];
      for (const ds of suite.datasets) {
        for (const temperature of suite.settings.temperatures) {
          cells.push({ id: cellId(engineName, draft.name, ds.name, temperature), engine, engineName, draft, dataset: ds.name, temperature });
        }
      }
      groups.push({ key: `${engineName}/${draft.name}`, engine, draft, cells });
    }
  }
  return groups;
}

/** Deterministic Fisher-Yates shuffle seeded by (suite seed, round). */
export function shuffled<T>(items: readonly T[], seed: number, round: number): T[] {
  const rng = mulberry32((seed * 1_000_003 + round * 7919) >>> 0);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The order a round visits the groups: drafts in a shuffled order and, for each draft, its
 * engines back to back, so the cells a paired comparison of two engines (gate --pair) sets
 * against each other run seconds apart, not a whole round apart. The engines' order is
 * balanced, not drawn: one shuffled order, rotated one place every other round and reversed
 * every second round (A B, B A, B A, A B, ... for two engines; all six orders of three in six
 * rounds), so over the rounds each engine goes first, and before each other, equally often.
 * Going first is not neutral (the first engine launched waits while the others start), and
 * with a drawn order a fixed seed could hand one engine that place in most rounds of every run.
 */
export function roundOrder(groups: readonly CellGroup[], seed: number, round: number): CellGroup[] {
  const names = [...new Set(groups.map((g) => g.draft.name))];
  const drafts = shuffled(names, seed, round);
  return drafts.flatMap((d) => balancedOrder(shuffled(groups.filter((g) => g.draft.name === d), seed, names.indexOf(d) + 1), round));
}

/** `items` rotated by floor((round - 1) / 2) places, reversed on even rounds. */
export function balancedOrder<T>(items: readonly T[], round: number): T[] {
  const k = items.length;
  if (k < 2) return items.slice();
  const shift = Math.floor((round - 1) / 2) % k;
  const rotated = [...items.slice(shift), ...items.slice(0, shift)];
  return round % 2 === 0 ? rotated.reverse() : rotated;
}

/** A request's sampling seed: the same for every draft, so cells differ only in the method. */
export function requestSeed(suiteSeed: number, dataset: string, temperature: number, promptId: string, turn: number, trial: number): number {
  let h = 2166136261 ^ suiteSeed;
  for (const ch of `${dataset}|${temperature}|${promptId}|${turn}|${trial}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}
