import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCells, roundOrder } from '../../src/runner/plan.ts';
import { loadSuite } from '../../src/suite/load.ts';
import { fileURLToPath } from 'node:url';

const GATE = fileURLToPath(new URL('../../suites/gate.yaml', import.meta.url));

test('roundOrder visits every group once per round, the engines of a draft back to back, in orders that vary by round', () => {
  const groups = planCells(loadSuite(GATE));
  const orders = new Set<string>();
  for (let round = 1; round <= 8; round++) {
    const order = roundOrder(groups, 1234, round);
    assert.deepEqual([...order.map((g) => g.key)].sort(), groups.map((g) => g.key).sort());
    for (let i = 0; i < order.length; i += 2) assert.equal(order[i]!.draft.name, order[i + 1]!.draft.name, `round ${round}: ${order.map((g) => g.key).join(' ')}`);
    orders.add(order.map((g) => g.key).join(' '));
    assert.deepEqual(roundOrder(groups, 1234, round), order, 'deterministic');
  }
  assert.ok(orders.size >= 4, `${orders.size} distinct orders over 8 rounds`);
  const firsts = new Set(Array.from({ length: 8 }, (_, r) => roundOrder(groups, 1234, r + 1)[0]!.engine.label));
  assert.equal(firsts.size, 2, 'base and head each go first in some round');
});
