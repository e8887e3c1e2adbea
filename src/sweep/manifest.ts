// The sweep directory and its manifest, sweep.json: what `slurm submit` planned (the suite as run,
// every shard with its cells) and what it submitted, so `merge`, `slurm status` and
// `slurm submit --resume` need nothing but the directory.
//
//   SWEEP/sweep.json            this manifest
//   SWEEP/shards/<i>/           shard i's standard result directory (run --shard i/n --out ...)
//   SWEEP/slurm/                the sbatch scripts of each submission and Slurm's output files
//   SWEEP/merged/               what the merge job writes (merge SWEEP --out SWEEP/merged)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../result/store.ts';
import { PrismInputError, messageOf } from '../errors.ts';

export const SWEEP_MANIFEST_VERSION = 1;

/** A sweep input problem (exit 2): one line naming the file or flag, the problem and the fix. */
export class SweepError extends PrismInputError {}

const cellSchema = z.object({
  id: z.string(), engine: z.string(), draft: z.string(), method: z.string(), dataset: z.string(), temperature: z.number(),
});

const shardSchema = z.object({
  /** 1-based: the array task id and the N of `--shard N/count` */
  index: z.int().min(1),
  /** engine/dataset groups, e.g. ["reference/chat"] */
  units: z.array(z.string()).min(1),
  cells: z.array(cellSchema),
});

const submissionSchema = z.object({
  submittedAt: z.string(),
  /** the shard indices this submission's array runs */
  shards: z.array(z.int().min(1)),
  /** null when the scripts were only written (--print) */
  arrayJobId: z.string().nullable(),
  mergeJobId: z.string().nullable(),
  /** the scripts, relative to the sweep directory */
  arrayScript: z.string(),
  mergeScript: z.string(),
});

const slurmOptionsSchema = z.object({
  partition: z.string().nullable(),
  gpusPerTask: z.int().nullable(),
  time: z.string().nullable(),
  sbatchArgs: z.array(z.string()),
});

const manifestSchema = z.object({
  kind: z.literal('prism-bench-sweep'),
  version: z.literal(SWEEP_MANIFEST_VERSION),
  sweepId: z.string(),
  createdAt: z.string(),
  /** absolute path: every node reads the same file (a shared filesystem is assumed) */
  suiteFile: z.string(),
  quick: z.boolean(),
  /** the suite as run (suiteAsRun), to refuse shards or resumes after the suite changed */
  suite: z.record(z.string(), z.unknown()),
  shards: z.array(shardSchema).min(1),
  slurm: slurmOptionsSchema,
  submissions: z.array(submissionSchema),
});

export type SweepCell = z.infer<typeof cellSchema>;
export type SweepShard = z.infer<typeof shardSchema>;
export type SweepSubmission = z.infer<typeof submissionSchema>;
export type SlurmOptions = z.infer<typeof slurmOptionsSchema>;
export type SweepManifest = z.infer<typeof manifestSchema>;

export const manifestPath = (sweepDir: string) => join(sweepDir, 'sweep.json');
export const shardDir = (sweepDir: string, index: number) => join(sweepDir, 'shards', String(index));
export const slurmDir = (sweepDir: string) => join(sweepDir, 'slurm');
export const mergedDir = (sweepDir: string) => join(sweepDir, 'merged');

export function writeManifest(sweepDir: string, m: SweepManifest): void {
  writeFileAtomic(manifestPath(sweepDir), JSON.stringify(m, null, 2) + '\n');
}

/** Reads and validates SWEEP/sweep.json; a SweepError names the file, the field and the fix. */
export function readManifest(sweepDir: string): SweepManifest {
  const file = manifestPath(sweepDir);
  if (!existsSync(file)) {
    throw new SweepError(`${file}: no such file -- give the sweep directory that prism-bench slurm submit created (it holds sweep.json and shards/)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SweepError(`${file}: not valid JSON (${messageOf(e)}) -- the manifest is damaged; submit the suite again into a new sweep directory`);
  }
  const r = manifestSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '') || '(top level)';
    throw new SweepError(`${file}: ${where}: ${issue.message} -- the file is not a prism-bench sweep manifest (or was edited by hand); submit the suite again into a new sweep directory`);
  }
  return r.data;
}
