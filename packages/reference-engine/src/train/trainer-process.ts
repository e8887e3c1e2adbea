// Runs one of the python trainers on a job file: its stdout is one JSON event per line, its
// stderr goes to the terminal. Shared by `train target` and `train drafts`.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** where a trainer's math runs: this machine's CPU, or an NVIDIA GPU */
export type TrainDevice = 'cpu' | 'cuda';

/** Resolves to the trainer's exit code once it has closed; every parsed event went to onEvent first. */
export async function runTrainer<E>(python: string, script: string, jobPath: string, env: Record<string, string>, onEvent: (e: E) => void): Promise<number> {
  const child = spawn(python, [script, jobPath], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  createInterface({ input: child.stdout }).on('line', (line) => {
    let e: E;
    try { e = JSON.parse(line) as E; } catch { return; }
    onEvent(e);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
}
