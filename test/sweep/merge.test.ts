// The merge on hand-made shard directories (no Slurm needed): cells copied as recorded with their
// shard and fingerprint, Holm redone over the whole suite, a missing shard's cells failed with the
// reason, a shard on other hardware flagged, and a shard that does not belong refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell, ResultFile } from '../../src/result/schema.ts';
import { loadSuite, suiteAsRun } from '../../src/suite/load.ts';
import { planSweep } from '../../src/sweep/plan.ts';
import { mergeSweep } from '../../src/sweep/merge.ts';
import { SweepError, readManifest, shardDir, writeManifest, type SweepManifest } from '../../src/sweep/manifest.ts';
import { compareCells } from '../../src/stats/aggregate.ts';
import { holm } from '../../src/stats/tests.ts';
import { renderReport } from '../../src/report/index.ts';
import { makeCell, makeFingerprint, makeRecords, makeResult, metric } from '../audit/helpers.ts';
import { writeTemp } from '../suite/helpers.ts';

const SUITE = `version: 1
name: merge-unit
engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [chat, code, math]
settings: { temperatures: [0], trials: 3 }
`;

function makeSweep(): { dir: string; manifest: SweepManifest } {
  const suite = loadSuite(writeTemp(SUITE));
  const dir = mkdtempSync(join(tmpdir(), 'prism-merge-'));
  const manifest: SweepManifest = {
    kind: 'prism-bench-sweep', version: 1, sweepId: 'sweep-1', createdAt: '2026-01-01T00:00:00.000Z',
    suiteFile: suite.file, quick: false, suite: suiteAsRun(suite) as unknown as Record<string, unknown>,
    shards: planSweep(suite), slurm: { partition: null, gpusPerTask: null, time: null, sbatchArgs: [] }, submissions: [],
  };
  writeManifest(dir, manifest);
  return { dir, manifest };
}

/** A complete shard result for `dataset`: vanilla and ngram (ngram faster by `speedup`), with its journal. */
function writeShard(dir: string, manifest: SweepManifest, index: number, dataset: string, speedup: number, cpuBrand = 'EPYC 7B13'): ResultFile {
  const cells: Cell[] = [
    makeCell({ dataset, trials: 3, metrics: { throughput: metric('throughput', [100, 104, 98]) } }),
    makeCell({ dataset, draft: 'ngram', trials: 3, metrics: { throughput: metric('throughput', [100 * speedup, 104 * speedup * 1.01, 98 * speedup * 0.98]) } }),
  ];
  for (const c of cells) c.log = `logs/${c.draft}.log`;
  const result = makeResult(cells, { runId: `run-${index}`, fingerprint: makeFingerprint({ cpu: { manufacturer: 'AMD', brand: cpuBrand, model: '1', physicalCores: 32, logicalCores: 64, speedGHz: 2.45 } }) });
  result.suite = manifest.suite;
  result.options = { quick: false, shard: { index, count: manifest.shards.length, units: [`reference/${dataset}`], slurmJob: `7_${index}` } };
  compareCells(result);
  const out = shardDir(dir, index);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'result.json'), JSON.stringify(result));
  writeFileSync(join(out, 'requests.jsonl'), cells.flatMap((c) => makeRecords(c)).map((r) => JSON.stringify(r)).join('\n') + '\n');
  return result;
}

