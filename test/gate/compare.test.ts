import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, comparabilityProblems, notJudgeableLine } from '../../src/gate/compare.ts';
import { renderCompareText } from '../../src/report/compare-text.ts';
import { comparableFromResult } from '../../src/gate/comparable.ts';
import { comparable, makeCell, makeResult, metric, trials } from './helpers.ts';

test('every metric with a direction is compared by default, cell by cell', () => {
  const r = compareRuns(comparable(), comparable({ runId: 'b' }));
  assert.equal(r.comparable, true);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.comparisons.map((c) => `${c.cell} ${c.metric}`),
    ['reference/vanilla/chat/T0 throughput', 'reference/vanilla/chat/T0 accept_length_pooled', 'reference/vanilla/chat/T0 e2e_ms',
      'reference/ngram/chat/T0 throughput', 'reference/ngram/chat/T0 accept_length_pooled', 'reference/ngram/chat/T0 e2e_ms'],
  );
  for (const c of r.comparisons) {
    assert.equal(c.ratio, 1);
    assert.equal(c.change, 0);
    assert.equal(c.verdict, 'same');
    assert.ok(c.ratioInterval && c.ratioInterval.low <= 1 && c.ratioInterval.high >= 1);
  }
  assert.deepEqual(r.counts, { regression: 0, improvement: 0, same: 6 });
  assert.deepEqual(r.options, { maxRegression: 5, alpha: 0.05, metrics: null });
});

test('ratio is head/base, change is signed in the worse direction, Holm p >= its raw p', () => {
  const base = comparable({ cells: [makeCell({ metrics: { throughput: trials(100, 0.02), e2e_ms: trials(500, 0.02) } })] });
  const head = comparable({ runId: 'b', cells: [makeCell({ metrics: { throughput: trials(110, 0.02), e2e_ms: trials(550, 0.02) } })] });
  const r = compareRuns(base, head);
  const [tp, e2e] = r.comparisons;
  assert.equal(tp!.metric, 'throughput');
  assert.ok(Math.abs(tp!.ratio! - 1.1) < 1e-9);
  assert.ok(Math.abs(tp!.change! + 0.1) < 1e-9, 'higher throughput: negative change (better)');
  assert.equal(tp!.verdict, 'improvement');
  assert.ok(Math.abs(e2e!.change! - 0.1) < 1e-9, 'higher latency: positive change (worse)');
  assert.equal(e2e!.verdict, 'regression');
  for (const c of r.comparisons) {
    assert.ok(c.adjustedP! >= c.pBeyond!);
    assert.ok(c.ratioInterval!.low < c.ratio! && c.ratio! < c.ratioInterval!.high);
    assert.ok(c.mannWhitneyP! > 0 && c.mannWhitneyP! <= 1);
  }
  assert.ok(r.comparisons.every((c) => c.base.n === 5 && c.head.n === 5));
});

test('a metric on one side only is a problem; a metric with no direction is skipped', () => {
  const base = comparable({ cells: [makeCell({ metrics: { throughput: trials(80, 0.01), ttft_ms: trials(30, 0.01) } })] });
  const headCell = makeCell({ metrics: { throughput: trials(80, 0.01) } });
  headCell.metrics.tokens = { ...metric('tokens', [5, 5, 5]), direction: 'none' };
  const r = compareRuns(base, comparable({ runId: 'b', cells: [headCell] }));
  assert.equal(r.comparable, false);
  assert.deepEqual(r.problems.map((p) => [p.kind, p.metric]), [['missing-metric', 'ttft_ms']]);
  assert.match(r.problems[0]!.message, /has ttft_ms in base but not in head/);
  assert.deepEqual(r.comparisons.map((c) => c.metric), ['throughput']);
});

