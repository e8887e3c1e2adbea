// What every part of a run shares: its options, events and outcome (the runner's public types),
// what it needs from outside (RunDeps: the engine registry, this machine's fingerprint, a
// clock), and RunSession, one run's state: its directory, result and journal, the cells and
// datasets by name, the progress count, and save(), which recomputes every cell's statistics and
// writes result.json.
import { join } from 'node:path';
import type { Dataset, Settings, Suite } from '../suite/types.ts';
import type { AttachOption, Cell, ResultFile } from '../result/schema.ts';
import { appendJsonLine, saveResult } from '../result/store.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { summarizeCell, compareCells } from '../stats/aggregate.ts';
import { auditResult } from '../audit/index.ts';
import type { EngineAdapter } from '../engines/types.ts';
import type { JournalLine } from './journal.ts';
import type { CellGroup } from './plan.ts';
import type { ShardSpec } from './shard.ts';
import { PrismError, PrismInputError, errnoCode } from '../errors.ts';
import type { SuiteOverrides } from '../suite/types.ts';

export interface RunOptions {
  suiteFile: string;
  outDir?: string;
  resumeDir?: string;
  quick?: boolean;
  /** command-line overrides of the suite (applied after quick; recorded in the result's options) */
  overrides?: SuiteOverrides;
  /** repeat trials until every cell's throughput 95% interval half-width is within this % of its mean */
  targetCi?: number;
  /** add whole rounds until the gate's suite-level throughput MDE (80% power) is at most this % */
  targetMde?: number;
  /** with targetMde: the two engine labels a paired gate will compare (else: against a baseline like this run) */
  pair?: { base: string; head: string };
  /** run only this shard's engine x dataset groups (a sweep's array task); a resume keeps the shard it started with */
  shard?: ShardSpec;
  /** run --base-url: the server to attach to instead of launching the suite's engine (src/runner/attach.ts); a resume keeps its own */
  attach?: AttachOption;
  readyTimeoutMs?: number;
  /** on a GPU machine: how long to wait for a stopped engine's GPU memory to be released (default 60 s) */
  gpuReleaseTimeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
}

export type RunEvent =
  | { type: 'start'; dir: string; cells: number; trials: number }
  | { type: 'launch'; group: string; trial: number; log: string }
  | { type: 'cell-start'; cell: string; trial: number; done: number; total: number }
  | { type: 'cell-done'; cell: string; trial: number; done: number; total: number; throughput?: number }
  | { type: 'cell-failed'; cell: string; error: string }
  | { type: 'note'; message: string };

export interface RunOutcome {
  dir: string;
  result: ResultFile;
  interrupted: boolean;
}

/** A run that cannot start as asked (exit code 2). */
export class RunInputError extends PrismInputError {}

/**
 * The journal could not be appended to mid-run (a full disk, the file or its directory gone or
 * replaced): the run stops at once, since a trial measured now could not be journaled, and saves
 * what finished (exit code 1).
 */
export class JournalWriteError extends PrismError {
  constructor(readonly file: string, readonly failure: unknown, message = `${file}: cannot append to the run's journal (${errnoCode(failure) ?? messageOf(failure)})`) {
    super(message);
  }
}

/** How the runner reaches engines: the suite's engine names to adapters, and the check of what a suite asks of them. */
export interface EngineRegistry {
  adapter(name: string): EngineAdapter;
  /** throws (a SuiteError, exit 2) for the first thing the suite asks that its engines cannot do */
  check(suite: Suite): void;
}

/** What a run takes from outside the runner; tests pass fakes (test/runner/fake-engine.ts). */
export interface RunDeps {
  engines: EngineRegistry;
  /** this machine's hardware fingerprint, stored with a new run's result */
  fingerprint(engineCpus: number[] | null): Promise<Record<string, unknown>>;
  /** a monotonic clock in milliseconds, for trials' wall times */
  now(): number;
}

/** An error's message as the runner reports it (a thrown non-Error as text). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Records of the attempts that made it into the result (abandoned attempts are ignored). */
function acceptedRecords(result: ResultFile, all: RequestRecord[]): RequestRecord[] {
  const keep = new Set(result.cells.flatMap((c) => c.trials.map((t) => `${c.id}#${t.attempt}`)));
  return all.filter((r) => keep.has(`${r.cell}#${r.attempt}`));
}

