// interleave: request. The engines of one draft, up together, run each cell's trial at once,
// taking its prompts in turn (A B B A ...), so whatever the machine does within a trial lands on
// every engine. All of a draft's engines are launched first, then warmed up in turn just before
// the trials, so none has sat idle while the others started.
import type { PlannedCell } from './plan.ts';
import type { Lease } from './leases.ts';
import type { StartedTrial } from './executor.ts';
import { runTrialsInterleaved } from './trial.ts';
import type { RoundGroup, ScheduleStrategy, StrategyContext } from './schedule.ts';

/** One engine of a draft this round: its lease, its cells, and whether it could not start. */
interface Member {
  lease: Lease;
  cells: PlannedCell[];
  gaveUp: boolean;
}

export function requestStrategy(ctx: StrategyContext): ScheduleStrategy {
  return {
    async runRound(groups: RoundGroup[], round: number): Promise<boolean> {
      for (const draft of [...new Set(groups.map((g) => g.group.draft.name))]) {
        const together = groups.filter((g) => g.group.draft.name === draft && g.cells.length > 0);
        if (together.length === 0) continue;
        const interrupted = await runDraftTogether(ctx, together, round);
        ctx.session.save();
        if (interrupted) return true;
      }
      return false;
    },
  };
}

/** The engines of one draft (`groups`), up together, run each slot's trials at once. Returns true if interrupted. */
async function runDraftTogether(ctx: StrategyContext, groups: RoundGroup[], round: number): Promise<boolean> {
  const members: Member[] = [];
  try {
    for (const g of groups) {
      const lease = await ctx.leases.open(g.group, g.cells[0], false);
      if (!lease) return true;
      members.push({ lease, cells: g.cells, gaveUp: false });
    }
    if (await launchAll(ctx, members, round)) return true;
    if (await warmInTurn(ctx, members)) return true;
    // the slots (dataset, temperature) in the first engine's shuffled order, then any others
    for (const slot of [...new Set(members.flatMap((m) => m.cells.map(slotOf)))]) {
      if (ctx.session.aborted) return true;
      if (await runSlot(ctx, members, slot, round)) return true;
      ctx.session.save();
    }
    return false;
  } finally {
    for (const m of members) await ctx.leases.close(m.lease);
  }
}

const slotOf = (pc: PlannedCell) => `${pc.dataset}|${pc.temperature}`;

/** Every engine up, none warmed yet; an engine that cannot start gives up this round (its cells failed). Returns true if interrupted. */
async function launchAll(ctx: StrategyContext, members: Member[], round: number): Promise<boolean> {
  for (const m of members) {
    const engine = await ctx.leases.ensure(m.lease, m.cells, round, false);
    if (engine === 'interrupted') return true;
    if (engine === 'failed') m.gaveUp = true;
  }
  return false;
}

/**
 * The warm-up requests in turn, one engine's after the other's, the order reversed each time
 * (A B, B A, ...). An engine that fails its warm-up is dropped: relaunched, and warmed up alone,
 * when its first trial comes. Returns true if interrupted.
 */
async function warmInTurn(ctx: StrategyContext, members: Member[]): Promise<boolean> {
  for (let w = 0; w < ctx.session.settings.warmup; w++) {
    for (const m of w % 2 === 0 ? members : members.slice().reverse()) {
      if (!m.lease.engine || m.gaveUp) continue;
      try {
        await ctx.leases.warm(m.lease, m.cells[0], 1, w);
      } catch {
        if (ctx.session.aborted) return true;
        await ctx.leases.drop(m.lease);
      }
    }
  }
  return false;
}

/** One slot's trial on every engine that has a cell in it, the prompts taken in turn. Returns true if interrupted. */
async function runSlot({ session, leases, executor }: StrategyContext, members: Member[], slot: string, round: number): Promise<boolean> {
  const started: StartedTrial[] = [];
  for (const m of members) {
    const at = m.cells.findIndex((pc) => slotOf(pc) === slot);
    if (at < 0 || m.gaveUp) continue;
    const engine = await leases.ensure(m.lease, m.cells.slice(at), round);
    if (engine === 'interrupted') return true;
    if (engine === 'failed') { m.gaveUp = true; continue; }
    try {
      started.push(await executor.start(m.lease, engine, m.cells[at], round));
    } catch (e) {
      if (session.aborted) return true;
      await executor.fail(m.lease, engine, session.cell(m.cells[at].id), e);
    }
  }
  const outcomes = await runTrialsInterleaved(started.map((t) => executor.input(t, round)));
  if (session.aborted) return true;
  for (const [k, t] of started.entries()) {
    const o = outcomes[k];
    try {
      if ('error' in o) throw o.error;
      await executor.finish(t, round, o);
    } catch (e) {
      // stopped while finishing (the journal failed): the trials that ran to the end still count
      if (session.aborted) continue;
      await executor.fail(t.lease, t.engine, t.cell, e);
    }
  }
  return session.aborted;
}
