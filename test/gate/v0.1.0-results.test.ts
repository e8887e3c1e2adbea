// Results written by prism-bench 0.1.0 (before the comparison core and the runner were split)
// still load, replay from their journal, compare and gate, with the very numbers 0.1.0 stated:
// test/fixtures/results/v0.1.0-expected.json is what that release computed from them, but for
// what later models changed on purpose: across runs (pairUnpaired, quickGate) the engine launch is
// the unit (gate/launch-unit.ts), and compare --pair pairs speedup round by round (pairPaired).
//   v0.1.0-pair:  suites with two engines, base and head, interleaved (result.json, requests.jsonl);
//   v0.1.0-quick: the default suite with --quick, trimmed to its code/T0 cells (result.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadResult } from '../../src/result/store.ts';
import { readJournal, restoreFromJournal } from '../../src/runner/journal.ts';
import { suiteThroughputMde } from '../../src/runner/stopping.ts';
import { compareCells, summarizeCell } from '../../src/stats/aggregate.ts';
import { makeBaseline } from '../../src/gate/baseline.ts';
import { comparableFromBaseline, comparableFromResult, loadComparable, pairedSides } from '../../src/gate/comparable.ts';
import { compareRuns } from '../../src/gate/compare.ts';
import { runGate } from '../../src/report/gate.ts';
import { REPO, runCli } from './helpers.ts';

const FIXTURES = join(REPO, 'test', 'fixtures', 'results');
const PAIR = join(FIXTURES, 'v0.1.0-pair');
const QUICK = join(FIXTURES, 'v0.1.0-quick');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'v0.1.0-expected.json'), 'utf8')) as Record<string, unknown>;
/** As JSON would carry it (undefined fields dropped), to compare with the stored expectation. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
/**
 * `actual` with each number that is within rounding of the stored one replaced by it: 1e-14
 * relative (the Welch df and the ratio interval are now formed from scale-free shares and the
 * exact tail (1 - level)/2, a few ulps from 0.1.0's), and 1e-4 for an MDE (a number under a key
 * containing "mde"): 0.1.0 integrated the rule's power on a fixed Simpson grid, up to 4e-5 off in
 * these MDEs (the stored 216.9069 for ttft at df 2.25 has power 0.799996 by mpmath quadrature,
 * today's 216.9147 has 0.8000000004); the quadrature that replaced it is pinned to mpmath in
 * test/stats/power.test.ts.
 */
function asStored(actual: unknown, stored: unknown, key = ''): unknown {
  if (typeof actual === 'number' && typeof stored === 'number') {
    const tol = /mde/i.test(key) ? 1e-4 : 1e-14;
    return Math.abs(actual - stored) <= tol * Math.abs(stored) ? stored : actual;
  }
  if (Array.isArray(actual) && Array.isArray(stored)) return actual.map((v, i) => asStored(v, stored[i], key));
  if (actual && stored && typeof actual === 'object' && typeof stored === 'object') {
    const s = stored as Record<string, unknown>;
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, asStored(v, s[k], /mde/i.test(key) ? key : k)]));
  }
  return actual;
}
const gated = (g: { exitCode: number; headline: string }) => ({ exitCode: g.exitCode, headline: g.headline });
/** What 0.1.0 computed that the decision rule does not decide: rule-made fields (and those 0.1.0 lacked) dropped. */
const RULE_FIELDS = new Set(['adjustedP', 'pBeyond', 'mde', 'judgeable', 'tooFewTrials']);
const ruleFree = (v: unknown): unknown => (Array.isArray(v) ? v.map(ruleFree)
  : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !RULE_FIELDS.has(k)).map(([k, x]) => [k, ruleFree(x)])) : v);
const tolerance = expected.toleranceRule as { pairGate: { exitCode: number; headline: string }; quickGate: { exitCode: number; headline: string }; mde: unknown };
const stated = expected as { pairGate: { exitCode: number }; quickGate: { exitCode: number } };

test('v0.1.0 results load as results and as comparison sides', () => {
  for (const dir of [PAIR, QUICK]) {
    const r = loadResult(dir);
    assert.equal(r.tool.version, '0.1.0');
    assert.equal(r.status, 'complete');
    assert.ok(r.cells.every((c) => c.status === 'ok'));
    assert.equal(loadComparable(dir).cells.length, r.cells.length);
  }
});

