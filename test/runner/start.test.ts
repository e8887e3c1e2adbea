// A new run's directory is checked before anything is measured: an --out that cannot be
// created or written, or a requests.jsonl already there (a symbolic link too, even a dangling
// one), is refused with a RunInputError (exit 2) before the fingerprint and before any launch.
// "Unwritable" is made real for root too (the tests run as root in CI, where permission bits do
// not stop anything): a path through a regular file, which no one can create a directory under.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunInputError } from '../../src/runner/run.ts';
import { fakeEngines } from './fake-engine.ts';
import { runSuite } from '../../src/runner/run.ts';
import { suiteDir } from './helpers.ts';
import { escapeRegExp } from '../helpers/regexp.ts';

const SUITE = `engines: [{ name: reference, options: { fake: ref } }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 4, trials: 1, warmup: 0 }
`;

/** Runs on fake engines and returns the error it was refused with, with whether anything was fingerprinted or launched. */
async function refusal(outDir: string, suite: string): Promise<{ error: unknown; fingerprinted: boolean; launched: boolean }> {
  const fake = fakeEngines();
  let fingerprinted = false;
  const deps = { ...fake.deps, fingerprint: async (cpus: number[] | null) => { fingerprinted = true; return fake.deps.fingerprint(cpus); } };
  try {
    await runSuite({ suiteFile: suite, outDir }, deps);
    return { error: null, fingerprinted, launched: fake.events.length > 0 };
  } catch (e) {
    return { error: e, fingerprinted, launched: fake.events.length > 0 };
  }
}

test('an --out that cannot be created (a file in its path, or a file itself) is refused before the fingerprint, naming it and the fix', async () => {
  const { dir, suite } = suiteDir(SUITE);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory\n');
  for (const out of [join(file, 'run'), join(file, 'deeper', 'run'), file]) {
    const r = await refusal(out, suite);
    assert.ok(r.error instanceof RunInputError, `${out}: ${String(r.error)}`);
    assert.match(r.error.message, new RegExp(`^${escapeRegExp(out)}: cannot create the run directory: .*a-file is a file, not a directory -- choose another --out$`));
    assert.equal(r.fingerprinted, false, 'refused before the fingerprint');
    assert.equal(r.launched, false);
  }
});

test('a requests.jsonl symbolic link in --out is refused, dangling or not, and nothing is written at its target', async () => {
  const { dir, suite } = suiteDir(SUITE);
  const target = join(dir, 'elsewhere', 'journal.jsonl');
  mkdirSync(join(dir, 'elsewhere'));
  for (const [name, exists] of [['dangling', false], ['to-a-file', true]] as const) {
    const out = join(dir, name);
    mkdirSync(out);
    if (exists) writeFileSync(target, '');
    symlinkSync(target, join(out, 'requests.jsonl'));
    const r = await refusal(out, suite);
    assert.ok(r.error instanceof RunInputError, `${name}: ${String(r.error)}`);
    assert.match(r.error.message, /requests\.jsonl: is a symbolic link \(to .*journal\.jsonl\) -- a run writes its journal inside its own directory; remove the link, or choose another --out$/);
    assert.equal(r.launched, false);
    if (!exists) assert.equal(existsSync(target), false, 'the link target was not created');
  }
});

test('a run directory that can be written runs (the checks refuse nothing else)', async () => {
  const { dir, suite } = suiteDir(SUITE);
  const r = await refusal(join(dir, 'new', 'nested', 'run'), suite);
  assert.equal(r.error, null);
  assert.equal(r.launched, true);
});