test('cells keep their figures, shard and fingerprint; a missing shard fails its cells; other hardware is flagged', () => {
  const { dir, manifest } = makeSweep();
  const one = writeShard(dir, manifest, 1, 'chat', 1.5);
  const three = writeShard(dir, manifest, 3, 'math', 1.1, 'Xeon 8480');
  const out = join(dir, 'merged');
  const { result } = mergeSweep(dir, manifest, out);

  // the order an unsharded run lists them
  assert.deepEqual(result.cells.map((c) => c.id), [
    'reference/vanilla/chat/T0', 'reference/vanilla/code/T0', 'reference/vanilla/math/T0',
    'reference/ngram/chat/T0', 'reference/ngram/code/T0', 'reference/ngram/math/T0',
  ]);
  for (const [shard, recorded] of [[1, one], [3, three]] as const) {
    for (const cell of recorded.cells) {
      const m = result.cells.find((c) => c.id === cell.id)!;
      assert.equal(m.status, 'ok');
      assert.deepEqual(m.metrics, cell.metrics, `${cell.id} metrics`);
      assert.deepEqual(m.trials, cell.trials);
      assert.equal(m.shard, shard);
      assert.deepEqual(m.fingerprint, recorded.fingerprint);
      assert.equal(m.log, `../shards/${shard}/logs/${cell.draft}.log`);
      assert.equal(m.comparisons?.speedup?.ratio, cell.comparisons?.speedup?.ratio);
      assert.equal(m.comparisons?.speedup?.p, cell.comparisons?.speedup?.p);
    }
  }
  // Holm over the suite's two comparisons, not each shard's one
  const ps = [one, three].map((r) => r.cells[1]!.comparisons!.speedup!.p as number);
  const adjusted = holm(ps);
  assert.equal(result.cells[3]!.comparisons!.speedup!.adjustedP, adjusted[0]);
  assert.equal(result.cells[5]!.comparisons!.speedup!.adjustedP, adjusted[1]);
  assert.notEqual(adjusted[0], ps[0], 'the adjustment changed with the family');

  const code = result.cells.filter((c) => c.dataset === 'code');
  for (const c of code) {
    assert.equal(c.status, 'failed');
    assert.equal(c.shard, 2);
    assert.match(c.error ?? '', /^shard 2\/3 \(reference\/code\) has no result: .* -- prism-bench slurm submit --resume /);
  }
  assert.equal(result.status, 'interrupted');
  assert.deepEqual(result.sweep?.shards.map((s) => [s.index, s.state, s.slurmJob]), [[1, 'complete', '7_1'], [2, 'missing', null], [3, 'complete', '7_3']]);
  assert.deepEqual(result.fingerprint, one.fingerprint);
  const hw = result.audit!.filter((f) => f.check === 'hardware');
  assert.equal(hw.length, 1);
  assert.match(hw[0]!.message, /^shard 3 ran on different hardware than shard 1: cpu\.brand: 'EPYC 7B13' vs 'Xeon 8480'/);
  assert.ok(result.audit!.some((f) => f.check === 'failed' && !f.cell && /^shard 2\/3 \(reference\/code\) has no result/.test(f.message)));
  assert.equal(result.audit!.filter((f) => f.check === 'failed' && f.cell).length, 2, 'one finding per failed cell too');
  const md = renderReport(result, 'md');
  assert.match(md, /Merged from 3 shards/);
  assert.match(md, /- shard 2 \(reference\/code\): missing, host unknown, cells ok\/failed\/pending 0\/0\/2/);
  assert.match(md, /- shard 3 \(reference\/math\): complete, host bench-a, Slurm job 7_3/);
});

test('a shard directory holding another shard, or other settings, is refused with the file and the fix', () => {
  const { dir, manifest } = makeSweep();
  writeShard(dir, manifest, 1, 'chat', 1.2);
  const wrong = writeShard(dir, manifest, 2, 'code', 1.2);
  wrong.options.shard = { index: 1, count: 3, units: ['reference/chat'] };
  writeFileSync(join(shardDir(dir, 2), 'result.json'), JSON.stringify(wrong));
  assert.throws(() => mergeSweep(dir, manifest, join(dir, 'merged')), (e: Error) => e instanceof SweepError
    && /shards\/2\/result\.json: options\.shard: holds shard 1\/3, but the sweep expects shard 2\/3 here -- /.test(e.message));

  wrong.options.shard = { index: 2, count: 3, units: ['reference/code'] };
  wrong.suite = { ...wrong.suite, settings: { ...(wrong.suite.settings as object), maxNewTokens: 7 } };
  writeFileSync(join(shardDir(dir, 2), 'result.json'), JSON.stringify(wrong));
  assert.throws(() => mergeSweep(dir, manifest, join(dir, 'merged')), /suite\.settings: the shard ran other settings than the sweep \(maxNewTokens: 7 vs \d+\)/);
});

test('a damaged manifest is one line naming the field', () => {
  const { dir } = makeSweep();
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ kind: 'prism-bench-sweep', version: 1, sweepId: 'x' }));
  assert.throws(() => readManifest(dir), (e: Error) => e instanceof SweepError && /sweep\.json: createdAt: .* -- the file is not a prism-bench sweep manifest/.test(e.message) && !e.message.includes('\n'));
});
