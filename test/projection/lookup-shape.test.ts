// Model-free drafts project as lookups: no draft steps, the drafted-token cap as their shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeOf } from '../../src/projection/result.ts';
import { isModelFreeDraft } from '../../src/suite/types.ts';
import type { Cell, ResultFile } from '../../src/result/schema.ts';

test('a suffix cell has the lookup shape ngram has (no draft steps), not a chain of its acceptance curve', () => {
  const result = { suite: { drafts: [{ name: 'sfx', method: 'suffix', draftedTokens: 6 }, { name: 'ng', method: 'ngram', draftedTokens: 4 }] } } as unknown as ResultFile;
  const cell = (draft: string, method: string) => ({ draft, method, positionAcceptance: { conditional: [0.5, 0.5, 0.5], unconditional: [0.5, 0.25, 0.125], cycles: 10 } }) as unknown as Cell;
  assert.deepEqual(shapeOf(result, cell('sfx', 'suffix')), { method: 'suffix', draftTokens: 6, steps: 0, topK: 1 });
  assert.deepEqual(shapeOf(result, cell('ng', 'ngram')), { method: 'ngram', draftTokens: 4, steps: 0, topK: 1 });
  assert.deepEqual([isModelFreeDraft('suffix'), isModelFreeDraft('ngram'), isModelFreeDraft('eagle3')], [true, true, false]);
});
