// A sweep on a real single-node Slurm cluster (munged, slurmctld and slurmd started by the test on
// loopback, see slurm-cluster.ts): a small suite of vanilla and ngram over three datasets, as a job
// array of three shards on the reference engine. Shard 2 is killed with scancel after its first
// trial; the merge job, chained with --dependency=afterany, must still run and show shard 2's
// unfinished cells as failed while shards 1 and 3 carry exactly what they recorded. Then
// `slurm submit --resume` resubmits only shard 2, and the merged result is complete, every cell
// and figure equal to its shard's. Skips with a message where Slurm is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cell, ResultFile } from '../../src/result/schema.ts';
import type { SweepStatus } from '../../src/slurm/status.ts';
import { slurmSkipReason, startSlurmCluster, type SlurmCluster } from './slurm-cluster.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');

const SUITE = `version: 1
name: slurm-e2e
engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [chat, code, math]
settings:
  temperatures: [0]
  prompts: 3
  maxNewTokens: 24
  trials: 2
  warmup: 0
`;

const skip = slurmSkipReason();
if (skip) console.log(`# skipping the Slurm sweep test: ${skip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

function cli(cluster: SlurmCluster, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...cluster.env, NO_COLOR: '1' }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function until(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(250);
  }
}

const queueEmpty = (cluster: SlurmCluster) => {
  const q = spawnSync('squeue', ['-h'], { encoding: 'utf8', env: cluster.env });
  return q.status === 0 && q.stdout.trim() === '';
};

/** The cell as its shard recorded it, apart from what a merge adds or recomputes over the whole suite. */
function comparable(cell: Cell): unknown {
  const { shard: _s, fingerprint: _f, log: _l, ...rest } = structuredClone(cell);
  for (const c of Object.values(rest.comparisons ?? {})) { delete (c as Partial<typeof c>).adjustedP; delete (c as Partial<typeof c>).significant; }
  return rest;
}

/** report.csv rows of one cell without the run id column: the figures as reported. */
function csvRows(dir: string, cellPrefix: string): string[] {
  return readFileSync(join(dir, 'report.csv'), 'utf8').split('\n').slice(1)
    .map((l) => l.slice(l.indexOf(',') + 1)).filter((l) => l.startsWith(cellPrefix));
}

function assertCellsAsRecorded(merged: ResultFile, mergedDir: string, sweep: string, shards: number[]): void {
  for (const i of shards) {
    const shardDir = join(sweep, 'shards', String(i));
    const shard = readJson<ResultFile>(join(shardDir, 'result.json'));
    assert.equal(shard.status, 'complete', `shard ${i}`);
    assert.deepEqual(shard.options.shard?.index, i);
    for (const cell of shard.cells) {
      const m = merged.cells.find((c) => c.id === cell.id);
      assert.ok(m, `${cell.id} missing from the merge`);
      assert.equal(m.status, 'ok', cell.id);
      assert.deepEqual(comparable(m), comparable(cell), `${cell.id}: merged cell differs from shard ${i}'s`);
      assert.equal(m.shard, i);
      assert.deepEqual(m.fingerprint, shard.fingerprint, `${cell.id} keeps its shard's fingerprint`);
      assert.ok(m.log && existsSync(join(mergedDir, m.log)), `${cell.id}: log ${m.log} resolves from the merged directory`);
      const prefix = `${cell.engine},${cell.draft},${cell.method},${cell.dataset},${cell.temperature},`;
      const rows = csvRows(shardDir, prefix);
      assert.ok(rows.length > 5, `${cell.id} has report.csv rows`);
      assert.deepEqual(csvRows(mergedDir, prefix), rows, `${cell.id}: report.csv figures differ`);
    }
  }
}

