// A journal that cannot be appended to mid-run stops the run at once: no engine is blamed or
// launched again, no finished trial is marked failed, what finished is saved in result.json
// (status interrupted), and the error (exit 1) names the journal and the way on (--resume).
//
// The failure is made real for root too (CI runs the tests as root, where permission bits stop
// nothing): the journal's path is taken by a directory while the run goes on (the lines written
// so far moved aside), so every append fails with EISDIR, as it would on a full disk (ENOSPC) or
// a journal pulled from under the run, for any user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { runSuite, JournalWriteError, type RunEvent } from '../../src/runner/run.ts';
import type { ResultFile } from '../../src/result/schema.ts';
import { fakeEngines } from './fake-engine.ts';
import { TWO_DRAFT_SUITE, runFake, suiteDir } from './helpers.ts';
import { escapeRegExp } from '../helpers/regexp.ts';

/** Runs on fake engines, breaking the journal when `when` first says so; returns the error the run ended with. */
async function runBreaking(suite: string, out: string, when: (e: RunEvent, seen: RunEvent[]) => boolean) {
  const fake = fakeEngines();
  const events: RunEvent[] = [];
  const journal = join(out, 'requests.jsonl');
  let brokenAt = -1;
  const onEvent = (e: RunEvent) => {
    events.push(e);
    if (brokenAt < 0 && when(e, events)) {
      brokenAt = fake.events.length;
      renameSync(journal, `${journal}.kept`);
      mkdirSync(journal);
    }
  };
  let error: unknown = null;
  try {
    await runSuite({ suiteFile: suite, outDir: out, onEvent }, fake.deps);
  } catch (e) {
    error = e;
  }
  // the journal given back as it was, for the resume
  rmdirSync(journal);
  renameSync(`${journal}.kept`, journal);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultFile;
  return { error, events, fake, after: fake.events.slice(brokenAt), result };
}

test('interleave trial: a journal that fails on a request record stops the run there, launches nothing more, keeps the finished trials', async () => {
  const { dir, suite } = suiteDir(TWO_DRAFT_SUITE);
  const out = join(dir, 'run');
  // broken as round 2's first trial starts: its first record cannot be journaled
  const r = await runBreaking(suite, out, (e, seen) => e.type === 'cell-start' && seen.filter((x) => x.type === 'cell-start').length === 3);
  assert.ok(r.error instanceof JournalWriteError, String(r.error));
  assert.equal(r.error.exitCode, 1);
  assert.match(r.error.message, new RegExp(`^${escapeRegExp(join(out, 'requests.jsonl'))}: cannot append to the run's journal \\(EISDIR\\): the run stopped at once \\(its engines stopped\\), 2 finished trial\\(s\\) saved in .*result\\.json -- free the disk or restore the file, then continue with prism-bench run --resume .*run$`));
  assert.deepEqual(r.events.filter((e) => e.type === 'cell-failed'), [], 'no cell blamed');
  assert.deepEqual(r.after.filter((e) => e.type === 'launch'), [], 'no engine launched after the journal broke');
  assert.equal(r.fake.events.filter((e) => e.type === 'launch').length, r.fake.events.filter((e) => e.type === 'stop').length, 'every engine stopped');
  assert.equal(r.result.status, 'interrupted');
  for (const c of r.result.cells) {
    assert.equal(c.status, 'pending', c.id);
    assert.equal(c.trials.length, 1, `${c.id}: its round-1 trial kept`);
  }
  // --resume runs round 2 only
  const resumed = await runFake({ suiteFile: suite, resumeDir: out });
  assert.equal(resumed.result.status, 'complete');
  assert.equal(resumed.fake.generates().length, 4, 'two cells x two prompts, nothing run twice');
  for (const c of resumed.result.cells) {
    assert.deepEqual(c.trials.map((t) => t.trial), [1, 2]);
    assert.equal(c.trials[0]?.attempt, r.result.cells.find((x) => x.id === c.id)?.trials[0]?.attempt);
  }
});

test('interleave request: a journal that fails as a slot\'s trials finish keeps every trial that ran to its end, none marked failed', async () => {
  const { dir, suite } = suiteDir(`engines:
  - { name: reference, label: base, options: { fake: base } }
  - { name: reference, label: head, options: { fake: head } }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 2, maxNewTokens: 8, trials: 2, warmup: 0, interleave: request }
`);
  const out = join(dir, 'run');
  // broken once the first engine's trial line is written: the second's cannot be
  const r = await runBreaking(suite, out, (e) => e.type === 'cell-done');
  assert.ok(r.error instanceof JournalWriteError, String(r.error));
  assert.match(r.error.message, /cannot append to the run's journal \(EISDIR\): the run stopped at once \(its engines stopped\), 2 finished trial\(s\) saved in /);
  assert.deepEqual(r.events.filter((e) => e.type === 'cell-failed'), []);
  assert.deepEqual(r.after.filter((e) => e.type === 'launch'), []);
  assert.equal(r.result.status, 'interrupted');
  assert.deepEqual(r.result.cells.map((c) => [c.status, c.trials.length]), [['pending', 1], ['pending', 1]]);
  const resumed = await runFake({ suiteFile: suite, resumeDir: out });
  assert.equal(resumed.result.status, 'complete');
  assert.equal(resumed.fake.generates().length, 4, 'round 2 only');
});

test('a journal that fails as a launched engine describes itself: the engine is stopped, not blamed, and no other is launched', async () => {
  const { dir, suite } = suiteDir(`engines: [{ name: reference, options: { fake: ref } }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }, { name: standalone, method: standalone }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 1, warmup: 0 }
`);
  const out = join(dir, 'run');
  // broken as the second engine is launched: its engine line cannot be journaled
  const r = await runBreaking(suite, out, (e, seen) => e.type === 'launch' && seen.filter((x) => x.type === 'launch').length === 2);
  assert.ok(r.error instanceof JournalWriteError, String(r.error));
  assert.match(r.error.message, /cannot append to the run's journal \(EISDIR\): the run stopped at once \(its engines stopped\), 1 finished trial\(s\) saved in /);
  assert.deepEqual(r.events.filter((e) => e.type === 'cell-failed'), [], 'no "engine failed to start"');
  assert.deepEqual(r.after.map((e) => e.type).filter((t) => t !== 'generate'), ['launch', 'stop'], 'the one engine launched as it broke, stopped; none after');
  assert.equal(r.result.status, 'interrupted');
  assert.deepEqual(r.result.cells.map((c) => c.status).sort(), ['ok', 'pending', 'pending']);
});