test('a single trial makes the comparison not judgeable, with the fix in one line', () => {
  const base = comparable({ cells: [makeCell({ metrics: { throughput: [80] } })] });
  const head = comparable({ runId: 'b', cells: [makeCell({ metrics: { throughput: [40] } })] });
  const r = compareRuns(base, head);
  assert.equal(r.comparisons[0]!.verdict, 'same');
  assert.equal(r.comparisons[0]!.ratioInterval, null);
  assert.equal(r.comparable, true);
  assert.equal(r.judgeable, false);
  assert.deepEqual(r.tooFewTrials.map((s) => [s.cell, s.base, s.head]), [['reference/ngram/chat/T0', 1, 1]]);
  assert.equal(notJudgeableLine(r), 'NOT JUDGEABLE: cell reference/ngram/chat/T0 has 1 trial per side; run with trials >= 2 (settings.trials in the suite file)');
  assert.match(renderCompareText(r), /NOT JUDGEABLE: cell reference\/ngram\/chat\/T0 has 1 trial per side/);
});

test('not judgeable: one side short names both counts; a one-trial baseline is to be re-saved', () => {
  const base = comparable({ cells: [makeCell({ metrics: { throughput: [80] } })] });
  const head = comparable({ runId: 'b', cells: [makeCell({ metrics: { throughput: trials(80, 0.01) } })] });
  const r = compareRuns({ ...base, kind: 'baseline' }, head, { names: { base: 'baseline', head: 'result' } });
  assert.equal(r.tooFewTrials[0]!.message, 'reference/ngram/chat/T0 has 1 trial in baseline and 5 in result');
  assert.match(notJudgeableLine(r)!, /; run with trials >= 2 \(settings\.trials in the suite file\), and re-save the baseline from such a run$/);
  const enough = compareRuns(comparable({ cells: [makeCell({ metrics: { throughput: [80, 81] } })] }), head);
  assert.equal(enough.judgeable, true);
  assert.equal(notJudgeableLine(enough), null);
});

test('partial fingerprints (missing sections) are compared without crashing', () => {
  const a = comparableFromResult(makeResult({ fingerprint: { gpus: [{ name: 'NVIDIA L4' }] } }));
  const b = comparableFromResult(makeResult({ fingerprint: {} }));
  const problems = comparabilityProblems(a, b);
  assert.deepEqual(problems.map((p) => p.message), ['different hardware: gpus.count: 1 vs 0 (base vs head)']);
});

test('the text rendering lists rows, the rule, and problems', () => {
  const head = comparable({ runId: 'b', cells: [makeCell({ draft: 'vanilla' })] });
  const text = renderCompareText(compareRuns(comparable(), head));
  assert.match(text, /reference\/vanilla\/chat\/T0 .* throughput .* 1\.000x/);
  assert.match(text, /regression \(improvement\) when Welch's t-test on the per-launch means \(the engine launch is the unit; per-trial values where a side has one launch per cell\) shows the change beyond 5% in the worse \(better\) direction/);
  assert.match(text, /a true change within the tolerance fails at most 0\.05 of the time/);
  assert.match(text, /suite throughput: 1\.000x .* over 1 cell/);
  assert.match(text, /NOT COMPARABLE \(missing cells\):\n  missing cell: reference\/ngram\/chat\/T0 is in base but not in head/);
  assert.doesNotMatch(text, /\u001b\[/, 'no colour unless asked');
});

test('bad options are rejected', () => {
  assert.throws(() => compareRuns(comparable(), comparable(), { maxRegression: -1 }), RangeError);
  assert.throws(() => compareRuns(comparable(), comparable(), { alpha: 0 }), RangeError);
});

test('latency percentiles are compared only when named', () => {
  const cell = () => makeCell({ metrics: { throughput: trials(80, 0.01), ttft_p99_ms: trials(40, 0.02) } });
  const base = comparable({ cells: [cell()] });
  const head = comparable({ runId: 'run-b', cells: [cell()] });
  assert.deepEqual(compareRuns(base, head).comparisons.map((c) => c.metric), ['throughput']);
  assert.deepEqual(compareRuns(base, head, { metrics: ['throughput', 'ttft_p99_ms'] }).comparisons.map((c) => c.metric), ['throughput', 'ttft_p99_ms']);
});
