// `slurm submit`: plans a sweep (one shard per engine x dataset group unless told fewer), writes its
// manifest and sbatch scripts, and submits the array and the merge job chained after it. With
// --resume it resubmits only the shards whose files say they did not finish and which Slurm is
// not still running. Every input is checked before anything is written or submitted.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadSuite, suiteAsRun } from '../suite/load.ts';
import { loadSuiteDatasets } from '../suite/datasets.ts';
import { checkSuiteEngines } from '../engines/check.ts';
import { shardUnits } from '../runner/shard.ts';
import { writeFileAtomic } from '../result/store.ts';
import { entryScript } from '../assets.ts';
import { planSweep } from '../sweep/plan.ts';
import { SweepError, readManifest, slurmDir, writeManifest, type SlurmOptions, type SweepManifest, type SweepSubmission } from '../sweep/manifest.ts';
import { readShards, shardFinished } from '../sweep/state.ts';
import { arrayScript, mergeScript, type ScriptContext } from './script.ts';
import { onPath, sbatch } from './commands.ts';
import { LIVE_STATES, shardJobId, sweepJobs } from './jobs.ts';
import { shellQuote } from '../shell.ts';

export interface SubmitOptions {
  suiteFile?: string;
  /** the sweep directory to create (default results/<time>-<suite>-sweep) */
  outDir?: string;
  quick?: boolean;
  /** how many shards (default: one per engine x dataset group) */
  shards?: number;
  /** flags given on this command line; with --resume they replace the sweep's stored ones */
  slurm: Partial<SlurmOptions>;
  /** write the scripts and the manifest, submit nothing */
  print?: boolean;
  resumeDir?: string;
}

export interface SubmitOutcome {
  sweepDir: string;
  manifest: SweepManifest;
  /** null when --resume found nothing to resubmit */
  submission: SweepSubmission | null;
  arrayScriptText: string;
  mergeScriptText: string;
  /** shards --resume left alone, with why */
  skipped: { index: number; reason: string }[];
}

// Slurm's --time forms: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED/INFINITE
const TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i;

/** One-line problems with the Slurm flags; null when all are usable. */
export function slurmOptionsProblem(o: Partial<SlurmOptions>): string | null {
  if (o.partition !== undefined && o.partition !== null && !/^[\w.,-]+$/.test(o.partition)) return `--partition ${o.partition}: expected a partition name (letters, digits, _ . - and commas) -- list them with sinfo -s`;
  if (o.gpusPerTask !== undefined && o.gpusPerTask !== null && (!Number.isInteger(o.gpusPerTask) || o.gpusPerTask < 1 || o.gpusPerTask > 64)) return `--gpus-per-task ${o.gpusPerTask}: expected a whole number from 1 to 64 -- one engine per task usually needs 1`;
  if (o.time !== undefined && o.time !== null && !TIME.test(o.time)) return `--time ${o.time}: not a Slurm time limit -- use minutes, HH:MM:SS or D-HH:MM:SS, such as 4:00:00`;
  for (const a of o.sbatchArgs ?? []) {
    if (!/^--?[A-Za-z]/.test(a) || /[\r\n]/.test(a)) return `--sbatch-arg ${JSON.stringify(a)}: expected one sbatch option such as --account=myproj or --qos=normal (written on its own #SBATCH line) -- give each option in its own --sbatch-arg`;
    if (/^--?(array|output|dependency|chdir|job-name)\b/.test(a)) return `--sbatch-arg ${a}: prism-bench sets this option itself -- remove it`;
  }
  return null;
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);

function checkSbatch(print: boolean | undefined): void {
  if (!print && !onPath('sbatch')) throw new SweepError(`sbatch: not found on PATH -- run slurm submit on a Slurm login node, or add --print to write the scripts without submitting`);
}

export async function submitSweep(opts: SubmitOptions): Promise<SubmitOutcome> {
  const problem = slurmOptionsProblem(opts.slurm);
  if (problem) throw new SweepError(problem);
  return opts.resumeDir ? resumeSweep(opts, resolve(opts.resumeDir)) : newSweep(opts);
}

async function newSweep(opts: SubmitOptions): Promise<SubmitOutcome> {
  if (!opts.suiteFile) throw new SweepError('--suite: required -- name the suite to sweep, such as --suite suites/default.yaml (or continue a sweep with --resume SWEEP_DIR)');
  const suite = loadSuite(opts.suiteFile, { quick: opts.quick });
  checkSuiteEngines(suite);
  loadSuiteDatasets(suite); // a dataset mistake is found here, not on every node
  const units = shardUnits(suite).length;
  const count = opts.shards ?? units;
  if (!Number.isInteger(count) || count < 1 || count > units) {
    throw new SweepError(`--shards ${count}: ${suite.file} has ${units} engine x dataset group${units === 1 ? '' : 's'}, a shard holds one or more whole groups -- use a number from 1 to ${units}`);
  }
  const sweepDir = resolve(opts.outDir ?? join('results', `${stamp()}-${suite.name}-sweep`));
  checkPath('--out', sweepDir);
  checkPath('--suite', suite.file);
  if (existsSync(join(sweepDir, 'sweep.json'))) throw new SweepError(`--out ${sweepDir}: already holds a sweep (sweep.json) -- continue it with --resume ${shellQuote(sweepDir)}, or choose another --out`);
  checkSbatch(opts.print);
  const manifest: SweepManifest = {
    kind: 'prism-bench-sweep', version: 1, sweepId: randomUUID(), createdAt: new Date().toISOString(),
    suiteFile: suite.file, quick: Boolean(opts.quick), suite: suiteAsRun(suite),
    shards: planSweep(suite, count),
    slurm: { partition: opts.slurm.partition ?? null, gpusPerTask: opts.slurm.gpusPerTask ?? null, time: opts.slurm.time ?? null, sbatchArgs: opts.slurm.sbatchArgs ?? [] },
    submissions: [],
  };
  return submit(sweepDir, manifest, manifest.shards.map((s) => s.index), [], opts.print);
}

