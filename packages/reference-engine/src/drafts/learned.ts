// The runtime every learned draft shares (eagle, eagle3, hass2, prism differ only in their
// DraftArchitecture): one ONNX session per module and input kind, a draft KV cache per
// request shared by all modules, chain drafting with the step map choosing the module.
//
// Per cycle: roll the cache back to the committed context; the extend pass (draft step 0)
// runs over every base position whose target feature is new, (token x[i+1], feature f[i]) at
// position i, and its last row proposes draft token 1; each later step s feeds (its own
// token, its own previous output hidden) at the next position. Mirrors train_drafts.py.
import { join } from 'node:path';
import { createSession, tensorF32, tensorI64, type OnnxSession } from '../kernels/onnx/session.ts';
import { cachedSession, type GraphCache } from '../kernels/onnx/graph-cache.ts';
import { loadWeights, type Weights } from '../model/target.ts';
import { buildDraftGraph, buildFeatureFusionGraph } from '../model/draft-graph.ts';
import { readSafetensors, type SafeTensor } from '../model/safetensors.ts';
import { argmax, distribution, isGreedy, sampleFrom } from '../decoding/sampling.ts';
import { causalMask } from '../decoding/verify.ts';
import { RowBuffer } from '../model/row-buffer.ts';
import type { DecoderConfig } from '../model/config.ts';
import { architectureFeatureLayers, type DraftArchitecture } from '../model/draft-config.ts';
import { draftParameterCounts, type DraftParameterCounts } from '../model/draft-params.ts';
import { growDynamicTree, treeMaskRow } from './dynamic-tree.ts';
import { DraftConfigError } from './draft-files.ts';
import { checkDraft, type DraftManifest } from './check.ts';
import { chainParents, type DraftContext, type DraftProposal, type DraftRequest, type Drafter } from './types.ts';
import { DRAFT_PRECISIONS, type DraftPrecision } from './methods.ts';

/**
 * How a learned draft's weights are read at each step: `int8` (default) per-column int8 layer
 * and head weights with the fusion layers in fp32; `q8` / `q4` block-quantized weights
 * (onnxruntime's MatMulNBits, one scale per 32 inputs, activations quantized per block) for
 * every projection, fusion layers included; `fp32` as trained (fp16 widened).
 */
export { DRAFT_PRECISIONS, type DraftPrecision }; // listed in methods.ts, where the CLI reads them without loading this module

export interface LearnedDraftOptions {
  /** step -> module; defaults to the architecture's published map */
  stepMap?: number[];
  /** modules to use (PRISM's M); must not exceed the modules in the weight file */
  modules?: number;
  /** see DRAFT_PRECISIONS; 'int8' by default */
  weightPrecision?: DraftPrecision;
  threads?: number;
  /** keep the optimized graphs on disk between launches (the target's weights identified by their sha256) */
  graphCache?: { cache: GraphCache | undefined; targetWeightsId: string };
}

export { DraftConfigError, checkDraft, type DraftManifest };

interface ModuleGraphs {
  /** EAGLE-3 features only: fc3, 3H -> H, run on the target features before the extend pass */
  fuse?: OnnxSession;
  /** every draft step of this module: the extend pass and the later steps (one set of weights, warm after the extend) */
  step: OnnxSession;
}

export class LearnedDrafter implements Drafter {
  readonly method: string;
  readonly featureLayers: readonly number[];
  readonly stepMap: number[];
  readonly parameters: DraftParameterCounts;
  private constructor(
    readonly arch: DraftArchitecture,
    private readonly target: DecoderConfig,
    private readonly graphs: ModuleGraphs[],
    stepMap: number[],
    readonly vocabulary: Int32Array,
    readonly modulesUsed: number,
  ) {
    this.method = arch.method;
    this.featureLayers = architectureFeatureLayers(arch, target);
    this.stepMap = stepMap;
    this.parameters = draftParameterCounts(target, { ...arch, modules: modulesUsed }, vocabulary.length);
  }

