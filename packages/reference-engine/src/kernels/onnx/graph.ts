// Dependency-free ONNX ModelProto writer.
//
// Field numbers and enum values below were checked against onnx/onnx.proto
// (onnx/onnx repository, the generated proto2 schema). Only the subset needed to
// describe a single inference graph with dense tensors is emitted.

import { ProtoWriter } from './protobuf.ts';

// ---- onnx.proto constants ----------------------------------------------------------

/** TensorProto.DataType */
export const OnnxDataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType */
export const OnnxAttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
} as const;

// Field numbers, grouped per message.
const F = {
  Model: { ir_version: 1, producer_name: 2, producer_version: 3, domain: 4, model_version: 5, doc_string: 6, graph: 7, opset_import: 8 },
  OperatorSetId: { domain: 1, version: 2 },
  Graph: { node: 1, name: 2, initializer: 5, doc_string: 10, input: 11, output: 12, value_info: 13 },
  Node: { input: 1, output: 2, name: 3, op_type: 4, attribute: 5, doc_string: 6, domain: 7 },
  Attribute: { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, strings: 9, type: 20 },
  Tensor: { dims: 1, data_type: 2, name: 8, raw_data: 9 },
  ValueInfo: { name: 1, type: 2 },
  Type: { tensor_type: 1 },
  TypeTensor: { elem_type: 1, shape: 2 },
  TensorShape: { dim: 1 },
  Dimension: { dim_value: 1, dim_param: 2 },
} as const;

// ---- public types -------------------------------------------------------------------

export type ElemType = 'float32' | 'int64' | 'int32' | 'bool' | 'float16' | 'int8' | 'uint8';
/** A dimension: fixed size, symbolic name (dim_param), or null for "unknown". */
export type Dim = number | string | null;
/** float16 data is given as its IEEE-754 binary16 bit patterns; bool as 0/1 bytes. */
export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint16Array | Uint8Array | Int8Array;

export interface TensorValue {
  data: TensorData;
  dims: readonly number[];
  /** Defaults from the array type: Float32Array→float32, BigInt64Array→int64,
   *  Int32Array→int32, Uint16Array→float16, Uint8Array→bool. */
  elemType?: ElemType;
  name?: string;
}

export type AttrValue =
  | number // integer → INT (unless the name is a known float attribute), otherwise FLOAT
  | bigint // INT
  | string // STRING
  | readonly number[] // all integers → INTS (unless the name is a known float-list attribute), otherwise FLOATS
  | readonly string[] // STRINGS
  | Float32Array // FLOATS
  | BigInt64Array // INTS
  | { int: number | bigint }
  | { float: number }
  | { ints: ArrayLike<number | bigint> }
  | { floats: ArrayLike<number> }
  | { strings: readonly string[] }
  | { tensor: TensorValue };

export type Attrs = Record<string, AttrValue | undefined>;

export const attrInt = (v: number | bigint): { int: number | bigint } => ({ int: v });
export const attrFloat = (v: number): { float: number } => ({ float: v });
export const attrInts = (v: ArrayLike<number | bigint>): { ints: ArrayLike<number | bigint> } => ({ ints: v });
export const attrFloats = (v: ArrayLike<number>): { floats: ArrayLike<number> } => ({ floats: v });
export const attrStrings = (v: readonly string[]): { strings: readonly string[] } => ({ strings: v });
export const attrTensor = (v: TensorValue): { tensor: TensorValue } => ({ tensor: v });

/**
 * Attribute names that are FLOAT in every standard (and com.microsoft) op that has
 * them, so that e.g. `{ alpha: 1 }` or `{ epsilon: 0 }` is not silently written as INT.
 * Anything else that is an integral JS number becomes INT: use attrFloat() when a
 * float attribute happens to hold an integral value.
 */
const FLOAT_ATTR_NAMES = new Set(['alpha', 'beta', 'gamma', 'epsilon', 'lambd', 'bias', 'value_float', 'ratio']);
const FLOAT_LIST_ATTR_NAMES = new Set(['value_floats', 'scales']);

export interface ModelOptions {
  /** Default ai.onnx opset version (default: the builder's opset, itself 17 by default). */
  opset?: number;
  irVersion?: number;
  producer?: string;
  producerVersion?: string;
  /** Extra operator sets, e.g. { 'com.microsoft': 1 }. Custom domains used by nodes default to version 1. */
  opsetImports?: Record<string, number>;
  docString?: string;
}

