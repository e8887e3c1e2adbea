// A standalone draft model (SGLang's STANDALONE; the classic draft model of Leviathan et al.
// and Chen et al.): a separate small language model with the target's tokenizer, drafting
// autoregressively with its own KV cache. Built and run as the target is (the same graph
// builder and KV session), only with fewer layers and its own weights. Per cycle: roll its
// cache back to the committed context, feed the context it has not seen (one batched pass),
// then one forward per drafted token; trees are EAGLE-2's dynamic tree over its own cache.
import { join } from 'node:path';
import { readSafetensors } from '../model/safetensors.ts';
import { OnnxDecoder } from '../model/target.ts';
import { argmax, distribution, isGreedy, sampleFrom } from '../decoding/sampling.ts';
import { causalMask } from '../decoding/verify.ts';
import type { KvSession } from '../decoding/model.ts';
import type { DecoderConfig } from '../model/config.ts';
import type { StandaloneArchitecture } from '../model/draft-config.ts';
import { DraftConfigError } from './draft-files.ts';
import { checkStandalone, type StandaloneManifest } from './check.ts';
import { growDynamicTree, treeMaskRow } from './dynamic-tree.ts';
import { chainParents, type DraftContext, type DraftProposal, type DraftRequest, type Drafter } from './types.ts';
import type { LearnedDraftOptions } from './learned.ts';

export const standalone: StandaloneArchitecture = {
  method: 'standalone', summary: 'Standalone draft model: a 2-layer language model of the target\'s width with its own embedding and KV cache, distilled from the target (initialized from its embedding and its first and last layers)',
  layers: 2, objective: { ceWeight: 1 },
};

export class StandaloneDrafter implements Drafter {
  readonly method = 'standalone';
  readonly featureLayers: readonly number[] = [];
  readonly parameters: { total: number; activatedPerStep: number };
  private constructor(readonly model: OnnxDecoder, readonly config: DecoderConfig) {
    const D = config.hidden, layer = 4 * D * D + 3 * D * config.ffn + 2 * D;
    const total = config.vocab * D + config.layers * layer + D; // the tied embedding is also the head every step reads
    this.parameters = { total, activatedPerStep: total };
  }

  static async load(dir: string, target: DecoderConfig, opts: Pick<LearnedDraftOptions, 'threads' | 'graphCache'> = {}): Promise<StandaloneDrafter> {
    const m = checkStandalone(dir, target);
    // a context no longer than the target's: the draft never sees more than the target does
    const config = { ...m.config, maxContext: Math.min(m.config.maxContext, target.maxContext) };
    try {
      const model = await OnnxDecoder.fromWeights(config, () => readSafetensors(join(dir, m.weights.file)).tensors, {
        threads: opts.threads,
        graphCache: opts.graphCache ? { cache: opts.graphCache.cache, weightsId: m.weights.sha256 } : undefined,
      });
      return new StandaloneDrafter(model, config);
    } catch (e) {
      throw new DraftConfigError(`${join(dir, m.weights.file)}: ${(e as Error).message} (does it match ${join(dir, 'manifest.json')}?)`);
    }
  }

  begin(): DraftRequest {
    return new StandaloneRequest(this.model.newSession(), this.config);
  }

  release(): Promise<void> {
    return this.model.release();
  }
}

class StandaloneRequest implements DraftRequest {
  /** the context tokens held in the cache, in order (drafted rows are dropped after each cycle) */
  private cached: number[] = [];

  constructor(private readonly kv: KvSession, private readonly cfg: DecoderConfig) {}

  /** feeds the context the cache has not seen; returns the logits after its last token */
  private async catchUp(tokens: readonly number[]): Promise<Float32Array> {
    let common = 0;
    while (common < this.cached.length && common < tokens.length && this.cached[common] === tokens[common]) common++;
    common = Math.min(common, tokens.length - 1); // the last token is always fed: its logits are the first draft
    this.kv.truncate(common);
    const fresh = tokens.slice(common);
    const logits = await this.kv.forward(fresh, fresh.map((_, i) => common + i), causalMask(common, fresh.length));
    this.cached = tokens.slice();
    return logits.subarray((fresh.length - 1) * this.cfg.vocab);
  }

  async propose(ctx: DraftContext, maxTokens: number): Promise<DraftProposal> {
    const L = ctx.tokens.length, V = this.cfg.vocab;
    maxTokens = Math.min(maxTokens, this.cfg.maxContext - L);
    if (maxTokens <= 0 || L === 0) return { tokens: [], parents: [], steps: 0 };
    const stepMs: number[] = [];
    let t = performance.now();
    let logits = await this.catchUp(ctx.tokens);
    stepMs.push(performance.now() - t);
    try {
      if (ctx.tree && ctx.tree.topK > 1) {
        const cacheRow = new Map<number, number>();
        const tree = await growDynamicTree({
          rootLogits: logits, topK: ctx.tree.topK, steps: ctx.tree.steps, maxTokens, sampling: ctx.sampling, tokenOf: (j) => j,
          expand: async (expand, nodes) => {
            const past = this.kv.length, k = expand.length;
            if (past + k > this.cfg.maxContext) return undefined;
            t = performance.now();
            const mask = new Float32Array(k * (past + k));
            expand.forEach((ni, r) => {
              const ancestors: number[] = [];
              for (let a = nodes[ni].parent; a >= 0; a = nodes[a].parent) ancestors.push(cacheRow.get(a)!);
              treeMaskRow(mask.subarray(r * (past + k), (r + 1) * (past + k)), L, ancestors, past + r);
            });
            const out = await this.kv.forward(expand.map((ni) => nodes[ni].token), expand.map((ni) => L - 1 + nodes[ni].depth), mask);
            expand.forEach((ni, r) => cacheRow.set(ni, past + r));
            stepMs.push(performance.now() - t);
            return expand.map((_, r) => out.subarray(r * V, (r + 1) * V));
          },
        });
        return { tokens: tree.tokens, parents: tree.parents, steps: tree.steps, modules: new Array<number>(tree.steps).fill(0), stepMs, candidates: tree.candidates };
      }
      const greedy = isGreedy(ctx.sampling);
      const tokens: number[] = [], probs: Float64Array[] = [];
      for (let s = 0; s < maxTokens; s++) {
        if (s > 0) {
          t = performance.now();
          logits = await this.kv.forward([tokens[s - 1]], [L - 1 + s], new Float32Array(L + s));
          stepMs.push(performance.now() - t);
        }
        if (greedy) { tokens.push(argmax(logits)); continue; }
        const q = distribution(logits, ctx.sampling);
        tokens.push(sampleFrom(q, ctx.rand));
        probs.push(q);
      }
      return { tokens, parents: chainParents(tokens.length), probs: greedy ? undefined : probs, steps: tokens.length, modules: new Array<number>(tokens.length).fill(0), stepMs };
    } finally {
      this.kv.truncate(L); // drafted rows go; the committed context stays cached
    }
  }

  release(): void {
    this.kv.release();
  }
}
export { checkStandalone, type StandaloneManifest };
