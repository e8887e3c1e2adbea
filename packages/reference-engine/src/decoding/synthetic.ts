// Synthetic acceptance: the engine accepts a set number of draft tokens per cycle whatever the
// target says, so a run's acceptance is fixed and only its cost varies (cost profiles, and the
// GPU engines' own benchmarking knobs). Output is NOT lossless in this mode: performance only.
//
// The reference engine honours the GPU engines' own names, with their meanings, read from
// their source (names and units differ; each is converted to accepted DRAFT tokens per cycle):
// - SGLang `SGLANG_SIMULATE_ACC_LEN` (python/sglang/srt/environ.py, EnvFloat(-1); used in
//   python/sglang/srt/speculative/spec_utils.py generate_simulated_accept_index, sgl-project/sglang
//   @21ff4b08): acceptance length INCLUDING the bonus token, on when > 0; with
//   SGLANG_SIMULATE_ACC_METHOD=match-expected (the newer default) each cycle takes floor or ceil
//   with weights giving the mean; 'multinomial' (the older default) draws round(N(L, 1)) clamped
//   to [1, steps + 1]. Accepted drafts = length - 1.
// - TensorRT-LLM `TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS`
//   (tensorrt_llm/_torch/speculative/interface.py, get_force_num_accepted_tokens, NVIDIA/TensorRT-LLM
//   @b35ac1b6): accepted DRAFT tokens, bonus excluded, 0 = off; that version parses an int, newer
//   ones (get_force_num_accepted_tokens_float) take a fraction: integer part every cycle, one more
//   with probability equal to the fraction. We take the fraction the newer way.
// - vLLM `--speculative-config '{"rejection_sample_method": "synthetic",
//   "synthetic_acceptance_length": L}'` (vllm/config/speculative.py, vllm-project/vllm @002e77c1):
//   mean acceptance length INCLUDING the bonus token in [1, K + 1], resolved to the minimum-variance
//   schedule (first floor(L-1) positions always, the next with the fraction): the same draw as
//   match-expected. The reference engine takes it as `serve --synthetic-acceptance-length L`.

export type SyntheticSource = 'SGLANG_SIMULATE_ACC_LEN' | 'TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS' | 'vllm synthetic_acceptance_length';

export interface SyntheticAcceptance {
  source: SyntheticSource;
  /** the mean number of accepted draft tokens per cycle (bonus token not counted) */
  acceptedDrafts: number;
  /** 'match-expected': floor or ceil with the right weights; 'multinomial': SGLang's old normal draw */
  method: 'match-expected' | 'multinomial';
}

/** Reads the engines' variables; null when none is set (or set to its "off" value). */
export function syntheticFromEnv(env: NodeJS.ProcessEnv = process.env): SyntheticAcceptance | null {
  const sg = env.SGLANG_SIMULATE_ACC_LEN;
  if (sg !== undefined && sg.trim() !== '') {
    const len = Number(sg);
    if (!Number.isFinite(len)) throw new Error(`SGLANG_SIMULATE_ACC_LEN=${sg}: not a number (an acceptance length including the bonus token, e.g. 3.2; <= 0 turns it off)`);
    if (len > 0) {
      const m = env.SGLANG_SIMULATE_ACC_METHOD ?? 'match-expected';
      if (m !== 'match-expected' && m !== 'multinomial') throw new Error(`SGLANG_SIMULATE_ACC_METHOD=${m}: expected match-expected or multinomial`);
      return { source: 'SGLANG_SIMULATE_ACC_LEN', acceptedDrafts: Math.max(0, len - 1), method: m };
    }
  }
  const tr = env.TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS;
  if (tr !== undefined && tr.trim() !== '') {
    const n = Number(tr);
    if (!Number.isFinite(n) || n < 0) throw new Error(`TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=${tr}: expected accepted draft tokens per cycle (bonus excluded), >= 0; 0 turns it off`);
    if (n > 0) return { source: 'TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS', acceptedDrafts: n, method: 'match-expected' };
  }
  return null;
}

/** vLLM's synthetic_acceptance_length (bonus included) as the engine's setting. */
export function syntheticFromLength(length: number): SyntheticAcceptance {
  if (!Number.isFinite(length) || length < 1) throw new Error(`synthetic acceptance length ${length}: expected a mean acceptance length >= 1 (bonus token included)`);
  return { source: 'vllm synthetic_acceptance_length', acceptedDrafts: length - 1, method: 'match-expected' };
}

/** Draws this cycle's accepted drafts, clamped to what was drafted (a chain's length, a tree's depth). */
export function drawAccepted(s: SyntheticAcceptance, available: number, rand: () => number): number {
  let n: number;
  if (s.method === 'multinomial') {
    // SGLang's old draw on the length: round(N(L, 1)), clamped; a Box-Muller normal
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    n = Math.round(s.acceptedDrafts + 1 + z) - 1;
  } else {
    const lo = Math.floor(s.acceptedDrafts);
    n = lo + (rand() < s.acceptedDrafts - lo ? 1 : 0);
  }
  return Math.max(0, Math.min(available, n));
}

/**
 * The accepted path a forced count takes: root to the first node (in proposal order) at depth n, or
 * at the tree's greatest depth if shallower. A chain's is its prefix; a dynamic tree's first-child
 * chain can end early (the first child may be a leaf), so the path follows depth, not first children.
 */
export function forcedPath(parents: readonly number[], n: number): number[] {
  if (n <= 0 || parents.length === 0) return [];
  const depth: number[] = parents.map(() => 0);
  parents.forEach((p, i) => { depth[i] = p < 0 ? 1 : depth[p] + 1; });
  const want = Math.min(n, Math.max(...depth));
  const path: number[] = [];
  for (let node = depth.indexOf(want); node >= 0; node = parents[node]) path.unshift(node);
  return path;
}