// ---- float16 helpers ---------------------------------------------------------------

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE binary32 → binary16 bits, round-to-nearest-even (overflow → ±inf, NaN stays NaN). */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): value = M * 2^-24 with M the 24-bit significand shifted.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e; // 14..24
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) !== 0)) h++;
    return sign | h; // h may carry into the smallest normal, which is the right encoding
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++; // carry may produce inf: correct
  return sign | h;
}

/** IEEE binary16 bits → number. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function fromFloat16Array(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}

// ---- internals ------------------------------------------------------------------

const ELEM_CODE: Record<ElemType, number> = {
  float32: OnnxDataType.FLOAT,
  int64: OnnxDataType.INT64,
  int32: OnnxDataType.INT32,
  bool: OnnxDataType.BOOL,
  float16: OnnxDataType.FLOAT16,
  int8: OnnxDataType.INT8,
  uint8: OnnxDataType.UINT8,
};
const ELEM_BYTES: Record<ElemType, number> = { float32: 4, int64: 8, int32: 4, bool: 1, float16: 2, int8: 1, uint8: 1 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function defaultElemType(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint16Array) return 'float16';
  if (data instanceof Uint8Array) return 'bool';
  if (data instanceof Int8Array) return 'int8';
  throw new TypeError('unsupported tensor data array');
}

const ARRAY_FOR: Record<ElemType, string> = {
  float32: 'Float32Array',
  int64: 'BigInt64Array',
  int32: 'Int32Array',
  float16: 'Uint16Array',
  bool: 'Uint8Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
};

/** Copies the data into a fresh little-endian byte buffer (raw_data layout). */
function rawBytesOf(data: TensorData, elemType: ElemType): Uint8Array {
  // bytes serve both bool (0/1) and uint8 tensors; the element type is given explicitly for uint8
  const given = elemType === 'uint8' && data instanceof Uint8Array ? 'uint8' : defaultElemType(data);
  if (given !== elemType) throw new TypeError(`${elemType} tensor data must be a ${ARRAY_FOR[elemType]}`);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  const w = ELEM_BYTES[elemType];
  if (!LITTLE_ENDIAN && w > 1) {
    for (let i = 0; i < bytes.length; i += w) bytes.subarray(i, i + w).reverse();
  }
  return bytes;
}

interface StoredTensor {
  name: string;
  elemType: ElemType;
  dims: number[];
  raw: Uint8Array;
}

interface StoredValueInfo {
  name: string;
  elemType: ElemType;
  dims: Dim[];
}

type StoredAttr =
  | { name: string; type: 'f'; value: number }
  | { name: string; type: 'i'; value: number | bigint }
  | { name: string; type: 's'; value: string }
  | { name: string; type: 't'; value: StoredTensor }
  | { name: string; type: 'floats'; value: number[] }
  | { name: string; type: 'ints'; value: (number | bigint)[] }
  | { name: string; type: 'strings'; value: string[] };

interface StoredNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: StoredAttr[];
}

