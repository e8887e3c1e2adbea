// A result's cells projected onto a cost profile: each speculative cell's measured per-position
// acceptance through the speedup model (speedup.ts). Works for any result with per-position
// acceptance: runs, merges and imports (EAGLE, Spec-Bench, PRISM artifact logs carrying it).
import type { Cell, ResultFile } from '../result/schema.ts';
import { isModelFreeDraft } from '../suite/types.ts';
import { median } from '../stats/sample.ts';
import { titledTable } from './table.ts';
import type { Profile } from '../profile/schema.ts';
import { adviseDepth, capDrafted, cycleCost, project, ProjectionError, speedupOf, verifyMs, type DepthAdvice, type DraftShape, type Projection, type RequestShape } from './speedup.ts';

export interface ProjectedCell {
  cell: string;
  draft: string;
  method: string;
  dataset: string;
  temperature: number;
  /** the shape as priced: the draft tokens actually drafted per cycle on average (at most the setting) */
  shape: DraftShape;
  /** the shape as the suite set it (depth advice varies this one) */
  nominal: DraftShape;
  projection: Projection | null;
  /** the best depth on the profile (decode only), from this cell's acceptance (item 4 of issue 25) */
  advice?: DepthAdvice;
  /** projected from the pooled acceptance length alone (no per-position rates): no depth advice; the interval is the acceptance length's own */
  tauOnly?: boolean;
  /** why there is no projection (no per-position acceptance, no costs for the method) */
  missing?: string;
  /** the run's own measured speedup over vanilla (on the machine that ran it), for comparison */
  measured: { ratio: number; interval: [number, number] | null } | null;
}

export interface ProjectOptions {
  /** KV-cache length to read the verify curve at */
  context: number;
  /**
   * fixed ms per request outside decode cycles; 'measured' = the vanilla cell's measured TTFT
   * (valid only against a profile of the machine that ran the result); absent = the profile's
   * prefill at `promptTokens` plus its requestMs; 0 = decode only
   */
  requestMs?: number | 'measured';
  /**
   * per-cycle cost outside the engine's passes, added to the profile's cycleMs (the server's share:
   * streaming each cycle's tokens, HTTP, scheduling): a number, or 'measured' = the vanilla cell's
   * TPOT less its verify ms per cycle (only against a profile of the machine that ran the result)
   */
  cycleMs?: number | 'measured';
  promptTokens: number;
  /**
   * scale every cost of the profile so that its 1-token pass equals the run's vanilla cells' verify
   * ms per cycle (their median): for a profile of the same machine taken at another moment (on
   * shared cores the same pass drifts by up to 40% within minutes)
   */
  anchor?: boolean;
  /** the draft shape for cells whose result does not record one (imports): steps x top-k x draft tokens */
  shape?: { steps: number; topK: number; draftTokens: number };
}


/** "tree 6x4, 15", "chain 4", "lookup 6"; given the priced shape too, what a cycle drafted on average when it differs. */
export function shapeLabel(nominal: DraftShape, priced?: DraftShape): string {
  const base = nominal.topK > 1 ? `tree ${nominal.steps}x${nominal.topK}, ${nominal.draftTokens}` : isModelFreeDraft(nominal.method) ? `lookup ${+nominal.draftTokens.toFixed(1)}` : `chain ${+nominal.steps.toFixed(1)}`;
  return priced && Math.abs(priced.draftTokens - nominal.draftTokens) >= 0.05 ? `${base} (${priced.draftTokens.toFixed(1)} drafted per cycle)` : base;
}

/**
 * Draft tokens the cell's cycles drafted on average: accepted per cycle / draft acceptance rate.
 * Undefined without both. Why it matters: a lookup proposes only what it matched (often nothing),
 * and any draft's last cycles of a request draft only what is left to generate (with 32-token
 * requests at tau 1.2, half the cycles).
 */
