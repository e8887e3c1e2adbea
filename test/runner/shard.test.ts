// Shards of a suite: engine x dataset groups split into contiguous shards that cover every group
// exactly once, and each shard's cells hold every draft (vanilla included) of its groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseShardSpec, planShard, shardSpecProblem, shardUnits, unitsOfShard } from '../../src/runner/shard.ts';
import { planCells } from '../../src/runner/plan.ts';
import { loadSuite } from '../../src/suite/load.ts';
import { writeTemp } from '../suite/helpers.ts';

const SUITE = `version: 1
name: shards
engines: [{ name: reference }, { name: reference, label: other }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }, { name: e3, method: eagle3 }]
datasets: [chat, code, math]
settings: { temperatures: [0, 1] }
`;

test('every split covers each group exactly once, in order, sizes differing by at most one', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (units, count) => {
    fc.pre(count <= units);
    const all = Array.from({ length: units }, (_, i) => ({ key: `e/d${i}`, engine: 'e', dataset: `d${i}` }));
    const parts = Array.from({ length: count }, (_, i) => unitsOfShard(all, { index: i + 1, count }));
    assert.deepEqual(parts.flat(), all);
    const sizes = parts.map((p) => p.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
    assert.ok(sizes.every((s) => s >= 1));
  }));
});

test('a shard holds every draft of its engine x dataset group, vanilla included, at every temperature', () => {
  const suite = loadSuite(writeTemp(SUITE));
  assert.deepEqual(shardUnits(suite).map((u) => u.key), ['reference/chat', 'reference/code', 'reference/math', 'other/chat', 'other/code', 'other/math']);
  const second = planShard(suite, { index: 2, count: 6 }).flatMap((g) => g.cells.map((c) => c.id));
  assert.deepEqual(second.sort(), [
    'reference/e3/code/T0', 'reference/e3/code/T1', 'reference/ngram/code/T0', 'reference/ngram/code/T1',
    'reference/vanilla/code/T0', 'reference/vanilla/code/T1',
  ]);
  // all shards together are the whole suite, each cell once
  const whole = planCells(suite).flatMap((g) => g.cells.map((c) => c.id)).sort();
  for (const count of [1, 2, 4, 6]) {
    const ids = Array.from({ length: count }, (_, i) => planShard(suite, { index: i + 1, count }).flatMap((g) => g.cells.map((c) => c.id))).flat();
    assert.deepEqual(ids.sort(), whole, `count ${count}`);
  }
});

test('shard specs: i/n parsed 1-based; more shards than groups is a problem naming the most', () => {
  assert.deepEqual(parseShardSpec('2/5'), { index: 2, count: 5 });
  assert.deepEqual(parseShardSpec(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/3', '4/3', '2', '2/0', 'a/b', '1/3/4', '-1/3']) assert.equal(parseShardSpec(bad), null, bad);
  assert.equal(shardSpecProblem({ index: 1, count: 3 }, 3), null);
  assert.match(shardSpecProblem({ index: 1, count: 4 }, 3) ?? '', /has 3 engine x dataset groups, so at most 3 shards/);
});
