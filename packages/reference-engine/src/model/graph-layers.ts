// Pieces of a Llama-style decoder shared by the target graph and the draft graphs: rotary
// positions, RMSNorm and one decoder layer reading and extending a KV cache passed in from
// JavaScript. One definition, so a draft layer computes exactly what a target layer does.
import type { GraphBuilder } from '../kernels/onnx/graph.ts';
import type { DecoderConfig } from './config.ts';
import type { SafeTensor } from './safetensors.ts';

export type WeightSource = Map<string, SafeTensor>;

function transposed(t: SafeTensor): { data: Float32Array; dims: number[] } {
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c];
  return { data: out, dims: [cols, rows] };
}

/** Graph-building context: the builder, the weights and the ops every layer needs. */
export interface LayerKit {
  g: GraphBuilder;
  cfg: DecoderConfig;
  weight(name: string): SafeTensor;
  /** a linear weight stored [out, in], as a [in, out] initializer for MatMul */
  linear(name: string): string;
  /** x @ W^T for a weight stored [out, in]: fp32 MatMul, or int8 weights (DynamicQuantizeMatMul) when the kit quantizes */
  project: (x: string, name: string) => string;
  /** x @ B for an explicit [in, out] matrix, quantized like project() */
  matmulConst(x: string, name: string, data: Float32Array, dims: [number, number]): string;
  vector(name: string): string;
  rmsnorm: (x: string, weight: string) => string;
  rope: (x: string) => string;
}

/**
 * int8 weights with one scale per output column (symmetric), for onnxruntime's
 * DynamicQuantizeMatMul: activations are quantized per call, weights once here.
 */
export function quantizeColumns(data: Float32Array, dims: [number, number]): { q: Int8Array; scale: Float32Array } {
  const [rows, cols] = dims;
  const scale = new Float32Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) scale[c] = Math.max(scale[c], Math.abs(data[r * cols + c]));
  for (let c = 0; c < cols; c++) scale[c] = scale[c] > 0 ? scale[c] / 127 : 1;
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round(data[r * cols + c] / scale[c]);
  return { q, scale };
}

/**
 * Block-wise weight quantization for onnxruntime's MatMulNBits: `bits`-bit weights with one
 * fp32 scale per block of `block` inputs and output column, zero point 2^(bits-1). Weights of a
 * [K, N] matrix are stored per output column, blocks along K, 4-bit values two per byte (low first).
 */
export function quantizeBlocks(data: Float32Array, dims: [number, number], bits: 4 | 8, block: number): { packed: Uint8Array; scales: Float32Array; blocks: number } {
  const [K, N] = dims;
  const blocks = Math.ceil(K / block), blob = (block * bits) / 8, zero = 2 ** (bits - 1), top = 2 ** bits - 1;
  const packed = new Uint8Array(N * blocks * blob), scales = new Float32Array(N * blocks);
  for (let n = 0; n < N; n++) for (let b = 0; b < blocks; b++) {
    const lo = b * block, hi = Math.min(K, lo + block);
    let max = 0;
    for (let k = lo; k < hi; k++) max = Math.max(max, Math.abs(data[k * N + n]));
    const scale = max > 0 ? max / (zero - 1) : 1;
    scales[n * blocks + b] = scale;
    const off = (n * blocks + b) * blob;
    for (let k = lo; k < lo + block; k++) {
      const v = k < hi ? Math.max(0, Math.min(top, Math.round(data[k * N + n] / scale) + zero)) : zero;
      const i = k - lo;
      if (bits === 8) packed[off + i] = v;
      else packed[off + (i >> 1)] |= i & 1 ? v << 4 : v;
    }
  }
  return { packed, scales, blocks };
}

export interface LayerKitOptions {
  /** int8 weights for every projection (drafts: 4x fewer bytes read per step) */
  int8Weights?: boolean;
  /** block-quantized weights (MatMulNBits, activations quantized per block of 32): every projection, fusion layers included */
  blockBits?: 4 | 8;
}