  /** Loads models/drafts/<name> against the target's weights (embedding and head are the target's). */
  static async load(dir: string, arch: DraftArchitecture, target: DecoderConfig, targetWeights: Weights, opts: LearnedDraftOptions = {}): Promise<LearnedDrafter> {
    const manifest = checkDraft(dir, arch, opts);
    const path = join(dir, manifest.weights.file);
    const modules = opts.modules ?? manifest.config.modules;
    // read only when some graph has to be built (the graph cache may hold them all)
    let weightsMemo: Map<string, SafeTensor> | undefined;
    const weights = () => {
      if (!weightsMemo) {
        weightsMemo = new Map<string, SafeTensor>(readSafetensors(path).tensors);
        weightsMemo.set('model.embed_tokens.weight', loadWeights(targetWeights).get('model.embed_tokens.weight')!);
      }
      return weightsMemo;
    };
    const precision = opts.weightPrecision ?? 'int8';
    const int8Weights = precision === 'int8';
    const blockBits: 4 | 8 | undefined = precision === 'q8' ? 8 : precision === 'q4' ? 4 : undefined;
    const graphs: ModuleGraphs[] = [];
    for (let m = 0; m < modules; m++) {
      const prefix = `modules.${m}.`;
      const build = async (graph: () => Uint8Array, kind: string) => {
        const key = { graph: `draft-${kind}`, method: arch.method, module: m, target, draft: manifest.weights.sha256, vocabulary: manifest.draftVocabulary, precision, targetWeights: opts.graphCache?.targetWeightsId };
        try {
          return opts.graphCache
            ? await cachedSession(opts.graphCache.cache, key, graph, { threads: opts.threads })
            : await createSession(graph(), { threads: opts.threads });
        } catch (e) {
          throw new DraftConfigError(`${path}: ${(e as Error).message} (does it match ${join(dir, 'manifest.json')}?)`);
        }
      };
      const layerOpts = { int8Weights, blockBits };
      const step = await build(() => buildDraftGraph(target, { layers: arch.layersPerModule, prefix }, manifest.draftVocabulary, weights(), layerOpts), 'step');
      const fuse = arch.features === 'eagle3' ? await build(() => buildFeatureFusionGraph(target, prefix, weights(), layerOpts), 'fc3') : undefined;
      graphs.push({ fuse, step });
    }
    return new LearnedDrafter(arch, target, graphs, opts.stepMap ?? manifest.config.stepMap, Int32Array.from(manifest.draftVocabulary), modules);
  }

  moduleForStep(step: number): number {
    return this.stepMap[Math.min(step, this.stepMap.length - 1)];
  }

  begin(): DraftRequest {
    return new LearnedDraftRequest(this, this.target, this.graphs);
  }

  async release(): Promise<void> {
    for (const g of this.graphs) { await g.step.release(); await g.fuse?.release(); }
  }
}

class LearnedDraftRequest implements DraftRequest {
  private readonly keys: RowBuffer[];
  private readonly values: RowBuffer[];
  /** draft cache entries that hold committed context (base positions 0 .. committed - 1) */
  private committed = 0;
  /** target features by position, concatenated over feature layers: [positions, width] */
  private readonly features: RowBuffer;
  private readonly width: number;
  private known = 0;

  constructor(private readonly drafter: LearnedDrafter, private readonly cfg: DecoderConfig, private readonly graphs: ModuleGraphs[]) {
    const layers = drafter.arch.layersPerModule;
    this.keys = Array.from({ length: layers }, () => new RowBuffer(cfg.hidden, cfg.maxContext));
    this.values = Array.from({ length: layers }, () => new RowBuffer(cfg.hidden, cfg.maxContext));
    this.width = drafter.featureLayers.length * cfg.hidden;
    this.features = new RowBuffer(this.width, cfg.maxContext);
  }

