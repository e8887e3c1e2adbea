// Shape advice: the (steps, top-k, draft tokens) with the best projected decode speedup on a
// profile, over every tree shape at or under the measured one, from the counts the reference
// engine replays over each cycle's wide tree (src/metrics/shape-acceptance.ts; docs/projection.md,
// "Shape advice"). Costs as cycleCost prices any shape: the extend pass plus (steps' - 1) draft
// steps over top-k' rows, a verify pass over draft tokens' + 1.
import type { Profile } from '../profile/schema.ts';
import type { ResultFile, ShapeAcceptance } from '../result/schema.ts';
import { poolShapeAcceptance } from '../metrics/shape-acceptance.ts';
import { capDrafted, cycleCost, ProjectionError, speedupOf, verifyMs } from './speedup.ts';
import { pooledDraftedPerCycle, projectedLabel } from './result.ts';
import { titledTable } from './table.ts';

export interface ShapePoint {
  steps: number;
  topK: number;
  draftTokens: number;
  /** tokens per cycle, bonus included */
  tau: number;
  /** share of cycles whose count is a lower bound at this shape (0: exact at T = 0) */
  censoredShare: number;
  cycleMs: number;
  speedup: number;
}

/** exact: T = 0 and no censored cycle; lower bound: T = 0 with censored cycles; approximate: T > 0 */
export type ShapeExactness = 'exact' | 'lower bound' | 'approximate';

export interface ShapeAdvice {
  atSetting: ShapePoint;
  best: ShapePoint & { exactness: ShapeExactness };
  points: ShapePoint[];
}

export function exactnessOf(sa: Pick<ShapeAcceptance, 'greedy'>, censoredShare: number): ShapeExactness {
  return !sa.greedy ? 'approximate' : censoredShare > 0 ? 'lower bound' : 'exact';
}

/** tau and censored share of every (steps', top-k', draft tokens') the counts hold. */
export function shapeTaus(sa: ShapeAcceptance): Omit<ShapePoint, 'cycleMs' | 'speedup'>[] {
  if (sa.cycles <= 0) return [];
  const out: Omit<ShapePoint, 'cycleMs' | 'speedup'>[] = [];
  for (const g of sa.grid) {
    let accepted = 0, censored = 0;
    g.acceptedAtRank.forEach((a, r) => {
      accepted += a; censored += g.censoredAtRank[r];
      out.push({ steps: g.steps, topK: g.topK, draftTokens: r + 1, tau: 1 + accepted / sa.cycles, censoredShare: censored / sa.cycles });
    });
  }
  return out;
}

/** The best shape for a profile; throws ProjectionError when the profile cannot price the method. */
export function adviseShape(sa: ShapeAcceptance, method: string, profile: Profile, context: number, drafted?: number): ShapeAdvice {
  const vanilla = verifyMs(profile, 1, context) + profile.overheads.cycleMs;
  const points = shapeTaus(sa).map((t): ShapePoint => {
    // priced at what a cycle drafts on average: the wide tree's cycles near a request's end kept fewer nodes (`drafted`)
    const cycleMs = cycleCost(profile, capDrafted({ method, steps: t.steps, topK: t.topK, draftTokens: t.draftTokens }, drafted), context).totalMs;
    return { ...t, cycleMs, speedup: speedupOf(t.tau, cycleMs, vanilla) };
  });
  if (points.length === 0) throw new ProjectionError(`no cycles in the shape acceptance of ${method}: nothing to advise from`);
  const best = points.reduce((a, b) => (b.speedup > a.speedup ? b : a), points[0]);
  const measured = points.filter((p) => p.steps === sa.steps && p.topK === sa.topK);
  const atSetting = measured.find((p) => p.draftTokens === sa.draftTokens) ?? measured[measured.length - 1] ?? best;
  return { atSetting, best: { ...best, exactness: exactnessOf(sa, best.censoredShare) }, points };
}

