// The seam every draft architecture plugs into. A proposal is a tree given by parent
// indices; a chain is the tree whose parents are [-1, 0, 1, ...]. The verify pass turns the
// tree into positions and an attention mask, so tree drafts reuse it unchanged.
import type { SamplingParams } from '../decoding/sampling.ts';
import type { TreeCandidates } from './dynamic-tree.ts';

export interface DraftProposal {
  tokens: number[];
  /** parents[i] = index of token i's parent in `tokens`, -1 for a child of the last accepted token */
  parents: number[];
  /** the draft's distribution q over the target vocabulary for each proposed token; omitted for deterministic drafts (q is one-hot) */
  probs?: Float64Array[];
  /** draft forward steps taken (0 for lookup drafts that run no model) */
  steps: number;
  /** which parameter set (module) ran at each draft step, for drafts that have several */
  modules?: number[];
  /** wall time of each draft step (ms); step 0 of a learned draft is the extend pass */
  stepMs?: number[];
  /** EAGLE-2 dynamic trees: every node grown, for replaying smaller tree shapes (shape-replay.ts) */
  candidates?: TreeCandidates;
}

export interface DraftContext {
  /** prompt and every token emitted so far */
  tokens: readonly number[];
  /** the request's sampling settings: a learned draft samples its proposals from its own q under them */
  sampling: SamplingParams;
  rand: () => number;
  /**
   * Tree drafting (EAGLE-2's dynamic tree), for drafts that can: expand the `topK` most likely
   * nodes at each of `steps` draft steps and propose the best maxTokens nodes. Absent or topK 1: a chain.
   */
  tree?: { topK: number; steps: number };
}

/** One request's drafting state (a learned draft's KV cache and pending target features). */
export interface DraftRequest {
  /**
   * The target committed the tokens at positions from .. from + n - 1; `features[l]` holds
   * their hidden states [n, hidden] for each feature layer the drafter asked for.
   */
  observe?(from: number, n: number, features: Float32Array[]): void;
  /** proposes up to maxTokens tokens continuing the context */
  propose(ctx: DraftContext, maxTokens: number): DraftProposal | Promise<DraftProposal>;
  /** the request ended normally with these output tokens (drafts that learn from earlier requests keep them) */
  finish?(output: readonly number[]): void;
  release?(): void;
}

export interface Drafter {
  readonly method: string;
  /** target layers whose hidden states (residual stream after the layer) the drafter reads; empty for model-free drafts */
  readonly featureLayers: readonly number[];
  begin(): DraftRequest;
  /** parameters read: in all, and by one draft step (learned drafts) */
  readonly parameters?: { total: number; activatedPerStep: number };
  /** frees the draft's model (onnxruntime sessions); model-free drafts have none */
  release?(): Promise<void>;
}

export function chainParents(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i - 1);
}

/** Nodes a dynamic tree can hold: topK children of the root, then topK expanded nodes x topK children per later step. */
export function maxTreeNodes(topK: number, steps: number): number {
  return topK + (steps - 1) * topK * topK;
}
