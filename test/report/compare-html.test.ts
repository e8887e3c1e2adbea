// The comparison page (compare --html, gate --html): ratio chart with one point per compared
// cell and metric, the suite-level verdict and the gate's headline; written by the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareRuns } from '../../src/gate/compare.ts';
import { runGate } from '../../src/report/gate.ts';
import { ratioChart, renderCompareHtml, sideName } from '../../src/report/compare-html.ts';
import { comparable, makeCell, makeResult, runCli, tempDir, trials, writeRun } from '../gate/helpers.ts';

const vanilla = () => makeCell({ draft: 'vanilla' });
const slower = () => makeCell({ metrics: { throughput: trials(64, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } });

/** The page without its inlined libraries, so a failed match prints something readable. */
const body = (html: string): string => html.slice(html.lastIndexOf('</head>'));

test('ratio chart: one point per cell and metric with a ratio; the page carries the verdicts', () => {
  const report = compareRuns(comparable(), comparable({ runId: 'run-b', cells: [vanilla(), slower()] }), {});
  const chart = ratioChart(report);
  assert.equal(chart?.expectedMarks, report.comparisons.filter((c) => c.ratio !== null).length);
  const html = renderCompareHtml(report);
  assert.match(body(html), /id="chart-ratio" data-expected-marks="\d+"/);
  assert.match(body(html), /suite throughput: 0\.8\d\dx/);
  assert.match(body(html), /<td[^>]*>regression<\/td>/);
});

test('gate page leads with the gate headline', () => {
  const out = runGate(comparable(), comparable({ runId: 'run-b', cells: [vanilla(), slower()] }));
  assert.match(body(renderCompareHtml(out.report, out.headline)), /<p class="verdict">REGRESSION/);
});

test('compare --html and gate --html write the page', (t) => {
  const dir = tempDir(t);
  const a = writeRun(dir, 'a', makeResult());
  const b = writeRun(dir, 'b', makeResult({ runId: 'run-b', cells: [vanilla(), slower()] }));
  const c = runCli(['compare', a, b, '--html', join(dir, 'compare.html')]);
  assert.equal(c.code, 0, c.stderr);
  const page = body(readFileSync(join(dir, 'compare.html'), 'utf8'));
  // titled by the run folders; the run ids in small print
  assert.match(page, /<h1>prism-bench compare: b against a<\/h1>/);
  assert.match(page, /<span class="small">\(run run-b\)<\/span>/);
  const g = runCli(['gate', '--baseline', a, b, '--html', join(dir, 'gate.html')]);
  assert.equal(g.code, 1, g.stderr);
  assert.ok(existsSync(join(dir, 'gate.html')));
  assert.match(body(readFileSync(join(dir, 'gate.html'), 'utf8')), /class="verdict">REGRESSION/);
});

test('sides are named by their run folder (a paired side with its engine), baselines by name; ratios on a log axis', () => {
  const side = { kind: 'result' as const, path: '/r/2026-12-05T16-35-48-default/result.json', label: 'uuid-1', runId: 'uuid-1', createdAt: '' };
  assert.equal(sideName(side), '2026-12-05T16-35-48-default');
  assert.equal(sideName({ ...side, label: 'uuid-1 engine head' }), '2026-12-05T16-35-48-default engine head');
  assert.equal(sideName({ ...side, path: '/r/old.json' }), 'old');
  assert.equal(sideName({ ...side, kind: 'baseline', label: 'nightly' }), 'nightly');
  assert.equal(sideName({ ...side, path: '' }), 'uuid-1');
  const report = compareRuns(comparable(), comparable({ runId: 'run-b', cells: [vanilla(), slower()] }), {});
  assert.match(JSON.stringify(ratioChart(report)!.spec), /"scale":\{"type":"log"\}/);
});
