import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditPair, auditResult, sortFindings } from '../../src/audit/index.ts';
import type { AuditFinding } from '../../src/result/schema.ts';
import { SETTINGS, greedyHash, makeCell, makeFingerprint, makeRecords, makeResult, metric } from './helpers.ts';

function scenario() {
  const v0 = makeCell({ draft: 'vanilla' });
  const n0 = makeCell({ draft: 'ngram', gpuBusy: ['pid 9 python (100 MiB)'] });
  const p0 = makeCell({ draft: 'prism' });
  const p1 = makeCell({ draft: 'prism', temperature: 1, metrics: { throughput: metric('throughput', [50, 100], { cv: 0.47 }) } });
  const e0 = makeCell({ draft: 'eagle3', status: 'failed', error: 'draft model not found' });
  const cells = [p1, e0, n0, v0, p0];
  const records = [
    ...makeRecords(v0), ...makeRecords(n0),
    ...makeRecords(p0, { hash: (p, t) => (p === 'chat-02' ? 'bad' : greedyHash(p, t)) }),
    ...makeRecords(p1, { hash: (p, t) => (p === 'chat-02' ? 'bad' : greedyHash(p, t)) }),
  ];
  return { cells, records };
}

test('auditResult runs every one-result check and orders error > warning > info, then cell id', () => {
  const { cells, records } = scenario();
  const f = auditResult(makeResult(cells), records);
  assert.deepEqual(f.map((x) => [x.severity, x.check, x.cell]), [
    ['error', 'failed', 'reference/eagle3/chat/T0'],
    ['error', 'lossless', 'reference/prism/chat/T0'],
    ['error', 'temperature', 'reference/prism/chat/T1'],
    ['warning', 'gpu', 'reference/ngram/chat/T0'],
    ['warning', 'noise', 'reference/prism/chat/T1'],
    ['info', 'lossless', 'reference/ngram/chat/T0'],
  ]);
  assert.match(f[1].message, /first differing prompts: chat-02 \(turn 0\)/);
});

test('the order does not depend on the order of cells or records', () => {
  const { cells, records } = scenario();
  const a = auditResult(makeResult(cells), records);
  const b = auditResult(makeResult([...cells].reverse()), [...records].reverse());
  assert.deepEqual(b, a);
});

test('cvThreshold option reaches the noise check', () => {
  const { cells, records } = scenario();
  const f = auditResult(makeResult(cells), records, { cvThreshold: 0.5 });
  assert.ok(!f.some((x) => x.check === 'noise'));
});

test('a clean result gives only info findings', () => {
  const v = makeCell(), d = makeCell({ draft: 'ngram' });
  const f = auditResult(makeResult([v, d]), [...makeRecords(v), ...makeRecords(d)]);
  assert.deepEqual(f.map((x) => x.severity), ['info']);
});

test('auditPair reports settings and hardware differences, global findings before cell ones', () => {
  const a = makeResult([makeCell()]);
  const b = makeResult([makeCell()], { runId: 'run-b', settings: { ...SETTINGS, batchSize: 4 }, fingerprint: makeFingerprint({ node: { version: 'v22.1.0' } }) });
  assert.deepEqual(auditPair(a, b).map((x) => [x.check, x.severity, x.message]), [
    ['settings', 'warning', 'settings differ between the runs: batchSize: 1 vs 4'],
    ['hardware', 'warning', 'hardware differs between the runs: node.major: 20 vs 22'],
  ]);
  assert.deepEqual(auditPair(a, a), []);
});

test('sortFindings: severity, then cell (none first), then check, stable otherwise', () => {
  const f: AuditFinding[] = [
    { check: 'noise', severity: 'info', cell: 'b', message: '1' },
    { check: 'gpu', severity: 'warning', cell: 'b', message: '2' },
    { check: 'noise', severity: 'warning', cell: 'a', message: '3' },
    { check: 'settings', severity: 'warning', message: '4' },
    { check: 'failed', severity: 'error', cell: 'z', message: '5' },
    { check: 'noise', severity: 'info', cell: 'b', message: '6' },
    { check: 'lossless', severity: 'info', cell: 'b', message: '7' },
  ];
  assert.deepEqual(sortFindings(f).map((x) => x.message), ['5', '4', '3', '2', '7', '1', '6']);
});
