// Spec-Bench answer files: one file splits into subtasks by category (MT-bench's eight categories
// as mt_bench, as evaluation/speed.py groups them); figures computed by hand from the fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ImportError } from '../../src/importers/types.ts';
import { subtask } from '../../src/importers/spec-bench.ts';
import { cell, close, fixture, runImport, tempFile } from './helpers.ts';

const EAGLE = fixture('spec-bench/model_answer/vicuna-7b-v1.3-eagle-float16-temperature-0.0.jsonl');
const VANILLA = fixture('spec-bench/model_answer/vicuna-7b-v1.3-vanilla-float16-temp-0.0-temperature-0.0.jsonl');
const MT = 'spec-bench/vicuna-7b-v1.3-eagle-float16/mt_bench/T0';
const TR = 'spec-bench/vicuna-7b-v1.3-eagle-float16/translation/T0';

test('Spec-Bench: one cell per subtask, draft named by model_id, temperature from it', () => {
  const r = runImport('spec-bench', [EAGLE], [VANILLA]);
  assert.deepEqual(r.cells.map((c) => c.id), ['spec-bench/vanilla/mt_bench/T0', 'spec-bench/vanilla/translation/T0', MT, TR]);
  assert.equal(subtask('humanities'), 'mt_bench');
  assert.equal(subtask('rag'), 'rag');
});

test('Spec-Bench: throughput, acceptance lengths, speedup and per-position rates by hand', () => {
  const r = runImport('spec-bench', [EAGLE], [VANILLA]);
  const mt = cell(r, MT);
  // writing (q1): tokens 24 + 10, steps 8 + 4, seconds 0.4 + 0.2; roleplay (q2): 15 + 12, 5 + 5, 0.25 + 0.3
  assert.ok(close(mt.metrics.throughput!.mean, 61 / 1.15));
  assert.ok(close(mt.metrics.accept_length_pooled!.mean, 61 / 22));
  assert.ok(close(mt.metrics.accept_length_mean!.mean, (34 / 12 + 27 / 10) / 2));
  assert.ok(close(mt.metrics.request_throughput!.mean, (34 / 0.6 + 27 / 0.55) / 2));
  // vanilla: the same 61 tokens in 0.8 + 0.4 + 0.5 + 0.5 s
  assert.ok(close(cell(r, 'spec-bench/vanilla/mt_bench/T0').metrics.throughput!.mean, 61 / 2.2));
  assert.ok(close(mt.metrics.speedup!.mean, 2.2 / 1.15));
  // accepted drafts per cycle (accept_lengths - 1): 0 x3, 1 x5, 2 x9, 3 x4, 4 x1 -> at least i: 22, 19, 14, 5, 1
  const pa = mt.positionAcceptance!;
  assert.equal(pa.cycles, 22);
  [19 / 22, 14 / 19, 5 / 14, 1 / 5].forEach((v, i) => assert.ok(close(pa.conditional[i]!, v), `position ${i + 1}`));
  [19 / 22, 14 / 22, 5 / 22, 1 / 22].forEach((v, i) => assert.ok(close(pa.unconditional[i]!, v), `position ${i + 1}`));
  const tr = cell(r, TR);
  // translation: 20 tokens in 10 steps (0.5 s) and 18 in 6 (0.3 s); vanilla 0.8 + 0.6 s
  assert.ok(close(tr.metrics.throughput!.mean, 38 / 0.8));
  assert.ok(close(tr.metrics.accept_length_pooled!.mean, 38 / 16));
  assert.ok(close(tr.metrics.accept_length_mean!.mean, (2 + 3) / 2));
  assert.ok(close(tr.metrics.speedup!.mean, 1.4 / 0.8));
  assert.deepEqual(tr.positionAcceptance!.conditional.map((v) => +v.toFixed(6)), [1, 0.375]);
});