export interface ShapeAdviceOnProfile {
  profile: string;
  /** projected (profile NAME): every figure here is a projection */
  label: string;
  atSetting: ShapePoint | null;
  best: (ShapePoint & { exactness: ShapeExactness }) | null;
  missing?: string;
}

export interface ShapeAdviceRow {
  draft: string;
  method: string;
  temperature: number;
  /** the measured (widest) shape */
  measured: { steps: number; topK: number; draftTokens: number };
  cycles: number;
  datasets: number;
  greedy: boolean;
  profiles: ShapeAdviceOnProfile[];
}

/** Per draft and temperature, the cells' counts summed over datasets, advised on each profile. Cells without counts are left out. */
export function adviseShapeAcross(result: ResultFile, profiles: readonly Profile[], context: number): ShapeAdviceRow[] {
  const groups = new Map<string, ResultFile['cells']>();
  for (const c of result.cells) {
    if (c.status !== 'ok' || !c.shapeAcceptance) continue;
    const key = `${c.draft}\u0000${c.temperature}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const rows: ShapeAdviceRow[] = [];
  for (const cells of groups.values()) {
    const sa = poolShapeAcceptance(cells.map((c) => c.shapeAcceptance!));
    if (!sa || sa.cycles <= 0) continue;
    const method = cells[0].method;
    const drafted = pooledDraftedPerCycle(cells);
    rows.push({
      draft: cells[0].draft, method, temperature: cells[0].temperature, measured: { steps: sa.steps, topK: sa.topK, draftTokens: sa.draftTokens },
      cycles: sa.cycles, datasets: cells.length, greedy: sa.greedy,
      profiles: profiles.map((p): ShapeAdviceOnProfile => {
        try {
          const a = adviseShape(sa, method, p, context, drafted);
          return { profile: p.name, label: projectedLabel(p), atSetting: a.atSetting, best: a.best };
        } catch (e) {
          if (!(e instanceof ProjectionError)) throw e;
          return { profile: p.name, label: projectedLabel(p), atSetting: null, best: null, missing: `no costs for ${method}` };
        }
      }),
    });
  }
  return rows.sort((a, b) => a.temperature - b.temperature || a.draft.localeCompare(b.draft));
}

const shapeText = (s: { steps: number; topK: number; draftTokens: number }) => `${s.steps}x${s.topK}, ${s.draftTokens}`;
const markOf = (b: ShapePoint & { exactness: ShapeExactness }) =>
  b.exactness === 'exact' ? '' : b.exactness === 'approximate' ? ' (approx., T > 0)' : ` (lower bound: ${(b.censoredShare * 100).toFixed(1)}% censored)`;

export function renderShapeAdvice(rows: readonly ShapeAdviceRow[], profiles: readonly Profile[], format: 'table' | 'markdown'): string {
  const header = ['draft', 'T', 'measured tree (steps x top-k, drafted)', 'cycles', ...profiles.flatMap((p) => [`projected ${p.name}: at setting`, `projected ${p.name}: best shape (steps x top-k, drafted): x`])];
  const body = rows.map((r) => [
    r.draft, String(r.temperature), shapeText(r.measured), `${r.cycles} (${r.datasets} datasets)`,
    ...r.profiles.flatMap((p) => p.best === null || p.atSetting === null
      ? ['-', `- (${p.missing})`]
      : [p.atSetting.speedup.toFixed(2), `${shapeText(p.best)}: ${p.best.speedup.toFixed(2)}${markOf(p.best)}`]),
  ]);
  const note = 'Decode-only speedup over vanilla of every tree at or under the measured one (steps, top-k and drafted tokens varied), '
    + 'from what each smaller tree would have accepted in the measured cycles, summed over the draft\'s datasets; '
    + 'exact at T = 0 unless marked a lower bound (censored cycles), an approximation at T > 0; no interval. docs/projection.md.';
  return titledTable('Shape advice, projected', note, header, body, format);
}