test('a v0.1.0 journal replays into the trials its result holds', () => {
  const stored = loadResult(PAIR);
  const journal = readJournal(join(PAIR, 'requests.jsonl'));
  assert.equal(journal.damaged, 0);
  assert.equal(journal.run?.runId, stored.runId);
  const fresh = structuredClone(stored);
  for (const c of fresh.cells) { c.trials = []; c.status = 'pending'; }
  fresh.engines = {};
  assert.equal(restoreFromJournal(fresh, journal, 3), 12);
  assert.deepEqual(fresh.cells.map((c) => c.trials), stored.cells.map((c) => c.trials));
  assert.deepEqual(fresh.engines, stored.engines);
});

test('the speedups a v0.1.0 result stored are what the comparison core computes from its trials', () => {
  const pair = loadResult(PAIR);
  const again = structuredClone(pair);
  compareCells(again);
  assert.deepEqual(again.cells.map((c) => [c.comparisons, c.metrics.speedup]), pair.cells.map((c) => [c.comparisons, c.metrics.speedup]));
  assert.ok(pair.cells.some((c) => c.comparisons?.speedup?.test === 'paired'), 'paired speedups among them');
  // the quick result lost most of its cells to the trim, and with them most of the Holm family: all but the adjusted p
  const quick = loadResult(QUICK);
  const recomputed = structuredClone(quick);
  compareCells(recomputed);
  const unadjusted = (r: typeof quick) => r.cells.map((c) => {
    const { adjustedP: _a, significant: _s, ...rest } = c.comparisons?.speedup ?? { adjustedP: null, significant: false };
    return [rest, c.metrics.speedup];
  });
  assert.deepEqual(unadjusted(recomputed), unadjusted(quick));
  assert.equal(quick.cells.filter((c) => c.comparisons?.speedup).length, 3);
  // and a cell's statistics from its trials and the journal's records
  const records = readJournal(join(PAIR, 'requests.jsonl')).records;
  for (const stored of pair.cells) {
    const cell = structuredClone(stored);
    summarizeCell(cell, records.filter((r) => r.cell === cell.id && cell.trials.some((t) => t.attempt === r.attempt)));
    assert.deepEqual(cell.metrics.throughput, stored.metrics.throughput, cell.id);
    assert.deepEqual(cell.metrics.accept_length_pooled, stored.metrics.accept_length_pooled, cell.id);
  }
});

test('v0.1.0 results compare and gate with the numbers v0.1.0 stated', () => {
  const pair = loadResult(PAIR), quick = loadResult(QUICK);
  const sides = pairedSides(comparableFromResult(pair, ''), 'base', 'head');
  // ratios, intervals, p's of no change and verdicts as 0.1.0 stated them; what the tolerance rule decides as it first did
  assert.deepEqual(asStored(ruleFree(plain(compareRuns(sides.base, sides.head, { paired: true }))), ruleFree(expected.pairPaired)), ruleFree(expected.pairPaired));
  assert.deepEqual(asStored(ruleFree(plain(compareRuns(sides.base, sides.head))), ruleFree(expected.pairUnpaired)), ruleFree(expected.pairUnpaired));
  assert.deepEqual(gated(runGate(sides.base, sides.head, { paired: true })), tolerance.pairGate);
  assert.equal(stated.pairGate.exitCode, tolerance.pairGate.exitCode);
  const baseline = comparableFromBaseline(makeBaseline(quick, 'v0.1.0', new Date('2025-01-01T00:00:00Z')), '');
  assert.deepEqual(gated(runGate(baseline, comparableFromResult(quick, ''))), tolerance.quickGate);
  assert.equal(stated.quickGate.exitCode, tolerance.quickGate.exitCode);
  assert.deepEqual(asStored({
    pairPaired: suiteThroughputMde(pair, { base: 'base', head: 'head' }), pairUnpaired: suiteThroughputMde(pair), quickUnpaired: suiteThroughputMde(quick),
  }, tolerance.mde, 'mde'), tolerance.mde);
});

test('compare --pair and gate --pair take a v0.1.0 run directory', () => {
  const c = runCli(['compare', PAIR, '--pair', 'base:head', '--json']);
  assert.equal(c.code, 0, c.stderr);
  const report = JSON.parse(c.stdout) as { comparisons: unknown[]; suite: unknown[] };
  const want = expected.pairPaired as { comparisons: unknown[]; suite: unknown[] };
  assert.deepEqual(asStored(ruleFree(report.comparisons), ruleFree(want.comparisons)), ruleFree(want.comparisons));
  assert.deepEqual(asStored(ruleFree(report.suite), ruleFree(want.suite)), ruleFree(want.suite));
  const g = runCli(['gate', PAIR, '--pair', 'base:head']);
  assert.equal(g.code, 0, g.stdout + g.stderr);
  assert.ok(g.stdout.includes(tolerance.pairGate.headline), g.stdout);
});
