#!/usr/bin/env node
// The developer loops, timed in one run: how long `node -e 0`, `npx prism-bench --help` and
// (opt-in, they take minutes) `prism-bench run --quick`, `prism-bench run` and `npm test` take,
// each repeated, with min / median / max and the ratio to `node -e 0`. Also (--serve) the time
// from spawning an engine, `prism-bench serve --draft eagle3`, to its /health answering 200.
//
// Usage: npm run bench:loops [-- --reps 10] [-- --quick] [-- --run] [-- --test] [-- --serve]
//   --reps N   repetitions of the short commands (default 10); the long ones run --long-reps times (default 1)
//   --quick    also time `npx prism-bench run --quick` (about 2.5 minutes)
//   --run      also time `npx prism-bench run` (the default suite: long)
//   --test     also time `npm test` (the whole suite: long; not on a shared machine)
//   --serve    also time engine spawn -> /health 200 with the graph cache warm (after one untimed launch)
// The default (node -e 0, --help through node and through npx, npx alone, hw --json, a dry run) takes well under a minute.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const num = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const reps = num('reps', 10);
const longReps = num('long-reps', 1);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Wall time of one run of the command, in seconds; throws when it fails. */
function timeOnce(cmd, argv, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: opts.inherit ? 'inherit' : ['ignore', 'ignore', 'pipe'], encoding: 'utf8', ...opts });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}: ${(r.stderr ?? '').slice(-2000)}`);
  return s;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { min: s[0], median: mid, max: s[s.length - 1], n: s.length };
};

const rows = [];
let nodeMedian;
function report(name, times) {
  const st = stats(times);
  if (name === 'node -e 0') nodeMedian = st.median;
  const fmt = (x) => (x < 10 ? x.toFixed(3) : x.toFixed(1)).padStart(8);
  const ratio = nodeMedian ? `${(st.median / nodeMedian).toFixed(1)}x`.padStart(8) : '';
  const line = `${name.padEnd(44)}${String(st.n).padStart(4)}${fmt(st.min)}${fmt(st.median)}${fmt(st.max)}${ratio}`;
  rows.push(line);
  console.log(line);
}

/** `argv` may be a function of the repetition (a fresh --out each time). */
function timeMany(name, cmd, argv, n, opts) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(timeOnce(cmd, typeof argv === 'function' ? argv(i) : argv, opts));
  report(name, times);
}

/** Seconds from spawning `serve` to /health 200. */
async function serveOnce(extra) {
  const port = await getPort({ host: '127.0.0.1' });
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  let exited = false;
  child.on('exit', () => { exited = true; });
  try {
    for (;;) {
      if (exited) throw new Error(`serve exited before it was ready: ${err.slice(-2000)}`);
      const status = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0);
      if (status === 200) return (performance.now() - t0) / 1000;
      if (performance.now() - t0 > 120_000) throw new Error('serve not ready within 120 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (exited ? r() : child.on('exit', r)));
  }
}

console.log(`prism-bench loops, ${reps} reps of the short commands (node ${process.version}, cwd ${ROOT})`);
console.log(`${'command'.padEnd(44)}${'n'.padStart(4)}${'min s'.padStart(8)}${'median'.padStart(8)}${'max'.padStart(8)}${'/node'.padStart(8)}`);
// one untimed start so the build in dist/ is current (a first start after a change builds it)
timeOnce(process.execPath, [BIN, '--version']);
timeMany('node -e 0', process.execPath, ['-e', '0'], reps);
timeMany('node bin/prism-bench.js --help', process.execPath, [BIN, '--help'], reps);
// npx's own cost (npm's start), which every npx line below includes
timeMany('npx --no -- node -e 0', npx, ['--no', '--', 'node', '-e', '0'], reps);
timeMany('npx prism-bench --help', npx, ['prism-bench', '--help'], reps);
timeMany('node bin/prism-bench.js hw --json', process.execPath, [BIN, 'hw', '--json'], reps);
timeMany('npx prism-bench run --quick --dry-run', npx, ['prism-bench', 'run', '--quick', '--dry-run'], reps);
if (flag('serve')) {
  const draft = ['--draft', 'eagle3'];
  await serveOnce(draft); // warms the graph cache
  const times = [];
  for (let i = 0; i < Math.max(3, Math.ceil(reps / 2)); i++) times.push(await serveOnce(draft));
  report('serve --draft eagle3: spawn -> /health 200', times);
}
const scratch = mkdtempSync(join(tmpdir(), 'prism-loops-'));
try {
  if (flag('quick')) timeMany('npx prism-bench run --quick', npx, (i) => ['prism-bench', 'run', '--quick', '--out', join(scratch, `quick-${i}`)], longReps, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (flag('run')) timeMany('npx prism-bench run', npx, (i) => ['prism-bench', 'run', '--out', join(scratch, `run-${i}`)], longReps, { stdio: ['ignore', 'ignore', 'inherit'] });
  // npm test's own report (each file's time, the ten slowest) goes to a file, named below
  if (flag('test')) {
    const log = join(tmpdir(), `prism-loops-npm-test-${process.pid}.log`);
    timeMany('npm test', 'bash', ['-c', `${npm} test > ${log} 2>&1`], longReps);
    console.log(`(npm test's output: ${log})`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (!flag('quick') && !flag('run') && !flag('test')) console.log('(--quick, --run, --test and --serve add the long loops)');
