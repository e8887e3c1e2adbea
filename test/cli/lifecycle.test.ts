// Nothing is left running however the harness goes: kill -9 of `prism-bench run` takes its
// engine with it (reference engine and an external one), and SIGTERM to `npx prism-bench ...`
// (which npm never passes on to node) still ends `serve` and `run`; SIGTERM to npx's whole
// process group (what `timeout` sends) interrupts `run` as cleanly as Ctrl-C. Real processes throughout;
// every process of a test carries a tag in its environment, and /proc is searched for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { processAlive } from '../../src/cli/parent.ts';
import { escapeRegExp } from '../helpers/regexp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const linux = process.platform === 'linux';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pids of live processes whose environment carries PRISM_TEST_TAG=tag. */
function tagged(tag: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${d}/environ`, 'utf8');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue; // a zombie waiting for its parent is not running
      if (env.split('\0').includes(`PRISM_TEST_TAG=${tag}`)) out.push(Number(d));
    } catch { /* gone, or not ours */ }
  }
  return out;
}

async function until<T>(what: string, f: () => T | undefined | false, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Spawns with the tag in the environment and collects output; `detached`: in a process group of its own, as `timeout` runs its command. */
function start(file: string, args: string[], tag: string, extraEnv: Record<string, string> = {}, detached = false): { child: ChildProcess; output: () => string } {
  let out = '';
  const child = spawn(file, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', PRISM_TEST_TAG: tag, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached });
  child.stdout?.on('data', (b) => { out += b; });
  child.stderr?.on('data', (b) => { out += b; });
  return { child, output: () => out };
}

async function noneLeft(tag: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  let left = tagged(tag);
  while (left.length && Date.now() < end) { await sleep(100); left = tagged(tag); }
  for (const pid of left) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  assert.deepEqual(left, [], `processes still running ${ms / 1000} s later`);
}

test('watchParent calls back once the parent has gone (unless PRISM_BENCH_OUTLIVE_PARENT=1), and processAlive tells live from dead pids', async () => {
  assert.equal(processAlive(process.pid), true);
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.on('exit', r));
  assert.equal(processAlive(dead.pid as number), false);
  // a real orphan: a shell starts node in the background and exits
  const dir = mkdtempSync(join(tmpdir(), 'prism-parent-'));
  const orphan = async (env: Record<string, string>) => {
    const flag = join(dir, `gone-${randomUUID()}`);
    const pidFile = `${flag}.pid`;
    const script = `import { watchParent } from ${JSON.stringify(join(ROOT, 'src/cli/parent.ts'))};
      import { writeFileSync } from 'node:fs';
      const keep = setInterval(() => {}, 1000);
      watchParent({ intervalMs: 100, onGone: () => { writeFileSync(${JSON.stringify(flag)}, 'gone'); clearInterval(keep); } });
      writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));`;
    writeFileSync(join(dir, 'orphan.ts'), script);
    // the shell exits once node is watching it
    const sh = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${join(dir, 'orphan.ts')}" & while [ ! -s "${pidFile}" ]; do sleep 0.1; done`], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, ...env } });
    await new Promise((r) => sh.on('exit', r));
    const pid = await until('the orphan to start', () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')), 20_000);
    return { flag, pid };
  };
  const watched = await orphan({});
  await until('the orphan to notice', () => existsSync(watched.flag), 5000);
  const outliving = await orphan({ PRISM_BENCH_OUTLIVE_PARENT: '1' });
  await sleep(1000);
  assert.equal(existsSync(outliving.flag), false, 'PRISM_BENCH_OUTLIVE_PARENT=1 keeps it running');
  assert.equal(processAlive(outliving.pid), true);
  process.kill(outliving.pid, 'SIGKILL');
});

