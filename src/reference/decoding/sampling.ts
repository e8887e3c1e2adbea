// Turning target (or draft) logits into a distribution and tokens: temperature, top-k, top-p.
// Temperature below 1e-6 means greedy, as in SGLang.

export interface SamplingParams {
  temperature: number;
  topP: number;
  /** -1 or 0 disables top-k */
  topK: number;
}

export const GREEDY_BELOW = 1e-6;

export const isGreedy = (p: SamplingParams) => p.temperature < GREEDY_BELOW;

export function argmax(row: ArrayLike<number>): number {
  let best = 0, v = row[0];
  for (let i = 1; i < row.length; i++) if (row[i] > v) { v = row[i]; best = i; }
  return best;
}

/** The distribution a sampler draws from: softmax(logits / T), then top-k and top-p truncation, renormalized. */
export function distribution(row: ArrayLike<number>, p: SamplingParams): Float64Array {
  const n = row.length;
  const probs = new Float64Array(n);
  if (isGreedy(p)) { probs[argmax(row)] = 1; return probs; }
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < n; i++) { const e = Math.exp((row[i] - max) / p.temperature); probs[i] = e; sum += e; }
  for (let i = 0; i < n; i++) probs[i] /= sum;
  const topK = p.topK > 0 ? Math.min(p.topK, n) : n;
  if (topK < n || p.topP < 1) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    let keep = topK, mass = 0;
    for (let r = 0; r < topK; r++) {
      mass += probs[order[r]];
      if (mass >= p.topP) { keep = r + 1; break; }
    }
    let kept = 0;
    for (let r = 0; r < n; r++) {
      if (r >= keep) probs[order[r]] = 0; else kept += probs[order[r]];
    }
    for (let i = 0; i < n; i++) probs[i] /= kept;
  }
  return probs;
}

export function sampleFrom(probs: ArrayLike<number>, rand: () => number): number {
  const u = rand();
  let acc = 0, last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    acc += probs[i];
    last = i;
    if (u < acc) return i;
  }
  return last;
}

/** Small, fast, seedable PRNG (mulberry32): each request gets its own stream. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
