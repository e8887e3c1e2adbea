import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_QUICK, DEFAULT_SETTINGS, DRAFT_METHODS, SuiteError, loadSuite, loadSuiteDatasets, suiteAsRun, suiteSettingsDiff,
} from '../../src/suite/index.ts';
import { MINIMAL, assertSuiteError, tempDir, writeTemp } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_SUITE = join(ROOT, 'suites', 'default.yaml');
const FULL_SUITE = join(ROOT, 'suites', 'full.yaml');

/** Writes a suite and asserts loading it fails at `path` with a fix matching `fix`. */
function expectError(text: string, path: string, fix: RegExp, problem?: RegExp, opts?: { quick?: boolean; ext?: string }): SuiteError {
  const file = writeTemp(text, opts?.ext ?? 'yaml');
  return assertSuiteError(() => loadSuite(file, { quick: opts?.quick }), file, path, fix, problem);
}

describe('loadSuite: engine placement and interleaving', () => {
  it('accepts engineCpus last or a list, and interleave request', () => {
    const s = loadSuite(writeTemp(MINIMAL + 'settings:\n  engineCpus: last\n  interleave: request\n', 'yaml'));
    assert.equal(s.settings.engineCpus, 'last');
    assert.equal(s.settings.interleave, 'request');
    assert.deepEqual(loadSuite(writeTemp(MINIMAL + 'settings:\n  engineCpus: [0]\n', 'yaml')).settings.engineCpus, [0]);
  });
  it('rejects engineCpus that are neither last nor a list of CPU numbers', () => {
    expectError(MINIMAL + 'settings:\n  engineCpus: first\n', 'settings.engineCpus', /set engineCpus to last .*a list such as \[1\]/, /expected 'last', a list of CPU numbers or null, got "first"/);
    expectError(MINIMAL + 'settings:\n  engineCpus: [-1]\n', 'settings.engineCpus[0]', /set engineCpus to last/);
    expectError(MINIMAL + 'settings:\n  engineCpus: []\n', 'settings.engineCpus', /add an entry, such as \[1\]/);
  });
  it('rejects an unknown interleave, and interleave request with batchSize above 1', () => {
    expectError(MINIMAL + 'settings:\n  interleave: token\n', 'settings.interleave', /set interleave to trial .* or request/);
    expectError(MINIMAL + 'settings:\n  interleave: request\n  batchSize: 2\n', 'settings.batchSize', /set batchSize to 1, or interleave to trial/, /interleave: request takes the prompts one at a time/);
    expectError(MINIMAL + 'settings:\n  interleave: request\nquick:\n  batchSize: 4\n', 'quick.batchSize', /set batchSize to 1/, undefined, { quick: true });
  });
});

describe('loadSuite: unknown keys', () => {
  it('rejects an unknown top-level key, listing the allowed ones', () => {
    const e = expectError(MINIMAL + 'engins: []\n', 'engins', /did you mean engines\?.*allowed keys at the top level are: version, name, description, engines, drafts, datasets, settings, quick/, /unknown key/);
    assert.equal(e.problem, 'unknown key');
  });
  it('rejects an unknown key in settings', () => {
    expectError(MINIMAL + 'settings:\n  maxNewToken: 10\n', 'settings.maxNewToken', /did you mean maxNewTokens\?.*allowed keys in settings are: target, temperatures, topP/);
  });
  it('rejects an unknown key in an engine', () => {
    expectError('engines:\n  - name: reference\n    option: {}\ndrafts: [{method: vanilla}]\n', 'engines[0].option', /allowed keys in an engine are: name, label, options/);
  });
  it('rejects an unknown key in a dataset mapping', () => {
    expectError(MINIMAL + 'datasets:\n  - {name: chat, file: x.jsonl}\n', 'datasets[0].file', /allowed keys in a dataset are: name, path/);
  });
  it('rejects an unknown key in quick', () => {
    expectError(MINIMAL + 'quick:\n  prompt: 2\n', 'quick.prompt', /did you mean prompts\?.*allowed keys in quick are: .*maxTrials, engineLifetime, engineCpus, interleave, datasets/);
  });
  it('rejects an unknown key on a draft, listing the keys for its method', () => {
    expectError('engines: [{name: reference}]\ndrafts:\n  - {method: ngram, lookahead: 3}\n', 'drafts[0].lookahead', /allowed keys for method ngram are: name, method, draftedTokens, ngramMin, ngramMax/);
  });
});

