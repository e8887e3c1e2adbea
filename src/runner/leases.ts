// Engine leases: the engine process one engine/draft group runs its cells on in a round. A lease
// holds the engine kept from an earlier round (engineLifetime: run) or launches one on first use
// (its log under logs/, its description into the result and the journal, warmed up); an engine
// that fails its warm-up is dropped and relaunched when next used; one that cannot start fails
// the cells it was to run. Closing a lease keeps its engine for the next round or stops it, and
// on a GPU machine every stop waits until the engine's processes have let go of the GPU.
import { join } from 'node:path';
import type { Cell } from '../result/schema.ts';
import getPort from 'get-port';
import { groupPidsOnGpu, waitGpuReleased } from '../engines/gpu-release.ts';
import type { EngineAdapter, EngineHandle } from '../engines/types.ts';
import type { CellGroup, PlannedCell } from './plan.ts';
import { warmup } from './trial.ts';
import { messageOf, type RunSession } from './session.ts';

const READY_TIMEOUT_MS = 120_000;
const GPU_RELEASE_TIMEOUT_MS = 60_000;

/** A launch's id, from its log's name (logs/<launch>.log: unique per launch, and names the log to read). */
export function launchId(logName: string): string {
  return logName.replace(/^logs\//, '').replace(/\.log$/, '');
}

/** The engine process for one engine/draft this round, and the log it writes (relative to the run directory). */
export interface Lease {
  group: CellGroup;
  engine: EngineHandle | null;
  logName: string;
}

export class EngineLeases {
  /** engineLifetime 'run': engines started in an earlier round, by group key */
  private readonly running = new Map<string, { engine: EngineHandle; log: string }>();

  constructor(private readonly session: RunSession) {}

  /** Takes the group's kept engine, warmed up as a fresh one is (unless `warm` is false); null when interrupted. */
  async open(group: CellGroup, first: PlannedCell, warm = true): Promise<Lease | null> {
    const kept = this.session.settings.engineLifetime === 'run' ? this.running.get(group.key) : undefined;
    const lease: Lease = { group, engine: kept?.engine ?? null, logName: kept?.log ?? '' };
    if (lease.engine && warm) {
      // a kept engine warms up each round as a fresh one does, so both lifetimes measure warm engines
      try {
        await this.warm(lease, first, this.session.settings.warmup);
      } catch {
        if (this.session.aborted) return null;
        await this.drop(lease); // relaunched on first use
      }
    }
    return lease;
  }

  /** `count` warm-up requests on the lease's engine, with the settings of `cell`, from prompt `from`. */
  async warm(lease: Lease, cell: PlannedCell, count: number, from = 0): Promise<void> {
    if (!lease.engine) return;
    const s = this.session;
    await warmup({ dataset: s.dataset(cell.dataset), temperature: cell.temperature, settings: s.settings, adapter: s.adapter(lease.group), engine: lease.engine, signal: s.signal }, count, from);
  }

  /** Stops an engine that failed its warm-up; the lease launches a fresh one when next used. */
  async drop(lease: Lease): Promise<void> {
    if (!lease.engine) return;
    this.running.delete(lease.group.key);
    await this.stop(lease.engine, lease.group.key);
    lease.engine = null;
  }

  /** Forgets an engine that died under a trial: the next trial starts a fresh one. */
  forget(lease: Lease): void {
    lease.engine = null;
    this.running.delete(lease.group.key);
  }

  /** Keeps the lease's engine for the next round (engineLifetime: run) or stops it. */
  async close(lease: Lease): Promise<void> {
    if (lease.engine && this.session.settings.engineLifetime === 'run' && !this.session.aborted) this.running.set(lease.group.key, { engine: lease.engine, log: lease.logName });
    else if (lease.engine) { this.running.delete(lease.group.key); await this.stop(lease.engine, lease.group.key); }
  }

  /**
   * The lease's engine, launched and warmed up if it has none. An engine that cannot start
   * fails every cell it was to run this round (`rest`), without retrying each: 'failed'.
   */
  async ensure(lease: Lease, rest: PlannedCell[], round: number, warm = true): Promise<EngineHandle | 'failed' | 'interrupted'> {
    if (lease.engine) return lease.engine;
    const adapter = this.session.adapter(lease.group);
    try {
      lease.engine = await this.launch(lease, adapter, rest[0], round, warm);
      return lease.engine;
    } catch (e) {
      if (this.session.aborted) return 'interrupted';
      for (const pc of rest) this.failCell(this.session.cell(pc.id), lease, `engine failed to start: ${messageOf(e)}`);
      return 'failed';
    }
  }

  /** Stops every engine still kept (at the end of the run, or when it is interrupted). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.entries()].map(([key, r]) => this.stop(r.engine, key)));
  }

  /** Launches the group's engine for `first` and the cells after it: ready, described, warmed up (when `warm`). */
  private async launch(lease: Lease, adapter: EngineAdapter, first: PlannedCell | undefined, round: number, warm: boolean): Promise<EngineHandle> {
    const s = this.session, group = lease.group;
    lease.logName = `logs/${group.key.replace(/[^\w.-]+/g, '_')}-r${round}-${Date.now().toString(36)}.log`;
    s.emit({ type: 'launch', group: group.key, trial: round, log: lease.logName });
    const port = await getPort({ host: '127.0.0.1' });
    const h = await adapter.launch({ draft: group.draft, settings: s.settings, host: '127.0.0.1', port, logFile: join(s.dir, lease.logName), options: group.engine.options });
    try {
      await h.waitReady(s.options.readyTimeoutMs ?? READY_TIMEOUT_MS, s.signal);
      const d = await h.describe();
      const { measures, sources } = adapter.declared?.(group.engine.options) ?? adapter;
      s.result.engines[group.key] = { version: d.version, info: d.info, measures: { ...measures }, sources: { ...sources } };
      s.journal({ kind: 'engine', key: group.key, version: d.version, info: d.info, measures: { ...measures }, sources: { ...sources } });
      if (warm && first) await warmup({ dataset: s.dataset(first.dataset), temperature: first.temperature, settings: s.settings, adapter, engine: h, signal: s.signal }, s.settings.warmup);
    } catch (e) {
      await this.stop(h, group.key);
      throw e;
    }
    return h;
  }

  private failCell(c: Cell, lease: Lease, error: string): void {
    c.status = 'failed';
    c.error = error;
    c.log = lease.logName;
    this.session.emit({ type: 'cell-failed', cell: c.id, error: c.error });
  }

  /**
   * Stops an engine; on a GPU machine, then waits until the GPU processes of its process group
   * have let go of the GPU (with a timeout and a note), so the next launch gets the memory.
   */
  private async stop(h: EngineHandle, label: string): Promise<void> {
    const s = this.session;
    const onGpu = s.hasGpu && h.pid !== undefined ? await groupPidsOnGpu(h.pid) : [];
    await h.stop();
    if (onGpu.length === 0) return;
    const r = await waitGpuReleased(onGpu, { timeoutMs: s.options.gpuReleaseTimeoutMs ?? GPU_RELEASE_TIMEOUT_MS, label: `engine ${label}` });
    if (!r.released) s.emit({ type: 'note', message: r.message });
  }
}
