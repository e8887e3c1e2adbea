// Human-readable fingerprint text: the multi-line block for `prism-bench hw` and report footers,
// and a one-line summary for table captions and logs. Unknown (null) GPU values are left out
// rather than printed as "unknown" to keep the lines short.
import { nodeMajor } from './compare.ts';
import type { GpuInfo, HardwareFingerprint } from './types.ts';

const GiB = 2 ** 30;

/** "AMD EPYC 7B13", without doubling the vendor when the brand already starts with it. */
export function cpuName(fp: HardwareFingerprint): string {
  const { manufacturer: m, brand: b } = fp.cpu;
  if (!m) return b || 'unknown CPU';
  if (!b) return m;
  return b.toLowerCase().startsWith(m.toLowerCase()) ? b : `${m} ${b}`;
}

function gpuLine(g: GpuInfo): string {
  const parts = [g.name ?? 'unknown GPU'];
  if (g.memoryTotalMiB !== null) parts.push(`${(g.memoryTotalMiB / 1024).toFixed(1)} GiB`);
  if (g.computeCapability !== null) parts.push(`cc ${g.computeCapability}`);
  if (g.driverVersion !== null) parts.push(`driver ${g.driverVersion}`);
  const clocks = [g.maxSmClockMHz !== null ? `SM ${g.maxSmClockMHz}` : null, g.maxMemoryClockMHz !== null ? `mem ${g.maxMemoryClockMHz}` : null].filter((s) => s !== null);
  if (clocks.length > 0) parts.push(`max ${clocks.join(' / ')} MHz`);
  if (g.powerLimitW !== null) parts.push(`power limit ${Math.round(g.powerLimitW)} W`);
  if (g.persistenceMode !== null) parts.push(`persistence ${g.persistenceMode ? 'on' : 'off'}`);
  return parts.join(', ');
}

/** Multi-line description: one line each for CPU, memory, OS, Node, then one per GPU. */
export function renderFingerprint(fp: HardwareFingerprint): string {
  const c = fp.cpu;
  const model = c.model ? ` (model ${c.model})` : '';
  const speed = c.speedGHz > 0 ? `, ${c.speedGHz.toFixed(2)} GHz` : '';
  const o = fp.os;
  const distro = [o.distro, o.release].filter(Boolean).join(' ');
  const lines = [
    `CPU:    ${cpuName(fp)}${model}, ${c.physicalCores} cores / ${c.logicalCores} threads${speed}`,
    `Memory: ${(fp.memory.totalBytes / GiB).toFixed(1)} GiB`,
    `OS:     ${distro ? `${distro}, ` : ''}${o.platform} ${o.arch}, kernel ${o.kernel} (host ${fp.hostname})`,
    `Node:   ${fp.node.version}`,
  ];
  if (fp.placement) {
    const cpus = fp.placement.cpuAffinity === null ? 'CPUs not reported' : `CPUs ${fp.placement.cpuAffinity.join(',')}${fp.placement.pinned ? ' (pinned)' : ' (all, not pinned)'}`;
    const engines = fp.placement.engineCpus ? `; engines pinned to CPU ${fp.placement.engineCpus.join(',')}` : '';
    lines.push(`Placement: ${cpus}${engines}; load average ${fp.placement.loadAverage.join(' ')} at collection`);
  }
  if (fp.gpus.length === 0) lines.push('GPUs:   none detected');
  for (const g of fp.gpus) lines.push(`GPU ${g.index}:${' '.repeat(Math.max(1, 3 - String(g.index).length))}${gpuLine(g)}`);
  if (fp.engine) lines.push(`Engine: ${fp.engine.name} ${fp.engine.version}`);
  for (const w of fp.warnings ?? []) lines.push(`Warning: ${w}`);
  return lines.join('\n');
}

/** "2x NVIDIA H100 80GB HBM3", "1x NVIDIA A100 + 1x NVIDIA L4", or "no GPU". */
function gpuSummary(gpus: GpuInfo[]): string {
  if (gpus.length === 0) return 'no GPU';
  const counts = new Map<string, number>();
  for (const g of gpus) counts.set(g.name ?? 'unknown GPU', (counts.get(g.name ?? 'unknown GPU') ?? 0) + 1);
  const names = [...counts].map(([name, n]) => `${n}x ${name}`).join(' + ');
  const drivers = new Set(gpus.map((g) => g.driverVersion));
  const [driver] = drivers;
  return drivers.size === 1 && driver ? `${names} (driver ${driver})` : names;
}

/** One line, e.g. "AMD EPYC 7B13 32C/64T, 251 GiB, linux x64, Node 20, 8x NVIDIA H100 80GB HBM3 (driver 550.54.15)". */
export function fingerprintSummary(fp: HardwareFingerprint): string {
  const parts = [
    `${cpuName(fp)} ${fp.cpu.physicalCores}C/${fp.cpu.logicalCores}T`,
    `${Math.round(fp.memory.totalBytes / GiB)} GiB`,
    `${fp.os.platform} ${fp.os.arch}`,
    `Node ${nodeMajor(fp.node.version) ?? fp.node.version}`,
    gpuSummary(fp.gpus),
  ];
  if (fp.engine) parts.push(`${fp.engine.name} ${fp.engine.version}`);
  return parts.join(', ');
}
