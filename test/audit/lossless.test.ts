import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLossless } from '../../src/audit/lossless.ts';
import { greedyHash, makeCell, makeRecords, makeResult } from './helpers.ts';

const vanilla = () => makeCell({ draft: 'vanilla' });
const ngram = () => makeCell({ draft: 'ngram' });

test('every draft output equals vanilla -> one info with the count', () => {
  const v = vanilla(), d = ngram();
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v), ...makeRecords(d)]);
  assert.deepEqual(f, [{ check: 'lossless', severity: 'info', cell: d.id, message: 'lossless: 10/10 outputs identical to vanilla' }]);
});

test('one differing output -> error naming the fraction and the prompt', () => {
  const v = vanilla(), d = ngram();
  const recs = makeRecords(d, { hash: (p, t, trial) => (p === 'chat-03' && trial === 2 ? 'wrong' : greedyHash(p, t)) });
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v), ...recs]);
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'error');
  assert.equal(f[0].check, 'lossless');
  assert.equal(f[0].cell, 'reference/ngram/chat/T0');
  assert.match(f[0].message, /9\/10 outputs \(90\.0%\) identical to vanilla's, 1 differ/);
  assert.match(f[0].message, /first differing prompts: chat-03 \(turn 0\)$/);
});

test('differing prompts are listed once each, in prompt order, at most three', () => {
  const v = vanilla(), d = ngram();
  const recs = makeRecords(d, { turns: 2, hash: (p, t) => (p !== 'chat-01' && t === 1 ? 'x' : greedyHash(p, t)) });
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v, { turns: 2 }), ...recs]);
  assert.match(f[0].message, /12\/20 outputs \(60\.0%\) identical to vanilla's, 8 differ; first differing prompts: chat-02 \(turn 1\), chat-03 \(turn 1\), chat-04 \(turn 1\) and 1 more$/);
});

test('same trial is preferred; a trial vanilla lacks falls back to any vanilla trial', () => {
  const v = makeCell({ draft: 'vanilla', trials: 1 }), d = makeCell({ draft: 'ngram', trials: 3 });
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v), ...makeRecords(d)]);
  assert.equal(f[0].severity, 'info');
  assert.equal(f[0].message, 'lossless: 15/15 outputs identical to vanilla');
  // same trial present but different -> a difference, even if another vanilla trial matches
  const v2 = makeCell({ draft: 'vanilla', trials: 2 });
  const vRecs = makeRecords(v2, { hash: (p, t, trial) => (trial === 2 && p === 'chat-05' ? 'other' : greedyHash(p, t)) });
  const f2 = checkLossless(makeResult([v2, ngram()]), [...vRecs, ...makeRecords(ngram())]);
  assert.equal(f2[0].severity, 'error');
  assert.match(f2[0].message, /chat-05 \(turn 0\)/);
});

test('records of abandoned attempts are ignored', () => {
  const v = vanilla(), d = ngram();
  const stale = makeRecords(d, { hash: () => 'garbage' }).map((r) => ({ ...r, attempt: 'abandoned' }));
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v), ...makeRecords(d), ...stale]);
  assert.equal(f[0].severity, 'info');
});

test('requests without a vanilla counterpart are named, not counted as differences', () => {
  const v = vanilla(), d = ngram();
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v, { prompts: ['chat-01', 'chat-02'] }), ...makeRecords(d, { prompts: ['chat-01', 'chat-02', 'chat-09'] })]);
  assert.equal(f[0].severity, 'info');
  assert.equal(f[0].message, 'lossless: 4/4 outputs identical to vanilla; 2 requests had no vanilla counterpart (chat-09 (turn 0))');
});

test('no vanilla cell at all -> one warning that the check could not run', () => {
  const d = ngram(), e = makeCell({ draft: 'eagle3', method: 'eagle3' });
  const f = checkLossless(makeResult([d, e]), [...makeRecords(d), ...makeRecords(e)]);
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'warning');
  assert.equal(f[0].cell, undefined);
  assert.match(f[0].message, /^lossless check could not run: no vanilla cell at T=0 to compare the 2 draft cells with/);
});

test('vanilla missing for one dataset, or without records -> a warning on that cell', () => {
  const v = vanilla(), d = ngram(), dCode = makeCell({ draft: 'ngram', dataset: 'code' });
  const f = checkLossless(makeResult([v, d, dCode]), [...makeRecords(d), ...makeRecords(dCode)]);
  assert.deepEqual(f.map((x) => [x.severity, x.cell]), [['warning', d.id], ['warning', dCode.id]]);
  assert.match(f[0].message, /vanilla cell reference\/vanilla\/chat\/T0 has no request records/);
  assert.match(f[1].message, /no vanilla cell of engine reference, dataset code at T=0/);
});

test('only ok draft cells at T=0 are checked; vanilla itself and T>0 cells are not', () => {
  const v = vanilla(), failed = makeCell({ draft: 'ngram', status: 'failed' }), hot = makeCell({ draft: 'eagle', temperature: 1 }), vHot = makeCell({ temperature: 1 });
  const recs = [...makeRecords(v), ...makeRecords(hot, { hash: () => 'sampled' }), ...makeRecords(vHot, { hash: () => 'sampled2' })];
  assert.deepEqual(checkLossless(makeResult([v, failed, hot, vHot]), recs), []);
});

test('vanilla of another engine is not used', () => {
  const v = makeCell({ engine: 'sglang' }), d = ngram();
  const f = checkLossless(makeResult([v, d]), [...makeRecords(v), ...makeRecords(d)]);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /no vanilla cell of engine reference, dataset chat/);
});
