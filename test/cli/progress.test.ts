import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress, runCounter } from '../../src/cli/progress.ts';

test('issue 24: a run counts cells and trials apart, not "cells 0/120" for 40 cells x 3 trials', () => {
  const count = runCounter(40, 3);
  assert.equal(count('a', 1), 'trial 1/3, cell 1/40');
  assert.equal(count('a', 1), 'trial 1/3, cell 1/40', 'the same cell started and done');
  assert.equal(count('b', 1), 'trial 1/3, cell 2/40');
  assert.equal(count('a', 2), 'trial 2/3, cell 1/40');
  assert.equal(count('a', 4), 'trial 4/4, cell 1/40', 'a round added by --target-ci');
});

test('off a terminal, Progress prints the counter it is given in place of done/total', () => {
  let out = '';
  const stream = { isTTY: false, write: (s: string) => { out += s; return true; } } as unknown as NodeJS.WriteStream;
  const bar = new Progress('run', 120, stream);
  bar.update(0, 'reference/ngram/chat/T0', 'trial 1/3, cell 1/40');
  assert.match(out, /^run: trial 1\/3, cell 1\/40 \(0%, ETA \?\) reference\/ngram\/chat\/T0\n$/);
  out = '';
  bar.update(120, 'done');
  assert.match(out, /^run: 120\/120 \(100%/);
});
