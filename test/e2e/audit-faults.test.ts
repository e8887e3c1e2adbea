// The fairness audit on real runs of the reference engine catches planted faults: a
// verification that accepts one wrong token (lossless check) and an engine that ignores
// temperature (temperature check), and stays quiet on the honest engine; the consistency check
// finds nothing on any of them (their acceptance figures add up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../../src/result/schema.ts';

const BIN = fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url));

test('lossless and temperature checks catch planted faults and pass the honest engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-audit-'));
  writeFileSync(join(dir, 'suite.yaml'), `version: 1
name: planted-faults
engines:
  - { name: reference, label: wrong-token, options: { faultAcceptWrongToken: true } }
  - { name: reference, label: no-temperature, options: { faultIgnoreTemperature: true } }
  - { name: reference, label: honest }
drafts:
  - { name: vanilla, method: vanilla }
  - { name: ngram, method: ngram, draftedTokens: 6, ngramMin: 1, ngramMax: 4 }
datasets: [code]
settings: { temperatures: [0, 1], prompts: 2, maxNewTokens: 24, trials: 1, warmup: 0 }
`);
  const r = spawnSync(process.execPath, [BIN, 'run', '--suite', join(dir, 'suite.yaml'), '--out', join(dir, 'run')], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(readFileSync(join(dir, 'run', 'result.json'), 'utf8')) as ResultFile;
  const findings = (check: string, cell: string) => (result.audit ?? []).filter((f) => f.check === check && f.cell === cell);

  const wrong = findings('lossless', 'wrong-token/ngram/code/T0');
  assert.equal(wrong.length, 1);
  assert.equal(wrong[0].severity, 'error', wrong[0].message);
  assert.match(wrong[0].message, /code-0\d/);

  for (const draft of ['vanilla', 'ngram']) {
    const ignored = findings('temperature', `no-temperature/${draft}/code/T1`);
    assert.equal(ignored[0]?.severity, 'error', JSON.stringify(ignored));
    const honest = findings('temperature', `honest/${draft}/code/T1`);
    assert.ok(honest.every((f) => f.severity !== 'error'), JSON.stringify(honest));
  }
  // real request records (histograms and counts from the engine) and the stored per-position rates agree
  assert.deepEqual((result.audit ?? []).filter((f) => f.check === 'consistency'), []);
  const honestLossless = findings('lossless', 'honest/ngram/code/T0');
  assert.equal(honestLossless[0]?.severity, 'info', JSON.stringify(honestLossless));
  // the audit is printed in every report
  const md = readFileSync(join(dir, 'run', 'report.md'), 'utf8');
  assert.match(md, /wrong-token\/ngram\/code\/T0/);
  assert.match(md, /temperature 1 looks ignored/);
});
