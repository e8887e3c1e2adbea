// PRISM-artifact client logs: every figure is the tool's own, copied to the precision it printed;
// the shared real logs (../shared/datasets/prism-ae-client-logs) must come back line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImportError } from '../../src/importers/types.ts';
import { cell, close, fixture, runImport, SHARED_LOGS, tempFile } from './helpers.ts';

const LOG = fixture('prism-ae/results_temp_0.0.jsonl');

test('prism-ae: lines become trials of their (draft, dataset, temperature) cell; speedup against the vanilla lines', () => {
  const r = runImport('prism-ae', [`${LOG}:3-5`], [`${LOG}:1-2`], { draft: 'prism' });
  assert.deepEqual(r.cells.map((c) => c.id), ['prism-ae/vanilla/mt_bench/T0', 'prism-ae/vanilla/humaneval/T0', 'prism-ae/prism/mt_bench/T0', 'prism-ae/prism/humaneval/T0']);
  const mt = cell(r, 'prism-ae/prism/mt_bench/T0');
  assert.deepEqual(mt.metrics.throughput!.values, [210.125, 206.875]);
  assert.ok(close(mt.metrics.throughput!.mean, (210.125 + 206.875) / 2));
  assert.ok(close(mt.metrics.accept_length_pooled!.mean, (4.301 + 4.299) / 2));
  assert.equal(mt.metrics.throughput!.source, 'tool');
  assert.equal(mt.metrics.accept_length_mean, undefined, 'the client writes no per-request figures');
  assert.equal(mt.positionAcceptance, undefined);
  // two trials against one: ratio of means
  assert.ok(close(mt.metrics.speedup!.mean, 208.5 / 95.25));
  assert.ok(close(cell(r, 'prism-ae/prism/humaneval/T0').metrics.speedup!.mean, 240.5 / 96));
  const trial = mt.trials[1] as unknown as { origin: { file: string; lines: number[] } };
  assert.deepEqual(trial.origin, { file: LOG, lines: [5] });
  const imp = (r as unknown as { import: { files: Array<{ lines?: string; role: string }>; unavailable: Record<string, string> } }).import;
  assert.deepEqual(imp.files.map((f) => [f.role, f.lines]), [['baseline', '1-2'], ['method', '3-5']]);
  assert.ok('accept_length_mean' in imp.unavailable && 'position_acceptance' in imp.unavailable);
});

test('prism-ae: MT-bench above T=0 is flagged (the artifact sends MT-bench greedily)', (t) => {
  const path = tempFile(t, 'results_temp_1.0.jsonl', '{"temperature": 1.0, "question_file": "data/mt_bench/question.jsonl", "throughput": 150.5, "accept_length": 2.5}\n');
  const r = runImport('prism-ae', [path], [], { draft: 'd' });
  const w = (r.audit ?? []).find((f) => f.check === 'temperature' && f.severity === 'warning');
  assert.ok(w, JSON.stringify(r.audit));
  assert.match(w.message, /temperature=0 whatever --temperature says/);
});

