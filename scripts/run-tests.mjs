#!/usr/bin/env node
// Runs every test/**/*.test.ts and the workspace packages' packages/*/test/**/*.test.ts, each file
// in its own node:test process, several files at once (run in a package's folder, that package's).
// A file runs as `node --import tsx FILE` with node:test's reporters, not under `--test`, whose
// runner would start a second node (and tsx) process for every file.
// A pool of our own rather than `node --test --test-concurrency`: Node 20 reports no per-file
// wall time, and the slowest files are what a developer needs to see to keep the suite fast.
//   --fast       leave out the end-to-end folders (test/e2e, packages/*/test/e2e)
//   --jobs N     files at once (default: $PRISM_TEST_JOBS, else one per CPU: on 2 cores the whole
//                suite took 685 s two at a time and 720 s three at a time, run back to back)
//   FILE ...     only these files
import { existsSync, readdirSync, statSync, readFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, availableParallelism } from 'node:os';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const jobsAt = args.indexOf('--jobs');
const jobs = Math.max(1, Number(jobsAt >= 0 ? args[jobsAt + 1] : process.env.PRISM_TEST_JOBS ?? availableParallelism()) || 1);
const named = args.filter((a, i) => !a.startsWith('--') && !(jobsAt >= 0 && i === jobsAt + 1));

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (fast && name === 'e2e') continue;
      out.push(...collect(p));
    } else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** test/ and every packages/<name>/test/ */
const roots = () => ['test', ...(existsSync('packages') ? readdirSync('packages').sort().map((p) => join('packages', p, 'test')) : [])].filter((d) => existsSync(d));

// Longest first keeps the pool's tail short: end-to-end files, then the CLI's (they spawn it) and
// the packages' (the reference engine's load its models).
const weight = (f) => (/(^|\/)test\/e2e\//.test(f) ? 0 : f.startsWith('test/cli/') || f.startsWith('packages/') ? 1 : 2);
const files = named.length ? named : roots().flatMap((d) => collect(d)).sort((a, b) => weight(a) - weight(b));

// Files run side by side: one thread per process for torch (the draft trainer's test) and
// OpenBLAS, whose pools otherwise spin on the core another file is using. Set them to override.
const THREADS = { PRISM_TRAIN_THREADS: '1', OMP_NUM_THREADS: '1' };

const tapDir = mkdtempSync(join(tmpdir(), 'prism-tests-'));
// what one file computes and others may reuse in this run (the lossless files' vanilla reference)
const cacheDir = join(tapDir, 'cache');
mkdirSync(cacheDir);
const totals = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
const timings = [];
const failedFiles = [];
const started = Date.now();

let runs = 0;
function runFile(file) {
  const tap = join(tapDir, `${runs++}.tap`);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      '--import', 'tsx',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      file,
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...THREADS, ...process.env, PRISM_TEST_CACHE: cacheDir } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code, signal) => {
      const seconds = (Date.now() - t0) / 1000;
      let text = '';
      try { text = readFileSync(tap, 'utf8'); } catch { /* the process died before writing it */ }
      const count = (k) => Number(text.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
      const c = { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), todo: count('todo'), cancelled: count('cancelled') };
      const ok = code === 0 && c.fail === 0 && c.cancelled === 0;
      if (!ok && c.fail === 0 && c.cancelled === 0) c.fail = 1; // a file that crashed counts as one failure
      for (const k of Object.keys(totals)) totals[k] += c[k];
      timings.push({ file, seconds });
      const skips = [...text.matchAll(/^\s*ok \d+ - (.*) # SKIP ?(.*)$/gm)].map((m) => `    skipped: ${m[1]}${m[2] ? ` (${m[2]})` : ''}`);
      if (ok) {
        process.stdout.write(`✔ ${file} (${c.pass} passed${c.skipped ? `, ${c.skipped} skipped` : ''}, ${seconds.toFixed(1)} s)\n${skips.length ? `${skips.join('\n')}\n` : ''}`);
      } else {
        failedFiles.push(file);
        process.stdout.write(`✖ ${file} (${c.fail} failed, ${seconds.toFixed(1)} s${signal ? `, killed by ${signal}` : `, exit ${code}`})\n${output}\n`);
      }
      resolve();
    });
  });
}

async function pool(list, width) {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      await runFile(list[next++]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, worker));
}

process.stdout.write(`${files.length} test files, ${Math.min(jobs, files.length)} at a time\n`);
await pool(files, jobs);
rmSync(tapDir, { recursive: true, force: true });

const slowest = timings.sort((a, b) => b.seconds - a.seconds).slice(0, 10);
process.stdout.write(`\nslowest test files:\n${slowest.map((t) => `  ${t.seconds.toFixed(1).padStart(6)} s  ${t.file}`).join('\n')}\n`);
process.stdout.write(`whole run: ${((Date.now() - started) / 1000).toFixed(0)} s, ${jobs} files at a time\n`);
if (failedFiles.length) process.stdout.write(`failed files:\n${failedFiles.map((f) => `  ${f}`).join('\n')}\n`);
process.stdout.write(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped\n`);
process.exit(totals.fail > 0 || totals.cancelled > 0 ? 1 : 0);
