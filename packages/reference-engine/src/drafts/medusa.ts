// Medusa-1 (arXiv 2401.10774): K heads on the target's last hidden state, head k predicting the
// token k + 2 places after it (the target's own head gives the next one, the cycle's bonus
// token), all K from one hidden state in one call per cycle: no draft autoregression, so a
// head cannot see what the heads before it chose. Trees are Medusa's static candidate tree:
// paths of per-head choice ranks, chosen once from the heads' validation rank accuracies
// (the best draftTokens paths by the product of their ranks' accuracies, as Medusa builds its
// trees from calibrated accuracies), with each node taking its head's choice of that rank.
import { join } from 'node:path';
import { createSession, tensorF32, type OnnxSession } from '../kernels/onnx/session.ts';
import { cachedSession } from '../kernels/onnx/graph-cache.ts';
import { buildMedusaGraph } from '../model/medusa-graph.ts';
import { readSafetensors, type SafeTensor } from '../model/safetensors.ts';
import { loadWeights, type Weights } from '../model/target.ts';
import { RowBuffer } from '../model/row-buffer.ts';
import { argmax, distribution, isGreedy, sampleFrom } from '../decoding/sampling.ts';
import type { DecoderConfig } from '../model/config.ts';
import type { MedusaArchitecture } from '../model/draft-config.ts';
import { DraftConfigError } from './draft-files.ts';
import { checkMedusa, type MedusaManifest } from './check.ts';
import { topIndices } from './dynamic-tree.ts';
import { chainParents, type DraftContext, type DraftProposal, type DraftRequest, type Drafter } from './types.ts';
import type { LearnedDraftOptions } from './learned.ts';

export const medusa: MedusaArchitecture = {
  method: 'medusa', summary: 'Medusa-1: 4 heads (residual block + own output layer over the draft vocabulary) on the target\'s last hidden state, one call per cycle; static candidate tree from the heads\' rank accuracies',
  heads: 4, objective: { depthDecay: 0.8, ceWeight: 1 },
};

/** Medusa's static tree: node i is the path ranks[i] (one choice rank per depth); parents index earlier nodes. */
export interface StaticTree { ranks: number[][]; parents: number[] }

/**
 * The maxTokens paths of at most `depth` choices, each rank below topK, with the highest product
 * of rank accuracies; best-first, so a parent always comes before its children.
 */
export function staticTree(rankAccuracy: number[][], topK: number, depth: number, maxTokens: number): StaticTree {
  const ranks: number[][] = [], parents: number[] = [], scores: number[] = [];
  const candidates: { path: number[]; parent: number; score: number }[] = [];
  const addChildren = (parent: number) => {
    const path = parent < 0 ? [] : ranks[parent];
    const d = path.length;
    if (d >= depth || d >= rankAccuracy.length) return;
    const base = parent < 0 ? 1 : scores[parent];
    for (let r = 0; r < Math.min(topK, rankAccuracy[d].length); r++) candidates.push({ path: [...path, r], parent, score: base * rankAccuracy[d][r] });
  };
  addChildren(-1);
  while (ranks.length < maxTokens && candidates.length) {
    let best = 0;
    for (let i = 1; i < candidates.length; i++) if (candidates[i].score > candidates[best].score) best = i;
    const [c] = candidates.splice(best, 1);
    ranks.push(c.path); parents.push(c.parent); scores.push(c.score);
    addChildren(ranks.length - 1);
  }
  return { ranks, parents };
}

export class MedusaDrafter implements Drafter {
  readonly method = 'medusa';
  readonly featureLayers: readonly number[];
  /** every head runs in the one call a cycle makes, so a step reads them all */
  readonly parameters: { total: number; activatedPerStep: number };
  private readonly trees = new Map<string, StaticTree>();
  private constructor(private readonly target: DecoderConfig, private readonly session: OnnxSession, readonly heads: number, readonly vocabulary: Int32Array, readonly rankAccuracy: number[][]) {
    this.featureLayers = [target.layers - 1];
    const D = target.hidden, perHead = D * D + D + vocabulary.length * D;
    this.parameters = { total: heads * perHead, activatedPerStep: heads * perHead };
  }

