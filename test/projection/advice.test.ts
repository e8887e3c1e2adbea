// Depth advice across profiles on hand-built acceptance with known answers: pooling is
// cycle-weighted, and the same acceptance picks a short chain where drafting is dear and a long
// one where it is nearly free.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adviseAcross, poolAcceptance, renderAdvice } from '../../src/projection/advice.ts';
import { PROFILE_FORMAT, parseProfile, type Profile } from '../../src/profile/schema.ts';
import type { ResultFile } from '../../src/result/schema.ts';

function flat(name: string, draftShare: number): Profile {
  return parseProfile({
    format: PROFILE_FORMAT, version: 1, name, provenance: 'transcribed', measuredBy: 'test', createdAt: '2026-12-05',
    machine: { description: 'ideal' }, engine: { name: 'none' }, model: { name: 'none' },
    target: { verify: [{ contextTokens: 0, points: [{ tokens: 1, ms: 10 }, { tokens: 64, ms: 10 }] }] },
    drafts: { eagle3: { kind: 'learned', extendMs: 10 * draftShare, steps: [{ rows: 1, ms: 10 * draftShare }] } },
    overheads: { cycleMs: 0, requestMs: 0 },
  }, name);
}

const geometric = (a: number, g: number, cycles: number) =>
  ({ conditional: Array(g).fill(a), unconditional: Array.from({ length: g }, (_, i) => a ** (i + 1)), cycles });

function result(): ResultFile {
  const cell = (id: string, method: string, dataset: string, pa?: ReturnType<typeof geometric>) =>
    ({ id, engine: 'reference', draft: method, method, dataset, temperature: 0, status: 'ok', metrics: {}, ...(pa ? { positionAcceptance: pa } : {}) });
  return {
    suite: { drafts: [{ name: 'vanilla', method: 'vanilla' }, { name: 'eagle3', method: 'eagle3', steps: 8 }, { name: 'ngram', method: 'ngram', draftedTokens: 4 }] },
    cells: [
      cell('v', 'vanilla', 'chat'),
      cell('e-chat', 'eagle3', 'chat', geometric(0.8, 8, 100)),
      cell('e-code', 'eagle3', 'code', geometric(0.8, 8, 300)),
      cell('n', 'ngram', 'chat', geometric(0.5, 4, 50)),
    ],
  } as unknown as ResultFile;
}

describe('poolAcceptance', () => {
  it('weights each curve by its cycles and keeps the shortest length', () => {
    const p = poolAcceptance([{ conditional: [], unconditional: [0.5, 0.25, 0.1], cycles: 100 }, { conditional: [], unconditional: [0.9, 0.8], cycles: 300 }])!;
    assert.equal(p.cycles, 400);
    assert.deepEqual(p.unconditional.map((u) => +u.toFixed(6)), [0.8, 0.6625]);
    assert.ok(Math.abs(p.conditional[1] - 0.6625 / 0.8) < 1e-12);
    assert.equal(poolAcceptance([{ conditional: [], unconditional: [], cycles: 0 }]), null);
  });
});

describe('adviseAcross', () => {
  it('the same acceptance: a short chain where a draft step costs half a target step, a long one where it costs 1%', () => {
    const rows = adviseAcross(result(), [flat('dear', 0.5), flat('cheap', 0.01)], 0);
    const e = rows.find((r) => r.draft === 'eagle3')!;
    assert.equal(e.datasets, 2);
    assert.ok(e.exact);
    // closed form on a flat verify: speedup(g) = (1 - a^(g+1)) / ((1 - a)(g c + 1)); a = 0.8
    const best = (c: number) => [1, 2, 3, 4, 5, 6, 7, 8].map((g) => ({ g, s: (1 - 0.8 ** (g + 1)) / (0.2 * (g * c + 1)) })).reduce((x, y) => (y.s > x.s ? y : x));
    const [dear, cheap] = e.profiles;
    assert.equal(dear.best!.depth, best(0.5).g);
    assert.ok(Math.abs(dear.best!.speedup - best(0.5).s) < 1e-9);
    assert.equal(cheap.best!.depth, best(0.01).g);
    assert.ok(cheap.best!.depth > dear.best!.depth);
    assert.ok(Math.abs(cheap.atSetting! - (1 - 0.8 ** 9) / (0.2 * (8 * 0.01 + 1))) < 1e-9);
  });
  it('a method a profile has no costs for says so instead of a number', () => {
    const n = adviseAcross(result(), [flat('dear', 0.5)], 0).find((r) => r.draft === 'ngram')!;
    assert.equal(n.profiles[0].best, null);
    assert.match(n.profiles[0].missing!, /no costs for ngram/);
    const text = renderAdvice(adviseAcross(result(), [flat('dear', 0.5)], 0), [flat('dear', 0.5)], 'table');
    assert.match(text, /projected dear: best depth/);
    assert.match(text, /- \(no costs for ngram\)/);
  });
});
