// The launch as the unit: launch means, launch sets across cells, the one-way random-effects split
// and the suite-level estimate over launch sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineLaunchSets, launchCount, launchMeans, launchSetReplicates, launchSets, launchVariance } from '../../src/stats/launches.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('launch means: one value per launch, in order, with its first round; null without launches', () => {
  const s = { values: [10, 12, 20, 22, 30], rounds: [1, 2, 3, 4, 5], launches: ['a', 'a', 'b', 'b', 'c'] };
  assert.equal(launchCount(s), 3);
  assert.deepEqual(launchMeans(s), { values: [11, 21, 30], rounds: [1, 3, 5], launches: ['a', 'b', 'c'] });
  assert.equal(launchMeans({ values: [1, 2] }), null);
  assert.equal(launchCount({ values: [1, 2], launches: ['a'] }), null, 'launches must line up with values');
  // one trial per launch (engineLifetime: round): the values unchanged
  assert.deepEqual(launchMeans({ values: [3, 4], launches: ['x', 'y'] })!.values, [3, 4]);
});

test('one-way random effects: balanced design against the ANOVA by hand', () => {
  // two launches of three trials: means 1 and 3, within-launch deviations -1, 0, 1
  const v = launchVariance([[[0, 1, 2], [2, 3, 4]]])!;
  // MSB = 3 * ((1-2)^2 + (3-2)^2) / 1 = 6; MSW = (2 + 2) / 4 = 1; n0 = 3 -> between^2 = 5/3
  close(v.between, Math.sqrt(5 / 3));
  close(v.within, 1);
  assert.deepEqual([v.launches, v.trials], [2, 6]);
  // launches that differ less than their trials: between is 0, not negative
  assert.equal(launchVariance([[[0, 2], [0.1, 1.9]]])!.between, 0);
  // one trial per launch, or one launch: the parts cannot be told apart
  assert.equal(launchVariance([[[1], [2], [3]]]), null);
  assert.equal(launchVariance([[[1, 2, 3]]]), null);
});

test('one-way random effects, unbalanced, pooled over cells with their own means', () => {
  // cell 1: launches of 1 and 3 trials; cell 2 is cell 1 shifted by 10 (its mean does not count)
  const cell = [[5], [1, 2, 3]];
  const v = launchVariance([cell, cell.map((g) => g.map((x) => x + 10))])!;
  // per cell: N = 4, grand 2.75, SSB = (5-2.75)^2 + 3 (2-2.75)^2 = 6.75, SSW = 2; n0 = (4 - 10/4) / 1 = 1.5
  const msb = (2 * 6.75) / 2, msw = (2 * 2) / 4, n0 = (2 * 1.5) / 2;
  close(v.between, Math.sqrt((msb - msw) / n0));
  close(v.within, Math.sqrt(msw));
});

test('launch sets: rounds joined by a launch that spans them, across cells', () => {
  // cell A relaunched every round; cell B's launch x ran rounds 2 and 3
  const a = { values: [1, 1, 1, 1], rounds: [1, 2, 3, 4], launches: ['a1', 'a2', 'a3', 'a4'] };
  const b = { values: [1, 1, 1, 1], rounds: [1, 2, 3, 4], launches: ['b1', 'x', 'x', 'b4'] };
  assert.deepEqual([...launchSets([a, b])!.entries()].sort(), [[1, 0], [2, 1], [3, 1], [4, 2]]);
  assert.equal(launchSets([{ values: [1], launches: ['a'] }]), null, 'no rounds');
  // engineLifetime run: one set
  assert.equal(new Set(launchSets([{ values: [1, 2, 3], rounds: [1, 2, 3], launches: ['k', 'k', 'k'] }])!.values()).size, 1);
});

test('launch-set replicates: the mean over cells of log(cell mean in the set); a set missing a cell is left out', () => {
  const a = { values: [2, 4, 8], rounds: [1, 2, 3], launches: ['a1', 'a2', 'a3'] };
  const b = { values: [8, 16], rounds: [1, 2], launches: ['b1', 'b2'] };
  const reps = launchSetReplicates([a, b])!;
  assert.equal(reps.length, 2);
  close(reps[0]!, (Math.log(2) + Math.log(8)) / 2);
  close(reps[1]!, (Math.log(4) + Math.log(16)) / 2);
});

test('suite over launch sets: the cells\' geometric mean, Welch over the sets; or why not', () => {
  const side = (xs: number[][]) => xs.map((vals, c) => ({ values: vals, rounds: vals.map((_, i) => i + 1), launches: vals.map((_, i) => `c${c}-${i}`) }));
  const base = side([[100, 110, 90], [50, 55, 45]]);
  const head = side([[100, 100, 100], [50, 50, 50]]);
  const cells = base.map((b, i) => ({ base: b, head: head[i]!, logChange: 0 }));
  const s = combineLaunchSets(cells, 'higher');
  assert.ok(s !== null && !('missing' in s));
  assert.equal(s.ratio, 1);
  // base replicates: log(100*50)/2 + log(1.1), log(...) + log(0.9), ...; head constant
  const reps = [0, Math.log(1.1), Math.log(0.9)];
  const m = reps.reduce((a, x) => a + x, 0) / 3;
  const varMean = reps.reduce((a, x) => a + (x - m) ** 2, 0) / 2 / 3;
  close(s.se!, Math.sqrt(varMean));
  close(s.df!, 2);
  const kept = side([[1, 1, 1], [2, 2, 2]]).map((x) => ({ ...x, launches: ['k', 'k', 'k'] }));
  assert.deepEqual(combineLaunchSets(kept.map((k, i) => ({ base: base[i]!, head: k, logChange: 0 })), 'higher'), { missing: 'one-set', side: 'head' });
  assert.deepEqual(combineLaunchSets([{ base: { values: [1, 2] }, head: head[0]!, logChange: 0 }], 'higher'), { missing: 'unknown', side: 'base' });
});
