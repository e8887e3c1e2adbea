// EAGLE-2's dynamic draft tree, shared by every draft that drafts one token per forward row
// (the feature drafts and the standalone model): the nodes of depth 1 are the top-k children of
// the root; at each later step the k nodes of the newest depth with the highest path score
// (sum of the draft's log-probabilities along the path) run in one draft call and each adds its
// k most likely children. The best maxTokens nodes by path score are proposed; a child never
// scores above its parent, so they form a tree. The nodes are a deterministic function of the
// context, so verification treats them as one-hot proposals (sibling by sibling against the
// residual target distribution, which samples exactly from the target).
import { distribution, isGreedy, type SamplingParams } from '../decoding/sampling.ts';

export interface TreeNode {
  /** target token id */
  token: number;
  /** index of the parent node, -1 for a child of the root (the last context token) */
  parent: number;
  /** sum of the draft's log-probabilities along the path */
  score: number;
  /** 1 for children of the root */
  depth: number;
}

export interface DynamicTreeOptions {
  /** the draft's logits for the first drafted position */
  rootLogits: Float32Array;
  topK: number;
  /** draft forward steps, the root's included */
  steps: number;
  maxTokens: number;
  sampling: SamplingParams;
  /** target token id of logit index j (drafts with a reduced vocabulary map it back) */
  tokenOf: (j: number) => number;
  /**
   * Runs the draft once on `expand` (node indices, all of the newest depth) and returns each
   * one's logits, or undefined where it cannot (context full): the tree then stops growing.
   */
  expand: (expand: number[], nodes: readonly TreeNode[]) => Promise<Float32Array[] | undefined>;
}

export interface DynamicTree {
  tokens: number[];
  parents: number[];
  /** draft forward calls made, the root's included */
  steps: number;
  /** every node grown and which were expanded: smaller shapes are replayed over them (shape-replay.ts) */
  candidates: TreeCandidates;
}

/** The wide tree's growth, kept for replaying smaller shapes over it. */
export interface TreeCandidates {
  /** every node grown, in creation order */
  nodes: readonly TreeNode[];
  /** expanded[i]: node i ran a draft step and got its children */
  expanded: readonly boolean[];
  /** kept[d] = node index of proposed draft token d */
  kept: readonly number[];
  /** every node by (score desc, index asc): the ranking the best maxTokens were kept from */
  ranked: readonly number[];
}

/** The draft's log-probabilities over its vocabulary: under the request's sampling when it samples. */
export function draftLogProbs(logits: Float32Array, sampling: SamplingParams): Float64Array {
  // indexed loops, in place: iterating the typed array, Float64Array.from and map with a callback
  // cost 331 us per node at T = 0 and 147 at T = 1 over 4,096 logits (a quarter of a tree's draft
  // time here); these loops take a fraction of that
  if (!isGreedy(sampling)) {
    const p = distribution(logits, sampling);
    for (let i = 0; i < p.length; i++) p[i] = Math.log(p[i]);
    return p;
  }
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = logits[i] - lse;
  return out;
}

export async function growDynamicTree(o: DynamicTreeOptions): Promise<DynamicTree> {
  const nodes: TreeNode[] = [];
  const addChildren = (parent: number, logits: Float32Array) => {
    const lp = draftLogProbs(logits, o.sampling);
    const base = parent < 0 ? 0 : nodes[parent].score;
    const depth = parent < 0 ? 1 : nodes[parent].depth + 1;
    return topIndices(lp, o.topK).map((j) => nodes.push({ token: o.tokenOf(j), parent, score: base + lp[j], depth }) - 1);
  };
  const expanded: boolean[] = [];
  let frontier = addChildren(-1, o.rootLogits);
  let steps = 1;
  for (let s = 1; s < o.steps && frontier.length; s++) {
    const expand = [...frontier].sort((a, b) => nodes[b].score - nodes[a].score).slice(0, o.topK);
    const logits = await o.expand(expand, nodes);
    if (!logits) break;
    steps++;
    for (const ni of expand) expanded[ni] = true;
    frontier = expand.flatMap((ni, r) => addChildren(ni, logits[r]));
  }
  // the best maxTokens nodes; on a tie the earlier node (a parent before its child) wins
  const ranked = Array.from(nodes.keys()).sort((a, b) => nodes[b].score - nodes[a].score || a - b);
  const kept = ranked.slice(0, o.maxTokens).sort((a, b) => a - b);
  const index = new Map(kept.map((ni, i) => [ni, i]));
  return {
    tokens: kept.map((ni) => nodes[ni].token),
    parents: kept.map((ni) => (nodes[ni].parent < 0 ? -1 : index.get(nodes[ni].parent)!)),
    steps,
    candidates: { nodes, expanded: Array.from(nodes, (_, i) => expanded[i] === true), kept, ranked },
  };
}

/** The additive mask row of a tree node: the committed context, its ancestors' cache rows and its own row. */
export function treeMaskRow(row: Float32Array, committed: number, ancestorRows: Iterable<number>, ownRow: number): void {
  row.fill(-Infinity);
  row.fill(0, 0, committed);
  for (const r of ancestorRows) row[r] = 0;
  row[ownRow] = 0;
}

/** Indices of the k largest finite entries, largest first (one pass; k is small). */
export function topIndices(xs: ArrayLike<number>, k: number): number[] {
  const top: number[] = [];
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j];
    if (!(x > -Infinity) || (top.length === k && x <= xs[top[k - 1]])) continue;
    let i = Math.min(top.length, k - 1);
    if (top.length < k) top.push(j);
    while (i > 0 && xs[top[i - 1]] < x) { top[i] = top[i - 1]; i--; }
    top[i] = j;
  }
  return top;
}
