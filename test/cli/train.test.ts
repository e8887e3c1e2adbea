// `prism-bench train` refuses a device, or a python, it cannot train on before it tokenizes or spawns anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../gate/helpers.ts';

for (const sub of ['target', 'drafts']) {
  test(`train ${sub}: an unknown --device exits 2 with one line naming the choices`, () => {
    const r = runCli(['train', sub, '--device', 'gpu']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`train ${sub}: --device must be cpu or cuda, got 'gpu'`));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}

test('train drafts --device cuda: no python with CUDA torch is one line listing what each candidate lacked, exit 2', (t) => {
  const sys = spawnSync('/usr/bin/python3', ['-c', 'import torch; raise SystemExit(0 if torch.cuda.is_available() else 1)']);
  if (sys.status === 0) { t.skip('/usr/bin/python3 has CUDA torch here: it would be chosen and training would start'); return; }
  // a python3 on PATH without torch (a real python whose PYTHONPATH hides it)
  const dir = mkdtempSync(join(tmpdir(), 'prism-train-py-'));
  writeFileSync(join(dir, 'torch.py'), 'raise ModuleNotFoundError("No module named \'torch\'")\n');
  const real = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p)) ?? 'python3';
  writeFileSync(join(dir, 'python3'), `#!/bin/sh\nPYTHONPATH='${dir}' exec '${real}' "$@"\n`);
  chmodSync(join(dir, 'python3'), 0o755);
  const env = { ...process.env, PATH: `${dir}:/bin`, PRISM_PYTHON: '' };
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url)), 'train', 'drafts', 'eagle3', '--device', 'cuda', '--out', join(dir, 'out')], { encoding: 'utf8', env });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /train drafts: no python with torch with CUDA found; tried python3 on PATH \([^)]*\): No module named 'torch'; \/usr\/bin\/python3/);
  assert.ok(!existsSync(join(dir, 'out')), 'nothing written before the refusal');
});
