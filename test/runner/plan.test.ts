import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedOrder, planCells, roundOrder } from '../../src/runner/plan.ts';
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
  assert.ok(orders.size >= 3, `${orders.size} distinct orders over 8 rounds`);
  // balanced, not drawn: per draft, base goes first in exactly half of any even number of rounds
  for (const draft of ['vanilla', 'eagle3']) {
    const baseFirst = Array.from({ length: 10 }, (_, r) => roundOrder(groups, 1234, r + 1).find((g) => g.draft.name === draft)!.engine.label).filter((l) => l === 'base').length;
    assert.equal(baseFirst, 5, `${draft}: base first in ${baseFirst} of 10 rounds`);
  }
});

test('balancedOrder puts every item in every place, and before every other, equally often', () => {
  assert.deepEqual(Array.from({ length: 4 }, (_, r) => balancedOrder(['A', 'B'], r + 1).join('')), ['AB', 'BA', 'BA', 'AB']);
  const six = Array.from({ length: 6 }, (_, r) => balancedOrder(['A', 'B', 'C'], r + 1).join(''));
  assert.deepEqual([...six].sort(), ['ABC', 'ACB', 'BAC', 'BCA', 'CAB', 'CBA']);
  assert.deepEqual(balancedOrder(['A'], 2), ['A']);
});