export function draftedPerCycle(cell: Cell): number | undefined {
  const rate = cell.metrics.draft_accept_rate?.mean;
  if (!cell.positionAcceptance || rate === undefined || !(rate > 0)) return undefined;
  return cell.positionAcceptance.unconditional.reduce((a, b) => a + b, 0) / rate;
}

/** Cycle-weighted mean of draftedPerCycle over cells (a draft pooled over its datasets); undefined if any lacks it. */
export function pooledDraftedPerCycle(cells: readonly Cell[]): number | undefined {
  let sum = 0, cycles = 0;
  for (const c of cells) {
    const d = draftedPerCycle(c), n = c.positionAcceptance?.cycles ?? 0;
    if (d === undefined || n <= 0) return undefined;
    sum += d * n; cycles += n;
  }
  return cycles > 0 ? sum / cycles : undefined;
}

/** The draft's shape as the suite ran it; imports without one: a chain as long as the acceptance curve. */
export function shapeOf(result: ResultFile, cell: Cell): DraftShape {
  const d = (result.suite?.drafts ?? []).find((x) => x.name === cell.draft) as
    | { method?: string; steps?: number; topK?: number; verifiedTokens?: number; draftedTokens?: number } | undefined;
  const positions = cell.positionAcceptance?.unconditional.length ?? 0;
  if (cell.method === 'vanilla') return { method: 'vanilla', draftTokens: 0, steps: 0, topK: 1 };
  if (isModelFreeDraft(cell.method)) {
    const n = d?.draftedTokens ?? positions;
    return { method: cell.method, draftTokens: n, steps: 0, topK: 1 };
  }
  const topK = d?.topK ?? 1;
  const steps = d?.steps ?? (d?.verifiedTokens !== undefined ? d.verifiedTokens - 1 : positions);
  const nodes = topK > 1 ? (d?.verifiedTokens !== undefined ? d.verifiedTokens - 1 : positions) : steps;
  return { method: cell.method, draftTokens: nodes, steps, topK };
}

const metric = (c: Cell | undefined, id: string) => c?.metrics[id]?.mean;

/** Output tokens per request from the cell's own latencies: 1 + (E2E - TTFT) / TPOT. */
function outputTokens(c: Cell): number | null {
  const e2e = metric(c, 'e2e_ms'), ttft = metric(c, 'ttft_ms'), tpot = metric(c, 'tpot_ms');
  return e2e !== undefined && ttft !== undefined && tpot !== undefined && tpot > 0 ? 1 + (e2e - ttft) / tpot : null;
}

/** The profile with every time multiplied by `factor` (one machine, slower or faster as a whole). */
export function scaleProfile(profile: Profile, factor: number): Profile {
  const times = <T extends { ms: number }>(xs: readonly T[]) => xs.map((x) => ({ ...x, ms: x.ms * factor }));
  return {
    ...profile,
    target: { ...profile.target, verify: profile.target.verify.map((c) => ({ ...c, points: times(c.points) })), ...(profile.target.prefill ? { prefill: times(profile.target.prefill) } : {}) },
    drafts: Object.fromEntries(Object.entries(profile.drafts).map(([m, d]) => [m, d.kind === 'fixed' ? { ...d, cycleMs: d.cycleMs * factor } : { ...d, extendMs: d.extendMs * factor, steps: times(d.steps) }])),
    overheads: { ...profile.overheads, cycleMs: profile.overheads.cycleMs * factor, requestMs: profile.overheads.requestMs * factor },
  };
}

/** The run's vanilla verify ms per cycle (median over its vanilla cells) over the profile's 1-token pass at `context`. */
export function anchorFactor(result: ResultFile, profile: Profile, context: number): number {
  const v = result.cells.filter((c) => c.status === 'ok' && c.method === 'vanilla').map((c) => metric(c, 'verify_ms_per_cycle')).filter((x): x is number => x !== undefined && x > 0);
  if (v.length === 0) throw new ProjectionError('--anchor: the result has no vanilla cell with verify ms per cycle to anchor the profile to');
  return median(v) / verifyMs(profile, 1, context);
}

