// Suffix decoding (SuffixDecoding, Oliaro et al. 2024): no model. Two tries of counted
// substrings, one over this request's prompt and output, one over the outputs of earlier requests
// (bounded: the oldest are dropped); the context's longest suffix each holds with a continuation,
// and each shorter one, proposes its most frequent continuations as a tree, as many tokens as the
// match length times maxSpecFactor allows, and the candidate with the most expected accepted
// tokens (the sum of its nodes' count-ratio probabilities) is proposed.
import { GrowingTrie, SuffixTrie, speculate, type Speculation } from './suffix-tree.ts';
import type { DraftProposal, DraftRequest, Drafter } from './types.ts';

export interface SuffixOptions {
  /** longest substring the tries hold: the match and its continuation together */
  maxTreeDepth: number;
  /** earlier requests' outputs kept in the global trie (0: none, the request's own trie only) */
  maxCachedRequests: number;
  /** tokens proposed at most per matched token */
  maxSpecFactor: number;
  /** candidates whose estimated probability is below this are not proposed */
  minTokenProb: number;
}

/** vLLM's defaults for its suffix method, but the cache, sized for this engine's memory */
export const SUFFIX_DEFAULTS: Readonly<SuffixOptions> = Object.freeze({ maxTreeDepth: 24, maxCachedRequests: 256, maxSpecFactor: 1, minTokenProb: 0.1 });

/**
 * The global trie's bound in tokens besides maxCachedRequests: a token adds up to maxTreeDepth
 * nodes, so 256 long outputs could hold millions of them; the oldest go first here too.
 */
export const SUFFIX_MAX_CACHED_TOKENS = 32_768;

export class SuffixDrafter implements Drafter {
  readonly method = 'suffix';
  readonly featureLayers: readonly number[] = [];
  /** outputs of earlier requests, lasting as long as the drafter (the server) does */
  readonly global: SuffixTrie;
  private readonly cached: number[][] = [];
  private cachedTokens = 0;

  constructor(readonly options: SuffixOptions, readonly maxCachedTokens = SUFFIX_MAX_CACHED_TOKENS) {
    const o = options;
    if (!(Number.isInteger(o.maxTreeDepth) && o.maxTreeDepth >= 2)) throw new Error(`suffix draft: maxTreeDepth must be an integer >= 2, got ${o.maxTreeDepth}`);
    if (!(Number.isInteger(o.maxCachedRequests) && o.maxCachedRequests >= 0)) throw new Error(`suffix draft: maxCachedRequests must be an integer >= 0, got ${o.maxCachedRequests}`);
    if (!(o.maxSpecFactor > 0)) throw new Error(`suffix draft: maxSpecFactor must be > 0, got ${o.maxSpecFactor}`);
    if (!(o.minTokenProb >= 0 && o.minTokenProb <= 1)) throw new Error(`suffix draft: minTokenProb must be in [0, 1], got ${o.minTokenProb}`);
    this.global = new SuffixTrie(o.maxTreeDepth);
  }

  /** earlier requests' outputs held now, oldest first */
  get cachedRequests(): number { return this.cached.length; }

  begin(): DraftRequest {
    const local = new GrowingTrie(this.options.maxTreeDepth);
    return {
      propose: (ctx, maxTokens) => {
        local.append(ctx.tokens, local.length);
        return this.propose(ctx.tokens, local, maxTokens);
      },
      finish: (output) => this.remember(output),
    };
  }

  propose(ctx: readonly number[], local: SuffixTrie, maxTokens: number): DraftProposal {
    let best: Speculation | undefined;
    for (const trie of this.cached.length ? [local, this.global] : [local]) {
      const matches = trie.suffixMatches(ctx, this.options.maxTreeDepth - 1);
      for (let m = matches.length - 1; m >= 1; m--) {
        const n = matches[m];
        if (!n) continue;
        const budget = Math.min(maxTokens, Math.max(1, Math.floor(this.options.maxSpecFactor * m)));
        const s = speculate(n, { maxTokens: budget, minProb: this.options.minTokenProb, tree: true });
        // strictly better only: the longer match, then the request's own trie, wins a tie
        if (s.tokens.length && (!best || s.score > best.score)) best = s;
      }
    }
    return { tokens: best?.tokens ?? [], parents: best?.parents ?? [], steps: 0 };
  }

  /** Adds a finished request's output to the global trie, dropping the oldest beyond the caps. */
  remember(output: readonly number[]): void {
    if (this.options.maxCachedRequests === 0 || output.length === 0) return;
    const kept = output.slice();
    this.cached.push(kept);
    this.cachedTokens += kept.length;
    this.global.add(kept);
    // the newest output stays even when it alone is over the token bound
    while (this.cached.length > this.options.maxCachedRequests || (this.cachedTokens > this.maxCachedTokens && this.cached.length > 1)) {
      const old = this.cached.shift()!;
      this.cachedTokens -= old.length;
      this.global.remove(old);
    }
  }
}
