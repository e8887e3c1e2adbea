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

/** What one cycle's replays share: each node's place in the wide tree's ranking, its children, what was verified. */
export interface ReplayPrep {
  /** node indices by (score desc, index asc): growDynamicTree's ranking */
  order: Int32Array;
  /** grank[node] = its place in `order` */
  grank: Int32Array;
  /** a node's children are contiguous in creation order (growDynamicTree adds them together): first index and count; entry p + 1 for parent p (0: the root) */
  childStart: Int32Array;
  childCount: Int32Array;
  verified: Uint8Array;
}

export function prepareReplay(c: TreeCandidates): ReplayPrep {
  const n = c.nodes.length;
  const order = Int32Array.from(c.ranked);
  const grank = new Int32Array(n);
  for (let r = 0; r < n; r++) grank[order[r]] = r;
  const childStart = new Int32Array(n + 1), childCount = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const p = c.nodes[i].parent + 1;
    if (childCount[p]++ === 0) childStart[p] = i;
  }
  const verified = new Uint8Array(n);
  for (const ni of c.kept) verified[ni] = 1;
  return { order, grank, childStart, childCount, verified };
}

/**
 * One cycle, top-k' = topK, every steps' = 1..steps (entry s' - 1): a tree of s' steps is the first
 * s' steps of one of more, so one growth serves them all. `path`: proposal indices of the accepted
 * drafts; `bonus`: the token the target chose after them (at T = 0, its argmax there).
 */
export function replayTopK(c: TreeCandidates, topK: number, steps: number, path: readonly number[], bonus: number, greedy: boolean, prep = prepareReplay(c)): ReplayOutcome[] {
  const { order, grank, childStart, childCount, verified } = prep;
  // addedAt[node] = the step (its depth) at which the smaller tree grew it; 0: never
  const addedAt = new Uint16Array(c.nodes.length);
  let frontier: number[] = [];
  const addChildren = (p: number, depth: number) => {
    const first = childStart[p + 1], m = Math.min(topK, childCount[p + 1]);
    for (let j = first; j < first + m; j++) { frontier.push(j); addedAt[j] = depth; }
  };
  addChildren(-1, 1);
  let validSteps = steps;
  for (let s = 1; s < steps && frontier.length; s++) {
    const expand = frontier.sort((a, b) => grank[a] - grank[b]).slice(0, topK);
    // a node the wide tree never expanded: its children, and so every deeper tree, are unknown
    if (expand.some((ni) => !c.expanded[ni])) { validSteps = s; break; }
    frontier = [];
    for (const ni of expand) addChildren(ni, s + 1);
  }
  const budget = c.kept.length;
  const out: ReplayOutcome[] = [];
  for (let sp = 1; sp <= steps; sp++) {
    if (sp > validSteps) { out.push({ ranks: [], censoredFrom: 0 }); continue; }
    const grown = (ni: number) => addedAt[ni] >= 1 && addedAt[ni] <= sp;
    // a node's rank: the grown nodes ahead of it in the wide ranking, counted by one forward scan
    let pos = 0, count = 0;
    // stops once the budget is reached: a node ranked beyond it is never kept, whatever its exact rank
    const rankOf = (ni: number) => {
      for (; pos < grank[ni] && count < budget; pos++) if (grown(order[pos])) count++;
      return count;
    };
    const ranks: number[] = [];
    for (const d of path) {
      const ni = c.kept[d];
      if (!grown(ni)) break;
      ranks.push(rankOf(ni));
    }
    let censoredFrom: number | null = null;
    if (ranks.length === path.length) {
      const end = path.length ? c.kept[path[path.length - 1]] : -1;
      let open = -1;
      for (let ch = childStart[end + 1]; ch < childStart[end + 1] + childCount[end + 1]; ch++) {
        if (grown(ch) && !verified[ch] && (!greedy || c.nodes[ch].token === bonus) && (open < 0 || grank[ch] < grank[open])) open = ch;
      }
      if (open >= 0) {
        const r = rankOf(open);
        // a budget never exceeds the wide one this cycle (kept.length): beyond it the smaller tree is cut as the wide one was
        if (r < budget) censoredFrom = r;
      }
    }
    out.push({ ranks, censoredFrom });
  }
  return out;
}

/** One cycle, one smaller shape (steps, topK). */
export function replayShape(c: TreeCandidates, steps: number, topK: number, path: readonly number[], bonus: number, greedy: boolean): ReplayOutcome {
  return replayTopK(c, topK, steps, path, bonus, greedy)[steps - 1];
}

/** Adds one verify cycle to every shape of the grid (no candidates: the cycle drafted nothing). */
export function recordShapes(acc: ShapeAcceptance, c: TreeCandidates | undefined, path: readonly number[], bonus: number): void {
  acc.cycles++;
  if (!c || c.kept.length === 0) return;
  const prep = prepareReplay(c);
  for (let k = 1; k <= acc.topK; k++) {
    replayTopK(c, k, acc.steps, path, bonus, acc.greedy, prep).forEach((o, i) => {
      const g = acc.grid[i * acc.topK + (k - 1)];
      if (o.censoredFrom !== null && o.censoredFrom < g.censoredAtRank.length) g.censoredAtRank[o.censoredFrom]++;
      for (const r of o.ranks) if (r < g.acceptedAtRank.length) g.acceptedAtRank[r]++;
    });
  }
}
