// Which streamed chunks carry tokens, for cumulative (reference engine, older SGLang) and incremental (newer SGLang) streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenChunks } from '../../src/engines/sglang-protocol.ts';

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
