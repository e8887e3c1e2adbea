import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFeatureFusionGraph } from '../../src/model/draft-graph.ts';
import { quantizeBlocks } from '../../src/model/graph-layers.ts';
import { createSession, tensorF32 } from '../../src/kernels/onnx/session.ts';
import type { DecoderConfig } from '../../src/model/config.ts';
import type { SafeTensor } from '../../src/model/safetensors.ts';

const cfg: DecoderConfig = { hidden: 64, heads: 4, layers: 2, ffn: 128, vocab: 256, normEps: 1e-5, ropeTheta: 10000, maxContext: 64, tieWordEmbeddings: true };

function random(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => { s = (s * 1664525 + 1013904223) >>> 0; return (s / 2 ** 32 - 0.5) * scale; });
}

/** y = x @ W^T for W stored [out, in] */
function linear(x: Float32Array, rows: number, w: Float32Array, out: number, inp: number): Float32Array {
  const y = new Float32Array(rows * out);
  for (let r = 0; r < rows; r++) for (let o = 0; o < out; o++) {
    let s = 0;
    for (let i = 0; i < inp; i++) s += x[r * inp + i] * w[o * inp + i];
    y[r * out + o] = s;
  }
  return y;
}

describe('draft graphs', () => {
  const D = cfg.hidden, k = 3;
  const fc3: SafeTensor = { dtype: 'F32', shape: [D, 3 * D], data: random(3 * D * D, 1, 0.2) };
  // target features with a large outlier channel, as the residual stream has
  const features = random(k * 3 * D, 2, 4);
  features[5] = 300; features[3 * D + 70] = -250;
  const want = linear(features, k, fc3.data, D, 3 * D);
  const maxAbs = Math.max(...want.map(Math.abs));

  it('the fc3 fusion graph computes features @ fc3^T exactly in fp32', async () => {
    const s = await createSession(buildFeatureFusionGraph(cfg, '', new Map([['fc3.weight', fc3]])), { threads: 1 });
    try {
      const got = (await s.run({ features: tensorF32(features, [k, 3 * D]) })).fused.data as Float32Array;
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-4 * maxAbs, `element ${i}: ${v} vs ${want[i]}`));
    } finally { await s.release(); }
  });

  it('block-quantized fusion (8-bit weights, activations quantized per block of 32) stays within 2% of fp32 despite outliers', async () => {
    const s = await createSession(buildFeatureFusionGraph(cfg, '', new Map([['fc3.weight', fc3]]), { blockBits: 8 }), { threads: 1 });
    try {
      const got = (await s.run({ features: tensorF32(features, [k, 3 * D]) })).fused.data as Float32Array;
      let err = 0;
      got.forEach((v, i) => { err = Math.max(err, Math.abs(v - want[i])); });
      assert.ok(err <= 0.02 * maxAbs, `max error ${err} against max |y| ${maxAbs}`);
      assert.ok(err > 0, 'quantized weights should not be exact');
    } finally { await s.release(); }
  });

  it('quantizeBlocks packs 4-bit values low nibble first and reconstructs within half a step', () => {
    const K = 64, N = 3;
    const w = random(K * N, 3);
    for (const bits of [4, 8] as const) {
      const { packed, scales, blocks } = quantizeBlocks(w, [K, N], bits, 32);
      assert.equal(blocks, 2);
      const zero = 2 ** (bits - 1);
      for (let n = 0; n < N; n++) for (let kk = 0; kk < K; kk++) {
        const b = Math.floor(kk / 32), i = kk % 32, off = (n * blocks + b) * (32 * bits) / 8;
        const q = bits === 8 ? packed[off + i] : (packed[off + (i >> 1)] >> ((i & 1) * 4)) & 15;
        const back = (q - zero) * scales[n * blocks + b];
        assert.ok(Math.abs(back - w[kk * N + n]) <= scales[n * blocks + b] / 2 + 1e-7, `bits ${bits} [${kk}, ${n}]`);
      }
    }
  });
});
