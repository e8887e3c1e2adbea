// Builds one draft module as an ONNX graph: EAGLE-style fusion of the token embedding with a
// feature vector, one or more decoder layers (the target's layer definition), a final norm
// and the target's frozen output head restricted to the draft vocabulary (EAGLE-3's reduced
// vocabulary: the most frequent tokens, mapped back to target ids by `draftVocabulary`).
//
// Inputs: input_ids [k] (target ids), features [k, hidden] (the draft's own features, the
// target's last layer, or EAGLE-3's low/middle/high target layers after the fc3 fusion
// graph), positions [k], attn_mask [k, past + k], logit_rows [r]
// (which rows get logits: usually just the last) and the draft KV cache per layer.
// Outputs: hidden [k, hidden] (fed back as the next step's feature), logits [r, draftVocab],
// new keys/values per layer.
import { GraphBuilder } from '../kernels/onnx/graph.ts';
import { decoderLayer, layerKit, type LayerKit, type LayerKitOptions, type WeightSource } from './graph-layers.ts';
import type { DecoderConfig } from './config.ts';

export interface DraftModuleShape {
  /** decoder layers run at every step by this module */
  layers: number;
  /** weight name prefix of this module in the draft's safetensors file, e.g. "modules.0." */
  prefix: string;
}

/**
 * One draft step over `hidden`-wide features. EAGLE-3's 3 x hidden target features are fused
 * by buildFeatureFusionGraph first, so the extend pass and the later steps run this one graph:
 * its weights, read at the extend pass, are still in cache for the steps after it.
 */
export function buildDraftGraph(target: DecoderConfig, shape: DraftModuleShape, draftVocabulary: readonly number[], weights: WeightSource, opts: LayerKitOptions = {}): Uint8Array {
  const g = new GraphBuilder({ name: 'draft', opset: 17 });
  const D = target.hidden, N = draftVocabulary.length;
  const ids = g.input('input_ids', 'int64', ['k']);
  const features = g.input('features', 'float32', ['k', D]);
  const positions = g.input('positions', 'int64', ['k']);
  const mask = g.input('attn_mask', 'float32', ['k', 'total']);
  const rows = g.input('logit_rows', 'int64', ['r']);
  const kit = layerKit(g, target, weights, positions, 'draft', opts);
  const embed = kit.weight('model.embed_tokens.weight');
  const emb = g.op('Gather', [g.initializer('embed_tokens', embed.data, embed.shape), ids], { axis: 0 });
  let x = fusion(kit, g.op('Concat', [emb, features], { axis: 1 }), shape.prefix + 'fc.weight', opts);
  for (let i = 0; i < shape.layers; i++) x = decoderLayer(kit, x, `${shape.prefix}layers.${i}.`, i, mask);
  g.node('Identity', [x], [g.output('hidden', 'float32', ['k', D])]);
  const picked = g.op('Gather', [x, rows], { axis: 0 });
  const normed = kit.rmsnorm(picked, shape.prefix + 'norm.weight');
  // the frozen head: rows of the tied target embedding for the draft vocabulary, as [D, N]
  const head = new Float32Array(D * N);
  draftVocabulary.forEach((t, j) => { for (let c = 0; c < D; c++) head[c * N + j] = embed.data[t * D + c]; });
  g.node('Identity', [kit.matmulConst(normed, 'draft_head', head, [D, N])], [g.output('logits', 'float32', ['r', N])]);
  return g.toModelBytes({ opset: 17 });
}

/** EAGLE-3's fc3: target features from three layers [k, 3 x hidden] -> [k, hidden], run before the extend pass. */
export function buildFeatureFusionGraph(target: DecoderConfig, prefix: string, weights: WeightSource, opts: LayerKitOptions = {}): Uint8Array {
  const g = new GraphBuilder({ name: 'draft_fc3', opset: 17 });
  const D = target.hidden;
  const features = g.input('features', 'float32', ['k', 3 * D]);
  const kit = layerKit(g, target, weights, undefined, 'draft', opts);
  g.node('Identity', [fusion(kit, features, prefix + 'fc3.weight', opts)], [g.output('fused', 'float32', ['k', D])]);
  return g.toModelBytes({ opset: 17 });
}

// the fusion layers read the target's raw residual stream, whose outliers per-tensor int8
// activations cannot hold: fp32, unless activations are quantized per block (MatMulNBits)
function fusion(kit: LayerKit, x: string, name: string, opts: LayerKitOptions): string {
  return opts.blockBits ? kit.project(x, name) : kit.g.op('MatMul', [x, kit.linear(name)]);
}
