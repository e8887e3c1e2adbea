// scripts/gpu-profile.py on a CPU with the tiny shape: every code path of the GPU profiler runs (the
// GPU itself aside: CUDA graphs), and what it writes loads through the profile schema with a cost
// curve for each draft shape. Skips where /usr/bin/python3 has no torch (CI installs python3-torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../src/profile/schema.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/gpu-profile.py', import.meta.url));

test('gpu-profile.py --device cpu --tiny writes a profile that loads, with every draft shape priced', { timeout: 300_000 }, (t) => {
  if (spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0) { t.skip('/usr/bin/python3 has no torch (Debian\'s python3-torch): the GPU profiler is not exercised'); return; }
  const out = join(mkdtempSync(join(tmpdir(), 'prism-gpu-profile-')), 'tiny.json');
  const r = spawnSync('/usr/bin/python3', [SCRIPT, '--device', 'cpu', '--tiny', '--contexts', '64,128', '--tokens', '1,4,16', '--rows', '1,4', '--out', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const p = loadProfile(out);
  assert.equal(p.provenance, 'measured');
  assert.deepEqual(p.target.verify.map((c) => c.contextTokens), [64, 128]);
  assert.deepEqual(p.target.verify[0].points.map((q) => q.tokens), [1, 4, 16]);
  assert.deepEqual(Object.keys(p.drafts).sort(), ['eagle', 'eagle3', 'hass', 'hass2', 'prism']);
  for (const d of Object.values(p.drafts)) {
    assert.equal(d.kind, 'learned');
    if (d.kind === 'learned') assert.deepEqual(d.steps.map((s) => s.rows), [1, 4]);
  }
  // prism and hass are timed as the shapes they share with eagle3 and eagle
  assert.deepEqual(p.drafts.prism.kind === 'learned' && p.drafts.prism.steps, p.drafts.eagle3.kind === 'learned' && p.drafts.eagle3.steps);
});
