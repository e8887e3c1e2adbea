// Every trial records the engine launch that ran it (the unit of a cross-run comparison): the name
// of that launch's log, in result.json and in the journal's trial line, so a resumed run keeps it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal, restoreFromJournal } from '../../src/runner/journal.ts';
import { launchId } from '../../src/runner/leases.ts';
import { comparableFromResult } from '../../src/gate/comparable.ts';
import { runFake, suiteDir } from './helpers.ts';

test('launchId is the log name without logs/ and .log', () => {
  assert.equal(launchId('logs/reference_vanilla-r2-mx97xj55.log'), 'reference_vanilla-r2-mx97xj55');
});

test('engineLifetime run: trials of one engine share its launch; a relaunch starts a new one', async () => {
  const { dir, suite } = suiteDir(`engines: [{ name: reference, label: kept, options: { fake: kept } }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa, code]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 3, warmup: 1, engineLifetime: run }
`);
  // calls: 1 warm-up, 2-3 round 1's trials; round 2: 4 the kept engine's warm-up fails -> relaunched
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` }, { kept: { failCalls: [4] } });
  for (const cell of r.result.cells) {
    const launches = cell.trials.map((t) => t.launch);
    assert.equal(launches.length, 3);
    assert.notEqual(launches[0], launches[1], 'round 2 ran on the relaunched engine');
    assert.equal(launches[1], launches[2], 'kept for round 3');
    for (const l of launches) assert.ok(existsSync(join(`${dir}/run`, `logs/${l!}.log`)), `logs/${l!}.log`);
  }
  // both cells of a round ran on the same launch
  assert.deepEqual(r.result.cells[0]!.trials.map((t) => t.launch), r.result.cells[1]!.trials.map((t) => t.launch));
  // the journal carries it, so a rebuilt result.json has it too
  const fresh = structuredClone(r.result);
  for (const c of fresh.cells) c.trials = [];
  restoreFromJournal(fresh, readJournal(join(`${dir}/run`, 'requests.jsonl')), 3);
  assert.deepEqual(fresh.cells.map((c) => c.trials.map((t) => t.launch)), r.result.cells.map((c) => c.trials.map((t) => t.launch)));
  // and a comparison side lists each value's launch
  const m = comparableFromResult(r.result).cells[0]!.metrics.throughput!;
  assert.deepEqual(m.launches, r.result.cells[0]!.trials.map((t) => t.launch));
  assert.deepEqual(m.rounds, [1, 2, 3]);
});

test('engineLifetime round: a launch per round', async () => {
  const { dir, suite } = suiteDir(`engines: [{ name: reference, options: { fake: a } }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 3, warmup: 1 }
`);
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` });
  const launches = r.result.cells[0]!.trials.map((t) => t.launch);
  assert.equal(new Set(launches).size, 3);
  assert.ok(launches.every((l, i) => l!.startsWith(`reference_vanilla-r${i + 1}-`)), launches.join(' '));
});
