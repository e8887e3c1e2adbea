// meta_info's speculative fields: under SGLang's spec_ names when a draft runs, under prism_ names
// without one (SGLang then sends no spec_* field, and clients such as the PRISM artifact's
// bench_mt_all.py print acceptance length 1 only when spec_verify_ct is absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metaInfo } from '../../src/server/http.ts';
import type { EngineResult } from '../../src/server/engine.ts';
import type { GenerateStats } from '../../src/decoding/generate.ts';

// a vanilla request of 8 tokens: the prefill's and 7 decode steps
const stats: GenerateStats = {
  promptTokens: 4, completionTokens: 8, verifyCycles: 7, acceptedDrafts: 0, proposedDrafts: 0, acceptedHistogram: [7],
  finish: 'length', draftMs: 0, verifyMs: 5, prefillMs: 2, draftSteps: 0, moduleByStep: [], draftMsByStep: [], offChainAccepts: 0,
};
const result: EngineResult = { tokens: [1, 2, 3, 4, 5, 6, 7, 8], text: 'abcdefgh', stats };

test('without a draft: no spec_* key; the same counts as prism_verify_ct and kin', () => {
  const m = metaInfo('r1', 4, result, 0.1, false);
  assert.deepEqual(Object.keys(m).filter((k) => k.startsWith('spec_')), []);
  assert.equal(m.prism_verify_ct, 7);
  assert.deepEqual(m.prism_correct_drafts_histogram, [7]);
  assert.equal(m.prism_num_correct_drafts, 0);
  assert.equal(m.completion_tokens, 8);
});

test('with a draft: spec_verify_ct and kin, no prism_verify_ct', () => {
  const m = metaInfo('r1', 4, result, 0.1, true);
  assert.equal(m.spec_verify_ct, 7);
  assert.equal(m.spec_accept_length, 8 / 7);
  assert.equal(m.prism_verify_ct, undefined);
});
