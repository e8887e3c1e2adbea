// The target model on onnxruntime, with a KV cache kept in JavaScript memory laid out
// position-major ([position, head, dim]) so any prefix is one contiguous slice: rollback of
// rejected drafts is just a shorter length, no copy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession, tensorF32, tensorI64, type OnnxSession } from '../kernels/onnx/session.ts';
import { buildDecoderGraph, type DecoderGraphOptions } from './decoder-graph.ts';
import { cachedSession, type GraphCache } from '../kernels/onnx/graph-cache.ts';
import type { WeightSource } from './graph-layers.ts';
import { readSafetensors } from './safetensors.ts';
import { RowBuffer } from './row-buffer.ts';
import type { DecoderConfig } from './config.ts';
import type { KvSession, TargetModel } from '../decoding/model.ts';

export interface LoadOptions extends DecoderGraphOptions {
  threads?: number;
  /** keep the optimized graph on disk between launches, keyed by `weightsId` (the weights' sha256) */
  graphCache?: { cache: GraphCache | undefined; weightsId: string };
}

/** Weights, or a loader called only when a graph has to be built (not when the graph cache has it). */
export type Weights = WeightSource | (() => WeightSource);
export const loadWeights = (w: Weights): WeightSource => (typeof w === 'function' ? w() : w);

export class OnnxDecoder implements TargetModel {
  readonly vocab: number;
  readonly maxContext: number;
  readonly layers: number;
  readonly hidden: number;
  private constructor(readonly config: DecoderConfig, private readonly onnx: OnnxSession, layers: number, readonly featureLayers: readonly number[]) {
    this.vocab = config.vocab;
    this.hidden = config.hidden;
    this.maxContext = config.maxContext;
    this.layers = layers;
  }

  /** Loads models/<dir>/manifest.json and model.safetensors and builds the graph. */
  static async load(dir: string, opts: LoadOptions = {}): Promise<OnnxDecoder> {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { config: DecoderConfig };
    const { tensors } = readSafetensors(join(dir, 'model.safetensors'));
    return OnnxDecoder.fromWeights(manifest.config, tensors, opts);
  }

  static async fromWeights(config: DecoderConfig, tensors: Weights, opts: LoadOptions = {}): Promise<OnnxDecoder> {
    const build = () => buildDecoderGraph(config, loadWeights(tensors), opts);
    const key = { graph: 'target', config, layers: opts.layers ?? config.layers, hiddenAfterLayers: opts.hiddenAfterLayers ?? [], weights: opts.graphCache?.weightsId };
    const onnx = opts.graphCache
      ? await cachedSession(opts.graphCache.cache, key, build, { threads: opts.threads })
      : await createSession(build(), { threads: opts.threads });
    return new OnnxDecoder(config, onnx, opts.layers ?? config.layers, opts.hiddenAfterLayers ?? []);
  }

  newSession(): KvSession {
    return new DecoderKvSession(this, this.onnx);
  }

  /** low-level forward used by sessions and benchmarks */
  async run(feeds: Record<string, ReturnType<typeof tensorF32>>): Promise<Record<string, { data: unknown }>> {
    return this.onnx.run(feeds) as Promise<Record<string, { data: unknown }>>;
  }

  release(): Promise<void> {
    return this.onnx.release();
  }
}

class DecoderKvSession implements KvSession {
  private len = 0;
  private lastStart = 0;
  private lastFeatures = new Map<number, Float32Array>();
  private readonly keys: RowBuffer[];
  private readonly values: RowBuffer[];
  private readonly stride: number;

  constructor(private readonly model: OnnxDecoder, private readonly onnx: OnnxSession) {
    const c = model.config;
    this.stride = c.hidden; // heads * headDim per position
    this.keys = Array.from({ length: model.layers }, () => new RowBuffer(this.stride, c.maxContext));
    this.values = Array.from({ length: model.layers }, () => new RowBuffer(this.stride, c.maxContext));
  }

  get length(): number { return this.len; }

  async forward(tokens: number[], positions: number[], mask: Float32Array): Promise<Float32Array> {
    const k = tokens.length, P = this.len, c = this.model.config;
    if (P + k > c.maxContext) throw new Error(`context overflow: ${P + k} tokens > maxContext ${c.maxContext}`);
    if (mask.length !== k * (P + k)) throw new Error(`attention mask has ${mask.length} entries, expected ${k} x ${P + k}`);
    const Dh = c.hidden / c.heads;
    const feeds: Record<string, ReturnType<typeof tensorF32>> = {
      input_ids: tensorI64(BigInt64Array.from(tokens, BigInt), [k]),
      positions: tensorI64(BigInt64Array.from(positions, BigInt), [k]),
      attn_mask: tensorF32(mask, [k, P + k]),
    };
    for (let i = 0; i < this.model.layers; i++) {
      this.keys[i].ensure(P + k); this.values[i].ensure(P + k);
      feeds[`past_key_${i}`] = tensorF32(this.keys[i].data.subarray(0, P * this.stride), [P, c.heads, Dh]);
      feeds[`past_value_${i}`] = tensorF32(this.values[i].data.subarray(0, P * this.stride), [P, c.heads, Dh]);
    }
    const out = await this.onnx.run(feeds);
    for (let i = 0; i < this.model.layers; i++) {
      this.keys[i].data.set(out[`new_key_${i}`].data as Float32Array, P * this.stride);
      this.values[i].data.set(out[`new_value_${i}`].data as Float32Array, P * this.stride);
    }
    for (const l of this.model.featureLayers) this.lastFeatures.set(l, out[`hidden_${l}`].data as Float32Array);
    this.lastStart = P;
    this.len = P + k;
    return out.logits.data as Float32Array;
  }

  features(layers: readonly number[]): Float32Array[] {
    return layers.map((l) => {
      const f = this.lastFeatures.get(l);
      if (!f) throw new Error(`target features: layer ${l} is not exposed (load the target with hiddenAfterLayers including ${l})`);
      return f;
    });
  }

  truncate(length: number): void {
    if (length > this.len || length < 0) throw new Error(`truncate(${length}) outside 0..${this.len}`);
    this.len = length;
  }

  keepFed(indices: number[]): void {
    const s = this.stride, base = this.lastStart;
    indices.forEach((fed, j) => {
      if (fed === j) return;
      for (let i = 0; i < this.model.layers; i++) {
        this.keys[i].data.copyWithin((base + j) * s, (base + fed) * s, (base + fed + 1) * s);
        this.values[i].data.copyWithin((base + j) * s, (base + fed) * s, (base + fed + 1) * s);
      }
    });
    this.len = base + indices.length;
  }

  release(): void {
    this.len = 0;
  }
}
