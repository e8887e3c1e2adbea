// Result schema versions: 2 is written, 1 (no latency percentiles) still loads, others are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RESULT_SCHEMA_VERSION, ResultError, validateResult } from '../../src/result/schema.ts';

const small = () => JSON.parse(readFileSync(new URL('../fixtures/results/small.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test('writes version 2 and reads versions 1 and 2', () => {
  assert.equal(RESULT_SCHEMA_VERSION, 2);
  const v1 = small();
  assert.equal(v1.schemaVersion, 1);
  assert.equal(validateResult(v1).cells.length > 0, true);
  assert.equal(validateResult({ ...small(), schemaVersion: 2 }).schemaVersion, 2);
});

test('an unknown version is refused with a one-line error naming the readable versions', () => {
  assert.throws(() => validateResult({ ...small(), schemaVersion: 3 }), (e: unknown) => e instanceof ResultError && /schemaVersion: 3 is not supported \(this prism-bench reads 1 and 2\)/.test(e.message));
});
