// Builds the Llama-style decoder as one ONNX graph for onnxruntime. One graph serves prefill,
// vanilla decode steps and verify passes: it takes k tokens, their positions, an additive
// attention mask over [cache, new tokens] and the per-layer KV cache, and returns logits for
// all k tokens plus the new keys/values. The mask is what lets tree drafts share it.
import { GraphBuilder } from '../kernels/onnx/graph.ts';
import type { DecoderConfig } from './config.ts';
import type { SafeTensor } from './safetensors.ts';

export interface DecoderGraphOptions {
  /** layers to run (drafts and cost probes use fewer); defaults to config.layers */
  layers?: number;
  /** also output the residual stream after these layers (EAGLE-style drafts read target features) */
  hiddenAfterLayers?: number[];
}

function transposed(t: SafeTensor): { data: Float32Array; dims: number[] } {
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c];
  return { data: out, dims: [cols, rows] };
}

export function buildDecoderGraph(cfg: DecoderConfig, weights: Map<string, SafeTensor>, opts: DecoderGraphOptions = {}): Uint8Array {
  const g = new GraphBuilder({ name: 'decoder', opset: 17 });
  const H = cfg.heads, D = cfg.hidden, Dh = D / H, L = opts.layers ?? cfg.layers;
  const w = (name: string): SafeTensor => {
    const t = weights.get(name);
    if (!t) throw new Error(`decoder: weight ${name} missing from the safetensors file`);
    return t;
  };
  const linear = (name: string) => { const t = transposed(w(name)); return g.initializer(name.replace(/\./g, '_'), t.data, t.dims); };
  const vector = (name: string) => { const t = w(name); return g.initializer(name.replace(/\./g, '_'), t.data, t.shape); };

  const ids = g.input('input_ids', 'int64', ['k']);
  const positions = g.input('positions', 'int64', ['k']);
  const mask = g.input('attn_mask', 'float32', ['k', 'total']);

  // rotary tables (rotate-half convention) and the rotate-half map as a matrix
  const half = Dh / 2;
  const cos = new Float32Array(cfg.maxContext * Dh), sin = new Float32Array(cfg.maxContext * Dh);
  for (let p = 0; p < cfg.maxContext; p++) for (let i = 0; i < half; i++) {
    const ang = p / cfg.ropeTheta ** ((2 * i) / Dh);
    cos[p * Dh + i] = cos[p * Dh + i + half] = Math.cos(ang);
    sin[p * Dh + i] = sin[p * Dh + i + half] = Math.sin(ang);
  }
  const rot = new Float32Array(Dh * Dh);
  for (let i = 0; i < half; i++) { rot[(i + half) * Dh + i] = -1; rot[i * Dh + i + half] = 1; }
  const cosK = g.unsqueeze(g.op('Gather', [g.initializer('rope_cos', cos, [cfg.maxContext, Dh]), positions], { axis: 0 }), [1]);
  const sinK = g.unsqueeze(g.op('Gather', [g.initializer('rope_sin', sin, [cfg.maxContext, Dh]), positions], { axis: 0 }), [1]);
  const rotM = g.initializer('rope_rotate_half', rot, [Dh, Dh]);
  const rope = (x: string) => g.op('Add', [g.op('Mul', [x, cosK]), g.op('Mul', [g.op('MatMul', [x, rotM]), sinK])]);

  const eps = g.constFloat32([cfg.normEps], 'norm_eps', []);
  const rmsnorm = (x: string, weight: string) => {
    const ms = g.reduceMean(g.op('Mul', [x, x]), [-1]);
    return g.op('Mul', [g.op('Div', [x, g.op('Sqrt', [g.op('Add', [ms, eps])])]), vector(weight)]);
  };
  const headsShape = g.constInt64([0, H, Dh], 'shape_heads');
  const flatShape = g.constInt64([0, D], 'shape_flat');
  const scale = g.constFloat32([1 / Math.sqrt(Dh)], 'attn_scale', []);

  const embed = w('model.embed_tokens.weight');
  let x = g.op('Gather', [g.initializer('embed_tokens', embed.data, embed.shape), ids], { axis: 0 });
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}.`;
    const h = rmsnorm(x, p + 'input_layernorm.weight');
    const q = rope(g.op('Reshape', [g.op('MatMul', [h, linear(p + 'self_attn.q_proj.weight')]), headsShape]));
    const k = rope(g.op('Reshape', [g.op('MatMul', [h, linear(p + 'self_attn.k_proj.weight')]), headsShape]));
    const v = g.op('Reshape', [g.op('MatMul', [h, linear(p + 'self_attn.v_proj.weight')]), headsShape]);
    g.node('Identity', [k], [g.output(`new_key_${i}`, 'float32', ['k', H, Dh])]);
    g.node('Identity', [v], [g.output(`new_value_${i}`, 'float32', ['k', H, Dh])]);
    const pastK = g.input(`past_key_${i}`, 'float32', ['past', H, Dh]);
    const pastV = g.input(`past_value_${i}`, 'float32', ['past', H, Dh]);
    const allK = g.op('Concat', [pastK, k], { axis: 0 });
    const allV = g.op('Concat', [pastV, v], { axis: 0 });
    const scores = g.op('MatMul', [g.op('Transpose', [q], { perm: [1, 0, 2] }), g.op('Transpose', [allK], { perm: [1, 2, 0] })]);
    const probs = g.op('Softmax', [g.op('Add', [g.op('Mul', [scores, scale]), mask])], { axis: -1 });
    const attn = g.op('MatMul', [probs, g.op('Transpose', [allV], { perm: [1, 0, 2] })]);
    const merged = g.op('Reshape', [g.op('Transpose', [attn], { perm: [1, 0, 2] }), flatShape]);
    x = g.op('Add', [x, g.op('MatMul', [merged, linear(p + 'self_attn.o_proj.weight')])]);
    const h2 = rmsnorm(x, p + 'post_attention_layernorm.weight');
    const gate = g.op('MatMul', [h2, linear(p + 'mlp.gate_proj.weight')]);
    const up = g.op('MatMul', [h2, linear(p + 'mlp.up_proj.weight')]);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, g.op('MatMul', [act, linear(p + 'mlp.down_proj.weight')])]);
    if (opts.hiddenAfterLayers?.includes(i)) g.node('Identity', [x], [g.output(`hidden_${i}`, 'float32', ['k', D])]);
  }
  const final = rmsnorm(x, 'model.norm.weight');
  const head = transposed(embed);
  g.node('MatMul', [final, g.initializer('lm_head', head.data, head.dims)], [g.output('logits', 'float32', ['k', cfg.vocab])]);
  return g.toModelBytes({ opset: 17 });
}
