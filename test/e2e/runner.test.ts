// The harness end to end with real engine processes: an engine that never becomes ready, one
// that dies mid-cell, a run interrupted by SIGINT and resumed, and the sglang adapter driving
// a real server that speaks SGLang's protocol (the reference engine, launched with SGLang's flags),
// flushing its prefix cache before every trial.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../../src/result/schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');

function suiteFile(dir: string, body: string): string {
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, body);
  return file;
}

const SMALL_SETTINGS = `
settings:
  temperatures: [0]
  prompts: 2
  maxNewTokens: 12
  trials: 1
  warmup: 0
`;

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as ResultFile;

function enginePids(dir: string): number[] {
  const logs = join(dir, 'logs');
  if (!existsSync(logs)) return [];
  return readdirSync(logs).flatMap((f) => [...readFileSync(join(logs, f), 'utf8').matchAll(/\bpid (\d+)/g)].map((m) => Number(m[1])));
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

test('an engine that never becomes ready fails its cells with the log tail; the process is gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const stuck = `console.log('pid ' + process.pid + ' loading weights forever'); setInterval(() => {}, 1000)`;
  const suite = suiteFile(dir, `version: 1
name: never-ready
engines:
  - name: sglang
    options: { model: none, prompt: raw, launcher: ["${process.execPath}", "-e", "${stuck.replace(/"/g, '\\"')}", "--"] }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [chat]
${SMALL_SETTINGS}`);
  const r = runCli(['run', '--suite', suite, '--out', join(dir, 'run'), '--ready-timeout', '3']);
  assert.equal(r.status, 1, r.stderr);
  const result = readResult(join(dir, 'run'));
  const cell = result.cells[0];
  assert.equal(cell.status, 'failed');
  assert.match(cell.error ?? '', /did not become ready/);
  assert.match(cell.error ?? '', /loading weights forever/);
  const pids = enginePids(join(dir, 'run'));
  assert.ok(pids.length > 0, 'the stuck engine logged its pid');
  for (const pid of pids) assert.equal(alive(pid), false, `engine pid ${pid} still running`);
});