/** One run's state, shared by the leases, the executor and the scheduling strategies. */
export class RunSession {
  readonly settings: Settings;
  readonly requestsFile: string;
  /** the fingerprint found GPUs: check them before trials and wait for a stopped engine's memory */
  readonly hasGpu: boolean;
  readonly total: number;
  /** trials finished, for progress events */
  done: number;
  /** the first failed append to the journal: the run stops (see stopOnJournalFailure) */
  journalFailure: JournalWriteError | null = null;
  private readonly cells: Map<string, Cell>;
  private readonly datasets: Map<string, Dataset>;
  /** aborted by the caller's signal (an interrupt) or by a journal that cannot be written */
  private readonly stop = new AbortController();

  constructor(
    readonly dir: string,
    readonly suite: Suite,
    readonly result: ResultFile,
    readonly groups: CellGroup[],
    datasets: Dataset[],
    private readonly records: RequestRecord[],
    readonly options: RunOptions,
    readonly deps: RunDeps,
  ) {
    this.settings = suite.settings;
    this.requestsFile = join(dir, 'requests.jsonl');
    const gpus = result.fingerprint.gpus;
    this.hasGpu = Array.isArray(gpus) && gpus.length > 0;
    this.cells = new Map(result.cells.map((c) => [c.id, c]));
    this.datasets = new Map(datasets.map((d) => [d.name, d]));
    this.total = result.cells.length * this.settings.trials;
    this.done = result.cells.reduce((a, c) => a + Math.min(c.trials.length, this.settings.trials), 0);
    const outer = options.signal;
    if (outer?.aborted) this.stop.abort(outer.reason);
    else outer?.addEventListener('abort', () => this.stop.abort(outer.reason), { once: true });
  }

  emit(e: RunEvent): void {
    this.options.onEvent?.(e);
  }

  /** Aborted on an interrupt or a journal failure: in-flight requests and launches stop, and every part of the run winds down as for an interrupt. */
  get signal(): AbortSignal {
    return this.stop.signal;
  }

  get aborted(): boolean {
    return this.stop.signal.aborted;
  }

  /** The result's cell of a planned cell (every planned cell has one: the result was made from the same plan). */
  cell(id: string): Cell {
    const c = this.cells.get(id);
    if (!c) throw new Error(`internal: no cell ${id} in the result`);
    return c;
  }

  dataset(name: string): Dataset {
    const d = this.datasets.get(name);
    if (!d) throw new Error(`internal: dataset ${name} was not loaded`);
    return d;
  }

  adapter(group: CellGroup): EngineAdapter {
    return this.deps.engines.adapter(group.engine.name);
  }

  /** Appends a line to the journal, requests.jsonl. */
  journal(line: JournalLine): void {
    this.append(line);
  }

  /** A request record: into the journal at once, and kept for the statistics. */
  record(r: RequestRecord): void {
    this.append(r);
    this.records.push(r);
  }

  /**
   * A failed append stops the whole run at once: it aborts the session (as an interrupt does),
   * so the engine is stopped rather than blamed, no engine is launched again, and no trial that
   * finished is marked failed; every later append throws the same error.
   */
  private append(line: unknown): void {
    if (this.journalFailure) throw this.journalFailure;
    try {
      appendJsonLine(this.requestsFile, line);
    } catch (e) {
      this.journalFailure = new JournalWriteError(this.requestsFile, e);
      this.stop.abort(this.journalFailure);
      throw this.journalFailure;
    }
  }

  /** Recomputes every cell's statistics, the comparisons and the audit from the accepted records, and writes result.json. */
  save(): void {
    const kept = acceptedRecords(this.result, this.records);
    const byCell = new Map<string, RequestRecord[]>();
    for (const r of kept) {
      const list = byCell.get(r.cell);
      if (list) list.push(r); else byCell.set(r.cell, [r]);
    }
    for (const c of this.result.cells) summarizeCell(c, byCell.get(c.id) ?? []);
    compareCells(this.result);
    this.result.audit = auditResult(this.result, kept);
    saveResult(this.dir, this.result);
  }
}
