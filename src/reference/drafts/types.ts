// The seam every draft architecture plugs into. A proposal is a tree given by parent
// indices; a chain is the tree whose parents are [-1, 0, 1, ...]. The verify pass turns the
// tree into positions and an attention mask, so tree drafts reuse it unchanged.

export interface DraftProposal {
  tokens: number[];
  /** parents[i] = index of token i's parent in `tokens`, -1 for a child of the last accepted token */
  parents: number[];
  /** the draft's distribution q for each proposed token; omitted for deterministic drafts (q is one-hot) */
  probs?: Float64Array[];
  /** draft forward steps taken (0 for lookup drafts that run no model) */
  steps: number;
}

export interface DraftContext {
  /** prompt and every token emitted so far */
  tokens: readonly number[];
}

export interface Drafter {
  readonly method: string;
  /** proposes up to maxTokens tokens continuing the context */
  propose(ctx: DraftContext, maxTokens: number): DraftProposal | Promise<DraftProposal>;
}

export function chainParents(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i - 1);
}
