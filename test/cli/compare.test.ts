import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fingerprint, makeCell, makeResult, runCli, tempDir, trials, writeRun } from '../gate/helpers.ts';

const slowNgram = () => makeCell({ metrics: { throughput: trials(64, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } });

test('compare prints a table per cell and metric and exits 0, even with a regression', (t) => {
  const dir = tempDir(t);
  const a = writeRun(dir, 'a', makeResult());
  const b = writeRun(dir, 'b', makeResult({ runId: 'run-b', cells: [makeCell({ draft: 'vanilla' }), slowNgram()] }));
  const r = runCli(['compare', a, b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Ratio \[95% CI\]/);
  assert.match(r.stdout, /reference\/ngram\/chat\/T0 .* throughput .* 0\.800x \[[0-9.]+, [0-9.]+\] .* 20\.0% worse .* REGRESSION/);
  assert.match(r.stdout, /reference\/vanilla\/chat\/T0 .* e2e_ms .* same/);
  assert.match(r.stdout, /1 regression\(s\), 0 improvement\(s\), 5 unchanged/);
});

test('compare --json gives the report; --max-regression changes verdicts', (t) => {
  const dir = tempDir(t);
  const a = writeRun(dir, 'a', makeResult());
  const b = writeRun(dir, 'b', makeResult({ runId: 'run-b', cells: [makeCell({ draft: 'vanilla' }), slowNgram()] }));
  const r = runCli(['compare', join(a, 'result.json'), b, '--json', '--max-regression', '25']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.comparable, true);
  assert.equal(report.options.maxRegression, 25);
  const tp = report.comparisons.find((c: { cell: string; metric: string }) => c.cell === 'reference/ngram/chat/T0' && c.metric === 'throughput');
  assert.equal(tp.verdict, 'same');
  for (const k of ['ratio', 'ratioInterval', 'change', 'welchP', 'mannWhitneyP', 'adjustedP', 'verdict']) assert.ok(k in tp, k);
  const only = JSON.parse(runCli(['compare', a, b, '--json', '--metrics', 'e2e_ms']).stdout);
  assert.deepEqual([...new Set(only.comparisons.map((c: { metric: string }) => c.metric))], ['e2e_ms']);
});

test('compare exits 2 when the runs are not comparable, listing why', (t) => {
  const dir = tempDir(t);
  const a = writeRun(dir, 'a', makeResult());
  const b = writeRun(dir, 'b', makeResult({ runId: 'run-b', fingerprint: fingerprint({ cpu: { manufacturer: 'Intel', brand: 'Xeon', model: '143', physicalCores: 8, logicalCores: 16, speedGHz: 2 } }) }));
  const r = runCli(['compare', a, b]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /NOT COMPARABLE \(different hardware\):/);
  assert.match(r.stdout, /different hardware: cpu\.brand: 'EPYC 7B13' vs 'Xeon'/);
});

test('compare exits 2 with a one-line error when an input cannot be loaded', (t) => {
  const dir = tempDir(t);
  const a = writeRun(dir, 'a', makeResult());
  const r = runCli(['compare', a, join(dir, 'nope')]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^prism-bench: .*nope: cannot read \(ENOENT\)/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const bad = runCli(['compare', a, a, '--max-regression', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-regression: expected a number/);
  assert.equal(runCli(['compare', a, a, '--metrics', 'speed']).code, 2);
});

test('compare --help shows examples and exit codes', () => {
  const r = runCli(['compare', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:\n  prism-bench compare /);
  assert.match(r.stdout, /Exit codes: 0 /);
  assert.match(r.stdout, /--max-regression <pct>/);
});

test('compare X X says both sides are the same run and exits 2 (also for a copy, or a baseline made from it)', (t) => {
  const dir = tempDir(t);
  const a = writeRun(dir, 'a', makeResult());
  const copy = writeRun(dir, 'copy', makeResult());
  for (const [x, y] of [[a, a], [a, join(a, 'result.json')], [a, copy]]) {
    const r = runCli(['compare', x as string, y as string]);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /are the same run \(runId [^)]+\), so every ratio is 1 by construction -- compare two different runs, or the engines of one run with --pair/);
    assert.equal(r.stdout, '');
  }
});
