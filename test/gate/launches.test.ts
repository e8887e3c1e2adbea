// Across runs the engine launch is the unit (issue 23, item 1). Two runs of identical code, each
// engine launch carrying its own speed offset into every cell it runs, came out "improved" when
// cells and trials were taken as independent; a baseline made on a busier machine passed a
// planted slowdown as "32.7% better". These tests build such runs and check that compare and gate
// take launches as the unit, say where they cannot (provisional), and that the fairness audit
// names a difference in the machine's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from '../../src/gate/compare.ts';
import { gateVerdict } from '../../src/gate/gate.ts';
import { comparableFromBaseline, comparableFromResult, type Comparable } from '../../src/gate/comparable.ts';
import { makeBaseline, validateBaseline } from '../../src/gate/baseline.ts';
import { auditPair } from '../../src/audit/index.ts';
import { renderCompareText } from '../../src/report/compare-text.ts';
import type { Cell, ResultFile, TrialRecord } from '../../src/result/schema.ts';
import { fingerprint, makeResult, metric, settings } from './helpers.ts';

const DRAFTS = ['vanilla', 'ngram', 'eagle3', 'prism'];
const DATASETS = ['chat', 'code', 'math', 'summarization', 'qa'];
const TEMPERATURES = [0, 1];

/** Deterministic, roughly normal noise in [-1, 1] * scale from an integer key. */
const jitter = (k: number, scale: number) => scale * (Math.sin(k * 12.9898) * 43758.5453 % 1);

interface RunSpec {
  runId: string;
  /** log speed offset of the launch of `draft` in `round` (every cell of the draft that round shares it) */
  offset: (draft: number, round: number) => number;
  rounds?: number;
  lifetime?: 'round' | 'run';
  /** record launch ids in the trials (false: a result from before they were recorded) */
  record?: boolean;
  loadAverage?: number[];
  seed?: number;
}

/** A --quick default-suite-shaped run: 4 drafts x 5 datasets x 2 temperatures, one launch per draft and round. */
function run(spec: RunSpec): ResultFile {
  const rounds = spec.rounds ?? 3, lifetime = spec.lifetime ?? 'round', seed = spec.seed ?? 0;
  const cells: Cell[] = [];
  DRAFTS.forEach((draft, d) => DATASETS.forEach((dataset, s) => TEMPERATURES.forEach((temperature) => {
    const base = 100 + 20 * d + 7 * s + 3 * temperature;
    const trials: TrialRecord[] = [];
    for (let r = 1; r <= rounds; r++) {
      const launch = lifetime === 'round' ? `reference_${draft}-r${r}-x` : `reference_${draft}-r1-x`;
      const tp = base * Math.exp(spec.offset(d, r) + jitter(seed + 1000 * d + 100 * s + 10 * r + temperature, 0.01));
      trials.push({ trial: r, attempt: `${draft}${s}${temperature}${r}`, ...(spec.record === false ? {} : { launch }), startedAt: '', wallSeconds: 1, requests: 3, metrics: { throughput: tp } });
    }
    const id = `reference/${draft}/${dataset}/T${temperature}`;
    cells.push({ id, engine: 'reference', draft, method: draft, dataset, temperature, status: 'ok', trials, metrics: { throughput: metric('throughput', trials.map((t) => t.metrics.throughput!)) } });
  })));
  const r = makeResult({ runId: spec.runId, cells, settings: settings({ trials: rounds, engineLifetime: lifetime }), fingerprint: fingerprint({ cpu: { manufacturer: 'AMD', brand: 'EPYC', model: '1', physicalCores: 2, logicalCores: 2, speedGHz: 0 }, gpus: [], placement: { cpuAffinity: [0, 1], pinned: false, loadAverage: spec.loadAverage ?? [1.1, 1, 1] } }) });
  r.suite.drafts = DRAFTS.map((name) => ({ name, method: name }));
  return r;
}

const side = (r: ResultFile): Comparable => comparableFromResult(r, `${r.runId}/result.json`);

// Same commit: each launch drew its own offset; the head's three rounds happened to draw fast ones.
const BASE_OFFSETS = [[0.02, -0.06, 0.05], [-0.04, 0.03, 0.0], [0.06, -0.02, -0.05], [-0.03, 0.04, 0.01]];
const HEAD_OFFSETS = [[0.38, 0.02, 0.33], [0.3, 0.1, 0.25], [0.41, -0.03, 0.36], [0.33, 0.07, 0.27]];
const sameCommit = () => ({
  base: run({ runId: 'quick-1', offset: (d, r) => BASE_OFFSETS[d]![r - 1]!, seed: 1 }),
  head: run({ runId: 'quick-2', offset: (d, r) => HEAD_OFFSETS[d]![r - 1]!, seed: 2 }),
});

