// The CPUs this process may run on, read from /proc (the engine reports them in server_info).
import { readFileSync } from 'node:fs';

/** "0-3,6" -> [0, 1, 2, 3, 6] */
function parseCpuList(text: string): number[] {
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
  try {
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return line ? parseCpuList(line[1] as string) : null;
  } catch {
    return null; // not Linux
  }
}
