// Where trial-to-trial variance comes from: the same small suite run under each engine setting
// (engine relaunched every round or kept for the run; onnxruntime intra-op threads 1 or 2), each
// variant run twice in alternation, reporting the median and maximum per-cell throughput CV and
// the median throughput. Run it on an idle machine.
//   node --import tsx bench/noise-floor.ts [--trials 6] [--repeats 2]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../src/result/schema.ts';

const BIN = fileURLToPath(new URL('../bin/prism-bench.js', import.meta.url));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
};
const trials = Number(arg('trials', '6'));
const repeats = Number(arg('repeats', '2'));
const dir = mkdtempSync(join(tmpdir(), 'prism-noise-'));

interface Variant { name: string; lifetime: 'round' | 'run'; threads?: number }
const variants: Variant[] = [
  { name: 'relaunch each round, threads default', lifetime: 'round' },
  { name: 'one engine per run, threads default', lifetime: 'run' },
  { name: 'one engine per run, threads 1', lifetime: 'run', threads: 1 },
  { name: 'one engine per run, threads 2', lifetime: 'run', threads: 2 },
];
const suite = (v: Variant) => `version: 1
name: noise
engines: [{ name: reference, options: { ${v.threads ? `threads: ${v.threads}` : ''} } }]
drafts:
  - { name: vanilla, method: vanilla }
  - { name: eagle3, method: eagle3, draftTokens: 4 }
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
