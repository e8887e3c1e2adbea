// The verify pass's inputs: a draft tree (parent indices) becomes position ids and an
// additive attention mask over [cached tokens, fed tokens]. Chains and trees share this.

export interface VerifyInputs {
  /** tokens fed to the target: the last emitted token (root) followed by the draft tokens */
  tokens: number[];
  positions: number[];
  /** row-major [fed, past + fed], 0 where attention is allowed, -Infinity where not */
  mask: Float32Array;
}

/**
 * @param past number of tokens already in the KV cache
 * @param root the last emitted token, not yet in the cache
 * @param draft proposed tokens with parents (-1 = child of root)
 */
export function buildVerifyInputs(past: number, root: number, draft: { tokens: number[]; parents: number[] }): VerifyInputs {
  const k = draft.tokens.length + 1;
  const tokens = [root, ...draft.tokens];
  const parent = [-1, ...draft.parents.map((p) => p + 1)];
  const depth = new Array<number>(k).fill(0);
  for (let i = 1; i < k; i++) {
    if (parent[i] < 0 || parent[i] >= i) throw new Error(`verify: draft token ${i - 1} has parent ${parent[i] - 1}, which does not come before it`);
    depth[i] = depth[parent[i]] + 1;
  }
  const width = past + k;
  const mask = new Float32Array(k * width).fill(-Infinity);
  for (let i = 0; i < k; i++) {
    const row = i * width;
    for (let j = 0; j < past; j++) mask[row + j] = 0;
    for (let a = i; a >= 0; a = parent[a]) mask[row + past + a] = 0;
  }
  return { tokens, positions: depth.map((d) => past + d), mask };
}

/** Plain causal mask for k fed tokens after `past` cached ones (prefill and vanilla steps). */
export function causalMask(past: number, k: number): Float32Array {
  const width = past + k;
  const mask = new Float32Array(k * width);
  for (let i = 0; i < k; i++) for (let j = past + i + 1; j < width; j++) mask[i * width + j] = -Infinity;
  return mask;
}
