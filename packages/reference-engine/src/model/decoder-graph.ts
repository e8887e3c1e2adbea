// Builds the Llama-style decoder as one ONNX graph for onnxruntime. One graph serves prefill,
// vanilla decode steps and verify passes: it takes k tokens, their positions, an additive
// attention mask over [cache, new tokens] and the per-layer KV cache, and returns logits for
// all k tokens plus the new keys/values. The mask is what lets tree drafts share it.
import { GraphBuilder } from '../kernels/onnx/graph.ts';
import { decoderLayer, layerKit, transposed, type WeightSource } from './graph-layers.ts';
import type { DecoderConfig } from './config.ts';

export interface DecoderGraphOptions {
  /** layers to run (cost probes use fewer); defaults to config.layers */
  layers?: number;
  /** also output the residual stream after these layers (the features EAGLE-style drafts read) */
  hiddenAfterLayers?: number[];
}

export function buildDecoderGraph(cfg: DecoderConfig, weights: WeightSource, opts: DecoderGraphOptions = {}): Uint8Array {
  const g = new GraphBuilder({ name: 'decoder', opset: 17 });
  const D = cfg.hidden, L = opts.layers ?? cfg.layers;
  const ids = g.input('input_ids', 'int64', ['k']);
  const positions = g.input('positions', 'int64', ['k']);
  const mask = g.input('attn_mask', 'float32', ['k', 'total']);
  const kit = layerKit(g, cfg, weights, positions, 'decoder');
  const embed = kit.weight('model.embed_tokens.weight');
  let x = g.op('Gather', [g.initializer('embed_tokens', embed.data, embed.shape), ids], { axis: 0 });
  for (let i = 0; i < L; i++) {
    x = decoderLayer(kit, x, `model.layers.${i}.`, i, mask);
    if (opts.hiddenAfterLayers?.includes(i)) g.node('Identity', [x], [g.output(`hidden_${i}`, 'float32', ['k', D])]);
  }
  const final = kit.rmsnorm(x, 'model.norm.weight');
  const head = transposed(embed);
  g.node('MatMul', [final, g.initializer('lm_head', head.data, head.dims)], [g.output('logits', 'float32', ['k', cfg.vocab])]);
  return g.toModelBytes({ opset: 17 });
}
