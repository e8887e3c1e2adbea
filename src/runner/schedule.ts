// Scheduling: the order a round runs its cells in, and the two ways of running them
// (settings.interleave), behind one interface (run.ts picks one per run):
//   - trial (schedule-trial.ts): one engine at a time, each running one trial of each of its cells;
//   - request (schedule-request.ts): the engines of one draft up together, each trial taken by
//     all of them at once, prompt by prompt in turn.
// Either way the groups come in roundOrder (drafts shuffled, each draft's engines in a balanced
// order) and each group's cells in one shuffled order per draft, so interleaved engines take the
// same slots in turn.
import { roundOrder, shuffled, type CellGroup, type PlannedCell } from './plan.ts';
import type { TrialExecutor } from './executor.ts';
import type { EngineLeases } from './leases.ts';
import type { RunSession } from './session.ts';

/** One engine/draft group of a round and the cells that still want this round's trial, in the order they run. */
export interface RoundGroup {
  group: CellGroup;
  cells: PlannedCell[];
}

/** What a strategy works with: the run, its engines and its trial executor. */
export interface StrategyContext {
  session: RunSession;
  leases: EngineLeases;
  executor: TrialExecutor;
}

export interface ScheduleStrategy {
  /** Runs one round's trials of `groups` (in roundOrder; some may have no cells left), saving as it goes. Returns true if interrupted. */
  runRound(groups: RoundGroup[], round: number): Promise<boolean>;
}

/** The groups of round `round` in the order they run, each with its cells that `wants` a trial, in one shuffled order per draft. */
export function planRound(groups: readonly CellGroup[], seed: number, round: number, wants: (cell: PlannedCell) => boolean): RoundGroup[] {
  return roundOrder(groups, seed, round).map((group) => ({ group, cells: shuffled(group.cells, seed, round * 31 + 1).filter(wants) }));
}
