// A sweep without a cluster: the scripts `slurm submit --print` writes are plain bash, so running
// the array script with SLURM_ARRAY_TASK_ID set runs that shard for real (the reference engine),
// and the merge script merges them. Covers run --shard, the script's resume branch and the merge
// where Slurm is not installed (slurm-sweep.test.ts does the same under a real Slurm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../../src/result/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultFile;

test('the printed array script runs each shard with bash; the merge script merges them into one result', { timeout: 10 * 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-sweep-scripts-'));
  const suite = join(dir, 'suite.yaml');
  writeFileSync(suite, `version: 1
name: sweep-scripts
engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [chat, code]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 12, trials: 2, warmup: 0 }
`);
  const sweep = join(dir, 'sweep');
  const env = { ...process.env, NO_COLOR: '1' };
  const printed = spawnSync(process.execPath, [BIN, 'slurm', 'submit', '--suite', suite, '--out', sweep, '--print'], { encoding: 'utf8', env });
  assert.equal(printed.status, 0, printed.stderr);
  const task = (i: number) => spawnSync('bash', [join(sweep, 'slurm', 'shards-1.sbatch')], { encoding: 'utf8', env: { ...env, SLURM_ARRAY_TASK_ID: String(i) }, timeout: 300_000 });
  for (const i of [1, 2]) {
    const r = task(i);
    assert.equal(r.status, 0, r.stderr);
    const shard = readResult(join(sweep, 'shards', String(i)));
    assert.equal(shard.status, 'complete');
    assert.deepEqual(shard.options.shard, { index: i, count: 2, units: [`reference/${['chat', 'code'][i - 1]}`] });
    assert.deepEqual(shard.cells.map((c) => c.dataset), Array(2).fill(['chat', 'code'][i - 1]));
    assert.ok(shard.cells.every((c) => c.status === 'ok'));
    assert.ok(shard.cells.find((c) => c.draft === 'ngram')?.comparisons?.speedup, 'the speedup is computed within the shard');
  }
  // a task run again continues its shard (run --resume): nothing left to do, the same trials
  const before = readResult(join(sweep, 'shards', '1'));
  const again = task(1);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(readResult(join(sweep, 'shards', '1')).cells.map((c) => c.trials), before.cells.map((c) => c.trials));

  const merge = spawnSync('bash', [join(sweep, 'slurm', 'merge-1.sbatch')], { encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(merge.status, 0, merge.stderr);
  assert.match(merge.stderr, /merged 2 of 2 shards into /);
  const merged = readResult(join(sweep, 'merged'));
  assert.equal(merged.status, 'complete');
  assert.deepEqual(merged.cells.map((c) => c.id), ['reference/vanilla/chat/T0', 'reference/vanilla/code/T0', 'reference/ngram/chat/T0', 'reference/ngram/code/T0']);
  for (const i of [1, 2]) {
    const shard = readResult(join(sweep, 'shards', String(i)));
    for (const cell of shard.cells) {
      const m = merged.cells.find((c) => c.id === cell.id)!;
      assert.deepEqual(m.metrics, cell.metrics, cell.id);
      assert.deepEqual(m.trials, cell.trials, cell.id);
      assert.equal(m.shard, i);
      assert.deepEqual(m.fingerprint, shard.fingerprint);
    }
  }
});
