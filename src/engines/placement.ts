// Where engine processes run. On a small shared machine two processes of the same engine differ
// in speed by 10-20% depending on the CPU each lands on (bench/noise-floor.ts), so a comparison
// of two engines is only fair when both run on the same CPUs: `engineCpus` confines every engine
// of a suite to one set, with taskset (the harness itself is not confined).
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { processCpus } from '../hardware/affinity.ts';
import type { Settings } from '../suite/types.ts';
import type { LaunchPlan } from './types.ts';

/** The CPUs this process may run on (its affinity), ascending. */
export function allowedCpus(): number[] {
  return processCpus() ?? cpus().map((_, i) => i);
}

let tasksetMemo: boolean | undefined;
const hasTaskset = () => (tasksetMemo ??= spawnSync('taskset', ['--version']).status === 0);

/** What is wrong with the setting on this machine (CPUs it lacks, no taskset), or null. */
export function placementProblem(setting: Settings['engineCpus'], allowed = allowedCpus()): { problem: string; fix: string } | null {
  if (setting === null) return null;
  if (!hasTaskset()) return { problem: 'engines are pinned with taskset, which is not installed here', fix: 'install util-linux (it provides taskset), or set engineCpus to null' };
  if (setting === 'last') return null;
  const missing = setting.filter((c) => !allowed.includes(c));
  if (missing.length) {
    return { problem: `CPU ${missing.join(', ')} is not one this machine lets the harness use (it may use ${allowed.join(', ')})`, fix: `list CPUs among ${allowed.join(', ')}, or write last` };
  }
  return null;
}

/** The CPUs the setting names on this machine; null when engines are not pinned. */
export function resolveEngineCpus(setting: Settings['engineCpus'], allowed = allowedCpus()): number[] | null {
  if (setting === null) return null;
  if (setting === 'last') return allowed.slice(-1);
  return [...new Set(setting)].sort((a, b) => a - b);
}

/** The plan with its command run under taskset when the suite pins engines (what launch starts and --dry-run prints). */
export function placed(plan: LaunchPlan, settings: Pick<Settings, 'engineCpus'>): LaunchPlan {
  const list = resolveEngineCpus(settings.engineCpus ?? null);
  return list ? { ...plan, command: ['taskset', '-c', list.join(','), ...plan.command] } : plan;
}
