// Times a [k, 384] x [384, 1024] float32 MatMul through onnxruntime-node (CPU), threads=2.
// Usage: node --import tsx bench/onnx-matmul.ts [runs=200]
// Each timed run includes creating the input Tensor and the session.run() round trip.
import { GraphBuilder } from '../src/kernels/onnx/graph.ts';
import { createSession, tensorF32 } from '../src/kernels/onnx/session.ts';

const K_IN = 384;
const N_OUT = 1024;
const RUNS = Number(process.argv[2] ?? 200);
const WARMUP = 20;

function randn(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

const g = new GraphBuilder({ name: 'matmul_bench' });
const x = g.input('x', 'float32', ['k', K_IN]);
const w = g.initializer('w', randn(K_IN * N_OUT, 1), [K_IN, N_OUT]);
g.node('MatMul', [x, w], ['y']);
g.output('y', 'float32', ['k', N_OUT]);
const session = await createSession(g.toModelBytes(), { threads: 2 });

console.log(`MatMul [k, ${K_IN}] x [${K_IN}, ${N_OUT}] float32, onnxruntime-node, threads=2, ${RUNS} runs (median / p10 / p90 ms)`);
for (const k of [1, 2, 4, 8, 16]) {
  const data = randn(k * K_IN, 100 + k);
  for (let i = 0; i < WARMUP; i++) await session.run({ x: tensorF32(data, [k, K_IN]) });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await session.run({ x: tensorF32(data, [k, K_IN]) });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const gflops = (2 * k * K_IN * N_OUT) / (quantile(times, 0.5) * 1e6);
  console.log(
    `k=${String(k).padStart(2)}  median ${quantile(times, 0.5).toFixed(4)}  p10 ${quantile(times, 0.1).toFixed(4)}  p90 ${quantile(times, 0.9).toFixed(4)}  (${gflops.toFixed(2)} GFLOP/s)`,
  );
}
await session.release();
