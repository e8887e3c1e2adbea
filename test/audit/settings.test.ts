import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHardware, checkSettings, isFingerprint } from '../../src/audit/settings.ts';
import { SETTINGS, makeCell, makeFingerprint, makeResult } from './helpers.ts';

test('identical settings and hardware -> nothing', () => {
  const a = makeResult([makeCell()]), b = makeResult([makeCell()], { runId: 'run-b' });
  assert.deepEqual(checkSettings(a, b), []);
  assert.deepEqual(checkHardware(a, b), []);
});

test('each differing setting -> one warning, first result first; temperature order does not matter', () => {
  const a = makeResult([], { settings: { ...SETTINGS, temperatures: [0, 1] } });
  const b = makeResult([], { runId: 'run-b', settings: { ...SETTINGS, temperatures: [1, 0], maxNewTokens: 32, seed: 8 } });
  const f = checkSettings(a, b);
  assert.deepEqual(f, [
    { check: 'settings', severity: 'warning', message: 'settings differ between the runs: maxNewTokens: 64 vs 32' },
    { check: 'settings', severity: 'warning', message: 'settings differ between the runs: seed: 7 vs 8' },
  ]);
});

test('a setting missing from one suite is a difference', () => {
  const { topK: _drop, ...rest } = SETTINGS;
  const f = checkSettings(makeResult([]), makeResult([], { settings: rest }));
  assert.deepEqual(f.map((x) => x.message), ['settings differ between the runs: topK: -1 vs (unset)']);
});

test('each hardware difference -> one warning', () => {
  const a = makeResult([]);
  const b = makeResult([], { runId: 'run-b', fingerprint: makeFingerprint({ cpu: { manufacturer: 'Intel', brand: 'Xeon', model: '1', physicalCores: 32, logicalCores: 64, speedGHz: 2 }, hostname: 'other' }) });
  const f = checkHardware(a, b);
  assert.deepEqual(f.map((x) => [x.check, x.severity, x.message]), [
    ['hardware', 'warning', "hardware differs between the runs: cpu.manufacturer: 'AMD' vs 'Intel'"],
    ['hardware', 'warning', "hardware differs between the runs: cpu.brand: 'EPYC 7B13' vs 'Xeon'"],
  ]);
});

test('missing fingerprint -> one warning naming the run instead of a crash', () => {
  const f = checkHardware(makeResult([]), makeResult([], { runId: 'run-b', fingerprint: {} }));
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /fingerprint missing or incomplete in run run-b/);
  assert.equal(isFingerprint(makeFingerprint()), true);
  assert.equal(isFingerprint({ cpu: {} }), false);
});
