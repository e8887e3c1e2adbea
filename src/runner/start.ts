// A new run: the checks of its input before anything is created (the suite, the shard, the run
// directory), then its result and the journal's first line, once every check has passed.
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Suite } from '../suite/types.ts';
import { loadSuite, suiteAsRun } from '../suite/load.ts';
import { RESULT_SCHEMA_VERSION, type Cell, type ResultFile } from '../result/schema.ts';
import { appendJsonLine } from '../result/store.ts';
import { resolveEngineCpus } from '../engines/placement.ts';
import { packageVersion } from '../version.ts';
import { readJournal, type Journal, type RunLine } from './journal.ts';
import type { CellGroup } from './plan.ts';
import { planShard, shardSpecProblem, shardUnits, unitsOfShard } from './shard.ts';
import { attachSuite } from './attach.ts';
import { RunInputError, type RunDeps, type RunOptions } from './session.ts';
import { errnoCode, messageOf } from '../errors.ts';
import { shellQuote } from '../shell.ts';

/** Whether `path` exists as a name, a symbolic link (dangling or not) included. */
function nameExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A run file of `dir` that already exists: refused. A symbolic link counts even when it points
 * nowhere: appending to a dangling requests.jsonl link would create the journal at its target,
 * outside the run directory.
 */
function refuseExisting(dir: string): void {
  const journal = join(dir, 'requests.jsonl');
  if (nameExists(journal) && lstatSync(journal).isSymbolicLink()) {
    throw new RunInputError(`${journal}: is a symbolic link (to ${readlinkSync(journal)}) -- a run writes its journal inside its own directory; remove the link, or choose another --out`);
  }
  if (nameExists(join(dir, 'result.json'))) throw new RunInputError(`${dir}: already holds a result.json -- choose another --out, or continue it with --resume ${shellQuote(dir)}`);
  if (nameExists(journal)) throw new RunInputError(`${dir}: already holds a run's journal (requests.jsonl) -- continue that run with --resume ${shellQuote(dir)} (it rebuilds result.json), or choose another --out`);
}

/** The refusal of a run directory that cannot be written (`e`: the failed call), naming the directory and the fix. */
export function unwritableDir(dir: string, e: unknown, fix = 'make it writable, or choose another --out'): RunInputError {
  return new RunInputError(`${dir}: cannot write the run directory (${errnoCode(e) ?? messageOf(e)}) -- ${fix}`);
}

/**
 * Refuses an --out the run could not create or write, before anything is measured: the nearest
 * existing part of the path must be a directory this process may write in. (access() passes
 * everything for root; createResult's own mkdir and first write catch what it cannot see.)
 */
function checkWritable(dir: string): void {
  let p = dir;
  while (!nameExists(p) && dirname(p) !== p) p = dirname(p);
  let isDir: boolean;
  try { isDir = statSync(p).isDirectory(); } catch (e) { throw unwritableDir(dir, e); }
  if (!isDir) throw new RunInputError(`${dir}: cannot create the run directory: ${p} is a file, not a directory -- choose another --out`);
  try {
    accessSync(p, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw unwritableDir(dir, e);
  }
}

/** A run opened for measuring: new, or resumed (with the result it had). */
export interface OpenedRun {
  dir: string;
  suite: Suite;
  journal: Journal;
  /** null for a new run: made by createResult once every input check has passed */
  result: ResultFile | null;
  /** the options, with what a resumed run keeps from its start */
  options: RunOptions;
}

/** A result with every planned cell pending; `run` (the journal's run line) when rebuilding one. */
export function newResult(suite: Suite, options: ResultFile['options'], fingerprint: Record<string, unknown>, groups: CellGroup[], run?: RunLine): ResultFile {
  const now = new Date().toISOString();
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: run?.tool ?? { name: 'prism-bench', version: packageVersion() },
    runId: run?.runId ?? randomUUID(),
    createdAt: run?.createdAt ?? now,
    updatedAt: now,
    status: 'running',
    suiteFile: suite.file,
    suite: { ...suiteAsRun(suite) },
    options,
    fingerprint,
    engines: {},
    cells: groups.flatMap((g) => g.cells.map((c): Cell => ({
      id: c.id, engine: c.engineName, draft: c.draft.name, method: c.draft.method, dataset: c.dataset,
      temperature: c.temperature, status: 'pending', trials: [], metrics: {},
    }))),
  };
}

/** The Slurm job an array task runs in, from the environment Slurm sets (absent outside Slurm). */
function slurmJob(): { slurmJob?: string } {
  const { SLURM_ARRAY_JOB_ID: array, SLURM_ARRAY_TASK_ID: task, SLURM_JOB_ID: job } = process.env;
  if (array && task) return { slurmJob: `${array}_${task}` };
  return job ? { slurmJob: job } : {};
}

/** A new run's suite and directory, after the checks that need nothing but the options. */
export function openNewRun(opts: RunOptions): OpenedRun {
  const loaded = loadSuite(opts.suiteFile, { quick: opts.quick, overrides: opts.overrides });
  const suite = opts.attach ? attachSuite(loaded, opts.attach) : loaded;
  if (opts.shard) {
    const units = shardUnits(suite).length;
    const problem = shardSpecProblem(opts.shard, units);
    if (problem) throw new RunInputError(`${suite.file}: --shard ${opts.shard.index}/${opts.shard.count}: ${problem} -- use --shard i/n with n from 1 to ${units}`);
    if (opts.pair) throw new RunInputError(`--pair: a shard holds one engine's cells, so the two engines of a pair run in different shards -- run the paired suite without --shard`);
  }
  const dir = resolve(opts.outDir ?? join('results', `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${suite.name}`));
  refuseExisting(dir);
  checkWritable(dir);
  return { dir, suite, journal: readJournal(join(dir, 'requests.jsonl')), result: null, options: opts };
}

/** A new run's result, with this machine's fingerprint; creates the directory and writes the journal's run line. */
export async function createResult(run: OpenedRun, deps: RunDeps): Promise<ResultFile> {
  const { suite, dir, options: opts } = run;
  const fingerprint = await deps.fingerprint(resolveEngineCpus(suite.settings.engineCpus));
  const options: ResultFile['options'] = { quick: Boolean(opts.quick), targetCi: opts.targetCi ?? null, targetMde: opts.targetMde ?? null, pair: opts.pair ? `${opts.pair.base}:${opts.pair.head}` : null };
  if (opts.overrides) options.overrides = opts.overrides;
  if (opts.attach) options.attach = opts.attach;
  if (opts.shard) options.shard = { ...opts.shard, units: unitsOfShard(shardUnits(suite), opts.shard).map((u) => u.key), ...slurmJob() };
  const result = newResult(suite, options, fingerprint, planShard(suite, opts.shard));
  const header: RunLine = { kind: 'run', runId: result.runId, createdAt: result.createdAt, tool: result.tool, suiteFile: result.suiteFile, suite: result.suite, options, fingerprint };
  try {
    mkdirSync(dir, { recursive: true });
    appendJsonLine(join(dir, 'requests.jsonl'), header);
  } catch (e) {
    // still before any engine starts: a directory refused here (EPERM, EROFS, ...) is the input's fault
    throw unwritableDir(dir, e);
  }
  return result;
}