test('kill -9 of `run` takes an external engine down with it (its reaper ends the process group)', { skip: !linux && 'needs /proc' }, async () => {
  const tag = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'prism-kill9-'));
  const stuck = `console.log('pid ' + process.pid + ' loading'); setInterval(() => {}, 1000)`;
  writeFileSync(join(dir, 'suite.yaml'), `engines:
  - name: sglang
    options: { model: none, prompt: raw, launcher: ["${process.execPath}", "-e", "${stuck.replace(/"/g, '\\"')}", "--"] }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [chat]
settings: { prompts: 1, maxNewTokens: 4, trials: 1, warmup: 0 }
`);
  const run = start(process.execPath, [BIN, 'run', '--suite', join(dir, 'suite.yaml'), '--out', join(dir, 'run'), '--ready-timeout', '600'], tag);
  const logs = join(dir, 'run', 'logs');
  const enginePid = await until('the engine to start', () => {
    if (!existsSync(logs)) return undefined;
    for (const f of readdirSync(logs)) {
      const m = /pid (\d+)/.exec(readFileSync(join(logs, f), 'utf8'));
      if (m) return Number(m[1]);
    }
    return undefined;
  }, 60_000);
  assert.ok(processAlive(enginePid));
  run.child.kill('SIGKILL');
  await noneLeft(tag);
});

test('kill -9 of `run` takes the reference engine down with it', { skip: !linux && 'needs /proc' }, async () => {
  const tag = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'prism-kill9-ref-'));
  writeFileSync(join(dir, 'suite.yaml'), `engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [chat]
settings: { prompts: 20, maxNewTokens: 64, trials: 3, warmup: 0 }
`);
  const run = start(process.execPath, [BIN, 'run', '--suite', join(dir, 'suite.yaml'), '--out', join(dir, 'run')], tag);
  const logs = join(dir, 'run', 'logs');
  // once it is loaded and serving the run's requests
  await until('the reference engine to be ready', () => existsSync(logs) && readdirSync(logs).some((f) => /ready in/.test(readFileSync(join(logs, f), 'utf8'))), 120_000);
  await sleep(1000);
  run.child.kill('SIGKILL');
  await noneLeft(tag);
});

/** `npx prism-bench ...` from the checkout, with an empty npx cache and no network. */
function npx(args: string[], tag: string, detached = false) {
  const cache = mkdtempSync(join(tmpdir(), 'prism-npx-cache-'));
  return start('npx', ['--offline', '--yes', 'prism-bench', ...args], tag, { npm_config_cache: cache }, detached);
}

test('SIGTERM to `npx prism-bench serve` ends the server', { skip: !linux && 'needs /proc' }, async () => {
  const tag = randomUUID();
  const serve = npx(['serve', '--port', '0'], tag);
  // once it is loaded: a model load holds the event loop, and signals wait for it
  await until('the server to be ready', () => /ready in/.test(serve.output()), 120_000);
  assert.ok(tagged(tag).length >= 2, 'npm and node are both running');
  serve.child.kill('SIGTERM');
  await noneLeft(tag);
});

test('SIGTERM to `npx prism-bench run` stops the run and its engine, saving what finished', { skip: !linux && 'needs /proc' }, async () => {
  const tag = randomUUID();
  const dir = mkdtempSync(join(tmpdir(), 'prism-npx-run-'));
  writeFileSync(join(dir, 'suite.yaml'), `engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [chat]
settings: { prompts: 20, maxNewTokens: 64, trials: 3, warmup: 0 }
`);
  const out = join(dir, 'run');
  const run = npx(['run', '--suite', join(dir, 'suite.yaml'), '--out', out], tag);
  const logs = join(out, 'logs');
  await until('the reference engine to be ready', () => existsSync(logs) && readdirSync(logs).some((f) => /ready in/.test(readFileSync(join(logs, f), 'utf8'))), 120_000);
  run.child.kill('SIGTERM');
  await noneLeft(tag);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { status: string };
  assert.equal(result.status, 'interrupted', 'the run saved its result as interrupted');
});