async function resumeSweep(opts: SubmitOptions, sweepDir: string): Promise<SubmitOutcome> {
  if (opts.suiteFile !== undefined) throw new SweepError(`--suite: a resumed sweep keeps its suite (${join(sweepDir, 'sweep.json')}) -- remove --suite`);
  if (opts.shards !== undefined) throw new SweepError(`--shards: a resumed sweep keeps the shards it was planned with -- remove --shards`);
  if (opts.outDir !== undefined) throw new SweepError(`--out: a resumed sweep stays in its own directory, ${sweepDir} -- remove --out`);
  const manifest = readManifest(sweepDir);
  // the shards will load the suite file again: it must still be the suite the sweep started with
  const suite = suiteAsRun(loadSuite(manifest.suiteFile, { quick: manifest.quick }));
  const stored = manifest.suite;
  for (const key of ['engines', 'drafts', 'datasets', 'settings'] as const) {
    if (JSON.stringify(suite[key]) !== JSON.stringify(stored[key])) {
      throw new SweepError(`${manifest.suiteFile}: ${key}: changed since the sweep was submitted -- restore the suite file, or submit the new suite as a new sweep`);
    }
  }
  Object.assign(manifest.slurm, Object.fromEntries(Object.entries(opts.slurm).filter(([, v]) => v !== undefined)));
  checkSbatch(opts.print);
  const unfinished = readShards(sweepDir, manifest).filter((s) => !shardFinished(s)).map((s) => s.shard.index);
  const skipped: { index: number; reason: string }[] = [];
  let todo = unfinished;
  if (!opts.print && manifest.submissions.some((s) => s.arrayJobId)) {
    const { states } = await sweepJobs(manifest);
    todo = unfinished.filter((index) => {
      const id = shardJobId(manifest, index);
      const state = id ? states.get(id)?.state : undefined;
      if (id && state && LIVE_STATES.has(state)) { skipped.push({ index, reason: `job ${id} is ${state}` }); return false; }
      return true;
    });
  }
  return submit(sweepDir, manifest, todo, skipped, opts.print);
}

/** Slurm's #SBATCH lines and the scripts' paths cannot carry whitespace. */
function checkPath(flag: string, path: string): void {
  if (/\s/.test(path)) throw new SweepError(`${flag} ${path}: the path has whitespace, which #SBATCH lines cannot carry -- use a path without spaces`);
}

async function submit(sweepDir: string, manifest: SweepManifest, shards: number[], skipped: SubmitOutcome['skipped'], print?: boolean): Promise<SubmitOutcome> {
  const n = manifest.submissions.length + 1;
  const ctx: ScriptContext = {
    sweepId: manifest.sweepId, sweepDir, suiteFile: manifest.suiteFile, suiteName: String(manifest.suite.name ?? 'suite'),
    quick: manifest.quick, shardCount: manifest.shards.length, shards, slurm: manifest.slurm,
    node: process.execPath, bin: entryScript(), cwd: process.cwd(),
  };
  const texts = { arrayScriptText: shards.length ? arrayScript(ctx) : '', mergeScriptText: mergeScript(ctx) };
  if (shards.length === 0) return { sweepDir, manifest, submission: null, ...texts, skipped };
  mkdirSync(join(sweepDir, 'shards'), { recursive: true });
  mkdirSync(slurmDir(sweepDir), { recursive: true });
  const arrayFile = join(slurmDir(sweepDir), `shards-${n}.sbatch`);
  const mergeFile = join(slurmDir(sweepDir), `merge-${n}.sbatch`);
  writeFileAtomic(arrayFile, texts.arrayScriptText);
  writeFileAtomic(mergeFile, texts.mergeScriptText);
  const submission: SweepSubmission = {
    submittedAt: new Date().toISOString(), shards, arrayJobId: null, mergeJobId: null,
    arrayScript: relative(sweepDir, arrayFile), mergeScript: relative(sweepDir, mergeFile),
  };
  manifest.submissions.push(submission);
  writeManifest(sweepDir, manifest);
  if (print) return { sweepDir, manifest, submission, ...texts, skipped };
  try {
    submission.arrayJobId = await sbatch(arrayFile);
  } catch (e) {
    manifest.submissions.pop(); // nothing was submitted: the sweep stays as it was
    writeManifest(sweepDir, manifest);
    throw e;
  }
  writeManifest(sweepDir, manifest); // recorded at once: the array runs even if the merge submission fails
  submission.mergeJobId = await sbatch(mergeFile, [`--dependency=afterany:${submission.arrayJobId}`]);
  writeManifest(sweepDir, manifest);
  return { sweepDir, manifest, submission, ...texts, skipped };
}
