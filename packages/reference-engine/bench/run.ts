// `npm run bench`: what speculative decoding can gain on this machine with the shipped target.
//   (a) verify-cost curve: one forward pass over k = 1, 2, 4, 8, 16 tokens against a 256-token
//       context (median of many interleaved repetitions);
//   (b) cold: a one-layer step (the target graph built with layers: 1, fp32, full head) timed right
//       after a target pass, as a fraction of a target step;
//   (c) vanilla, prompt lookup (ngram), suffix decoding (suffix) and the learned drafts (eagle, eagle3, hass2, prism, medusa, standalone) decoding
//       the built-in prompts, measured side by side, with the draft cost inside real decoding.
// Usage: npm run bench [-- --scaling DIR,DIR] [-- --reps N] [-- --threads N] [-- --steps N] [-- --draft-precision int8|q8|q4|fp32] [-- --tree K,S,N] [-- --draft-threads N]   (from the root or from packages/reference-engine; plain `node --import tsx bench/run.ts` there works too)
import { DEFAULT_TARGET_THREADS } from '../src/server/main.ts';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { OnnxDecoder } from '../src/model/target.ts';
import { readSafetensors } from '../src/model/safetensors.ts';
import { Tokenizer } from '../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../src/model/config.ts';
import { causalMask } from '../src/decoding/verify.ts';
import { generate, type GenerateStats } from '../src/decoding/generate.ts';
import { NgramDrafter } from '../src/drafts/ngram.ts';
import { SUFFIX_DEFAULTS, SuffixDrafter } from '../src/drafts/suffix.ts';
import { LEARNED_DRAFTS, createDrafter } from '../src/drafts/index.ts';
import { LearnedDrafter, type DraftPrecision } from '../src/drafts/learned.ts';
import { DRAFTS_DIR, DRAFT_TRAINING, draftFeatureLayers, type LearnedDraftMethod } from '../src/model/draft-config.ts';
import type { Drafter } from '../src/drafts/types.ts';
import { PROMPT_SETS, PROMPTS_DIR, readPromptSet } from '../test/helpers/prompt-sets.ts';
import { questionAnswerPrompt } from '../src/prompt.ts';
import type { KvSession } from '../src/decoding/model.ts';

const argReps = process.argv.indexOf('--reps');
const REPS = argReps > 0 ? Number(process.argv[argReps + 1]) : 200;
const argThreads = process.argv.indexOf('--threads');
/** intra-op threads of the target, as the engine runs it (DEFAULT_TARGET_THREADS) */
const THREADS: number | undefined = argThreads > 0 ? Number(process.argv[argThreads + 1]) : DEFAULT_TARGET_THREADS;
if (!(REPS >= 1) || (THREADS !== undefined && !(THREADS >= 1))) throw new Error('usage: bench/run.ts [--reps N] [--threads N]');
const CONTEXT = 256;
const KS = [1, 2, 4, 8, 16];
const PROMPTS_PER_SET = 4;
const MAX_NEW = 64;
const DRAFT_TOKENS = 6;
const argSteps = process.argv.indexOf('--steps');
/** chain length of the learned drafts */
const LEARNED_STEPS = argSteps > 0 ? Number(process.argv[argSteps + 1]) : 4;
const argTree = process.argv.indexOf('--tree');
/** `--tree K,S,N`: each learned draft also drafts EAGLE-2 trees (top-K expansion, S steps, N nodes), rows named <draft>@tree */
const TREE = argTree > 0 ? (() => { const [topK, steps, nodes] = process.argv[argTree + 1].split(',').map(Number); return { topK, steps, nodes }; })() : undefined;
if (TREE && !(TREE.topK >= 2 && TREE.steps >= 1 && TREE.nodes >= 1)) throw new Error('usage: --tree K,S,N with K >= 2 (e.g. --tree 4,4,8)');
const argScaling = process.argv.indexOf('--scaling');
/** `--scaling DIR[,DIR...]`: drafts directories written by `train drafts --data-fraction F --out DIR`; their eagle3 and prism decode beside the shipped (100%) ones, rows named <draft>@<F as %> */
// relative to where npm was run (the root's `npm run bench` runs this in the package's folder)
const SCALING_DIRS = argScaling > 0 ? process.argv[argScaling + 1].split(',').filter(Boolean).map((d) => resolve(process.env.INIT_CWD ?? process.cwd(), d)) : [];
const argPrecision = process.argv.indexOf('--draft-precision');
const PRECISION = (argPrecision > 0 ? process.argv[argPrecision + 1] : 'int8') as DraftPrecision;
const argDraftThreads = process.argv.indexOf('--draft-threads');
/** intra-op threads of the learned drafts' sessions (default 1, as the engine runs them) */
const DRAFT_THREADS = argDraftThreads > 0 ? Number(process.argv[argDraftThreads + 1]) : 1;

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
console.log(`\n(b) cold draft step: a 1-layer step (fp32, full head, k=1) right after a target pass / target step (${cfg.layers} layers, k=1) = ${c.toFixed(3)}`);
console.log('    (the draft\'s weights evicted by the target\'s; decoding runs drafts in chains where later steps are warm: see (c))');
targetSession.release();
draftSession.release();
await draft.release();

