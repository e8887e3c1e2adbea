// `npm run bench`: what speculative decoding can gain on this machine with the shipped target.
//   (a) verify-cost curve: one forward pass over k = 1, 2, 4, 8, 16 tokens against a 256-token
//       context (median of many interleaved repetitions);
//   (b) a one-layer draft step (the same graph built with layers: 1) as a fraction of a target step;
//   (c) vanilla vs prompt-lookup (ngram) decoding on the built-in prompts, measured side by side.
// Usage: npm run bench [-- --reps N] [-- --threads N]   (plain `node --import tsx bench/run.ts` works too)
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { OnnxDecoder } from '../src/reference/model/target.ts';
import { readSafetensors } from '../src/reference/model/safetensors.ts';
import { Tokenizer } from '../src/reference/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../src/reference/model/config.ts';
import { causalMask } from '../src/reference/decoding/verify.ts';
import { generate, type GenerateStats } from '../src/reference/decoding/generate.ts';
import { NgramDrafter } from '../src/reference/drafts/ngram.ts';
import { BUILTIN_DATASETS, PROMPTS_DIR, loadDataset } from '../src/suite/datasets.ts';
import { questionAnswerPrompt } from '../src/engines/prompt.ts';
import type { KvSession } from '../src/reference/decoding/model.ts';

const argReps = process.argv.indexOf('--reps');
const REPS = argReps > 0 ? Number(process.argv[argReps + 1]) : 200;
const argThreads = process.argv.indexOf('--threads');
const THREADS = argThreads > 0 ? Number(process.argv[argThreads + 1]) : undefined;
if (!(REPS >= 1) || (THREADS !== undefined && !(THREADS >= 1))) throw new Error('usage: bench/run.ts [--reps N] [--threads N]');
const CONTEXT = 256;
const KS = [1, 2, 4, 8, 16];
const PROMPTS_PER_SET = 4;
const MAX_NEW = 64;
const DRAFT_TOKENS = 6;

