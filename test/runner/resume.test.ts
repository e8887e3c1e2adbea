// Resuming on fake engines: a crash that tore the journal's last line (no newline) loses only
// the trial that line was to record; --resume sets the torn fragment aside in a side file,
// rebuilds result.json from the rest, runs that trial again, and the journal stays readable
// line by line (every line whole).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../src/runner/journal.ts';
import { RunInputError } from '../../src/runner/run.ts';
import { TWO_DRAFT_SUITE, journalLines, runFake, suiteDir } from './helpers.ts';

test('resume after a torn journal: the cut trial runs again, every other trial is kept, the journal stays readable', async () => {
  const { dir, suite } = suiteDir(TWO_DRAFT_SUITE);
  const out = join(dir, 'run');
  const first = await runFake({ suiteFile: suite, outDir: out });
  assert.equal(first.result.status, 'complete');
  const attempts = new Map(first.result.cells.map((c) => [c.id, c.trials.map((t) => t.attempt)]));

  // the crash: result.json never written, the last line (the last trial's) cut short
  const file = join(out, 'requests.jsonl');
  const text = readFileSync(file, 'utf8');
  const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
  const torn = text.slice(lastStart, lastStart + 40);
  const lost = JSON.parse(text.slice(lastStart)) as { kind: string; cell: string; trial: number; attempt: string };
  assert.equal(lost.kind, 'trial');
  writeFileSync(file, text.slice(0, lastStart) + torn);
  rmSync(join(out, 'result.json'));

  const r = await runFake({ suiteFile: suite, resumeDir: out });
  const notes = r.events.flatMap((e) => (e.type === 'note' ? [e.message] : []));
  const sides = readdirSync(out).filter((f) => f.startsWith('requests.jsonl.torn-'));
  assert.equal(sides.length, 1, 'the torn fragment is kept in a side file');
  const side = join(out, sides[0] ?? '');
  assert.equal(readFileSync(side, 'utf8'), torn, 'the side file holds the fragment as it was');
  assert.deepEqual(notes, [
    'result.json was missing; rebuilt from requests.jsonl: 3 finished trial(s), 8 request record(s)',
    `${file}: its last line was cut short (40 bytes, no newline: a crash mid-write); set aside in ${side}, the journal goes on from a fresh line`,
  ]);
  assert.equal(r.result.status, 'complete');
  assert.equal(r.result.runId, first.result.runId);
  for (const c of r.result.cells) {
    assert.equal(c.status, 'ok');
    assert.deepEqual(c.trials.map((t) => t.trial), [1, 2]);
    const before = attempts.get(c.id) ?? [];
    if (c.id === lost.cell) {
      assert.equal(c.trials[0]?.attempt, before[0], 'trial 1 kept');
      assert.notEqual(c.trials[1]?.attempt, lost.attempt, 'the torn trial ran again');
    } else {
      assert.deepEqual(c.trials.map((t) => t.attempt), before, `${c.id} kept`);
    }
  }
  // one generate per prompt of the one trial run again, nothing else
  assert.equal(r.fake.generates().length, 2);

  // the journal holds whole lines only: the fragment is gone from it, every line written since reads back
  assert.ok(!readFileSync(file, 'utf8').split('\n').includes(torn), 'the fragment was cut from the journal');
  assert.ok(journalLines(out).length > 0, 'every line parses');
  const j = readJournal(file);
  assert.equal(j.damaged, 0);
  assert.equal(j.trials.length, 4, 'three trial lines before the crash, one after');
  assert.equal(j.engines.length, 5, 'four launches before (two drafts, two rounds), one after');
  assert.equal(j.records.length, 10);

  // and the journal alone rebuilds the finished run
  rmSync(join(out, 'result.json'));
  const again = await runFake({ suiteFile: suite, resumeDir: out });
  assert.equal(again.fake.generates().length, 0, 'nothing left to run');
  assert.deepEqual(again.result.cells.map((c) => c.trials), r.result.cells.map((c) => c.trials));
});

test('a resume whose requests.jsonl is a dangling symbolic link is refused (appending would create the journal outside the run)', async () => {
  const { dir, suite } = suiteDir(`engines: [{ name: reference, options: { fake: ref } }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 1, warmup: 0 }
`);
  const out = join(dir, 'run');
  await runFake({ suiteFile: suite, outDir: out });
  const file = join(out, 'requests.jsonl');
  const target = join(dir, 'elsewhere.jsonl');
  renameSync(file, join(dir, 'journal.jsonl'));
  symlinkSync(target, file);
  await assert.rejects(runFake({ suiteFile: suite, resumeDir: out }), (e: Error) => e instanceof RunInputError && /requests\.jsonl: is a symbolic link to .*elsewhere\.jsonl, which does not exist -- put the run's journal back in its place, or remove the link$/.test(e.message));
  assert.equal(existsSync(target), false);
});
