// Turning target (or draft) logits into a distribution and tokens: temperature, top-k, top-p.
// Temperature below 1e-6 means greedy, as in SGLang.

export interface SamplingParams {
  temperature: number;
  topP: number;
  /** -1 or 0 disables top-k */
  topK: number;
  /** min-p: after top-k / top-p, drop tokens below minP x the most likely token's probability (0 or absent: off) */
  minP?: number;
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
    // Keep the `keep` most likely tokens (ties to the smaller id), where keep is the smallest
    // count whose mass reaches top_p, at most top_k. Only the head of the distribution is
    // sorted: all tokens with probability >= t, lowering t until that set holds top_k tokens
    // or top_p mass (so it contains every kept token and every tie at the cut). Sorting all
    // 4096 ids with a comparator cost ~3 ms per row and dominated sampled decoding.
    let t = 1 / 16, count: number;
    for (;;) {
      let mass = 0;
      count = 0;
      for (let i = 0; i < n; i++) if (probs[i] >= t) { count++; mass += probs[i]; }
      // the margin keeps the head's mass above top_p whatever order it is summed in
      if (count >= topK || mass >= p.topP + 1e-9 || t === 0) break;
      t = t < 1e-12 ? 0 : t / 4;
    }
    const head = new Float64Array(count);
    for (let i = 0, j = 0; i < n; i++) if (probs[i] >= t) head[j++] = probs[i];
    const sorted = head.sort(); // ascending
    const m = sorted.length;
    const limit = Math.min(topK, m);
    let keep = limit, mass = 0;
    for (let r = 0; r < limit; r++) {
      mass += sorted[m - 1 - r];
      if (mass >= p.topP) { keep = r + 1; break; }
    }
    const cut = sorted[m - keep];
    let above = 0, kept = 0;
    for (let r = 0; r < keep; r++) { kept += sorted[m - 1 - r]; if (sorted[m - 1 - r] > cut) above++; }
    let tiesLeft = keep - above; // tokens equal to the cut-off value that stay, smallest ids first
    for (let i = 0; i < n; i++) {
      if (probs[i] > cut) continue;
      if (probs[i] === cut && tiesLeft > 0) { tiesLeft--; continue; }
      probs[i] = 0;
    }
    for (let i = 0; i < n; i++) probs[i] /= kept;
  }
  if (p.minP && p.minP > 0) applyMinP(probs, p.minP);
  return probs;
}

/** Zeroes tokens whose probability is below minP x the largest one and renormalizes (SGLang applies it after top-k / top-p). */
function applyMinP(probs: Float64Array, minP: number): void {
  let max = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > max) max = probs[i];
  const floor = minP * max;
  let sum = 0;
  for (let i = 0; i < probs.length; i++) { if (probs[i] < floor) probs[i] = 0; else sum += probs[i]; }
  for (let i = 0; i < probs.length; i++) probs[i] /= sum;
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

/** Each request gets its own seeded stream (mulberry32, shared with the statistics module). */
export { mulberry32 as seededRandom } from '../random.ts';