  observe(from: number, n: number, features: Float32Array[]): void {
    const D = this.cfg.hidden, W = this.width;
    if (from > this.known) throw new Error(`draft: features for position ${from} arrived before those for ${this.known}`);
    this.features.ensure(from + n);
    for (let r = 0; r < n; r++) {
      for (let l = 0; l < features.length; l++) this.features.data.set(features[l].subarray(r * D, (r + 1) * D), (from + r) * W + l * D);
    }
    this.known = from + n;
    // a rejected suffix may have been committed before: entries from `from` on are stale
    this.committed = Math.min(this.committed, from);
  }

  private async run(session: OnnxSession, tokens: number[], feats: Float32Array, positions: number[], mask: Float32Array, past: number, allRows = false) {
    const k = tokens.length, D = this.cfg.hidden, H = this.cfg.heads, Dh = D / H;
    const feeds: Record<string, ReturnType<typeof tensorF32>> = {
      input_ids: tensorI64(BigInt64Array.from(tokens, BigInt), [k]),
      features: tensorF32(feats, [k, D]),
      positions: tensorI64(BigInt64Array.from(positions, BigInt), [k]),
      attn_mask: tensorF32(mask, [k, past + k]),
      logit_rows: allRows ? tensorI64(BigInt64Array.from({ length: k }, (_, i) => BigInt(i)), [k]) : tensorI64(BigInt64Array.of(BigInt(k - 1)), [1]),
    };
    for (let i = 0; i < this.keys.length; i++) {
      this.keys[i].ensure(past + k); this.values[i].ensure(past + k);
      feeds[`past_key_${i}`] = tensorF32(this.keys[i].data.subarray(0, past * D), [past, H, Dh]);
      feeds[`past_value_${i}`] = tensorF32(this.values[i].data.subarray(0, past * D), [past, H, Dh]);
    }
    const out = await session.run(feeds);
    for (let i = 0; i < this.keys.length; i++) {
      this.keys[i].data.set(out[`new_key_${i}`].data as Float32Array, past * D);
      this.values[i].data.set(out[`new_value_${i}`].data as Float32Array, past * D);
    }
    const hidden = out.hidden.data as Float32Array;
    return { logits: out.logits.data as Float32Array, hidden, lastHidden: hidden.subarray((k - 1) * D, k * D) };
  }

  /** step 0, the extend pass over the newly committed bases with the target's features */
  private async extend(ctx: DraftContext, end: number) {
    const start = this.committed, n = end - start;
    const ids = Array.from({ length: n }, (_, r) => ctx.tokens[start + r + 1]);
    const pos = Array.from({ length: n }, (_, r) => start + r);
    const m0 = this.drafter.moduleForStep(0);
    const module0 = this.graphs[m0];
    let feats = this.features.data.subarray(start * this.width, end * this.width);
    if (module0.fuse) feats = (await module0.fuse.run({ features: tensorF32(feats, [n, this.width]) })).fused.data as Float32Array;
    const out = await this.run(module0.step, ids, feats, pos, causalMask(start, n), start);
    this.committed = end;
    return { out, module: m0 };
  }

