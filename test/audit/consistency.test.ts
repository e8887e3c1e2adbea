import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditResult, checkConsistency, CHECK_ORDER, CONSISTENCY_TOLERANCE } from '../../src/audit/index.ts';
import { agree } from '../../src/audit/consistency.ts';
import { positionAcceptance } from '../../src/metrics/compute.ts';
import { counterPositionAcceptance } from '../../src/stats/aggregate.ts';
import type { RequestRecord } from '../../src/metrics/records.ts';
import type { Cell } from '../../src/result/schema.ts';
import { makeCell, makeRecords, makeResult } from './helpers.ts';

/** Histograms per request (histogram[a] = cycles accepting exactly a drafts), counts that match them. */
const HISTS = [[1, 2, 1, 0], [0, 1, 2, 3], [2, 0, 0, 1], [1, 1, 1, 1], [0, 0, 0, 4]];

function withHistograms(cell: Cell, hists = HISTS): RequestRecord[] {
  return makeRecords(cell).map((r, i) => {
    const h = hists[i % hists.length]!;
    const cycles = h.reduce((a, b) => a + b, 0);
    const accepted = h.reduce((a, c, j) => a + j * c, 0);
    return { ...r, acceptedHistogram: h.slice(), verifyCycles: cycles, acceptedDrafts: accepted, proposedDrafts: 3 * cycles, completionTokens: 1 + cycles + accepted };
  });
}

function chainCell(): { cell: Cell; records: RequestRecord[] } {
  const cell = makeCell({ draft: 'ngram' });
  const records = withHistograms(cell);
  cell.positionAcceptance = positionAcceptance(records)!;
  return { cell, records };
}

test('a chain cell whose histograms, counts and per-position rates agree has no finding', () => {
  const { cell, records } = chainCell();
  // the identity the check rests on: 1 + sum of marginal rates = 1 + accepted / cycles, pooled over cycles
  const pa = cell.positionAcceptance!;
  const accepted = records.reduce((a, r) => a + r.acceptedDrafts!, 0), cycles = records.reduce((a, r) => a + r.verifyCycles!, 0);
  assert.ok(Math.abs(1 + pa.unconditional.reduce((a, x) => a + x, 0) - (1 + accepted / cycles)) < 1e-12);
  assert.deepEqual(checkConsistency(makeResult([cell]), records), []);
});

test('a tree draft agrees too: its accepted path has a depth, and proposed drafts (the tree\'s nodes) are not compared', () => {
  const cell = makeCell({ draft: 'eagle3' });
  // depth up to 6 of a 16-node tree
  const records = withHistograms(cell, [[0, 1, 1, 2, 3, 1, 2], [1, 0, 0, 0, 0, 0, 5]]).map((r) => ({ ...r, proposedDrafts: 16 * r.verifyCycles! }));
  cell.positionAcceptance = positionAcceptance(records)!;
  assert.deepEqual(checkConsistency(makeResult([cell]), records), []);
});

test('a request whose histogram disagrees with its counts is a warning naming the request and both numbers', () => {
  const { cell, records } = chainCell();
  const bad = records.find((r) => r.promptId === 'chat-02' && r.trial === 2)!;
  bad.acceptedDrafts! += 2; // histogram [0, 1, 2, 3]: 14 accepted over 6 cycles
  const f = checkConsistency(makeResult([cell]), records);
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.equal(f[0]!.check, 'consistency');
  assert.equal(f[0]!.severity, 'warning');
  assert.equal(f[0]!.cell, cell.id);
  assert.match(f[0]!.message, /^1 of 10 requests: /);
  assert.match(f[0]!.message, /chat-02 \(turn 0, trial 2\): histogram 14 accepted drafts over 6 cycles \(1 \+ sum of marginal rates = 3\.333\), counts 16 over 6 \(acceptance length 3\.667\)/);
});

test('stored per-position rates that disagree with the pooled acceptance length are a warning with both figures', () => {
  const { cell, records } = chainCell();
  cell.positionAcceptance = { ...cell.positionAcceptance!, unconditional: cell.positionAcceptance!.unconditional.map((x) => x * 0.9) };
  const f = checkConsistency(makeResult([cell]), records);
  assert.equal(f.length, 1, JSON.stringify(f));
  const accepted = records.reduce((a, r) => a + r.acceptedDrafts!, 0), cycles = records.reduce((a, r) => a + r.verifyCycles!, 0);
  assert.ok(f[0]!.message.includes(`give 1 + ${accepted}/${cycles} = `), f[0]!.message);
  assert.match(f[0]!.message, new RegExp(`1 \\+ sum of marginal rates = [\\d.]+ over ${cycles} cycles`));
});

