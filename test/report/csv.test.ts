import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CSV_COLUMNS, csvField, renderCsv } from '../../src/report/csv.ts';
import { assertGolden, parseCsv, smallResult } from './helpers.ts';

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
    [tp[col('mean')], tp[col('ci_low')], tp[col('ci_high')], tp[col('n')], tp[col('values')], tp[col('unit')], tp[col('direction')]],
    ['76', '74.371', '77.629', '3', '76.1;75.3;76.6', 'tok/s', 'higher'],
  );
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