describe('loadSuite: wrong types', () => {
  it('rejects a string where an integer belongs', () => {
    expectError(MINIMAL + 'settings:\n  maxNewTokens: lots\n', 'settings.maxNewTokens', /set maxNewTokens to a whole number such as 128/, /expected an integer >= 1, got "lots" \(a string\)/);
  });
  it('rejects a fractional integer field', () => {
    expectError(MINIMAL + 'settings:\n  trials: 2.5\n', 'settings.trials', /set trials to a whole number/, /got 2\.5/);
  });
  it('rejects a non-boolean ignoreEos (YAML 1.2 has no yes/no)', () => {
    expectError(MINIMAL + 'settings:\n  ignoreEos: yes\n', 'settings.ignoreEos', /set ignoreEos to true or false/);
  });
  it('rejects a scalar where a list belongs', () => {
    expectError(MINIMAL + 'settings:\n  temperatures: 0\n', 'settings.temperatures', /write temperatures as a list, such as \[0, 1\]/);
  });
  it('rejects a mapping where the engine list belongs', () => {
    expectError('engines:\n  name: reference\ndrafts: [{method: vanilla}]\n', 'engines', /write engines as a list/);
  });
  it('rejects non-mapping engine options', () => {
    expectError('engines:\n  - name: reference\n    options: fast\ndrafts: [{method: vanilla}]\n', 'engines[0].options', /write options as a mapping/);
  });
  it('rejects an empty settings block', () => {
    expectError(MINIMAL + 'settings:\n', 'settings', /write settings as a mapping/, /got nothing/);
  });
  it('rejects a non-mapping document', () => {
    expectError('- just\n- a list\n', '(document)', /engines:/, /expected a mapping at the top level/);
  });
  it('rejects an empty file', () => {
    expectError('', '(document)', /engines: and drafts:/, /empty/);
  });
  it('rejects an unsupported version', () => {
    expectError('version: 2\n' + MINIMAL, 'version', /set version: 1/);
  });
});

