// `prism-bench train` refuses a device it cannot train on before it tokenizes or spawns anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../gate/helpers.ts';

for (const sub of ['target', 'drafts']) {
  test(`train ${sub}: an unknown --device exits 2 with one line naming the choices`, () => {
    const r = runCli(['train', sub, '--device', 'gpu']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`train ${sub}: --device must be cpu or cuda, got 'gpu'`));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}
