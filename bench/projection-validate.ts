// Validation of the speedup model (issue 25 item 3): for every chain and tree cell of a run, the
// speedup the model predicts from the cell's acceptance and a profile of the same machine, against
// the speedup the run measured; and the model's cycle time against the run's own cycle figures.
//   node --import tsx bench/projection-validate.ts RESULT_DIR PROFILE.json [--server-cycle] [--anchor] > table.md
// Per-request fixed cost: the vanilla cell's measured TTFT (same machine), so the comparison is of
// whole requests, as the measured speedup is.
import { loadResult } from '../src/result/store.ts';
import { loadProfile } from '../src/profile/schema.ts';
import { projectResult, shapeLabel } from '../src/projection/result.ts';

const [dir, profileFile] = process.argv.slice(2);
if (!dir || !profileFile) { console.error('usage: projection-validate RESULT_DIR PROFILE.json'); process.exit(2); }
const result = loadResult(dir);
const profile = loadProfile(profileFile);
// --server-cycle: add the per-cycle server cost measured on the vanilla cell (project --cycle-ms measured)
// --anchor: scale the profile to the run's vanilla verify pass (project --anchor)
const rows = projectResult(result, profile, { context: 128, promptTokens: 64, requestMs: 'measured', cycleMs: process.argv.includes('--server-cycle') ? 'measured' : 0, anchor: process.argv.includes('--anchor') });
const pct = (p: number, m: number) => (100 * (p - m)) / m;
const lines = [
  '| cell | shape | tok/cycle | cycle ms: model / engine / client | speedup: projected [95%] / measured [95%] | error |',
  '| --- | --- | --- | --- | --- | --- |',
];
const errs: Record<'chain' | 'tree', number[]> = { chain: [], tree: [] };
const cycleErrs: Record<'chain' | 'tree', number[]> = { chain: [], tree: [] };
for (const r of rows) {
  const cell = result.cells.find((c) => c.id === r.cell)!;
  const p = r.projection;
  if (!p || !r.measured) continue;
  const kind = r.shape.topK > 1 ? 'tree' : 'chain';
  const m = (id: string) => cell.metrics[id]?.mean;
  // the engine's own cycle: verify + draft (draft ms per step x the shape's steps; a lookup or Medusa: one step)
  const steps = r.shape.method === 'ngram' || r.shape.method === 'medusa' ? 1 : r.shape.steps;
  const engineCycle = (m('verify_ms_per_cycle') ?? NaN) + (m('draft_ms_per_step') ?? 0) * steps;
  // the client's: time per token after the first x tokens per cycle (pooled acceptance length)
  const clientCycle = (m('tpot_ms') ?? NaN) * (m('accept_length_pooled') ?? NaN);
  const e = pct(p.speedup, r.measured.ratio);
  errs[kind].push(Math.abs(e));
  cycleErrs[kind].push(Math.abs(pct(p.cycle.totalMs, engineCycle)));
  const iv = (x: [number, number] | null) => (x ? ` [${x[0].toFixed(2)}, ${x[1].toFixed(2)}]` : '');
  const shape = shapeLabel(r.nominal, r.shape);
  lines.push(`| ${r.cell} | ${shape} | ${p.tau.toFixed(2)} | ${p.cycle.totalMs.toFixed(2)} / ${engineCycle.toFixed(2)} / ${clientCycle.toFixed(2)} | ${p.speedup.toFixed(2)}${iv(p.interval)} / ${r.measured.ratio.toFixed(2)}${iv(r.measured.interval)} | ${e >= 0 ? '+' : ''}${e.toFixed(0)}% |`);
}
const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN; };
const within = (xs: number[], t: number) => xs.filter((x) => x <= t).length;
console.log(lines.join('\n'));
console.log('');
for (const k of ['chain', 'tree'] as const) {
  const t = k === 'chain' ? 5 : 10;
  console.log(`- ${k}s: ${errs[k].length} cells; |speedup error| median ${med(errs[k]).toFixed(1)}%, ${within(errs[k], t)} within ${t}%; |cycle-time error| against the engine's own verify + draft median ${med(cycleErrs[k]).toFixed(1)}%`);
}