test('an engine that dies mid-cell fails that cell; the other cells complete; exit code 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const suite = suiteFile(dir, `version: 1
name: dies
engines:
  - name: reference
    label: crashy
    options: { faultCrashAfterRequests: 2 }
  - name: reference
drafts: [{ name: vanilla, method: vanilla }]
datasets: [chat]
${SMALL_SETTINGS.replace('prompts: 2', 'prompts: 3')}`);
  const r = runCli(['run', '--suite', suite, '--out', join(dir, 'run')]);
  assert.equal(r.status, 1, r.stderr);
  const result = readResult(join(dir, 'run'));
  const crashy = result.cells.find((c) => c.engine === 'crashy')!;
  const healthy = result.cells.find((c) => c.engine === 'reference')!;
  assert.equal(crashy.status, 'failed');
  assert.match(crashy.error ?? '', /exited with code 70/);
  assert.equal(healthy.status, 'ok');
  assert.ok(healthy.metrics.throughput.mean > 0);
  assert.ok(result.audit?.some((f) => f.check === 'failed' && f.cell === crashy.id));
});

test('SIGINT stops the engine, keeps finished cells, and --resume completes the rest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const out = join(dir, 'run');
  const suite = suiteFile(dir, `version: 1
name: interrupted
engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [chat, code]
${SMALL_SETTINGS}`);
  const child = spawn(process.execPath, [BIN, 'run', '--suite', suite, '--out', out], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  // wait until one cell has finished, then interrupt
  const deadline = Date.now() + 120_000;
  for (;;) {
    assert.ok(Date.now() < deadline, 'no cell finished in time');
    if (existsSync(join(out, 'result.json')) && readResult(out).cells.some((c) => c.status === 'ok')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  const partial = readResult(out);
  assert.equal(partial.status, 'interrupted');
  const finished = partial.cells.filter((c) => c.status === 'ok');
  assert.ok(finished.length >= 1 && finished.length < partial.cells.length, `finished ${finished.length} of ${partial.cells.length}`);
  await new Promise((r) => setTimeout(r, 300));
  for (const pid of enginePids(out)) assert.equal(alive(pid), false, `engine pid ${pid} survived SIGINT`);

  const r = runCli(['run', '--resume', out]);
  assert.equal(r.status, 0, r.stderr);
  const full = readResult(out);
  assert.equal(full.status, 'complete');
  assert.ok(full.cells.every((c) => c.status === 'ok'));
  for (const f of finished) {
    const again = full.cells.find((c) => c.id === f.id)!;
    assert.deepEqual(again.trials.map((t) => t.attempt), f.trials.map((t) => t.attempt), `${f.id} was rerun`);
  }
  // every kept trial's requests are in requests.jsonl (beside the journal's run, engine and trial lines)
  const lines = readFileSync(join(out, 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string; cell: string; attempt: string }).filter((l) => l.kind === undefined);
  for (const c of full.cells) for (const t of c.trials) assert.equal(lines.filter((l) => l.cell === c.id && l.attempt === t.attempt).length, t.requests);
});

test('the sglang adapter drives a real SGLang-protocol server launched with SGLang flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const suite = suiteFile(dir, `version: 1
name: sglang-protocol
engines:
  - name: sglang
    options: { model: "${join(ROOT, 'models', 'target')}", prompt: raw, launcher: ["${process.execPath}", "${BIN}", "serve"], sendSeed: true }
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3 }]
datasets: [code]
${SMALL_SETTINGS}`);
  const r = runCli(['run', '--suite', suite, '--out', join(dir, 'run'), '--json']);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as ResultFile;
  const info = result.engines['sglang/ngram'].info as { server: Record<string, unknown> };
  assert.equal(info.server.speculative_algorithm, 'NGRAM');
  assert.equal(info.server.speculative_num_draft_tokens, 5);
  // the adapter's declaration of what the engine reports itself travels with the result
  assert.deepEqual(result.engines['sglang/ngram'].measures, { verifyCycles: true, acceptedHistogram: false, draftTime: false, verifyTime: false });
  const ngram = result.cells.find((c) => c.draft === 'ngram')!;
  assert.equal(ngram.status, 'ok');
  assert.ok(ngram.metrics.accept_length_pooled.mean >= 1);
  assert.ok(ngram.metrics.speedup, 'speedup against the vanilla cell');
  const lossless = result.audit?.find((f) => f.check === 'lossless' && f.cell === ngram.id);
  assert.equal(lossless?.severity, 'info', JSON.stringify(result.audit));
  // the prefix cache was flushed (POST /flush_cache) before every trial, as the engine's logs show
  const logs = readdirSync(join(dir, 'run', 'logs')).map((f) => readFileSync(join(dir, 'run', 'logs', f), 'utf8')).join('\n');
  const trials = result.cells.reduce((n, c) => n + c.trials.length, 0);
  assert.equal([...logs.matchAll(/flush_cache: cache flushed/g)].length, trials, 'one flush per trial');
});

test('--target-ci adds trials up to maxTrials and reports the cells that stayed too wide', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const suite = suiteFile(dir, `version: 1
name: target-ci
engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 2, maxTrials: 4, warmup: 0 }
`);
  // 0.01% is out of reach on a shared CPU, so every round up to maxTrials runs
  const r = runCli(['run', '--suite', suite, '--out', join(dir, 'run'), '--target-ci', '0.01']);
  assert.equal(r.status, 0, r.stderr);
  const result = readResult(join(dir, 'run'));
  assert.equal(result.cells[0].trials.length, 4);
  assert.deepEqual(result.targetCiUnmet, [result.cells[0].id]);
  assert.match(r.stderr, /--target-ci 0.01%: 1 cell\(s\) still wider after 4 trials/);
});

test('--target-mde adds whole rounds for both engines of a pair; engineLifetime run starts each engine once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const suite = suiteFile(dir, `version: 1
name: target-mde
engines: [{ name: reference, label: base }, { name: reference, label: head }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [qa]
settings: { temperatures: [0], prompts: 1, maxNewTokens: 8, trials: 2, maxTrials: 4, warmup: 0, engineLifetime: run }
`);
  const bad = runCli(['run', '--suite', suite, '--out', join(dir, 'bad'), '--target-mde', '1', '--pair', 'base:other']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--pair names engine 'other', but the suite's engines are 'base', 'head'/);
  assert.ok(!existsSync(join(dir, 'bad', 'logs')) || readdirSync(join(dir, 'bad', 'logs')).length === 0, 'nothing launched');
  // 0.01% is out of reach, so every round up to maxTrials runs
  const r = runCli(['run', '--suite', suite, '--out', join(dir, 'run'), '--target-mde', '0.01', '--pair', 'base:head']);
  assert.equal(r.status, 0, r.stderr);
  const result = readResult(join(dir, 'run'));
  assert.deepEqual(result.cells.map((c) => c.trials.map((t) => t.trial)), [[1, 2, 3, 4], [1, 2, 3, 4]]);
  assert.equal(result.mde?.design, 'paired');
  assert.equal(result.mde?.rounds, 4);
  assert.ok(typeof result.mde?.throughput === 'number' && result.mde.throughput > 0.0001);
  assert.match(r.stderr, /--target-mde 0.01%: the suite-level throughput MDE is still [0-9.]+% after 4 rounds/);
  assert.equal(readdirSync(join(dir, 'run', 'logs')).length, 2, 'one engine process per engine for the whole run');
});

test('interleave request: the engines of a draft take each trial\'s prompts in turn (A B, B A, ...), all pinned to one CPU', { skip: spawnSync('taskset', ['--version']).status !== 0 && 'taskset is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-'));
  const suite = suiteFile(dir, `version: 1
name: interleave
engines: [{ name: reference, label: base }, { name: reference, label: head }]
drafts: [{ name: vanilla, method: vanilla }, { name: ngram, method: ngram }]
datasets: [code]
settings: { temperatures: [0], prompts: 4, maxNewTokens: 8, trials: 2, warmup: 2, interleave: request, engineCpus: last }
`);
  const r = runCli(['run', '--suite', suite, '--out', join(dir, 'run')]);
  assert.equal(r.status, 0, r.stderr);
  const result = readResult(join(dir, 'run'));
  const lines = readFileSync(join(dir, 'run', 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const requests = lines.filter((l) => l.kind === undefined && typeof l.cell === 'string') as unknown as { cell: string; trial: number; promptId: string; e2eSeconds: number }[];
  for (const draft of ['vanilla', 'ngram']) {
    for (const trial of [1, 2]) {
      // the journal holds requests in the order they ran (one at a time)
      const seq = requests.filter((q) => q.trial === trial && q.cell.split('/')[1] === draft);
      const engines = seq.map((q) => q.cell.split('/')[0]);
      assert.equal(engines.length, 8);
      const [a, b] = engines as [string, string];
      assert.notEqual(a, b);
      assert.deepEqual(engines, [a, b, b, a, a, b, b, a], `${draft} trial ${trial}`);
      // both engines got each prompt back to back
      for (let i = 0; i < 8; i += 2) assert.equal(seq[i]!.promptId, seq[i + 1]!.promptId);
    }
  }
  // each engine's trial time is its own requests' time, not the span of the shared trial
  for (const c of result.cells) {
    for (const t of c.trials) {
      const own = requests.filter((q) => q.cell === c.id && q.trial === t.trial).reduce((x, q) => x + q.e2eSeconds, 0);
      assert.ok(t.wallSeconds >= own && t.wallSeconds < own * 1.5 + 0.05, `${c.id} trial ${t.trial}: ${t.wallSeconds} s against ${own} s of requests`);
    }
  }
  const last = spawnSync('sh', ['-c', "grep Cpus_allowed_list /proc/self/status"], { encoding: 'utf8' }).stdout.trim().split(/[\s,-]+/).at(-1);
  const placement = (result.fingerprint as { placement?: { engineCpus?: number[] } }).placement;
  assert.deepEqual(placement?.engineCpus, [Number(last)]);
  for (const key of ['base/vanilla', 'head/vanilla', 'base/ngram', 'head/ngram']) {
    const info = result.engines[key]?.info as { server?: { prism_cpus?: number[] } } | undefined;
    assert.deepEqual(info?.server?.prism_cpus, [Number(last)], `${key} ran on CPU ${last} alone`);
  }
});
