// EAGLE answer files: figures computed by hand from the fixtures (test/importers/fixtures/README.md
// cites the source lines of the format), per-position rates from the PRISM scripts' accept_length
// list, and one-line errors for malformed files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importFiles, parseInput } from '../../src/importers/index.ts';
import { ImportError } from '../../src/importers/types.ts';
import { cell, close, fixture, runImport, tempFile } from './helpers.ts';

const EA = fixture('eagle/mt_bench/llama3-8b-ea-temperature-0.0.jsonl');
const BASE = fixture('eagle/mt_bench/llama3-8b-base-temperature-0.0.jsonl');
const PRISM = fixture('eagle/humaneval/prism-llama3-temperature-0.0.jsonl');

test('EAGLE: throughput, both acceptance lengths and speedup from the per-turn totals', () => {
  const r = runImport('eagle', [EA], [BASE]);
  assert.deepEqual(r.cells.map((c) => c.id), ['eagle/vanilla/mt_bench/T0', 'eagle/llama3-8b-ea/mt_bench/T0']);
  const ea = cell(r, 'eagle/llama3-8b-ea/mt_bench/T0');
  // questions 81, 82, 83: tokens 60, 75, 60 = 195; cycles (idxs + 1) 15, 30, 20 = 65; seconds 0.75, 1.5, 0.8 = 3.05
  assert.ok(close(ea.metrics.throughput!.mean, 195 / 3.05));
  assert.ok(close(ea.metrics.accept_length_pooled!.mean, 3));
  // per question: 60/15 = 4, 75/30 = 2.5, 60/20 = 3
  assert.ok(close(ea.metrics.accept_length_mean!.mean, (4 + 2.5 + 3) / 3));
  // EAGLE's speed.py: mean of per-question tokens/s = (80 + 50 + 75) / 3
  assert.ok(close(ea.metrics.request_throughput!.mean, 205 / 3));
  assert.ok(close(ea.metrics.e2e_ms!.mean, (750 + 1500 + 800) / 3));
  const base = cell(r, 'eagle/vanilla/mt_bench/T0');
  // baseline: 195 tokens in 1.5 + 1.875 + 1.5 = 4.875 s = 40 tok/s, one token per cycle
  assert.ok(close(base.metrics.throughput!.mean, 40));
  assert.equal(base.metrics.accept_length_pooled!.mean, 1);
  assert.equal(base.metrics.accept_length_mean!.mean, 1);
  assert.ok(close(ea.metrics.speedup!.mean, 195 / 3.05 / 40));
  assert.equal(ea.comparisons?.speedup?.reference, 'eagle/vanilla/mt_bench/T0');
  // no per-cycle list in EAGLE's own files: no per-position rates, and the result says so
  assert.equal(ea.positionAcceptance, undefined);
  const imp = (r as unknown as { import: { unavailable: Record<string, string>; files: Array<{ path: string; sha256: string; role: string }>; metrics: Record<string, { source: string }> } }).import;
  assert.match(imp.unavailable.position_acceptance!, /accept_length/);
  assert.deepEqual(imp.files.map((f) => f.role), ['baseline', 'method']);
  assert.match(imp.files[1]!.sha256, /^[0-9a-f]{64}$/);
  assert.equal(ea.metrics.throughput!.source, 'derived');
  assert.match(ea.metrics.accept_length_pooled!.definition!, /bonus token included/);
  assert.match(ea.metrics.accept_length_mean!.definition!, /per question/);
});

