import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exporters, isReportFormat, renderReport, REPORT_FORMATS, type ReportFormat } from '../../src/report/index.ts';
import { smallResult } from './helpers.ts';

test('one exporter per format, keyed by its own format', () => {
  assert.deepEqual(Object.keys(exporters).sort(), [...REPORT_FORMATS].sort());
  for (const f of REPORT_FORMATS) assert.equal(exporters[f].format, f);
});

test('renderReport dispatches and every format ends with a newline', () => {
  const r = smallResult();
  for (const f of REPORT_FORMATS) {
    const out = renderReport(r, f, { color: false });
    assert.equal(out, exporters[f].render(r, { color: false }));
    assert.ok(out.endsWith('\n'), f);
  }
  assert.ok(renderReport(r, 'md').startsWith('# prism-bench report: small\n'));
});

test('json is the result, pretty-printed with 2 spaces and a trailing newline', () => {
  const r = smallResult();
  const out = renderReport(r, 'json');
  assert.equal(out, `${JSON.stringify(r, null, 2)}\n`);
  assert.deepEqual(JSON.parse(out), r);
  assert.match(out, /^{\n {2}"schemaVersion": 1,/);
});

test('unknown formats are refused with the list of formats', () => {
  assert.equal(isReportFormat('md'), true);
  assert.equal(isReportFormat('html'), true);
  assert.equal(isReportFormat('pdf'), false);
  assert.throws(() => renderReport(smallResult(), 'pdf' as ReportFormat), /unknown report format "pdf" -- use one of terminal, table, md, csv, json, html/);
});

test('a result with no cells renders in every format', () => {
  const r = smallResult();
  r.cells = [];
  for (const f of REPORT_FORMATS) assert.ok(renderReport(r, f).endsWith('\n'), f);
  assert.equal(renderReport(r, 'csv').split('\n').length, 2, 'header only');
});
