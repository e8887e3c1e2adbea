// Lists the differences between two fingerprints that can change benchmark numbers, so a
// comparison across machines can say why it may be unfair. Identity fields (hostname, GPU uuid,
// PCI bus id) and collection time are deliberately ignored; so are the CPU's nominal clock
// (VMs report it inconsistently) and OS distro/kernel (routinely patched on the same hardware).
import type { StoredFingerprint } from '../result/stored.ts';
import type { GpuInfo } from './types.ts';

type Value = string | number | boolean | null | undefined;

function show(v: Value): string {
  if (v === null || v === undefined) return 'unknown';
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** Whole GiB: the OS reserves slightly different amounts on identical machines. */
export function totalMemoryGiB(bytes: number): number {
  return Math.round(bytes / 2 ** 30);
}

/** Major version of a Node version string like "v20.19.2"; null if unparsable. */
export function nodeMajor(version: string): number | null {
  const m = /^v?(\d+)/.exec(version);
  return m ? Number(m[1]) : null;
}

const GPU_FIELDS = ['name', 'memoryTotalMiB', 'driverVersion', 'maxSmClockMHz', 'maxMemoryClockMHz', 'powerLimitW'] as const satisfies readonly (keyof GpuInfo)[];

/**
 * Human-readable differences, e.g. "cpu.brand: 'EPYC 7B13' vs 'Xeon'"; [] means comparable. Takes
 * fingerprints as results store them (a HardwareFingerprint is one): a section either side lacks
 * is unknown, not a difference.
 */
export function fingerprintDifferences(a: StoredFingerprint, b: StoredFingerprint): string[] {
  const out: string[] = [];
  const diff = (label: string, x: Value, y: Value): void => {
    if (x !== y) out.push(`${label}: ${show(x)} vs ${show(y)}`);
  };
  diff('cpu.manufacturer', a.cpu?.manufacturer, b.cpu?.manufacturer);
  diff('cpu.brand', a.cpu?.brand, b.cpu?.brand);
  diff('cpu.model', a.cpu?.model, b.cpu?.model);
  diff('cpu.physicalCores', a.cpu?.physicalCores, b.cpu?.physicalCores);
  diff('cpu.logicalCores', a.cpu?.logicalCores, b.cpu?.logicalCores);
  // whole GiB, but a few MiB either side of a rounding boundary is not a difference
  const [memA, memB] = [a.memory?.totalBytes, b.memory?.totalBytes];
  if (memA !== undefined && memB !== undefined && Math.abs(memA - memB) >= 2 ** 29) {
    diff('memory.totalGiB', totalMemoryGiB(memA), totalMemoryGiB(memB));
  }
  diff('os.platform', a.os?.platform, b.os?.platform);
  diff('os.arch', a.os?.arch, b.os?.arch);
  diff('node.major', nodeMajor(a.node?.version ?? ''), nodeMajor(b.node?.version ?? ''));
  // the engine is only compared when both sides recorded one
  if (a.engine && b.engine) {
    diff('engine.name', a.engine.name, b.engine.name);
    diff('engine.version', a.engine.version, b.engine.version);
  }
  const [gpusA, gpusB] = [a.gpus ?? [], b.gpus ?? []];
  diff('gpus.count', gpusA.length, gpusB.length);
  // GPUs are matched by position (nvidia-smi index order)
  for (let i = 0; i < Math.min(gpusA.length, gpusB.length); i++) {
    for (const f of GPU_FIELDS) diff(`gpus[${i}].${f}`, gpusA[i]![f], gpusB[i]![f]);
  }
  return out;
}