export function projectResult(result: ResultFile, given: Profile, o: ProjectOptions): ProjectedCell[] {
  const profile = o.anchor ? scaleProfile(given, anchorFactor(result, given, o.context)) : given;
  const out: ProjectedCell[] = [];
  for (const cell of result.cells) {
    if (cell.status !== 'ok' || cell.method === 'vanilla') continue;
    const fromResult = shapeOf(result, cell);
    const unknown = fromResult.draftTokens < 1 || (fromResult.steps < 1 && !isModelFreeDraft(cell.method));
    if (unknown && !o.shape) {
      out.push({ cell: cell.id, draft: cell.draft, method: cell.method, dataset: cell.dataset, temperature: cell.temperature, shape: { method: cell.method, draftTokens: 0, steps: 0, topK: 1 }, nominal: { method: cell.method, draftTokens: 0, steps: 0, topK: 1 }, measured: null, projection: null, missing: 'the result does not record the draft\'s shape; give --shape STEPSxTOPKxTOKENS' });
      continue;
    }
    const nominal = unknown && o.shape ? { method: cell.method, ...o.shape } : fromResult;
    const drafted = draftedPerCycle(cell);
    const shape = capDrafted(nominal, drafted);
    const cmp = cell.comparisons?.speedup ?? Object.values(cell.comparisons ?? {}).find((c) => c.metric === 'throughput');
    const iv = cmp?.interval ? [cmp.interval.low, cmp.interval.high] as [number, number] : null;
    const measured = cmp ? { ratio: cmp.ratio, interval: iv } : cell.metrics.speedup ? { ratio: cell.metrics.speedup.mean, interval: null } : null;
    const base = { cell: cell.id, draft: cell.draft, method: cell.method, dataset: cell.dataset, temperature: cell.temperature, shape, nominal, measured };
    // only the pooled acceptance length (the PRISM artifact's client logs): the speedup at the run's
    // setting needs tau alone; the interval and the depth advice need the per-position rates
    // (pooled tokens per cycle, bonus included: the model's tau; the engine's own counters are the same count)
    const tauOnly = cell.positionAcceptance ? undefined : cell.metrics.accept_length_pooled ?? cell.metrics.accept_length_engine;
    if (!cell.positionAcceptance && !tauOnly) { out.push({ ...base, projection: null, missing: 'no per-position acceptance or acceptance length in this result' }); continue; }
    const vanilla = result.cells.find((c) => c.method === 'vanilla' && c.engine === cell.engine && c.dataset === cell.dataset && c.temperature === cell.temperature);
    const serverCycleMs = o.cycleMs === 'measured' ? Math.max(0, (metric(vanilla, 'tpot_ms') ?? NaN) - (metric(vanilla, 'verify_ms_per_cycle') ?? NaN)) : o.cycleMs ?? 0;
    if (!Number.isFinite(serverCycleMs)) { out.push({ ...base, projection: null, missing: 'no vanilla cell with TPOT and verify ms per cycle to measure the per-cycle server cost from' }); continue; }
    const costs = serverCycleMs > 0 ? { ...profile, overheads: { ...profile.overheads, cycleMs: profile.overheads.cycleMs + serverCycleMs } } : profile;
    let request: RequestShape | undefined;
    const n = outputTokens(cell) ?? (vanilla ? outputTokens(vanilla) : null);
    if (n !== null && o.requestMs !== 0) {
      const fixed = o.requestMs === 'measured' ? metric(vanilla, 'ttft_ms')
        : o.requestMs ?? (profile.target.prefill?.length ? verifyPrefill(profile, o.promptTokens) + profile.overheads.requestMs : undefined);
      if (fixed !== undefined) request = { outputTokens: n, fixedMs: fixed };
    }
    try {
      if (tauOnly) {
        const cycle = cycleCost(costs, shape, o.context);
        const vanillaCycleMs = verifyMs(costs, 1, o.context) + costs.overheads.cycleMs;
        const at = (tau: number) => speedupOf(tau, cycle.totalMs, vanillaCycleMs, request);
        const iv = tauOnly.interval ? [at(tauOnly.interval.low), at(tauOnly.interval.high)] as [number, number] : null;
        out.push({ ...base, projection: { tau: tauOnly.mean, cycle, vanillaCycleMs, speedup: at(tauOnly.mean), interval: iv }, tauOnly: true });
        continue;
      }
      const projection = project(cell.positionAcceptance!, shape, costs, o.context, request);
      const advice = nominal.draftTokens >= 1 && (nominal.steps > 0 || isModelFreeDraft(nominal.method)) ? adviseDepth(cell.positionAcceptance!, nominal, costs, o.context, drafted) : undefined;
      out.push({ ...base, projection, advice });
    } catch (e) {
      if (!(e instanceof ProjectionError)) throw e;
      out.push({ ...base, projection: null, missing: e.message });
    }
  }
  return out;
}