test('the finding: two runs of identical code, launches with offsets of their own, are not "improved"', () => {
  const { base, head } = sameCommit();
  const report = compareRuns(side(base), side(head));
  const suite = report.suite.find((s) => s.metric === 'throughput')!;
  assert.ok(suite.ratio > 1.2, `the head's launches were fast: ${suite.ratio}`);
  // taken as 40 independent cells this was "improvement" at p < 0.001; cells of one launch share
  // its offset, so the suite's replicates are launch sets, 3 a side
  assert.equal(suite.verdict, 'same', `${suite.verdict} at p ${suite.p}`);
  assert.ok(suite.p! > 0.05, `p ${suite.p}`);
  assert.match(suite.method, /launch sets/);
  assert.equal(report.counts.improvement, 0);
  assert.ok(report.comparisons.every((c) => c.replicates === 'launches'));
  assert.deepEqual(report.provisional, [], 'launches recorded and relaunched every round: a sound comparison');
  const gate = gateVerdict(side(base), side(head), { metrics: ['throughput'] });
  assert.equal(gate.exitCode, 0);
  assert.doesNotMatch(gate.headline, /PROVISIONAL/);
});

test('the same numbers without launch ids or engineLifetime: the old model, said to be provisional', () => {
  const { base, head } = sameCommit();
  for (const r of [base, head]) {
    for (const c of r.cells) for (const t of c.trials) delete t.launch;
    delete (r.suite.settings as Record<string, unknown>).engineLifetime;
  }
  const report = compareRuns(side(base), side(head));
  const suite = report.suite.find((s) => s.metric === 'throughput')!;
  // cells taken as independent: what compare printed before ("1.233x, Holm p 0.049, improvement")
  assert.equal(suite.verdict, 'improvement');
  assert.ok(report.comparisons.every((c) => c.replicates === 'trials'));
  assert.equal(report.provisional.length, 2);
  assert.match(report.provisional[0]!, /^launch-to-launch variance not estimated \(base: which launch ran each trial is not recorded\)/);
  assert.match(report.notes.join('\n'), /provisional: head does not record which engine launch ran each trial/);
  assert.match(renderCompareText(report), /\nPROVISIONAL: launch-to-launch variance not estimated/);
});

test('results from before launches were recorded take them from engineLifetime: round', () => {
  const { base, head } = sameCommit();
  for (const r of [base, head]) for (const c of r.cells) for (const t of c.trials) delete t.launch;
  const report = compareRuns(side(base), side(head));
  assert.deepEqual(report.provisional, []);
  assert.equal(report.suite.find((s) => s.metric === 'throughput')!.verdict, 'same');
});

test('engines kept for the run: one launch per cell, launch-to-launch variance not estimated, provisional', () => {
  const base = run({ runId: 'kept-1', lifetime: 'run', offset: (d) => [0.02, -0.04, 0.06, -0.03][d]!, seed: 3 });
  const head = run({ runId: 'kept-2', lifetime: 'run', offset: (d) => [0.31, 0.29, 0.35, 0.3][d]!, seed: 4 });
  const report = compareRuns(side(base), side(head));
  assert.ok(report.comparisons.every((c) => c.replicates === 'trials'));
  assert.deepEqual(report.provisional, [
    'launch-to-launch variance not estimated (base: one engine launch per cell)',
    'launch-to-launch variance not estimated (head: one engine launch per cell)',
  ]);
  assert.match(report.notes.join('\n'), /provisional: in base, 40 cells ran every trial on one engine launch \(engineLifetime: run\)/);
  // the exit code stays what the verdict says; the headline says it is provisional, and why
  const gate = gateVerdict(side(head), side(base), { metrics: ['throughput'] });
  assert.equal(gate.exitCode, 1);
  assert.match(gate.headline, /^REGRESSION: .* -- PROVISIONAL: launch-to-launch variance not estimated \(baseline: one engine launch per cell\); launch-to-launch variance not estimated \(result: one engine launch per cell\)$/);
});

