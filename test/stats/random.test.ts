import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32, randomIndex, standardNormal } from '../../src/stats/random.ts';

describe('mulberry32', () => {
  it('is reproducible and in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
  it('matches the reference mulberry32 stream for seed 1', () => {
    // First outputs of the canonical C mulberry32 (uint32, then / 2^32) for seed 1, computed in Python.
    const r = mulberry32(1);
    const first = [r(), r(), r()].map((x) => Math.round(x * 4294967296));
    assert.deepEqual(first, [2693262067, 11749833, 2265367787]);
  });
  it('is roughly uniform', () => {
    const r = mulberry32(99);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100000; i++) counts[randomIndex(r, 10)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, `bucket ${c}`);
  });
});

describe('standardNormal', () => {
  it('is Box-Muller on two draws in order: sqrt(-2 ln(1 - u1)) cos(2 pi u2), the stream the benches were calibrated with', () => {
    const r = mulberry32(5), u = mulberry32(5);
    for (let i = 0; i < 100; i++) {
      const u1 = u(), u2 = u();
      assert.equal(standardNormal(r), Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
    }
  });
  it('has mean 0 and variance 1', () => {
    const r = mulberry32(11);
    const xs = Array.from({ length: 50000 }, () => standardNormal(r));
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
    assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.03, `variance ${variance}`);
  });
});
