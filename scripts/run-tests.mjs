#!/usr/bin/env node
// Runs every test/**/*.test.ts and the workspace packages' packages/*/test/**/*.test.ts, each file
// in its own node:test process, several files at once (run in a package's folder, that package's).
// A file runs as `node --import tsx FILE` with node:test's reporters, not under `--test`, whose
// runner would start a second node (and tsx) process for every file.
// A pool of our own rather than `node --test --test-concurrency`: Node 20 reports no per-file
// wall time, and the slowest files are what a developer needs to see to keep the suite fast.
// Unit-test files (all but the end-to-end, CLI, bundle, docs and engine-package folders, whose
// files spawn processes or load models) run ten to a process, each file as a suite of its own:
// a file's own start (node, tsx, its imports) cost about 1 s of CPU, more than most of them take
// to run (37 files: 57 CPU-s one per process, 20 in one). A batch that fails is run again one
// file per process, to name the file; if every file then passes, the batch still fails (the
// files share state they should not).
//   --fast       leave out the end-to-end folders (test/e2e, packages/*/test/e2e)
//   --isolate    every file in a process of its own
//   --jobs N     files at once (default: $PRISM_TEST_JOBS, else one per CPU: on 2 cores the whole
//                suite took 685 s two at a time and 720 s three at a time, run back to back)
//   FILE ...     only these files
import { existsSync, readdirSync, statSync, readFileSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpdir, availableParallelism } from 'node:os';
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const isolate = args.includes('--isolate');
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
/** Runs one process of node:test (a test file, or a batch's entry) and reads its TAP summary. */
function spawnTests(entry) {
  const tap = join(tapDir, `${runs++}.tap`);
  const t0 = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [
      '--import', 'tsx',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      entry,
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...THREADS, ...process.env, PRISM_TEST_CACHE: cacheDir } });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('close', (code, signal) => {
      let text = '';
      try { text = readFileSync(tap, 'utf8'); } catch { /* the process died before writing it */ }
      const count = (k) => Number(text.match(new RegExp(`^# ${k} (\\d+)$`, 'm'))?.[1] ?? 0);
      const c = { pass: count('pass'), fail: count('fail'), skipped: count('skipped'), todo: count('todo'), cancelled: count('cancelled') };
      const ok = code === 0 && c.fail === 0 && c.cancelled === 0;
      if (!ok && c.fail === 0 && c.cancelled === 0) c.fail = 1; // a file that crashed counts as one failure
      const skips = [...text.matchAll(/^\s*ok \d+ - (.*) # SKIP ?(.*)$/gm)].map((m) => `    skipped: ${m[1]}${m[2] ? ` (${m[2]})` : ''}`);
      done({ ok, c, skips, output, seconds: (Date.now() - t0) / 1000, how: signal ? `killed by ${signal}` : `exit ${code}` });
    });
  });
}

function count(c) {
  for (const k of Object.keys(totals)) totals[k] += c[k];
}

async function runFile(file) {
  const r = await spawnTests(file);
  count(r.c);
  timings.push({ file, seconds: r.seconds });
  if (r.ok) {
    process.stdout.write(`✔ ${file} (${r.c.pass} passed${r.c.skipped ? `, ${r.c.skipped} skipped` : ''}, ${r.seconds.toFixed(1)} s)\n${r.skips.length ? `${r.skips.join('\n')}\n` : ''}`);
  } else {
    failedFiles.push(file);
    process.stdout.write(`✖ ${file} (${r.c.fail} failed, ${r.seconds.toFixed(1)} s, ${r.how})\n${r.output}\n`);
  }
}

let batches = 0;
async function runBatch(list) {
  const entry = join(tapDir, `batch-${batches++}.mjs`);
  writeFileSync(entry, `import { describe } from 'node:test';\n${list.map((f) => `describe(${JSON.stringify(f)}, async () => { await import(${JSON.stringify(pathToFileURL(resolve(f)).href)}); });`).join('\n')}\n`);
  const r = await spawnTests(entry);
  const label = `${list[0]} and ${list.length - 1} more in one process`;
  if (r.ok) {
    count(r.c);
    timings.push({ file: label, seconds: r.seconds });
    process.stdout.write(`✔ ${list.join(', ')} (${r.c.pass} passed${r.c.skipped ? `, ${r.c.skipped} skipped` : ''}, ${r.seconds.toFixed(1)} s)\n${r.skips.length ? `${r.skips.join('\n')}\n` : ''}`);
    return;
  }
  process.stdout.write(`✖ ${list.join(', ')} (${r.c.fail} failed in one process, ${r.seconds.toFixed(1)} s, ${r.how}): running each file alone\n${r.output}\n`);
  const before = failedFiles.length;
  for (const f of list) await runFile(f);
  if (failedFiles.length === before) {
    totals.fail++;
    failedFiles.push(`${label}: each passes alone, so they share state`);
  }
}

async function pool(list, width) {
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const unit = list[next++];
      await (unit.length === 1 ? runFile(unit[0]) : runBatch(unit));
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, list.length) }, worker));
}

// e2e, CLI, bundle, docs and package files alone (they spawn processes or load models); the rest in batches
const alone = (f) => isolate || /(^|\/)test\/(e2e|cli|bundle|docs)\//.test(f) || f.startsWith('packages/');
const BATCH = 10;
const single = files.filter(alone).map((f) => [f]);
const rest = files.filter((f) => !alone(f));
const units = [...single];
for (let i = 0; i < rest.length; i += BATCH) units.push(rest.slice(i, i + BATCH));
process.stdout.write(`${files.length} test files in ${units.length} processes, ${Math.min(jobs, units.length)} at a time\n`);
await pool(units, jobs);
rmSync(tapDir, { recursive: true, force: true });

// every file's time, for whoever trims the suite next ($PRISM_TEST_TIMINGS names a JSON file)
if (process.env.PRISM_TEST_TIMINGS) writeFileSync(process.env.PRISM_TEST_TIMINGS, JSON.stringify(timings, null, 1));
const slowest = timings.sort((a, b) => b.seconds - a.seconds).slice(0, 10);
process.stdout.write(`\nslowest test files:\n${slowest.map((t) => `  ${t.seconds.toFixed(1).padStart(6)} s  ${t.file}`).join('\n')}\n`);
process.stdout.write(`whole run: ${((Date.now() - started) / 1000).toFixed(0)} s, ${jobs} processes at a time\n`);
if (failedFiles.length) process.stdout.write(`failed files:\n${failedFiles.map((f) => `  ${f}`).join('\n')}\n`);
process.stdout.write(`\n${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped\n`);
process.exit(totals.fail > 0 || totals.cancelled > 0 ? 1 : 0);
