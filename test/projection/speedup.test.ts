// The speedup model on hand-built acceptance curves and profiles whose answers are known in
// closed form (Leviathan et al. 2023's expected tokens and walltime improvement).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adviseDepth, capDrafted, cycleCost, interpolate, positionCounts, project, speedupOf, tokensPerCycle, verifyMs, type DraftShape } from '../../src/projection/speedup.ts';
import { PROFILE_FORMAT, parseProfile, type Profile } from '../../src/profile/schema.ts';
import type { PositionAcceptance } from '../../src/result/schema.ts';

/** verify costs `t` ms whatever the tokens (memory-bound ideal), a draft step costs c * t */
function flatProfile(t: number, c: number, extra: Partial<Profile> = {}): Profile {
  return parseProfile({
    format: PROFILE_FORMAT, version: 1, name: 'flat', provenance: 'transcribed', measuredBy: 'test', createdAt: '2026-12-05',
    machine: { description: 'ideal' }, engine: { name: 'none' }, model: { name: 'none' },
    target: { verify: [{ contextTokens: 0, points: [{ tokens: 1, ms: t }, { tokens: 64, ms: t }] }] },
    drafts: {
      eagle3: { kind: 'learned', extendMs: c * t, steps: [{ rows: 1, ms: c * t }, { rows: 16, ms: c * t }] },
      ngram: { kind: 'fixed', cycleMs: 0 },
    },
    overheads: { cycleMs: 0, requestMs: 0 },
    ...extra,
  }, 'test');
}

/** a chain whose every position accepts with probability alpha, gamma positions, many cycles */
function geometric(alpha: number, gamma: number, cycles = 1_000_000): PositionAcceptance {
  return { conditional: Array(gamma).fill(alpha), unconditional: Array.from({ length: gamma }, (_, i) => alpha ** (i + 1)), cycles };
}

describe('speedup model: closed forms', () => {
  it('tokens per cycle of a geometric chain is (1 - a^(g+1)) / (1 - a)', () => {
    for (const [a, g] of [[0.8, 4], [0.6, 6], [0.95, 10]] as const) {
      assert.ok(Math.abs(tokensPerCycle(geometric(a, g).unconditional) - (1 - a ** (g + 1)) / (1 - a)) < 1e-12);
    }
  });
  it("a chain on a flat-verify profile gives Leviathan's walltime improvement (1 - a^(g+1)) / ((1 - a)(g c + 1))", () => {
    for (const [a, g, c] of [[0.8, 4, 0.05], [0.7, 6, 0.1], [0.9, 3, 0.25]] as const) {
      const shape: DraftShape = { method: 'eagle3', draftTokens: g, steps: g, topK: 1 };
      const p = project(geometric(a, g), shape, flatProfile(10, c), 0);
      const expected = (1 - a ** (g + 1)) / ((1 - a) * (g * c + 1));
      assert.ok(Math.abs(p.speedup - expected) < 1e-9, `${p.speedup} vs ${expected}`);
    }
  });
  it('a tree costs the extend pass plus (steps - 1) steps over top-k rows, and verifies its nodes + 1 tokens', () => {
    const prof = parseProfile({
      ...flatProfile(10, 0.1),
      target: { verify: [{ contextTokens: 0, points: [{ tokens: 1, ms: 10 }, { tokens: 17, ms: 12 }] }] },
      drafts: { eagle3: { kind: 'learned', extendMs: 1, steps: [{ rows: 1, ms: 0.5 }, { rows: 4, ms: 0.8 }] } },
      overheads: { cycleMs: 0.2, requestMs: 0 },
    }, 'test');
    const c = cycleCost(prof, { method: 'eagle3', draftTokens: 16, steps: 6, topK: 4 }, 100);
    assert.ok(Math.abs(c.draftMs - (1 + 5 * 0.8)) < 1e-12);
    assert.ok(Math.abs(c.verifyMs - 12) < 1e-12);
    assert.ok(Math.abs(c.totalMs - (5 + 12 + 0.2)) < 1e-12);
    // tree acceptance: tau = 1 + sum of unconditional rates, whatever the shape
    const pa: PositionAcceptance = { conditional: [0.9, 0.8, 0.5], unconditional: [0.9, 0.72, 0.36], cycles: 10_000 };
    const p = project(pa, { method: 'eagle3', draftTokens: 16, steps: 6, topK: 4 }, prof, 100);
    assert.ok(Math.abs(p.speedup - (2.98 * 10.2) / 17.2) < 1e-9);
  });
  it('whole requests: a fixed per-request cost dilutes the speedup, (R + (N-1) T0) / (R + (N-1) T / tau)', () => {
    assert.equal(speedupOf(3, 12, 10), 2.5);
    assert.ok(Math.abs(speedupOf(3, 12, 10, { outputTokens: 31, fixedMs: 60 }) - (60 + 300) / (60 + 120)) < 1e-12);
  });
  it('interpolates along tokens, then along context, clamping context to the measured range', () => {
    assert.equal(interpolate([{ x: 1, y: 1 }, { x: 3, y: 5 }], 2), 3);
    assert.equal(interpolate([{ x: 1, y: 1 }, { x: 3, y: 5 }], 4), 7); // the end segment's line
    const prof = parseProfile({ ...flatProfile(1, 0), target: { verify: [
      { contextTokens: 100, points: [{ tokens: 1, ms: 2 }, { tokens: 9, ms: 4 }] },
      { contextTokens: 300, points: [{ tokens: 1, ms: 4 }, { tokens: 9, ms: 8 }] },
    ] } }, 'test');
    assert.equal(verifyMs(prof, 5, 200), (3 + 6) / 2);
    assert.equal(verifyMs(prof, 1, 1000), 4);
  });
});

