// projectResult's per-cell inputs on a hand-built result: the per-cycle server cost measured on the
// vanilla cell (TPOT less its verify pass) lands in both cycles, and a tau-only cell projects from tau.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { projectResult } from '../../src/projection/result.ts';
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
function result(spec: Record<string, unknown>): ResultFile {
  return {
    suite: { drafts: [{ name: 'vanilla', method: 'vanilla' }, { name: 'eagle3', method: 'eagle3', steps: 3 }] },
    cells: [
      { id: 'v', engine: 'e', draft: 'vanilla', method: 'vanilla', dataset: 'd', temperature: 0, status: 'ok', metrics: { tpot_ms: m(5.5), verify_ms_per_cycle: m(4) } },
      { id: 's', engine: 'e', draft: 'eagle3', method: 'eagle3', dataset: 'd', temperature: 0, status: 'ok', ...spec },
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
});
