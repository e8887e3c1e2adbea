// The hardware check of merged sweeps: cells carry their shard's fingerprint, and comparisons
// between cells measured on different machines are flagged; plain results say nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkShardHardware } from '../../src/audit/shards.ts';
import type { Cell } from '../../src/result/schema.ts';
import { makeCell, makeFingerprint, makeResult } from './helpers.ts';

const A = makeFingerprint();
const B = makeFingerprint({ gpus: [{ index: 0, uuid: null, name: 'NVIDIA H100', pciBusId: null, driverVersion: '550', memoryTotalMiB: 81559, maxSmClockMHz: 1980, maxMemoryClockMHz: 2619, powerLimitW: 700, persistenceMode: true, computeCapability: '9.0' }] });

function onShard(cell: Cell, shard: number, fingerprint: Record<string, unknown>): Cell {
  return { ...cell, shard, fingerprint };
}

test('a result without per-cell fingerprints (not a merged sweep) gives no finding', () => {
  assert.deepEqual(checkShardHardware(makeResult([makeCell(), makeCell({ draft: 'ngram' })])), []);
});

test('one machine for every shard: nothing', () => {
  const cells = [onShard(makeCell(), 1, A), onShard(makeCell({ dataset: 'code' }), 2, { ...A, hostname: 'node-b' })];
  assert.deepEqual(checkShardHardware(makeResult(cells)), [], 'the hostname alone is no difference');
});

test('a shard on other hardware, an engine pair across machines and a speedup across machines are each flagged', () => {
  const vanilla = onShard(makeCell(), 1, A);
  const draft = onShard(makeCell({ draft: 'ngram' }), 2, B);
  draft.comparisons = { speedup: { metric: 'throughput', reference: vanilla.id, ratio: 1.3, interval: null, welchP: null, mannWhitneyP: null, adjustedP: null, significant: false } };
  const otherEngine = onShard(makeCell({ engine: 'sglang', draft: 'ngram' }), 3, A);
  const f = checkShardHardware(makeResult([vanilla, draft, otherEngine]));
  const msgs = f.map((x) => `${x.cell ?? '-'}: ${x.message}`);
  assert.equal(f.length, 3, msgs.join('\n'));
  assert.ok(f.every((x) => x.check === 'hardware' && x.severity === 'warning'));
  assert.ok(msgs.some((m) => /^reference\/ngram\/chat\/T0: throughput ratio against reference\/vanilla\/chat\/T0 compares cells measured on different hardware \(shard 2 vs 1\): gpus\.count: 1 vs 0/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^reference\/ngram\/chat\/T0: engines reference and sglang ran this draft on different hardware \(shard 2 vs 3\)/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /^-: shard 2 ran on different hardware than shard 1: gpus\.count: 0 vs 1/.test(m)), msgs.join('\n'));
});
