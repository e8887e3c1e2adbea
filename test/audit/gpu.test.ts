import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGpu } from '../../src/audit/gpu.ts';
import { makeCell, makeResult } from './helpers.ts';

test('cells with other GPU processes -> one warning each; empty or absent lists -> nothing', () => {
  const busy = makeCell({ draft: 'ngram', gpuBusy: ['pid 42 python (2048 MiB)', 'pid 43 Xorg (? MiB)'] });
  const f = checkGpu(makeResult([makeCell(), makeCell({ draft: 'eagle', gpuBusy: [] }), busy]));
  assert.equal(f.length, 1);
  assert.equal(f[0].check, 'gpu');
  assert.equal(f[0].severity, 'warning');
  assert.equal(f[0].cell, busy.id);
  assert.match(f[0].message, /^GPU shared with other processes during reference\/ngram\/chat\/T0: pid 42 python \(2048 MiB\); pid 43 Xorg \(\? MiB\)/);
});
