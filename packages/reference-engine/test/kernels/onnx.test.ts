import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { ProtoWriter, encodeVarint, varintSize } from '../../src/kernels/onnx/protobuf.ts';
import {
  GraphBuilder,
  attrFloat,
  attrFloats,
  attrInt,
  attrInts,
  attrTensor,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromFloat16Array,
  toFloat16Array,
} from '../../src/kernels/onnx/graph.ts';
import { Tensor, createSession, tensorBool, tensorF16, tensorF32, tensorI64 } from '../../src/kernels/onnx/session.ts';
import { mulberry32 as rng } from '../../src/random.ts';

// ---- helpers --------------------------------------------------------------------------

function randn(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * scale;
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, msg = ''): void {
  assert.equal(actual.length, expected.length, `${msg} length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${msg} [${i}]: got ${a}, expected ${e}`);
  }
}

function f32(t: Tensor): Float32Array {
  assert.equal(t.type, 'float32');
  return t.data as Float32Array;
}

function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      out[i * n + j] = s;
    }
  return out;
}

/** Tiny protobuf reader, only to check what the writer emitted. */
type Field = { field: number; wire: number; value: bigint | Uint8Array };
function readVarint(buf: Uint8Array, pos: { p: number }): bigint {
  let shift = 0n;
  let v = 0n;
  for (;;) {
    const b = buf[pos.p++];
    v |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return v;
    shift += 7n;
  }
}
function decode(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  const pos = { p: 0 };
  while (pos.p < buf.length) {
    const key = Number(readVarint(buf, pos));
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: readVarint(buf, pos) });
    else if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      out.push({ field, wire, value: buf.subarray(pos.p, pos.p + len) });
      pos.p += len;
    } else if (wire === 5) {
      out.push({ field, wire, value: buf.subarray(pos.p, pos.p + 4) });
      pos.p += 4;
    } else if (wire === 1) {
      out.push({ field, wire, value: buf.subarray(pos.p, pos.p + 8) });
      pos.p += 8;
    } else throw new Error(`wire type ${wire}`);
  }
  assert.equal(pos.p, buf.length, 'decoder consumed exactly the buffer');
  return out;
}
const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);

// ---- protobuf writer ------------------------------------------------------------------

