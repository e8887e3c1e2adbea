// The CPUs this process may run on, read from /proc without loading systeminformation (an engine
// process records them at start; the fingerprint re-exports both).
import { readFileSync } from 'node:fs';

/** "0-3,6" -> [0, 1, 2, 3, 6] */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/** The CPUs this process may run on (its affinity), or null where the OS does not say. */
export function processCpus(): number[] | null {
  let cpuAffinity: number[] | null = null;
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line?.[1] !== undefined) cpuAffinity = parseCpuList(line[1]);
  } catch { /* not Linux */ }
  return cpuAffinity;
}