describe('speedup model: the acceptance interval', () => {
  it('recovers the position counts from the stored rates', () => {
    const pa: PositionAcceptance = { conditional: [0.5, 0.5], unconditional: [0.5, 0.25], cycles: 8 };
    assert.deepEqual(positionCounts(pa), { trials: [8, 4], successes: [4, 2] });
  });
  it('contains the point, and narrows as cycles grow', () => {
    const shape: DraftShape = { method: 'eagle3', draftTokens: 4, steps: 4, topK: 1 };
    const prof = flatProfile(10, 0.05);
    const few = project(geometric(0.8, 4, 50), shape, prof, 0);
    const many = project(geometric(0.8, 4, 50_000), shape, prof, 0);
    for (const p of [few, many]) assert.ok(p.interval && p.interval[0] <= p.speedup && p.speedup <= p.interval[1], JSON.stringify(p));
    assert.ok(many.interval![1] - many.interval![0] < (few.interval![1] - few.interval![0]) / 10);
  });
});

describe('profile files', () => {
  it('a bad field is one line naming the file, the field and the fix', () => {
    const bad = { ...flatProfile(10, 0.1), target: { verify: [{ contextTokens: 0, points: [{ tokens: 0, ms: 1 }] }] } };
    assert.throws(() => parseProfile(bad, 'p.json'), (e: Error) => /^profile p\.json: target\.verify\[0\]\.points\[0\]\.tokens: .*; give each curve/.test(e.message) && !e.message.includes('\n'));
    assert.throws(() => parseProfile({ ...flatProfile(10, 0.1), version: 2 }, 'p.json'), /profile p\.json: version: .*"format": "prism-bench-profile"/);
    assert.throws(() => parseProfile({ ...flatProfile(10, 0.1), drafts: { x: { kind: 'learned' } } }, 'p.json'), /profile p\.json: drafts\.x\.extendMs/);
  });
});

describe('depth advice', () => {
  it('a geometric chain on a flat-verify profile peaks where the closed form does', () => {
    const a = 0.8, c = 0.1;
    const adv = adviseDepth(geometric(a, 12), { method: 'eagle3', draftTokens: 12, steps: 12, topK: 1 }, flatProfile(10, c), 0);
    const closed = (g: number) => (1 - a ** (g + 1)) / ((1 - a) * (g * c + 1));
    const bestG = [...Array(12).keys()].map((i) => i + 1).reduce((x, y) => (closed(y) > closed(x) ? y : x));
    assert.equal(adv.best.depth, bestG);
    assert.ok(Math.abs(adv.best.speedup - closed(bestG)) < 1e-9);
    assert.equal(adv.exact, true);
  });
  it('prices each depth at what the cell drafted per cycle (cut-short cycles): depths beyond it cost no more steps', () => {
    const chain = { method: 'eagle3', draftTokens: 12, steps: 12, topK: 1 };
    assert.deepEqual(capDrafted(chain, 3.5), { ...chain, draftTokens: 3.5, steps: 3.5 });
    assert.deepEqual(capDrafted({ ...chain, topK: 4, steps: 6 }, 3.5), { ...chain, topK: 4, steps: 6, draftTokens: 3.5 });
    assert.equal(capDrafted(chain, 20), chain);
    const adv = adviseDepth(geometric(0.8, 12), chain, flatProfile(10, 0.1), 0, 3.5);
    const cycle = (d: number) => adv.curve[d - 1].cycleMs;
    assert.ok(Math.abs(cycle(3) - 10 * (1 + 0.3)) < 1e-9);
    assert.ok(Math.abs(cycle(4) - 10 * (1 + 0.35)) < 1e-9);
    assert.equal(cycle(8), cycle(4));
  });
});
