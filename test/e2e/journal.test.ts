// requests.jsonl is the run's journal: with result.json deleted or damaged, `run --resume`
// rebuilds it and loses no finished trial; a resume cannot be sent elsewhere with --out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../../src/result/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');

function runCli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultFile;
/** What a run measured: every cell's status and trials (attempt, wall time, per-trial metrics). */
const measured = (r: ResultFile) => r.cells.map((c) => ({ id: c.id, status: c.status, trials: c.trials, throughput: c.metrics.throughput?.values }));

test('a deleted or damaged result.json is rebuilt from requests.jsonl by --resume, nothing lost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-journal-'));
  writeFileSync(join(dir, 'suite.yaml'), `engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [chat]
settings: { prompts: 2, maxNewTokens: 12, trials: 2, warmup: 0, engineLifetime: run }
`);
  const out = join(dir, 'run');
  const first = runCli(['run', '--suite', join(dir, 'suite.yaml'), '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  // issue 24: the run ends with the summary, within 100 columns off a terminal; progress counts trials and cells apart
  assert.match(first.stdout, /^Speedup over vanilla \(reference\), T = 0\n.*│ +chat │ +Mean\n/m);
  assert.ok(first.stdout.split('\n').every((l) => [...l].length <= 100), first.stdout);
  assert.match(first.stderr, /^run: trial 2\/2, cell 2\/2 \(100%/m);
  const before = readResult(out);
  assert.equal(before.cells.length, 2);

  // missing
  rmSync(join(out, 'result.json'));
  const r1 = runCli(['run', '--resume', out]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.match(r1.stderr, /result\.json was missing; rebuilt from requests\.jsonl: 4 finished trial\(s\)/);
  const rebuilt = readResult(out);
  assert.deepEqual(measured(rebuilt), measured(before));
  assert.equal(rebuilt.runId, before.runId);
  assert.deepEqual(rebuilt.engines, before.engines);
  assert.deepEqual(rebuilt.fingerprint, before.fingerprint);

  // damaged: the message says what --resume does, and --resume does it
  writeFileSync(join(out, 'result.json'), readFileSync(join(out, 'result.json'), 'utf8').slice(0, 200));
  const rep = runCli(['report', out]);
  assert.equal(rep.status, 2);
  assert.match(rep.stderr, /damaged; prism-bench run --resume .* rebuilds it from the run's journal/);
  const r2 = runCli(['run', '--resume', out]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stderr, /result\.json was damaged \(kept as .*result\.json\.damaged-/);
  assert.deepEqual(measured(readResult(out)), measured(before));
  assert.ok(readdirSync(out).some((f) => f.startsWith('result.json.damaged-')));

  // --out with --resume is refused, before anything runs
  const r3 = runCli(['run', '--resume', out, '--out', join(dir, 'elsewhere')]);
  assert.equal(r3.status, 2);
  assert.match(r3.stderr, /--out .*elsewhere: a resumed run stays in its own directory/);
  assert.equal(existsSync(join(dir, 'elsewhere')), false);

  // a new run into a directory holding a journal is refused (it would mix two runs)
  rmSync(join(out, 'result.json'));
  const r4 = runCli(['run', '--suite', join(dir, 'suite.yaml'), '--out', out]);
  assert.equal(r4.status, 2);
  assert.match(r4.stderr, /already holds a run's journal \(requests\.jsonl\) -- continue that run with --resume/);
});
