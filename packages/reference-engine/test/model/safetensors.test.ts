import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halfToFloat, readSafetensors } from '../../src/model/safetensors.ts';

// ---- an independent writer (the format: u64 LE header length, JSON header, raw little-endian data) ----

type Dtype = 'F32' | 'F16' | 'BF16' | 'I64';
interface Spec { dtype: Dtype; shape: number[]; bytes: Buffer }

function f32Bytes(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}
function u16Bytes(bits: number[]): Buffer {
  const b = Buffer.alloc(bits.length * 2);
  bits.forEach((v, i) => b.writeUInt16LE(v, i * 2));
  return b;
}
/** bfloat16 = the top half of the float32 bit pattern */
function bf16Bits(v: number): number {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v, 0);
  return b.readUInt32LE(0) >>> 16;
}

function safetensorsBytes(tensors: Record<string, Spec>, metadata?: Record<string, string>, pad = 8): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const blobs: Buffer[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
    blobs.push(t.bytes);
  }
  let json = JSON.stringify(header);
  while (json.length % pad) json += ' ';
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json), ...blobs]);
}

/** float32 bit pattern of a half, computed from the bits (normal, subnormal, inf, nan), not from arithmetic */
function halfViaBits(h: number): number {
  const sign = (h & 0x8000) << 16, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  const out = Buffer.alloc(4);
  if (e === 31) out.writeUInt32LE((sign | 0x7f800000 | (f << 13)) >>> 0);
  else if (e > 0) out.writeUInt32LE((sign | ((e - 15 + 127) << 23) | (f << 13)) >>> 0);
  else if (f === 0) out.writeUInt32LE(sign >>> 0);
  else {
    // subnormal half: normalize the mantissa
    let m = f, ex = -14;
    while (!(m & 0x400)) { m <<= 1; ex--; }
    out.writeUInt32LE((sign | ((ex + 127) << 23) | ((m & 0x3ff) << 13)) >>> 0);
  }
  return out.readFloatLE(0);
}

describe('halfToFloat', () => {
  it('edge cases', () => {
    const cases: [number, number][] = [
      [0x0000, 0], [0x3c00, 1], [0xbc00, -1], [0xc000, -2], [0x3800, 0.5], [0x3555, 0.333251953125],
      [0x7bff, 65504], [0xfbff, -65504], // largest finite
      [0x0400, 2 ** -14], // smallest normal
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x0001, 2 ** -24], [0x8001, -(2 ** -24)], // smallest subnormal
      [0x7c00, Infinity], [0xfc00, -Infinity],
      [0x3bff, 1 - 2 ** -11], [0x3c01, 1 + 2 ** -10],
    ];
    for (const [h, v] of cases) assert.equal(halfToFloat(h), v, `0x${h.toString(16)}`);
    assert.ok(Object.is(halfToFloat(0x8000), -0), 'negative zero keeps its sign');
    for (const nan of [0x7c01, 0x7e00, 0x7fff, 0xfe00, 0xffff]) assert.ok(Number.isNaN(halfToFloat(nan)), `0x${nan.toString(16)} is NaN`);
  });

  it('agrees with a bit-level conversion on all 65536 patterns', () => {
    for (let h = 0; h < 65536; h++) {
      const a = halfToFloat(h), b = halfViaBits(h);
      assert.ok(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `0x${h.toString(16)}: ${a} vs ${b}`);
    }
  });
});

