// A run with command-line overrides on fake engines: result.json records the overridden suite and
// the flags, and a resume (result.json intact or rebuilt from the journal) applies them again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runFake, suiteDir } from './helpers.ts';

test('overrides are recorded in result.json and kept by --resume', async () => {
  const { dir, suite } = suiteDir(`engines: [{ name: reference, options: { fake: ref } }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [qa, chat]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 8, trials: 3, warmup: 0 }
`);
  const out = join(dir, 'run');
  const overrides = { trials: 1, prompts: 1, drafts: ['ngram'], datasets: ['qa'] };
  const first = await runFake({ suiteFile: suite, outDir: out, overrides });
  assert.equal(first.result.status, 'complete');
  assert.deepEqual(first.result.cells.map((c) => c.id), ['reference/ngram/qa/T0']);
  assert.deepEqual(first.result.options.overrides, overrides);
  const stored = first.result.suite as { settings: { trials: number; prompts: number }; overrides?: unknown };
  assert.equal(stored.settings.trials, 1);
  assert.equal(stored.settings.prompts, 1);
  assert.deepEqual(stored.overrides, overrides);

  // without the overrides a resume would find the suite's settings changed and refuse
  const again = await runFake({ suiteFile: suite, resumeDir: out });
  assert.equal(again.result.status, 'complete');
  assert.equal(again.fake.generates().length, 0);
  rmSync(join(out, 'result.json'));
  const rebuilt = await runFake({ suiteFile: suite, resumeDir: out });
  assert.equal(rebuilt.result.status, 'complete');
  assert.deepEqual(rebuilt.result.options.overrides, overrides);
  assert.deepEqual(rebuilt.result.cells.map((c) => c.id), ['reference/ngram/qa/T0']);
  assert.equal(rebuilt.fake.generates().length, 0);
});
