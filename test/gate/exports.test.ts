import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  githubBenchmarkPaths, measureSlug, toBencherBmf, toGithubBenchmark, writeBencherBmf, writeGithubBenchmark,
} from '../../src/gate/exports.ts';
import { comparable, makeCell, tempDir, trials } from './helpers.ts';

const run = () => comparable({
  cells: [
    makeCell({ metrics: { throughput: trials(80, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } }),
    makeCell({ draft: 'vanilla', metrics: { throughput: [40] } }),
    makeCell({ dataset: 'code', status: 'failed', error: 'boom', metrics: {} }),
  ],
});

test('Bencher Metric Format: {benchmark: {measure: {value, lower_value, upper_value}}}', () => {
  const bmf = toBencherBmf(run());
  assert.deepEqual(Object.keys(bmf), ['reference/ngram/chat/T0', 'reference/vanilla/chat/T0'], 'failed cells are left out');
  const ngram = bmf['reference/ngram/chat/T0']!;
  assert.deepEqual(Object.keys(ngram), ['throughput', 'accept-length-pooled', 'e2e-ms']);
  const tp = ngram.throughput!;
  assert.deepEqual(Object.keys(tp), ['value', 'lower_value', 'upper_value']);
  assert.ok(Math.abs(tp.value - 80) < 1e-9);
  assert.ok(tp.lower_value! < tp.value && tp.value < tp.upper_value!);
  // without an interval only the required value is written
  assert.deepEqual(bmf['reference/vanilla/chat/T0'], { throughput: { value: 40 } });
  for (const measures of Object.values(bmf)) {
    for (const [slug, m] of Object.entries(measures)) {
      assert.match(slug, /^[a-z0-9-]{1,64}$/);
      assert.equal(typeof m.value, 'number');
    }
  }
});

test('github-action-benchmark: [{name, unit, value, range?, extra?}] split by direction', () => {
  const { biggerIsBetter, smallerIsBetter } = toGithubBenchmark(run());
  assert.deepEqual(biggerIsBetter.map((e) => e.name), ['reference/ngram/chat/T0 throughput', 'reference/ngram/chat/T0 accept_length_pooled', 'reference/vanilla/chat/T0 throughput']);
  assert.deepEqual(smallerIsBetter.map((e) => e.name), ['reference/ngram/chat/T0 e2e_ms']);
  const tp = biggerIsBetter[0]!;
  assert.deepEqual(Object.keys(tp), ['name', 'unit', 'value', 'range', 'extra']);
  assert.equal(tp.unit, 'tok/s');
  assert.ok(Math.abs(tp.value - 80) < 1e-9);
  assert.match(tp.range!, /^\[[0-9.]+, [0-9.]+\]$/, 'a t interval on the log scale is not symmetric');
  assert.match(tp.extra!, /^5 trials; 95% CI \[[0-9.]+, [0-9.]+\] \(t\)$/);
  assert.deepEqual(biggerIsBetter[2], { name: 'reference/vanilla/chat/T0 throughput', unit: 'tok/s', value: 40, extra: '1 trial' });
  for (const e of [...biggerIsBetter, ...smallerIsBetter]) {
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.unit, 'string');
    assert.equal(typeof e.value, 'number');
    if (e.range !== undefined) assert.equal(typeof e.range, 'string');
    if (e.extra !== undefined) assert.equal(typeof e.extra, 'string');
  }
});

test('issue 23: github-action-benchmark range: [low, high] for an asymmetric interval, ± only for a symmetric one', () => {
  const r = run();
  const m = r.cells[0]!.metrics.throughput!;
  m.mean = 1.47;
  m.interval = { low: 0.34, high: 6.26, halfWidth: 2.96, level: 0.95, method: 'paired' };
  assert.equal(toGithubBenchmark(r).biggerIsBetter[0]!.range, '[0.34, 6.26]');
  m.interval = { low: 1.22, high: 1.72, halfWidth: 0.25, level: 0.95, method: 't' };
  assert.equal(toGithubBenchmark(r).biggerIsBetter[0]!.range, '± 0.25');
  // symmetric but reaching below 0 from a positive value
  m.interval = { low: -1.53, high: 4.47, halfWidth: 3, level: 0.95, method: 't' };
  assert.equal(toGithubBenchmark(r).biggerIsBetter[0]!.range, '[-1.53, 4.47]');
});

test('writers: BMF to FILE, github-action-benchmark to FILE.bigger.json and FILE.smaller.json', (t) => {
  const dir = tempDir(t);
  const bmfPath = writeBencherBmf(join(dir, 'bmf.json'), run());
  assert.deepEqual(JSON.parse(readFileSync(bmfPath, 'utf8')), toBencherBmf(run()));
  assert.deepEqual(githubBenchmarkPaths('out/gab.json'), { bigger: 'out/gab.bigger.json', smaller: 'out/gab.smaller.json' });
  assert.deepEqual(githubBenchmarkPaths('gab'), { bigger: 'gab.bigger.json', smaller: 'gab.smaller.json' });
  const paths = writeGithubBenchmark(join(dir, 'gab.json'), run());
  const expected = toGithubBenchmark(run());
  assert.deepEqual(JSON.parse(readFileSync(paths.bigger, 'utf8')), expected.biggerIsBetter);
  assert.deepEqual(JSON.parse(readFileSync(paths.smaller, 'utf8')), expected.smallerIsBetter);
});

test('measure slugs are kebab case', () => {
  assert.equal(measureSlug('accept_length_pooled'), 'accept-length-pooled');
  assert.equal(measureSlug('throughput'), 'throughput');
  assert.equal(measureSlug('Draft MS/step'), 'draft-ms-step');
});
