// interleave: trial. The groups of a round run one after the other, each on one engine process
// that runs one trial of each of its cells.
import type { RoundGroup, ScheduleStrategy, StrategyContext } from './schedule.ts';

export function trialStrategy(ctx: StrategyContext): ScheduleStrategy {
  return {
    async runRound(groups: RoundGroup[], round: number): Promise<boolean> {
      for (const g of groups) {
        if (g.cells.length === 0) continue;
        const interrupted = await runGroup(ctx, g, round);
        ctx.session.save();
        if (interrupted) return true;
      }
      return false;
    },
  };
}

/** One engine process for one engine/draft, running one trial of each listed cell. Returns true if interrupted. */
async function runGroup({ session, leases, executor }: StrategyContext, { group, cells }: RoundGroup, round: number): Promise<boolean> {
  const lease = await leases.open(group, cells[0]);
  if (!lease) return true;
  try {
    for (const [i, pc] of cells.entries()) {
      if (session.aborted) return true;
      const engine = await leases.ensure(lease, cells.slice(i), round);
      if (engine === 'interrupted') return true;
      if (engine === 'failed') return false;
      if (await executor.runOne(lease, engine, pc, round)) return true;
      session.save();
    }
    return false;
  } finally {
    await leases.close(lease);
  }
}
