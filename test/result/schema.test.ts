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

test('the stored suite and fingerprint read leniently and typed; a v0.1.0 draft\'s draftTokens reads as its new name', () => {
  const old = JSON.parse(readFileSync(new URL('../fixtures/results/v0.1.0-quick/result.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const r = validateResult(old);
  assert.deepEqual(r.suite.drafts?.[1], { name: 'ngram', method: 'ngram', draftedTokens: 6, ngramMin: 1, ngramMax: 4 });
  assert.equal(typeof r.fingerprint.cpu?.logicalCores, 'number');
  assert.ok(Array.isArray(r.fingerprint.gpus));
  // keys the schema does not name pass through; a field of the wrong type reads as absent
  assert.ok(r.fingerprint.placement !== undefined);
  const odd = validateResult({ ...small(), suite: { name: 7, drafts: [{ name: 'e', method: 'eagle3', draftTokens: 5, extra: true }], settings: { trials: 'three' } }, fingerprint: { cpu: 'x', custom: 1 } });
  assert.equal(odd.suite.name, undefined);
  assert.deepEqual(odd.suite.drafts, [{ name: 'e', method: 'eagle3', verifiedTokens: 5, extra: true }]);
  assert.equal(odd.suite.settings?.trials, undefined);
  assert.equal(odd.fingerprint.cpu, undefined);
  assert.equal(odd.fingerprint.custom, 1);
});