describe('loadSuite: out-of-range values', () => {
  it('rejects a negative temperature', () => {
    expectError(MINIMAL + 'settings:\n  temperatures: [0, -0.5]\n', 'settings.temperatures[1]', /to a number >= 0/, /got -0\.5/);
  });
  it('rejects a repeated temperature', () => {
    expectError(MINIMAL + 'settings:\n  temperatures: [0, 1, 0]\n', 'settings.temperatures[2]', /remove the repeated 0/);
  });
  it('rejects topP of 0 and above 1', () => {
    expectError(MINIMAL + 'settings:\n  topP: 0\n', 'settings.topP', /set topP to a number in \(0, 1\]/);
    expectError(MINIMAL + 'settings:\n  topP: 1.5\n', 'settings.topP', /set topP to a number in \(0, 1\]/);
  });
  it('rejects topK of 0 (use -1 to disable)', () => {
    expectError(MINIMAL + 'settings:\n  topK: 0\n', 'settings.topK', /set topK to -1 to disable/);
  });
  it('rejects trials, batchSize and maxNewTokens below 1, and negative warmup', () => {
    expectError(MINIMAL + 'settings:\n  trials: 0\n', 'settings.trials', /whole number such as 3/, /expected an integer >= 1, got 0/);
    expectError(MINIMAL + 'settings:\n  batchSize: 0\n', 'settings.batchSize', /whole number/);
    expectError(MINIMAL + 'settings:\n  maxNewTokens: -5\n', 'settings.maxNewTokens', /whole number/);
    expectError(MINIMAL + 'settings:\n  warmup: -1\n', 'settings.warmup', /whole number such as 2/, /expected an integer >= 0/);
  });
  it('rejects maxTrials below trials', () => {
    expectError(MINIMAL + 'settings:\n  trials: 5\n  maxTrials: 4\n', 'settings.maxTrials', /whole number such as 10/, /expected an integer >= trials \(5\), got 4/);
  });
  it('blames quick.trials when it exceeds settings.maxTrials, even without --quick', () => {
    expectError(MINIMAL + 'settings:\n  maxTrials: 4\nquick:\n  trials: 6\n', 'quick.trials', /at most 4/);
  });
  it('rejects ngramMax below ngramMin with the documented message', () => {
    const file = writeTemp('engines: [{name: reference}]\ndrafts:\n  - {name: vanilla, method: vanilla}\n  - {name: ngram, method: ngram, ngramMax: 0}\n');
    const e = assertSuiteError(() => loadSuite(file), file, 'drafts[1].ngramMax', /set ngramMax to a whole number such as 4/);
    assert.equal(e.message, `${e.file}: drafts[1].ngramMax: expected an integer >= ngramMin (1), got 0 -- set ngramMax to a whole number such as 4`);
  });
  it('rejects ngramMin above the default ngramMax', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{method: ngram, ngramMin: 5}]\n', 'drafts[0].ngramMin', /or also set ngramMax/, /<= ngramMax \(4, the default\)/);
  });
  it('rejects draftedTokens of 0', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{method: ngram, draftedTokens: 0}]\n', 'drafts[0].draftedTokens', /whole number such as 6/);
  });
});

describe('loadSuite: drafts', () => {
  it('rejects a duplicate draft name', () => {
    expectError('engines: [{name: reference}]\ndrafts:\n  - {name: fast, method: vanilla}\n  - {name: fast, method: ngram}\n', 'drafts[1].name', /distinct name, such as name: fast-2/, /duplicate draft name "fast" \(same as drafts\[0\]\)/);
  });
  it('rejects two unnamed drafts of the same method (names default to the method)', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{method: ngram}, {method: ngram, draftedTokens: 3}]\n', 'drafts[1]', /distinct name/);
  });
  it('rejects an unknown method, listing the known ones', () => {
    const e = expectError('engines: [{name: reference}]\ndrafts: [{name: x, method: eagle4}]\n', 'drafts[0].method', /set method to one of: vanilla, ngram, suffix, standalone, pard, medusa, eagle, eagle3, hass, hass2, mtp, dflash, prism/);
    for (const m of DRAFT_METHODS) assert.ok(e.fix.includes(m));
  });
  it('rejects a misspelled method with a suggestion', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{method: Vanilla}]\n', 'drafts[0].method', /did you mean vanilla\?/);
  });
  it('rejects a missing method', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{name: x}]\n', 'drafts[0].method', /add method: one of vanilla, ngram/);
  });
  it('rejects ngram fields on a vanilla draft', () => {
    expectError('engines: [{name: reference}]\ndrafts:\n  - {name: vanilla, method: vanilla, ngramMin: 1}\n', 'drafts[0].ngramMin', /remove ngramMin \(it applies only to method ngram\)/, /not allowed for method vanilla/);
    expectError('engines: [{name: reference}]\ndrafts:\n  - {name: vanilla, method: vanilla, verifiedTokens: 4}\n', 'drafts[0].verifiedTokens', /remove verifiedTokens \(it applies only to methods standalone/);
  });
  it('rejects learned-draft fields on an ngram draft', () => {
    expectError('engines: [{name: reference}]\ndrafts:\n  - {method: ngram, model: models/d}\n', 'drafts[0].model', /remove model \(it applies only to methods standalone, pard, medusa, eagle, eagle3, hass, hass2, prism, mtp, dflash\)/);
    expectError('engines: [{name: reference}]\ndrafts:\n  - {method: ngram, steps: 3}\n', 'drafts[0].steps', /remove steps/);
  });
  it('accepts learned-draft fields on eagle3 and keeps only those given', () => {
    const file = writeTemp('engines: [{name: reference}]\ndrafts:\n  - {name: e3, method: eagle3, model: models/e3, steps: 3, topK: 4, verifiedTokens: 8}\n  - {method: prism}\n');
    const s = loadSuite(file);
    assert.deepEqual(s.drafts, [
      { name: 'e3', method: 'eagle3', model: 'models/e3', steps: 3, topK: 4, verifiedTokens: 8 },
      { name: 'prism', method: 'prism' },
    ]);
  });
  it('rejects a draft name unusable in reports', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{name: "my draft", method: vanilla}]\n', 'drafts[0].name', /use only letters, digits/);
  });
});

