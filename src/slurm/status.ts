// `slurm status`: one row per shard with its Slurm job state and what its result files say, plus
// the merge job and the merged result, so a user sees at once what to resume.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mergedDir, readManifest } from '../sweep/manifest.ts';
import { readShards, shardFinished, type ShardFileState } from '../sweep/state.ts';
import { latestMergeJobId, shardJobId, sweepJobs } from './jobs.ts';

export interface ShardStatus {
  index: number;
  units: string[];
  job: string | null;
  /** Slurm's state for the job, "never submitted", or "gone from Slurm" once it has been purged */
  slurmState: string;
  /** the node list (running/ended) or squeue's reason (pending) */
  slurmDetail: string | null;
  files: ShardFileState;
  cells: { ok: number; failed: number; pending: number };
  finished: boolean;
}

export interface SweepStatus {
  sweepDir: string;
  sweepId: string;
  suiteFile: string;
  shards: ShardStatus[];
  merge: { job: string | null; slurmState: string; merged: boolean };
  source: string;
}

export async function sweepStatus(sweepDir: string): Promise<SweepStatus> {
  const manifest = readManifest(sweepDir);
  const { states, source } = await sweepJobs(manifest);
  const describe = (job: string | null) => (job ? states.get(job)?.state ?? 'gone from Slurm' : 'never submitted');
  const shards = readShards(sweepDir, manifest).map((s): ShardStatus => {
    const job = shardJobId(manifest, s.shard.index);
    return {
      index: s.shard.index, units: s.shard.units, job, slurmState: describe(job),
      slurmDetail: (job && states.get(job)?.detail) || null,
      files: s.state, cells: s.counts, finished: shardFinished(s),
    };
  });
  const mergeJob = latestMergeJobId(manifest);
  return {
    sweepDir, sweepId: manifest.sweepId, suiteFile: manifest.suiteFile, shards,
    merge: { job: mergeJob, slurmState: describe(mergeJob), merged: existsSync(join(mergedDir(sweepDir), 'result.json')) },
    source,
  };
}
