// Engine leases on fake engines: an engine that fails its warm-up is dropped and its cells fail
// with the message while the other engines' cells run; a kept engine that fails its warm-up in
// a later round is replaced by a fresh one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journalLines, runFake, suiteDir } from './helpers.ts';

test('a fresh engine that fails its warm-up is stopped, its cells fail with the message, the others run', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: broken, options: { fake: broken } }
  - { name: reference, label: fine, options: { fake: fine } }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa, code]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 8, trials: 2, warmup: 1 }
`);
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` }, { broken: { failLaunches: [1] } });
  const broken = r.result.cells.filter((c) => c.engine === 'broken');
  const fine = r.result.cells.filter((c) => c.engine === 'fine');
  assert.equal(broken.length, 2);
  for (const c of broken) {
    assert.equal(c.status, 'failed');
    assert.equal(c.error, 'engine failed to start: fake engine broken: request 1 failed');
    assert.match(c.log ?? '', /^logs\/broken_vanilla-r1-/);
    assert.deepEqual(c.trials, []);
  }
  for (const c of fine) assert.equal(c.status, 'ok', c.id);
  assert.deepEqual(fine.map((c) => c.trials.length), [2, 2]);
  // launched once, warmed up once (the request that failed), stopped; not retried per cell or per round
  assert.deepEqual(r.fake.events.filter((e) => e.engine === 'broken').map((e) => e.type), ['launch', 'generate', 'stop']);
  assert.deepEqual(r.events.filter((e) => e.type === 'cell-failed').map((e) => e.type === 'cell-failed' && e.cell).sort(), broken.map((c) => c.id).sort());
  assert.equal(r.result.status, 'complete');
  assert.ok(r.result.audit?.some((f) => f.check === 'failed' && f.cell === broken[0]!.id));
});

test('engineLifetime run: a kept engine that fails its warm-up is dropped and a fresh one runs the round', async () => {
  const { dir, suite } = suiteDir(`engines: [{ name: reference, label: kept, options: { fake: kept } }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 3, warmup: 1, engineLifetime: run }
`);
  // calls: 1 warm-up, 2 trial 1; round 2: 3 the kept engine's warm-up fails
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` }, { kept: { failCalls: [3] } });
  const [cell] = r.result.cells;
  assert.equal(cell?.status, 'ok');
  assert.deepEqual(cell?.trials.map((t) => t.trial), [1, 2, 3]);
  assert.deepEqual(r.fake.events.map((e) => `${e.type} ${e.launch}`), [
    'launch 1', 'generate 1', 'generate 1', // round 1
    'generate 1', 'stop 1', 'launch 2', 'generate 2', 'generate 2', // round 2: dropped, relaunched and warmed up
    'generate 2', 'generate 2', // round 3 on the kept fresh engine
    'stop 2',
  ]);
  // the new engine described itself in the journal
  assert.equal(journalLines(`${dir}/run`).filter((l) => l.kind === 'engine').length, 2);
  assert.equal(r.events.filter((e) => e.type === 'launch').length, 2);
});

test('each launch records where its figures come from as its own options declare it (issue 27: per-request acceptance)', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: counters, options: { fake: counters } }
  - { name: reference, label: requests, options: { fake: requests, perRequest: true } }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 1, warmup: 0 }
`);
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` });
  assert.deepEqual(r.result.engines['counters/vanilla']?.sources, { throughput: 'client' });
  assert.deepEqual(r.result.engines['requests/vanilla']?.sources, { throughput: 'client', draft_accept_rate: 'derived' });
  // the journal too, so a resumed run keeps them (launch order is the schedule's)
  const journaled = Object.fromEntries(journalLines(`${dir}/run`).filter((l) => l.kind === 'engine').map((l) => [l.key, l.sources]));
  assert.deepEqual(journaled, { 'counters/vanilla': { throughput: 'client' }, 'requests/vanilla': { throughput: 'client', draft_accept_rate: 'derived' } });
});
