// projectResult's per-cell inputs on a hand-built result: the per-cycle server cost measured on the
// vanilla cell (TPOT less its verify pass) lands in both cycles, a tau-only cell projects from tau,
// cycles are priced at what they drafted on average, and --anchor scales the profile to the run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anchorFactor, projectResult, scaleProfile, shapeLabel } from '../../src/projection/result.ts';
import { PROFILE_FORMAT, parseProfile } from '../../src/profile/schema.ts';
import type { ResultFile } from '../../src/result/schema.ts';

const profile = parseProfile({
  format: PROFILE_FORMAT, version: 1, name: 'flat', provenance: 'transcribed', measuredBy: 'test', createdAt: '2026-12-06',
  machine: { description: 'ideal' }, engine: { name: 'none' }, model: { name: 'none' },
  target: { verify: [{ contextTokens: 0, points: [{ tokens: 1, ms: 4 }, { tokens: 64, ms: 4 }] }] },
  drafts: { eagle3: { kind: 'learned', extendMs: 0.4, steps: [{ rows: 1, ms: 0.4 }] } },
  overheads: { cycleMs: 0, requestMs: 0 },
}, 'test');

const m = (mean: number) => ({ mean, n: 2 });
function result(spec: Record<string, unknown>, draft = 'eagle3'): ResultFile {
  return {
    suite: { drafts: [{ name: 'vanilla', method: 'vanilla' }, { name: 'eagle3', method: 'eagle3', steps: 3 }, { name: 'tree', method: 'eagle3', steps: 3, topK: 4, verifiedTokens: 9 }] },
    cells: [
      { id: 'v', engine: 'e', draft: 'vanilla', method: 'vanilla', dataset: 'd', temperature: 0, status: 'ok', metrics: { tpot_ms: m(5.5), verify_ms_per_cycle: m(4) } },
      { id: 's', engine: 'e', draft, method: 'eagle3', dataset: 'd', temperature: 0, status: 'ok', ...spec },
    ],
  } as unknown as ResultFile;
}