/** `positions` (the graph's position input) is needed only by graphs that apply rotary positions. */
export function layerKit(g: GraphBuilder, cfg: DecoderConfig, weights: WeightSource, positions: string | undefined, what: string, opts: LayerKitOptions = {}): LayerKit {
  const Dh = cfg.hidden / cfg.heads;
  const weight = (name: string): SafeTensor => {
    const t = weights.get(name);
    if (!t) throw new Error(`${what}: weight ${name} missing from the safetensors file`);
    return t;
  };
  const linear = (name: string) => { const t = transposed(weight(name)); return g.initializer(name.replace(/\./g, '_'), t.data, t.dims); };
  const vector = (name: string) => { const t = weight(name); return g.initializer(name.replace(/\./g, '_'), t.data, t.shape); };
  const matmulConst = (x: string, name: string, data: Float32Array, dims: [number, number]) => {
    if (opts.blockBits) {
      const bits = opts.blockBits, block = 32;
      const { packed, scales, blocks } = quantizeBlocks(data, dims, bits, block);
      return g.op('MatMulNBits', [x, g.initializer(name + '_q', packed, [dims[1], blocks, (block * bits) / 8], 'uint8'), g.initializer(name + '_scale', scales, [dims[1] * blocks])],
        { K: dims[0], N: dims[1], bits, block_size: block, accuracy_level: 4 }, 'com.microsoft');
    }
    if (!opts.int8Weights) return g.op('MatMul', [x, g.initializer(name, data, dims)]);
    const { q, scale } = quantizeColumns(data, dims);
    const zero = g.initializer(name + '_zero', new Int8Array(dims[1]), [dims[1]], 'int8');
    return g.op('DynamicQuantizeMatMul', [x, g.initializer(name + '_q', q, dims, 'int8'), g.initializer(name + '_scale', scale, [dims[1]]), zero], {}, 'com.microsoft');
  };
  const project = (x: string, name: string) => {
    const t = transposed(weight(name));
    return matmulConst(x, name.replace(/\./g, '_'), t.data, t.dims as [number, number]);
  };
  // rotary tables (rotate-half convention) and the rotate-half map as a matrix, built on first use
  let rotary: { cosK: string; sinK: string; rotM: string } | undefined;
  const rope = (x: string) => {
    if (!rotary) {
      if (!positions) throw new Error(`${what}: rope needs the positions input`);
      const half = Dh / 2;
      const cos = new Float32Array(cfg.maxContext * Dh), sin = new Float32Array(cfg.maxContext * Dh);
      for (let p = 0; p < cfg.maxContext; p++) for (let i = 0; i < half; i++) {
        const ang = p / cfg.ropeTheta ** ((2 * i) / Dh);
        cos[p * Dh + i] = cos[p * Dh + i + half] = Math.cos(ang);
        sin[p * Dh + i] = sin[p * Dh + i + half] = Math.sin(ang);
      }
      const rot = new Float32Array(Dh * Dh);
      for (let i = 0; i < half; i++) { rot[(i + half) * Dh + i] = -1; rot[i * Dh + i + half] = 1; }
      rotary = {
        cosK: g.unsqueeze(g.op('Gather', [g.initializer('rope_cos', cos, [cfg.maxContext, Dh]), positions], { axis: 0 }), [1]),
        sinK: g.unsqueeze(g.op('Gather', [g.initializer('rope_sin', sin, [cfg.maxContext, Dh]), positions], { axis: 0 }), [1]),
        rotM: g.initializer('rope_rotate_half', rot, [Dh, Dh]),
      };
    }
    const { cosK, sinK, rotM } = rotary;
    return g.op('Add', [g.op('Mul', [x, cosK]), g.op('Mul', [g.op('MatMul', [x, rotM]), sinK])]);
  };
  const eps = g.constFloat32([cfg.normEps], 'norm_eps', []);
  const rmsnorm = (x: string, w: string) => {
    const ms = g.reduceMean(g.op('Mul', [x, x]), [-1]);
    return g.op('Mul', [g.op('Div', [x, g.op('Sqrt', [g.op('Add', [ms, eps])])]), vector(w)]);
  };
  return { g, cfg, weight, linear, project, matmulConst, vector, rmsnorm, rope };
}

/**
 * One decoder layer (pre-norm attention + SwiGLU MLP) whose weights are named `prefix` + the
 * Hugging Face Llama names. Reads `past_key_<cache>` / `past_value_<cache>` and writes
 * `new_key_<cache>` / `new_value_<cache>`; `mask` is additive over [cache, new tokens].
 */
export function decoderLayer(kit: LayerKit, x: string, prefix: string, cache: number, mask: string): string {
  const { g, cfg, project, rmsnorm, rope } = kit;
  const H = cfg.heads, D = cfg.hidden, Dh = D / H;
  const headsShape = g.has('shape_heads') ? 'shape_heads' : g.constInt64([0, H, Dh], 'shape_heads');
  const flatShape = g.has('shape_flat') ? 'shape_flat' : g.constInt64([0, D], 'shape_flat');
  const scale = g.has('attn_scale') ? 'attn_scale' : g.constFloat32([1 / Math.sqrt(Dh)], 'attn_scale', []);
  const h = rmsnorm(x, prefix + 'input_layernorm.weight');
  const q = rope(g.op('Reshape', [project(h, prefix + 'self_attn.q_proj.weight'), headsShape]));
  const k = rope(g.op('Reshape', [project(h, prefix + 'self_attn.k_proj.weight'), headsShape]));
  const v = g.op('Reshape', [project(h, prefix + 'self_attn.v_proj.weight'), headsShape]);
  g.node('Identity', [k], [g.output(`new_key_${cache}`, 'float32', ['k', H, Dh])]);
  g.node('Identity', [v], [g.output(`new_value_${cache}`, 'float32', ['k', H, Dh])]);
  const pastK = g.input(`past_key_${cache}`, 'float32', ['past', H, Dh]);
  const pastV = g.input(`past_value_${cache}`, 'float32', ['past', H, Dh]);
  const allK = g.op('Concat', [pastK, k], { axis: 0 });
  const allV = g.op('Concat', [pastV, v], { axis: 0 });
  const scores = g.op('MatMul', [g.op('Transpose', [q], { perm: [1, 0, 2] }), g.op('Transpose', [allK], { perm: [1, 2, 0] })]);
  const probs = g.op('Softmax', [g.op('Add', [g.op('Mul', [scores, scale]), mask])], { axis: -1 });
  const attn = g.op('MatMul', [probs, g.op('Transpose', [allV], { perm: [1, 0, 2] })]);
  const merged = g.op('Reshape', [g.op('Transpose', [attn], { perm: [1, 0, 2] }), flatShape]);
  const x1 = g.op('Add', [x, project(merged, prefix + 'self_attn.o_proj.weight')]);
  const h2 = rmsnorm(x1, prefix + 'post_attention_layernorm.weight');
  const gate = project(h2, prefix + 'mlp.gate_proj.weight');
  const up = project(h2, prefix + 'mlp.up_proj.weight');
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  return g.op('Add', [x1, project(act, prefix + 'mlp.down_proj.weight')]);
}

export { transposed };
