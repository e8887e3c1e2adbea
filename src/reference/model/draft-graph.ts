// Builds one draft module as an ONNX graph: EAGLE-style fusion of the token embedding with a
// feature vector, one or more decoder layers (the target's layer definition), a final norm
// and the target's frozen output head restricted to the draft vocabulary (EAGLE-3's reduced
// vocabulary: the most frequent tokens, mapped back to target ids by `draftVocabulary`).
//
// Inputs: input_ids [k] (target ids), features [k, F] (F = hidden for the draft's own
// features or the target's last layer; 3 x hidden for EAGLE-3's low/middle/high target
// layers, fused by fc3 first), positions [k], attn_mask [k, past + k], logit_rows [r]
// (which rows get logits: usually just the last) and the draft KV cache per layer.
// Outputs: hidden [k, hidden] (fed back as the next step's feature), logits [r, draftVocab],
// new keys/values per layer.
import { GraphBuilder } from '../kernels/onnx/graph.ts';
import { decoderLayer, layerKit, type LayerKitOptions, type WeightSource } from './graph-layers.ts';
import type { DecoderConfig } from './config.ts';

export interface DraftModuleShape {
  /** decoder layers run at every step by this module */
  layers: number;
  /** width of the feature input: hidden, or 3 x hidden when fc3 fuses three target layers */
  featureWidth: number;
  /** weight name prefix of this module in the draft's safetensors file, e.g. "modules.0." */
  prefix: string;
}

export function buildDraftGraph(target: DecoderConfig, shape: DraftModuleShape, draftVocabulary: readonly number[], weights: WeightSource, opts: LayerKitOptions = {}): Uint8Array {
  const g = new GraphBuilder({ name: 'draft', opset: 17 });
  const D = target.hidden, N = draftVocabulary.length;
  if (shape.featureWidth !== D && shape.featureWidth !== 3 * D) throw new Error(`draft graph: feature width ${shape.featureWidth} must be ${D} or ${3 * D}`);
  const ids = g.input('input_ids', 'int64', ['k']);
  const features = g.input('features', 'float32', ['k', shape.featureWidth]);
  const positions = g.input('positions', 'int64', ['k']);
  const mask = g.input('attn_mask', 'float32', ['k', 'total']);
  const rows = g.input('logit_rows', 'int64', ['r']);
  const kit = layerKit(g, target, weights, positions, 'draft', opts);
  const embed = kit.weight('model.embed_tokens.weight');
  const emb = g.op('Gather', [g.initializer('embed_tokens', embed.data, embed.shape), ids], { axis: 0 });
  const feat = shape.featureWidth === D ? features : g.op('MatMul', [features, kit.linear(shape.prefix + 'fc3.weight')]);
  // the fusion reads the target's raw residual stream, whose outliers per-tensor int8 activations cannot hold: fp32 always
  let x = g.op('MatMul', [g.op('Concat', [emb, feat], { axis: 1 }), kit.linear(shape.prefix + 'fc.weight')]);
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
