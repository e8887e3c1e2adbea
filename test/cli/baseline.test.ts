import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBaseline } from '../../src/gate/baseline.ts';
import { makeCell, makeResult, runCli, tempDir, writeRun } from '../gate/helpers.ts';

test('baseline save writes DIR/NAME.json from a run directory; refuses to overwrite without --force', (t) => {
  const dir = tempDir(t);
  const run = writeRun(dir, 'run-a', makeResult());
  const out = join(dir, 'baselines');
  const r = runCli(['baseline', 'save', run, '--name', 'main', '--dir', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /saved baseline 'main' -> .*main\.json \(run run-a, 2 cells, 3 metrics\)/);
  const b = loadBaseline(join(out, 'main.json'));
  assert.equal(b.name, 'main');
  assert.equal(b.cells.length, 2);

  const again = runCli(['baseline', 'save', join(run, 'result.json'), '--name', 'main', '--dir', out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /a baseline named 'main' exists -- pass --force/);
  const forced = runCli(['baseline', 'save', join(run, 'result.json'), '--name', 'main', '--dir', out, '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /^replaced baseline 'main'/);
});

test('baseline save refuses failed cells, bad names and unreadable results (exit 2, one line)', (t) => {
  const dir = tempDir(t);
  const failed = writeRun(dir, 'failed', makeResult({ cells: [makeCell(), makeCell({ dataset: 'code', status: 'failed', error: 'boom', metrics: {} })] }));
  const r = runCli(['baseline', 'save', failed, '--name', 'main', '--dir', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cells not ok: reference\/ngram\/code\/T0 \(failed\)/);
  const ok = writeRun(dir, 'ok', makeResult());
  const badName = runCli(['baseline', 'save', ok, '--name', '../evil', '--dir', dir]);
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /baseline name '\.\.\/evil'/);
  writeFileSync(join(dir, 'broken.json'), '{');
  const broken = runCli(['baseline', 'save', join(dir, 'broken.json'), '--name', 'x', '--dir', dir]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /broken\.json: not valid JSON/);
  assert.equal(broken.stderr.trim().split('\n').length, 1);
  const missingName = runCli(['baseline', 'save', ok]);
  assert.equal(missingName.code, 2);
  assert.match(missingName.stderr, /--name/);
});

test('a saved baseline works as either side of compare', (t) => {
  const dir = tempDir(t);
  const run = writeRun(dir, 'run-a', makeResult());
  const other = writeRun(dir, 'run-b', makeResult({ runId: 'run-b' }));
  assert.equal(runCli(['baseline', 'save', run, '--name', 'main', '--dir', dir]).code, 0);
  // (against run-a itself it would be the same run: compare says so and exits 2)
  assert.equal(runCli(['compare', join(dir, 'main.json'), run]).code, 2);
  const r = runCli(['compare', join(dir, 'main.json'), other]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /base: .*main\.json \(baseline 'main' from run run-a\)/);
  assert.ok(readFileSync(join(dir, 'main.json'), 'utf8').includes('"kind": "prism-bench-baseline"'));
});

test('baseline save --help shows examples and exit codes', () => {
  const r = runCli(['baseline', 'save', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:\n  prism-bench baseline save /);
  assert.match(r.stdout, /Exit codes: 0 saved; 2 /);
});
