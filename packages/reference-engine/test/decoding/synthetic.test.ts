// Synthetic acceptance: the engines' variables read with their own units, and the draws.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drawAccepted, forcedPath, syntheticFromEnv, syntheticFromLength } from '../../src/decoding/synthetic.ts';
import { seededRandom } from '../../src/decoding/sampling.ts';

describe('synthetic acceptance settings', () => {
  it('SGLang counts the bonus token, TensorRT-LLM does not, off values are off', () => {
    assert.deepEqual(syntheticFromEnv({ SGLANG_SIMULATE_ACC_LEN: '3.5' }), { source: 'SGLANG_SIMULATE_ACC_LEN', acceptedDrafts: 2.5, method: 'match-expected' });
    assert.equal(syntheticFromEnv({ SGLANG_SIMULATE_ACC_LEN: '-1' }), null);
    assert.equal(syntheticFromEnv({ TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS: '0' }), null);
    assert.equal(syntheticFromEnv({ TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS: '2' })?.acceptedDrafts, 2);
    assert.equal(syntheticFromLength(5).acceptedDrafts, 4);
    assert.throws(() => syntheticFromEnv({ SGLANG_SIMULATE_ACC_LEN: 'x' }), /SGLANG_SIMULATE_ACC_LEN=x/);
    assert.throws(() => syntheticFromLength(0.5), /length 0.5/);
  });
  it('match-expected draws floor or ceil with the mean set, clamped to what was drafted', () => {
    const s = syntheticFromLength(3.25);
    const rand = seededRandom(7);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const a = drawAccepted(s, 6, rand);
      assert.ok(a === 2 || a === 3);
      sum += a;
    }
    assert.ok(Math.abs(sum / n - 2.25) < 0.02, `mean ${sum / n}`);
    assert.equal(drawAccepted(syntheticFromLength(7), 2, rand), 2);
  });
  it('a forced path goes from the root to the first node at the set depth (or the deepest)', () => {
    // the root's first child (0) is a leaf; depth 2 is reached through 1
    assert.deepEqual(forcedPath([-1, -1, 1], 2), [1, 2]);
    assert.deepEqual(forcedPath([-1, -1, 1], 1), [0]);
    // root -> 0 -> 2 -> 4; 1 and 3 are siblings
    assert.deepEqual(forcedPath([-1, -1, 0, 0, 2], 5), [0, 2, 4]);
    assert.deepEqual(forcedPath([-1, 0, 1, 2], 2), [0, 1]);
  });
});