  async propose(ctx: DraftContext, maxTokens: number): Promise<DraftProposal> {
    const vocab = this.drafter.vocabulary;
    // bases with a known feature and a known next token: i < known, i + 1 < ctx.tokens.length
    const end = Math.min(this.known, ctx.tokens.length - 1);
    if (maxTokens <= 0 || end <= this.committed) return { tokens: [], parents: [], steps: 0 };
    if (ctx.tree && ctx.tree.topK > 1) return this.proposeTree(ctx, end, maxTokens, ctx.tree.topK, ctx.tree.steps);
    const greedy = isGreedy(ctx.sampling);
    const tokens: number[] = [], probs: Float64Array[] = [], modules: number[] = [], stepMs: number[] = [];
    let t = performance.now();
    const pick = (logits: Float32Array) => {
      if (greedy) { tokens.push(vocab[argmax(logits)]); return; }
      const q = distribution(logits, ctx.sampling);
      const j = sampleFrom(q, ctx.rand);
      const full = new Float64Array(this.cfg.vocab);
      for (let v = 0; v < q.length; v++) if (q[v] > 0) full[vocab[v]] = q[v];
      tokens.push(vocab[j]);
      probs.push(full);
    };
    const first = await this.extend(ctx, end);
    let out = first.out;
    modules.push(first.module);
    pick(out.logits);
    stepMs.push(performance.now() - t);
    // later steps: own token, own hidden, next position; appended after the committed cache
    for (let s = 1; s < maxTokens; s++) {
      const past = end + s - 1;
      if (past + 1 > this.cfg.maxContext) break;
      const m = this.drafter.moduleForStep(s);
      t = performance.now();
      const hidden = Float32Array.from(out.lastHidden);
      out = await this.run(this.graphs[m].step, [tokens[s - 1]], hidden, [end - 1 + s], new Float32Array(past + 1), past);
      modules.push(m);
      pick(out.logits);
      stepMs.push(performance.now() - t);
    }
    return { tokens, parents: chainParents(tokens.length), probs: greedy ? undefined : probs, steps: tokens.length, modules, stepMs };
  }

  /**
   * EAGLE-2's dynamic tree (dynamic-tree.ts): each expanded node runs at the next position
   * after its parent, fed its parent's output hidden (the root's children: the extend pass's),
   * attending to the committed context, its ancestors' draft-cache rows and itself.
   */
  private async proposeTree(ctx: DraftContext, end: number, maxTokens: number, topK: number, steps: number): Promise<DraftProposal> {
    const D = this.cfg.hidden, N = this.drafter.vocabulary.length, vocab = this.drafter.vocabulary;
    const modules: number[] = [], stepMs: number[] = [];
    const cacheRow = new Map<number, number>();
    const hidden = new Map<number, Float32Array>();
    let t = performance.now();
    const first = await this.extend(ctx, end);
    modules.push(first.module);
    const rootHidden = Float32Array.from(first.out.lastHidden);
    stepMs.push(performance.now() - t);
    let past = end;
    const tree = await growDynamicTree({
      rootLogits: first.out.logits, topK, steps, maxTokens, sampling: ctx.sampling, tokenOf: (j) => vocab[j],
      expand: async (expand, nodes) => {
        const k = expand.length;
        if (past + k > this.cfg.maxContext) return undefined;
        t = performance.now();
        const m = this.drafter.moduleForStep(nodes[expand[0]].depth);
        const feats = new Float32Array(k * D);
        const mask = new Float32Array(k * (past + k));
        expand.forEach((ni, r) => {
          const node = nodes[ni];
          feats.set(node.parent < 0 ? rootHidden : hidden.get(node.parent)!, r * D);
          const ancestors: number[] = [];
          for (let a = node.parent; a >= 0; a = nodes[a].parent) ancestors.push(cacheRow.get(a)!);
          treeMaskRow(mask.subarray(r * (past + k), (r + 1) * (past + k)), end, ancestors, past + r);
        });
        const out = await this.run(this.graphs[m].step, expand.map((ni) => nodes[ni].token), feats, expand.map((ni) => end - 1 + nodes[ni].depth), mask, past, true);
        expand.forEach((ni, r) => { cacheRow.set(ni, past + r); hidden.set(ni, Float32Array.from(out.hidden.subarray(r * D, (r + 1) * D))); });
        past += k;
        modules.push(m);
        stepMs.push(performance.now() - t);
        return expand.map((_, r) => out.logits.subarray(r * N, (r + 1) * N));
      },
    });
    return { tokens: tree.tokens, parents: tree.parents, steps: tree.steps, modules, stepMs, candidates: tree.candidates };
  }
}

export { topIndices } from './dynamic-tree.ts';
