// The two sbatch scripts of a sweep submission: a job array with one task per shard (task id =
// shard number), and a merge job the submitter chains after it with --dependency=afterany.
// Every path is absolute, because the tasks start on other nodes (a shared filesystem is assumed).
import { join } from 'node:path';
import type { SlurmOptions } from '../sweep/manifest.ts';
import { mergedDir, slurmDir } from '../sweep/manifest.ts';
import { shellQuote } from '../shell.ts';

export interface ScriptContext {
  sweepId: string;
  sweepDir: string;
  suiteFile: string;
  suiteName: string;
  quick: boolean;
  shardCount: number;
  /** the shards this submission runs */
  shards: number[];
  slurm: SlurmOptions;
  /** the node binary and prism-bench entry the tasks run (this installation's) */
  node: string;
  bin: string;
  /** working directory of the tasks (the submitter's) */
  cwd: string;
}


/** Slurm's --array syntax for a set of task ids: "1-3,5,7-8". */
export function arraySpec(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function commonDirectives(c: ScriptContext, withGpus: boolean): string[] {
  const out = [`#SBATCH --ntasks=1`, `#SBATCH --chdir=${c.cwd}`];
  if (c.slurm.partition) out.push(`#SBATCH --partition=${c.slurm.partition}`);
  if (c.slurm.time) out.push(`#SBATCH --time=${c.slurm.time}`);
  if (withGpus && c.slurm.gpusPerTask) out.push(`#SBATCH --gpus-per-task=${c.slurm.gpusPerTask}`);
  for (const a of c.slurm.sbatchArgs) out.push(`#SBATCH ${a}`);
  return out;
}

const jobName = (suiteName: string) => `prism-${suiteName.replace(/[^\w.-]+/g, '_')}`;

export function arrayScript(c: ScriptContext): string {
  const q = shellQuote;
  const run = `${q(c.node)} ${q(c.bin)} run`;
  return `#!/bin/bash
# prism-bench sweep ${c.sweepId}: suite ${c.suiteFile}, shards ${arraySpec(c.shards)} of ${c.shardCount}.
# Written by prism-bench slurm submit; each array task runs one shard (task id = shard number).
#SBATCH --job-name=${jobName(c.suiteName)}
#SBATCH --array=${arraySpec(c.shards)}
#SBATCH --output=${join(slurmDir(c.sweepDir), 'shard-%a-job-%A.out')}
${commonDirectives(c, true).join('\n')}
set -eu
shard="\${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID to a shard number from 1 to ${c.shardCount}}"
dir=${q(join(c.sweepDir, 'shards'))}/"$shard"
# a shard that already started (resubmitted by slurm submit --resume) continues where it stopped;
# exec, so scancel's SIGTERM reaches prism-bench, which stops its engine and saves finished cells
if [ -e "$dir/requests.jsonl" ]; then
  exec ${run} --resume "$dir"
fi
exec ${run} --suite ${q(c.suiteFile)} --shard "$shard/${c.shardCount}" --out "$dir"${c.quick ? ' --quick' : ''}
`;
}

export function mergeScript(c: ScriptContext): string {
  const q = shellQuote;
  return `#!/bin/bash
# prism-bench sweep ${c.sweepId}: merges the shards into ${mergedDir(c.sweepDir)} once the array has ended
# (submitted with --dependency=afterany on the array, so it runs whether or not every shard succeeded).
#SBATCH --job-name=${jobName(c.suiteName)}-merge
#SBATCH --output=${join(slurmDir(c.sweepDir), 'merge-job-%j.out')}
${commonDirectives(c, false).join('\n')}
set -eu
exec ${q(c.node)} ${q(c.bin)} merge ${q(c.sweepDir)} --out ${q(mergedDir(c.sweepDir))}
`;
}
