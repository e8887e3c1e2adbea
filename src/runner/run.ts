// Runs a suite: every cell's trials, round by round, each engine launched as its own process
// for its draft, results written atomically after every cell so an interrupted run keeps what
// it finished and --resume continues from there.
import { mkdirSync, existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Dataset, Suite } from '../suite/types.ts';
import { loadSuite, suiteAsRun, suiteSettingsDiff } from '../suite/load.ts';
import { loadSuiteDatasets } from '../suite/datasets.ts';
import { collectFingerprint } from '../hardware/fingerprint.ts';
import { allGpuProcesses } from '../hardware/gpu-processes.ts';
import { RESULT_SCHEMA_VERSION, ResultError, type Cell, type ResultFile } from '../result/schema.ts';
import { appendJsonLine, loadResult, saveResult } from '../result/store.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { trialMetrics } from '../metrics/compute.ts';
import { summarizeCell, compareCells } from '../stats/aggregate.ts';
import { auditResult } from '../audit/index.ts';
import { engineAdapter } from '../engines/index.ts';
import { freePort, logTail } from '../engines/process.ts';
import { counterDelta, counterMetrics } from '../engines/prometheus.ts';
import { groupPidsOnGpu, waitGpuReleased } from '../engines/gpu-release.ts';
import type { EngineHandle, SpecCounters } from '../engines/types.ts';
import { checkSuiteEngines } from '../engines/check.ts';
import { resolveEngineCpus } from '../engines/placement.ts';
import { readJournal, restoreFromJournal, type Journal, type RunLine, type TrialLine } from './journal.ts';
import { roundOrder, shuffled, type CellGroup, type PlannedCell } from './plan.ts';
import { planShard, shardSpecProblem, shardUnits, unitsOfShard, type ShardSpec } from './shard.ts';
import { runTrial, runTrialsInterleaved, warmup, type InterleavedOutcome } from './trial.ts';
import { comparableFromResult, pairedSides } from '../gate/comparable.ts';
import { compareRuns } from '../gate/compare.ts';
import { packageVersion } from '../version.ts';

export interface RunOptions {
  suiteFile: string;
  outDir?: string;
  resumeDir?: string;
  quick?: boolean;
  /** repeat trials until every cell's throughput 95% interval half-width is within this % of its mean */
  targetCi?: number;
  /** add whole rounds until the gate's suite-level throughput MDE (80% power) is at most this % */
  targetMde?: number;
  /** with targetMde: the two engine labels a paired gate will compare (else: against a baseline like this run) */
  pair?: { base: string; head: string };
  /** run only this shard's engine x dataset groups (a sweep's array task); a resume keeps the shard it started with */
  shard?: ShardSpec;
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

const READY_TIMEOUT_MS = 120_000;
const GPU_RELEASE_TIMEOUT_MS = 60_000;

/** A run that cannot start as asked (exit code 2). */
export class RunInputError extends Error {
  readonly exitCode = 2;
}

function newResult(suite: Suite, options: ResultFile['options'], fingerprint: Record<string, unknown>, groups: CellGroup[], run?: RunLine): ResultFile {
  const now = new Date().toISOString();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: run?.tool ?? { name: 'prism-bench', version: packageVersion() },
    runId: run?.runId ?? randomUUID(),
    createdAt: run?.createdAt ?? now,
    updatedAt: now,
    status: 'running',
    suiteFile: suite.file,
    suite: suiteAsRun(suite) as unknown as Record<string, unknown>,
    options,
    fingerprint,
    engines: {},
    cells: groups.flatMap((g) => g.cells.map((c): Cell => ({
      id: c.id, engine: c.engineName, draft: c.draft.name, method: c.draft.method, dataset: c.dataset,
      temperature: c.temperature, status: 'pending', trials: [], metrics: {},
    }))),
  };
}

/**
 * A result rebuilt from the journal of `dir` and the suite it names, for a resume whose
 * result.json is damaged or missing (`why`). The damaged file is kept beside it.
 */
