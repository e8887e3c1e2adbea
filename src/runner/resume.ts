// Resuming a run (--resume DIR): its result.json as it was, or, when that is damaged or missing,
// the result rebuilt by replaying the journal (requests.jsonl) over the suite it names. The run
// keeps its suite (a changed suite is refused), its shard and its precision targets; its failed
// cells run again.
import { existsSync, lstatSync, readlinkSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Settings, Suite } from '../suite/types.ts';
import { loadSuite, suiteAsRun, suiteSettingsDiff } from '../suite/load.ts';
import { ResultError, type ResultFile } from '../result/schema.ts';
import { loadResult } from '../result/store.ts';
import { readJournal, restoreFromJournal, sealJournal, type Journal } from './journal.ts';
import { planShard } from './shard.ts';
import { newResult, unwritableDir, type OpenedRun } from './start.ts';
import { attachSuite } from './attach.ts';
import { RunInputError, type RunEvent, type RunOptions } from './session.ts';

/**
 * A result rebuilt from the journal of `dir` and the suite it names, for a resume whose
 * result.json is damaged or missing (`why`). The damaged file is kept beside it.
 */
export function rebuildResult(dir: string, journal: Journal, why: string, emit: (e: RunEvent) => void): { result: ResultFile; suite: Suite } {
  const run = journal.run;
  if (!run) {
    throw new RunInputError(`${why.replace(/ -- .*$/, '')}; its journal ${join(dir, 'requests.jsonl')} ${existsSync(join(dir, 'requests.jsonl')) ? 'has no run line (written by an older prism-bench)' : 'is missing too'}, so there is nothing to rebuild it from -- start a new run with another --out`);
  }
  const suite = suiteOfRun(run.suiteFile, run.options);
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

/** The result and suite of the run in `dir`: result.json as it is, or rebuilt from the journal. */
function loadRun(dir: string, resumeDir: string, journal: Journal, emit: (e: RunEvent) => void): { result: ResultFile; suite: Suite } {
  let loaded: ResultFile;
  try {
    loaded = loadResult(dir);
  } catch (e) {
    if (!(e instanceof ResultError)) throw e;
    return rebuildResult(dir, journal, e.message, emit);
  }
  if (loaded.sweep) throw new RunInputError(`--resume ${resumeDir}: this is a sweep merged from shards, not a run -- continue the sweep with prism-bench slurm submit --resume SWEEP_DIR, then merge it again`);
  return { result: loaded, suite: suiteOfRun(loaded.suiteFile, loaded.options) };
}

/** The suite a run ran: the file with its --quick and overrides, reduced to the server it attached to (if it did). */
function suiteOfRun(file: string, options: ResultFile['options']): Suite {
  const suite = loadSuite(file, { quick: options.quick, overrides: options.overrides });
  return options.attach ? attachSuite(suite, options.attach) : suite;
}

/** The settings a result recorded with its suite (a result from before a setting existed lacks it). */
function recordedSettings(suite: Record<string, unknown>): { settings: Partial<Settings> } {
  const s = suite.settings;
  return { settings: typeof s === 'object' && s !== null ? s : {} };
}

/** The options of a resumed run: the precision targets it started with, unless given again. */
function keptTargets(opts: RunOptions, recorded: ResultFile['options']): RunOptions {
  let out = opts;
  if (out.targetCi === undefined && typeof recorded.targetCi === 'number') out = { ...out, targetCi: recorded.targetCi };
  if (out.targetMde === undefined && typeof recorded.targetMde === 'number') {
    const pair = typeof recorded.pair === 'string' ? recorded.pair.split(':') : null;
    out = { ...out, targetMde: recorded.targetMde, ...(pair ? { pair: { base: pair[0] ?? '', head: pair[1] ?? '' } } : {}) };
  }
  return out;
}

/** A journal that is a symbolic link to nothing: appending would create the journal at the link's target, outside the run. */
function refuseDanglingJournal(file: string): void {
  let link: string | null;
  try { link = lstatSync(file).isSymbolicLink() ? readlinkSync(file) : null; } catch { return; }
  if (link !== null && !existsSync(file)) throw new RunInputError(`${file}: is a symbolic link to ${link}, which does not exist -- put the run's journal back in its place, or remove the link`);
}

/** Opens the run in `opts.resumeDir` to continue it: its journal, result and suite; failed cells are reset to run again. */
export function openResumedRun(opts: RunOptions, emit: (e: RunEvent) => void): OpenedRun {
  const resumeDir = opts.resumeDir ?? '';
  const dir = resolve(resumeDir);
  if (!existsSync(dir)) throw new RunInputError(`--resume ${resumeDir}: no such directory -- give the directory of the run to continue, such as results/<time>-<suite>`);
  refuseDanglingJournal(join(dir, 'requests.jsonl'));
  const journal = readJournal(join(dir, 'requests.jsonl'));
  const { result, suite } = loadRun(dir, resumeDir, journal, emit);
  const diff = suiteSettingsDiff(suiteAsRun(suite), recordedSettings(result.suite));
  if (diff.length) throw new RunInputError(`${result.suiteFile}: the suite changed since the run in ${dir} started (${diff.join('; ')}) -- restore it, or start a new run`);
  for (const c of result.cells) if (c.status === 'failed') { c.status = 'pending'; c.trials = []; delete c.error; c.metrics = {}; }
  const journalFile = join(dir, 'requests.jsonl');
  let sealed: ReturnType<typeof sealJournal>;
  try {
    sealed = sealJournal(journalFile);
  } catch (e) {
    throw unwritableDir(dir, e, 'make it writable, or copy the run directory somewhere writable and resume the copy');
  }
  if (sealed.kind === 'set-aside') emit({ type: 'note', message: `${journalFile}: its last line was cut short (${sealed.bytes} bytes, no newline: a crash mid-write); set aside in ${sealed.file}, the journal goes on from a fresh line` });
  return { dir, suite, journal, result, options: keptTargets(opts, result.options) };
}
