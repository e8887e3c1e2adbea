// The HTML exporter on the small fixture: one self-contained page (libraries inlined, nothing
// fetched), the chart specs it embeds, and escaping of what the result holds; the method colours,
// clipped whiskers, sample counts, the grouped audit and the compact latency data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/index.ts';
import { latencyChart, positionChart, runCharts, speedupChart, speedupRows, wilson } from '../../src/report/charts.ts';
import { METHOD_COLORS, methodColors } from '../../src/report/colors.ts';
import { smallResult } from './helpers.ts';

/** The page without its inlined libraries, so a failed match prints something readable. */
const body = (html: string): string => html.slice(html.lastIndexOf('</head>'));

test('one self-contained page: Vega, Vega-Lite and vega-embed inlined, no src/href to anything', () => {
  const html = renderReport(smallResult(), 'html');
  assert.match(html, /^<!doctype html>/);
  for (const lib of ['vega', 'vega-lite', 'vega-embed']) assert.match(html, new RegExp(`/\\* ${lib} \\d+\\.\\d+\\.\\d+ \\*/`));
  // markup outside the inlined code: no element loads anything (the libraries' own text may mention URLs)
  const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '<script></script>');
  assert.doesNotMatch(markup, /\ssrc=|\shref=|https?:/i);
  assert.equal((html.match(/<\/script>/gi) ?? []).length, 2, 'no inlined text closes a script element early');
});

test('charts present for the data the result has, with their expected marks', () => {
  const r = smallResult();
  const html = renderReport(r, 'html');
  const charts = runCharts(r);
  assert.ok(charts.length > 0);
  for (const c of charts) assert.match(body(html), new RegExp(`id="${c.id}" data-expected-marks="${c.expectedMarks}"`));
  const speedup = speedupChart(r);
  const expected = r.cells.filter((c) => c.status === 'ok' && c.metrics.speedup).length;
  assert.equal(speedup?.expectedMarks ?? 0, expected);
  for (const s of ['id="audit"', 'id="settings"', 'id="hardware"']) assert.ok(html.includes(s), s);
});

test('text from the result is escaped', () => {
  const r = smallResult();
  r.audit = [{ check: 'noise', severity: 'warning', message: '<img src=x onerror=alert(1)></script>' }];
  const html = renderReport(r, 'html');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;'));
  assert.doesNotMatch(html, /<img src=x/);
});

test('an older result (schema 1, no latency data) renders without the latency chart', () => {
  const r = smallResult();
  assert.equal(r.schemaVersion, 1);
  assert.doesNotMatch(body(renderReport(r, 'html')), /id="chart-latency"/);
});

test('one colour per method: every chart takes its colours from the page map, a legend only what it draws', () => {
  const r = smallResult();
  const page = methodColors(r.cells);
  assert.equal(page.range[page.domain.indexOf('reference/ngram')], METHOD_COLORS.ngram);
  assert.equal(page.range[page.domain.indexOf('reference/vanilla')], METHOD_COLORS.vanilla);
  const scales: Array<{ domain: string[]; range: string[] }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.field === 'method' && (o.scale as { range?: unknown } | undefined)?.range) scales.push(o.scale as { domain: string[]; range: string[] });
      Object.values(o).forEach(walk);
    }
  };
  for (const c of runCharts(r)) walk(c.spec);
  assert.ok(scales.length >= 3);
  for (const s of scales) s.domain.forEach((m, i) => assert.equal(s.range[i], page.range[page.domain.indexOf(m)], m));
  assert.ok(!JSON.stringify(speedupChart(r)!.spec).includes('"reference/vanilla"'), 'no vanilla bar slot in the speedup chart');
});

test('a second draft of one method gets a colour of its own', () => {
  const c = (draft: string, method: string) => ({ engine: 'e', draft, method });
  const s = methodColors([c('vanilla', 'vanilla'), c('eagle3', 'eagle3'), c('eagle3-long', 'eagle3'), c('odd', 'mystery')]);
  assert.equal(s.range[1], METHOD_COLORS.eagle3);
  assert.equal(new Set(s.range).size, 4);
});

