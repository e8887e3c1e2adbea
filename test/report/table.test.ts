import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from '../../src/report/table.ts';
import { smallResult } from './helpers.ts';

const ANSI = /\u001b\[/;

test('color=false: no ANSI escape codes, every cell draft and dataset present', () => {
  const r = smallResult();
  const out = renderTable(r, { color: false });
  assert.doesNotMatch(out, ANSI);
  const rows = out.split('\n').filter((l) => l.startsWith('│ reference'));
  assert.equal(rows.length, r.cells.length);
  r.cells.forEach((cell, i) => {
    const fields = rows[i].split('│').map((s) => s.trim());
    assert.equal(fields[2], cell.draft, cell.id);
    assert.equal(fields[3], cell.dataset, cell.id);
  });
  assert.equal(renderTable(r), out, 'color defaults to off');
});

test('color=true uses ANSI codes', () => {
  assert.match(renderTable(smallResult(), { color: true }), ANSI);
});

test('failed cells show the error, truncated; numbers and marks elsewhere', () => {
  const r = smallResult();
  r.cells.find((c) => c.status === 'failed')!.error = `boom ${'x'.repeat(300)}`;
  const out = renderTable(r, { color: false });
  const failed = out.split('\n').find((l) => l.includes('│ failed'))!;
  assert.match(failed, /boom x+…/);
  assert.ok(!failed.includes('x'.repeat(120)));
  // the speedups' paired intervals are asymmetric, [1.79, 1.90] about 1.85, so no ± half-width
  assert.match(out, /1\.85 \[1\.79, 1\.90\]\*/);
  assert.match(out, /│ ok ! +│ +55\.2 \[37\.4, 81\.4\] │ +1\.35 \[0\.91, 1\.99\] │/);
});

test('issue 23: the table shows a stored asymmetric speedup interval as [low, high], not as ± half its width', () => {
  const out = renderTable(smallResult(), { color: false });
  // stored: [0.914, 1.989] about 1.349; "1.35 ± 0.54" put the low bound at 0.81
  assert.match(out, /│ +1\.35 \[0\.91, 1\.99\] │/);
  assert.doesNotMatch(out, /± 0\.54/);
  // small.json is a schema-1 result: its linear t intervals are recomputed on the log scale when it loads
  assert.doesNotMatch(out, /55\.2 ± 21\.4/);
  for (const m of out.matchAll(/\[(-?[0-9.]+), (-?[0-9.]+)\]/g)) assert.ok(Number(m[1]) > 0, m[0]);
});

test('below the table: audit warnings and errors only, legend, metric lines', () => {
  const out = renderTable(smallResult(), { color: false });
  const below = out.slice(out.lastIndexOf('┘') + 1);
  assert.match(below, /^ {2}warning \[variance\] reference\/ngram\/chat\/T1: /m);
  assert.match(below, /^ {2}error \[complete\] reference\/ngram\/code\/T1: /m);
  assert.doesNotMatch(below, /identical sampling settings/, 'info findings are left out');
  assert.match(below, /^Legend:\n {2}\[low, high\] .*; ± h where the interval is symmetric.*\n {2}\* .*\n {2}! /m);
  assert.match(below, /^ {2}Throughput \(tok\/s, higher is better\): Output tokens/m);
  assert.match(below, /^ {2}τ pooled = Accept length \(pooled\)/m);
  assert.doesNotMatch(below, /TPOT/, 'only metrics shown in the table are defined');
  assert.ok(out.endsWith('\n'));
});

test('acceptance from engine counters (vLLM, TensorRT-LLM) gets its own τ column, only where some cell has it', () => {
  const r = smallResult();
  assert.doesNotMatch(renderTable(r), /τ engine/);
  const cell = r.cells.find((c) => c.status === 'ok' && c.draft === 'ngram')!;
  cell.metrics.accept_length_engine = { ...cell.metrics.accept_length_pooled!, id: 'accept_length_engine', label: 'Accept length (engine counters)', mean: 2.345 };
  delete (cell.metrics as Record<string, unknown>).accept_length_pooled;
  const out = renderTable(r, { color: false });
  const head = out.split('\n').find((l) => l.includes('τ pooled'))!;
  assert.ok(head.indexOf('τ mean') < head.indexOf('τ engine') && head.indexOf('τ engine') < head.indexOf('Draft ms'), head);
  const line = out.split('\n').find((l) => l.includes(`│ ${cell.draft}`) && l.includes(`│ ${cell.dataset}`) && l.includes('2.35'))!;
  assert.ok(line, 'the counters figure is shown in the row');
  assert.match(out, /^ {2}τ engine = Accept length \(engine counters\)/m);
});
