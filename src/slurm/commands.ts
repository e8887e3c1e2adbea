// The Slurm client commands prism-bench uses (sbatch, squeue, sacct, scontrol), run with execa.
// They read SLURM_CONF and the rest of the environment as a user's shell would.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { EXIT, PrismError } from '../errors.ts';

/** A Slurm command failed: exit code 2 where the input was refused (sbatch), 1 otherwise. */
export class SlurmError extends PrismError {
  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message, exitCode);
  }
}

/** The full path of `command` on PATH, or null (checked before anything is written or submitted). */
export function onPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* not here */ }
  }
  return null;
}

async function slurm(command: string, args: string[], timeoutMs = 60_000): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const r = await execa(command, args, { reject: false, timeout: timeoutMs, stdin: 'ignore' });
  if ('code' in r && r.code === 'ENOENT') throw new SlurmError(`${command}: not found on PATH -- run this on a Slurm login node (or install Slurm's client commands)`);
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Submits a script; returns the job id (`sbatch --parsable` prints "id" or "id;cluster"). */
export async function sbatch(script: string, extraArgs: string[] = []): Promise<string> {
  const r = await slurm('sbatch', ['--parsable', ...extraArgs, script]);
  const id = r.stdout.trim().split(';')[0] ?? '';
  if (r.exitCode !== 0 || !/^\d+$/.test(id)) {
    throw new SlurmError(`sbatch ${script}: ${(r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`).split('\n')[0]} -- check --partition, --time, --gpus-per-task and --sbatch-arg against sinfo -s`, 2);
  }
  return id;
}

/** One job or array task as Slurm reports it: id "123" or "123_4" (array job _ task). */
export interface JobState {
  id: string;
  state: string;
  /** squeue's reason (pending) or the node list (running/ended), when known */
  detail?: string;
  exitCode?: string;
}

/** Queued and running jobs among `jobIds` (array tasks listed one by one). Unknown ids are no error. */
export async function squeue(jobIds: string[]): Promise<JobState[]> {
  if (jobIds.length === 0) return [];
  const r = await slurm('squeue', ['-h', '-r', '-j', jobIds.join(','), '-o', '%i|%T|%R']);
  if (r.exitCode !== 0) {
    if (/invalid job id/i.test(r.stderr)) return []; // every id has left the queue
    throw new SlurmError(`squeue: ${r.stderr.trim().split('\n')[0] || `exit code ${r.exitCode}`} -- is slurmctld reachable (scontrol ping)?`);
  }
  return r.stdout.split('\n').filter((l) => l.trim()).map((l) => {
    const [id = '', state = '', detail = ''] = l.trim().split('|');
    return { id, state, detail };
  });
}

/**
 * Ended (and running) jobs from the accounting database. Returns null, with the reason, where
 * accounting is not configured (AccountingStorageType=accounting_storage/none, as on small
 * clusters and in the test cluster): then `scontrol show job` still knows recently ended jobs.
 */
export async function sacct(jobIds: string[]): Promise<{ jobs: JobState[] } | { jobs: null; reason: string }> {
  if (jobIds.length === 0) return { jobs: [] };
  const r = await slurm('sacct', ['-n', '-P', '-X', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode,NodeList']);
  if (r.exitCode !== 0 || /accounting storage is disabled/i.test(r.stderr + r.stdout)) {
    return { jobs: null, reason: (r.stderr.trim() || r.stdout.trim() || `exit code ${r.exitCode}`).split('\n')[0]! };
  }
  return {
    jobs: r.stdout.split('\n').filter((l) => l.trim()).map((l) => {
      const [id = '', state = '', exitCode = '', detail = ''] = l.trim().split('|');
      // "CANCELLED by 0" -> "CANCELLED"
      return { id, state: state.split(' ')[0] ?? state, exitCode, detail };
    }),
  };
}

/** `scontrol show job`: every task of an array (or the one job) slurmctld still remembers (MinJobAge). */
export async function scontrolJobs(jobId: string): Promise<JobState[]> {
  const r = await slurm('scontrol', ['-o', 'show', 'job', jobId]);
  if (r.exitCode !== 0) return []; // purged: "Invalid job id specified"
  return r.stdout.split('\n').filter((l) => l.trim()).map((line) => {
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1];
    const array = field('ArrayJobId'), task = field('ArrayTaskId');
    const id = array && task && /^\d+$/.test(task) ? `${array}_${task}` : field('JobId') ?? jobId;
    return { id, state: field('JobState') ?? 'UNKNOWN', exitCode: field('ExitCode'), detail: field('NodeList') };
  });
}
