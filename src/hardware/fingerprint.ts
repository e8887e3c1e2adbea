// Collects the hardware fingerprint stored with every result. CPU, memory and OS come from
// systeminformation; GPUs come from nvidia-smi (and amd-smi or rocm-smi) directly, because si.graphics() finds NVIDIA
// GPUs through lspci, which minimal containers lack, and misses driver/clock/power details.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import si from 'systeminformation';
import { queryGpus, type NvidiaSmiOptions } from './nvidia.ts';
import { queryAmdGpus, type AmdSmiOptions } from './amd.ts';
import type { HardwareFingerprint } from './types.ts';
import { parseCpuList, processCpus } from './affinity.ts';

export type CollectFingerprintOptions = {
  /** passed to the nvidia-smi queries (command, timeout) */
  nvidiaSmi?: NvidiaSmiOptions;
  /** amd-smi / rocm-smi commands and timeout */
  amdSmi?: AmdSmiOptions;
  /** the CPUs a run confines its engines to (recorded under placement) */
  engineCpus?: number[] | null;
};

export { parseCpuList, processCpus }; // in affinity.ts, which an engine process loads without systeminformation

/** The mean of the CPUs' current clocks in /proc/cpuinfo ("cpu MHz"), or null where it is not readable. */
export function currentCpuMHz(cpuinfo?: string): number | null {
  let text = cpuinfo;
  if (text === undefined) {
    try { text = readFileSync('/proc/cpuinfo', 'utf8'); } catch { return null; }
  }
  const mhz = [...text.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1])).filter((x) => Number.isFinite(x) && x > 0);
  return mhz.length ? Math.round(mhz.reduce((a, b) => a + b, 0) / mhz.length) : null;
}

function placement(engineCpus?: number[] | null): NonNullable<HardwareFingerprint['placement']> {
  const cpuAffinity = processCpus();
  return {
    cpuAffinity, pinned: cpuAffinity !== null && cpuAffinity.length < os.cpus().length, loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    ...(engineCpus !== undefined ? { engineCpus } : {}),
    cpuMHz: currentCpuMHz(),
  };
}

export async function collectFingerprint(options: CollectFingerprintOptions = {}): Promise<HardwareFingerprint> {
  // only cheap si calls (each reads /proc or runs a trivial command); all in parallel
  const [cpu, mem, osInfo, nvidia, amd] = await Promise.all([si.cpu(), si.mem(), si.osInfo(), queryGpus(options.nvidiaSmi), queryAmdGpus(options.amdSmi)]);
  const gpuResult = { gpus: [...nvidia.gpus, ...amd.gpus], warnings: [...nvidia.warnings, ...amd.warnings] };
  const fp: HardwareFingerprint = {
    cpu: {
      manufacturer: cpu.manufacturer,
      brand: cpu.brand,
      model: String(cpu.model ?? ''),
      // si reports 0 where it cannot tell; os.cpus() is always available as a fallback
      physicalCores: cpu.physicalCores || cpu.cores || os.cpus().length,
      logicalCores: cpu.cores || os.cpus().length,
      speedGHz: cpu.speed || 0,
    },
    memory: { totalBytes: mem.total || os.totalmem() },
    os: {
      platform: osInfo.platform || process.platform,
      distro: osInfo.distro,
      release: osInfo.release,
      kernel: osInfo.kernel || os.release(),
      arch: osInfo.arch || process.arch,
    },
    node: { version: process.version },
    gpus: gpuResult.gpus,
    placement: placement(options.engineCpus),
    collectedAt: new Date().toISOString(),
    hostname: os.hostname(),
  };
  if (gpuResult.warnings.length > 0) fp.warnings = gpuResult.warnings;
  return fp;
}
