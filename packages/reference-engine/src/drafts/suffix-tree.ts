// The counting structure behind suffix decoding: a trie of every substring (up to maxDepth tokens)
// of the sequences added, each node counting the occurrences of the path that ends at it. A
// depth-bounded trie rather than a compressed suffix tree: the engine's contexts are short, and
// counts, removal and incremental growth stay plain walks.

export interface TrieNode {
  /** occurrences of the path from the root to this node, over the sequences held */
  count: number;
  depth: number;
  children: Map<number, TrieNode> | undefined;
}

const node = (depth: number): TrieNode => ({ count: 0, depth, children: undefined });

export class SuffixTrie {
  readonly root: TrieNode = node(0);
  /** nodes besides the root (for tests and the memory bound) */
  size = 0;
  constructor(readonly maxDepth: number) {
    if (!(Number.isInteger(maxDepth) && maxDepth >= 2)) throw new Error(`suffix trie: maxDepth must be an integer >= 2, got ${maxDepth}`);
  }

  /** Counts every window seq[i .. i + maxDepth) (shorter at the end) once more. */
  add(seq: readonly number[]): void {
    for (let i = 0; i < seq.length; i++) {
      let n = this.root;
      for (let j = i; j < Math.min(seq.length, i + this.maxDepth); j++) n = this.child(n, seq[j]);
    }
  }

  /** Undoes add(seq) for a sequence added earlier; nodes whose count falls to 0 go. */
  remove(seq: readonly number[]): void {
    for (let i = 0; i < seq.length; i++) {
      let n = this.root;
      for (let j = i; j < Math.min(seq.length, i + this.maxDepth); j++) {
        const c = n.children?.get(seq[j]);
        if (!c) throw new Error('suffix trie: removing a sequence that was not added');
        if (--c.count === 0) {
          // the rest of this window lies below c: it goes with it
          n.children!.delete(seq[j]);
          if (n.children!.size === 0) n.children = undefined;
          this.size -= countBelow(c) + 1;
          break;
        }
        n = c;
      }
    }
  }

  /** The child for `token` under n, created if absent, its count raised by one. */
  child(n: TrieNode, token: number): TrieNode {
    n.children ??= new Map();
    let c = n.children.get(token);
    if (!c) { c = node(n.depth + 1); n.children.set(token, c); this.size++; }
    c.count++;
    return c;
  }

  /** The node of the path `tokens`, or undefined where the trie does not hold it. */
  find(tokens: readonly number[], from = 0, to = tokens.length): TrieNode | undefined {
    let n: TrieNode | undefined = this.root;
    for (let j = from; j < to && n; j++) n = n.children?.get(tokens[j]);
    return n;
  }

  /**
   * The nodes of the context's suffixes that the trie holds with a continuation, longest first:
   * matches[m] is the node of the last m tokens (m = 1 .. maxLength), undefined where absent or
   * childless. A suffix held implies every shorter one is held, so the walk stops at the first miss.
   */
  suffixMatches(ctx: readonly number[], maxLength: number): Array<TrieNode | undefined> {
    const out: Array<TrieNode | undefined> = [undefined];
    const most = Math.min(maxLength, ctx.length, this.maxDepth - 1);
    for (let m = 1; m <= most; m++) {
      const n = this.find(ctx, ctx.length - m);
      if (!n) break;
      out.push(n.children ? n : undefined);
    }
    return out;
  }
}

function countBelow(n: TrieNode): number {
  let k = 0;
  for (const c of n.children?.values() ?? []) k += 1 + countBelow(c);
  return k;
}

/**
 * One request's trie, grown a token at a time: `open` holds the nodes of the windows that can
 * still grow (those starting in the last maxDepth - 1 positions), so a token costs maxDepth steps.
 */
export class GrowingTrie extends SuffixTrie {
  private open: TrieNode[] = [];
  /** tokens appended so far */
  length = 0;

  append(tokens: readonly number[], from = 0): void {
    for (let i = from; i < tokens.length; i++) {
      const next: TrieNode[] = [];
      for (const n of [...this.open, this.root]) {
        const c = this.child(n, tokens[i]);
        if (c.depth < this.maxDepth) next.push(c);
      }
      this.open = next;
      this.length++;
    }
  }
}

export interface SpeculationOptions {
  /** tokens proposed at most */
  maxTokens: number;
  /** a candidate whose estimated probability (the product of count ratios along its path) is below this is dropped */
  minProb: number;
  /** false: only the single most likely continuation (a chain) */
  tree: boolean;
}

export interface Speculation {
  tokens: number[];
  parents: number[];
  /** estimated probability of each proposed token's path */
  probs: number[];
  /** the sum of probs: the expected number of accepted tokens, by the counts */
  score: number;
}

/**
 * The most likely continuations below `from` as a tree: best-first by path probability, each
 * child's share of its parent's continuing occurrences multiplying the parent's. A child never
 * scores above its parent, so every kept node's parent is kept before it.
 */
export function speculate(from: TrieNode, o: SpeculationOptions): Speculation {
  const out: Speculation = { tokens: [], parents: [], probs: [], score: 0 };
  type Candidate = { node: TrieNode; token: number; parent: number; prob: number };
  const frontier: Candidate[] = [];
  const push = (n: TrieNode, parent: number, prob: number) => {
    if (!n.children) return;
    let total = 0;
    for (const c of n.children.values()) total += c.count;
    let best: Candidate | undefined;
    for (const [token, c] of n.children) {
      const p = prob * c.count / total;
      if (p < o.minProb) continue;
      const cand = { node: c, token, parent, prob: p };
      if (o.tree) frontier.push(cand);
      else if (!best || p > best.prob || (p === best.prob && token < best.token)) best = cand;
    }
    if (best) frontier.push(best);
  };
  push(from, -1, 1);
  while (out.tokens.length < o.maxTokens && frontier.length) {
    // the most likely candidate; on a tie the smaller token, so the result does not depend on Map order
    let bi = 0;
    for (let i = 1; i < frontier.length; i++) {
      const a = frontier[i], b = frontier[bi];
      if (a.prob > b.prob || (a.prob === b.prob && (a.parent < b.parent || (a.parent === b.parent && a.token < b.token)))) bi = i;
    }
    const c = frontier[bi];
    frontier[bi] = frontier[frontier.length - 1];
    frontier.pop();
    const index = out.tokens.push(c.token) - 1;
    out.parents.push(c.parent);
    out.probs.push(c.prob);
    out.score += c.prob;
    push(c.node, index, c.prob);
  }
  return out;
}