describe('protobuf writer', () => {
  it('encodes varints (unsigned, 64-bit, negative two-complement)', () => {
    assert.deepEqual([...encodeVarint(0)], [0]);
    assert.deepEqual([...encodeVarint(1)], [1]);
    assert.deepEqual([...encodeVarint(127)], [0x7f]);
    assert.deepEqual([...encodeVarint(128)], [0x80, 0x01]);
    assert.deepEqual([...encodeVarint(300)], [0xac, 0x02]);
    assert.deepEqual([...encodeVarint(2 ** 31)], [0x80, 0x80, 0x80, 0x80, 0x08]);
    assert.deepEqual([...encodeVarint(2 ** 53 - 1)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert.deepEqual([...encodeVarint(-1)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.deepEqual([...encodeVarint(-2n)], [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.deepEqual([...encodeVarint((1n << 64n) - 1n)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    assert.deepEqual([...encodeVarint(-(2n ** 63n))], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    for (const v of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 53 - 1, -1]) assert.equal(varintSize(v), encodeVarint(v).length);
    assert.throws(() => encodeVarint(1.5));
    assert.throws(() => encodeVarint(1n << 64n));
  });

  it('writes tags, fixed32/64, float/double, strings, packed and nested fields', () => {
    const w = new ProtoWriter();
    w.int64(1, 150); // canonical example: 08 96 01
    w.string(2, 'testing'); // 12 07 74 65 73 74 69 6e 67
    w.fixed32(3, 0xdeadbeef);
    w.float(4, 1.0);
    w.fixed64(5, 1n);
    w.double(6, -2);
    w.packedInt64(7, [3, 270, 86942]); // canonical packed example: 3a 06 03 8e 02 9e a7 05
    w.packedFloat(8, [1, -1]);
    const child = new ProtoWriter().int64(1, 150);
    w.message(9, child);
    w.bool(10, true);
    w.int64(11, -1);
    const b = [...w.finish()];
    const expected = [
      0x08, 0x96, 0x01,
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
      0x1d, 0xef, 0xbe, 0xad, 0xde,
      0x25, 0x00, 0x00, 0x80, 0x3f,
      0x29, 1, 0, 0, 0, 0, 0, 0, 0,
      0x31, 0, 0, 0, 0, 0, 0, 0, 0xc0,
      0x3a, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
      0x42, 0x08, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x80, 0xbf,
      0x4a, 0x03, 0x08, 0x96, 0x01,
      0x50, 0x01,
      0x58, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ];
    assert.deepEqual(b, expected);
    assert.equal(w.length, expected.length);
  });

  it('handles large payloads and many small writes across scratch buffers', () => {
    const big = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const w = new ProtoWriter();
    for (let i = 0; i < 3000; i++) w.int64(1, i * 1000);
    w.bytes(2, big);
    const inner = new ProtoWriter();
    for (let i = 0; i < 2000; i++) inner.string(1, `s${i}`);
    w.message(3, inner);
    const fields = decode(w.finish());
    assert.equal(fields.length, 3002);
    for (let i = 0; i < 3000; i++) assert.equal(fields[i].value, BigInt(i * 1000));
    assert.deepEqual(fields[3000].value, big);
    const innerFields = decode(fields[3001].value as Uint8Array);
    assert.equal(innerFields.length, 2000);
    assert.equal(text(innerFields[1999].value), 's1999');
  });
});

// ---- ModelProto structure -------------------------------------------------------------

describe('GraphBuilder ModelProto', () => {
  it('emits the onnx.proto field numbers', () => {
    const g = new GraphBuilder({ name: 'g' });
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.initializer('w', new Float32Array([1, 2, 3]), [3]);
    g.node('Mul', [x, w], ['y'], { foo: -1 });
    g.output('y', 'float32', ['batch', 3]);
    const model = decode(g.toModelBytes());
    const byNum = (fs: Field[], n: number) => fs.filter((f) => f.field === n);
    assert.equal(byNum(model, 1)[0].value, 8n); // ir_version
    assert.equal(text(byNum(model, 2)[0].value), 'prism-bench'); // producer_name
    const opset = decode(byNum(model, 8)[0].value as Uint8Array); // opset_import
    assert.deepEqual(opset.map((f) => [f.field, f.value]), [[2, 17n]]); // version, default domain omitted
    const graph = decode(byNum(model, 7)[0].value as Uint8Array);
    assert.equal(text(byNum(graph, 2)[0].value), 'g');
    const node = decode(byNum(graph, 1)[0].value as Uint8Array);
    assert.deepEqual(byNum(node, 1).map((f) => text(f.value)), ['x', 'w']);
    assert.equal(text(byNum(node, 2)[0].value), 'y');
    assert.equal(text(byNum(node, 4)[0].value), 'Mul');
    const attr = decode(byNum(node, 5)[0].value as Uint8Array);
    assert.equal(text(byNum(attr, 1)[0].value), 'foo');
    assert.equal(byNum(attr, 3)[0].value, (1n << 64n) - 1n); // i = -1 as uint64
    assert.equal(byNum(attr, 20)[0].value, 2n); // type INT
    const init = decode(byNum(graph, 5)[0].value as Uint8Array);
    assert.deepEqual(byNum(init, 1).map((f) => f.value), [3n]); // dims
    assert.equal(byNum(init, 2)[0].value, 1n); // data_type FLOAT
    assert.equal(text(byNum(init, 8)[0].value), 'w');
    assert.deepEqual([...new Float32Array((byNum(init, 9)[0].value as Uint8Array).slice().buffer)], [1, 2, 3]);
    const input = decode(byNum(graph, 11)[0].value as Uint8Array);
    assert.equal(text(byNum(input, 1)[0].value), 'x');
    const tensorType = decode(decode(byNum(input, 2)[0].value as Uint8Array)[0].value as Uint8Array);
    assert.equal(tensorType[0].field, 1);
    assert.equal(tensorType[0].value, 1n); // elem_type FLOAT
    const dims = decode(tensorType[1].value as Uint8Array).map((d) => decode(d.value as Uint8Array)[0]);
    assert.deepEqual(dims.map((d) => [d.field, d.field === 2 ? text(d.value) : d.value]), [[2, 'batch'], [1, 3n]]);
    assert.equal(byNum(graph, 12).length, 1); // output
  });

  it('validates names and topological order', () => {
    const g = new GraphBuilder();
    g.input('x', 'float32', [2]);
    assert.throws(() => g.input('x', 'float32', [2]), /already defined/);
    g.node('Relu', ['nope'], ['y']);
    g.output('y', 'float32', [2]);
    assert.throws(() => g.toModelBytes(), /input 'nope' is not defined/);

    const g2 = new GraphBuilder();
    g2.input('x', 'float32', [2]);
    g2.output('z', 'float32', [2]);
    assert.throws(() => g2.toModelBytes(), /never produced/);

    const g3 = new GraphBuilder();
    const x = g3.input('x', 'float32', [2]);
    const a = g3.op('Relu', [x]);
    const b = g3.op('Relu', [a]);
    const [c, d] = g3.node('Split', [b], 2, { axis: 0 });
    assert.equal(new Set([a, b, c, d]).size, 4);
    assert.equal(g3.constInt64([1]), 'const_i64');
    assert.equal(g3.constInt64([1]), 'const_i64_1');
    assert.throws(() => g3.initializer('w', new Float32Array(3), [2, 2]), /hold 4 elements/);
  });
});

// ---- numerical tests through onnxruntime-node -------------------------------------------

describe('GraphBuilder + onnxruntime-node', () => {
  it('(a) MatMul + Add with initializers and a symbolic batch dim', async () => {
    const K = 5;
    const N = 3;
    const W = randn(K * N, 1);
    const B = randn(N, 2);
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['batch', K]);
    const w = g.initializer('W', W, [K, N]);
    const b = g.initializer('b', B, [N]);
    const h = g.op('MatMul', [x, w]);
    g.node('Add', [h, b], ['y']);
    g.output('y', 'float32', ['batch', N]);
    const s = await createSession(g.toModelBytes(), { threads: 1 });
    assert.deepEqual(s.inputNames, ['x']);
    assert.deepEqual(s.outputNames, ['y']);
    for (const batch of [1, 2, 7]) {
      const X = randn(batch * K, 10 + batch);
      const { y } = await s.run({ x: tensorF32(X, [batch, K]) }, ['y']);
      assert.deepEqual(y.dims, [batch, N]);
      const exp = matmul(X, W, batch, K, N).map((v, i) => v + B[i % N]);
      assertClose(f32(y), exp, 1e-5, `batch ${batch}`);
    }
    await s.release();
  });

  it('(b) Gather on an int64 index input (embedding lookup)', async () => {
    const V = 11;
    const D = 4;
    const E = randn(V * D, 3);
    const g = new GraphBuilder();
    const ids = g.input('ids', 'int64', ['batch', 'seq']);
    const table = g.initializer('embed', E, [V, D]);
    g.node('Gather', [table, ids], ['h'], { axis: 0 });
    g.output('h', 'float32', ['batch', 'seq', D]);
    const s = await createSession(g.toModelBytes(), { threads: 1 });
    const idList = [0, 10, 3, 3, 7, 1];
    const { h } = await s.run({ ids: tensorI64(idList, [2, 3]) });
    assert.deepEqual(h.dims, [2, 3, D]);
    const exp: number[] = [];
    for (const id of idList) for (let d = 0; d < D; d++) exp.push(E[id * D + d]);
    assertClose(f32(h), exp, 0);
    // negative indices count from the end (Gather semantics)
    const r2 = await s.run({ ids: tensorI64([-1n], [1, 1]) });
    assertClose(f32(r2.h), E.subarray((V - 1) * D), 0);
    await s.release();
  });

  it('(c) additive-mask Softmax over the last axis, and Where with a bool mask', async () => {
    const g = new GraphBuilder();
    const scores = g.input('scores', 'float32', ['b', 'h', 'q', 'k']);
    const mask = g.input('mask', 'float32', ['b', 1, 'q', 'k']);
    const keep = g.input('keep', 'bool', ['b', 1, 'q', 'k']);
    const masked = g.op('Add', [scores, mask]);
    g.node('Softmax', [masked], ['probs'], { axis: -1 });
    // the same causal mask expressed with Where(bool, scores, -inf) then Softmax
    const negInf = g.constFloat32([-Infinity], 'neg_inf', []);
    const w = g.op('Where', [keep, scores, negInf]);
    g.node('Softmax', [w], ['probs_where'], { axis: -1 });
    g.node('Where', [keep, scores, g.constFloat32([0], 'zero', [])], ['selected']);
    for (const o of ['probs', 'probs_where', 'selected']) g.output(o, 'float32', ['b', 'h', 'q', 'k']);
    const s = await createSession(g.toModelBytes(), { threads: 1 });

    const Bn = 1, H = 2, Q = 3, Kn = 5, past = Kn - Q;
    const S = randn(Bn * H * Q * Kn, 4, 3);
    const M = new Float32Array(Q * Kn);
    const keepArr = new Uint8Array(Q * Kn);
    for (let q = 0; q < Q; q++)
      for (let k = 0; k < Kn; k++) {
        const allowed = k <= past + q;
        M[q * Kn + k] = allowed ? 0 : -1e9;
        keepArr[q * Kn + k] = allowed ? 1 : 0;
      }
    const r = await s.run({
      scores: tensorF32(S, [Bn, H, Q, Kn]),
      mask: tensorF32(M, [Bn, 1, Q, Kn]),
      keep: tensorBool(keepArr, [Bn, 1, Q, Kn]),
    });
    const exp = new Float32Array(S.length);
    const sel = new Float32Array(S.length);
    for (let h = 0; h < H; h++)
      for (let q = 0; q < Q; q++) {
        const row = (h * Q + q) * Kn;
        let mx = -Infinity;
        for (let k = 0; k < Kn; k++) mx = Math.max(mx, S[row + k] + M[q * Kn + k]);
        let sum = 0;
        for (let k = 0; k < Kn; k++) sum += Math.exp(S[row + k] + M[q * Kn + k] - mx);
        for (let k = 0; k < Kn; k++) {
          exp[row + k] = Math.exp(S[row + k] + M[q * Kn + k] - mx) / sum;
          sel[row + k] = keepArr[q * Kn + k] ? S[row + k] : 0;
        }
      }
    assertClose(f32(r.probs), exp, 1e-5, 'probs');
    assertClose(f32(r.probs_where), exp, 1e-5, 'probs_where');
    assertClose(f32(r.selected), sel, 0, 'selected');
    // masked positions are exactly zero
    assert.equal(f32(r.probs)[Kn - 1], 0);
    await s.release();
  });

  it('(d) KV-cache Concat along a dynamic axis, plus Slice with int64 starts/ends inputs', async () => {
    const H = 2, D = 4;
    const g = new GraphBuilder();
    const past = g.input('past_k', 'float32', [1, H, 'past', D]);
    const cur = g.input('new_k', 'float32', [1, H, 'new', D]);
    const starts = g.input('starts', 'int64', [1]);
    const ends = g.input('ends', 'int64', [1]);
    const [present] = g.node('Concat', [past, cur], ['present_k'], { axis: 2 });
    g.node('Slice', [present, starts, ends, g.constInt64([2], 'slice_axes'), g.constInt64([1], 'slice_steps')], ['window']);
    g.output('present_k', 'float32', [1, H, 'total', D]);
    g.output('window', 'float32', [1, H, 'win', D]);
    const s = await createSession(g.toModelBytes(), { threads: 1 });

    const expectConcat = (P: Float32Array, N: Float32Array, p: number, n: number) => {
      const out = new Float32Array(H * (p + n) * D);
      for (let h = 0; h < H; h++) {
        out.set(P.subarray(h * p * D, (h + 1) * p * D), h * (p + n) * D);
        out.set(N.subarray(h * n * D, (h + 1) * n * D), h * (p + n) * D + p * D);
      }
      return out;
    };
    // step 0: empty cache (zero-length dynamic axis), prefill 3 positions
    let cache = new Float32Array(0);
    let p = 0;
    for (const [n, seed] of [[3, 5], [1, 6], [2, 7]] as const) {
      const N = randn(H * n * D, seed);
      const total = p + n;
      const lo = Math.max(0, total - 2);
      const r = await s.run({
        past_k: tensorF32(cache, [1, H, p, D]),
        new_k: tensorF32(N, [1, H, n, D]),
        starts: tensorI64([lo], [1]),
        ends: tensorI64([BigInt(Number.MAX_SAFE_INTEGER)], [1]), // clamped to the axis length
      });
      const exp = expectConcat(cache, N, p, n);
      assert.deepEqual(r.present_k.dims, [1, H, total, D]);
      assertClose(f32(r.present_k), exp, 0, `present p=${p}`);
      assert.deepEqual(r.window.dims, [1, H, total - lo, D]);
      const win: number[] = [];
      for (let h = 0; h < H; h++) for (let t = lo; t < total; t++) for (let d = 0; d < D; d++) win.push(exp[(h * total + t) * D + d]);
      assertClose(f32(r.window), win, 0, `window p=${p}`);
      cache = f32(r.present_k).slice();
      p = total;
    }
    // negative starts count from the end
    const r = await s.run({
      past_k: tensorF32(cache, [1, H, p, D]),
      new_k: tensorF32(new Float32Array(0), [1, H, 0, D]),
      starts: tensorI64([-1], [1]),
      ends: tensorI64([p], [1]),
    });
    assert.deepEqual(r.window.dims, [1, H, 1, D]);
    await s.release();
  });

  for (const opset of [17, 18]) {
    it(`(e) RMSNorm from Pow/ReduceMean/Add/Sqrt/Div/Mul (opset ${opset}: ReduceMean axes as ${opset >= 18 ? 'input' : 'attribute'})`, async () => {
      const D = 8;
      const eps = 1e-6;
      const weight = randn(D, 8, 2);
      const g = new GraphBuilder({ opset });
      const x = g.input('x', 'float32', ['tokens', D]);
      const sq = g.op('Pow', [x, g.constFloat32([2], 'two', [])]);
      const ms = g.reduceMean(sq, [-1], true);
      const rms = g.op('Sqrt', [g.op('Add', [ms, g.constFloat32([eps], 'eps', [])])]);
      const normed = g.op('Div', [x, rms]);
      g.node('Mul', [normed, g.initializer('rms_weight', weight, [D])], ['y']);
      g.output('y', 'float32', ['tokens', D]);
      const bytes = g.toModelBytes();
      // the graph used an opset-dependent helper: emitting another opset must be refused
      assert.throws(() => g.toModelBytes({ opset: opset === 17 ? 18 : 17 }), /opset-dependent/);
      const s = await createSession(bytes, { threads: 1 });
      const T = 3;
      const X = randn(T * D, 9, 4);
      const { y } = await s.run({ x: tensorF32(X, [T, D]) });
      const exp = new Float32Array(T * D);
      for (let t = 0; t < T; t++) {
        let ss = 0;
        for (let d = 0; d < D; d++) ss += X[t * D + d] ** 2;
        const inv = 1 / Math.sqrt(ss / D + eps);
        for (let d = 0; d < D; d++) exp[t * D + d] = X[t * D + d] * inv * weight[d];
      }
      assertClose(f32(y), exp, 1e-5);
      await s.release();
    });
  }

  it('(e) ReduceMean with the wrong axes form for the opset is rejected by onnxruntime', async () => {
    // axes as an attribute is only valid up to opset 17; at 18 the attribute no longer exists.
    const g = new GraphBuilder({ opset: 18 });
    const x = g.input('x', 'float32', [2, 3]);
    g.node('ReduceMean', [x], ['y'], { axes: [-1], keepdims: 1 });
    g.output('y', 'float32', [2, 1]);
    await assert.rejects(() => createSession(g.toModelBytes()), /Unrecognized attribute: axes/);
  });

  it('(f) float16 initializer + Cast to float32, float16 input/output', async () => {
    // bit patterns of the converter
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(-2), 0xc000);
    assert.equal(float32ToFloat16Bits(65504), 0x7bff);
    assert.equal(float32ToFloat16Bits(65520), 0x7c00); // rounds to +inf
    assert.equal(float32ToFloat16Bits(0.1), 0x2e66);
    assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001);
    assert.equal(float32ToFloat16Bits(2 ** -25), 0x0000); // tie → even (zero)
    assert.equal(float32ToFloat16Bits(3 * 2 ** -25), 0x0002); // tie → even
    assert.equal(float32ToFloat16Bits(-0), 0x8000);
    assert.equal(float32ToFloat16Bits(Infinity), 0x7c00);
    assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
    assert.equal(float16BitsToFloat32(0x3555), 0.333251953125);
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie → even
    assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
    for (let bits = 0; bits < 0x10000; bits++) {
      const v = float16BitsToFloat32(bits);
      if (!Number.isNaN(v)) assert.equal(float32ToFloat16Bits(v), bits, `roundtrip ${bits.toString(16)}`);
    }

    const values = [0, 1, -2, 0.1, 65504, 1e-7, 3.14159, -0.000123, 1234.5678];
    const half = toFloat16Array(values);
    const g = new GraphBuilder();
    const w16 = g.initializer('w16', half, [3, 3]);
    g.node('Cast', [w16], ['w32'], { to: 1 }); // TensorProto.FLOAT
    const x16 = g.input('x16', 'float16', [3, 3]);
    const x32 = g.op('Cast', [x16], { to: 1 });
    const sum = g.op('Add', [x32, 'w32']);
    g.node('Cast', [sum], ['sum16'], { to: 10 }); // TensorProto.FLOAT16
    g.output('w32', 'float32', [3, 3]);
    g.output('sum16', 'float16', [3, 3]);
    const s = await createSession(g.toModelBytes(), { threads: 1 });
    const xs = toFloat16Array([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const r = await s.run({ x16: tensorF16(xs, [3, 3]) });
    const expW = fromFloat16Array(half);
    assertClose(f32(r.w32), expW, 0, 'w32');
    assertClose(f32(r.w32), values, 1e-3, 'w32 ~ original'); // fp16 relative precision ~5e-4
    assert.equal(r.sum16.type, 'float16');
    const sumBits = r.sum16.data as unknown as ArrayLike<number>;
    const gotSum = sumBits instanceof Uint16Array ? fromFloat16Array(sumBits) : Float32Array.from(sumBits);
    const expSum = fromFloat16Array(toFloat16Array(Array.from(expW, (v) => v + 1)));
    assertClose(gotSum, expSum, 0, 'sum16');
    await s.release();
  });

  it('(g) attributes of every type: int, float, ints, floats, string, tensor (+ custom domain)', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    // ints: Transpose perm → [3, 2]
    const xt = g.op('Transpose', [x], { perm: [1, 0] });
    // float: LeakyRelu alpha (non-integral number → FLOAT); Elu alpha=2 is integral but a known float attribute
    const lr = g.op('LeakyRelu', [xt], { alpha: 0.25 });
    const elu = g.op('Elu', [xt], { alpha: 2 });
    const hs = g.op('HardSigmoid', [xt], { alpha: attrFloat(1), beta: attrFloat(0) });
    // floats: Constant value_floats (1-D)
    const cf = g.op('Constant', [], { value_floats: attrFloats([1.5, -2.5]) });
    const lrPlus = g.op('Add', [lr, cf]); // [3,2] + [2]
    // string: Pad mode='reflect'
    g.node('Pad', [x, g.constInt64([0, 1, 0, 1], 'pads')], ['padded'], { mode: 'reflect' });
    // int: Flatten axis (negative int) and Concat axis
    const flat = g.op('Flatten', [xt], { axis: attrInt(-1) });
    // tensor: Constant value=tensor
    const ct = g.op('Constant', [], { value: attrTensor({ data: new Float32Array([10, 20, 30, 40, 50, 60]), dims: [3, 2] }) });
    const ctInt = g.op('Constant', [], { value: attrTensor({ data: new BigInt64Array([3n, 2n]), dims: [2] }) });
    const reshaped = g.op('Reshape', [x, ctInt]);
    g.node('Concat', [lrPlus, elu, hs, ct, flat, reshaped], ['cat'], { axis: 1 });
    // ints given explicitly, via BigInt64Array
    g.node('ReduceSum', [xt, g.constInt64([0])], ['colsum'], { keepdims: attrInt(0) });
    g.node('Unsqueeze', [g.op('Identity', [cf]), g.constInt64(new BigInt64Array([0n]))], ['cf2']);
    g.node('Transpose', [x], ['xt2'], { perm: attrInts(new BigInt64Array([1n, 0n])) });
    // custom domain (onnxruntime contrib op): com.microsoft FusedMatMul with float + int attributes
    const w = g.initializer('fw', randn(4 * 3, 12), [4, 3]);
    g.node('FusedMatMul', [x, w], ['fused'], { alpha: 0.5, transA: 0, transB: 1 }, 'com.microsoft');
    for (const [o, d] of [['cat', [3, 12]], ['padded', [2, 5]], ['colsum', [2]], ['cf2', [1, 2]], ['xt2', [3, 2]], ['fused', [2, 4]]] as const) {
      g.output(o, 'float32', [...d]);
    }
    const bytes = g.toModelBytes();
    const s = await createSession(bytes, { threads: 1 });

    const X = new Float32Array([1, -2, 3, -4, 5, -6]);
    const r = await s.run({ x: tensorF32(X, [2, 3]) });
    const XT = [1, -4, -2, 5, 3, -6]; // [3,2]
    const exp: number[] = [];
    for (let i = 0; i < 3; i++) {
      const row = XT.slice(i * 2, i * 2 + 2);
      exp.push(...row.map((v, j) => (v >= 0 ? v : 0.25 * v) + [1.5, -2.5][j]));
      exp.push(...row.map((v) => (v >= 0 ? v : 2 * (Math.exp(v) - 1))));
      exp.push(...row.map((v) => Math.max(0, Math.min(1, v))));
      exp.push(...[10, 20, 30, 40, 50, 60].slice(i * 2, i * 2 + 2));
      exp.push(...row); // Flatten axis=-1 of [3,2] → [3,2]
      exp.push(...Array.from(X).slice(i * 2, i * 2 + 2)); // Reshape [2,3] → [3,2]
    }
    assert.deepEqual(r.cat.dims, [3, 12]);
    assertClose(f32(r.cat), exp, 1e-6, 'cat');
    // reflect pad of each row by 1 on both sides of the last axis
    assertClose(f32(r.padded), [-2, 1, -2, 3, -2, 5, -4, 5, -6, 5], 0, 'padded');
    assertClose(f32(r.colsum), [1 - 2 + 3, -4 + 5 - 6], 1e-6, 'colsum');
    assertClose(f32(r.cf2), [1.5, -2.5], 0, 'cf2');
    assertClose(f32(r.xt2), XT, 0, 'xt2');
    const Wt = randn(4 * 3, 12); // [4,3]; transB → x[2,3] · W^T[3,4]
    const fused: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) {
        let acc = 0;
        for (let k = 0; k < 3; k++) acc += X[i * 3 + k] * Wt[j * 3 + k];
        fused.push(0.5 * acc);
      }
    assertClose(f32(r.fused), fused, 1e-5, 'fused');

    // the model imports the custom domain automatically
    const model = decode(bytes);
    const imports = model.filter((f) => f.field === 8).map((f) => decode(f.value as Uint8Array));
    assert.deepEqual(
      imports.map((fs) => [fs.find((f) => f.field === 1) ? text(fs.find((f) => f.field === 1)!.value) : '', fs.find((f) => f.field === 2)!.value]),
      [['', 17n], ['com.microsoft', 1n]],
    );
    await s.release();
  });

  it('an integral value for an INT-typed float attribute is refused by onnxruntime (typing matters)', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    // 'alpha' is a known float name → coerced; but an explicit attrInt must stay INT and be rejected
    g.node('LeakyRelu', [x], ['y'], { alpha: attrInt(1) });
    g.output('y', 'float32', [2]);
    await assert.rejects(() => createSession(g.toModelBytes()), /Mismatched attribute type.*Expected: 'FLOAT', actual: 'INT'/);
  });

  it('exports ort Tensor', () => {
    const t = new Tensor('float32', new Float32Array([1, 2]), [2]);
    assert.deepEqual(t.dims, [2]);
  });
});
