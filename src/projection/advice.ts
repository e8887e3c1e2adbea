// Depth advice per draft, side by side on several profiles: from a result's acceptance pooled over
// its datasets, the draft depth each profile's costs make best (issue 25 item 4). "This CPU's
// optimum next to an H200's" is the same acceptance through two profiles.
import type { PositionAcceptance, ResultFile } from '../result/schema.ts';
import type { Profile } from '../profile/schema.ts';
import { pooledDraftedPerCycle, shapeLabel, shapeOf } from './result.ts';
import { titledTable } from './table.ts';
import { isModelFreeDraft } from '../suite/types.ts';
import { adviseDepth, capDrafted, cycleCost, ProjectionError, speedupOf, tokensPerCycle, verifyMs, type DraftShape } from './speedup.ts';

export interface AdviceOnProfile {
  profile: string;
  /** decode-only speedup at the setting the run used */
  atSetting: number | null;
  best: { depth: number; draftTokens: number; speedup: number } | null;
  /** why there is none (no costs for the method on this profile) */
  missing?: string;
}

export interface AdviceRow {
  draft: string;
  method: string;
  temperature: number;
  shape: DraftShape;
  /** tokens per cycle at the run's setting, pooled over the draft's datasets (cycle-weighted) */
  tau: number;
  datasets: number;
  /** exact for chains (a shorter chain's acceptance is a prefix of the longer one's); approximate for trees */
  exact: boolean;
  profiles: AdviceOnProfile[];
}

/** Cycle-weighted pooling of per-position acceptance: the curve of all the cells' cycles together. */
export function poolAcceptance(curves: readonly PositionAcceptance[]): PositionAcceptance | null {
  const withCycles = curves.filter((c) => c.cycles > 0 && c.unconditional.length > 0);
  if (withCycles.length === 0) return null;
  const len = Math.min(...withCycles.map((c) => c.unconditional.length));
  const cycles = withCycles.reduce((a, c) => a + c.cycles, 0);
  const unconditional = Array.from({ length: len }, (_, i) => withCycles.reduce((a, c) => a + c.unconditional[i] * c.cycles, 0) / cycles);
  const conditional = unconditional.map((u, i) => (i === 0 ? u : unconditional[i - 1] > 0 ? u / unconditional[i - 1] : 0));
  return { conditional, unconditional, cycles };
}

export function adviseAcross(result: ResultFile, profiles: readonly Profile[], context: number): AdviceRow[] {
  const groups = new Map<string, ResultFile['cells']>();
  for (const c of result.cells) {
    if (c.status !== 'ok' || c.method === 'vanilla' || !c.positionAcceptance) continue;
    const key = `${c.draft}\u0000${c.temperature}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rows: AdviceRow[] = [];
  for (const cells of groups.values()) {
    const pa = poolAcceptance(cells.map((c) => c.positionAcceptance!));
    if (!pa) continue;
    const shape = shapeOf(result, cells[0]);
    if (shape.draftTokens < 1 || (shape.steps === 0 && !isModelFreeDraft(shape.method))) continue;
    const drafted = pooledDraftedPerCycle(cells);
    const perProfile = profiles.map((p): AdviceOnProfile => {
      try {
        const vanilla = verifyMs(p, 1, context) + p.overheads.cycleMs;
        const atSetting = speedupOf(tokensPerCycle(pa.unconditional), cycleCost(p, capDrafted(shape, drafted), context).totalMs, vanilla);
        const a = adviseDepth(pa, shape, p, context, drafted);
        return { profile: p.name, atSetting, best: a.best };
      } catch (e) {
        if (!(e instanceof ProjectionError)) throw e;
        return { profile: p.name, atSetting: null, best: null, missing: `no costs for ${shape.method}` };
      }
    });
    rows.push({
      draft: cells[0].draft, method: cells[0].method, temperature: cells[0].temperature, shape,
      tau: tokensPerCycle(pa.unconditional), datasets: cells.length, exact: shape.topK <= 1, profiles: perProfile,
    });
  }
  return rows.sort((a, b) => a.temperature - b.temperature || a.draft.localeCompare(b.draft));
}


export function renderAdvice(rows: readonly AdviceRow[], profiles: readonly Profile[], format: 'table' | 'markdown'): string {
  const header = ['draft', 'T', 'run setting', 'tok/cycle (pooled)', ...profiles.flatMap((p) => [`projected ${p.name}: at setting`, `projected ${p.name}: best depth (tokens): x`])];
  const body = rows.map((r) => [
    r.draft, String(r.temperature), shapeLabel(r.shape), `${r.tau.toFixed(2)} (${r.datasets} datasets)`,
    ...r.profiles.flatMap((p) => p.best === null
      ? ['-', `- (${p.missing})`]
      : [`${p.atSetting!.toFixed(2)}`, `${r.exact ? '' : '~'}${p.best.depth} (${p.best.draftTokens}): ${p.best.speedup.toFixed(2)}`]),
  ]);
  const note = 'Decode-only speedup over vanilla (no per-request costs) from the acceptance pooled over the draft\'s datasets (cycle-weighted); '
    + 'best depth: the chain length, or for a tree (~) the number of steps at the same top-k with the node budget scaled by depth; '
    + 'top-k and the node budget are not varied here (shape advice varies them, for tree cells that carry the acceptance of every smaller tree). docs/projection.md.';
  return titledTable('Depth advice, projected', note, header, body, format);
}
