// Shape advice on a hand-built profile and grid with known answers: tau per shape from the rank
// counts, costs per shape from the profile, the best shape where drafting is cheap and where it is
// dear, and the marks (exact, lower bound, approximate).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adviseShape, adviseShapeAcross, renderShapeAdvice, shapeTaus } from '../../src/projection/shape.ts';
import { PROFILE_FORMAT, parseProfile, type Profile } from '../../src/profile/schema.ts';
import type { ResultFile, ShapeAcceptance } from '../../src/result/schema.ts';

/** verify 10 ms at any length; the extend pass 1 ms; a later step over r rows costs perRow x r ms */
function profile(name: string, perRow: number): Profile {
  return parseProfile({
    format: PROFILE_FORMAT, version: 1, name, provenance: 'transcribed', measuredBy: 'test', createdAt: '2026-12-06',
    machine: { description: 'ideal' }, engine: { name: 'none' }, model: { name: 'none' },
    target: { verify: [{ contextTokens: 0, points: [{ tokens: 1, ms: 10 }, { tokens: 64, ms: 10 }] }] },
    drafts: { eagle3: { kind: 'learned', extendMs: 1, steps: [{ rows: 1, ms: perRow }, { rows: 4, ms: 4 * perRow }] } },
    overheads: { cycleMs: 0, requestMs: 0 },
  }, name);
}

// measured 2 steps x top-2, 3 drafted, 10 cycles
const counts = (greedy = true): ShapeAcceptance => ({
  version: 1, steps: 2, topK: 2, draftTokens: 3, cycles: 10, greedy,
  grid: [
    { steps: 1, topK: 1, acceptedAtRank: [5], censoredAtRank: [0] },
    { steps: 1, topK: 2, acceptedAtRank: [5, 3], censoredAtRank: [0, 0] },
    { steps: 2, topK: 1, acceptedAtRank: [5, 4], censoredAtRank: [0, 0] },
    { steps: 2, topK: 2, acceptedAtRank: [5, 3, 4], censoredAtRank: [0, 0, 2] },
  ],
});

describe('shapeTaus', () => {
  it('tau = 1 + the accepted counts below the budget / cycles; censored share likewise', () => {
    const t = shapeTaus(counts());
    assert.equal(t.length, 1 + 2 + 2 + 3);
    const at = (s: number, k: number, n: number) => t.find((x) => x.steps === s && x.topK === k && x.draftTokens === n)!;
    assert.equal(at(1, 2, 2).tau, 1.8);
    assert.equal(at(2, 1, 2).tau, 1.9);
    assert.ok(Math.abs(at(2, 2, 3).tau - 2.2) < 1e-12);
    assert.equal(at(2, 2, 3).censoredShare, 0.2);
    assert.equal(at(2, 2, 2).censoredShare, 0);
  });
});

describe('adviseShape', () => {
  it('cheap drafting: the whole measured tree, a lower bound (20% censored); dear drafting: one step of top-2, exact', () => {
    // cheap: (2,2,3) costs 10 + 1 + 2 = 13 ms, 2.2 x 10 / 13 = 1.692; (1,2,2) 1.8 x 10 / 11 = 1.636; (2,1,2) 1.9 x 10 / 12 = 1.583
    const cheap = adviseShape(counts(), 'eagle3', profile('cheap', 1), 0);
    assert.deepEqual([cheap.best.steps, cheap.best.topK, cheap.best.draftTokens, cheap.best.exactness], [2, 2, 3, 'lower bound']);
    assert.ok(Math.abs(cheap.best.speedup - 22 / 13) < 1e-12);
    assert.equal(cheap.atSetting.draftTokens, 3);
    // dear (3 ms a row): (2,2,3) 17 ms -> 1.294; (2,1,2) 14 ms -> 1.357; (1,2,2) 11 ms -> 1.636
    const dear = adviseShape(counts(), 'eagle3', profile('dear', 3), 0);
    assert.deepEqual([dear.best.steps, dear.best.topK, dear.best.draftTokens, dear.best.exactness], [1, 2, 2, 'exact']);
    assert.ok(Math.abs(dear.best.speedup - 18 / 11) < 1e-12);
    assert.ok(Math.abs(dear.atSetting.speedup - 22 / 17) < 1e-12);
    // sampled: the same counts are an approximation
    assert.equal(adviseShape(counts(false), 'eagle3', profile('dear', 3), 0).best.exactness, 'approximate');
  });
});

describe('adviseShape priced at what the wide cells drafted per cycle', () => {
  it('caps every shape at the mean drafted: a chain runs fewer steps, a tree keeps its steps', () => {
    const p = profile('cheap', 1);
    const at = (a: ReturnType<typeof adviseShape>, s: number, k: number, n: number) => a.points.find((x) => x.steps === s && x.topK === k && x.draftTokens === n)!;
    const plain = adviseShape(counts(), 'eagle3', p, 0);
    const capped = adviseShape(counts(), 'eagle3', p, 0, 1.5);
    assert.equal(at(plain, 2, 1, 2).cycleMs, 12);
    assert.equal(at(capped, 2, 1, 2).cycleMs, 11.5);
    assert.equal(at(capped, 2, 2, 3).cycleMs, at(plain, 2, 2, 3).cycleMs);
    assert.equal(at(capped, 2, 1, 2).tau, at(plain, 2, 1, 2).tau);
  });
});

describe('adviseShapeAcross and renderShapeAdvice', () => {
  it('sums the draft\'s datasets, leaves cells without counts out, labels every figure a projection', () => {
    const cell = (id: string, dataset: string, sa?: ShapeAcceptance) =>
      ({ id, engine: 'reference', draft: 'eagle3', method: 'eagle3', dataset, temperature: 0, status: 'ok', metrics: {}, ...(sa ? { shapeAcceptance: sa } : {}) });
    const result = { suite: { drafts: [] }, cells: [cell('a', 'chat', counts()), cell('b', 'code', counts()), cell('c', 'qa')] } as unknown as ResultFile;
    const rows = adviseShapeAcross(result, [profile('cheap', 1), profile('dear', 3)], 0);
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0].cycles, rows[0].datasets], [20, 2]);
    assert.deepEqual(rows[0].profiles.map((p) => [p.label, p.best?.steps, p.best?.topK, p.best?.draftTokens]), [['projected (profile cheap)', 2, 2, 3], ['projected (profile dear)', 1, 2, 2]]);
    const table = renderShapeAdvice(rows, [profile('cheap', 1), profile('dear', 3)], 'table');
    assert.match(table, /^Shape advice, projected\n/);
    assert.match(table, /projected cheap: best shape/);
    assert.match(table, /eagle3\s+0\s+2x2, 3\s+20 \(2 datasets\)\s+1\.69\s+2x2, 3: 1\.69 \(lower bound: 20\.0% censored\)\s+1\.29\s+1x2, 2: 1\.64$/m);
    const md = renderShapeAdvice(rows, [profile('cheap', 1)], 'markdown');
    assert.match(md, /^### Shape advice, projected/);
    assert.match(md, /\| eagle3 \| 0 \| 2x2, 3 \| 20 \(2 datasets\) \| 1\.69 \| 2x2, 3: 1\.69 \(lower bound: 20\.0% censored\) \|/);
    // a profile without the method's costs: said, not guessed
    const none = adviseShapeAcross({ ...result, cells: result.cells.map((c) => ({ ...c, method: 'medusa' })) } as ResultFile, [profile('cheap', 1)], 0);
    assert.equal(none[0].profiles[0].missing, 'no costs for medusa');
  });
});
