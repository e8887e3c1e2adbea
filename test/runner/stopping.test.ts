// The stopping policy on fake engines: --target-ci adds trials to a cell until its throughput
// interval is within the target (up to maxTrials), --target-mde adds whole rounds until the
// suite-level MDE is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteThroughputMde } from '../../src/runner/stopping.ts';
import { runFake, suiteDir } from './helpers.ts';

// one cell per engine, one prompt of one turn, no warm-up: the n-th call of an engine is its trial n
const ONE_CELL = `drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 100, trials: 2, maxTrials: 6, warmup: 0 }
`;

test('--target-ci: a cell runs trials until its throughput interval is within the target, up to maxTrials', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: steady, options: { fake: steady } }
  - { name: reference, label: noisy, options: { fake: noisy } }
  - { name: reference, label: settling, options: { fake: settling } }
${ONE_CELL}`);
  // throughput = 100 tokens / seconds: steady 100 every trial; noisy 100, 50, 100, 50, ...;
  // settling 100, 120, then 110 on: its 95% interval is within 10% of the mean from trial 5
  // (half-widths 115%, 22.6%, 11.8%, 8.0% of the mean after 2, 3, 4, 5 trials)
  const settling = [100, 120, 110, 110, 110, 110];
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run`, targetCi: 10 }, {
    steady: { seconds: () => 1 },
    noisy: { seconds: (n) => (n % 2 === 1 ? 1 : 2) },
    settling: { seconds: (n) => 100 / (settling[n - 1] ?? 110) },
  });
  const trials = (label: string) => r.result.cells.find((c) => c.engine === label)?.trials.map((t) => t.trial);
  assert.deepEqual(trials('steady'), [1, 2]);
  assert.deepEqual(trials('settling'), [1, 2, 3, 4, 5]);
  assert.deepEqual(trials('noisy'), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(r.result.targetCiUnmet, ['noisy/vanilla/qa/T0']);
  const notes = r.events.flatMap((e) => (e.type === 'note' ? [e.message] : []));
  assert.deepEqual(notes, ['--target-ci 10%: 1 cell(s) still wider after 6 trials (maxTrials): noisy/vanilla/qa/T0']);
  assert.equal(r.result.status, 'complete');
});

test('--target-mde: whole rounds for every cell until the suite-level MDE is within the target', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: base, options: { fake: base } }
  - { name: reference, label: head, options: { fake: head } }
${ONE_CELL.replace('maxTrials: 6', 'maxTrials: 8')}`);
  // base steady; head's per-round ratio wanders by about 1%: the paired MDE shrinks as rounds are
  // added (4.0% after 2 rounds, 1.7% after 3, 1.1% after 4: one-sided, as the gate tests)
  const head = [1.0, 1.01, 0.995, 1.005, 0.99, 1.0, 1.01, 0.995];
  const behaviours = { base: { seconds: () => 1 }, head: { seconds: (n: number) => head[n - 1] ?? 1 } };
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run`, targetMde: 1.5, pair: { base: 'base', head: 'head' } }, behaviours);
  const rounds = r.result.cells.map((c) => c.trials.map((t) => t.trial));
  assert.deepEqual(rounds, [[1, 2, 3, 4], [1, 2, 3, 4]], 'both engines ran the same whole rounds');
  assert.equal(r.result.mde?.design, 'paired');
  assert.equal(r.result.mde?.rounds, 4);
  const mde = r.result.mde?.throughput;
  assert.ok(typeof mde === 'number' && mde * 100 <= 1.5, `MDE ${mde} within 1.5%`);
  // one round fewer was not enough: the MDE of the first three rounds is above the target
  const three = structuredClone(r.result);
  for (const c of three.cells) {
    c.trials = c.trials.slice(0, 3);
    c.metrics.throughput!.values = c.metrics.throughput!.values.slice(0, 3);
  }
  const before = suiteThroughputMde(three, { base: 'base', head: 'head' });
  assert.ok(before !== null && before * 100 > 1.5, `MDE after 3 rounds ${before}`);
  assert.equal(r.events.filter((e) => e.type === 'note').length, 0);

  // out of reach: every round up to maxTrials, then a note
  const far = await runFake({ suiteFile: suite, outDir: `${dir}/far`, targetMde: 0.01, pair: { base: 'base', head: 'head' } }, behaviours);
  assert.deepEqual(far.result.cells.map((c) => c.trials.length), [8, 8]);
  assert.match(far.events.flatMap((e) => (e.type === 'note' ? [e.message] : [])).join('\n'), /--target-mde 0.01%: the suite-level throughput MDE is still [0-9.]+% after 8 rounds \(maxTrials\)/);
});
