import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBaseline, saveBaseline } from '../../src/gate/baseline.ts';
import { makeCell, makeResult, runCli, settings, tempDir, trials, writeRun } from '../gate/helpers.ts';

function setup(t: { after: (fn: () => void) => void }) {
  const dir = tempDir(t);
  const baseline = saveBaseline(dir, makeBaseline(makeResult(), 'main'));
  return { dir, baseline };
}

const slowNgram = () => makeCell({ metrics: { throughput: trials(64, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } });

test('gate exits 0 for an equal result and prints the Markdown summary', (t) => {
  const { dir, baseline } = setup(t);
  const run = writeRun(dir, 'head', makeResult({ runId: 'run-b' }));
  const r = runCli(['gate', '--baseline', baseline, run]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^## ✅ prism-bench gate: PASS/);
  assert.match(r.stdout, /Result run `run-b` against baseline `main`/);
});

test('gate exits 1 on a planted 20% throughput drop, naming the cell and numbers', (t) => {
  const { dir, baseline } = setup(t);
  const run = writeRun(dir, 'head', makeResult({ runId: 'run-b', cells: [makeCell({ draft: 'vanilla' }), slowNgram()] }));
  const r = runCli(['gate', '--baseline', baseline, run]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /REGRESSION: 2 regressions shown beyond 5% \(suite throughput 10\.6% worse, reference\/ngram\/chat\/T0 throughput\)/);
  assert.match(r.stdout, /\| reference\/ngram\/chat\/T0 \| throughput \| 80\.0 tok\/s \| 64\.0 tok\/s \| 0\.800x/);
  // a looser threshold lets it through
  assert.equal(runCli(['gate', '--baseline', baseline, run, '--max-regression', '25']).code, 0);
  // and gating only other metrics ignores it
  assert.equal(runCli(['gate', '--baseline', baseline, run, '--metrics', 'e2e_ms,accept_length_pooled']).code, 0);
});

test('gate exits 2 when not comparable: different settings, missing cell', (t) => {
  const { dir, baseline } = setup(t);
  const other = writeRun(dir, 'settings', makeResult({ runId: 'run-b', settings: settings({ batchSize: 4 }) }));
  const r = runCli(['gate', '--baseline', baseline, other]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /NOT COMPARABLE: different settings/);
  assert.match(r.stdout, /- different settings: batchSize: 1 vs 4 \(baseline vs result\)/);
  const missing = writeRun(dir, 'missing', makeResult({ runId: 'run-c', cells: [makeCell({ draft: 'vanilla' })] }));
  const m = runCli(['gate', '--baseline', baseline, missing]);
  assert.equal(m.code, 2);
  assert.match(m.stdout, /missing cell: reference\/ngram\/chat\/T0 is in baseline but not in result/);
});

test('gate exits 2 with a one-line error naming file and field for a corrupt baseline', (t) => {
  const { dir, baseline } = setup(t);
  const b = JSON.parse(readFileSync(baseline, 'utf8'));
  b.cells[0].metrics.throughput.values = [1, null, 3];
  writeFileSync(baseline, JSON.stringify(b));
  const run = writeRun(dir, 'head', makeResult());
  const r = runCli(['gate', '--baseline', baseline, run]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^prism-bench: .*main\.json: cells\[0\]\.metrics\.throughput\.values: expected an array of finite numbers/);
});

test('gate appends the summary to $GITHUB_STEP_SUMMARY and prints a short report', (t) => {
  const { dir, baseline } = setup(t);
  const summary = join(dir, 'step-summary.md');
  writeFileSync(summary, 'earlier step\n');
  const run = writeRun(dir, 'head', makeResult({ runId: 'run-b', cells: [makeCell({ draft: 'vanilla' }), slowNgram()] }));
  const r = runCli(['gate', '--baseline', baseline, run], { GITHUB_STEP_SUMMARY: summary });
  assert.equal(r.code, 1);
  const md = readFileSync(summary, 'utf8');
  assert.ok(md.startsWith('earlier step\n## ❌ prism-bench gate: REGRESSION'), md.slice(0, 80));
  assert.match(md, /### Regressions/);
  assert.doesNotMatch(r.stdout, /^## /m, 'the Markdown goes to the file, not stdout');
  assert.match(r.stdout, /regression: reference\/ngram\/chat\/T0 throughput: 80\.0 tok\/s -> 64\.0 tok\/s/);
  assert.match(r.stdout, /summary appended to /);
});

test('gate --bencher and --github-benchmark write the exports of the result', (t) => {
  const { dir, baseline } = setup(t);
  const run = writeRun(dir, 'head', makeResult({ runId: 'run-b' }));
  const bmf = join(dir, 'bmf.json');
  const gab = join(dir, 'gab.json');
  const r = runCli(['gate', '--baseline', baseline, run, '--bencher', bmf, '--github-benchmark', gab]);
  assert.equal(r.code, 0, r.stderr);
  const b = JSON.parse(readFileSync(bmf, 'utf8'));
  assert.deepEqual(Object.keys(b), ['reference/vanilla/chat/T0', 'reference/ngram/chat/T0']);
  assert.deepEqual(Object.keys(b['reference/ngram/chat/T0'].throughput), ['value', 'lower_value', 'upper_value']);
  assert.equal(existsSync(gab), false);
  const bigger = JSON.parse(readFileSync(join(dir, 'gab.bigger.json'), 'utf8'));
  const smaller = JSON.parse(readFileSync(join(dir, 'gab.smaller.json'), 'utf8'));
  assert.ok(bigger.some((e: { name: string }) => e.name === 'reference/ngram/chat/T0 throughput'));
  assert.ok(smaller.every((e: { name: string }) => e.name.endsWith(' e2e_ms')));
  assert.match(r.stderr, /customBiggerIsBetter/);
});

test('gate usage errors exit 2; --help shows examples and exit codes', (t) => {
  const { dir, baseline } = setup(t);
  const run = writeRun(dir, 'head', makeResult({ runId: 'run-b' }));
  assert.equal(runCli(['gate', run]).code, 2, 'missing --baseline');
  const unknown = runCli(['gate', '--baseline', baseline, run, '--metrics', 'throughput,warp']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--metrics: unknown metric 'warp'/);
  const h = runCli(['gate', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Examples:\n  prism-bench gate --baseline /);
  assert.match(h.stdout, /Exit codes: 0 no regression shown; 1 a cell or the suite regressed .*;\s+2 not comparable.*not\s+judgeable/s);
  assert.match(h.stdout, /GITHUB_STEP_SUMMARY/);
});

test('gate --pair and compare --pair test two engines of one run round by round; usage errors exit 2', (t) => {
  const dir = tempDir(t);
  const cell = (engine: string, dataset: string, values: number[]) => {
    const c = makeCell({ engine, dataset, draft: 'vanilla', metrics: { throughput: values } });
    c.trials = values.map((v, i) => ({ trial: i + 1, attempt: `a${i}`, startedAt: '', wallSeconds: 1, requests: 1, metrics: { throughput: v } }));
    return c;
  };
  const drift = [1, 0.8, 1.2, 0.9, 1.1, 1];
  const base = drift.map((d) => 100 * d);
  const run = (factor: number) => writeRun(dir, `f${factor}`, makeResult({
    cells: [cell('base', 'chat', base), cell('base', 'code', base.map((v) => v / 2)), cell('head', 'chat', base.map((v, i) => v * factor * (1 + 0.003 * (i % 2)))), cell('head', 'code', base.map((v, i) => (v / 2) * factor * (1 - 0.003 * (i % 2))))],
  }));
  const same = runCli(['gate', '--pair', 'base:head', run(1)]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /Paired design/);
  const slow = runCli(['gate', '--pair', 'base:head', run(0.95), '--max-regression', '2']);
  assert.equal(slow.code, 1, slow.stdout);
  assert.match(slow.stdout, /REGRESSION: .*suite throughput 5\.0% worse/);
  const cmp = runCli(['compare', run(0.95), '--pair', 'base:head']);
  assert.equal(cmp.code, 0, cmp.stderr);
  assert.match(cmp.stdout, /vanilla\/chat\/T0 .* paired t/);
  assert.match(cmp.stdout, /Suite as a whole \(paired\):\n  suite throughput: 0\.950x/);

  const both = runCli(['gate', '--pair', 'base:head', '--baseline', run(1), run(1)]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give exactly one of --baseline FILE .* or --pair BASE:HEAD/);
  const bad = runCli(['gate', '--pair', 'base-head', run(1)]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--pair: expected BASE:HEAD/);
  const missing = runCli(['gate', '--pair', 'base:nope', run(1)]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--pair names engine 'nope', but the run's engines are 'base', 'head'/);
});

test('gate exits 2 with the fix when a cell has one trial, even with a planted 50% drop; compare says the same', (t) => {
  const dir = tempDir(t);
  const one = (tp: number, e2e: number) => makeResult({ cells: [makeCell({ metrics: { throughput: [tp], e2e_ms: [e2e] } })] });
  const base = writeRun(dir, 'base', one(100, 500));
  const head = writeRun(dir, 'head', { ...one(50, 1000), runId: 'run-b' });
  const g = runCli(['gate', '--baseline', base, head]);
  assert.equal(g.code, 2, g.stdout + g.stderr);
  const line = 'NOT JUDGEABLE: cell reference/ngram/chat/T0 has 1 trial per side; run with trials >= 2 (settings.trials in the suite file)';
  assert.ok(g.stdout.includes(`prism-bench gate: ${line}`), g.stdout);
  const c = runCli(['compare', base, head]);
  assert.equal(c.code, 2, c.stdout + c.stderr);
  assert.ok(c.stdout.includes(line), c.stdout);
});

test('gate --baseline refuses the same run (itself, a copy, or its own saved baseline) with exit 2, as compare does', (t) => {
  const dir = tempDir(t);
  const run = writeRun(dir, 'x', makeResult());
  const copy = writeRun(dir, 'copy', makeResult());
  const own = saveBaseline(join(dir, 'baselines'), makeBaseline(makeResult(), 'own'));
  for (const base of [run, copy, own]) {
    const r = runCli(['gate', '--baseline', base, run]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^prism-bench: gate: .* are the same run \(runId run-a[^)]*\), so every ratio is 1 by construction/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(r.stdout, /PASS/);
  }
});
