// Where trial-to-trial variance comes from, in two parts. (1) Launch to launch: the engine
// started `--launches` times per thread setting, each time timing `--requests` identical 64-token
// requests: the CV of the per-process means against the CV within a process. (2) The same small
// suite run under each engine setting (engine relaunched every round or kept for the run;
// onnxruntime intra-op threads 1 or 2), each variant run twice in alternation: median and maximum
// per-cell throughput CV and the median throughput. Run it on an idle machine.
// (3) Pairs: two fresh engines up together, taking identical requests in turn (A B, B A, ...) or
// one after the other, unpinned or both on the last CPU (taskset): the spread over pairs of the
// log ratio of their mean speeds, which is what a paired gate's per-round ratio inherits.
// Part 1 also launches with address-space randomization off (setarch -R), to see whether a
// process's speed offset comes from where its memory lands, and pinned to one CPU (taskset), to
// see whether it comes from where the scheduler puts it; the settings alternate launch by launch.
//   node --import tsx bench/noise-floor.ts [--launches 6] [--requests 12] [--trials 6] [--repeats 2] [--pairs 8] [--parts 1,2,3]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../src/result/schema.ts';
import { arg } from './args.ts';

const BIN = fileURLToPath(new URL('../bin/prism-bench.js', import.meta.url));
const launches = Number(arg('launches', '6'));
const requests = Number(arg('requests', '12'));
const trials = Number(arg('trials', '6'));
const repeats = Number(arg('repeats', '2'));
const parts = arg('parts', '1,2,3').split(',');
const pairs = Number(arg('pairs', '8'));
const dir = mkdtempSync(join(tmpdir(), 'prism-noise-'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cvOf = (xs: number[]) => { const m = meanOf(xs); return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) / m; };

interface LaunchSetting { name: string; threads: number; fixedLayout: boolean; pinned?: boolean }
const launchSettings: LaunchSetting[] = [
  { name: 'threads 1', threads: 1, fixedLayout: false },
  { name: 'threads 2', threads: 2, fixedLayout: false },
  { name: 'threads 1, ASLR off', threads: 1, fixedLayout: true },
  // the engine on the last CPU alone (taskset), the client and everything else free to use the rest
  { name: 'threads 1, pinned', threads: 1, fixedLayout: false, pinned: true },
];
const canFixLayout = spawnSync('setarch', [process.arch === 'x64' ? 'x86_64' : process.arch, '-R', 'true']).status === 0;
const canPin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const lastCpu = String(cpus().length - 1);

/** Part 1: one fresh engine with the given setting; its mean decode speed and within-process CV. */
async function oneLaunch(s: LaunchSetting, l: number): Promise<{ mean: number; within: number }> {
  const port = 31000 + l * 10 + launchSettings.indexOf(s);
  const argv = [BIN, 'serve', '--draft', 'vanilla', '--port', String(port), '--threads', String(s.threads)];
  const p = s.fixedLayout
    ? spawn('setarch', [process.arch === 'x64' ? 'x86_64' : process.arch, '-R', process.execPath, ...argv], { stdio: 'ignore' })
    : s.pinned ? spawn('taskset', ['-c', lastCpu, process.execPath, ...argv], { stdio: 'ignore' })
      : spawn(process.execPath, argv, { stdio: 'ignore' });
  try {
    for (;;) {
      try { if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) break; } catch { /* not up yet */ }
      await sleep(100);
    }
    const body = JSON.stringify({ text: 'The history of the city begins', sampling_params: { max_new_tokens: 64, temperature: 0, ignore_eos: true } });
    await fetch(`http://127.0.0.1:${port}/generate`, { method: 'POST', body });
    const tps: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const r = (await (await fetch(`http://127.0.0.1:${port}/generate`, { method: 'POST', body })).json()) as { meta_info: { completion_tokens: number } };
      tps.push(r.meta_info.completion_tokens / ((performance.now() - t0) / 1000));
    }
    return { mean: meanOf(tps), within: cvOf(tps) };
  } finally {
    p.kill('SIGTERM');
    await sleep(300);
  }
}