describe('projectResult', () => {
  const pa = { conditional: [0.8, 0.5, 0.5], unconditional: [0.8, 0.4, 0.2], cycles: 1000 };
  it('--cycle-ms measured: the vanilla cell\'s TPOT less its verify ms is added to every cycle', () => {
    const r = result({ metrics: {}, positionAcceptance: pa });
    const plain = projectResult(r, profile, { context: 0, promptTokens: 0, requestMs: 0 })[0].projection!;
    const served = projectResult(r, profile, { context: 0, promptTokens: 0, requestMs: 0, cycleMs: 'measured' })[0].projection!;
    assert.ok(Math.abs(plain.cycle.totalMs - (0.4 + 2 * 0.4 + 4)) < 1e-12);
    assert.ok(Math.abs(served.cycle.totalMs - plain.cycle.totalMs - 1.5) < 1e-12);
    assert.ok(Math.abs(served.vanillaCycleMs - 5.5) < 1e-12);
    // tau 2.4: 2.4 x 4 / 5.2 without, 2.4 x 5.5 / 6.7 with the server's share
    assert.ok(Math.abs(plain.speedup - (2.4 * 4) / 5.2) < 1e-9);
    assert.ok(Math.abs(served.speedup - (2.4 * 5.5) / 6.7) < 1e-9);
    const fixed = projectResult(r, profile, { context: 0, promptTokens: 0, requestMs: 0, cycleMs: 1.5 })[0].projection!;
    assert.equal(fixed.speedup, served.speedup);
  });
  it('a cell with only the pooled acceptance length projects at its setting from tau alone', () => {
    const r = result({ metrics: { accept_length_pooled: { mean: 2.4, n: 1 } } });
    const p = projectResult(r, profile, { context: 0, promptTokens: 0, requestMs: 0 })[0];
    assert.equal(p.tauOnly, true);
    assert.equal(p.advice, undefined);
    assert.ok(Math.abs(p.projection!.speedup - (2.4 * 4) / 5.2) < 1e-9);
  });
  // a verify pass that costs 4 ms for 1 token and 4 + 0.5 (k - 1) ms for k: the drafted count shows
  const sloped = parseProfile({ ...profile, target: { verify: [{ contextTokens: 0, points: [{ tokens: 1, ms: 4 }, { tokens: 65, ms: 36 }] }] } }, 'test');
  it('a chain cut short near the end of its requests is priced at what it drafted: fewer steps, a shorter verify', () => {
    // accepted 1.4 per cycle at a draft acceptance rate of 0.5: 2.8 drafted per cycle of a 3-step chain
    const r = result({ metrics: { draft_accept_rate: m(0.5) }, positionAcceptance: pa });
    const p = projectResult(r, sloped, { context: 0, promptTokens: 0, requestMs: 0 })[0];
    assert.deepEqual(p.nominal, { method: 'eagle3', draftTokens: 3, steps: 3, topK: 1 });
    assert.ok(Math.abs(p.shape.draftTokens - 2.8) < 1e-12 && Math.abs(p.shape.steps - 2.8) < 1e-12);
    assert.ok(Math.abs(p.projection!.cycle.draftMs - (0.4 + 1.8 * 0.4)) < 1e-12);
    assert.ok(Math.abs(p.projection!.cycle.verifyMs - (4 + 0.5 * 2.8)) < 1e-12);
    assert.equal(shapeLabel(p.nominal, p.shape), 'chain 3 (2.8 drafted per cycle)');
    // without the rate the setting prices it
    const plain = projectResult(result({ metrics: {}, positionAcceptance: pa }), sloped, { context: 0, promptTokens: 0, requestMs: 0 })[0];
    assert.ok(Math.abs(plain.projection!.cycle.verifyMs - (4 + 0.5 * 3)) < 1e-12);
  });
  it('a tree cut short still runs all its steps and verifies fewer nodes', () => {
    const r = result({ metrics: { draft_accept_rate: m(0.2) }, positionAcceptance: pa }, 'tree');
    const p = projectResult(r, sloped, { context: 0, promptTokens: 0, requestMs: 0 })[0];
    assert.deepEqual(p.nominal, { method: 'eagle3', draftTokens: 8, steps: 3, topK: 4 });
    assert.ok(Math.abs(p.shape.draftTokens - 7) < 1e-12);
    assert.equal(p.shape.steps, 3);
    assert.ok(Math.abs(p.projection!.cycle.verifyMs - (4 + 0.5 * 7)) < 1e-12);
    assert.equal(shapeLabel(p.nominal, p.shape), 'tree 3x4, 8 (7.0 drafted per cycle)');
  });
  it('--anchor scales every cost so the 1-token pass equals the run\'s vanilla verify ms', () => {
    const r = result({ metrics: {}, positionAcceptance: pa });
    r.cells[0].metrics.verify_ms_per_cycle = m(6) as unknown as typeof r.cells[0]['metrics'][string];
    assert.equal(anchorFactor(r, profile, 0), 1.5);
    const scaled = scaleProfile(profile, 1.5);
    assert.equal(scaled.target.verify[0].points[1].ms, 6);
    const d = scaled.drafts.eagle3;
    assert.ok(d.kind === 'learned' && Math.abs(d.extendMs - 0.6) < 1e-12 && Math.abs(d.steps[0].ms - 0.6) < 1e-12);
    const a = projectResult(r, profile, { context: 0, promptTokens: 0, requestMs: 0, anchor: true })[0].projection!;
    assert.ok(Math.abs(a.cycle.totalMs - 1.5 * (0.4 + 2 * 0.4 + 4)) < 1e-12);
    assert.ok(Math.abs(a.vanillaCycleMs - 6) < 1e-12);
    // a uniform slowdown leaves the decode speedup as it was
    const plain = projectResult(r, profile, { context: 0, promptTokens: 0, requestMs: 0 })[0].projection!;
    assert.ok(Math.abs(a.speedup - plain.speedup) < 1e-12);
    const noVanilla = { ...r, cells: r.cells.slice(1) } as ResultFile;
    assert.throws(() => anchorFactor(noVanilla, profile, 0), /--anchor: the result has no vanilla cell/);
  });
});
