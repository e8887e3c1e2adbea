// End to end through the CLI: import writes a result directory that report, compare and gate
// read like any run; bad input exits 2 with one line naming file, line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadResult } from '../../src/result/store.ts';
import { runCli, tempDir } from '../gate/helpers.ts';
import { fixture, SHARED_LOGS } from './helpers.ts';

const EA = fixture('eagle/mt_bench/llama3-8b-ea-temperature-0.0.jsonl');
const BASE = fixture('eagle/mt_bench/llama3-8b-base-temperature-0.0.jsonl');

test('import --from eagle writes a result that report renders, with provenance', (t) => {
  const out = join(tempDir(t), 'eagle-mt');
  const r = runCli(['import', '--from', 'eagle', EA, '--baseline', BASE, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /eagle\/llama3-8b-ea\/mt_bench\/T0 \[1 trial\]: throughput 63\.934 tok\/s \(derived\), speedup 1\.598 x \(derived\), accept_length_pooled 3\.000 tok\/cycle \(derived\), accept_length_mean 3\.167 tok\/cycle \(derived\)/);
  assert.match(r.stdout, /position_acceptance: EAGLE's gen_ea_answer scripts write per-turn totals only/);
  const result = loadResult(out);
  assert.equal(result.cells.length, 2);
  assert.equal(readFileSync(join(out, 'requests.jsonl'), 'utf8').trim().split('\n').length, 6);

  const table = runCli(['report', out, '--wide']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /│ eagle +│ llama3-8b-ea │ mt_bench +│ 0 │ ok +│ +63\.9 │/);
  assert.match(table.stdout, /Imported from EAGLE \(2 files\)/);
  const md = runCli(['report', out, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /## Imported from/);
  assert.match(md.stdout, /- method: .*llama3-8b-ea-temperature-0\.0\.jsonl, sha256 [0-9a-f]{64}/);
  assert.match(md.stdout, /\*\*Throughput\*\* \(throughput; tok\/s, higher is better\): Sum of new_tokens over the sum of wall_time/);
  const csv = runCli(['report', out, '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  assert.match(csv.stdout, /llama3-8b-ea.*throughput.*63\.93442/);
});

test('gate and compare work on imported results: a regression fails the gate, a re-import passes', (t) => {
  const dir = tempDir(t);
  const base = join(dir, 'base'), head = join(dir, 'head'), again = join(dir, 'again');
  for (const [file, out] of [['gate-base.jsonl', base], ['gate-head.jsonl', head], ['gate-base.jsonl', again]] as const) {
    const r = runCli(['import', '--from', 'prism-ae', fixture(`prism-ae/${file}`), '--draft', 'prism', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
  }
  const bad = runCli(['gate', '--baseline', base, head]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  assert.match(bad.stdout, /REGRESSION/);
  assert.match(bad.stdout, /prism-ae\/prism\/gsm8k\/T0 \| throughput \| 210\.0 tok\/s \| 150\.0 tok\/s/);
  const ok = runCli(['gate', '--baseline', base, again]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /PASS: no regression/);
  const cmp = runCli(['compare', base, head]);
  assert.equal(cmp.code, 0, cmp.stdout + cmp.stderr);
  assert.match(cmp.stdout, /prism-ae\/prism\/gsm8k\/T0 .* throughput .* 0\.714x .* REGRESSION/);
});

test('import of a shared PRISM-artifact log prints the log\'s own figures', (t) => {
  const log = join(SHARED_LOGS, 'results_temp_1.0.jsonl');
  if (!existsSync(log)) {
    t.skip(`shared PRISM-artifact log not found at ${log} (it lives beside the project, not in it)`);
    return;
  }
  const out = join(tempDir(t), 'prism-ae');
  const r = runCli(['import', '--from', 'prism-ae', `${log}:1-6`, '--baseline', `${log}:7-18`, '--draft', 'drafter', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  // line 1: {"throughput": 153.145, "accept_length": 2.846}; line 5: sum 104.457, 2.116
  assert.match(r.stdout, /prism-ae\/drafter\/mt_bench\/T1 \[1 trial\]: throughput 153\.145 tok\/s \(tool\), speedup [0-9.]+ x \(derived\), accept_length_pooled 2\.846 tok\/cycle \(tool\)/);
  assert.match(r.stdout, /prism-ae\/drafter\/sum\/T1 \[1 trial\]: throughput 104\.457 tok\/s \(tool\), speedup [0-9.]+ x \(derived\), accept_length_pooled 2\.116 tok\/cycle \(tool\)/);
  assert.match(r.stdout, /prism-ae\/vanilla\/mt_bench\/T1 \[2 trials\]: throughput 90\.544 tok\/s \(tool\)/);
  const md = runCli(['report', out, '--format', 'md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /\*\*warning\*\* \(temperature\): 2 findings[^\n]*\n {2}- prism-ae\/drafter\/mt_bench\/T1: the PRISM artifact's bench_mt\.py sends the two-turn MT-bench questions with temperature=0/);
});

test('bad input: exit 2 and one line naming file, line, field and fix', (t) => {
  const dir = tempDir(t);
  const wrongTool = runCli(['import', '--from', 'prism-ae', EA, '--out', join(dir, 'x')]);
  assert.equal(wrongTool.code, 2);
  assert.equal(wrongTool.stdout, '');
  assert.equal(wrongTool.stderr.trim().split('\n').length, 1, wrongTool.stderr);
  assert.match(wrongTool.stderr, /^prism-bench: .*llama3-8b-ea-temperature-0\.0\.jsonl:1: temperature: expected the sampling temperature \(a number\) -- expected a results file of the PRISM artifact's/);
  assert.equal(existsSync(join(dir, 'x')), false, 'nothing written on error');

  const unknown = runCli(['import', '--from', 'medusa', EA, '--out', join(dir, 'y')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^prism-bench: --from: unknown tool 'medusa'; use one of eagle, spec-bench, prism-ae\n$/);

  const first = runCli(['import', '--from', 'eagle', EA, '--out', join(dir, 'z')]);
  assert.equal(first.code, 0, first.stderr);
  const again = runCli(['import', '--from', 'eagle', EA, '--out', join(dir, 'z')]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /result\.json: already exists -- choose a new --out directory/);
});

test('one run counted twice is refused with exit 2: the same file (or a copy) twice, or a whole PRISM log mixing vanilla and speculative lines', (t) => {
  const dir = tempDir(t);
  const copy = join(dir, 'copy.jsonl');
  copyFileSync(EA, copy);
  for (const [second, re] of [[EA, /llama3-8b-ea-temperature-0\.0\.jsonl: is given twice \(sha256 [0-9a-f]{12}\.\.\.\), so one run would count as two trials -- give each run's file once/], [copy, /copy\.jsonl: has the same content as .*llama3-8b-ea-temperature-0\.0\.jsonl \(sha256 [0-9a-f]{12}\.\.\.\), so one run would count as two trials -- give each run's file once, or remove the copy/]] as const) {
    const r = runCli(['import', '--from', 'eagle', EA, second, '--baseline', BASE, '--out', join(dir, 'twice')]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, re);
    assert.equal(existsSync(join(dir, 'twice')), false);
  }
  const log = fixture('prism-ae/results_temp_0.0.jsonl');
  const mixed = runCli(['import', '--from', 'prism-ae', log, '--draft', 'prism', '--out', join(dir, 'mixed')]);
  assert.equal(mixed.code, 2, mixed.stdout + mixed.stderr);
  assert.equal(mixed.stderr.trim().split('\n').length, 1, mixed.stderr);
  assert.match(mixed.stderr, /results_temp_0\.0\.jsonl: lines 1-2 ran without speculation \(accept_length 1\) and lines 3-5 with it; as one draft they would merge into one cell -- give one drafter's lines \(of 3-5\) as .*results_temp_0\.0\.jsonl:FIRST-LAST with --draft NAME, and the vanilla ones as --baseline .*results_temp_0\.0\.jsonl:1-2/);
  assert.equal(existsSync(join(dir, 'mixed')), false);
  // the fix it names works
  const fixed = runCli(['import', '--from', 'prism-ae', `${log}:3-5`, '--draft', 'prism', '--baseline', `${log}:1-2`, '--out', join(dir, 'fixed')]);
  assert.equal(fixed.code, 0, fixed.stderr);
});