test('a disagreement within the tolerance (double rounding) is no finding; one token over many cycles is', () => {
  assert.ok(agree(3.25, 3.25 * (1 + CONSISTENCY_TOLERANCE / 2)));
  assert.ok(!agree(1 + 2_000_000 / 1_000_000, 1 + 2_000_001 / 1_000_000));
  assert.ok(agree(1e6, 1e6 + 1e-4));
  assert.ok(!agree(1e6, 1e6 + 1));
});

/** A vLLM-like cell: counters per trial, consistent with each other and with per-request figures. */
function counterCell(): { cell: Cell; records: RequestRecord[] } {
  const cell = makeCell({ engine: 'vllm', draft: 'ngram' });
  const records = withHistograms(cell);
  for (const t of cell.trials) {
    const own = records.filter((r) => r.attempt === t.attempt);
    const pooled = [0, 0, 0, 0];
    for (const r of own) r.acceptedHistogram!.forEach((c, a) => (pooled[a]! += c));
    const drafts = own.reduce((a, r) => a + r.verifyCycles!, 0);
    const acceptedTokens = own.reduce((a, r) => a + r.acceptedDrafts!, 0);
    const perPos = [1, 2, 3].map((i) => pooled.slice(i).reduce((a, b) => a + b, 0));
    t.engineCounters = { drafts, draftTokens: own.reduce((a, r) => a + r.proposedDrafts!, 0), acceptedTokens, acceptedPerPosition: perPos, generation: 'vllm-v1' };
    t.metrics = { accept_length_engine: 1 + acceptedTokens / drafts, draft_accept_rate: acceptedTokens / t.engineCounters.draftTokens };
  }
  cell.positionAcceptance = positionAcceptance(records)!;
  return { cell, records };
}

test('engine counters that agree with the per-request figures and with accept_length_engine: no finding', () => {
  const { cell, records } = counterCell();
  assert.deepEqual(checkConsistency(makeResult([cell]), records), []);
  // counters only (no per-request figures): the rates come from the counters and still agree
  const countersOnly = records.map((r) => ({ ...r, acceptedHistogram: null, acceptedDrafts: null, proposedDrafts: null }));
  cell.positionAcceptance = counterPositionAcceptance(cell)!;
  assert.deepEqual(checkConsistency(makeResult([cell]), countersOnly), []);
});

test('counters that disagree with the requests\' sums are a warning with the trial and both numbers', () => {
  const { cell, records } = counterCell();
  const d = cell.trials[1]!.engineCounters!;
  d.acceptedTokens += 3; d.draftTokens += 9; // a request outside the trial was counted
  cell.trials[1]!.metrics.accept_length_engine = 1 + d.acceptedTokens / d.drafts!;
  const f = checkConsistency(makeResult([cell]), records);
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.equal(f[0]!.severity, 'warning');
  const own = records.filter((r) => r.attempt === cell.trials[1]!.attempt);
  const accepted = own.reduce((a, r) => a + r.acceptedDrafts!, 0);
  assert.ok(f[0]!.message.includes(`trial 2: accept_length_engine `), f[0]!.message);
  assert.ok(f[0]!.message.includes(`accepted draft tokens ${accepted + 3} (counters) vs ${accepted} (sum over 5 requests)`), f[0]!.message);
  assert.match(f[0]!.message, /draft tokens \d+ \(counters\) vs \d+ \(sum over 5 requests\)/);
  assert.doesNotMatch(f[0]!.message, /trial 1:/);
});

test('per-position counters that disagree with the requests\' histograms are named position by position', () => {
  const { cell, records } = counterCell();
  const d = cell.trials[0]!.engineCounters!;
  const before = d.acceptedPerPosition!.slice();
  d.acceptedPerPosition = [before[0]!, before[1]! + 1, before[2]! - 1]; // same sum, so accept_length_engine still agrees
  const f = checkConsistency(makeResult([cell]), records);
  assert.equal(f.length, 1, JSON.stringify(f));
  assert.ok(f[0]!.message.includes(`trial 1: steps accepting >= i drafts, i = 1..3: ${d.acceptedPerPosition.join(', ')} (counters) vs ${before.join(', ')} (histograms of 5 requests)`), f[0]!.message);
});

test('auditResult runs the consistency check; its findings sort after temperature and before settings', () => {
  assert.ok(CHECK_ORDER.indexOf('consistency') === CHECK_ORDER.indexOf('temperature') + 1);
  const { cell, records } = chainCell();
  records[0]!.verifyCycles! += 1;
  const f = auditResult(makeResult([cell]), records).filter((x) => x.check === 'consistency');
  assert.equal(f.length, 1);
  assert.match(f[0]!.message, /histogram \d+ accepted drafts over \d+ cycles/);
});
