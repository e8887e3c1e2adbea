// What a shard's result directory says about it, read from its files alone (no Slurm needed):
// the merge, `slurm status` and `slurm submit --resume` all decide from this.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ResultError, type ResultFile } from '../result/schema.ts';
import { storedSuite } from '../result/stored.ts';
import { loadResult } from '../result/store.ts';
import { suiteSettingsDiff } from '../suite/load.ts';
import { displayPath } from '../suite/errors.ts';
import { SweepError, shardDir, type SweepManifest, type SweepShard } from './manifest.ts';

/**
 * missing: no result.json (the task never started, or died before its first save);
 * unfinished: result.json says running (the task was killed without a word, or is still running);
 * interrupted: the run stopped on SIGTERM/SIGINT (scancel, a time limit) and saved what it had;
 * complete: the run finished (some cells may still have failed);
 * damaged: result.json cannot be read.
 */
export type ShardFileState = 'missing' | 'unfinished' | 'interrupted' | 'complete' | 'damaged';

export interface ShardOnDisk {
  shard: SweepShard;
  dir: string;
  state: ShardFileState;
  result?: ResultFile;
  /** why result.json could not be read (state damaged) */
  problem?: string;
  counts: { ok: number; failed: number; pending: number };
}

/** A shard is finished when its run completed with every cell ok; anything else is resubmitted by --resume. */
export const shardFinished = (s: ShardOnDisk): boolean => s.state === 'complete' && s.counts.failed === 0 && s.counts.pending === 0;

export function readShard(sweepDir: string, manifest: SweepManifest, shard: SweepShard): ShardOnDisk {
  const dir = shardDir(sweepDir, shard.index);
  const counts = { ok: 0, failed: 0, pending: shard.cells.length };
  if (!existsSync(join(dir, 'result.json'))) return { shard, dir, state: 'missing', counts };
  let result: ResultFile;
  try {
    result = loadResult(dir);
  } catch (e) {
    if (!(e instanceof ResultError)) throw e;
    return { shard, dir, state: 'damaged', problem: e.message, counts };
  }
  checkBelongs(manifest, shard, result, dir);
  const status = new Map(result.cells.map((c) => [c.id, c.status]));
  counts.pending = 0;
  for (const c of shard.cells) counts[status.get(c.id) ?? 'pending']++;
  const state: ShardFileState = result.status === 'complete' ? 'complete' : result.status === 'interrupted' ? 'interrupted' : 'unfinished';
  return { shard, dir, state, result, counts };
}

/** A shard result from another sweep, another shard number or a changed suite must not be merged in. */
function checkBelongs(manifest: SweepManifest, shard: SweepShard, result: ResultFile, dir: string): void {
  const file = displayPath(join(dir, 'result.json'));
  const count = manifest.shards.length;
  const spec = result.options?.shard;
  if (!spec || spec.index !== shard.index || spec.count !== count) {
    const got = spec ? `shard ${spec.index}/${spec.count}` : 'a run without --shard';
    throw new SweepError(`${file}: options.shard: holds ${got}, but the sweep expects shard ${shard.index}/${count} here -- move it out of the sweep directory and resubmit with prism-bench slurm submit --resume`);
  }
  const diff = suiteSettingsDiff(result.suite, storedSuite(manifest.suite));
  if (diff.length) {
    throw new SweepError(`${file}: suite.settings: the shard ran other settings than the sweep (${diff.join('; ')}) -- restore the suite file and rerun the shard (move its directory away, then slurm submit --resume)`);
  }
}

export function readShards(sweepDir: string, manifest: SweepManifest): ShardOnDisk[] {
  return manifest.shards.map((s) => readShard(sweepDir, manifest, s));
}