test('EAGLE (PRISM scripts): accept_length gives per-position rates and PRISM\'s own acceptance length', () => {
  const r = runImport('eagle', [PRISM], [], { draft: 'prism' });
  const c = cell(r, 'eagle/prism/humaneval/T0');
  // accepted drafts per cycle: [3,4,2,5,0,1] and [6,6,1,3]; tokens 21 + 20 over cycles 6 + 4
  assert.ok(close(c.metrics.accept_length_pooled!.mean, 41 / 10));
  // PRISM's acceptance_length.py: mean over questions of (mean accepted + 1) = (15/6 + 1 + 16/4 + 1) / 2
  assert.ok(close(c.metrics.accept_length_mean!.mean, (3.5 + 5) / 2));
  assert.ok(close(c.metrics.throughput!.mean, 41 / 0.5));
  // cycles accepting >= i drafts, i = 0..6: 10, 9, 7, 6, 4, 3, 2
  const pa = c.positionAcceptance!;
  assert.equal(pa.cycles, 10);
  const expect = [9 / 10, 7 / 9, 6 / 7, 4 / 6, 3 / 4, 2 / 3];
  pa.conditional.forEach((v, i) => assert.ok(close(v, expect[i]!), `position ${i + 1}: ${v} vs ${expect[i]}`));
  assert.deepEqual(pa.unconditional.map((v) => +v.toFixed(6)), [0.9, 0.7, 0.6, 0.4, 0.3, 0.2]);
});

test('EAGLE: dataset from the folder, temperature from the name, both overridable', (t) => {
  const line = JSON.stringify({ question_id: 1, model_id: 'm', choices: [{ turns: ['a'], idxs: [1], new_tokens: [4], wall_time: [0.1] }] });
  const plain = tempFile(t, 'answers.jsonl', line + '\n');
  assert.throws(() => runImport('eagle', [plain]), (e: Error) => e instanceof ImportError && /temperature: .* -- pass --temperature T$/.test(e.message));
  const r = runImport('eagle', [plain], [], { temperature: 0.7, dataset: 'gsm8k', draft: 'ea' });
  assert.equal(r.cells[0]!.id, 'eagle/ea/gsm8k/T0.7');
});

test('EAGLE: malformed lines fail with one line naming file, line, field and fix', (t) => {
  const good = { question_id: 1, model_id: 'm-temperature-0.0', choices: [{ turns: ['a', 'b'], idxs: [1, 2], new_tokens: [4, 6], wall_time: [0.1, 0.2] }] };
  const cases: Array<[string, unknown, RegExp]> = [
    ['no wall_time', { ...good, choices: [{ ...good.choices[0], wall_time: undefined }] }, /:2: choices\[0\]\.wall_time: expected an array of seconds, one per turn -- expected an answer file of EAGLE's/],
    ['short idxs', { ...good, choices: [{ ...good.choices[0], idxs: [1] }] }, /:2: choices\[0\]\.idxs: has 1 entries but turns has 2 -- /],
    ['text count', { ...good, choices: [{ ...good.choices[0], new_tokens: ['4', 6] }] }, /:2: choices\[0\]\.new_tokens\[0\]: expected a whole number -- /],
    ['fewer tokens than cycles', { ...good, choices: [{ ...good.choices[0], new_tokens: [1, 1] }] }, /:2: choices\[0\]\.new_tokens: 2 tokens in 5 verify cycles/],
    ['no choices', { question_id: 1 }, /:2: choices: expected an array of choices -- /],
    ['accept_length of the wrong length', { ...good, choices: [{ ...good.choices[0], accept_length: [1, 2] }] }, /:2: choices\[0\]\.accept_length: has 2 entries but the turns ran 5 verify cycles/],
  ];
  for (const [name, bad, re] of cases) {
    const path = tempFile(t, 'mt_bench/x-temperature-0.0.jsonl', `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
    assert.throws(() => importFiles({ format: 'eagle', inputs: [parseInput(path)], baselines: [] }), (e: Error) => {
      assert.ok(e instanceof ImportError, name);
      assert.ok(e.message.startsWith(path), `${name}: ${e.message}`);
      assert.match(e.message, re, name);
      assert.equal(e.message.split('\n').length, 1, name);
      return true;
    });
  }
  const notJson = tempFile(t, 'mt_bench/y-temperature-0.0.jsonl', '{"question_id": 1,\n');
  assert.throws(() => runImport('eagle', [notJson]), /y-temperature-0\.0\.jsonl:1: not valid JSON/);
});

test('EAGLE: a baseline file that speculates is refused', () => {
  assert.throws(() => runImport('eagle', [EA], [EA]), (e: Error) => e instanceof ImportError && /not a run without speculation/.test(e.message));
});
