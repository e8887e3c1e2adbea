// Differences in the machine's state between two runs on the same hardware: how busy it was, where
// the run was placed, how fast the CPUs were clocked. They do not make runs incomparable (the
// hardware is the same), but a run made on a busier or differently placed machine is slower for
// reasons no trial of either run shows, so a verdict across such runs is provisional.
import type { StoredFingerprint } from '../result/stored.ts';

/**
 * 1-minute load averages further apart than this, per logical CPU, count as a different state:
 * on the 2-core VM, 0.5 per CPU is one more busy process, and a quick run gated against a
 * baseline made at load 5.9 against 1.3 came out 33% "better" with a planted slowdown in it.
 */
export const LOAD_PER_CPU_LIMIT = 0.5;
/** Current CPU clocks further apart than this share (of the lower) count as a different state. */
export const CLOCK_LIMIT = 0.1;

const cpuList = (xs: readonly number[] | null | undefined) => (xs === null || xs === undefined ? 'any' : `[${[...xs].sort((a, b) => a - b).join(',')}]`);

/**
 * Human-readable differences, e.g. "1-minute load average 5.9 vs 1.3 (2.95 vs 0.65 per CPU, more
 * than 0.5 apart)"; [] when the recorded state matches or either side did not record it.
 */
export function machineStateDifferences(a: StoredFingerprint, b: StoredFingerprint): string[] {
  const out: string[] = [];
  const pa = a.placement, pb = b.placement;
  if (!pa || !pb) return out;
  const la = pa.loadAverage?.[0], lb = pb.loadAverage?.[0];
  const cpus = a.cpu?.logicalCores ?? b.cpu?.logicalCores;
  if (la !== undefined && lb !== undefined && cpus !== undefined && cpus > 0) {
    const [x, y] = [la / cpus, lb / cpus];
    if (Math.abs(x - y) > LOAD_PER_CPU_LIMIT) out.push(`1-minute load average ${la} vs ${lb} (${x.toFixed(2)} vs ${y.toFixed(2)} per CPU, more than ${LOAD_PER_CPU_LIMIT} apart)`);
  }
  if (pa.cpuAffinity !== undefined && pb.cpuAffinity !== undefined && cpuList(pa.cpuAffinity) !== cpuList(pb.cpuAffinity)) {
    out.push(`CPUs the harness could use ${cpuList(pa.cpuAffinity)} vs ${cpuList(pb.cpuAffinity)}`);
  } else if (pa.pinned !== undefined && pb.pinned !== undefined && pa.pinned !== pb.pinned) {
    out.push(`harness pinned ${String(pa.pinned)} vs ${String(pb.pinned)}`);
  }
  if (pa.engineCpus !== undefined && pb.engineCpus !== undefined && cpuList(pa.engineCpus) !== cpuList(pb.engineCpus)) {
    out.push(`engine CPUs ${cpuList(pa.engineCpus)} vs ${cpuList(pb.engineCpus)}`);
  }
  const ca = pa.cpuMHz, cb = pb.cpuMHz;
  if (typeof ca === 'number' && typeof cb === 'number' && ca > 0 && cb > 0 && Math.abs(ca - cb) / Math.min(ca, cb) > CLOCK_LIMIT) {
    out.push(`CPU clock ${ca} vs ${cb} MHz (more than ${CLOCK_LIMIT * 100}% apart)`);
  }
  return out;
}
