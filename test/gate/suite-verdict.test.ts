// The comparison's newer parts: exact metrics compared without a test, the suite-level verdict
// over all cells, paired rounds, and the minimum detectable effect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from '../../src/gate/compare.ts';
import { comparableFromResult, pairedSides } from '../../src/gate/comparable.ts';
import { runGate } from '../../src/report/gate.ts';
import type { Cell } from '../../src/result/schema.ts';
import { comparable, makeCell, makeResult, metric, trials } from './helpers.ts';

const cells = (scale: number, cv: number, datasets = ['chat', 'code', 'math', 'qa', 'summarization']) =>
  datasets.map((dataset, i) => makeCell({ dataset, metrics: { throughput: trials(80 + 10 * i, cv, 5).map((v) => v * scale), accept_length_pooled: [2.4, 2.4, 2.4, 2.4, 2.4] } }));

test('a metric constant on both sides is compared exactly: no test, not in the Holm family, outputs-changed note', () => {
  const base = comparable({ cells: [makeCell({ metrics: { throughput: trials(80, 0.02), accept_length_pooled: [0.1, 0.1, 0.1] } })] });
  // [0.1, 0.1, 0.1] against [0.1, 0.1]: equal values whose floating-point means differ by rounding
  const same = comparable({ runId: 'b', cells: [makeCell({ metrics: { throughput: trials(80, 0.02), accept_length_pooled: [0.1, 0.1] } })] });
  const r = compareRuns(base, same);
  const al = r.comparisons.find((c) => c.metric === 'accept_length_pooled')!;
  assert.equal(al.test, 'exact');
  assert.equal(al.p, null);
  assert.equal(al.adjustedP, null);
  assert.equal(al.outputsChanged, false);
  assert.equal(al.verdict, 'same');
  const tp = r.comparisons.find((c) => c.metric === 'throughput')!;
  assert.equal(tp.adjustedP, tp.pBeyond, 'the family holds the throughput test alone (its one-cell suite is the same test, not a second member)');

  const changed = comparable({ runId: 'c', cells: [makeCell({ metrics: { throughput: trials(80, 0.02), accept_length_pooled: [0.09, 0.09, 0.09] } })] });
  const r2 = compareRuns(base, changed);
  const al2 = r2.comparisons.find((c) => c.metric === 'accept_length_pooled')!;
  assert.equal(al2.outputsChanged, true);
  assert.equal(al2.verdict, 'regression', '10% lower, exactly');
  assert.match(r2.notes.join('\n'), /outputs changed: reference\/ngram\/chat\/T0 accept_length_pooled was exactly 0\.1 .* exactly 0\.09/);
  const small = comparable({ runId: 'd', cells: [makeCell({ metrics: { throughput: trials(80, 0.02), accept_length_pooled: [0.099, 0.099] } })] });
  const al3 = compareRuns(base, small).comparisons.find((c) => c.metric === 'accept_length_pooled')!;
  assert.equal(al3.verdict, 'same', 'a 1% exact change is below the 5% threshold');
  assert.equal(al3.outputsChanged, true);
});

