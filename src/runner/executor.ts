// The trial executor: one trial of one cell on a leased engine, in three steps a scheduling
// strategy calls around the requests themselves. start reads what must be read outside the
// timed window (other GPU processes, the engine's counters, an emptied prefix cache); finish
// turns the trial's records into its metrics, stores the trial in the cell and writes the
// journal's trial line; fail records why a trial failed, and whether the engine died under it.
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Cell, TrialRecord } from '../result/schema.ts';
import { trialMetrics } from '../metrics/compute.ts';
import { allGpuProcesses } from '../hardware/gpu-processes.ts';
import { logTail } from '../engines/process.ts';
import { counterDelta, counterMetrics } from '../engines/prometheus.ts';
import type { EngineHandle, SpecCounters } from '../engines/types.ts';
import type { RequestRecord } from '../metrics/records.ts';
import type { TrialLine } from './journal.ts';
import { launchId, type EngineLeases, type Lease } from './leases.ts';
import type { PlannedCell } from './plan.ts';
import { runTrial, type TrialInput } from './trial.ts';
import { messageOf, type RunSession } from './session.ts';

/** What a trial needs read before it starts, outside its timed window. */
export interface TrialStart {
  attempt: string;
  startedAt: string;
  before: SpecCounters | null;
}

/** A trial started on a lease's engine for one cell. */
export interface StartedTrial {
  lease: Lease;
  engine: EngineHandle;
  cell: Cell;
  planned: PlannedCell;
  start: TrialStart;
}

export class TrialExecutor {
  constructor(private readonly session: RunSession, private readonly leases: EngineLeases) {}

  async start(lease: Lease, engine: EngineHandle, planned: PlannedCell, round: number): Promise<StartedTrial> {
    const s = this.session, cell = s.cell(planned.id);
    // an attached server's processes are not the harness's to tell apart (the audit says so)
    if (s.hasGpu && !engine.attached) {
      const busy = await allGpuProcesses();
      const others = busy.processes.filter((p) => p.pid !== engine.pid);
      if (others.length) cell.gpuBusy = others.map((p) => `pid ${p.pid} ${p.processName} (${p.usedMemoryMiB ?? '?'} MiB)`);
    }
    s.emit({ type: 'cell-start', cell: cell.id, trial: round, done: s.done, total: s.total });
    const attempt = randomUUID().slice(0, 8);
    const startedAt = new Date().toISOString();
    // an empty prefix cache (each trial pays its own prefills), then the server-wide counters (vLLM's /metrics)
    await engine.flushCache?.();
    return { lease, engine, cell, planned, start: { attempt, startedAt, before: await engine.counters?.() ?? null } };
  }

  /** What runTrial (or runTrialsInterleaved) needs for a started trial. */
  input(t: StartedTrial, round: number): TrialInput {
    const s = this.session;
    return {
      cellId: t.cell.id, trial: round, attempt: t.start.attempt, dataset: s.dataset(t.planned.dataset), temperature: t.planned.temperature, settings: s.settings,
      adapter: s.adapter(t.lease.group), engine: t.engine, signal: s.signal, onRecord: (r) => s.record(r), now: () => s.deps.now(),
    };
  }

  async finish(t: StartedTrial, round: number, trial: { records: RequestRecord[]; wallSeconds: number }): Promise<void> {
    const s = this.session, { cell, start } = t;
    const after = start.before ? await t.engine.counters?.() ?? null : null;
    const delta = start.before && after ? counterDelta(start.before, after) : null;
    const fromRecords = trialMetrics(trial.records, trial.wallSeconds);
    // per-request figures, where the engine gives them, win over the server-wide counters
    const record: TrialRecord = {
      trial: round, attempt: start.attempt, launch: launchId(t.lease.logName), startedAt: start.startedAt, wallSeconds: trial.wallSeconds, requests: trial.records.length,
      metrics: delta ? { ...counterMetrics(delta), ...fromRecords } : fromRecords,
      ...(delta ? { engineCounters: delta } : {}),
    };
    cell.trials.push(record);
    cell.status = cell.trials.length >= s.settings.trials ? 'ok' : 'pending';
    cell.log = t.lease.logName;
    // the journal's word that this trial finished: what rebuilds result.json if it is lost
    const line: TrialLine = { kind: 'trial', cell: cell.id, ...record, log: t.lease.logName, ...(cell.gpuBusy ? { gpuBusy: cell.gpuBusy } : {}) };
    s.journal(line);
    s.done++;
    s.emit({ type: 'cell-done', cell: cell.id, trial: round, done: s.done, total: s.total, throughput: record.metrics.throughput });
  }

  /** A trial that failed: says whether the engine died under it, with its log; a dead engine is dropped (the next trial starts a fresh one). */
  async fail(lease: Lease, engine: EngineHandle, cell: Cell, e: unknown): Promise<void> {
    const died = await Promise.race([engine.exited, new Promise<null>((r) => setTimeout(() => r(null), 500))]);
    cell.status = 'failed';
    cell.error = died ? `engine ${died} during the cell; last log lines: ${logTail(join(this.session.dir, lease.logName), 5).replace(/\n/g, ' | ')}` : messageOf(e);
    cell.log = lease.logName;
    this.session.emit({ type: 'cell-failed', cell: cell.id, error: cell.error });
    if (died) this.leases.forget(lease);
  }

  /** One trial of one cell on the lease's engine, start to finish (or failure). Returns true if interrupted. */
  async runOne(lease: Lease, engine: EngineHandle, planned: PlannedCell, round: number): Promise<boolean> {
    try {
      const started = await this.start(lease, engine, planned, round);
      await this.finish(started, round, await runTrial(this.input(started, round)));
    } catch (e) {
      if (this.session.aborted) return true;
      await this.fail(lease, engine, this.session.cell(planned.id), e);
    }
    return false;
  }
}