/** Prefill time for a prompt of this many tokens (the profile's prefill curve as a 0-context verify curve). */
function verifyPrefill(profile: Profile, tokens: number): number {
  return verifyMs({ ...profile, target: { verify: [{ contextTokens: 0, points: profile.target.prefill! }] } }, tokens, 0);
}

/** "projected (profile NAME)": every place a projection appears says it is one, and on what. */
export const projectedLabel = (profile: Profile) => `projected (profile ${profile.name})`;

function fmtInterval(iv: [number, number] | null): string {
  return iv ? `[${iv[0].toFixed(2)}, ${iv[1].toFixed(2)}]` : '';
}

export function renderProjection(rows: ProjectedCell[], profile: Profile, format: 'table' | 'markdown' | 'json'): string {
  const label = projectedLabel(profile);
  if (format === 'json') return JSON.stringify({ label, profile: { name: profile.name, provenance: profile.provenance, machine: profile.machine.description, model: profile.model.name }, cells: rows }, null, 2) + '\n';
  const header = ['cell', 'shape', 'tok/cycle', `cycle ms, ${label}`, `vanilla cycle ms, ${label}`, `speedup x, ${label}`, 'measured speedup x (the run\'s machine)', `best depth (draft tokens): decode speedup, ${label}`];
  const body = rows.map((r) => {
    const s = shapeLabel(r.nominal, r.shape);
    const p = r.projection;
    const m = r.measured ? `${r.measured.ratio.toFixed(2)} ${fmtInterval(r.measured.interval)}`.trim() : '-';
    if (!p) return [r.cell, s, '-', '-', '-', `- (${r.missing})`, m, '-'];
    // '~': a tree's depth advice is an approximation (fewer steps at the same top-k)
    const adv = r.advice ? `${r.advice.exact ? '' : '~'}${r.advice.best.depth} (${r.advice.best.draftTokens}): ${r.advice.best.speedup.toFixed(2)}` : r.tauOnly ? '- (tau only)' : '-';
    return [r.cell, s, `${p.tau.toFixed(2)}${r.tauOnly ? ' (tau only)' : ''}`, p.cycle.totalMs.toFixed(2), p.vanillaCycleMs.toFixed(2), `${p.speedup.toFixed(2)} ${fmtInterval(p.interval)}`, m, adv];
  });
  const note = `${label}: ${profile.provenance} costs of ${profile.model.name} on ${profile.machine.description} (${profile.engine.name}); tok/cycle = 1 + sum of the unconditional per-position acceptance (bonus included); the interval carries the acceptance's uncertainty only (docs/projection.md).`;
  return titledTable(`Speedup ${label}`, note, header, body, format);
}