function checkDims(dims: readonly number[], count: number, what: string): number[] {
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${what}: bad dimension ${d}`);
    n *= d;
  }
  if (n !== count) throw new RangeError(`${what}: dims [${dims.join(', ')}] hold ${n} elements but data has ${count}`);
  return [...dims];
}

function makeTensor(t: TensorValue, name: string): StoredTensor {
  const elemType = t.elemType ?? defaultElemType(t.data);
  const dims = checkDims(t.dims, t.data.length, `tensor '${name}'`);
  return { name, elemType, dims, raw: rawBytesOf(t.data, elemType) };
}

function isIntegral(v: number | bigint): boolean {
  return typeof v === 'bigint' || Number.isInteger(v);
}

function toAttr(name: string, v: AttrValue): StoredAttr {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && !FLOAT_ATTR_NAMES.has(name)) return { name, type: 'i', value: v };
    return { name, type: 'f', value: v };
  }
  if (typeof v === 'bigint') return { name, type: 'i', value: v };
  if (typeof v === 'string') return { name, type: 's', value: v };
  if (v instanceof Float32Array) return { name, type: 'floats', value: Array.from(v) };
  if (v instanceof BigInt64Array) return { name, type: 'ints', value: Array.from(v) };
  if (Array.isArray(v)) {
    const arr = v as readonly (number | string)[];
    if (arr.length > 0 && arr.every((x) => typeof x === 'string')) return { name, type: 'strings', value: [...(arr as string[])] };
    if (!arr.every((x) => typeof x === 'number')) throw new TypeError(`attribute '${name}': mixed array`);
    const nums = arr as number[];
    if (nums.every(isIntegral) && !FLOAT_LIST_ATTR_NAMES.has(name)) return { name, type: 'ints', value: [...nums] };
    return { name, type: 'floats', value: [...nums] };
  }
  const o = v as Record<string, unknown>;
  if ('int' in o) {
    const i = o.int as number | bigint;
    if (!isIntegral(i)) throw new TypeError(`attribute '${name}': attrInt needs an integer, got ${i}`);
    return { name, type: 'i', value: i };
  }
  if ('float' in o) return { name, type: 'f', value: o.float as number };
  if ('ints' in o) {
    const vals = Array.from(o.ints as ArrayLike<number | bigint>);
    for (const i of vals) if (!isIntegral(i)) throw new TypeError(`attribute '${name}': attrInts needs integers, got ${i}`);
    return { name, type: 'ints', value: vals };
  }
  if ('floats' in o) return { name, type: 'floats', value: Array.from(o.floats as ArrayLike<number>) };
  if ('strings' in o) return { name, type: 'strings', value: [...(o.strings as string[])] };
  if ('tensor' in o) return { name, type: 't', value: makeTensor(o.tensor as TensorValue, (o.tensor as TensorValue).name ?? '') };
  throw new TypeError(`attribute '${name}': unsupported value`);
}

// ---- serialization ----------------------------------------------------------------

function writeTensor(t: StoredTensor): ProtoWriter {
  const w = new ProtoWriter();
  // `repeated int64 dims = 1` is not declared packed in onnx.proto (proto2): one field per dim.
  w.repeatedInt64(F.Tensor.dims, t.dims);
  w.int32(F.Tensor.data_type, ELEM_CODE[t.elemType]);
  if (t.name) w.string(F.Tensor.name, t.name);
  w.bytes(F.Tensor.raw_data, t.raw);
  return w;
}

function writeValueInfo(v: StoredValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int64(F.Dimension.dim_value, d);
    else if (typeof d === 'string') dim.string(F.Dimension.dim_param, d);
    shape.message(F.TensorShape.dim, dim);
  }
  const tensorType = new ProtoWriter().int32(F.TypeTensor.elem_type, ELEM_CODE[v.elemType]).message(F.TypeTensor.shape, shape);
  const type = new ProtoWriter().message(F.Type.tensor_type, tensorType);
  return new ProtoWriter().string(F.ValueInfo.name, v.name).message(F.ValueInfo.type, type);
}

function writeAttr(a: StoredAttr): ProtoWriter {
  const w = new ProtoWriter().string(F.Attribute.name, a.name);
  const T = OnnxAttributeType;
  switch (a.type) {
    case 'f':
      w.float(F.Attribute.f, a.value).enumValue(F.Attribute.type, T.FLOAT);
      break;
    case 'i':
      w.int64(F.Attribute.i, a.value).enumValue(F.Attribute.type, T.INT);
      break;
    case 's':
      w.string(F.Attribute.s, a.value).enumValue(F.Attribute.type, T.STRING);
      break;
    case 't':
      w.message(F.Attribute.t, writeTensor(a.value)).enumValue(F.Attribute.type, T.TENSOR);
      break;
    case 'floats': // proto2 `repeated float floats = 7` (not packed)
      w.repeatedFloat(F.Attribute.floats, a.value).enumValue(F.Attribute.type, T.FLOATS);
      break;
    case 'ints': // proto2 `repeated int64 ints = 8` (not packed)
      w.repeatedInt64(F.Attribute.ints, a.value).enumValue(F.Attribute.type, T.INTS);
      break;
    case 'strings':
      w.repeatedString(F.Attribute.strings, a.value).enumValue(F.Attribute.type, T.STRINGS);
      break;
  }
  return w;
}

function writeNode(n: StoredNode): ProtoWriter {
  const w = new ProtoWriter();
  w.repeatedString(F.Node.input, n.inputs);
  w.repeatedString(F.Node.output, n.outputs);
  w.string(F.Node.name, n.name);
  w.string(F.Node.op_type, n.opType);
  for (const a of n.attrs) w.message(F.Node.attribute, writeAttr(a));
  if (n.domain) w.string(F.Node.domain, n.domain);
  return w;
}

// ---- builder -----------------------------------------------------------------------

export interface GraphBuilderOptions {
  name?: string;
  /** ai.onnx opset the graph targets; opset-dependent helpers (reduce, squeeze, ...) use it. Default 17. */
  opset?: number;
}

export class GraphBuilder {
  readonly name: string;
  readonly opset: number;
  private inputs: StoredValueInfo[] = [];
  private outputs: StoredValueInfo[] = [];
  private valueInfos: StoredValueInfo[] = [];
  private initializers: StoredTensor[] = [];
  private nodes: StoredNode[] = [];
  /** Every value name in use (inputs, initializers, node outputs). */
  private values = new Set<string>();
  private nodeNames = new Set<string>();
  private counters = new Map<string, number>();
  private opsetSensitive = false;

  constructor(opts: GraphBuilderOptions = {}) {
    this.name = opts.name ?? 'main';
    this.opset = opts.opset ?? 17;
  }

  /** A value name based on `base` that is not used yet (the name is not reserved). */
  uniqueName(base: string): string {
    if (!this.values.has(base)) return base;
    let k = this.counters.get(base) ?? 1;
    while (this.values.has(`${base}_${k}`)) k++;
    this.counters.set(base, k + 1);
    return `${base}_${k}`;
  }

  private claim(name: string, what: string): string {
    if (!name) throw new Error(`${what}: empty name`);
    if (this.values.has(name)) throw new Error(`${what}: value name '${name}' is already defined`);
    this.values.add(name);
    return name;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  input(name: string, elemType: ElemType, dims: readonly Dim[]): string {
    this.claim(name, 'input');
    this.inputs.push({ name, elemType, dims: [...dims] });
    return name;
  }

  /** Declares a graph output; `name` must be produced by a node (or be an input/initializer). */
  output(name: string, elemType: ElemType, dims: readonly Dim[]): string {
    if (this.outputs.some((o) => o.name === name)) throw new Error(`output '${name}' declared twice`);
    this.outputs.push({ name, elemType, dims: [...dims] });
    return name;
  }

  /** Optional shape/type annotation for an intermediate value (GraphProto.value_info). */
  valueInfo(name: string, elemType: ElemType, dims: readonly Dim[]): void {
    this.valueInfos.push({ name, elemType, dims: [...dims] });
  }

  /** A constant tensor stored as raw_data (little-endian). The data is copied now. */
  initializer(name: string, data: TensorData, dims: readonly number[], elemType?: ElemType): string {
    this.claim(name, 'initializer');
    this.initializers.push(makeTensor({ data, dims, elemType }, name));
    return name;
  }

  /** 1-D int64 constant (or shaped by `dims`, e.g. [] for a scalar). Returns its name. */
  constInt64(values: ArrayLike<number | bigint>, name?: string, dims?: readonly number[]): string {
    const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    return this.initializer(name ?? this.uniqueName('const_i64'), data, dims ?? [data.length]);
  }

  /** 1-D float32 constant (or shaped by `dims`, e.g. [] for a scalar). Returns its name. */
  constFloat32(values: ArrayLike<number>, name?: string, dims?: readonly number[]): string {
    const data = Float32Array.from(values);
    return this.initializer(name ?? this.uniqueName('const_f32'), data, dims ?? [data.length]);
  }

  /**
   * Adds a node. `outputs` is either explicit names or a count of auto-named outputs.
   * Inputs may be '' for omitted optional inputs. Returns the output names.
   */
  node(opType: string, inputs: readonly string[], outputs: readonly string[] | number = 1, attrs: Attrs = {}, domain = ''): string[] {
    const idx = this.counters.get(`#node:${opType}`) ?? 0;
    this.counters.set(`#node:${opType}`, idx + 1);
    let nodeName = `${opType}_${idx}`;
    while (this.nodeNames.has(nodeName)) nodeName += '_';
    this.nodeNames.add(nodeName);

    let outs: string[];
    if (typeof outputs === 'number') {
      if (!Number.isInteger(outputs) || outputs < 1) throw new RangeError(`node ${opType}: bad output count ${outputs}`);
      outs = [];
      for (let i = 0; i < outputs; i++) outs.push(this.claim(this.uniqueName(outputs === 1 ? nodeName : `${nodeName}_${i}`), `node ${nodeName}`));
    } else {
      outs = outputs.map((o) => (o === '' ? '' : this.claim(o, `node ${nodeName}`)));
    }
    const stored: StoredAttr[] = [];
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) stored.push(toAttr(k, v));
    this.nodes.push({ opType, domain: domain === 'ai.onnx' ? '' : domain, name: nodeName, inputs: [...inputs], outputs: outs, attrs: stored });
    return outs;
  }

  /** Single-output shorthand for node(). */
  op(opType: string, inputs: readonly string[], attrs: Attrs = {}, domain = ''): string {
    return this.node(opType, inputs, 1, attrs, domain)[0];
  }

  // ---- opset-dependent helpers ----
  // ONNX moved several `axes` attributes to inputs: Squeeze/Unsqueeze/ReduceSum at opset 13,
  // the other Reduce* ops (ReduceMean, ReduceMax, ReduceL2, ...) at opset 18.

  /** Reduce* over `axes`, emitted as attribute or int64 input depending on this.opset. */
  reduce(opType: string, x: string, axes: readonly number[], keepdims = true): string {
    this.opsetSensitive = true;
    const inputFrom = opType === 'ReduceSum' ? 13 : 18;
    if (this.opset >= inputFrom) return this.op(opType, [x, this.constInt64(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.op(opType, [x], { axes: attrInts(axes), keepdims: keepdims ? 1 : 0 });
  }

  reduceMean(x: string, axes: readonly number[], keepdims = true): string {
    return this.reduce('ReduceMean', x, axes, keepdims);
  }

  unsqueeze(x: string, axes: readonly number[]): string {
    this.opsetSensitive = true;
    if (this.opset >= 13) return this.op('Unsqueeze', [x, this.constInt64(axes)]);
    return this.op('Unsqueeze', [x], { axes: attrInts(axes) });
  }

  squeeze(x: string, axes: readonly number[]): string {
    this.opsetSensitive = true;
    if (this.opset >= 13) return this.op('Squeeze', [x, this.constInt64(axes)]);
    return this.op('Squeeze', [x], { axes: attrInts(axes) });
  }

  // ---- output ----

  /** Throws if a node consumes a value that is not defined earlier, or an output is never produced. */
  validate(): void {
    const defined = new Set<string>();
    for (const i of this.inputs) defined.add(i.name);
    for (const t of this.initializers) defined.add(t.name);
    for (const n of this.nodes) {
      for (const i of n.inputs) {
        if (i !== '' && !defined.has(i)) throw new Error(`node ${n.name} (${n.opType}): input '${i}' is not defined before it`);
      }
      for (const o of n.outputs) if (o !== '') defined.add(o);
    }
    if (this.outputs.length === 0) throw new Error('graph has no outputs');
    for (const o of this.outputs) if (!defined.has(o.name)) throw new Error(`graph output '${o.name}' is never produced`);
  }

  toModelBytes(opts: ModelOptions = {}): Uint8Array {
    const opset = opts.opset ?? this.opset;
    if (opset !== this.opset && this.opsetSensitive) {
      throw new Error(`graph was built with opset-dependent helpers for opset ${this.opset}; cannot emit opset ${opset}`);
    }
    this.validate();

    const g = new ProtoWriter();
    for (const n of this.nodes) g.message(F.Graph.node, writeNode(n));
    g.string(F.Graph.name, this.name);
    for (const t of this.initializers) g.message(F.Graph.initializer, writeTensor(t));
    for (const i of this.inputs) g.message(F.Graph.input, writeValueInfo(i));
    for (const o of this.outputs) g.message(F.Graph.output, writeValueInfo(o));
    for (const v of this.valueInfos) g.message(F.Graph.value_info, writeValueInfo(v));

    const imports = new Map<string, number>([['', opset]]);
    for (const n of this.nodes) if (n.domain && !imports.has(n.domain)) imports.set(n.domain, 1);
    for (const [d, v] of Object.entries(opts.opsetImports ?? {})) imports.set(d === 'ai.onnx' ? '' : d, v);

    const m = new ProtoWriter();
    m.int64(F.Model.ir_version, opts.irVersion ?? 8);
    m.string(F.Model.producer_name, opts.producer ?? 'prism-bench');
    if (opts.producerVersion) m.string(F.Model.producer_version, opts.producerVersion);
    if (opts.docString) m.string(F.Model.doc_string, opts.docString);
    m.message(F.Model.graph, g);
    for (const [domain, version] of imports) {
      const os = new ProtoWriter();
      if (domain) os.string(F.OperatorSetId.domain, domain);
      os.int64(F.OperatorSetId.version, version);
      m.message(F.Model.opset_import, os);
    }
    return m.finish();
  }

  /** Counts, handy for logging. */
  stats(): { nodes: number; initializers: number; initializerBytes: number } {
    let bytes = 0;
    for (const t of this.initializers) bytes += t.raw.byteLength;
    return { nodes: this.nodes.length, initializers: this.initializers.length, initializerBytes: bytes };
  }
}
