// The two scheduling strategies on fake engines: interleave: request takes each trial's prompts
// in turn (A B, B A, ...); interleave: trial runs the engines of a draft one after the other, in
// a balanced order over the rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journalLines, runFake, suiteDir, trialOrder } from './helpers.ts';

test('interleave request: the engines of a draft take each trial\'s prompts in turn, A B B A', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: base, options: { fake: base } }
  - { name: reference, label: head, options: { fake: head } }
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [code]
settings: { temperatures: [0], prompts: 4, maxNewTokens: 8, trials: 2, warmup: 2, interleave: request }
`);
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` }, { base: { seconds: () => 0.5 }, head: { seconds: () => 1.5 } });
  assert.ok(r.result.cells.every((c) => c.status === 'ok' && c.trials.length === 2));
  // the journal holds the requests in the order they ran (one at a time)
  const requests = journalLines(`${dir}/run`).filter((l) => l.kind === undefined) as unknown as { cell: string; trial: number; promptId: string }[];
  for (const draft of ['vanilla', 'ngram']) {
    for (const trial of [1, 2]) {
      const seq = requests.filter((q) => q.trial === trial && q.cell.split('/')[1] === draft);
      const engines = seq.map((q) => q.cell.split('/')[0]);
      const [a, b] = engines as [string, string];
      assert.notEqual(a, b);
      assert.deepEqual(engines, [a, b, b, a, a, b, b, a], `${draft} trial ${trial}`);
      for (let i = 0; i < 8; i += 2) assert.equal(seq[i]!.promptId, seq[i + 1]!.promptId, 'both engines get each prompt back to back');
    }
  }
  // the warm-up too is taken in turn, after both engines are up: launch, launch, then A B, B A
  assert.equal(r.fake.events.filter((e) => e.type === 'launch').length, 8, 'each engine once per draft and round');
  const first = r.fake.events.slice(0, 6).map((e) => `${e.type} ${e.engine}`);
  const [x, y] = [first[0]!.split(' ')[1], first[1]!.split(' ')[1]];
  assert.deepEqual(first, [`launch ${x}`, `launch ${y}`, `generate ${x}`, `generate ${y}`, `generate ${y}`, `generate ${x}`]);
  // each engine's trial time is its own requests' time, on the fake clock exactly
  for (const c of r.result.cells) for (const t of c.trials) assert.equal(t.wallSeconds, c.engine === 'base' ? 2 : 6, c.id);
});

test('interleave trial: the engines of a draft run one after the other, each first equally often', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: a, options: { fake: a } }
  - { name: reference, label: b, options: { fake: b } }
  - { name: reference, label: c, options: { fake: c } }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 8, trials: 6, warmup: 1 }
`);
  const r = await runFake({ suiteFile: suite, outDir: `${dir}/run` });
  assert.ok(r.result.cells.every((c) => c.status === 'ok' && c.trials.length === 6));
  // one engine at a time: each engine's warm-up and both prompts, then the next engine
  const byEngine = r.fake.generates().map((g) => g.engine);
  for (let i = 0; i < byEngine.length; i += 3) assert.equal(new Set(byEngine.slice(i, i + 3)).size, 1, `calls ${i}..${i + 2}`);
  // rounds: one order rotated and reversed, so six rounds of three engines hold all six orders
  const order = trialOrder(`${dir}/run`);
  const orders = [1, 2, 3, 4, 5, 6].map((round) => (order.get(round) ?? []).join(' '));
  assert.equal(new Set(orders).size, 6, orders.join(' | '));
  const [p, q, s] = (order.get(1) ?? []) as [string, string, string];
  assert.deepEqual(orders, [`${p} ${q} ${s}`, `${s} ${q} ${p}`, `${q} ${s} ${p}`, `${p} ${s} ${q}`, `${s} ${p} ${q}`, `${q} ${p} ${s}`]);
});