// ---- (c): every draft on the built-in prompts, side by side ---------------------------------------
const prompts = PROMPT_SETS.flatMap((name) => readPromptSet(name, { limit: PROMPTS_PER_SET }));
const greedy = { temperature: 0, topP: 1, topK: -1 };
const featureTarget = await OnnxDecoder.fromWeights(cfg, tensors, { threads: THREADS, hiddenAfterLayers: draftFeatureLayers(cfg) });
interface Method { name: string; drafter: Drafter | null; draftTokens: number; params?: { total: number; activatedPerStep: number }; tree?: { topK: number; steps: number }; scaling?: ScalingPoint }
/** one draft trained on a share of the data budget, read from its manifest */
interface ScalingPoint { draft: LearnedDraftMethod; fraction: number; tokens: number; top1: number[] }
function scalingPoint(dir: string, draft: LearnedDraftMethod): ScalingPoint {
  const m = JSON.parse(readFileSync(join(dir, draft, 'manifest.json'), 'utf8')) as { dataBudget: { dataFraction: number; tokens: number }; validation: { top1PerPosition: number[] } };
  // relative to the shipped budget: budgets beyond it are trained with more steps at data fraction 1
  return { draft, fraction: m.dataBudget.tokens / (DRAFT_TRAINING.steps * DRAFT_TRAINING.batch * DRAFT_TRAINING.seqLen), tokens: m.dataBudget.tokens, top1: m.validation.top1PerPosition };
}
const methods: Method[] = [
  { name: 'vanilla', drafter: null, draftTokens: 0 },
  { name: 'ngram', drafter: new NgramDrafter({ ngramMin: 1, ngramMax: 4 }), draftTokens: DRAFT_TOKENS },
  // one drafter for every prompt: its global trie holds the answers to the prompts decoded before
  { name: 'suffix', drafter: new SuffixDrafter({ ...SUFFIX_DEFAULTS }), draftTokens: DRAFT_TOKENS },
];
for (const name of LEARNED_DRAFTS) {
  try {
    const d = (await createDrafter({ draft: name, ngramMin: 1, ngramMax: 4, threads: DRAFT_THREADS, weightPrecision: PRECISION }, cfg, tensors))!;
    methods.push({ name, drafter: d, draftTokens: LEARNED_STEPS, params: d.parameters });
    if (TREE) methods.push({ name: `${name}@tree`, drafter: d, draftTokens: TREE.nodes, params: d.parameters, tree: { topK: TREE.topK, steps: TREE.steps } });
  } catch (e) {
    console.log(`(${name} skipped: ${(e as Error).message})`);
  }
}
for (const dir of SCALING_DIRS) {
  for (const name of ['eagle3', 'prism'] as const) {
    if (!existsSync(join(dir, name, 'manifest.json'))) { console.log(`(${dir}/${name} skipped: no manifest; train it with \`prism-bench train drafts ${name} --data-fraction F --out ${dir}\`)`); continue; }
    const point = scalingPoint(dir, name);
    const d = (await createDrafter({ draft: name, draftsDir: dir, ngramMin: 1, ngramMax: 4, threads: DRAFT_THREADS, weightPrecision: PRECISION }, cfg, tensors)) as LearnedDrafter;
    methods.push({ name: `${name}@${Math.round(point.fraction * 100)}%`, drafter: d, draftTokens: LEARNED_STEPS, params: d.parameters, scaling: point });
  }
}
interface Run { tokens: number[]; stats: GenerateStats; seconds: number }
async function timed(m: Method, ids: number[]): Promise<Run> {
  const start = performance.now();
  const r = await generate(featureTarget, m.drafter, ids, {
    maxNewTokens: MAX_NEW, sampling: greedy, ignoreEos: true, eosId: tok.eosId, seed: 0, draftTokens: m.draftTokens, tree: m.tree,
  });
  return { ...r, seconds: (performance.now() - start) / 1000 };
}
// warm-up, then per prompt every method back to back, the order rotated from prompt to prompt
for (const m of methods) await timed(m, tok.encode('Warm up the engine.'));
const runs = new Map<string, Run[]>(methods.map((m) => [m.name, []]));
for (const [i, p] of prompts.entries()) {
  const ids = tok.encode(questionAnswerPrompt([p.turns[0]], []));
  for (let j = 0; j < methods.length; j++) {
    const m = methods[(i + j) % methods.length];
    runs.get(m.name)!.push(await timed(m, ids));
  }
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
const summary = (rs: Run[]) => {
  const tokens = sum(rs.map((r) => r.stats.completionTokens));
  const seconds = sum(rs.map((r) => r.seconds));
  const cycles = sum(rs.map((r) => r.stats.verifyCycles));
  const hist: number[] = [];
  for (const r of rs) r.stats.acceptedHistogram.forEach((x, a) => { hist[a] = (hist[a] ?? 0) + x; });
  const atLeast = (i: number) => sum(hist.slice(i));
  const steps = sum(rs.map((r) => r.stats.draftSteps));
  const byStep: number[] = [], countByStep: number[] = [];
  for (const r of rs) r.stats.draftMsByStep.forEach((t, s) => { byStep[s] = (byStep[s] ?? 0) + t; countByStep[s] = (countByStep[s] ?? 0) + sum(r.stats.moduleByStep[s] ?? []); });
  return {
    tokens, seconds,
    pooledTps: tokens / seconds,
    meanTps: mean(rs.map((r) => r.stats.completionTokens / r.seconds)),
    // pooled: sum(completion tokens) / sum(verify cycles), SGLang style (the prefill token is counted, with no cycle)
    tauPooled: tokens / cycles,
    // per-request mean: mean over requests of (mean accepted drafts per cycle + 1), EAGLE/PRISM-script style
    tauPerRequest: mean(rs.map((r) => r.stats.acceptedDrafts / r.stats.verifyCycles + 1)),
    // conditional per-position acceptance: cycles accepting >= i drafts / cycles accepting >= i-1
    perPosition: Array.from({ length: Math.max(0, hist.length - 1) }, (_, i) => atLeast(i + 1) / Math.max(1, atLeast(i))),
    acceptRate: sum(rs.map((r) => r.stats.acceptedDrafts)) / Math.max(1, sum(rs.map((r) => r.stats.proposedDrafts))),
    draftMsPerStep: steps ? sum(rs.map((r) => r.stats.draftMs)) / steps : NaN,
    extendMs: countByStep[0] ? byStep[0] / countByStep[0] : NaN,
    laterMs: countByStep.length > 1 ? sum(byStep.slice(1)) / sum(countByStep.slice(1)) : NaN,
    verifyMsPerCycle: sum(rs.map((r) => r.stats.verifyMs)) / cycles,
  };
};
const results = methods.map((m) => ({ m, s: summary(runs.get(m.name)!) }));
const base = results[0].s;
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const millions = (x?: number) => (x === undefined ? '-' : (x / 1e6).toFixed(2) + 'M');
console.log(`\n(c) decoding on the built-in prompts: first ${PROMPTS_PER_SET} of each set (${prompts.length} prompts), ${MAX_NEW} new tokens (EOS ignored), greedy (T = 0), batch 1;`);
console.log(`    ngram: prompt lookup, ${DRAFT_TOKENS} drafted tokens per cycle, n-gram 1..4; suffix: trees of up to ${DRAFT_TOKENS} tokens (its defaults); learned drafts: chains of ${LEARNED_STEPS} draft steps${TREE ? ` (@tree: top-${TREE.topK} trees of ${TREE.steps} steps, ${TREE.nodes} nodes)` : ''}, ${PRECISION} weights, ${DRAFT_THREADS} draft thread(s);`);
console.log('    every method per prompt back to back (order rotated); wall time includes prefill; speedup = pooled tok/s over vanilla\'s');
console.log(table(
  ['method', 'tok/s', 'speedup', 'tau pooled', 'tau mean/req', 'accept', 'draft ms/step', 'verify ms/cycle', 'params total', 'per step'],
  results.map(({ m, s }) => [m.name, s.pooledTps.toFixed(1), m.name === 'vanilla' ? '-' : (s.pooledTps / base.pooledTps).toFixed(2) + 'x', s.tauPooled.toFixed(3), s.tauPerRequest.toFixed(3),
    m.name === 'vanilla' ? '-' : `${(100 * s.acceptRate).toFixed(1)}%`, m.drafter && m.name !== 'ngram' && m.name !== 'suffix' ? fmt(s.draftMsPerStep) : '-', ms(s.verifyMsPerCycle),
    millions(m.params?.total), millions(m.params?.activatedPerStep)]),
));
console.log('\nper-position conditional acceptance (cycles accepting >= i drafts / cycles accepting >= i-1):');
console.log(table(['method', ...Array.from({ length: Math.max(DRAFT_TOKENS, LEARNED_STEPS) }, (_, i) => `pos ${i + 1}`)],
  results.filter(({ m }) => m.drafter).map(({ m, s }) => [m.name, ...Array.from({ length: Math.max(DRAFT_TOKENS, LEARNED_STEPS) }, (_, i) => fmt(s.perPosition[i] ?? NaN))])));
console.log('\ndraft cost inside decoding, against vanilla\'s decode step (verify ms per cycle of the vanilla rows above):');
console.log(table(['method', 'ms/step (mean)', 'x vanilla step', 'extend step (first, cold)', 'x', 'later steps', 'x'],
  results.filter(({ m }) => m.params).map(({ m, s }) => [m.name, fmt(s.draftMsPerStep), fmt(s.draftMsPerStep / base.verifyMsPerCycle), fmt(s.extendMs), fmt(s.extendMs / base.verifyMsPerCycle), fmt(s.laterMs), fmt(s.laterMs / base.verifyMsPerCycle)])));
for (const { m } of results.slice(1)) {
  const same = runs.get(m.name)!.filter((r, i) => r.tokens.join() === runs.get('vanilla')![i].tokens.join()).length;
  console.log(`lossless check: ${m.name} output identical to vanilla on ${same}/${prompts.length} prompts`);
}
console.log('tau pooled = sum(completion tokens) / sum(verify cycles) (SGLang; counts the prefill token, so vanilla shows slightly above 1);');
console.log('tau mean/req = mean over requests of (accepted drafts per cycle + 1) (EAGLE/PRISM scripts; vanilla = 1.000)');
const perSet = PROMPT_SETS.map((name) => {
  const idx = prompts.map((p, i) => (p.id.startsWith(name) ? i : -1)).filter((i) => i >= 0);
  const v = summary(idx.map((i) => runs.get('vanilla')![i]));
  return [name, ...results.slice(1).map(({ m }) => { const s = summary(idx.map((i) => runs.get(m.name)![i])); return `${(s.pooledTps / v.pooledTps).toFixed(2)}x (${s.tauPooled.toFixed(2)})`; })];
});
console.log('\nper set: speedup over vanilla (tau pooled):');
console.log(table(['set', ...results.slice(1).map(({ m }) => m.name)], perSet));
if (SCALING_DIRS.length) {
  // the shipped drafts are the 100% points
  const points = results.filter(({ m }) => m.scaling || (m.params && !m.tree && (m.name === 'eagle3' || m.name === 'prism')))
    .map(({ m, s }) => ({ m, s, p: m.scaling ?? scalingPoint(DRAFTS_DIR, m.name as LearnedDraftMethod) }))
    .sort((x, y) => x.p.draft.localeCompare(y.p.draft) || x.p.fraction - y.p.fraction);
  console.log('\ndata scaling: acceptance against training tokens (same prompts, same run; validation top-1 from each manifest):');
  console.log(table(['draft', 'data', 'training tokens', 'val top-1 pos 1', 'tau pooled', 'tau mean/req', 'speedup'],
    points.map(({ s, p }) => [p.draft, `${Math.round(p.fraction * 100)}%`, p.tokens, fmt(p.top1[0]), s.tauPooled.toFixed(3), s.tauPerRequest.toFixed(3), (s.pooledTps / base.pooledTps).toFixed(2) + 'x'])));
}
for (const d of new Set(results.map(({ m }) => m.drafter))) await d?.release?.(); // @tree rows share their draft
await featureTarget.release();
await target.release();
console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