  static async load(dir: string, target: DecoderConfig, targetWeights: Weights, opts: Pick<LearnedDraftOptions, 'threads' | 'graphCache'> = {}): Promise<MedusaDrafter> {
    const m = checkMedusa(dir, target);
    const build = () => {
      const w = new Map<string, SafeTensor>(readSafetensors(join(dir, m.weights.file)).tensors);
      w.set('model.norm.weight', loadWeights(targetWeights).get('model.norm.weight')!);
      return buildMedusaGraph(target, m.config.heads, w);
    };
    const key = { graph: 'medusa', target, draft: m.weights.sha256, targetWeights: opts.graphCache?.targetWeightsId };
    let session: OnnxSession;
    try {
      session = opts.graphCache ? await cachedSession(opts.graphCache.cache, key, build, { threads: opts.threads }) : await createSession(build(), { threads: opts.threads });
    } catch (e) {
      throw new DraftConfigError(`${join(dir, m.weights.file)}: ${(e as Error).message} (does it match ${join(dir, 'manifest.json')}?)`);
    }
    return new MedusaDrafter(target, session, m.config.heads, Int32Array.from(m.draftVocabulary), m.validation.rankAccuracy);
  }

  staticTree(topK: number, depth: number, maxTokens: number): StaticTree {
    const key = `${topK}/${depth}/${maxTokens}`;
    let tree = this.trees.get(key);
    if (!tree) { tree = staticTree(this.rankAccuracy, topK, depth, maxTokens); this.trees.set(key, tree); }
    return tree;
  }

  /** every head's logits over the draft vocabulary, [heads, N], from one hidden state */
  async headLogits(hidden: Float32Array): Promise<Float32Array> {
    const out = await this.session.run({ hidden: tensorF32(hidden, [1, this.target.hidden]) });
    return out.logits.data as Float32Array;
  }

  begin(): DraftRequest {
    return new MedusaRequest(this, this.target);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

class MedusaRequest implements DraftRequest {
  /** the target's last-layer residual stream by position */
  private readonly features: RowBuffer;
  private known = 0;

  constructor(private readonly drafter: MedusaDrafter, private readonly cfg: DecoderConfig) {
    this.features = new RowBuffer(cfg.hidden, cfg.maxContext);
  }

  observe(from: number, n: number, features: Float32Array[]): void {
    if (from > this.known) throw new Error(`medusa: features for position ${from} arrived before those for ${this.known}`);
    this.features.ensure(from + n);
    this.features.data.set(features[0].subarray(0, n * this.cfg.hidden), from * this.cfg.hidden);
    this.known = from + n;
  }

  async propose(ctx: DraftContext, maxTokens: number): Promise<DraftProposal> {
    const D = this.cfg.hidden, N = this.drafter.vocabulary.length, vocab = this.drafter.vocabulary;
    // the hidden state that predicted the context's last token (the bonus): heads continue after it
    const at = ctx.tokens.length - 2;
    if (maxTokens <= 0 || at < 0 || this.known < at + 1) return { tokens: [], parents: [], steps: 0 };
    const t = performance.now();
    const logits = await this.drafter.headLogits(this.features.data.slice(at * D, (at + 1) * D));
    const head = (k: number) => logits.subarray(k * N, (k + 1) * N);
    if (ctx.tree && ctx.tree.topK > 1) {
      const tree = this.drafter.staticTree(ctx.tree.topK, Math.min(ctx.tree.steps, this.drafter.heads), maxTokens);
      const choices = new Map<number, number[]>();
      const choice = (k: number) => { let c = choices.get(k); if (!c) { c = topIndices(head(k), ctx.tree!.topK); choices.set(k, c); } return c; };
      const tokens = tree.ranks.map((path) => vocab[choice(path.length - 1)[path[path.length - 1]]]);
      return { tokens, parents: [...tree.parents], steps: 1, modules: [0], stepMs: [performance.now() - t] };
    }
    const depth = Math.min(maxTokens, this.drafter.heads);
    const tokens: number[] = [];
    if (isGreedy(ctx.sampling)) {
      for (let k = 0; k < depth; k++) tokens.push(vocab[argmax(head(k))]);
      return { tokens, parents: chainParents(depth), steps: 1, modules: [0], stepMs: [performance.now() - t] };
    }
    // sampled: each head's token drawn from that head's own q, which is what verification divides by
    const probs: Float64Array[] = [];
    for (let k = 0; k < depth; k++) {
      const q = distribution(head(k), ctx.sampling);
      const full = new Float64Array(this.cfg.vocab);
      for (let v = 0; v < q.length; v++) if (q[v] > 0) full[vocab[v]] = q[v];
      tokens.push(vocab[sampleFrom(q, ctx.rand)]);
      probs.push(full);
    }
    return { tokens, parents: chainParents(depth), probs, steps: 1, modules: [0], stepMs: [performance.now() - t] };
  }
}
export { checkMedusa, type MedusaManifest };
