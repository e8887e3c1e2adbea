import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvField, renderCsv } from '../../src/report/csv.ts';
import { assertGolden, parseCsv, smallResult } from './helpers.ts';
import { readFileSync } from 'node:fs';
import { summarizeCell } from '../../src/stats/aggregate.ts';
import { validateResult, type ResultFile } from '../../src/result/schema.ts';

test('csv matches the golden file byte for byte', () => {
  assertGolden(renderCsv(smallResult()), 'small.csv');
});

test('csv parses back: one row per cell and metric, one per failed cell', () => {
  const r = smallResult();
  const rows = parseCsv(renderCsv(r));
  assert.deepEqual(rows[0], [...CSV_COLUMNS]);
  const expected = r.cells.reduce((n, c) => n + Math.max(1, Object.keys(c.metrics).length), 0);
  assert.equal(rows.length - 1, expected);
  assert.equal(expected, 54);
  for (const row of rows) assert.equal(row.length, CSV_COLUMNS.length);

  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
  const failed = rows.filter((row) => row[col('status')] === 'failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0][col('metric')], '');
  assert.equal(failed[0][col('error')], r.cells.find((c) => c.status === 'failed')!.error);

  const tp = rows.find((row) => row[col('draft')] === 'ngram' && row[col('dataset')] === 'chat' && row[col('temperature')] === '0' && row[col('metric')] === 'throughput')!;
  assert.deepEqual(
    [tp[col('mean')], tp[col('ci_low')], tp[col('ci_high')], tp[col('ci_method')], tp[col('n')], tp[col('values')], tp[col('unit')], tp[col('direction')]],
    ['76', '74.3883751730062', '77.64654069357836', 't-log', '3', '76.1;75.3;76.6', 'tok/s', 'higher'],
  );
});

const throughputRow = (csv: string, cellId: string) => {
  const rows = parseCsv(csv);
  const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
  const row = rows.find((x) => `${x[col('engine')]}/${x[col('draft')]}/${x[col('dataset')]}/T${x[col('temperature')]}` === cellId && x[col('metric')] === 'throughput')!;
  return { low: Number(row[col('ci_low')]), high: Number(row[col('ci_high')]), method: row[col('ci_method')], mean: Number(row[col('mean')]) };
};

test('issue 23: a throughput with wide trials gets a positive ci_low (t on the log scale), never a negative tok/s', () => {
  const r = smallResult();
  const cell = r.cells.find((c) => c.id === 'reference/ngram/chat/T1')!;
  [5, 30, 55].forEach((v, i) => { cell.trials[i].metrics.throughput = v; });
  summarizeCell(cell, []);
  const tp = throughputRow(renderCsv(r), cell.id);
  assert.equal(tp.mean, 30);
  assert.ok(tp.low > 0, `ci_low ${tp.low}`); // linear t: 30 - 4.303 * 25 / sqrt(3) = -32.1
  assert.ok(tp.low < 30 && tp.high > 30);
  assert.equal(tp.method, 't-log');
});

test('issue 23: a result written with a linear ci_low below 0 (-22.2 tok/s) gives a positive one in report.csv', () => {
  const raw = JSON.parse(readFileSync(new URL('../fixtures/results/small.json', import.meta.url), 'utf8')) as ResultFile;
  const cell = raw.cells.find((c) => c.id === 'reference/ngram/chat/T1')!;
  cell.metrics.throughput = { ...cell.metrics.throughput, mean: 30, values: [9, 30, 51], interval: { low: -22.2, high: 82.2, halfWidth: 52.2, level: 0.95, method: 't' } };
  const tp = throughputRow(renderCsv(validateResult(raw)), cell.id);
  assert.ok(tp.low > 0, `ci_low ${tp.low}`);
  assert.equal(tp.method, 't-log');
});

test('a field with a comma, quotes and a newline survives the round trip', () => {
  const r = smallResult();
  const nasty = 'draft, "quoted" and\r\nsplit';
  r.cells[1].draft = nasty;
  r.cells[1].dataset = 'plain';
  const rows = parseCsv(renderCsv(r));
  const hits = rows.filter((row) => row[CSV_COLUMNS.indexOf('draft')] === nasty);
  assert.equal(hits.length, Object.keys(r.cells[1].metrics).length);
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('plain'), 'plain');
});
