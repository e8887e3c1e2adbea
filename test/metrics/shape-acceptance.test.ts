// Tree-shape acceptance from the reference engine's meta_info: read per request, pooled per cell
// by summarizeCell, stored in the result through its schema (old results without it still load).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { poolShapeAcceptance, readShapeAcceptance, type RequestShapeAcceptance } from '../../src/metrics/shape-acceptance.ts';
import { summarizeCell } from '../../src/stats/aggregate.ts';
import { ResultError, validateResult, type Cell } from '../../src/result/schema.ts';
import type { RequestRecord } from '../../src/metrics/records.ts';

const request = (a: number[], c: number[], cycles: number): RequestShapeAcceptance => ({
  steps: 2, topK: 2, draftTokens: 3, cycles, greedy: true,
  grid: [
    { steps: 1, topK: 1, acceptedAtRank: [a[0]], censoredAtRank: [c[0]] },
    { steps: 1, topK: 2, acceptedAtRank: [a[0], a[1]], censoredAtRank: [0, 0] },
    { steps: 2, topK: 1, acceptedAtRank: [a[0], a[1]], censoredAtRank: [0, c[1]] },
    { steps: 2, topK: 2, acceptedAtRank: a, censoredAtRank: c },
  ],
});

test('readShapeAcceptance takes the engine\'s form and refuses anything else as absent', () => {
  const r = request([3, 2, 1], [0, 0, 1], 4);
  assert.deepEqual(readShapeAcceptance(JSON.parse(JSON.stringify(r))), r);
  assert.equal(readShapeAcceptance(undefined), null);
  assert.equal(readShapeAcceptance({ ...r, cycles: -1 }), null);
  assert.equal(readShapeAcceptance({ ...r, grid: [{ steps: 1, topK: 1, acceptedAtRank: [1, 2], censoredAtRank: [0] }] }), null, 'unequal lengths');
  assert.equal(readShapeAcceptance({ ...r, greedy: 'yes' }), null);
});

test('poolShapeAcceptance sums every request of the cell\'s layout; another layout is left out', () => {
  const pooled = poolShapeAcceptance([request([3, 2, 1], [0, 0, 1], 4), null, request([1, 1, 0], [1, 0, 0], 2), { ...request([9, 9, 9], [0, 0, 0], 9), draftTokens: 5 }]);
  assert.equal(pooled!.version, 1);
  assert.equal(pooled!.cycles, 6);
  assert.deepEqual(pooled!.grid[3], { steps: 2, topK: 2, acceptedAtRank: [4, 3, 1], censoredAtRank: [1, 0, 1] });
  assert.deepEqual(pooled!.grid[0].acceptedAtRank, [4]);
  assert.equal(poolShapeAcceptance([null, undefined]), null);
});

test('summarizeCell stores the pooled counts; the result validates with them and without them', () => {
  const small = JSON.parse(readFileSync(new URL('../fixtures/results/small.json', import.meta.url), 'utf8')) as { cells: Cell[] };
  assert.ok(small.cells.every((c) => c.shapeAcceptance === undefined), 'an old result has none');
  assert.ok(validateResult(small).cells.length > 0);
  const cell = structuredClone(small.cells.find((c) => c.method !== 'vanilla')!);
  cell.trials = []; // only the acceptance fields are under test here
  const rec = (sa?: RequestShapeAcceptance) => ({ cell: cell.id, verifyCycles: 4, acceptedHistogram: [1, 1, 1, 1], ...(sa ? { shapeAcceptance: sa } : {}) }) as unknown as RequestRecord;
  summarizeCell(cell, [rec(request([3, 2, 1], [0, 0, 1], 4)), rec(request([1, 1, 0], [1, 0, 0], 4)), rec()]);
  assert.deepEqual(cell.shapeAcceptance!.grid[3].acceptedAtRank, [4, 3, 1]);
  const withIt = { ...small, cells: [cell, ...small.cells.filter((c) => c.id !== cell.id)] };
  const back = validateResult(JSON.parse(JSON.stringify(withIt))).cells.find((c) => c.id === cell.id)!;
  assert.deepEqual(back.shapeAcceptance, cell.shapeAcceptance);
  // a damaged field is refused, named
  const bad = structuredClone(withIt);
  bad.cells[0].shapeAcceptance!.grid[1].censoredAtRank = [0];
  assert.throws(() => validateResult(bad), (e: unknown) => e instanceof ResultError && /shapeAcceptance/.test(e.message) && /as long as each other/.test(e.message));
  const wrongVersion = structuredClone(withIt);
  (wrongVersion.cells[0].shapeAcceptance as { version: number }).version = 2;
  assert.throws(() => validateResult(wrongVersion), (e: unknown) => e instanceof ResultError && /shapeAcceptance\.version/.test(e.message));
  // no request carried counts: the cell carries none
  summarizeCell(cell, [rec()]);
  assert.equal(cell.shapeAcceptance, undefined);
});
