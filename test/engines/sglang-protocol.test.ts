// Which streamed chunks carry tokens, for cumulative (reference engine, older SGLang) and incremental (newer SGLang) streams;
// which meta_info names a request's figures are read under.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMetaInfo, tokenChunks } from '../../src/engines/sglang-protocol.ts';

test('cumulative stream: new tokens are the growth; the closing repeat carries none and is dropped', () => {
  const chunks = [[5], [5, 6, 7], [5, 6, 7, 8], [5, 6, 7, 8]];
  assert.deepEqual(tokenChunks(chunks, [0.1, 0.2, 0.3, 0.31], true), [
    { at: 0.1, tokens: 1 }, { at: 0.2, tokens: 2 }, { at: 0.3, tokens: 1 },
  ]);
});

test('incremental stream: each chunk carries its own ids; empty chunks are dropped', () => {
  assert.deepEqual(tokenChunks([[5], [6, 7], [], [8]], [0.1, 0.2, 0.25, 0.3], false), [
    { at: 0.1, tokens: 1 }, { at: 0.2, tokens: 2 }, { at: 0.3, tokens: 1 },
  ]);
});

test('meta_info without a draft: SGLang sends no spec_* field; the reference engine\'s prism_ names are read in their place', () => {
  const base = { prompt_tokens: 5, completion_tokens: 8, finish_reason: { type: 'length', length: 8 } };
  // SGLang 0.4.6 without --speculative-algorithm: nothing to read
  const sglang = readMetaInfo(base);
  assert.equal(sglang.verifyCycles, null);
  assert.equal(sglang.acceptedHistogram, null);
  const reference = readMetaInfo({ ...base, prism_verify_ct: 7, prism_num_correct_drafts: 0, prism_num_proposed_drafts: 0, prism_correct_drafts_histogram: [7] });
  assert.deepEqual([reference.verifyCycles, reference.acceptedDrafts, reference.proposedDrafts, reference.acceptedHistogram], [7, 0, 0, [7]]);
  // a speculating server's spec_ names come first
  assert.equal(readMetaInfo({ ...base, spec_verify_ct: 3, prism_verify_ct: 7 }).verifyCycles, 3);
});

test('meta_info.prism_shape_acceptance (reference engine, tree drafts) is read; absent or malformed reads as null', () => {
  const base = { prompt_tokens: 5, completion_tokens: 8, finish_reason: { type: 'length', length: 8 } };
  const sa = { steps: 1, topK: 2, draftTokens: 2, cycles: 3, greedy: true, grid: [{ steps: 1, topK: 1, acceptedAtRank: [1], censoredAtRank: [0] }, { steps: 1, topK: 2, acceptedAtRank: [1, 1], censoredAtRank: [0, 0] }] };
  assert.deepEqual(readMetaInfo({ ...base, prism_shape_acceptance: sa }).shapeAcceptance, sa);
  assert.equal(readMetaInfo(base).shapeAcceptance, null);
  assert.equal(readMetaInfo({ ...base, prism_shape_acceptance: { ...sa, grid: 'x' } }).shapeAcceptance, null);
});