if (parts.includes('1')) {
  const settings = launchSettings.filter((s) => (!s.fixedLayout || canFixLayout) && (!s.pinned || canPin));
  if (!canFixLayout) console.log('(setarch -R is not available here: the ASLR-off setting is left out)');
  if (!canPin) console.log('(taskset is not available here: the pinned setting is left out)');
  console.log(`launch to launch: ${launches} engine processes per setting, settings alternating, ${requests} requests of 64 tokens each`);
  const got = new Map(settings.map((s) => [s.name, [] as { mean: number; within: number }[]]));
  for (let l = 0; l < launches; l++) for (const s of settings) got.get(s.name)!.push(await oneLaunch(s, l));
  console.log('setting               between-process CV  within-process CV  mean tok/s');
  for (const s of settings) {
    const r = got.get(s.name)!;
    console.log(`${s.name.padEnd(20)}  ${(cvOf(r.map((x) => x.mean)) * 100).toFixed(1).padStart(17)}%  ${(meanOf(r.map((x) => x.within)) * 100).toFixed(1).padStart(16)}%  ${meanOf(r.map((x) => x.mean)).toFixed(1).padStart(10)}`);
  }
  console.log('');
}
if (parts.includes('3')) {
  const sd = (xs: number[]) => { const m = meanOf(xs); return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); };
  const body = JSON.stringify({ text: 'The history of the city begins', sampling_params: { max_new_tokens: 64, temperature: 0, ignore_eos: true } });
  const up = async (port: number, pinned: boolean) => {
    const argv = [BIN, 'serve', '--draft', 'vanilla', '--port', String(port), '--threads', '1'];
    const p = pinned ? spawn('taskset', ['-c', lastCpu, process.execPath, ...argv], { stdio: 'ignore' }) : spawn(process.execPath, argv, { stdio: 'ignore' });
    for (;;) {
      try { if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) break; } catch { /* not up yet */ }
      await sleep(100);
    }
    await fetch(`http://127.0.0.1:${port}/generate`, { method: 'POST', body });
    return p;
  };
  const timed = async (port: number) => { const t0 = performance.now(); await (await fetch(`http://127.0.0.1:${port}/generate`, { method: 'POST', body })).json(); return performance.now() - t0; };
  const modes = canPin ? [false, true] : [false];
  console.log(`pairs: ${pairs} pairs of fresh engines per placement, up together; ${requests} requests each in turn (A B, B A, ...), then 4 each one after the other`);
  console.log('placement        spread of log(A/B) over pairs: in turn  one after the other');
  for (const pinned of modes) {
    const turn: number[] = [], after: number[] = [];
    for (let k = 0; k < pairs; k++) {
      const pa = 31500 + 2 * k + (pinned ? 100 : 0), pb = pa + 1;
      const A = await up(pa, pinned), B = await up(pb, pinned);
      try {
        const a: number[] = [], b: number[] = [];
        for (let i = 0; i < requests; i++) {
          if (i % 2 === 0) { a.push(await timed(pa)); b.push(await timed(pb)); } else { b.push(await timed(pb)); a.push(await timed(pa)); }
        }
        turn.push(Math.log(meanOf(a) / meanOf(b)));
        const a2: number[] = [], b2: number[] = [];
        for (let i = 0; i < 4; i++) a2.push(await timed(pa));
        for (let i = 0; i < 4; i++) b2.push(await timed(pb));
        after.push(Math.log(meanOf(a2) / meanOf(b2)));
      } finally {
        A.kill('SIGTERM'); B.kill('SIGTERM');
        await sleep(300);
      }
    }
    console.log(`${(pinned ? `both on CPU ${lastCpu}` : 'unpinned').padEnd(16)} ${(sd(turn) * 100).toFixed(1).padStart(30)}%  ${(sd(after) * 100).toFixed(1).padStart(18)}%`);
  }
  console.log('');
}
if (!parts.includes('2')) process.exit(0);

interface Variant { name: string; lifetime: 'round' | 'run'; threads?: number }
const variants: Variant[] = [
  { name: 'relaunch each round, threads 2', lifetime: 'round', threads: 2 },
  { name: 'relaunch each round, threads 1', lifetime: 'round', threads: 1 },
  { name: 'one engine per run, threads 2', lifetime: 'run', threads: 2 },
  { name: 'one engine per run, threads 1', lifetime: 'run', threads: 1 },
];
const suite = (v: Variant) => `version: 1
name: noise
engines: [{ name: reference, options: { ${v.threads ? `threads: ${v.threads}` : ''} } }]
drafts:
  - { name: vanilla, method: vanilla }
  - { name: eagle3, method: eagle3, verifiedTokens: 4 }
datasets: [chat, code, math]
settings: { temperatures: [0], prompts: 3, maxNewTokens: 48, trials: ${trials}, warmup: 1, engineLifetime: ${v.lifetime} }
`;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2; };
const stats = new Map<string, { cv: number[]; tps: number[]; seconds: number[] }>(variants.map((v) => [v.name, { cv: [], tps: [], seconds: [] }]));
for (let rep = 0; rep < repeats; rep++) {
  for (const v of variants) {
    const file = join(dir, 'suite.yaml');
    writeFileSync(file, suite(v));
    const out = join(dir, `${rep}-${variants.indexOf(v)}`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, 'run', '--suite', file, '--out', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) { console.error(r.stderr); process.exit(1); }
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultFile;
    const s = stats.get(v.name)!;
    for (const c of result.cells) {
      const m = c.metrics.throughput;
      if (m?.cv != null) s.cv.push(m.cv);
      if (m) s.tps.push(m.mean);
    }
    s.seconds.push((Date.now() - t0) / 1000);
    console.log(`repeat ${rep + 1}: ${v.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}
console.log(`\nper-cell throughput CV over ${trials} trials (6 cells x ${repeats} runs per variant)`);
console.log('variant                                  median CV  max CV  median tok/s  run s');
for (const v of variants) {
  const s = stats.get(v.name)!;
  console.log(`${v.name.padEnd(40)} ${(median(s.cv) * 100).toFixed(1).padStart(8)}% ${(Math.max(...s.cv) * 100).toFixed(1).padStart(6)}% ${median(s.tps).toFixed(1).padStart(12)} ${median(s.seconds).toFixed(0).padStart(6)}`);
}
