// Measures the gate's false-alarm rate: N runs of the same suite (default: the default suite
// with --quick) on an unchanged engine; every run after the first is gated against a baseline
// saved from the first. Any exit 1 is a false alarm. Usage:
//   node --import tsx bench/gate-false-alarm.ts [runs=6] [suite=suites/default.yaml]
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/prism-bench.js', import.meta.url));
const runs = Number(process.argv[2] ?? 6);
const suite = process.argv[3] ?? fileURLToPath(new URL('../suites/default.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'prism-false-alarm-'));
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } });

const outcomes: number[] = [];
let comparisons = 0;
for (let i = 0; i < runs; i++) {
  const out = join(dir, `run${i}`);
  const t0 = Date.now();
  const r = cli(['run', '--suite', suite, '--quick', '--out', out]);
  if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
  if (i === 0) {
    const s = cli(['baseline', 'save', out, '--name', 'first', '--dir', dir]);
    if (s.status !== 0) { console.error(s.stdout + s.stderr); process.exit(1); }
  } else {
    const g = cli(['gate', '--baseline', join(dir, 'first.json'), out]);
    outcomes.push(g.status ?? -1);
    const cells = (g.stdout.match(/regress/gi) ?? []).length;
    comparisons = Number(/(\d+) comparisons?/.exec(g.stdout)?.[1] ?? comparisons);
    console.log(`run ${i}: gate exit ${g.status}${g.status === 1 ? ` (false alarm; ${cells} regression lines)` : ''} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}
const alarms = outcomes.filter((c) => c === 1).length;
console.log(`\nfalse alarms: ${alarms} of ${outcomes.length} same-vs-same gates (${((alarms / outcomes.length) * 100).toFixed(0)}%); exit codes ${outcomes.join(' ')}; runs in ${dir}`);
