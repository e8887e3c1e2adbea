// Tree-shape acceptance: what every smaller EAGLE-2 tree (steps', top-k', draft tokens') would have
// accepted, replayed by the reference engine over each cycle's wide tree and sent per request as
// meta_info.prism_shape_acceptance (packages/reference-engine/src/drafts/shape-replay.ts states
// the replay and when a count is exact). Pooled per cell by summing counts; shape advice projects
// from it (src/projection/shape.ts, docs/projection.md).
import type { ShapeAcceptance, ShapeCounts } from '../result/schema.ts';
import { isRecord } from '../record.ts';

/** One request's counts, as the engine sent them (the stored cell field adds a version). */
export type RequestShapeAcceptance = Omit<ShapeAcceptance, 'version'>;

const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const counts = (v: unknown): v is number[] => Array.isArray(v) && v.every(count);

/** Reads meta_info.prism_shape_acceptance; null when absent or not of the engine's form (nothing else is lost). */
export function readShapeAcceptance(v: unknown): RequestShapeAcceptance | null {
  if (!isRecord(v) || !count(v.steps) || !count(v.topK) || !count(v.draftTokens) || !count(v.cycles) || typeof v.greedy !== 'boolean' || !Array.isArray(v.grid)) return null;
  const grid: ShapeCounts[] = [];
  for (const g of v.grid) {
    if (!isRecord(g) || !count(g.steps) || !count(g.topK) || !counts(g.acceptedAtRank) || !counts(g.censoredAtRank) || g.acceptedAtRank.length !== g.censoredAtRank.length) return null;
    grid.push({ steps: g.steps, topK: g.topK, acceptedAtRank: [...g.acceptedAtRank], censoredAtRank: [...g.censoredAtRank] });
  }
  return { steps: v.steps, topK: v.topK, draftTokens: v.draftTokens, cycles: v.cycles, greedy: v.greedy, grid };
}

const layout = (s: RequestShapeAcceptance) => JSON.stringify([s.steps, s.topK, s.draftTokens, s.greedy, s.grid.map((g) => [g.steps, g.topK, g.acceptedAtRank.length])]);

/**
 * The cell's counts: every request's summed. Requests of one cell share a shape; any of another
 * layout (not expected) are left out rather than mixed in. null when no request carried counts.
 */
export function poolShapeAcceptance(requests: readonly (RequestShapeAcceptance | null | undefined)[]): ShapeAcceptance | null {
  const with_ = requests.filter((r): r is RequestShapeAcceptance => r != null);
  if (with_.length === 0) return null;
  const first = with_[0], key = layout(first);
  const same = with_.filter((r) => layout(r) === key);
  const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]);
  return {
    version: 1, steps: first.steps, topK: first.topK, draftTokens: first.draftTokens, greedy: first.greedy,
    cycles: same.reduce((a, r) => a + r.cycles, 0),
    grid: first.grid.map((g, i) => ({
      steps: g.steps, topK: g.topK,
      acceptedAtRank: same.slice(1).reduce((a, r) => add(a, r.grid[i].acceptedAtRank), [...g.acceptedAtRank]),
      censoredAtRank: same.slice(1).reduce((a, r) => add(a, r.grid[i].censoredAtRank), [...g.censoredAtRank]),
    })),
  };
}
