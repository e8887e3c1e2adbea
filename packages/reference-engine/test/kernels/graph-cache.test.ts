import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder } from '../../src/kernels/onnx/graph.ts';
import { cachedSession, graphCache, cacheKey } from '../../src/kernels/onnx/graph-cache.ts';
import { tensorF32 } from '../../src/kernels/onnx/session.ts';

/** y = x @ W + 1, with W filled with `w` */
function graph(w: number): Uint8Array {
  const g = new GraphBuilder({ name: 't', opset: 17 });
  const x = g.input('x', 'float32', ['k', 4]);
  const y = g.op('Add', [g.op('MatMul', [x, g.initializer('w', new Float32Array(16).fill(w), [4, 4])]), g.constFloat32([1], 'one', [])]);
  g.node('Identity', [y], [g.output('y', 'float32', ['k', 4])]);
  return g.toModelBytes({ opset: 17 });
}

describe('graph cache', () => {
  const dirs: string[] = [];
  const saved = process.env.PRISM_GRAPH_CACHE;
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); process.env.PRISM_GRAPH_CACHE = saved; if (saved === undefined) delete process.env.PRISM_GRAPH_CACHE; });
  const fresh = () => { const d = mkdtempSync(join(tmpdir(), 'prism-graphs-')); dirs.push(d); return d; };
  const y = async (s: Awaited<ReturnType<typeof cachedSession>>) => Array.from((await s.run({ x: tensorF32([1, 2, 3, 4], [1, 4]) })).y.data as Float32Array);

  it('a miss builds and saves the optimized graph; a hit loads it without building, with the same outputs', async () => {
    delete process.env.PRISM_GRAPH_CACHE;
    const cache = graphCache(fresh())!;
    let builds = 0;
    const first = await cachedSession(cache, { w: 2 }, () => { builds++; return graph(2); });
    assert.equal(first.fromCache, false);
    assert.deepEqual(readdirSync(cache.dir), [`${cacheKey(cache, { w: 2 })}.onnx`]);
    const second = await cachedSession(cache, { w: 2 }, () => { builds++; return graph(2); });
    assert.equal(second.fromCache, true);
    assert.equal(builds, 1);
    assert.deepEqual(await y(second), await y(first));
    assert.deepEqual(await y(second), [21, 21, 21, 21]);
    // another key is another entry, never the first one's graph
    const other = await cachedSession(cache, { w: 3 }, () => graph(3));
    assert.equal(other.fromCache, false);
    assert.deepEqual(await y(other), [31, 31, 31, 31]);
    await first.release(); await second.release(); await other.release();
  });

  it('a damaged entry is rebuilt, not trusted', async () => {
    const cache = graphCache(fresh())!;
    writeFileSync(join(cache.dir, `${cacheKey(cache, { w: 2 })}.onnx`), 'not a model');
    const s = await cachedSession(cache, { w: 2 }, () => graph(2));
    assert.equal(s.fromCache, false);
    assert.deepEqual(await y(s), [21, 21, 21, 21]);
    await s.release();
    const again = await cachedSession(cache, { w: 2 }, () => graph(2));
    assert.equal(again.fromCache, true);
    await again.release();
  });

  it('PRISM_GRAPH_CACHE=off turns it off; a path moves it', () => {
    process.env.PRISM_GRAPH_CACHE = 'off';
    assert.equal(graphCache('/nowhere'), undefined);
    const d = fresh();
    process.env.PRISM_GRAPH_CACHE = d;
    assert.equal(graphCache('/nowhere')!.dir, d);
  });
});