const t0 = performance.now();
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const ms = (x: number) => x.toFixed(3);
const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
function table(header: string[], rows: (string | number)[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  return [row(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => row(r, widths))].join('\n');
}

// ---- machine -------------------------------------------------------------------------------
const require = createRequire(import.meta.url);
const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
const cpu = cpus();
console.log('prism-bench reference benchmark');
console.log(`machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ` +
  `node ${process.version}; onnxruntime-node ${ortVersion} (CPU, ${THREADS ? `${THREADS} intra-op threads` : 'default threads: one per physical core'}); load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

// ---- models --------------------------------------------------------------------------------
const manifest = JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig; interim?: string };
const { tensors } = readSafetensors(join(TARGET_DIR, 'model.safetensors'));
const cfg = manifest.config;
const target = await OnnxDecoder.fromWeights(cfg, tensors, { threads: THREADS });
const draft = await OnnxDecoder.fromWeights(cfg, tensors, { layers: 1, threads: THREADS });
const tok = Tokenizer.load(TOKENIZER_PATH);
let params = 0;
for (const t of tensors.values()) params += t.data.length;
console.log(`target: ${TARGET_DIR} (${(params / 1e6).toFixed(1)}M params; hidden ${cfg.hidden}, ${cfg.layers} layers, ${cfg.heads} heads, ffn ${cfg.ffn}, vocab ${cfg.vocab})` +
  (manifest.interim ? ' [interim checkpoint]' : ''));

// ---- (a) + (b): forward-pass cost against a 256-token context ---------------------------------
const context = tok.encode(readFileSync(join(PROMPTS_DIR, 'summarization.jsonl'), 'utf8')).slice(0, CONTEXT);
async function prefilled(model: OnnxDecoder): Promise<KvSession> {
  const s = model.newSession();
  await s.forward(context, context.map((_, i) => i), causalMask(0, CONTEXT));
  return s;
}
const targetSession = await prefilled(target);
const draftSession = await prefilled(draft);
const fed = (k: number) => Array.from({ length: k }, (_, i) => context[(i * 37) % CONTEXT]);
const probes: { label: string; session: KvSession; k: number; times: number[] }[] = [
  ...KS.map((k) => ({ label: `target k=${k}`, session: targetSession, k, times: [] as number[] })),
  { label: 'draft (1 layer) k=1', session: draftSession, k: 1, times: [] },
];
const masks = new Map(KS.map((k) => [k, causalMask(CONTEXT, k)]));
const positions = new Map(KS.map((k) => [k, Array.from({ length: k }, (_, i) => CONTEXT + i)]));
async function once(p: (typeof probes)[number]): Promise<number> {
  const start = performance.now();
  await p.session.forward(fed(p.k), positions.get(p.k)!, masks.get(p.k)!);
  const dt = performance.now() - start;
  p.session.truncate(CONTEXT);
  return dt;
}
for (let w = 0; w < 20; w++) for (const p of probes) await once(p);
// interleaved rounds, order rotated each round, so background load hits every probe alike
for (let r = 0; r < REPS; r++) {
  for (let i = 0; i < probes.length; i++) {
    const p = probes[(i + r) % probes.length];
    p.times.push(await once(p));
  }
}
const med = new Map(probes.map((p) => [p.label, median(p.times)]));
const t1 = med.get('target k=1')!;
console.log(`\n(a) verify cost: one forward pass over k tokens after a ${CONTEXT}-token context (${REPS} interleaved repetitions each; ms)`);
console.log(table(['pass', 'median', 'p10', 'p90', 'x k=1', 'ms/token'], probes.map((p) => {
  const m = med.get(p.label)!;
  return [p.label, ms(m), ms(quantile(p.times, 0.1)), ms(quantile(p.times, 0.9)), (m / t1).toFixed(2), ms(m / p.k)];
})));
const ratio81 = med.get('target k=8')! / t1;
console.log(`k=8 / k=1 = ${ratio81.toFixed(2)}  (verifying 8 tokens costs ${ratio81.toFixed(2)} single-token steps)`);
const c = med.get('draft (1 layer) k=1')! / t1;
console.log(`\n(b) draft step (1 layer, k=1) / target step (${cfg.layers} layers, k=1) = ${c.toFixed(3)}  ` +
  `-> ${c <= 1 / 3 ? 'PASS' : 'FAIL'}: required <= 1/3 (embedding, output head and per-call overhead are paid by both)`);
targetSession.release();
draftSession.release();
await draft.release();

// ---- (c): vanilla vs ngram on the built-in prompts -----------------------------------------------
const prompts = BUILTIN_DATASETS.flatMap((name) => loadDataset(name, PROMPTS_DIR, { limit: PROMPTS_PER_SET }).prompts);
const greedy = { temperature: 0, topP: 1, topK: -1 };
const drafter = new NgramDrafter({ ngramMin: 1, ngramMax: 4 });
interface Run { tokens: number[]; stats: GenerateStats; seconds: number }
async function timed(withDraft: boolean, ids: number[]): Promise<Run> {
  const start = performance.now();
  const r = await generate(target, withDraft ? drafter : null, ids, {
    maxNewTokens: MAX_NEW, sampling: greedy, ignoreEos: true, eosId: tok.eosId, seed: 0, draftTokens: withDraft ? DRAFT_TOKENS : 0,
  });
  return { ...r, seconds: (performance.now() - start) / 1000 };
}
// warm-up, then per prompt both methods back to back, alternating which goes first
await timed(false, tok.encode('Warm up the engine.'));
await timed(true, tok.encode('Warm up the engine.'));
const runs: { id: string; vanilla: Run; ngram: Run }[] = [];
for (const [i, p] of prompts.entries()) {
  const ids = tok.encode(questionAnswerPrompt([p.turns[0]], []));
  let vanilla: Run, ngram: Run;
  if (i % 2 === 0) { vanilla = await timed(false, ids); ngram = await timed(true, ids); } else { ngram = await timed(true, ids); vanilla = await timed(false, ids); }
  runs.push({ id: p.id, vanilla, ngram });
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const summary = (pick: (r: (typeof runs)[number]) => Run) => {
  const rs = runs.map(pick);
  const tokens = sum(rs.map((r) => r.stats.completionTokens));
  const seconds = sum(rs.map((r) => r.seconds));
  const cycles = sum(rs.map((r) => r.stats.verifyCycles));
  return {
    tokens, seconds,
    pooledTps: tokens / seconds,
    meanTps: mean(rs.map((r) => r.stats.completionTokens / r.seconds)),
    // pooled: sum(completion tokens) / sum(verify cycles), SGLang style (the prefill token is counted, with no cycle)
    tauPooled: tokens / cycles,
    // per-request mean: mean over requests of (mean accepted drafts per cycle + 1), EAGLE/PRISM-script style
    tauPerRequest: mean(rs.map((r) => r.stats.acceptedDrafts / r.stats.verifyCycles + 1)),
    acceptRate: sum(rs.map((r) => r.stats.acceptedDrafts)) / Math.max(1, sum(rs.map((r) => r.stats.proposedDrafts))),
    verifyMsPerCycle: sum(rs.map((r) => r.stats.verifyMs)) / cycles,
  };
};
const v = summary((r) => r.vanilla), n = summary((r) => r.ngram);
const identical = runs.filter((r) => r.vanilla.tokens.join() === r.ngram.tokens.join()).length;
console.log(`\n(c) decoding on the built-in prompts: first ${PROMPTS_PER_SET} of each set (${prompts.length} prompts), ${MAX_NEW} new tokens (EOS ignored), greedy, batch 1;`);
console.log(`    ngram = prompt lookup, ${DRAFT_TOKENS} drafted tokens per cycle, n-gram 1..4; both methods per prompt back to back; wall time includes prefill`);
console.log(table(
  ['method', 'tok/s (pooled)', 'tok/s (mean/req)', 'tau pooled', 'tau per-req mean', 'draft accept', 'verify ms/cycle', 'wall s'],
  [
    ['vanilla', v.pooledTps.toFixed(1), v.meanTps.toFixed(1), v.tauPooled.toFixed(3), v.tauPerRequest.toFixed(3), '-', ms(v.verifyMsPerCycle), v.seconds.toFixed(2)],
    ['ngram', n.pooledTps.toFixed(1), n.meanTps.toFixed(1), n.tauPooled.toFixed(3), n.tauPerRequest.toFixed(3), `${(100 * n.acceptRate).toFixed(1)}%`, ms(n.verifyMsPerCycle), n.seconds.toFixed(2)],
  ],
));
console.log(`speedup ngram / vanilla: ${(n.pooledTps / v.pooledTps).toFixed(3)}x pooled tokens/s, ${(n.meanTps / v.meanTps).toFixed(3)}x mean per-request tokens/s`);
console.log(`lossless check: ngram output identical to vanilla on ${identical}/${runs.length} prompts`);
console.log('tau pooled = sum(completion tokens) / sum(verify cycles) (SGLang; counts the prefill token, so vanilla shows slightly above 1);');
console.log('tau per-request mean = mean over requests of (accepted drafts per cycle + 1) (EAGLE/PRISM scripts; vanilla = 1.000)');
const perSet = BUILTIN_DATASETS.map((name) => {
  const rs = runs.filter((r) => r.id.startsWith(name));
  const tau = sum(rs.map((r) => r.ngram.stats.completionTokens)) / sum(rs.map((r) => r.ngram.stats.verifyCycles));
  const sp = sum(rs.map((r) => r.ngram.stats.completionTokens / r.ngram.seconds)) / sum(rs.map((r) => r.vanilla.stats.completionTokens / r.vanilla.seconds));
  return [name, tau.toFixed(2), sp.toFixed(2)];
});
console.log('\nper set (ngram):');
console.log(table(['set', 'tau pooled', 'speedup'], perSet));
await target.release();
console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
