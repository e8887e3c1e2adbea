// Reads safetensors files (an 8-byte little-endian header length, a JSON header, raw data):
// the weight format the field uses, so shipped weights open in other tools unchanged.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SafeTensor {
  dtype: 'F16' | 'BF16' | 'F32';
  shape: number[];
  data: Float32Array;
}

/** sha256 of a file, hex: how manifests pin their weight files */
export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function readSafetensors(path: string): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  const buf = readFileSync(path);
  if (buf.length < 8) throw new Error(`${path}: too short to be a safetensors file`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen > buf.length - 8) throw new Error(`${path}: header length ${headerLen} runs past the end of the file`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: the ${headerLen}-byte header is not valid JSON (${(e as Error).message}); the file is corrupt or not safetensors`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${path}: the header is not a JSON object`);
  const base = 8 + headerLen;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') { metadata = info as Record<string, string>; continue; }
    const { dtype, shape, data_offsets } = (info ?? {}) as { dtype: unknown; shape: unknown; data_offsets: unknown };
    if (typeof dtype !== 'string') throw new Error(`${path}: tensor ${name} has no dtype`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`${path}: tensor ${name} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
    if (!Array.isArray(data_offsets) || data_offsets.length !== 2 || !data_offsets.every((d) => Number.isInteger(d) && d >= 0) || data_offsets[1] < data_offsets[0]) {
      throw new Error(`${path}: tensor ${name} has data_offsets ${JSON.stringify(data_offsets)}; expected [begin, end] with 0 <= begin <= end`);
    }
    const width = dtype === 'F32' ? 4 : dtype === 'F16' || dtype === 'BF16' ? 2 : 0;
    if (!width) throw new Error(`${path}: tensor ${name} has dtype ${dtype}; only F16, BF16 and F32 are supported`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = data_offsets as [number, number];
    if (end - begin !== count * width) throw new Error(`${path}: tensor ${name} has ${end - begin} bytes for shape [${shape}] of ${dtype} (expected ${count * width})`);
    if (base + end > buf.length) throw new Error(`${path}: tensor ${name} ends at byte ${base + end}, past the end of the ${buf.length}-byte file (truncated?)`);
    // copy into a fresh, aligned buffer so typed-array views work whatever the file's offsets
    const raw = new Uint8Array(end - begin);
    raw.set(buf.subarray(base + begin, base + end));
    let data: Float32Array;
    if (dtype === 'F32') {
      const dv = new DataView(raw.buffer);
      data = LITTLE_ENDIAN ? new Float32Array(raw.buffer, 0, count) : Float32Array.from({ length: count }, (_, i) => dv.getFloat32(i * 4, true));
    } else {
      const dv = new DataView(raw.buffer);
      const bits = LITTLE_ENDIAN ? new Uint16Array(raw.buffer, 0, count) : Uint16Array.from({ length: count }, (_, i) => dv.getUint16(i * 2, true));
      data = new Float32Array(count);
      if (dtype === 'F16') {
        const table = halfTable();
        for (let i = 0; i < count; i++) data[i] = table[bits[i]];
      } else {
        const u = new Uint32Array(data.buffer);
        for (let i = 0; i < count; i++) u[i] = bits[i] << 16;
      }
    }
    tensors.set(name, { dtype: dtype as SafeTensor['dtype'], shape: shape as number[], data });
  }
  return { tensors, metadata };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// every float16 bit pattern as float32: converting a 24 MB checkpoint by lookup takes tens of
// milliseconds instead of seconds, so the server's event loop stays free to answer /health
let HALF_TABLE: Float32Array | undefined;
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
