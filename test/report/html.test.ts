// The HTML exporter on the small fixture: one self-contained page (libraries inlined, nothing
// fetched), the chart specs it embeds, and escaping of what the result holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../../src/report/index.ts';
import { runCharts, speedupChart } from '../../src/report/charts.ts';
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
