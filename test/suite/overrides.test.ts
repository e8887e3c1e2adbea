// run's command-line overrides: each flag checked by the suite key's own rule (the message names
// the flag), applied after --quick, selections by name from the suite's lists, recorded on the suite.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSuite, suiteAsRun } from '../../src/suite/index.ts';
import { OverrideError, parseOverrideFlags } from '../../src/suite/overrides.ts';
import { writeTemp } from './helpers.ts';

const SUITE = `
engines:
  - name: reference
  - name: reference
    label: reference-b
drafts:
  - {name: vanilla, method: vanilla}
  - {name: ngram, method: ngram}
  - {name: eagle3, method: eagle3}
datasets: [chat, code]
settings: {temperatures: [0], trials: 4, maxNewTokens: 64, seed: 7}
quick: {trials: 2, maxNewTokens: 16, prompts: 2}
`;

/** Asserts `fn` throws an OverrideError whose whole message matches `re`. */
function throwsOverride(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OverrideError, String(e));
    assert.match(e.message, re);
    assert.equal(e.message.split('\n').length, 1);
    assert.equal(e.exitCode, 2);
    return true;
  });
}

describe('parseOverrideFlags', () => {
  it('no flags: no overrides', () => {
    assert.equal(parseOverrideFlags({}), undefined);
  });

  it('numbers, a temperature list and name lists', () => {
    assert.deepEqual(parseOverrideFlags({ prompts: '5', trials: '3', seed: '0', maxNewTokens: '32', temperatures: '0, 0.7,1', drafts: 'vanilla,ngram,vanilla', engines: 'reference' }), {
      prompts: 5, trials: 3, seed: 0, maxNewTokens: 32, temperatures: [0, 0.7, 1], drafts: ['vanilla', 'ngram'], engines: ['reference'],
    });
  });

  it('a bad value gets the suite key\'s message, naming the flag', () => {
    throwsOverride(() => parseOverrideFlags({ trials: '0' }), /^--trials: expected an integer >= 1, got 0 -- set --trials to a whole number such as 3$/);
    throwsOverride(() => parseOverrideFlags({ trials: 'many' }), /^--trials: expected an integer >= 1, got "many" \(a string\) -- /);
    throwsOverride(() => parseOverrideFlags({ maxNewTokens: '1.5' }), /^--max-new-tokens: expected an integer >= 1, got 1\.5 -- /);
    throwsOverride(() => parseOverrideFlags({ seed: '-1' }), /^--seed: expected an integer >= 0, got -1 -- /);
    throwsOverride(() => parseOverrideFlags({ prompts: '2000000' }), /^--prompts: expected an integer <= 1000000, got 2000000 -- /);
    throwsOverride(() => parseOverrideFlags({ temperatures: '0,-1' }), /^--temperatures\[1\]: expected a number >= 0, got -1 -- /);
    throwsOverride(() => parseOverrideFlags({ temperatures: '0,1,0' }), /^--temperatures\[2\]: duplicate temperature 0 \(same as --temperatures\[0\]\) -- remove the repeated 0$/);
    throwsOverride(() => parseOverrideFlags({ drafts: 'vanilla,,ngram' }), /^--drafts: expected a comma-separated list of names, got "vanilla,,ngram"/);
  });
});

describe('loadSuite with overrides', () => {
  const file = writeTemp(SUITE);

  it('settings replace the suite\'s, and are recorded with the suite as run', () => {
    const overrides = { trials: 2, temperatures: [0, 1], maxNewTokens: 8 };
    const s = loadSuite(file, { overrides });
    assert.equal(s.settings.trials, 2);
    assert.deepEqual(s.settings.temperatures, [0, 1]);
    assert.equal(s.settings.maxNewTokens, 8);
    assert.equal(s.settings.seed, 7);
    assert.deepEqual(suiteAsRun(s).overrides, overrides);
    assert.equal(suiteAsRun(loadSuite(file)).overrides, undefined);
  });

  it('--quick applies first, then the flags', () => {
    const s = loadSuite(file, { quick: true, overrides: { trials: 3 } });
    assert.equal(s.settings.trials, 3);
    assert.equal(s.settings.maxNewTokens, 16);
    assert.equal(s.settings.prompts, 2);
  });

  it('trials above the default maxTrials raise it, as in the file; above an explicit maxTrials, the flag is blamed', () => {
    assert.equal(loadSuite(file, { overrides: { trials: 20 } }).settings.maxTrials, 20);
    const capped = writeTemp('engines: [{name: reference}]\ndrafts: [{method: vanilla}]\nsettings: {maxTrials: 5}\n');
    assert.throws(() => loadSuite(capped, { overrides: { trials: 8 } }), /: --trials: expected an integer <= settings\.maxTrials \(5\), got 8 -- set --trials to at most 5, or raise settings\.maxTrials in the suite$/);
  });

  it('selections keep the named entries, in the suite\'s order; an engine is named by label or adapter', () => {
    const s = loadSuite(file, { overrides: { drafts: ['ngram', 'vanilla'], datasets: ['code'], engines: ['reference-b'] } });
    assert.deepEqual(s.drafts.map((d) => d.name), ['vanilla', 'ngram']);
    assert.deepEqual(s.datasets.map((d) => d.name), ['code']);
    assert.deepEqual(s.engines.map((e) => e.label ?? e.name), ['reference-b']);
    assert.equal(loadSuite(file, { overrides: { engines: ['reference'] } }).engines.length, 2);
  });

  it('an unknown name: one line listing the suite\'s names, with a guess for a typo', () => {
    throwsOverride(() => loadSuite(file, { overrides: { drafts: ['ngrm'] } }), /^--drafts: the suite has no draft "ngrm" -- did you mean ngram\? the suite's drafts are: vanilla, ngram, eagle3$/);
    throwsOverride(() => loadSuite(file, { overrides: { datasets: ['math'] } }), /^--datasets: the suite has no dataset "math" -- the suite's datasets are: chat, code$/);
    throwsOverride(() => loadSuite(file, { overrides: { engines: ['sglang'] } }), /^--engines: the suite has no engine "sglang" -- the suite's engines are: reference, reference-b$/);
  });
});
