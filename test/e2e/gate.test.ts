// The gate on real runs of the reference engine: two runs of the same suite pass; a run whose
// engine has a planted slowdown (a fixed delay per verify cycle, set through the environment so
// the suite is unchanged, as with a real engine regression) fails with exit 1 naming the cell;
// a result from a different suite cannot be compared (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env } });
  return { status: r.status, out: r.stdout + r.stderr };
}

const suite = (maxNewTokens: number) => `version: 1
name: gate-e2e
engines: [{ name: reference }]
drafts:
  - { name: vanilla, method: vanilla }
  - { name: ngram, method: ngram, draftTokens: 6, ngramMin: 1, ngramMax: 4 }
datasets: [code]
settings: { temperatures: [0], prompts: 2, maxNewTokens: ${maxNewTokens}, trials: 3, warmup: 1 }
`;

test('gate: same suite passes, planted slowdown fails naming the cell, different suite is not comparable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-gate-e2e-'));
  writeFileSync(join(dir, 'suite.yaml'), suite(16));
  writeFileSync(join(dir, 'other.yaml'), suite(24));
  const run = (name: string, file: string, env: Record<string, string> = {}) => {
    const r = cli(['run', '--suite', join(dir, file), '--out', join(dir, name)], env);
    assert.equal(r.status, 0, r.out);
    return join(dir, name);
  };
  const base = run('base', 'suite.yaml');
  const saved = cli(['baseline', 'save', base, '--name', 'main', '--dir', join(dir, 'baselines')]);
  assert.equal(saved.status, 0, saved.out);
  const baseline = join(dir, 'baselines', 'main.json');

  const same = run('same', 'suite.yaml');
  const pass = cli(['gate', '--baseline', baseline, same]);
  assert.equal(pass.status, 0, pass.out);

  const slow = run('slow', 'suite.yaml', { PRISM_FAULT_VERIFY_DELAY_MS: '25' });
  const fail = cli(['gate', '--baseline', baseline, slow]);
  assert.equal(fail.status, 1, fail.out);
  assert.match(fail.out, /reference\/(vanilla|ngram)\/code\/T0/);
  assert.match(fail.out, /throughput/);

  const other = run('other', 'other.yaml');
  const incomparable = cli(['gate', '--baseline', baseline, other]);
  assert.equal(incomparable.status, 2, incomparable.out);
  assert.match(incomparable.out, /maxNewTokens/);
});
