// Teardown on a GPU: a stopped engine's processes can keep their CUDA contexts (and memory) for
// a while after the harness sees them exit, and the next engine launched into that memory fails
// or runs slower. So before stopping an engine the harness notes which GPU processes belong to
// its process group, and after stopping it polls nvidia-smi (and amd-smi or rocm-smi) until none of them holds the GPU.
import { readFileSync } from 'node:fs';
import { allGpuProcesses } from '../hardware/gpu-processes.ts';
import type { AmdSmiOptions } from '../hardware/amd.ts';
import type { NvidiaSmiOptions } from '../hardware/nvidia.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Process group of a live process (Linux /proc/<pid>/stat, field 5), or null when it is gone or unreadable. */
export function processGroup(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may hold spaces and parentheses: fields resume after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(rest[2]);
    return Number.isInteger(pgrp) ? pgrp : null;
  } catch {
    return null;
  }
}

/** PIDs nvidia-smi lists as GPU compute processes that belong to process group `group` (an engine's). */
export async function groupPidsOnGpu(group: number, smi: NvidiaSmiOptions = {}, amd: AmdSmiOptions = {}): Promise<number[]> {
  const { processes } = await allGpuProcesses(smi, amd);
  return processes.filter((p) => p.pid === group || processGroup(p.pid) === group).map((p) => p.pid);
}

export interface ReleaseOutcome {
  released: boolean;
  waitedMs: number;
  /** the processes still on the GPU when the wait gave up */
  remaining: { pid: number; usedMemoryMiB: number | null }[];
  /** one line for the run's log */
  message: string;
}

/** Waits until none of `pids` is listed by nvidia-smi as a GPU compute process, or the timeout passes. */
export async function waitGpuReleased(pids: readonly number[], opts: { timeoutMs: number; pollMs?: number; smi?: NvidiaSmiOptions; amd?: AmdSmiOptions; label?: string }): Promise<ReleaseOutcome> {
  const started = Date.now();
  const label = opts.label ?? 'the engine';
  const watched = new Set(pids);
  for (;;) {
    const { processes } = await allGpuProcesses(opts.smi, opts.amd);
    const left = processes.filter((p) => watched.has(p.pid));
    const waitedMs = Date.now() - started;
    if (left.length === 0) {
      return { released: true, waitedMs, remaining: [], message: `GPU memory of ${label} released after ${(waitedMs / 1000).toFixed(1)} s` };
    }
    if (waitedMs >= opts.timeoutMs) {
      const what = left.map((p) => `pid ${p.pid} (${p.usedMemoryMiB ?? '?'} MiB)`).join(', ');
      return {
        released: false, waitedMs, remaining: left.map((p) => ({ pid: p.pid, usedMemoryMiB: p.usedMemoryMiB })),
        message: `GPU memory of ${label} not released ${(opts.timeoutMs / 1000).toFixed(0)} s after it stopped: ${what} still on the GPU; the next launch may fail or run slower -- check nvidia-smi (or amd-smi process) and end those processes`,
      };
    }
    await sleep(opts.pollMs ?? 500);
  }
}
