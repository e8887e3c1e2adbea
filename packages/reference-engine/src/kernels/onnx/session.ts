// Thin wrapper over onnxruntime-node's InferenceSession for models built with GraphBuilder.

import * as ort from 'onnxruntime-node';

export const Tensor = ort.Tensor;
export type Tensor = ort.Tensor;
export type InferenceSession = ort.InferenceSession;

export interface CreateSessionOptions {
  /** intraOpNumThreads. When omitted, onnxruntime picks (one per physical core). */
  threads?: number;
  /** 'all' by default. */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** ORT log severity: 0 verbose … 4 fatal. Default 3 (errors only). */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** where onnxruntime writes the graph as optimized for this machine (see graph-cache.ts) */
  optimizedModelFilePath?: string;
}

export interface OnnxSession {
  readonly session: ort.InferenceSession;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model. `fetches` restricts (and orders) the outputs returned. */
  run<K extends string = string>(feeds: Record<string, ort.Tensor>, fetches?: readonly K[]): Promise<Record<K, ort.Tensor>>;
  release(): Promise<void>;
}

/** A session over model bytes, or over a model file (an optimized graph from the graph cache). */
export async function createSession(model: Uint8Array | string, opts: CreateSessionOptions = {}): Promise<OnnxSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    interOpNumThreads: 1,
    graphOptimizationLevel: opts.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    logSeverityLevel: opts.logSeverityLevel ?? 3,
  };
  if (opts.optimizedModelFilePath) sessionOptions.optimizedModelFilePath = opts.optimizedModelFilePath;
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new RangeError(`threads must be a positive integer, got ${opts.threads}`);
    sessionOptions.intraOpNumThreads = opts.threads;
  }
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
  return {
    session,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    run: <K extends string = string>(feeds: Record<string, ort.Tensor>, fetches?: readonly K[]) => run<K>(session, feeds, fetches),
    release: () => session.release(),
  };
}

/** Typed run: checks that every requested output came back. */
export async function run<K extends string = string>(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
  fetches?: readonly K[],
): Promise<Record<K, ort.Tensor>> {
  const out = fetches ? await session.run(feeds, [...fetches]) : await session.run(feeds);
  if (fetches) for (const k of fetches) if (!(k in out)) throw new Error(`onnx run: output '${k}' missing`);
  return out as Record<K, ort.Tensor>;
}

// ---- tensor constructors ----

export function tensorF32(data: Float32Array | readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

export function tensorI64(data: BigInt64Array | readonly (number | bigint)[], dims: readonly number[]): ort.Tensor {
  const arr = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v));
  return new ort.Tensor('int64', arr, dims);
}

export function tensorI32(data: Int32Array | readonly number[], dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('int32', data instanceof Int32Array ? data : Int32Array.from(data), dims);
}

export function tensorBool(data: Uint8Array | readonly boolean[], dims: readonly number[]): ort.Tensor {
  const arr = data instanceof Uint8Array ? data : Uint8Array.from(data, (b) => (b ? 1 : 0));
  return new ort.Tensor('bool', arr, dims);
}

/** float16 tensor from IEEE binary16 bit patterns. */
export function tensorF16(bits: Uint16Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float16', bits, dims);
}