test('prism-ae: bad lines and selections fail with one line and the fix', (t) => {
  const path = tempFile(t, 'r.jsonl', '{"temperature": 0, "question_file": "data/qa/question.jsonl", "throughput": "fast", "accept_length": 2.0}\n');
  assert.throws(() => runImport('prism-ae', [path]), (e: Error) => e instanceof ImportError && e.message === `${path}:1: throughput: expected output tokens per second (a number) -- expected a results file of the PRISM artifact's evaluation/client/bench_mt.py (one JSON line per run: temperature, question_file, throughput, accept_length)`);
  assert.throws(() => runImport('prism-ae', [`${LOG}:3-5`], [`${LOG}:1-3`]), /results_temp_0\.0\.jsonl:3: accept_length: 4\.301 is not 1, so this line is not a run without speculation -- give --baseline only the vanilla runs' lines \(FILE:FIRST-LAST\)$/);
  assert.throws(() => runImport('prism-ae', [`${LOG}:9-12`]), /no non-blank line in the selected lines 9-12 \(the file has 5 lines\)/);
  assert.throws(() => runImport('prism-ae', [`${LOG}:4-2`]), /line selection '4-2' is not a range/);
  assert.throws(() => runImport('prism-ae', [`${LOG}:4-9`]), /line selection goes to line 9 but the file has 5 lines -- select lines that exist$/);
  assert.throws(() => runImport('prism-ae', ['/nonexistent/log.jsonl']), (e: Error) => e.message === '/nonexistent/log.jsonl: cannot read (ENOENT) -- pass the output file the tool wrote');
});

interface LogLine { line: number; temperature: number; question_file: string; throughput: number; accept_length: number }

function logLines(file: string): LogLine[] {
  return readFileSync(file, 'utf8').split('\n').map((text, i) => ({ text, line: i + 1 }))
    .filter((l) => l.text.trim() !== '').map((l) => ({ line: l.line, ...(JSON.parse(l.text) as Omit<LogLine, 'line'>) }));
}

test('prism-ae: every line of the shared real logs comes back with its own throughput and acceptance length to 3 decimals', (t) => {
  if (!existsSync(SHARED_LOGS)) {
    t.skip(`shared PRISM-artifact logs not found at ${SHARED_LOGS} (they live beside the project, not in it)`);
    return;
  }
  const files = readdirSync(SHARED_LOGS).filter((f) => f.endsWith('.jsonl'));
  assert.ok(files.length >= 4, files.join(', '));
  let checked = 0;
  for (const f of files) {
    const path = join(SHARED_LOGS, f);
    for (const l of logLines(path)) {
      const r = runImport('prism-ae', [`${path}:${l.line}-${l.line}`], [], { draft: 'x' });
      assert.equal(r.cells.length, 1);
      const c = r.cells[0]!;
      assert.equal(c.temperature, l.temperature);
      assert.equal(c.dataset, l.question_file.split('/').at(-2));
      // the log printed round(x, 3); the import must print the same digits
      assert.equal(c.metrics.throughput!.mean.toFixed(3), l.throughput.toFixed(3), `${f}:${l.line} throughput`);
      assert.equal(c.metrics.accept_length_pooled!.mean.toFixed(3), l.accept_length.toFixed(3), `${f}:${l.line} accept_length`);
      checked++;
    }
  }
  assert.ok(checked >= 400, `checked ${checked} lines`);
});

test('prism-ae: a whole real log imports as trials, each trial equal to its line', (t) => {
  const path = join(SHARED_LOGS, 'results_temp_1.0.jsonl');
  if (!existsSync(path)) {
    t.skip(`shared PRISM-artifact log not found at ${path}`);
    return;
  }
  const lines = logLines(path);
  // lines 1-6: one drafter's six datasets; lines 7-18: vanilla runs (accept_length 1.0), two per dataset
  const r = runImport('prism-ae', [`${path}:1-6`], [`${path}:7-18`], { draft: 'drafter' });
  for (const c of r.cells) {
    const mine = lines.filter((l) => l.line <= (c.method === 'vanilla' ? 18 : 6) && l.line >= (c.method === 'vanilla' ? 7 : 1) && l.question_file.split('/').at(-2) === c.dataset);
    assert.deepEqual(c.metrics.throughput!.values, mine.map((l) => l.throughput), c.id);
    assert.deepEqual(c.metrics.accept_length_pooled!.values, mine.map((l) => l.accept_length), c.id);
  }
  const mt = cell(r, 'prism-ae/drafter/mt_bench/T1');
  // 153.145 against the vanilla lines 7 and 11 (95.696, 85.392)
  assert.ok(close(mt.metrics.speedup!.mean, 153.145 / ((95.696 + 85.392) / 2)));
  assert.ok((r.audit ?? []).some((f) => f.cell === mt.id && f.check === 'temperature' && f.severity === 'warning'));
});

const CSV = fixture('prism-ae/e2e_llama3.csv');

test('prism-ae CSV (table4): drafts from the algorithm column, NONE as the baseline, a failed row as a failed cell', () => {
  const r = runImport('prism-ae', [CSV]);
  assert.deepEqual(r.cells.map((c) => `${c.id} ${c.status}`), [
    'prism-ae/vanilla/mt_bench/T0 ok', 'prism-ae/vanilla/gsm8k/T0 ok',
    'prism-ae/eagle/mt_bench/T0 ok', 'prism-ae/eagle/gsm8k/T0 failed',
    'prism-ae/prism/mt_bench/T0 ok', 'prism-ae/prism/gsm8k/T0 ok',
  ]);
  assert.equal(cell(r, 'prism-ae/prism/gsm8k/T0').metrics.throughput!.mean, 237.406);
  assert.equal(cell(r, 'prism-ae/prism/gsm8k/T0').metrics.accept_length_pooled!.mean, 5.11);
  assert.ok(close(cell(r, 'prism-ae/prism/mt_bench/T0').metrics.speedup!.mean, 201.5 / 98.5));
  assert.ok(close(cell(r, 'prism-ae/eagle/mt_bench/T0').metrics.speedup!.mean, 180.25 / 98.5));
  const failed = cell(r, 'prism-ae/eagle/gsm8k/T0');
  assert.equal(failed.error, `PRISM artifact SGLang client recorded the run as failed: ${CSV}:5: failed: Traceback: ConnectionError("refused"), retry next line`);
  assert.deepEqual(failed.metrics, {});
});

test('prism-ae CSV: a missing column or a non-NONE baseline row fails naming file, line and field', (t) => {
  const noHeader = tempFile(t, 'a.csv', 'algorithm,dataset,temperature,status,throughput\nNONE,qa,0,ok,90\n');
  assert.throws(() => runImport('prism-ae', [noHeader]), (e: Error) => e.message.startsWith(`${noHeader}:1: header: missing column accept_length -- expected a CSV of the PRISM artifact's evaluation/table4 scripts`));
  assert.throws(() => runImport('prism-ae', [CSV], [CSV]), /e2e_llama3\.csv:4: algorithm: EAGLE is not NONE, so this row is not a run without speculation/);
  const badFigure = tempFile(t, 'b.csv', 'algorithm,dataset,temperature,status,throughput,accept_length\nLD,qa,0,ok,fast,2\n');
  assert.throws(() => runImport('prism-ae', [badFigure]), /b\.csv:2: throughput: 'fast' is not a number of at least/);
});

test('prism-ae: a T>0 run whose acceptance length equals the T=0 run is flagged', (t) => {
  const path = tempFile(t, 'r.jsonl', [
    '{"temperature": 0.0, "question_file": "data/humaneval/question.jsonl", "throughput": 250.0, "accept_length": 4.0}',
    '{"temperature": 1.0, "question_file": "data/humaneval/question.jsonl", "throughput": 249.0, "accept_length": 4.012}',
    '{"temperature": 0.0, "question_file": "data/qa/question.jsonl", "throughput": 190.0, "accept_length": 3.5}',
    '{"temperature": 1.0, "question_file": "data/qa/question.jsonl", "throughput": 160.0, "accept_length": 3.1}',
  ].join('\n') + '\n');
  const r = runImport('prism-ae', [path], [], { draft: 'd' });
  const warned = (r.audit ?? []).filter((f) => f.check === 'temperature' && f.severity === 'warning').map((f) => f.cell);
  assert.deepEqual(warned, ['prism-ae/d/humaneval/T1']);
});

const SERVE_CSV = fixture('prism-ae/benchmark_results.csv');

test('prism-ae CSV of run_sglang_and_datasets.py: no temperature column (give --temperature), its "Standalone" rows without a draft path are the baseline', () => {
  assert.throws(() => runImport('prism-ae', [SERVE_CSV]), /benchmark_results\.csv:1: header: missing column temperature \(or give --temperature/);
  const r = runImport('prism-ae', [SERVE_CSV], [], { temperature: 0 });
  assert.deepEqual(r.cells.map((c) => c.id), [
    'prism-ae/vanilla/mt_bench/T0', 'prism-ae/vanilla/qa/T0', 'prism-ae/hass/mt_bench/T0', 'prism-ae/hass/qa/T0', 'prism-ae/prism/mt_bench/T0', 'prism-ae/prism/qa/T0',
  ]);
  assert.ok(close(cell(r, 'prism-ae/prism/mt_bench/T0').metrics.speedup!.mean, 278 / 96));
  assert.equal(cell(r, 'prism-ae/hass/qa/T0').metrics.accept_length_pooled!.mean, 4.04);
});
