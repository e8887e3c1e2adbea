import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTemperature } from '../../src/audit/temperature.ts';
import { greedyHash, makeCell, makeRecords, makeResult } from './helpers.ts';

test('T=1 outputs all equal to the T=0 outputs -> temperature looks ignored (error)', () => {
  const cold = makeCell({ draft: 'prism', temperature: 0 }), hot = makeCell({ draft: 'prism', temperature: 1 });
  const f = checkTemperature(makeResult([cold, hot]), [...makeRecords(cold), ...makeRecords(hot)]);
  assert.equal(f.length, 1);
  assert.equal(f[0].check, 'temperature');
  assert.equal(f[0].severity, 'error');
  assert.equal(f[0].cell, 'reference/prism/chat/T1');
  assert.match(f[0].message, /^temperature 1 looks ignored: all 10 outputs equal the T=0 outputs of reference\/prism\/chat\/T0/);
});

test('sampled outputs that differ from T=0 are not flagged (info only)', () => {
  const cold = makeCell({ temperature: 0 }), hot = makeCell({ temperature: 1 });
  // most prompts happen to sample the greedy output; two do not
  const hotRecs = makeRecords(hot, { hash: (p, t, trial) => (p === 'chat-02' || (p === 'chat-04' && trial === 1) ? `sampled:${p}:${trial}` : greedyHash(p, t)) });
  const f = checkTemperature(makeResult([cold, hot]), [...makeRecords(cold), ...hotRecs]);
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'info');
  assert.equal(f[0].message, 'temperature 1 took effect: 3/10 outputs differ from the T=0 outputs');
  assert.ok(!f.some((x) => x.severity !== 'info'));
});

test('matches the same draft, engine and dataset only', () => {
  const coldVanilla = makeCell({ temperature: 0 }), coldNgram = makeCell({ draft: 'ngram', temperature: 0 });
  const hotNgram = makeCell({ draft: 'ngram', temperature: 0.7 });
  // the hot ngram cell equals vanilla's greedy outputs but differs from ngram's own T=0 (which is broken)
  const recs = [...makeRecords(coldVanilla), ...makeRecords(coldNgram, { hash: () => 'broken' }), ...makeRecords(hotNgram)];
  const f = checkTemperature(makeResult([coldVanilla, coldNgram, hotNgram]), recs);
  assert.equal(f[0].severity, 'info');
  assert.match(f[0].message, /^temperature 0\.7 took effect/);
});

test('T=0 trial missing -> falls back to any T=0 trial (greedy does not depend on trial)', () => {
  const cold = makeCell({ temperature: 0, trials: 1 }), hot = makeCell({ temperature: 1, trials: 3 });
  const f = checkTemperature(makeResult([cold, hot]), [...makeRecords(cold), ...makeRecords(hot)]);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /all 15 outputs/);
});

test('no T=0 cell in the suite -> one info, nothing else', () => {
  const hot = makeCell({ temperature: 1 }), hot2 = makeCell({ draft: 'ngram', temperature: 1 });
  const f = checkTemperature(makeResult([hot, hot2]), [...makeRecords(hot), ...makeRecords(hot2)]);
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'info');
  assert.equal(f[0].cell, undefined);
  assert.match(f[0].message, /^temperature check skipped: the suite has no T=0 cell/);
});

test('no T=0 twin for a cell, or no records -> info on that cell', () => {
  const cold = makeCell({ temperature: 0 }), hot = makeCell({ draft: 'ngram', temperature: 1 }), hotV = makeCell({ temperature: 1 });
  const f = checkTemperature(makeResult([cold, hot, hotV]), makeRecords(cold));
  assert.deepEqual(f.map((x) => [x.severity, x.cell]), [['info', hot.id], ['info', hotV.id]]);
  assert.match(f[0].message, /no T=0 cell of the same engine, draft and dataset/);
  assert.match(f[1].message, /no request records for this cell/);
});

test('only T>0 cells with status ok are checked; a suite with only T=0 gives nothing', () => {
  const cold = makeCell({ temperature: 0 }), hot = makeCell({ temperature: 1, status: 'failed' });
  assert.deepEqual(checkTemperature(makeResult([cold, hot]), [...makeRecords(cold), ...makeRecords(hot)]), []);
  assert.deepEqual(checkTemperature(makeResult([cold]), makeRecords(cold)), []);
});