test('the finding: a baseline made at load 5.9 against a slowed result at load 1.3 is provisional, and the audit says why', () => {
  // every cell of the result 10% slower (planted), the baseline's machine 40% slower (busy)
  const baseline = run({ runId: 'busy', offset: (d, r) => -0.5 + 0.02 * Math.cos(d + r), loadAverage: [5.9, 4.2, 3], seed: 5 });
  const result = run({ runId: 'quiet', offset: (d, r) => -0.1 + 0.02 * Math.sin(d * r), loadAverage: [1.3, 1.2, 1], seed: 6 });
  const gate = gateVerdict(comparableFromBaseline(makeBaseline(baseline, 'main'), 'baselines/main.json'), side(result), { metrics: ['throughput'] });
  const suite = gate.report.suite[0]!;
  assert.equal(suite.verdict, 'improvement', 'the load difference outweighs the slowdown');
  assert.equal(gate.exitCode, 0);
  assert.match(gate.headline, /^PASS: .* -- PROVISIONAL: machine state differs between the runs \(see the notes\)$/);
  assert.match(gate.report.notes.join('\n'), /provisional: machine state differs between the runs: 1-minute load average 5\.9 vs 1\.3 \(2\.95 vs 0\.65 per CPU, more than 0\.5 apart\)/);
  const audit = auditPair(baseline, result);
  assert.deepEqual(audit.map((f) => [f.check, f.severity]), [['machine', 'warning']]);
  assert.match(audit[0]!.message, /load average 5\.9 vs 1\.3/);
});

test('a baseline keeps rounds and launches; one saved before them still loads, provisionally', () => {
  const { base, head } = sameCommit();
  const saved = JSON.parse(JSON.stringify(makeBaseline(base, 'main'))) as Record<string, unknown>;
  const b = validateBaseline(saved);
  const m = b.cells[0]!.metrics.throughput!;
  assert.deepEqual(m.rounds, [1, 2, 3]);
  assert.deepEqual(m.launches, ['reference_vanilla-r1-x', 'reference_vanilla-r2-x', 'reference_vanilla-r3-x']);
  assert.deepEqual(compareRuns(comparableFromBaseline(b), side(head)).provisional, []);
  const old = structuredClone(saved) as { cells: { metrics: Record<string, Record<string, unknown>> }[] };
  for (const c of old.cells) for (const mv of Object.values(c.metrics)) { delete mv.rounds; delete mv.launches; }
  const report = compareRuns(comparableFromBaseline(validateBaseline(old)), side(head));
  assert.deepEqual(report.provisional, ['launch-to-launch variance not estimated (base: which launch ran each trial is not recorded)']);
  const bad = structuredClone(saved) as { cells: { metrics: Record<string, Record<string, unknown>> }[] };
  bad.cells[0]!.metrics.throughput!.launches = ['a'];
  assert.throws(() => validateBaseline(bad, 'b.json'), /b\.json: cells\[0\]\.metrics\.throughput\.launches: expected absent, or an array of strings, one per value/);
});

test('several launches with several trials each: launch means are the sample, the launch spread is reported', () => {
  // engines kept for the run but relaunched once (after round 2): 2 launches x 2 trials per cell
  const make = (runId: string, seed: number, offsets: number[]) => {
    const r = run({ runId, rounds: 4, lifetime: 'run', offset: (d, round) => offsets[round <= 2 ? 0 : 1]! + 0.01 * d, seed });
    for (const c of r.cells) for (const t of c.trials) t.launch = `${c.draft}-${t.trial <= 2 ? 'a' : 'b'}`;
    return r;
  };
  const report = compareRuns(side(make('two-1', 7, [0.1, -0.1])), side(make('two-2', 8, [0.05, -0.08])));
  const c = report.comparisons[0]!;
  assert.equal(c.replicates, 'launches');
  assert.equal(c.base.n, 2, 'two launch means, not four trials');
  assert.deepEqual(report.provisional, []);
  const spread = report.launchSpread.filter((s) => s.metric === 'throughput');
  assert.deepEqual(spread.map((s) => [s.side, s.launches, s.trials]), [['base', 80, 160], ['head', 80, 160]]);
  // offsets of +-0.1 against 1% trial noise: the between-launch part dominates
  assert.ok(spread[0]!.between > 0.08 && spread[0]!.between < 0.16, String(spread[0]!.between));
  assert.ok(spread[0]!.within < 0.02, String(spread[0]!.within));
  assert.match(report.notes.join('\n'), /base throughput: launch-to-launch spread \d+\.\d%, within a launch \d\.\d% \(one-way random effects over 80 launches, 160 trials; log scale\)/);
});

test('the paired design is untouched: no launch unit, never provisional for it', () => {
  const { base, head } = sameCommit();
  const report = compareRuns(side(base), side(head), { paired: true });
  assert.deepEqual(report.provisional, []);
  assert.ok(report.comparisons.every((c) => c.replicates === undefined));
});