test('Spec-Bench: two runs of the same method are two trials, paired with two baseline runs by order', (t) => {
  // a rerun writes new timestamps (the same file twice would be one run counted twice: refused)
  const rerun = (path: string, name: string) => tempFile(t, `run_2/${name}`, readFileSync(path, 'utf8').replace(/"tstamp": 1732/g, '"tstamp": 1733'));
  const r = runImport('spec-bench', [EAGLE, rerun(EAGLE, 'vicuna-7b-v1.3-eagle-float16-temperature-0.0.jsonl')], [VANILLA, rerun(VANILLA, 'vicuna-7b-v1.3-vanilla-float16-temp-0.0-temperature-0.0.jsonl')]);
  const mt = cell(r, MT);
  assert.equal(mt.trials.length, 2);
  assert.deepEqual(mt.metrics.throughput!.values.map((v) => +v.toFixed(9)), [+(61 / 1.15).toFixed(9), +(61 / 1.15).toFixed(9)]);
  assert.equal(mt.comparisons?.speedup?.test, 'paired');
  assert.ok(close(mt.metrics.speedup!.mean, 2.2 / 1.15));
});

test('Spec-Bench: a line without its category fails naming file, line and field', (t) => {
  const ok = JSON.stringify({ question_id: 1, category: 'qa', model_id: 'x-temperature-0.0', choices: [{ turns: ['a'], decoding_steps: [2], new_tokens: [4], wall_time: [0.1], accept_lengths: [2, 2] }] });
  const bad = JSON.stringify({ question_id: 2, model_id: 'x-temperature-0.0', choices: [{ turns: ['a'], decoding_steps: [2], new_tokens: [4], wall_time: [0.1] }] });
  const path = tempFile(t, 'x-temperature-0.0.jsonl', `${ok}\n\n${bad}\n`);
  assert.throws(() => runImport('spec-bench', [path]), (e: Error) => e instanceof ImportError
    && e.message.startsWith(`${path}:3: category: expected the question's category`) && / -- expected an answer file of Spec-Bench's/.test(e.message));
  const zero = JSON.stringify({ question_id: 3, category: 'qa', model_id: 'x-temperature-0.0', choices: [{ turns: ['a'], decoding_steps: [2], new_tokens: [4], wall_time: [0], accept_lengths: [2, 2] }] });
  const p2 = tempFile(t, 'y-temperature-0.0.jsonl', `${zero}\n`);
  assert.throws(() => runImport('spec-bench', [p2]), /:1: choices\[0\]\.wall_time\[0\]: 0 is not a positive time/);
  assert.throws(() => runImport('spec-bench', [EAGLE], [EAGLE]), /:1: choices\[0\]\.decoding_steps: 34 tokens in 12 cycles, so this question was decoded with speculation/);
});

test('every imported metric says who measured it and what it counts; the result validates', async () => {
  const { validateResult } = await import('../../src/result/schema.ts');
  for (const r of [runImport('spec-bench', [EAGLE], [VANILLA]), runImport('eagle', [fixture('eagle/mt_bench/llama3-8b-ea-temperature-0.0.jsonl')], [fixture('eagle/mt_bench/llama3-8b-base-temperature-0.0.jsonl')]), runImport('prism-ae', [fixture('prism-ae/e2e_llama3.csv')])]) {
    const imp = (r as unknown as { import: { metrics: Record<string, { source: string; definition: string }> } }).import;
    validateResult(JSON.parse(JSON.stringify(r)));
    for (const c of r.cells) {
      for (const [id, m] of Object.entries(c.metrics)) {
        assert.ok(imp.metrics[id], `${c.id} ${id} is listed in import.metrics`);
        assert.equal(m.source, imp.metrics[id]!.source, `${c.id} ${id}`);
        assert.equal(m.definition, imp.metrics[id]!.definition, `${c.id} ${id}`);
        assert.match(m.definition!, /\w+ \w+/);
      }
    }
    // acceptance lengths say whether the bonus token is counted
    assert.match(imp.metrics.accept_length_pooled!.definition, /bonus token included/);
  }
});