function rebuildResult(dir: string, journal: Journal, why: string, emit: (e: RunEvent) => void): { result: ResultFile; suite: Suite } {
  const run = journal.run;
  if (!run) {
    throw new RunInputError(`${why.replace(/ -- .*$/, '')}; its journal ${join(dir, 'requests.jsonl')} ${existsSync(join(dir, 'requests.jsonl')) ? 'has no run line (written by an older prism-bench)' : 'is missing too'}, so there is nothing to rebuild it from -- start a new run with another --out`);
  }
  const suite = loadSuite(run.suiteFile, { quick: run.options.quick });
  const result = newResult(suite, run.options, run.fingerprint, planShard(suite, run.options.shard), run);
  if (run.suite) result.suite = run.suite; // so a suite changed since is refused, as with an intact result
  const restored = restoreFromJournal(result, journal, suite.settings.trials);
  const file = join(dir, 'result.json');
  if (existsSync(file)) {
    const kept = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(file, kept);
    emit({ type: 'note', message: `result.json was damaged (kept as ${kept}); rebuilt from requests.jsonl: ${restored} finished trial(s), ${journal.records.length} request record(s)` });
  } else {
    emit({ type: 'note', message: `result.json was missing; rebuilt from requests.jsonl: ${restored} finished trial(s), ${journal.records.length} request record(s)` });
  }
  return { result, suite };
}

/** The Slurm job an array task runs in, from the environment Slurm sets (absent outside Slurm). */
function slurmJob(): { slurmJob?: string } {
  const { SLURM_ARRAY_JOB_ID: array, SLURM_ARRAY_TASK_ID: task, SLURM_JOB_ID: job } = process.env;
  if (array && task) return { slurmJob: `${array}_${task}` };
  return job ? { slurmJob: job } : {};
}

/** Records of the attempts that made it into the result (abandoned attempts are ignored). */
function acceptedRecords(result: ResultFile, all: RequestRecord[]): RequestRecord[] {
  const keep = new Set(result.cells.flatMap((c) => c.trials.map((t) => `${c.id}#${t.attempt}`)));
  return all.filter((r) => keep.has(`${r.cell}#${r.attempt}`));
}

function throughputPrecisionMet(cell: Cell, pct: number): boolean {
  const m = cell.metrics.throughput;
  if (!m || !m.interval || m.mean <= 0) return false;
  return (m.interval.halfWidth / m.mean) * 100 <= pct;
}

/**
 * The suite-level throughput MDE the gate would state for this run (80% power, alpha 0.05, no
 * threshold): paired, for the two engines named; unpaired, for a comparison against a baseline of
 * the same size and variance (this run against itself).
 */
export function suiteThroughputMde(result: ResultFile, pair?: { base: string; head: string }): number | null {
  const run = comparableFromResult(result);
  run.cells = run.cells.filter((c) => c.status === 'ok' || c.status === 'pending');
  for (const c of run.cells) c.status = 'ok';
  const sides = pair ? pairedSides(run, pair.base, pair.head) : { base: run, head: run };
  const report = compareRuns(sides.base, sides.head, { metrics: ['throughput'], maxRegression: 0, paired: Boolean(pair) });
  return report.suite.find((x) => x.metric === 'throughput')?.mde ?? null;
}