describe('loadSuite: engines', () => {
  it('rejects empty engines', () => {
    expectError('engines: []\ndrafts: [{method: vanilla}]\n', 'engines', /add an entry, such as `- name: reference`/, /expected at least one engine, got an empty list/);
  });
  it('rejects missing engines and drafts', () => {
    expectError('drafts: [{method: vanilla}]\n', 'engines', /add engines:/, /missing/);
    expectError('engines: [{name: reference}]\n', 'drafts', /add drafts:/, /missing/);
  });
  it('rejects empty drafts', () => {
    expectError('engines: [{name: reference}]\ndrafts: []\n', 'drafts', /add an entry/);
  });
  it('rejects an unknown engine adapter', () => {
    expectError('engines: [{name: sglng}]\ndrafts: [{method: vanilla}]\n', 'engines[0].name', /did you mean sglang\? set name to one of: reference, sglang, vllm, trtllm/);
  });
  it('rejects two engines that reports cannot tell apart', () => {
    expectError('engines: [{name: reference}, {name: reference}]\ndrafts: [{method: vanilla}]\n', 'engines[1]', /distinct label/);
  });
  it('passes options through untouched and keeps labels', () => {
    const file = writeTemp('engines:\n  - name: reference\n    label: ref-a\n    options: {model: models/target, port: 3000, args: [--x, 1], nested: {a: null}}\n  - {name: reference, label: ref-b}\ndrafts: [{method: vanilla}]\n');
    const s = loadSuite(file);
    assert.deepEqual(s.engines, [
      { name: 'reference', label: 'ref-a', options: { model: 'models/target', port: 3000, args: ['--x', 1], nested: { a: null } } },
      { name: 'reference', label: 'ref-b', options: {} },
    ]);
  });
});