test('SIGTERM to the process group of `npx prism-bench run` (as `timeout -s TERM` sends it) interrupts as Ctrl-C does: reports, the --resume hint', { skip: !linux && 'needs /proc' }, async () => {
  const tag = randomUUID();
  const { dir, out } = longRunSuite('prism-timeout-run-');
  // `timeout` puts itself and its command in a process group of its own, and on expiry signals
  // the command and then the whole group: node gets the SIGTERM itself, and soon after its parent
  // (npm) is gone, which the parent watch used to turn into a second SIGTERM that forced an exit
  const run = npx(['run', '--suite', join(dir, 'suite.yaml'), '--out', out], tag, true);
  await until('a finished trial', () => existsSync(join(out, 'requests.jsonl')) && readFileSync(join(out, 'requests.jsonl'), 'utf8').includes('"kind":"trial"'), 120_000);
  process.kill(-(run.child.pid as number), 'SIGTERM');
  await noneLeft(tag, 60_000);
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { status: string; cells: { trials: unknown[] }[] };
  assert.equal(result.status, 'interrupted', run.output());
  assert.ok((result.cells[0]?.trials.length ?? 0) >= 1, 'the finished trials are kept');
  for (const f of ['report.md', 'report.csv', 'report.html']) assert.ok(existsSync(join(out, f)), `${f} written: ${run.output()}`);
  assert.match(run.output(), /interrupted \(SIGTERM\): stopping the engine and saving finished cells/);
  assert.match(run.output(), new RegExp(`interrupted: continue with  prism-bench run --resume ${escapeRegExp(out)}\n`));
});

/** A folder with suite.yaml: vanilla on the reference engine, 200 short trials in one engine launch (stopped long before the end). */
function longRunSuite(prefix: string): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'suite.yaml'), `engines: [{ name: reference }]
drafts: [{ name: vanilla, method: vanilla }]
datasets: [chat]
settings: { prompts: 2, maxNewTokens: 8, trials: 200, warmup: 0, engineLifetime: run }
`);
  const out = join(dir, 'run');
  return { dir, out };
}

/** A reference-engine run of many short trials straight from bin/ (no npx), once its journal holds a finished trial. */
async function runningRun(tag: string, env: Record<string, string> = {}) {
  const { dir, out } = longRunSuite('prism-hup-run-');
  const run = start(process.execPath, [BIN, 'run', '--suite', join(dir, 'suite.yaml'), '--out', out], tag, env);
  const journal = join(out, 'requests.jsonl');
  const finished = () => (existsSync(journal) ? readFileSync(journal, 'utf8').split('"kind":"trial"').length - 1 : 0);
  await until('a finished trial', () => finished() >= 1, 120_000);
  return { run, out, finished };
}

test('SIGHUP (a closed terminal) interrupts `run` cleanly; with PRISM_BENCH_OUTLIVE_PARENT=1 it is ignored', { skip: !linux && 'needs /proc' }, async () => {
  const tag = randomUUID();
  const hup = await runningRun(tag);
  hup.run.child.kill('SIGHUP');
  await noneLeft(tag, 60_000);
  assert.equal((JSON.parse(readFileSync(join(hup.out, 'result.json'), 'utf8')) as { status: string }).status, 'interrupted', hup.run.output());
  assert.ok(existsSync(join(hup.out, 'report.md')), hup.run.output());
  assert.match(hup.run.output(), /interrupted \(SIGHUP\): stopping the engine/);
  assert.match(hup.run.output(), /interrupted: continue with  prism-bench run --resume /);

  // asked to outlive its terminal: the hangup changes nothing, the run goes on to its next trials
  const tag2 = randomUUID();
  const kept = await runningRun(tag2, { PRISM_BENCH_OUTLIVE_PARENT: '1' });
  kept.run.child.kill('SIGHUP');
  const at = kept.finished();
  await until('a trial after the hangup', () => kept.finished() > at + 1, 120_000);
  assert.equal(kept.run.child.exitCode, null, 'still running');
  assert.doesNotMatch(kept.run.output(), /interrupted/);
  kept.run.child.kill('SIGTERM');
  await noneLeft(tag2, 60_000);
  assert.match(kept.run.output(), /interrupted \(SIGTERM\): stopping the engine/);
});
