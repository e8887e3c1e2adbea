// Draft mistakes are caught before anything launches: exit 2 and one line naming the file and
// field, both from `prism-bench run` (the adapters' declared checks) and from `prism-bench serve`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../gate/helpers.ts';

function suite(dir: string, drafts: string, options = '{}'): string {
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, `version: 1\nname: t\nengines: [{name: reference, options: ${options}}]\ndrafts:\n${drafts}\ndatasets: [chat]\nsettings: {prompts: 1, maxNewTokens: 8, trials: 1, warmup: 0, temperatures: [0]}\n`);
  return file;
}

const cases: [string, string, string, RegExp][] = [
  ['a step map naming a module that does not exist', '  - {name: prism, method: prism, stepMap: [0, 2]}', '{}', /suite\.yaml: drafts\[0\]\.stepMap\[1\]: module 2 does not exist \(this prism draft has modules 0\.\.1\) -- /],
  ['a draft method the reference engine does not offer', '  - {name: h, method: hass}', '{}', /suite\.yaml: drafts\[0\]\.method: method hass is not offered by the reference engine -- use one of vanilla, ngram, suffix, eagle, eagle3, hass2, prism, medusa, standalone/],
  ['a tree without its depth and size', '  - {name: e3, method: eagle3, topK: 4}', '{}', /suite\.yaml: drafts\[0\]: topK 4 drafts a tree, which needs its depth and size -- set steps .* and verifiedTokens/],
  ['a chain whose verifiedTokens disagree with its steps', '  - {name: e3, method: eagle3, steps: 3, verifiedTokens: 3}', '{}', /suite\.yaml: drafts\[0\]\.verifiedTokens: 3, but a chain of 3 steps verifies 4 tokens \(the root included, as SGLang counts\) -- set verifiedTokens: 4, or leave it out/],
  ['more modules than the weights have', '  - {name: p, method: prism, modules: 2, stepMap: [0, 1]}\n  - {name: p3, method: prism, modules: 1, stepMap: [0, 1]}', '{}', /suite\.yaml: drafts\[1\]\.stepMap\[1\]: module 1 does not exist/],
  ['a drafts folder without the weights', '  - {name: e, method: eagle}', '{drafts: /nonexistent/drafts}', /\/nonexistent\/drafts\/eagle\/manifest\.json: missing/],
  ['an unknown draft precision', '  - {name: e, method: eagle}', '{draftPrecision: int4}', /suite\.yaml: engines\[0\]\.options\.draftPrecision: unknown draft precision "int4" \(a string\) -- did you mean int8\? set draftPrecision to one of: int8, q8, q4, fp32/],
];

for (const [what, drafts, options, re] of cases) {
  test(`run: ${what} exits 2 before anything launches`, (t) => {
    const dir = tempDir(t);
    const out = join(dir, 'run');
    const r = runCli(['run', '--suite', suite(dir, drafts, options), '--out', out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.equal(existsSync(join(out, 'logs')), false, 'no engine was started (no logs folder)');
  });
}

test('serve: unknown draft, bad step map and bad modules exit 2 with the field named', () => {
  const unknown = runCli(['serve', '--draft', 'hass', '--port', '0']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--draft: unknown method 'hass'; use one of vanilla, ngram, suffix, eagle, eagle3, hass2, prism, medusa, standalone/);
  const map = runCli(['serve', '--draft', 'prism', '--step-map', '0,2', '--port', '0']);
  assert.equal(map.code, 2);
  assert.match(map.stderr, /--draft prism: stepMap\[1\]: module 2 does not exist/);
  const mods = runCli(['serve', '--draft', 'prism', '--modules', '5', '--port', '0']);
  assert.equal(mods.code, 2);
  assert.match(mods.stderr, /modules: 5 asked for, but .*drafts\/prism\/manifest\.json has 2 module/);
  const notLearned = runCli(['serve', '--draft', 'ngram', '--step-map', '0,1', '--port', '0']);
  assert.equal(notLearned.code, 2);
  assert.match(notLearned.stderr, /--step-map and --modules apply to learned drafts/);
});

test('serve: tree flags are checked before anything loads', () => {
  const cases: [string[], RegExp][] = [
    [['--draft', 'prism', '--topk', '4'], /--topk 4: a tree needs --steps \(its depth\) and --drafted-tokens/],
    [['--draft', 'prism', '--topk', '2', '--steps', '2', '--drafted-tokens', '7'], /--drafted-tokens 7: a tree of 2 steps expanding 2 nodes each has at most 6 nodes/],
    [['--draft', 'eagle3', '--steps', '3', '--drafted-tokens', '4'], /--steps 3 and --drafted-tokens 4 differ, but a chain drafts one token per step/],
    [['--draft', 'ngram', '--topk', '2'], /--topk 2: trees are drafted by learned drafts/],
  ];
  for (const [args, re] of cases) {
    const r = runCli(['serve', ...args, '--port', '0']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test('serve: --draft-tokens, the old name of --drafted-tokens, is read with a note; both names are refused', () => {
  const old = runCli(['serve', '--draft', 'prism', '--topk', '2', '--steps', '2', '--draft-tokens', '7', '--port', '0']);
  assert.equal(old.code, 2, old.stderr);
  assert.match(old.stderr, /--draft-tokens is deprecated: write --drafted-tokens/);
  // the old flag's value reached the check under the new name
  assert.match(old.stderr, /--drafted-tokens 7: a tree of 2 steps expanding 2 nodes each has at most 6 nodes/);
  const both = runCli(['serve', '--draft', 'ngram', '--draft-tokens', '3', '--drafted-tokens', '3', '--port', '0']);
  assert.equal(both.code, 2, both.stderr);
  assert.match(both.stderr, /--draft-tokens and --drafted-tokens both given/);
});