describe('loadSuite: datasets', () => {
  it('rejects an unknown built-in dataset name', () => {
    expectError(MINIMAL + 'datasets: [chat, maths]\n', 'datasets[1]', /did you mean math\? the built-in sets are chat, code, math, summarization, qa; for a file write \{name: maths, path: /, /unknown dataset "maths"/);
  });
  it('rejects a {name} mapping without path for a non-built-in name', () => {
    expectError(MINIMAL + 'datasets:\n  - {name: mt_bench}\n', 'datasets[0].name', /add path: to its question.jsonl/);
  });
  it('rejects a missing dataset file, resolving the path against the suite folder', () => {
    const e = expectError(MINIMAL + 'datasets:\n  - chat\n  - {name: mine, path: data/missing.jsonl}\n', 'datasets[1].path', /fix the path \(paths are relative to the suite file's folder, .*\) or remove this dataset/);
    assert.ok(e.problem.includes(join(tempDir(), 'data', 'missing.jsonl')), e.problem);
  });
  it('points at question.jsonl when the path names its folder', () => {
    mkdirSync(join(tempDir(), 'qdir'), { recursive: true });
    writeFileSync(join(tempDir(), 'qdir', 'question.jsonl'), '{"question_id": 1, "turns": ["hi"]}\n');
    expectError(MINIMAL + 'datasets:\n  - {name: q, path: qdir}\n', 'datasets[0].path', /point path at qdir\/question.jsonl/);
  });
  it('rejects a duplicate dataset', () => {
    expectError(MINIMAL + 'datasets: [chat, code, chat]\n', 'datasets[2]', /remove the repeat/);
  });
  it('rejects an empty dataset list', () => {
    expectError(MINIMAL + 'datasets: []\n', 'datasets', /add an entry/);
  });
  it('defaults to all five built-in sets', () => {
    const s = loadSuite(writeTemp(MINIMAL));
    assert.deepEqual(s.datasets.map((d) => d.name), ['chat', 'code', 'math', 'summarization', 'qa']);
  });
  it('loads a file dataset by relative path', () => {
    writeFileSync(join(tempDir(), 'mine.jsonl'), '{"question_id": "a", "category": "x", "turns": ["one", "two"]}\n');
    const s = loadSuite(writeTemp(MINIMAL + 'datasets:\n  - {name: mine, path: mine.jsonl}\n'));
    assert.deepEqual(s.datasets, [{ name: 'mine', path: 'mine.jsonl' }]);
    const [d] = loadSuiteDatasets(s);
    assert.equal(d!.source, join(tempDir(), 'mine.jsonl'));
    assert.deepEqual(d!.prompts, [{ id: 'a', category: 'x', turns: ['one', 'two'] }]);
  });
});

describe('loadSuite: syntax errors', () => {
  it('reports a YAML syntax error with its line number', () => {
    const e = expectError('engines:\n  - name: reference\ndrafts:\n  - method: vanilla\n   name: x\n', 'line 5, column 1', /at line 5/, /YAML syntax error/);
    assert.equal(e.path, 'line 5, column 1');
  });
  it('reports an unclosed bracket with its line number', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{method: vanilla}\nsettings:\n  trials: 2\n', 'line 3, column 1', /at line 3/, /YAML syntax error/);
  });
  it('reports a repeated YAML key', () => {
    expectError(MINIMAL + 'settings:\n  trials: 2\n  trials: 3\n', 'line 8, column 3', /remove or rename the repeated key at line 8/);
  });
  it('reports a JSON syntax error with its line number', () => {
    expectError('{\n  "engines": [{"name": "reference"}],\n  "drafts": [{"method": "vanilla"},]\n}\n', 'line 3', /fix the JSON/, /JSON syntax error/, { ext: 'json' });
    expectError('{\n  "engines": [{"name": "reference"}]\n  "drafts": []\n}\n', 'line 3, column 3', /fix the JSON/, /JSON syntax error/, { ext: 'json' });
  });
  it('reports a missing suite file', () => {
    const file = join(tempDir(), 'nope.yaml');
    assertSuiteError(() => loadSuite(file), file, '(file)', /check the path/);
  });
});

describe('loadSuite: defaults, JSON, quick', () => {
  it('fills every default into a minimal suite', () => {
    const file = writeTemp(MINIMAL, 'yaml', 'tiny suite.yaml');
    const s = loadSuite(file);
    assert.equal(s.version, 1);
    assert.equal(s.name, 'tiny-suite');
    assert.equal(s.description, '');
    assert.deepEqual(s.settings, DEFAULT_SETTINGS);
    assert.deepEqual(s.quick, DEFAULT_QUICK);
    assert.equal(s.quickApplied, false);
    assert.equal(s.file, file);
    assert.equal(s.dir, tempDir());
  });
  it('raises the default maxTrials to trials when trials exceed 10', () => {
    assert.equal(loadSuite(writeTemp(MINIMAL + 'settings: {trials: 12}\n')).settings.maxTrials, 12);
  });
  it('loads a .json suite', () => {
    const s = loadSuite(writeTemp(JSON.stringify({ engines: [{ name: 'reference' }], drafts: [{ method: 'ngram' }], settings: { prompts: null } }), 'json'));
    assert.deepEqual(s.drafts, [{ name: 'ngram', method: 'ngram', draftedTokens: 6, ngramMin: 1, ngramMax: 4 }]);
    assert.equal(s.settings.prompts, null);
  });
  it('applies quick overrides, including datasets and temperatures, only with quick: true', () => {
    writeFileSync(join(tempDir(), 'extra.jsonl'), '{"question_id": 1, "turns": ["hello"]}\n');
    const text = MINIMAL + 'datasets: [chat, code, {name: extra, path: extra.jsonl}]\nsettings: {temperatures: [0, 1], maxNewTokens: 64}\nquick:\n  datasets: [code, extra]\n  temperatures: [0]\n  prompts: 1\n';
    const file = writeTemp(text);
    const full = loadSuite(file);
    assert.deepEqual(full.datasets.map((d) => d.name), ['chat', 'code', 'extra']);
    assert.deepEqual(full.settings.temperatures, [0, 1]);
    const quick = loadSuite(file, { quick: true });
    assert.equal(quick.quickApplied, true);
    assert.deepEqual(quick.datasets, [{ name: 'code' }, { name: 'extra', path: 'extra.jsonl' }]);
    assert.deepEqual(quick.settings.temperatures, [0]);
    assert.equal(quick.settings.prompts, 1);
    assert.equal(quick.settings.maxNewTokens, 64, 'settings not named in quick are kept');
  });
  it('validates quick even when it is not applied', () => {
    expectError(MINIMAL + 'quick:\n  maxNewTokens: 0\n', 'quick.maxNewTokens', /whole number such as 128/);
    expectError(MINIMAL + 'quick:\n  datasets: [poetry]\n', 'quick.datasets[0]', /the built-in sets are/);
  });
});

describe('suites/default.yaml', () => {
  it('loads with the documented settings', () => {
    const s = loadSuite(DEFAULT_SUITE);
    assert.equal(s.name, 'default');
    assert.deepEqual(s.engines, [{ name: 'reference', options: {} }]);
    assert.deepEqual(s.drafts, [
      { name: 'vanilla', method: 'vanilla' },
      { name: 'ngram', method: 'ngram', draftedTokens: 6, ngramMin: 1, ngramMax: 4 },
      { name: 'suffix', method: 'suffix', draftedTokens: 6 },
      { name: 'eagle3', method: 'eagle3', steps: 4 },
      { name: 'prism', method: 'prism', steps: 4, stepMap: [0, 1] },
    ]);
    assert.deepEqual(s.datasets.map((d) => d.name), ['chat', 'code', 'math', 'summarization', 'qa']);
    assert.deepEqual(s.settings, {
      target: 'reference-target', temperatures: [0, 1], topP: 1, topK: -1, maxNewTokens: 48, ignoreEos: false,
      batchSize: 1, prompts: 4, seed: 1234, warmup: 1, trials: 5, maxTrials: 10, engineLifetime: 'round',
      engineCpus: null, interleave: 'trial',
    });
    const ds = loadSuiteDatasets(s);
    assert.deepEqual(ds.map((d) => d.prompts.length), [4, 4, 4, 4, 4]);
  });
  it('suites/full.yaml is the same comparison at the former default size (20 prompts x 96 tokens, 3 rounds)', () => {
    const full = loadSuite(FULL_SUITE);
    const s = loadSuite(DEFAULT_SUITE);
    assert.equal(full.name, 'full');
    assert.deepEqual(full.engines, s.engines);
    assert.deepEqual(full.drafts, s.drafts);
    assert.deepEqual(full.datasets, s.datasets);
    assert.deepEqual(full.settings, {
      target: 'reference-target', temperatures: [0, 1], topP: 1, topK: -1, maxNewTokens: 96, ignoreEos: false,
      batchSize: 1, prompts: 20, seed: 1234, warmup: 2, trials: 3, maxTrials: 10, engineLifetime: 'round',
      engineCpus: null, interleave: 'trial',
    });
    assert.deepEqual(loadSuiteDatasets(full).map((d) => d.prompts.length), [20, 20, 20, 20, 20]);
  });
  it('loads with --quick: all datasets and temperatures, fewer and shorter requests', () => {
    const s = loadSuite(DEFAULT_SUITE, { quick: true });
    assert.equal(s.quickApplied, true);
    assert.equal(s.datasets.length, 5);
    assert.deepEqual(s.settings.temperatures, [0, 1]);
    assert.equal(s.settings.prompts, 3);
    assert.equal(s.settings.maxNewTokens, 48);
    assert.equal(s.settings.trials, 3);
    assert.equal(s.settings.warmup, 1);
    assert.deepEqual(loadSuiteDatasets(s).map((d) => d.prompts.length), [3, 3, 3, 3, 3]);
  });
  it('loads the same way from another working directory', () => {
    const cwd = process.cwd();
    try {
      process.chdir(tempDir());
      const s = loadSuite(DEFAULT_SUITE, { quick: true });
      assert.equal(loadSuiteDatasets(s).length, 5);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('suiteAsRun and suiteSettingsDiff', () => {
  it('suiteAsRun is plain JSON with quick applied', () => {
    const run = suiteAsRun(loadSuite(DEFAULT_SUITE, { quick: true }));
    assert.deepEqual(JSON.parse(JSON.stringify(run)), run);
    assert.equal(run.quickApplied, true);
    assert.equal(run.settings.maxNewTokens, 48);
    assert.equal(run.name, 'default');
    assert.ok(run.file.endsWith('default.yaml'));
    assert.deepEqual(Object.keys(run), ['version', 'name', 'description', 'file', 'quickApplied', 'engines', 'drafts', 'datasets', 'settings']);
  });
  it('suiteAsRun does not share objects with the suite', () => {
    const s = loadSuite(DEFAULT_SUITE);
    const run = suiteAsRun(s);
    run.settings.temperatures.push(2);
    assert.deepEqual(s.settings.temperatures, [0, 1]);
  });
  it('lists exactly the settings that differ', () => {
    const full = suiteAsRun(loadSuite(DEFAULT_SUITE));
    const quick = suiteAsRun(loadSuite(DEFAULT_SUITE, { quick: true }));
    assert.deepEqual(suiteSettingsDiff(full, full), []);
    assert.deepEqual(suiteSettingsDiff(full, quick), ['prompts: 4 vs 3', 'trials: 5 vs 3']);
  });
  it('treats temperature order as irrelevant and reports other list changes', () => {
    const a = suiteAsRun(loadSuite(DEFAULT_SUITE));
    const b = structuredClone(a);
    b.settings.temperatures = [1, 0];
    assert.deepEqual(suiteSettingsDiff(a, b), []);
    b.settings.temperatures = [0];
    b.settings.prompts = null;
    assert.deepEqual(suiteSettingsDiff(a, b), ['temperatures: [0,1] vs [0]', 'prompts: 4 vs null']);
  });
  it('reads a result written before engine placement and interleaving existed as run with their defaults', () => {
    const now = suiteAsRun(loadSuite(DEFAULT_SUITE));
    const old = structuredClone(now) as { settings: Partial<typeof now.settings> };
    delete old.settings.engineCpus;
    delete old.settings.interleave;
    delete old.settings.engineLifetime;
    assert.deepEqual(suiteSettingsDiff(old, now), []);
    const pinned = structuredClone(now);
    pinned.settings.engineCpus = 'last';
    pinned.settings.interleave = 'request';
    assert.deepEqual(suiteSettingsDiff(old, pinned), ['engineCpus: null vs "last"', 'interleave: "trial" vs "request"']);
  });
});

describe('loadSuite: bounds and nested mistakes (zod schema)', () => {
  it('rejects absurd counts, naming the bound', () => {
    expectError(MINIMAL + 'settings:\n  trials: 1000000000\n', 'settings.trials', /whole number such as 3/, /expected an integer <= 1000 \(the most trials a run may have\), got 1000000000/);
    expectError(MINIMAL + 'settings:\n  maxTrials: 5000\n', 'settings.maxTrials', /whole number/, /<= 1000/);
    expectError(MINIMAL + 'settings:\n  warmup: 100000\n', 'settings.warmup', /whole number such as 2/, /<= 1000/);
    expectError(MINIMAL + 'quick:\n  batchSize: 5000\n', 'quick.batchSize', /whole number/, /<= 1024/);
    expectError(MINIMAL + 'settings:\n  maxNewTokens: 1e400\n', 'settings.maxNewTokens', /whole number such as 128/, /got Infinity \(not a finite number\)/);
  });
  it('names a misspelt key inside a dataset mapping rather than the key it hides', () => {
    expectError(MINIMAL + 'quick:\n  datasets: [{nam: x}]\n', 'quick.datasets[0].nam', /did you mean name\? allowed keys in a dataset are: name, path/, /unknown key/);
  });
  it('rejects a draft or an engine written as a plain word', () => {
    expectError('engines: [{name: reference}]\ndrafts: [vanilla]\n', 'drafts[0]', /write drafts\[0\] as a mapping, such as \{name: ngram, method: ngram\}/, /expected a mapping, got "vanilla"/);
    expectError('engines: [reference]\ndrafts: [{method: vanilla}]\n', 'engines[0]', /write engines\[0\] as a mapping, such as \{name: reference\}/);
  });
  it('names the element of a list that is wrong', () => {
    expectError('engines: [{name: reference}]\ndrafts: [{method: prism, stepMap: [0, a]}]\n', 'drafts[0].stepMap[1]', /whole number such as 0/, /got "a"/);
    expectError(MINIMAL + 'settings:\n  temperatures: [0, hot]\n', 'settings.temperatures[1]', /a number >= 0/, /got "hot"/);
  });
});

describe('loadSuite: names and labels that become file names', () => {
  // each becomes part of a file or folder name (at most 255 bytes): refused before anything is created
  const long = (n: number) => 'x'.repeat(n);
  it('an engine label, a draft name, a dataset name or a suite name over 100 characters', () => {
    expectError(`engines: [{name: reference, label: ${long(5000)}}]\ndrafts: [{method: vanilla}]\n`, 'engines[0].label', /^shorten label to at most 100 characters$/, /^5000 characters: it becomes part of file and folder names, which the file system caps at 255 bytes$/);
    expectError(`engines: [{name: reference, label: "${'é'.repeat(101)}"}]\ndrafts: [{method: vanilla}]\n`, 'engines[0].label', /at most 100 characters/, /^101 characters/);
    expectError(`engines: [{name: reference}]\ndrafts: [{name: ${long(101)}, method: vanilla}]\n`, 'drafts[0].name', /shorten name to at most 100 characters/);
    expectError(`engines: [{name: reference}]\ndrafts: [{method: vanilla}]\ndatasets: [{name: ${long(101)}, path: q.jsonl}]\n`, 'datasets[0].name', /at most 100 characters/);
    expectError(`name: ${long(300)}\n${MINIMAL}`, 'name', /shorten name to at most 100 characters/, /^300 characters/);
  });
  it('a suite named by a file name over 100 characters needs a name', () => {
    const file = writeTemp(MINIMAL, 'yaml', `${long(200)}.yaml`);
    assertSuiteError(() => loadSuite(file), file, 'name', /^add name: with at most 100 characters$/, /the file's name \(200 characters\) is too long/);
    assert.equal(loadSuite(writeTemp(`name: short\n${MINIMAL}`, 'yaml', `${long(200)}.yaml`)).name, 'short');
  });
  it('100 characters pass', () => {
    const s = loadSuite(writeTemp(`name: ${long(100)}\nengines: [{name: reference, label: ${long(100)}}]\ndrafts: [{name: ${long(100)}, method: vanilla}]\n`));
    assert.equal(s.name.length, 100);
    assert.equal(s.engines[0]!.label!.length, 100);
  });
});
