import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkFailed } from '../../src/audit/failed.ts';
import { makeCell, makeResult } from './helpers.ts';

test('failed cells -> error with the first line of the reason and the log', () => {
  const a = makeCell({ draft: 'ngram', status: 'failed', error: 'engine exited with code 1 during the cell\nTraceback ...\nmore', log: 'logs/x.log' });
  const b = makeCell({ draft: 'eagle', status: 'failed' });
  const f = checkFailed(makeResult([makeCell(), a, b, makeCell({ draft: 'prism', status: 'pending' })]));
  assert.deepEqual(f, [
    { check: 'failed', severity: 'error', cell: a.id, message: 'cell failed: engine exited with code 1 during the cell (log: logs/x.log)' },
    { check: 'failed', severity: 'error', cell: b.id, message: 'cell failed: (no reason recorded)' },
  ]);
});