describe('readSafetensors', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'prism-safetensors-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Buffer | Uint8Array) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };

  const f32Values = [0, -0, 1.5, -3.25, Math.fround(1e-30), Math.fround(3.4e38), Math.fround(Math.PI), Math.fround(-1 / 3), Infinity, -Infinity];
  const halfBits = [0x0000, 0x8000, 0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x3555, 0x4248];
  const bf16Values = [0, 1, -2, 0.5, 3.140625, -1e10, 1e-20, 65536, Infinity];

  it('reads F32, F16 and BF16 tensors, shapes and metadata', () => {
    const path = write('mixed.safetensors', safetensorsBytes({
      'a.f32': { dtype: 'F32', shape: [2, 5], bytes: f32Bytes(f32Values) },
      'b.f16': { dtype: 'F16', shape: [3, 2, 2], bytes: u16Bytes(halfBits) },
      'c.bf16': { dtype: 'BF16', shape: [9], bytes: u16Bytes(bf16Values.map(bf16Bits)) },
      scalar: { dtype: 'F32', shape: [], bytes: f32Bytes([42.5]) },
      empty: { dtype: 'F16', shape: [0, 4], bytes: Buffer.alloc(0) },
    }, { format: 'pt', producer: 'test' }));
    const { tensors, metadata } = readSafetensors(path);
    assert.deepEqual(metadata, { format: 'pt', producer: 'test' });
    assert.deepEqual([...tensors.keys()].sort(), ['a.f32', 'b.f16', 'c.bf16', 'empty', 'scalar']);
    const a = tensors.get('a.f32')!;
    assert.equal(a.dtype, 'F32');
    assert.deepEqual(a.shape, [2, 5]);
    assert.deepEqual(Array.from(a.data), f32Values);
    assert.ok(Object.is(a.data[1], -0));
    const b = tensors.get('b.f16')!;
    assert.deepEqual(b.shape, [3, 2, 2]);
    assert.deepEqual(Array.from(b.data), halfBits.map(halfViaBits));
    assert.equal(b.data[11], 3.140625);
    const c = tensors.get('c.bf16')!;
    assert.equal(c.dtype, 'BF16');
    // these values have zero low mantissa bits, so bfloat16 holds them exactly
    assert.deepEqual(Array.from(c.data).slice(0, 5), [0, 1, -2, 0.5, 3.140625]);
    assert.equal(c.data[5], new Float32Array(new Uint32Array([bf16Bits(-1e10) << 16]).buffer)[0]);
    assert.ok(Math.abs(c.data[5] / -1e10 - 1) < 2 ** -8, 'bfloat16 keeps 8 significant bits');
    assert.equal(c.data[8], Infinity);
    assert.deepEqual(Array.from(tensors.get('scalar')!.data), [42.5]);
    assert.equal(tensors.get('empty')!.data.length, 0);
  });

  it('honours data_offsets rather than header order (tensors stored out of order, header unpadded)', () => {
    const x = f32Bytes([1, 2, 3]), y = f32Bytes([7, 8]);
    const header = JSON.stringify({ x: { dtype: 'F32', shape: [3], data_offsets: [8, 20] }, y: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(header.length));
    const path = write('order.safetensors', Buffer.concat([len, Buffer.from(header), y, x]));
    const { tensors } = readSafetensors(path);
    assert.deepEqual(Array.from(tensors.get('x')!.data), [1, 2, 3]);
    assert.deepEqual(Array.from(tensors.get('y')!.data), [7, 8]);
  });

  it('every F16 and BF16 bit pattern reads back exactly, at an odd (unaligned) data offset', () => {
    const all = Array.from({ length: 65536 }, (_, i) => i);
    const pad = Buffer.from([0xaa]); // 1 byte first, so both tensors start at odd offsets
    const half = u16Bytes(all), brain = u16Bytes(all);
    const header = JSON.stringify({
      pad: { dtype: 'F16', shape: [0], data_offsets: [0, 0] },
      h: { dtype: 'F16', shape: [256, 256], data_offsets: [1, 1 + half.length] },
      b: { dtype: 'BF16', shape: [65536], data_offsets: [1 + half.length, 1 + half.length + brain.length] },
    });
    const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(header.length));
    const path = write('allbits.safetensors', Buffer.concat([len, Buffer.from(header), pad, half, brain]));
    const { tensors } = readSafetensors(path);
    const h = tensors.get('h')!.data, b = tensors.get('b')!.data;
    const f32 = Buffer.alloc(4);
    for (let i = 0; i < 65536; i++) {
      const want = halfViaBits(i);
      assert.ok(Object.is(h[i], want) || (Number.isNaN(h[i]) && Number.isNaN(want)), `F16 0x${i.toString(16)}: ${h[i]} vs ${want}`);
      f32.writeUInt32LE((i << 16) >>> 0);
      const wantB = f32.readFloatLE(0);
      assert.ok(Object.is(b[i], wantB) || (Number.isNaN(b[i]) && Number.isNaN(wantB)), `BF16 0x${i.toString(16)}: ${b[i]} vs ${wantB}`);
    }
  });

  it('reads the shipped target weights: every tensor the decoder needs, finite F16 values', async () => {
    const { TARGET_DIR, TARGET_CONFIG } = await import('../../src/model/config.ts');
    const { tensors } = readSafetensors(join(TARGET_DIR, 'model.safetensors'));
    const c = TARGET_CONFIG;
    assert.deepEqual(tensors.get('model.embed_tokens.weight')?.shape, [c.vocab, c.hidden]);
    for (let i = 0; i < c.layers; i++) {
      assert.deepEqual(tensors.get(`model.layers.${i}.mlp.gate_proj.weight`)?.shape, [c.ffn, c.hidden]);
      assert.deepEqual(tensors.get(`model.layers.${i}.self_attn.q_proj.weight`)?.shape, [c.hidden, c.hidden]);
    }
    for (const [name, t] of tensors) assert.ok(t.data.every(Number.isFinite), `${name} has non-finite values`);
  });

  describe('corrupt and truncated files fail with a message naming the file and the problem', () => {
    const good = () => safetensorsBytes({ w: { dtype: 'F32', shape: [4, 4], bytes: f32Bytes(Array.from({ length: 16 }, (_, i) => i)) } });

    it('shorter than the length prefix', () => {
      const p = write('tiny.safetensors', Buffer.from([1, 2, 3]));
      assert.throws(() => readSafetensors(p), (e: Error) => e.message.includes(p) && /too short/.test(e.message));
    });
    it('empty file', () => {
      const p = write('empty.safetensors', Buffer.alloc(0));
      assert.throws(() => readSafetensors(p), /too short/);
    });
    it('header length beyond the end of the file', () => {
      const b = good();
      b.writeBigUInt64LE(BigInt(b.length), 0);
      const p = write('longheader.safetensors', b);
      assert.throws(() => readSafetensors(p), (e: Error) => e.message.includes(p) && /header length \d+ runs past the end/.test(e.message));
      const huge = good(); huge.writeBigUInt64LE(2n ** 63n, 0);
      assert.throws(() => readSafetensors(write('huge.safetensors', huge)), /runs past the end/);
    });
    it('header cut off (truncated inside the JSON)', () => {
      const b = good();
      const p = write('cut.safetensors', b.subarray(0, 8 + 10));
      assert.throws(() => readSafetensors(p), /runs past the end/);
    });
    it('header that is not JSON', () => {
      const b = good();
      b.write('{"w": {"dtype": "F32", ', 8, 'latin1');
      b[8 + 22] = 0x7b; // garble
      const p = write('garbled.safetensors', Buffer.concat([b.subarray(0, 8), Buffer.from('#'), b.subarray(9)]));
      assert.throws(() => readSafetensors(p), (e: Error) => e.message.includes(p) && /header is not valid JSON/.test(e.message));
    });
    it('header that is JSON but not an object', () => {
      const json = '[1,2,3] ';
      const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(json.length));
      assert.throws(() => readSafetensors(write('array.safetensors', Buffer.concat([len, Buffer.from(json)]))), /not a JSON object/);
    });
    it('tensor data truncated', () => {
      const b = good();
      const p = write('truncdata.safetensors', b.subarray(0, b.length - 5));
      assert.throws(() => readSafetensors(p), (e: Error) => e.message.includes(p) && /tensor w ends at byte \d+, past the end/.test(e.message));
    });
    it('byte count that does not match the shape', () => {
      const p = write('mismatch.safetensors', safetensorsBytes({ w: { dtype: 'F32', shape: [4, 5], bytes: f32Bytes(new Array(16).fill(1)) } }));
      assert.throws(() => readSafetensors(p), /tensor w has 64 bytes for shape \[4,5\] of F32 \(expected 80\)/);
    });
    it('unsupported dtype, bad shape, bad offsets', () => {
      const p = write('i64.safetensors', safetensorsBytes({ ids: { dtype: 'I64', shape: [2], bytes: Buffer.alloc(16) } }));
      assert.throws(() => readSafetensors(p), /tensor ids has dtype I64; only F16, BF16 and F32 are supported/);
      const hdr = (h: unknown, data = Buffer.alloc(16)) => {
        const json = JSON.stringify(h);
        const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(json.length));
        return Buffer.concat([len, Buffer.from(json), data]);
      };
      assert.throws(() => readSafetensors(write('shape.safetensors', hdr({ w: { dtype: 'F32', shape: [-4], data_offsets: [0, 16] } }))), /tensor w has shape \[-4\]/);
      assert.throws(() => readSafetensors(write('offs.safetensors', hdr({ w: { dtype: 'F32', shape: [4], data_offsets: [16, 0] } }))), /tensor w has data_offsets \[16,0\]/);
      assert.throws(() => readSafetensors(write('nooffs.safetensors', hdr({ w: { dtype: 'F32', shape: [4] } }))), /tensor w has data_offsets undefined/);
      assert.throws(() => readSafetensors(write('nodtype.safetensors', hdr({ w: { shape: [4], data_offsets: [0, 16] } }))), /tensor w has no dtype/);
    });
  });
});
