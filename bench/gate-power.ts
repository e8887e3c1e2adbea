// The gate's power curve: how often `gate --pair` flags a planted proportional slowdown, and how
// often it alarms on none. Each repetition is one run of the CI gate suite (suites/gate.yaml)
// with extra head engines, one per planted level (faultSlowdownPct 0, 2, 5, 10, 20 busy-waits
// that share of every cycle), all interleaved round by round with `base`; every head is then
// gated against base exactly as CI gates a pull request. Sharing one run across levels keeps the
// bench to one run per repetition; each pair sits further apart in a round than in the two-engine
// suite, so if anything this understates the power of the suite as CI runs it.
//   node --import tsx bench/gate-power.ts [--reps 10] [--levels 0,2,5,10,20] [--max-regression 2] [--suite suites/gate.yaml]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { loadComparable, pairedSides } from '../src/gate/comparable.ts';
import { gateVerdict } from '../src/gate/gate.ts';
import { arg } from './args.ts';

const BIN = fileURLToPath(new URL('../bin/prism-bench.js', import.meta.url));
const reps = Number(arg('reps', '10'));
const levels = arg('levels', '0,2,5,10,20').split(',').map(Number);
const maxRegression = Number(arg('max-regression', '2'));
const suiteFile = arg('suite', fileURLToPath(new URL('../suites/gate.yaml', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'prism-gate-power-'));

const suite = parse(readFileSync(suiteFile, 'utf8')) as { engines: { name: string; label?: string; options?: Record<string, unknown> }[]; name: string };
const base = suite.engines.find((e) => e.label === 'base');
if (!base) throw new Error(`${suiteFile}: needs an engine labelled base`);
suite.engines = [base, ...levels.map((pct) => ({ ...base, label: `head${pct}`, options: { ...(base.options ?? {}), ...(pct > 0 ? { faultSlowdownPct: pct } : {}) } }))];
suite.name = `${suite.name}-power`;
const file = join(dir, 'suite.yaml');
writeFileSync(file, stringify(suite));

interface Row { flagged: number; suiteFlagged: number; cellFlagged: number; changes: number[]; mdes: number[] }
const rows = new Map<number, Row>(levels.map((l) => [l, { flagged: 0, suiteFlagged: 0, cellFlagged: 0, changes: [], mdes: [] }]));
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 : NaN; };
const started = Date.now();
console.log(`gate power: ${reps} repetitions of ${suiteFile} with heads at ${levels.join(', ')}% planted slowdown; gate --pair base:headN --max-regression ${maxRegression}; runs in ${dir}`);
for (let rep = 0; rep < reps; rep++) {
  const out = join(dir, `rep${rep}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BIN, 'run', '--suite', file, '--out', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) { console.error(r.stdout + r.stderr); process.exit(1); }
  const run = loadComparable(out);
  const parts: string[] = [];
  for (const pct of levels) {
    const sides = pairedSides(run, 'base', `head${pct}`);
    const g = gateVerdict(sides.base, sides.head, { paired: true, maxRegression, metrics: ['throughput'] });
    const row = rows.get(pct) as Row;
    const tp = g.report.suite.find((s) => s.metric === 'throughput');
    if (g.exitCode === 1) row.flagged++;
    if (g.suiteRegressions.length) row.suiteFlagged++;
    if (g.regressions.length) row.cellFlagged++;
    if (tp) { row.changes.push(tp.change); if (tp.mde !== null) row.mdes.push(tp.mde); }
    parts.push(`${pct}%: ${g.exitCode === 1 ? 'FLAG' : 'pass'} (${tp ? (tp.change * 100).toFixed(1) : '?'}%)`);
  }
  console.log(`rep ${rep + 1}/${reps} in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${parts.join('  ')}`);
}
console.log(`\nplanted  detected  (suite / any cell)  measured throughput change (median [min, max])  suite MDE (median)`);
for (const pct of levels) {
  const r = rows.get(pct) as Row;
  const ch = r.changes.map((c) => c * 100);
  console.log(`${String(pct).padStart(5)}%   ${String(r.flagged).padStart(2)}/${reps} ${((r.flagged / reps) * 100).toFixed(0).padStart(3)}%   (${r.suiteFlagged} / ${r.cellFlagged})          ${median(ch).toFixed(1)}% [${Math.min(...ch).toFixed(1)}, ${Math.max(...ch).toFixed(1)}]                      ${(median(r.mdes) * 100).toFixed(1)}%`);
}
console.log(`\n${reps} runs in ${((Date.now() - started) / 60000).toFixed(1)} min; at 0% every flag is a false alarm`);