export async function runSuite(opts: RunOptions): Promise<RunOutcome> {
  const emit = opts.onEvent ?? (() => {});
  let result: ResultFile;
  let suite: Suite;
  let dir: string;
  let journal: Journal;
  let fresh = false;
  if (opts.resumeDir && opts.outDir && resolve(opts.outDir) !== resolve(opts.resumeDir)) {
    throw new RunInputError(`--out ${opts.outDir}: a resumed run stays in its own directory, ${resolve(opts.resumeDir)} -- leave out --out, or copy the run directory to ${opts.outDir} and resume the copy`);
  }
  if (opts.resumeDir) {
    dir = resolve(opts.resumeDir);
    if (!existsSync(dir)) throw new RunInputError(`--resume ${opts.resumeDir}: no such directory -- give the directory of the run to continue, such as results/<time>-<suite>`);
    journal = readJournal(join(dir, 'requests.jsonl'));
    let loaded: ResultFile | undefined;
    try {
      loaded = loadResult(dir);
    } catch (e) {
      if (!(e instanceof ResultError)) throw e;
      ({ result, suite } = rebuildResult(dir, journal, e.message, emit));
    }
    if (loaded?.sweep) throw new RunInputError(`--resume ${opts.resumeDir}: this is a sweep merged from shards, not a run -- continue the sweep with prism-bench slurm submit --resume SWEEP_DIR, then merge it again`);
    if (loaded) {
      result = loaded;
      suite = loadSuite(result.suiteFile, { quick: result.options.quick });
    }
    const diff = suiteSettingsDiff(suiteAsRun(suite!), result!.suite as never);
    if (diff.length) throw new RunInputError(`${result!.suiteFile}: the suite changed since the run in ${dir} started (${diff.join('; ')}) -- restore it, or start a new run`);
    result = result!;
    suite = suite!;
    for (const c of result.cells) if (c.status === 'failed') { c.status = 'pending'; c.trials = []; delete c.error; c.metrics = {}; }
    // a resumed run keeps the precision target it started with unless told otherwise
    if (opts.targetCi === undefined && typeof result.options.targetCi === 'number') opts = { ...opts, targetCi: result.options.targetCi };
    if (opts.targetMde === undefined && typeof result.options.targetMde === 'number') {
      const pair = typeof result.options.pair === 'string' ? result.options.pair.split(':') : null;
      opts = { ...opts, targetMde: result.options.targetMde, ...(pair ? { pair: { base: pair[0] as string, head: pair[1] as string } } : {}) };
    }
  } else {
    suite = loadSuite(opts.suiteFile, { quick: opts.quick });
    if (opts.shard) {
      const units = shardUnits(suite).length;
      const problem = shardSpecProblem(opts.shard, units);
      if (problem) throw new RunInputError(`${suite.file}: --shard ${opts.shard.index}/${opts.shard.count}: ${problem} -- use --shard i/n with n from 1 to ${units}`);
      if (opts.pair) throw new RunInputError(`--pair: a shard holds one engine's cells, so the two engines of a pair run in different shards -- run the paired suite without --shard`);
    }
    dir = resolve(opts.outDir ?? join('results', `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${suite.name}`));
    if (existsSync(join(dir, 'result.json'))) throw new RunInputError(`${dir}: already holds a result.json -- choose another --out, or continue it with --resume ${dir}`);
    if (existsSync(join(dir, 'requests.jsonl'))) throw new RunInputError(`${dir}: already holds a run's journal (requests.jsonl) -- continue that run with --resume ${dir} (it rebuilds result.json), or choose another --out`);
    journal = readJournal(join(dir, 'requests.jsonl'));
    fresh = true;
    result = undefined as unknown as ResultFile; // made below, once every input check has passed
  }
  // every input check before anything is created, measured or launched
  checkSuiteEngines(suite);
  if (opts.pair) {
    const labels = suite.engines.map((e) => e.label ?? e.name);
    for (const l of [opts.pair.base, opts.pair.head]) {
      if (!labels.includes(l)) throw new RunInputError(`${suite.file}: --pair names engine '${l}', but the suite's engines are ${labels.map((x) => `'${x}'`).join(', ')} -- use their labels`);
    }
  }
  const datasets = new Map<string, Dataset>(loadSuiteDatasets(suite).map((d) => [d.name, d]));
  const requestsFile = join(dir, 'requests.jsonl');
  if (fresh) {
    const fingerprint = await collectFingerprint({ engineCpus: resolveEngineCpus(suite.settings.engineCpus) }) as unknown as Record<string, unknown>;
    const options: ResultFile['options'] = { quick: Boolean(opts.quick), targetCi: opts.targetCi ?? null, targetMde: opts.targetMde ?? null, pair: opts.pair ? `${opts.pair.base}:${opts.pair.head}` : null };
    if (opts.shard) options.shard = { ...opts.shard, units: unitsOfShard(shardUnits(suite), opts.shard).map((u) => u.key), ...slurmJob() };
    result = newResult(suite, options, fingerprint, planShard(suite, opts.shard));
    mkdirSync(dir, { recursive: true });
    const header: RunLine = { kind: 'run', runId: result.runId, createdAt: result.createdAt, tool: result.tool, suiteFile: result.suiteFile, suite: result.suite, options, fingerprint };
    appendJsonLine(requestsFile, header);
  }
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const records = journal.records;
  const groups = planShard(suite, result.options.shard);
  const cellById = new Map(result.cells.map((c) => [c.id, c]));
  const s = suite.settings;
  const hasGpu = Array.isArray((result.fingerprint as { gpus?: unknown[] }).gpus) && ((result.fingerprint as { gpus: unknown[] }).gpus.length > 0);
  result.status = 'running';
  const save = () => {
    const kept = acceptedRecords(result, records);
    const byCell = new Map<string, RequestRecord[]>();
    for (const r of kept) {
      const list = byCell.get(r.cell);
      if (list) list.push(r); else byCell.set(r.cell, [r]);
    }
    for (const c of result.cells) summarizeCell(c, byCell.get(c.id) ?? []);
    compareCells(result);
    result.audit = auditResult(result, kept);
    saveResult(dir, result);
  };
  save();
  const totalTrials = result.cells.length * s.trials;
  emit({ type: 'start', dir, cells: result.cells.length, trials: s.trials });
  let done = result.cells.reduce((a, c) => a + Math.min(c.trials.length, s.trials), 0);

  // a whole extra round for every cell while the suite-level MDE is short: pairing needs complete rounds
  let mdeShort = false;
  const wantsTrial = (c: Cell, round: number) => {
    if (c.status === 'failed' || c.trials.length >= round) return false;
    if (round <= s.trials) return true;
    return (opts.targetCi !== undefined && !throughputPrecisionMet(c, opts.targetCi)) || mdeShort;
  };
  const extra = opts.targetCi !== undefined || opts.targetMde !== undefined;
  const maxRounds = extra ? Math.max(s.trials, s.maxTrials) : s.trials;
  let interrupted = false;
  let mde: number | null = null;

  /**
   * Stops an engine; on a GPU machine, then waits until the GPU processes of its process group
   * have let go of the GPU (with a timeout and a note), so the next launch gets the memory.
   */
  const stopEngine = async (h: EngineHandle, label: string): Promise<void> => {
    const onGpu = hasGpu && h.pid !== undefined ? await groupPidsOnGpu(h.pid) : [];
    await h.stop();
    if (onGpu.length === 0) return;
    const r = await waitGpuReleased(onGpu, { timeoutMs: opts.gpuReleaseTimeoutMs ?? GPU_RELEASE_TIMEOUT_MS, label: `engine ${label}` });
    if (!r.released) emit({ type: 'note', message: r.message });
  };

  // engineLifetime 'run': engines started in an earlier round, by group key
  const running = new Map<string, { engine: EngineHandle; log: string }>();
  try {
    for (let round = 1; round <= maxRounds && !interrupted; round++) {
      if (opts.targetMde !== undefined && round > s.trials) {
        mde = suiteThroughputMde(result, opts.pair);
        mdeShort = mde === null || mde * 100 > opts.targetMde;
      }
      if (!result.cells.some((c) => wantsTrial(c, round))) continue;
      const order = roundOrder(groups, s.seed, round);
      // every engine's cells in one shuffled order per draft, so interleaved engines take the same slots in turn
      const todoOf = (group: CellGroup) => shuffled(group.cells, s.seed, round * 31 + 1).filter((pc) => wantsTrial(cellById.get(pc.id) as Cell, round));
      if (s.interleave === 'request') {
        for (const draft of [...new Set(order.map((g) => g.draft.name))]) {
          const together = order.filter((g) => g.draft.name === draft).map((group) => ({ group, cells: todoOf(group) })).filter((g) => g.cells.length > 0);
          if (together.length === 0) continue;
          interrupted = await runDraftTogether(together, round);
          save();
          if (interrupted) break;
        }
      } else {
        for (const group of order) {
          const todo = todoOf(group);
          if (todo.length === 0) continue;
          interrupted = await runGroup(group, todo, round);
          save();
          if (interrupted) break;
        }
      }
    }
  } finally {
    await Promise.all([...running.entries()].map(([key, r]) => stopEngine(r.engine, key)));
  }
  if (opts.targetCi !== undefined) {
    const short = result.cells.filter((c) => c.status === 'ok' && !throughputPrecisionMet(c, opts.targetCi as number));
    if (short.length) emit({ type: 'note', message: `--target-ci ${opts.targetCi}%: ${short.length} cell(s) still wider after ${maxRounds} trials (maxTrials): ${short.map((c) => c.id).join(', ')}` });
    result.targetCiUnmet = short.map((c) => c.id);
  }
  if (opts.targetMde !== undefined) {
    mde = suiteThroughputMde(result, opts.pair);
    result.mde = { throughput: mde, target: opts.targetMde / 100, design: opts.pair ? 'paired' : 'unpaired', rounds: Math.max(0, ...result.cells.map((c) => c.trials.length)) };
    if (mde === null || mde * 100 > opts.targetMde) emit({ type: 'note', message: `--target-mde ${opts.targetMde}%: the suite-level throughput MDE is still ${mde === null ? 'unknown' : `${(mde * 100).toFixed(1)}%`} after ${maxRounds} rounds (maxTrials)` });
  }
  result.status = interrupted ? 'interrupted' : 'complete';
  save();
  return { dir, result, interrupted };

  /**
   * An engine process for one engine/draft this round: the one kept from an earlier round
   * (engineLifetime: run) or, launched on first use, a fresh one.
   */
  interface Lease { group: CellGroup; engine: EngineHandle | null; logName: string }

  /** Takes the group's kept engine, warmed up as a fresh one is (unless `warm` is false); null when interrupted. */
  async function openLease(group: CellGroup, first: PlannedCell, warm = true): Promise<Lease | null> {
    const kept = s.engineLifetime === 'run' ? running.get(group.key) : undefined;
    const lease: Lease = { group, engine: kept?.engine ?? null, logName: kept?.log ?? '' };
    if (lease.engine && warm) {
      // a kept engine warms up each round as a fresh one does, so both lifetimes measure warm engines
      try {
        await warmup({ dataset: datasets.get(first.dataset) as Dataset, temperature: first.temperature, settings: s, adapter: engineAdapter(group.engine.name), engine: lease.engine, signal: opts.signal }, s.warmup);
      } catch {
        if (opts.signal?.aborted) return null;
        await dropEngine(lease); // relaunched on first use
      }
    }
    return lease;
  }

  /** Stops an engine that failed its warm-up; the lease launches a fresh one when next used. */
  async function dropEngine(lease: Lease): Promise<void> {
    if (!lease.engine) return;
    running.delete(lease.group.key);
    await stopEngine(lease.engine, lease.group.key);
    lease.engine = null;
  }

  /** Keeps the lease's engine for the next round (engineLifetime: run) or stops it. */
  async function closeLease(lease: Lease): Promise<void> {
    if (lease.engine && s.engineLifetime === 'run' && !opts.signal?.aborted) running.set(lease.group.key, { engine: lease.engine, log: lease.logName });
    else if (lease.engine) { running.delete(lease.group.key); await stopEngine(lease.engine, lease.group.key); }
  }

  /**
   * The lease's engine, launched and warmed up if it has none. An engine that cannot start
   * fails every cell it was to run this round (`rest`), without retrying each: 'failed'.
   */
  async function ensureEngine(lease: Lease, rest: PlannedCell[], round: number, warm = true): Promise<EngineHandle | 'failed' | 'interrupted'> {
    if (lease.engine) return lease.engine;
    const group = lease.group, adapter = engineAdapter(group.engine.name);
    try {
      lease.logName = `logs/${group.key.replace(/[^\w.-]+/g, '_')}-r${round}-${Date.now().toString(36)}.log`;
      emit({ type: 'launch', group: group.key, trial: round, log: lease.logName });
      const port = await freePort();
      const h = await adapter.launch({ draft: group.draft, settings: s, host: '127.0.0.1', port, logFile: join(dir, lease.logName), options: group.engine.options });
      try {
        await h.waitReady(opts.readyTimeoutMs ?? READY_TIMEOUT_MS, opts.signal);
        const d = await h.describe();
        result.engines[group.key] = { version: d.version, info: d.info, measures: { ...adapter.measures }, sources: { ...adapter.sources } };
        appendJsonLine(requestsFile, { kind: 'engine', key: group.key, version: d.version, info: d.info, measures: { ...adapter.measures }, sources: { ...adapter.sources } });
        const first = rest[0] as PlannedCell;
        if (warm) await warmup({ dataset: datasets.get(first.dataset) as Dataset, temperature: first.temperature, settings: s, adapter, engine: h, signal: opts.signal }, s.warmup);
      } catch (e) {
        await stopEngine(h, group.key);
        throw e;
      }
      lease.engine = h;
      return h;
    } catch (e) {
      if (opts.signal?.aborted) return 'interrupted';
      for (const pc of rest) {
        const c = cellById.get(pc.id) as Cell;
        c.status = 'failed';
        c.error = `engine failed to start: ${(e as Error).message}`;
        c.log = lease.logName;
        emit({ type: 'cell-failed', cell: c.id, error: c.error });
      }
      return 'failed';
    }
  }

  /** What a trial needs read before it starts, outside its timed window. */
  interface TrialStart { attempt: string; startedAt: string; before: SpecCounters | null }

  async function startTrial(lease: Lease, engine: EngineHandle, cell: Cell, round: number): Promise<TrialStart> {
    if (hasGpu) {
      const busy = await allGpuProcesses();
      const others = busy.processes.filter((p) => p.pid !== engine.pid);
      if (others.length) cell.gpuBusy = others.map((p) => `pid ${p.pid} ${p.processName} (${p.usedMemoryMiB ?? '?'} MiB)`);
    }
    emit({ type: 'cell-start', cell: cell.id, trial: round, done, total: totalTrials });
    const attempt = randomUUID().slice(0, 8);
    const startedAt = new Date().toISOString();
    // an empty prefix cache (each trial pays its own prefills), then the server-wide counters (vLLM's /metrics)
    await engine.flushCache?.();
    return { attempt, startedAt, before: await engine.counters?.() ?? null };
  }

  async function finishTrial(lease: Lease, engine: EngineHandle, cell: Cell, round: number, start: TrialStart, trial: { records: RequestRecord[]; wallSeconds: number }): Promise<void> {
    const after = start.before ? await engine.counters?.() ?? null : null;
    const delta = start.before && after ? counterDelta(start.before, after) : null;
    const fromRecords = trialMetrics(trial.records, trial.wallSeconds);
    // per-request figures, where the engine gives them, win over the server-wide counters
    const record = {
      trial: round, attempt: start.attempt, startedAt: start.startedAt, wallSeconds: trial.wallSeconds, requests: trial.records.length,
      metrics: delta ? { ...counterMetrics(delta), ...fromRecords } : fromRecords,
      ...(delta ? { engineCounters: delta } : {}),
    };
    cell.trials.push(record);
    cell.status = cell.trials.length >= s.trials ? 'ok' : 'pending';
    cell.log = lease.logName;
    // the journal's word that this trial finished: what rebuilds result.json if it is lost
    const line: TrialLine = { kind: 'trial', cell: cell.id, ...record, log: lease.logName, ...(cell.gpuBusy ? { gpuBusy: cell.gpuBusy } : {}) };
    appendJsonLine(requestsFile, line);
    done++;
    emit({ type: 'cell-done', cell: cell.id, trial: round, done, total: totalTrials, throughput: cell.trials[cell.trials.length - 1].metrics.throughput });
  }

  /** A trial that failed: says whether the engine died under it, with its log; a dead engine is dropped (the next trial starts a fresh one). */
  async function failTrial(lease: Lease, engine: EngineHandle, cell: Cell, e: unknown): Promise<void> {
    const died = await Promise.race([engine.exited, new Promise<null>((r) => setTimeout(() => r(null), 500))]);
    cell.status = 'failed';
    cell.error = died ? `engine ${died} during the cell; last log lines: ${logTail(join(dir, lease.logName), 5).replace(/\n/g, ' | ')}` : (e as Error).message;
    cell.log = lease.logName;
    emit({ type: 'cell-failed', cell: cell.id, error: cell.error });
    if (died) { lease.engine = null; running.delete(lease.group.key); }
  }

  function recorder(r: RequestRecord): void { appendJsonLine(requestsFile, r); records.push(r); }

  /** One engine process for one engine/draft, running one trial of each listed cell. Returns true if interrupted. */
  async function runGroup(group: CellGroup, cells: PlannedCell[], round: number): Promise<boolean> {
    const lease = await openLease(group, cells[0] as PlannedCell);
    if (!lease) return true;
    try {
      for (const [i, pc] of cells.entries()) {
        const cell = cellById.get(pc.id) as Cell;
        if (opts.signal?.aborted) return true;
        const engine = await ensureEngine(lease, cells.slice(i), round);
        if (engine === 'interrupted') return true;
        if (engine === 'failed') return false;
        try {
          const start = await startTrial(lease, engine, cell, round);
          const trial = await runTrial({
            cellId: cell.id, trial: round, attempt: start.attempt, dataset: datasets.get(pc.dataset) as Dataset, temperature: pc.temperature, settings: s,
            adapter: engineAdapter(group.engine.name), engine, signal: opts.signal, onRecord: recorder,
          });
          await finishTrial(lease, engine, cell, round, start, trial);
        } catch (e) {
          if (opts.signal?.aborted) return true;
          await failTrial(lease, engine, cell, e);
        }
        save();
      }
      return false;
    } finally {
      await closeLease(lease);
    }
  }

  /**
   * interleave: request. The engines of one draft (`groups`), up together, run each cell's trial
   * at once, taking its prompts in turn (A B B A ...), so whatever the machine does within a
   * trial lands on every engine. Returns true if interrupted.
   */
  async function runDraftTogether(groups: { group: CellGroup; cells: PlannedCell[] }[], round: number): Promise<boolean> {
    const leases: Lease[] = [];
    try {
      for (const g of groups) {
        const lease = await openLease(g.group, g.cells[0] as PlannedCell, false);
        if (!lease) return true;
        leases.push(lease);
      }
      const gaveUp = new Set<Lease>(); // engines that could not start this round
      // every engine up first, then all warmed up in turn just before the trials, so none has
      // sat idle while the others started (the one launched first would otherwise run colder)
      for (const [k, g] of groups.entries()) {
        const engine = await ensureEngine(leases[k] as Lease, g.cells, round, false);
        if (engine === 'interrupted') return true;
        if (engine === 'failed') gaveUp.add(leases[k] as Lease);
      }
      for (let w = 0; w < s.warmup; w++) {
        const turn = w % 2 === 0 ? leases.map((_, k) => k) : leases.map((_, k) => k).reverse();
        for (const k of turn) {
          const lease = leases[k] as Lease, first = (groups[k] as { cells: PlannedCell[] }).cells[0] as PlannedCell;
          if (!lease.engine || gaveUp.has(lease)) continue;
          try {
            await warmup({ dataset: datasets.get(first.dataset) as Dataset, temperature: first.temperature, settings: s, adapter: engineAdapter(lease.group.engine.name), engine: lease.engine, signal: opts.signal }, 1, w);
          } catch {
            if (opts.signal?.aborted) return true;
            await dropEngine(lease); // relaunched, and warmed up alone, when its first trial comes
          }
        }
      }
      // the slots (dataset, temperature) in the first engine's shuffled order, then any others
      const slotOf = (pc: PlannedCell) => `${pc.dataset}|${pc.temperature}`;
      const slots = [...new Set(groups.flatMap((g) => g.cells.map(slotOf)))];
      for (const slot of slots) {
        if (opts.signal?.aborted) return true;
        const started: { lease: Lease; engine: EngineHandle; cell: Cell; pc: PlannedCell; start: TrialStart }[] = [];
        for (const [k, g] of groups.entries()) {
          const lease = leases[k] as Lease;
          const at = g.cells.findIndex((pc) => slotOf(pc) === slot);
          if (at < 0 || gaveUp.has(lease)) continue;
          const pc = g.cells[at] as PlannedCell;
          const engine = await ensureEngine(lease, g.cells.slice(at), round);
          if (engine === 'interrupted') return true;
          if (engine === 'failed') { gaveUp.add(lease); continue; }
          const cell = cellById.get(pc.id) as Cell;
          try {
            started.push({ lease, engine, cell, pc, start: await startTrial(lease, engine, cell, round) });
          } catch (e) {
            if (opts.signal?.aborted) return true;
            await failTrial(lease, engine, cell, e);
          }
        }
        const outcomes = await runTrialsInterleaved(started.map((r) => ({
          cellId: r.cell.id, trial: round, attempt: r.start.attempt, dataset: datasets.get(r.pc.dataset) as Dataset, temperature: r.pc.temperature, settings: s,
          adapter: engineAdapter(r.lease.group.engine.name), engine: r.engine, signal: opts.signal, onRecord: recorder,
        })));
        if (opts.signal?.aborted) return true;
        for (const [k, r] of started.entries()) {
          const o = outcomes[k] as InterleavedOutcome;
          try {
            if ('error' in o) throw o.error;
            await finishTrial(r.lease, r.engine, r.cell, round, r.start, o);
          } catch (e) {
            await failTrial(r.lease, r.engine, r.cell, e);
          }
        }
        save();
      }
      return false;
    } finally {
      for (const lease of leases) await closeLease(lease);
    }
  }
}