test('suite level: a 4% slowdown of every cell that no single cell shows beyond the tolerance is a suite regression', () => {
  // 4% against a 1% tolerance: each cell's 3 points of excess are within its noise, the suite's are not
  const base = comparable({ cells: cells(1, 0.03) });
  const head = comparable({ runId: 'b', cells: cells(0.96, 0.03) });
  const r = compareRuns(base, head, { maxRegression: 1, metrics: ['throughput'] });
  assert.ok(r.comparisons.every((c) => c.verdict === 'same'), 'no cell alone');
  const s = r.suite.find((x) => x.metric === 'throughput')!;
  assert.equal(s.cells, 5);
  assert.ok(Math.abs(s.ratio - 0.96) < 1e-9, `geometric mean ${s.ratio}`);
  assert.ok(Math.abs(s.change - 0.04) < 1e-9);
  assert.ok(s.ratioInterval!.low < 0.96 && s.ratioInterval!.high < 1);
  assert.equal(s.verdict, 'regression');
  assert.ok(s.mde! > 0.02 && s.mde! < 0.04, `MDE ${s.mde}`);
  const g = runGate(base, head, { maxRegression: 1, metrics: ['throughput'] });
  assert.equal(g.exitCode, 1);
  assert.match(g.headline, /suite throughput 4\.0% worse/);
  assert.match(g.summaryMarkdown, /### Suite as a whole/);
  // the suite-level interval: mean of logs, se = sqrt(sum se_i^2) / k (checked by hand)
  const logs = r.comparisons.map((c) => Math.log(c.head.mean / c.base.mean));
  const se = Math.sqrt(r.comparisons.reduce((a, c) => a + (c.head.stddev / c.head.mean) ** 2 / c.head.n + (c.base.stddev / c.base.mean) ** 2 / c.base.n, 0)) / 5;
  assert.ok(Math.abs(Math.log(s.ratio) - logs.reduce((a, b) => a + b, 0) / 5) < 1e-12);
  assert.ok(se > 0);
});

/** One run holding base and head engines whose throughput per round is given. */
function pairedRun(base: number[][], head: number[][]) {
  const mk = (engine: string, values: number[], dataset: string): Cell => {
    const c = makeCell({ engine, dataset, draft: 'vanilla', metrics: { throughput: values } });
    c.trials = values.map((v, i) => ({ trial: i + 1, attempt: `a${i}`, startedAt: '', wallSeconds: 1, requests: 1, metrics: { throughput: v } }));
    return c;
  };
  const datasets = base.map((_, i) => `d${i}`);
  const result = makeResult({ cells: [...base.map((v, i) => mk('base', v, datasets[i]!)), ...head.map((v, i) => mk('head', v, datasets[i]!))] });
  return pairedSides(comparableFromResult(result), 'base', 'head');
}

test('paired: a shared drift of the machine cancels in per-round ratios', () => {
  // rounds drift by -20..+20%; head is 3% slower than base in every round
  const drift = [1, 0.8, 1.2, 0.9, 1.1, 0.85, 1.15, 1];
  const base = [100, 60].map((m) => drift.map((d) => m * d));
  const head = base.map((vs) => vs.map((v, r) => v * 0.97 * (1 + 0.002 * ((r % 3) - 1))));
  const { base: b, head: h } = pairedRun(base, head);
  const paired = compareRuns(b, h, { paired: true, maxRegression: 1, metrics: ['throughput'] });
  assert.equal(paired.design, 'paired');
  const c = paired.comparisons[0]!;
  assert.equal(c.test, 'paired');
  assert.equal(c.pairs, 8);
  assert.ok(Math.abs(c.ratio! - 0.97) < 0.002, `ratio ${c.ratio}`);
  assert.equal(c.verdict, 'regression');
  assert.equal(paired.suite[0]!.verdict, 'regression');
  // unpaired, the same numbers are lost in the drift
  const unpaired = compareRuns(b, h, { maxRegression: 1, metrics: ['throughput'] });
  assert.ok(unpaired.comparisons.every((x) => x.verdict === 'same'));
  assert.equal(unpaired.suite[0]!.verdict, 'same');
});

test('paired: head equal to base passes with ratio 1; --pair names must exist', () => {
  const vals = [[100, 90, 110, 95], [50, 45, 55, 52]];
  const { base, head } = pairedRun(vals, vals);
  const r = compareRuns(base, head, { paired: true, metrics: ['throughput'] });
  assert.ok(r.comparisons.every((c) => c.ratio === 1 && c.verdict === 'same'));
  const run = comparableFromResult(makeResult());
  assert.throws(() => pairedSides(run, 'base', 'head'), /--pair names engine 'base', but the run's engines are 'reference'/);
});

test('MDE shrinks with more trials and is never below the threshold', () => {
  const mde = (n: number) => {
    const base = comparable({ cells: [makeCell({ metrics: { throughput: trials(80, 0.05, n) } })] });
    return compareRuns(base, base, { metrics: ['throughput'], maxRegression: 1 }).comparisons[0]!.mde!;
  };
  assert.ok(mde(8) < mde(3), `${mde(8)} < ${mde(3)}`);
  assert.ok(mde(8) >= 0.01);
  const flat = comparable({ cells: [makeCell({ metrics: { throughput: trials(80, 1e-6, 5) } })] });
  assert.ok(Math.abs(compareRuns(flat, flat, { metrics: ['throughput'], maxRegression: 3 }).comparisons[0]!.mde! - 0.03) < 1e-3);
  void metric;
});
