// Runs a suite: every cell's trials, round by round, each engine launched as its own process
// for its draft, results written atomically after every cell so an interrupted run keeps what
// it finished and --resume continues from there. This module puts the run's parts together:
//   start.ts / resume.ts  open a new run or continue one (rebuilt from its journal if need be);
//   session.ts            the run's shared state, events and result.json;
//   stopping.ts           which cells run a trial in which round (precision targets);
//   schedule*.ts          the order and the interleaving of each round's trials;
//   leases.ts             the engine processes (launch, warm-up, keep or stop);
//   executor.ts           one trial of one cell.
// Engines are reached through `deps` (the real registry by default), so tests can run it on an
// in-process fake engine.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Suite } from '../suite/types.ts';
import { loadSuiteDatasets } from '../suite/datasets.ts';
import { collectFingerprint } from '../hardware/fingerprint.ts';
import { engineAdapter } from '../engines/index.ts';
import { checkSuiteEngines } from '../engines/check.ts';
import { planShard } from './shard.ts';
import { planRound, type ScheduleStrategy, type StrategyContext } from './schedule.ts';
import { trialStrategy } from './schedule-trial.ts';
import { requestStrategy } from './schedule-request.ts';
import { EngineLeases } from './leases.ts';
import { TrialExecutor } from './executor.ts';
import { StoppingPolicy } from './stopping.ts';
import { createResult, openNewRun, unwritableDir, type OpenedRun } from './start.ts';
import { openResumedRun } from './resume.ts';
import { JournalWriteError, RunInputError, RunSession, messageOf, type RunDeps, type RunEvent, type RunOptions, type RunOutcome } from './session.ts';
import { errnoCode } from '../errors.ts';

export { JournalWriteError, RunInputError, type EngineRegistry, type RunDeps, type RunEvent, type RunOptions, type RunOutcome } from './session.ts';
export { suiteThroughputMde } from './stopping.ts';

/** The real engines, this machine's fingerprint, the process's monotonic clock. */
export const DEFAULT_DEPS: RunDeps = {
  engines: { adapter: engineAdapter, check: checkSuiteEngines },
  fingerprint: async (engineCpus) => ({ ...await collectFingerprint({ engineCpus }) }),
  now: () => performance.now(),
};

/** Every input check of a run that needs its suite, before anything is created, measured or launched. */
function checkInputs(suite: Suite, opts: RunOptions, deps: RunDeps): void {
  deps.engines.check(suite);
  if (opts.pair) {
    const labels = suite.engines.map((e) => e.label ?? e.name);
    for (const l of [opts.pair.base, opts.pair.head]) {
      if (!labels.includes(l)) throw new RunInputError(`${suite.file}: --pair names engine '${l}', but the suite's engines are ${labels.map((x) => `'${x}'`).join(', ')} -- use their labels`);
    }
  }
}

/** The run `opts` asks for, new or resumed, checked and ready to measure. */
async function openSession(opts: RunOptions, deps: RunDeps): Promise<RunSession> {
  const emit = (e: RunEvent) => opts.onEvent?.(e);
  if (opts.resumeDir && opts.outDir && resolve(opts.outDir) !== resolve(opts.resumeDir)) {
    throw new RunInputError(`--out ${opts.outDir}: a resumed run stays in its own directory, ${resolve(opts.resumeDir)} -- leave out --out, or copy the run directory to ${opts.outDir} and resume the copy`);
  }
  const run: OpenedRun = opts.resumeDir ? openResumedRun(opts, emit) : openNewRun(opts);
  checkInputs(run.suite, run.options, deps);
  const datasets = loadSuiteDatasets(run.suite);
  const result = run.result ?? await createResult(run, deps);
  try {
    mkdirSync(join(run.dir, 'logs'), { recursive: true });
  } catch (e) {
    throw unwritableDir(run.dir, e, opts.resumeDir ? 'make it writable, or copy the run directory somewhere writable and resume the copy' : undefined);
  }
  return new RunSession(run.dir, run.suite, result, planShard(run.suite, result.options.shard), datasets, run.journal.records, run.options, deps);
}

/** Rounds until the stopping policy has no cell left to run, or the run is interrupted. Returns true if interrupted. */
async function runRounds(session: RunSession, stopping: StoppingPolicy, strategy: ScheduleStrategy): Promise<boolean> {
  const { result, settings } = session;
  for (let round = 1; round <= stopping.maxRounds; round++) {
    stopping.beforeRound(round, result);
    if (!result.cells.some((c) => stopping.wants(c, round))) continue;
    const groups = planRound(session.groups, settings.seed, round, (pc) => stopping.wants(session.cell(pc.id), round));
    if (await strategy.runRound(groups, round)) return true;
  }
  return false;
}

/** Runs (or resumes) a suite; `deps` replaces what the run takes from outside (engines, fingerprint, clock). */
export async function runSuite(options: RunOptions, deps: Partial<RunDeps> = {}): Promise<RunOutcome> {
  const session = await openSession(options, { ...DEFAULT_DEPS, ...deps });
  const { result, settings, dir } = session;
  result.status = 'running';
  session.save();
  session.emit({ type: 'start', dir, cells: result.cells.length, trials: settings.trials });
  const stopping = new StoppingPolicy(session.options, settings);
  const leases = new EngineLeases(session);
  const ctx: StrategyContext = { session, leases, executor: new TrialExecutor(session, leases) };
  const strategy = settings.interleave === 'request' ? requestStrategy(ctx) : trialStrategy(ctx);
  let interrupted: boolean;
  try {
    interrupted = await runRounds(session, stopping, strategy);
  } finally {
    await leases.stopAll();
  }
  if (session.journalFailure) throw stoppedOnJournal(session);
  stopping.finish(result, (e) => session.emit(e));
  result.status = interrupted ? 'interrupted' : 'complete';
  session.save();
  return { dir, result, interrupted };
}

/**
 * A run whose journal could not be written: what finished saved into result.json (as an
 * interrupted run, so --resume continues it), and the error that ends the command, saying so.
 */
function stoppedOnJournal(session: RunSession): JournalWriteError {
  const failure = session.journalFailure as JournalWriteError;
  const { result, dir } = session;
  result.status = 'interrupted';
  let saved: string;
  try {
    session.save();
    saved = `${result.cells.reduce((n, c) => n + c.trials.length, 0)} finished trial(s) saved in ${join(dir, 'result.json')}`;
  } catch (e) {
    saved = `result.json could not be saved either (${errnoCode(e) ?? messageOf(e)}); the journal holds what finished before`;
  }
  return new JournalWriteError(failure.file, failure.failure, `${failure.message}: the run stopped at once (its engines stopped), ${saved} -- free the disk or restore the file, then continue with prism-bench run --resume ${dir}`);
}
