// What smaller EAGLE-2 trees would have accepted, replayed over the wide tree a cycle grew, so
// one run at the widest setting measures every (steps', top-k', draft tokens') at or under it
// (the harness projects the best shape per machine from these counts: docs/projection.md).
//
// The smaller tree's growth is growDynamicTree's over the wide tree's candidates: depth 1 is the
// first k' root children; each later step expands the k' best nodes of the smaller frontier by
// score, each adding its first k' children (top-k' of a node's logits are the first k' of its
// top-k). Ties fall as growDynamicTree breaks them: the relative creation order of two nodes is
// the same in both trees (by depth, then by the expanding parent's place, then by child rank),
// so ranking the smaller tree's nodes by (score desc, wide index asc) is its own ranking.
//
// A smaller tree keeps its best n' nodes: its rank-r node for r < n'. Along the accepted path a
// child never outranks its parent, so the path prefix in the smaller tree is the path nodes of
// rank < n': acceptedAtRank[r] counts cycles whose accepted path holds the smaller tree's rank-r
// node, and tau(s', k', n') = 1 + sum_{r<n'} acceptedAtRank[r] / cycles.
//
// Exactness. At T = 0 a tree accepts the longest run of target-argmax tokens it holds, so the
// count is exact unless (a) the smaller tree expands a node the wide tree never expanded (its
// nodes are unknown: censored at every n', no acceptance counted, so 0 stands as the lower bound),
// or (b) it keeps, under the end of the wide path, a node the wide pass never verified whose token
// is the target's next one (the bonus): it would accept it and maybe more (censored from that
// node's rank on; the count is a lower bound). censoredAtRank[r] counts cycles censored once
// n' > r. At T > 0 (recursive rejection over siblings) which sibling is accepted depends on the
// siblings tried before it, so the replay is an approximation; there (b) censors any unverified
// child of the path's end, whatever its token.
import { maxTreeNodes } from './types.ts';
import type { TreeCandidates } from './dynamic-tree.ts';

export interface ShapeCounts {
  steps: number;
  topK: number;
  /** length: the largest node budget this (steps, topK) can fill, at most the wide tree's */
  acceptedAtRank: number[];
  censoredAtRank: number[];
}

export interface ShapeAcceptance {
  /** the wide (measured) shape */
  steps: number;
  topK: number;
  draftTokens: number;
  /** verify cycles counted (cycles that drafted nothing count with nothing accepted) */
  cycles: number;
  /** false when the request sampled (T > 0): the counts are then an approximation */
  greedy: boolean;
  /** every steps' <= steps, topK' <= topK, steps' major */
  grid: ShapeCounts[];
}

export function newShapeAcceptance(steps: number, topK: number, draftTokens: number, greedy: boolean): ShapeAcceptance {
  const grid: ShapeCounts[] = [];
  for (let s = 1; s <= steps; s++) {
    for (let k = 1; k <= topK; k++) {
      const n = Math.min(draftTokens, maxTreeNodes(k, s));
      grid.push({ steps: s, topK: k, acceptedAtRank: new Array<number>(n).fill(0), censoredAtRank: new Array<number>(n).fill(0) });
    }
  }
  return { steps, topK, draftTokens, cycles: 0, greedy, grid };
}

export interface ReplayOutcome {
  /** the smaller tree's rank of each wide path node it holds, in path order (increasing) */
  ranks: number[];
  /** censored for every budget n' > this rank; null: exact at every budget */
  censoredFrom: number | null;
}

/**
 * One cycle, one smaller shape. `path`: proposal indices of the accepted drafts; `bonus`: the token
 * the target chose after them (at T = 0, its argmax there).
 */
export function replayShape(c: TreeCandidates, steps: number, topK: number, path: readonly number[], bonus: number, greedy: boolean, childrenOf = childLists(c)): ReplayOutcome {
  let frontier = childrenOf[0].slice(0, topK);
  const grown = [...frontier];
  for (let s = 1; s < steps && frontier.length; s++) {
    const expand = [...frontier].sort((a, b) => c.nodes[b].score - c.nodes[a].score).slice(0, topK);
    if (expand.some((ni) => !c.expanded[ni])) return { ranks: [], censoredFrom: 0 };
    frontier = expand.flatMap((ni) => childrenOf[ni + 1].slice(0, topK));
    grown.push(...frontier);
  }
  const order = grown.sort((a, b) => c.nodes[b].score - c.nodes[a].score || a - b);
  const rank = new Map(order.map((ni, r) => [ni, r]));
  const ranks: number[] = [];
  for (const d of path) {
    const r = rank.get(c.kept[d]);
    if (r === undefined) break;
    ranks.push(r);
  }
  let censoredFrom: number | null = null;
  if (ranks.length === path.length) {
    const end = path.length ? c.kept[path[path.length - 1]] : -1;
    const verified = new Set(c.kept);
    for (const ch of childrenOf[end + 1]) {
      const r = rank.get(ch);
      // a budget never exceeds the wide one this cycle (kept.length): beyond it the smaller tree is cut as the wide one was
      if (r === undefined || r >= c.kept.length || verified.has(ch)) continue;
      if (!greedy || c.nodes[ch].token === bonus) censoredFrom = censoredFrom === null ? r : Math.min(censoredFrom, r);
    }
  }
  return { ranks, censoredFrom };
}

/** childrenOf[p + 1] = node indices whose parent is p (p = -1: the root), in creation order. */
export function childLists(c: TreeCandidates): number[][] {
  const out: number[][] = Array.from({ length: c.nodes.length + 1 }, () => []);
  c.nodes.forEach((n, i) => out[n.parent + 1].push(i));
  return out;
}

/** Adds one verify cycle to every shape of the grid (no candidates: the cycle drafted nothing). */
export function recordShapes(acc: ShapeAcceptance, c: TreeCandidates | undefined, path: readonly number[], bonus: number): void {
  acc.cycles++;
  if (!c || c.kept.length === 0) return;
  const childrenOf = childLists(c);
  for (const g of acc.grid) {
    const o = replayShape(c, g.steps, g.topK, path, bonus, acc.greedy, childrenOf);
    if (o.censoredFrom !== null && o.censoredFrom < g.censoredAtRank.length) g.censoredAtRank[o.censoredFrom]++;
    for (const r of o.ranks) if (r < g.acceptedAtRank.length) g.acceptedAtRank[r]++;
  }
}
