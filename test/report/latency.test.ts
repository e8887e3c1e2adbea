// Latency percentiles in every report format, on the small fixture with percentiles added to one cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/index.ts';
import { METRIC_LIST } from '../../src/metrics/definitions.ts';
import { parseCsv, smallResult } from './helpers.ts';
import type { MetricValue, ResultFile } from '../../src/result/schema.ts';

function withPercentiles(): ResultFile {
  const r = smallResult();
  const cell = r.cells.find((c) => c.status === 'ok')!;
  const values: Record<string, number> = {
    ttft_p50_ms: 12.5, ttft_p90_ms: 20, ttft_p99_ms: 31.25, tpot_p50_ms: 4, tpot_p90_ms: 5, tpot_p99_ms: 6,
    itl_token_p50_ms: 3.5, itl_token_p90_ms: 7, itl_token_p99_ms: 9.5, itl_chunk_p50_ms: 10, itl_chunk_p90_ms: 150, itl_chunk_p99_ms: 333,
  };
  for (const [id, v] of Object.entries(values)) {
    const def = METRIC_LIST.find((m) => m.id === id)!;
    cell.metrics[id] = { ...def, mean: v, n: 2, values: [v, v] } satisfies MetricValue;
  }
  return r;
}

test('older results (no percentiles) render no latency section', () => {
  const r = smallResult();
  assert.doesNotMatch(renderReport(r, 'table'), /Latency percentiles/);
  assert.doesNotMatch(renderReport(r, 'md'), /## Latency percentiles/);
});

test('terminal table: a latency table with p50 / p90 / p99 per kind, and the definitions', () => {
  const out = renderReport(withPercentiles(), 'table');
  assert.match(out, /Latency percentiles \(p50 \/ p90 \/ p99\):/);
  assert.match(out, /12\.5 \/ 20\.0 \/ 31\.3/);
  assert.match(out, /10\.0 \/ 150 \/ 333/);
  assert.match(out, /ITL\/chunk: one sample per gap/);
});

test('Markdown: latency section with a column per kind and every percentile defined', () => {
  const out = renderReport(withPercentiles(), 'md');
  assert.match(out, /## Latency percentiles/);
  assert.match(out, /\| +TTFT \(ms\) \| +TPOT \(ms\) \| +ITL\/token \(ms\) \| +ITL\/chunk \(ms\) \|/);
  assert.match(out, /3\.5 \/ 7\.0 \/ 9\.5/);
  assert.match(out, /\*\*ITL per token p99\*\* \(itl_token_p99_ms; ms, lower is better\): 99th percentile/);
});

test('CSV and JSON: one row per percentile metric, full precision', () => {
  const rows = parseCsv(renderReport(withPercentiles(), 'csv'));
  const head = rows[0];
  const metric = head.indexOf('metric'), mean = head.indexOf('mean');
  const ttft99 = rows.find((r) => r[metric] === 'ttft_p99_ms');
  assert.equal(ttft99?.[mean], '31.25');
  assert.equal(rows.filter((r) => /_p(50|90|99)_ms$/.test(r[metric])).length, 12);
  assert.match(renderReport(withPercentiles(), 'json'), /"itl_chunk_p90_ms": \{/);
});
