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
 * engines back to back in a shuffled order, so the cells a paired comparison of two engines
 * (gate --pair) sets against each other run seconds apart, not a whole round apart.
 */
export function roundOrder(groups: readonly CellGroup[], seed: number, round: number): CellGroup[] {
  const drafts = shuffled([...new Set(groups.map((g) => g.draft.name))], seed, round);
  return drafts.flatMap((d, i) => shuffled(groups.filter((g) => g.draft.name === d), seed, round * 101 + i + 1));
}

/** A request's sampling seed: the same for every draft, so cells differ only in the method. */
export function requestSeed(suiteSeed: number, dataset: string, temperature: number, promptId: string, turn: number, trial: number): number {
  let h = 2166136261 ^ suiteSeed;
  for (const ch of `${dataset}|${temperature}|${promptId}|${turn}|${trial}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}
