// Where a sweep's Slurm jobs stand: squeue for queued and running tasks, then sacct for ended
// ones, or `scontrol show job` where accounting is off (slurmctld remembers ended jobs for
// MinJobAge seconds). A job none of them knows any more reads "gone from Slurm".
import type { SweepManifest } from '../sweep/manifest.ts';
import { sacct, scontrolJobs, squeue, type JobState } from './commands.ts';

export interface SweepJobs {
  /** by job id: "123_4" for array task 4 of array job 123, "124" for a merge job */
  states: Map<string, JobState>;
  /** where the ended jobs' states came from, for the status output */
  source: string;
}

/** The job id the latest submission gave shard `index` (array job _ task), or null if never submitted. */
export function shardJobId(manifest: SweepManifest, index: number): string | null {
  for (const s of [...manifest.submissions].reverse()) {
    if (s.arrayJobId && s.shards.includes(index)) return `${s.arrayJobId}_${index}`;
  }
  return null;
}

export function latestMergeJobId(manifest: SweepManifest): string | null {
  return [...manifest.submissions].reverse().find((s) => s.mergeJobId)?.mergeJobId ?? null;
}

/** Slurm states that mean the task may still write to its shard directory. */
export const LIVE_STATES = new Set(['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'REQUEUED', 'RESIZING', 'SUSPENDED', 'STOPPED', 'SIGNALING', 'STAGE_OUT']);

export async function sweepJobs(manifest: SweepManifest): Promise<SweepJobs> {
  const ids = manifest.submissions.flatMap((s) => [s.arrayJobId, s.mergeJobId]).filter((x): x is string => x !== null);
  const states = new Map<string, JobState>();
  if (ids.length === 0) return { states, source: 'no job was submitted (written with --print)' };
  const acct = await sacct(ids);
  let source = 'squeue and sacct';
  if (acct.jobs) {
    for (const j of acct.jobs) states.set(j.id, j);
  } else {
    source = `squeue and scontrol (sacct: ${acct.reason})`;
    for (const id of ids) for (const j of await scontrolJobs(id)) states.set(j.id, j);
  }
  for (const j of await squeue(ids)) states.set(j.id, { ...states.get(j.id), ...j }); // live state wins
  return { states, source };
}
