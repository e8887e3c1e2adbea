// The single-file bundle (npm run bundle) on a machine with only Node.js: a folder holding the
// bundle, onnxruntime's native files and node itself, PATH naming only that folder, run from
// there. hw, run --dry-run and report must work with nothing else around: every npm package, the
// suites and prompt sets, schemas and vega's JS come from the bundle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle } from '../../scripts/build.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('the bundle runs hw, run --dry-run and report from a folder holding only itself, onnxruntime and node', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'prism-bundle-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const t0 = performance.now();
  const built = await buildBundle({ outDir: join(work, 'out') });
  t.diagnostic(`bundle ${(built.bytes / 1048576).toFixed(2)} MiB, built in ${((performance.now() - t0) / 1000).toFixed(1)} s; files ${built.files.join(', ')}`);
  assert.ok(built.files.includes('onnxruntime_binding.node'), built.files.join(', '));
  assert.ok(built.files.some((f) => f.startsWith('libonnxruntime.so')), built.files.join(', '));

  // the machine: the bundle's files and node, nothing else
  const dir = join(work, 'machine');
  mkdirSync(dir);
  for (const f of built.files) copyFileSync(join(built.dir, f), join(dir, f));
  copyFileSync(process.execPath, join(dir, 'node'));
  const env = { PATH: dir, HOME: dir };
  const run = (...args: string[]) => spawnSync(join(dir, 'node'), ['prism-bench.mjs', ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(readFileSync(join(dir, 'prism-bench.mjs'), 'utf8').includes(ROOT), false, 'the bundle names no path of this checkout');

  const hw = run('hw', '--json');
  assert.equal(hw.status, 0, hw.stderr);
  const fp = JSON.parse(hw.stdout) as { cpu: { manufacturer: string; brand: string; logicalCores: number }; node: unknown };
  assert.ok(`${fp.cpu.manufacturer} ${fp.cpu.brand}`.trim().length > 0, hw.stdout);
  assert.ok(fp.cpu.logicalCores >= 1, hw.stdout);

  // a suite file: the reference engine (launched as the bundle itself) and vLLM's launch line
  writeFileSync(join(dir, 'mine.yaml'), `
engines:
  - name: reference
  - name: vllm
    options: {model: meta-llama/Llama-3.1-8B-Instruct}
drafts:
  - {name: vanilla, method: vanilla}
  - {name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3}
datasets: [chat, code]
settings: {temperatures: [0, 1], maxNewTokens: 64, prompts: 2}
`);
  const dry = run('run', '--dry-run', '--suite', 'mine.yaml');
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^# dry run of .*mine\.yaml: 4 launch\(es\), 16 cell\(s\)/m);
  assert.match(dry.stdout, new RegExp(`launch: ${join(dir, 'node')} ${join(dir, 'prism-bench.mjs')} serve --draft ngram `));
  assert.match(dry.stdout, /launch: vllm serve meta-llama\/Llama-3\.1-8B-Instruct .*--speculative-config .*"method":"ngram"/);
  assert.match(dry.stdout, /cell reference\/vanilla\/code\/T1: 2 prompt\(s\); first request: POST \/generate/);
  assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('.')).sort(), [...built.files, 'mine.yaml', 'node'].sort(), 'a dry run writes nothing');

  // the default suite plans the shipped eagle3 and prism drafts, whose weights (19 MB with the
  // other drafts) the bundle does not carry: the dry run checks them as a run would, and says so
  const dflt = run('run', '--dry-run', '--quick');
  assert.equal(dflt.status, 2, dflt.stdout + dflt.stderr);
  assert.match(dflt.stderr, /suites\/default\.yaml: drafts\[3\]: .*models\/drafts\/eagle3\/model\.safetensors: missing/);
  assert.equal(dflt.stderr.trim().split('\n').length, 1, dflt.stderr);

  mkdirSync(join(dir, 'run'));
  copyFileSync(join(ROOT, 'test', 'fixtures', 'results', 'small.json'), join(dir, 'run', 'result.json'));
  const summary = run('report', 'run');
  assert.equal(summary.status, 0, summary.stderr);
  assert.match(summary.stdout, /Speedup over vanilla \(reference\), T = 0/);
  const table = run('report', 'run', '--wide');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /Throughput tok\/s/);
  assert.match(table.stdout, /│ reference │ ngram +│ code +│ 0 │ ok /);
  const html = run('report', 'run', '--format', 'html', '--out', 'report.html');
  assert.equal(html.status, 0, html.stderr);
  const page = readFileSync(join(dir, 'report.html'), 'utf8');
  for (const lib of ['vega', 'vega-lite', 'vega-embed']) assert.match(page, new RegExp(`/\\* ${lib} \\d+\\.\\d+\\.\\d+ \\*/`), `${lib} inlined`);
  t.diagnostic(`ran in ${basename(dir)} with PATH=${dir}`);
});