test('a suite as a Slurm job array of 3 shards: merged after the array, a cancelled shard fails its cells, --resume completes it', { skip, timeout: 20 * 60_000 }, async () => {
  const cluster = await startSlurmCluster();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'prism-sweep-'));
    const suite = join(dir, 'suite.yaml');
    writeFileSync(suite, SUITE);
    const sweep = join(dir, 'sweep');
    const merged = join(sweep, 'merged');

    const submitted = cli(cluster, ['slurm', 'submit', '--suite', suite, '--out', sweep]);
    assert.equal(submitted.status, 0, submitted.stderr);
    assert.match(submitted.stderr, /submitted array job \d+ \(shards 1-3 of 3\) and merge job \d+/);
    const [arrayJob] = submitted.stdout.trim().split(' ');
    const script = readFileSync(join(sweep, 'slurm', 'shards-1.sbatch'), 'utf8');
    assert.match(script, /#SBATCH --array=1-3/);

    // kill shard 2 once it has finished a trial (the journal's trial line), well before its last
    const journal = join(sweep, 'shards', '2', 'requests.jsonl');
    await until('shard 2 to finish a trial', 8 * 60_000, () => existsSync(journal) && readFileSync(journal, 'utf8').includes('"kind":"trial"'));
    const cancel = spawnSync('scancel', [`${arrayJob}_2`], { encoding: 'utf8', env: cluster.env });
    assert.equal(cancel.status, 0, cancel.stderr);
    await until('the array and the merge job to end', 10 * 60_000, () => queueEmpty(cluster));

    // the merge job ran after the array (afterany): shard 2's unfinished cells are failed, with the reason
    assert.ok(existsSync(join(merged, 'result.json')), `the merge job wrote no result; see ${join(sweep, 'slurm')}`);
    const first = readJson<ResultFile>(join(merged, 'result.json'));
    assert.equal(first.cells.length, 6);
    assert.deepEqual(first.sweep?.shards.map((s) => s.state !== 'complete'), [false, true, false]);
    const shard2 = first.cells.filter((c) => c.shard === 2);
    assert.deepEqual(shard2.map((c) => c.dataset), ['code', 'code']);
    const failed = shard2.filter((c) => c.status === 'failed');
    assert.ok(failed.length >= 1, 'the cancelled shard has failed cells');
    for (const c of failed) assert.match(c.error ?? '', /shard 2\/3 \(reference\/code\).*(interrupted|stopped)|engine/, c.id);
    assert.ok(first.audit?.some((f) => f.check === 'failed' && !f.cell && /shard 2\/3/.test(f.message)), 'the audit lists the unfinished shard');
    assert.equal(first.status, 'interrupted');
    assertCellsAsRecorded(first, merged, sweep, [1, 3]);

    const status = cli(cluster, ['slurm', 'status', sweep, '--json']);
    assert.equal(status.status, 0, status.stderr);
    const st = JSON.parse(status.stdout) as SweepStatus;
    assert.deepEqual(st.shards.map((s) => [s.index, s.job, s.slurmState, s.finished]), [
      [1, `${arrayJob}_1`, 'COMPLETED', true], [2, `${arrayJob}_2`, 'CANCELLED', false], [3, `${arrayJob}_3`, 'COMPLETED', true],
    ]);
    const table = cli(cluster, ['slurm', 'status', sweep]);
    assert.match(table.stdout, /CANCELLED/);
    assert.match(table.stdout, /1 shard\(s\) not finished/);

    // trials shard 2 finished before the kill are kept by the resumed run
    const before = readJson<ResultFile>(join(sweep, 'shards', '2', 'result.json'));
    const kept = before.cells.filter((c) => c.status !== 'failed').flatMap((c) => c.trials.map((t) => `${c.id}#${t.attempt}`));
    const resumed = cli(cluster, ['slurm', 'submit', '--resume', sweep]);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /\(shards 2 of 3\)/);
    assert.match(readFileSync(join(sweep, 'slurm', 'shards-2.sbatch'), 'utf8'), /#SBATCH --array=2\n/);
    await until('the resubmitted shard and its merge job to end', 10 * 60_000, () => queueEmpty(cluster));

    const final = readJson<ResultFile>(join(merged, 'result.json'));
    assert.equal(final.status, 'complete');
    assert.equal(final.sweep?.sweepId, first.sweep?.sweepId);
    assert.deepEqual(final.cells.map((c) => c.status), Array(6).fill('ok'));
    assertCellsAsRecorded(final, merged, sweep, [1, 2, 3]);
    const after = readJson<ResultFile>(join(sweep, 'shards', '2', 'result.json'));
    const afterTrials = new Set(after.cells.flatMap((c) => c.trials.map((t) => `${c.id}#${t.attempt}`)));
    for (const k of kept) assert.ok(afterTrials.has(k), `trial ${k} finished before scancel was kept`);
    // every draft cell's speedup is against the vanilla cell of its own shard
    for (const c of final.cells.filter((x) => x.draft === 'ngram')) {
      const ref = final.cells.find((x) => x.id === c.comparisons?.speedup?.reference);
      assert.equal(ref?.shard, c.shard, c.id);
    }
    assert.equal(final.audit?.filter((f) => f.check === 'hardware').length, 0, 'one machine: no hardware findings');
    // nothing more to resubmit
    const again = cli(cluster, ['slurm', 'submit', '--resume', sweep]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /nothing to resubmit/);
  } finally {
    await cluster.stop();
  }
});
