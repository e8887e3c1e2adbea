// Validation of shape advice (issue 25 item 4): on a run of suites/tree-shapes.yaml (one draft at
// many shapes, the widest among them), the tau each shape's own cells measured against the tau
// replayed for it from the widest cell's counts, and the speedup each shape measured against the
// speedup projected for it from the replayed tau and a profile of the same machine; then the best
// shape both ways (the measured optimum here against the advice for here).
//   node --import tsx bench/shape-validate.ts RUN PROFILE.json [--anchor] [--server-cycle] > table.md
// Per-request fixed cost: the vanilla cell's measured TTFT, as bench/projection-validate.ts.
import { loadResult } from '../src/result/store.ts';
import { loadProfile } from '../src/profile/schema.ts';
import { anchorFactor, pooledDraftedPerCycle, scaleProfile, shapeLabel, shapeOf } from '../src/projection/result.ts';
import { capDrafted, cycleCost, speedupOf, tokensPerCycle, verifyMs } from '../src/projection/speedup.ts';
import { shapeTaus } from '../src/projection/shape.ts';
import { poolShapeAcceptance } from '../src/metrics/shape-acceptance.ts';
import type { Cell } from '../src/result/schema.ts';

const [dir, profileFile] = process.argv.slice(2);
if (!dir || !profileFile) { console.error('usage: shape-validate RUN PROFILE.json [--anchor] [--server-cycle]'); process.exit(2); }
const CONTEXT = 128;
const result = loadResult(dir);
const given = loadProfile(profileFile);
const profile = process.argv.includes('--anchor') ? scaleProfile(given, anchorFactor(result, given, CONTEXT)) : given;
const ok = result.cells.filter((c) => c.status === 'ok');
const metric = (c: Cell | undefined, id: string) => c?.metrics[id]?.mean;
const vanillaOf = (c: Cell) => ok.find((v) => v.method === 'vanilla' && v.dataset === c.dataset && v.temperature === c.temperature);
const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const byDraft = new Map<string, Cell[]>();
for (const c of ok) if (c.method !== 'vanilla') byDraft.set(c.draft, [...(byDraft.get(c.draft) ?? []), c]);

// the widest draft with replayed counts
const widest = [...byDraft.entries()].filter(([, cs]) => cs.every((c) => c.shapeAcceptance))
  .sort(([, a], [, b]) => { const s = (c: Cell) => c.shapeAcceptance!.steps * c.shapeAcceptance!.topK * c.shapeAcceptance!.draftTokens; return s(b[0]) - s(a[0]); })[0];
if (!widest) { console.error(`${dir}: no draft whose cells carry shapeAcceptance (run suites/tree-shapes.yaml with this version)`); process.exit(2); }
const sa = poolShapeAcceptance(widest[1].map((c) => c.shapeAcceptance!))!;
const wideDrafted = pooledDraftedPerCycle(widest[1]);
const replayed = new Map(shapeTaus(sa).map((t) => [`${t.steps}x${t.topK}x${t.draftTokens}`, t]));

const rows: { label: string; tauReplayed: number | null; censored: number | null; tauMeasured: number; projected: number | null; measured: number }[] = [];
for (const [draft, cells] of byDraft) {
  const shape = shapeOf(result, cells[0]);
  const key = `${shape.steps}x${shape.topK}x${shape.draftTokens}`;
  const t = replayed.get(key);
  // per dataset: measured speedup, and the speedup projected from the replayed tau at this shape
  const measured = geomean(cells.map((c) => c.comparisons?.speedup?.ratio ?? NaN));
  const projected = t ? geomean(cells.map((c) => {
    const v = vanillaOf(c);
    const server = process.argv.includes('--server-cycle') ? Math.max(0, (metric(v, 'tpot_ms') ?? 0) - (metric(v, 'verify_ms_per_cycle') ?? 0)) : 0;
    const vanillaCycle = verifyMs(profile, 1, CONTEXT) + profile.overheads.cycleMs + server;
    // priced as the advice prices it: at most what the wide cells drafted per cycle
    const cycle = cycleCost(profile, capDrafted(shape, wideDrafted), CONTEXT).totalMs + server;
    const e2e = metric(c, 'e2e_ms'), ttft = metric(c, 'ttft_ms'), tpot = metric(c, 'tpot_ms');
    const n = e2e !== undefined && ttft !== undefined && tpot ? 1 + (e2e - ttft) / tpot : 0;
    const fixed = metric(v, 'ttft_ms');
    return speedupOf(t.tau, cycle, vanillaCycle, n > 1 && fixed !== undefined ? { outputTokens: n, fixedMs: fixed } : undefined);
  })) : null;
  // pooled over the datasets' cycles, prefill's token excluded (as the replay counts)
  const pas = cells.map((c) => c.positionAcceptance).filter((p) => p !== undefined);
  const cycles = pas.reduce((a, p) => a + p.cycles, 0);
  const tauMeasured = pas.length === cells.length && cycles > 0 ? pas.reduce((a, p) => a + tokensPerCycle(p.unconditional) * p.cycles, 0) / cycles : NaN;
  rows.push({ label: `${draft}: ${shapeLabel(shape)}`, tauReplayed: t?.tau ?? null, censored: t?.censoredShare ?? null, tauMeasured, projected, measured });
}
rows.sort((a, b) => b.measured - a.measured);
const f = (x: number | null, d = 2) => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));
console.log(`Replayed from ${widest[0]} (${sa.steps}x${sa.topK}, ${sa.draftTokens} drafted; ${sa.cycles} cycles, ${widest[1].length} datasets); profile ${profile.name}${process.argv.includes('--anchor') ? ' anchored to the run' : ''}; speedups: geometric mean over datasets, whole requests.`);
console.log('');
console.log('| shape | tau replayed (censored) | tau measured | speedup projected | speedup measured |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.label} | ${f(r.tauReplayed)}${r.censored ? ` (${(100 * r.censored).toFixed(0)}%)` : ''} | ${f(r.tauMeasured)} | ${f(r.projected)} | ${f(r.measured)} |`);
const withProjection = rows.filter((r) => r.projected !== null);
const bestProjected = withProjection.reduce((a, b) => (b.projected! > a.projected! ? b : a), withProjection[0]);
console.log('');
console.log(`- measured optimum: ${rows[0].label} (${f(rows[0].measured)}); projected optimum among the measured shapes: ${bestProjected.label} (${f(bestProjected.projected)}, measured ${f(bestProjected.measured)})`);