test('whiskers past the axis cap are flagged and keep their true high end', () => {
  const r = smallResult();
  const cell = r.cells.find((c) => c.metrics.speedup)!;
  cell.metrics.speedup!.interval = { low: 0.5, high: 40, halfWidth: 19.75, level: 0.95, method: 'paired' };
  const { rows, top } = speedupRows(r);
  const row = rows.find((x) => x.high === 40)!;
  assert.ok(row.clipped && row.shownHigh === top && top < 40);
  assert.match(speedupChart(r)!.caption, /1 clipped here/);
  assert.equal(rows.filter((x) => x.clipped).length, 1);
});

test('per-position points carry their sample counts and Wilson intervals; unreached positions are left out', () => {
  const r = smallResult();
  const cell = r.cells.find((c) => c.positionAcceptance)!;
  cell.positionAcceptance = { conditional: [0.5, 0.5, 0], unconditional: [0.5, 0.25, 0], cycles: 400 };
  const chart = positionChart(r)!;
  const rows = (chart.spec.data as { values: Array<{ dataset: string; method: string; temperature: string; position: number; n: number; low: number; high: number }> }).values
    .filter((x) => x.method === 'reference/ngram' && x.dataset === cell.dataset && x.temperature === `T = ${cell.temperature}`);
  assert.deepEqual(rows.map((x) => [x.position, x.n]), [[1, 400], [2, 200], [3, 100]]);
  assert.ok(rows[0]!.low < 0.5 && rows[0]!.high > 0.5);
  const w = wilson(1, 2);
  assert.ok(w.low > 0 && w.high < 1 && w.high - w.low > 0.8, 'two samples: a wide interval');
  assert.ok(wilson(1000, 2000).high - wilson(1000, 2000).low < 0.05);
});

test('the audit folds into <details> groups, errors first and open, notes folded', () => {
  const r = smallResult();
  r.audit = [
    ...Array.from({ length: 30 }, (_, i) => ({ check: 'noise', severity: 'info' as const, cell: `c${i}`, message: `note ${i}` })),
    { check: 'temperature', severity: 'warning', message: 'T off' },
    { check: 'lossless', severity: 'error', cell: 'c1', message: 'differs' },
  ];
  const audit = body(renderReport(r, 'html')).split('id="audit"')[1]!.split('</section>')[0]!;
  const groups = [...audit.matchAll(/<details class="audit-group" data-severity="(\w+)" data-check="(\w+)"( open)?>/g)].map((m) => `${m[1]} ${m[2]}${m[3] ?? ''}`);
  assert.deepEqual(groups, ['error lossless open', 'warning temperature open', 'info noise']);
  assert.match(audit, /1 error.*1 warning.*30 notes/);
  assert.match(audit, /noise<\/b>: 30 notes \(30 cells\)/);
});

test('vanilla\'s absolute throughput: a table at the top and the speedup caption', () => {
  const r = smallResult();
  const html = body(renderReport(r, 'html'));
  assert.match(html, /id="vanilla-throughput"/);
  const v = r.cells.find((c) => c.method === 'vanilla' && c.status === 'ok')!;
  const mean = v.metrics.throughput!.mean.toFixed(1);
  assert.ok(html.split('id="vanilla-throughput"')[1]!.split('</table>')[0]!.includes(mean), mean);
  assert.match(speedupChart(r)!.caption, new RegExp(`Vanilla \\(1x\\) in tok/s: .*${mean.replace('.', '\\.')}`));
});

test('latency percentiles travel as one array per cell and kind, not a row per percentile', () => {
  const r = smallResult();
  const cell = r.cells.find((c) => c.status === 'ok')!;
  r.schemaVersion = 2;
  cell.latency = { ttft: { count: 12, quantiles: Array.from({ length: 101 }, (_, i) => 10 + i / 3) } };
  const chart = latencyChart(r)!;
  const rows = (chart.spec.data as { values: Array<{ ms: number[]; n: number }> }).values;
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.ms.length, 101);
  assert.equal(rows[0]!.n, 12);
  assert.equal(chart.expectedMarks, 1);
  assert.match(JSON.stringify(chart.spec), /"type":"log"/);
});
