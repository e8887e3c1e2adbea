// Cost curves of this engine on this machine, from the engine's own timers (`prism-bench
// profile`): the target's forward pass against tokens fed and KV-cache length, each draft's
// step against the rows it feeds, and what a cycle costs outside both. The drafts are timed
// inside the real decoding loop (generate), with synthetic acceptance holding the accepted
// count fixed, so an extend pass always feeds the same rows and only cost varies.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { OnnxDecoder } from '../model/target.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { PACKAGE_ROOT, TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../model/config.ts';
import { readSafetensors } from '../model/safetensors.ts';
import { sha256FileCached } from '../model/file-digest.ts';
import { graphCache } from '../kernels/onnx/graph-cache.ts';
import { draftFeatureLayers } from '../model/draft-config.ts';
import { createDrafter } from '../drafts/index.ts';
import type { ReferenceDraftMethod } from '../drafts/methods.ts';
import { maxTreeNodes } from '../drafts/types.ts';
import { causalMask } from '../decoding/verify.ts';
import { generate } from '../decoding/generate.ts';
import { syntheticFromLength } from '../decoding/synthetic.ts';
import type { TargetModel } from '../decoding/model.ts';

export interface MeasureOptions {
  drafts: ReferenceDraftMethod[];
  /** KV-cache lengths of the target curves */
  contexts: number[];
  /** tokens fed per target pass (1..64) */
  tokens: number[];
  /** rows per draft step (1..16) */
  rows: number[];
  /** timed repetitions per target point (median taken) */
  repeats: number;
  threads?: number;
  log?: (line: string) => void;
}

export type MeasuredDraft =
  | { kind: 'learned'; extendMs: number; steps: { rows: number; ms: number }[]; samples: number; description: string }
  | { kind: 'fixed'; cycleMs: number; description: string };

export interface CostMeasurement {
  model: { name: string; config: DecoderConfig };
  threads: number;
  verify: { contextTokens: number; points: { tokens: number; ms: number }[] }[];
  prefill: { tokens: number; ms: number }[];
  drafts: Record<string, MeasuredDraft>;
  /** per verify cycle outside draft and verify passes (acceptance, sampling, cache bookkeeping, feature hand-over), median over drafts, ms */
  cycleOverheadMs: number;
  seconds: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** consecutive timed passes of one token count (after two untimed ones) */
const BLOCK = 6;

const TEXT = 'The committee met on Tuesday to discuss the new budget, and after a long debate the members agreed to fund the library, the park and the repair of the old bridge over the river. ';

/** Target forward time against tokens fed at a fixed cache length: prefill once, then time k-token passes and roll back. */
async function targetCurves(model: TargetModel, prompt: number[], o: MeasureOptions) {
  const verify: CostMeasurement['verify'] = [];
  for (const ctx of o.contexts) {
    const s = model.newSession();
    try {
      const pre = prompt.slice(0, ctx);
      await s.forward(pre, pre.map((_, i) => i), causalMask(0, pre.length));
      // Each token count in a block of consecutive passes, as decoding feeds them (a chain or tree
      // verifies the same count cycle after cycle); blocks interleaved over rounds, so a noisy
      // neighbour's burst spreads over every point. Alternating counts pass by pass (round robin)
      // made the 1-token pass 11-29% dearer than in a decode, where onnxruntime sees the same shape
      // again (bench/verify-shapes.ts, side by side), while counts of 2 and more agreed within 5%.
      const times = o.tokens.map(() => [] as number[]);
      const rounds = Math.max(2, Math.ceil(o.repeats / BLOCK));
      for (let r = 0; r < rounds; r++) {
        for (const [j, k] of o.tokens.entries()) {
          const toks = prompt.slice(ctx, ctx + k);
          // the first passes of a block pay the change of shape: untimed
          for (let b = 0; b < BLOCK + 2; b++) {
            const t = performance.now();
            await s.forward(toks, toks.map((_, i) => ctx + i), causalMask(ctx, k));
            const dt = performance.now() - t;
            s.truncate(ctx);
            if (b >= 2) times[j].push(dt);
          }
        }
      }
      const points = o.tokens.map((k, j) => ({ tokens: k, ms: median(times[j]) }));
      verify.push({ contextTokens: ctx, points });
    } finally { s.release(); }
  }
  const prefill: CostMeasurement['prefill'] = [];
  for (const n of [16, 32, 64, 128, 256]) {
    const times: number[] = [];
    for (let r = 0; r < Math.max(3, o.repeats >> 1) + 1; r++) {
      const s = model.newSession();
      const t = performance.now();
      await s.forward(prompt.slice(0, n), prompt.slice(0, n).map((_, i) => i), causalMask(0, n));
      if (r > 0) times.push(performance.now() - t);
      s.release();
    }
    prefill.push({ tokens: n, ms: median(times) });
  }
  return { verify, prefill };
}

export async function measureCosts(o: MeasureOptions): Promise<CostMeasurement> {
  const log = o.log ?? (() => undefined);
  const t0 = performance.now();
  const modelDir = TARGET_DIR;
  const manifest = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as { name: string; config: DecoderConfig };
  const weightsPath = join(modelDir, 'model.safetensors');
  let tensors: ReturnType<typeof readSafetensors>['tensors'] | undefined;
  const weights = () => (tensors ??= readSafetensors(weightsPath).tensors);
  const cache = graphCache(join(PACKAGE_ROOT, '.cache', 'graphs'));
  const weightsId = sha256FileCached(weightsPath);
  const threads = o.threads ?? 1;
  const model = await OnnxDecoder.fromWeights(manifest.config, weights, { threads, hiddenAfterLayers: draftFeatureLayers(manifest.config), graphCache: { cache, weightsId } });
  const tokenizer = Tokenizer.load(TOKENIZER_PATH);
  let prompt = tokenizer.encode(TEXT);
  while (prompt.length < Math.max(...o.contexts) + Math.max(...o.tokens) + 256) prompt = prompt.concat(tokenizer.encode(TEXT));
  try {
    log('target: forward pass against tokens fed and cache length');
    const { verify, prefill } = await targetCurves(model, prompt, o);
    const drafts: Record<string, MeasuredDraft> = {};
    const overheads: number[] = [];
    const request = prompt.slice(0, 96);
    // 2 drafts accepted per cycle (synthetic), so every extend pass feeds 3 rows, as a typical cycle does here
    const synthetic = syntheticFromLength(3);
    const run = async (drafter: Parameters<typeof generate>[1], draftTokens: number, tree?: { topK: number; steps: number }) => {
      const { stats } = await generate(model, drafter, request, {
        maxNewTokens: 64, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tokenizer.eosId, seed: 1,
        draftTokens, tree, synthetic: drafter ? synthetic : undefined,
      });
      return stats;
    };
    await run(null, 0); // warm the decode loop
    for (const method of o.drafts) {
      if (method === 'vanilla') continue;
      log(`draft ${method}`);
      const drafter = await createDrafter({ draft: method, ngramMin: 1, ngramMax: 4, threads: 1, graphCache: { cache, targetWeightsId: weightsId } }, manifest.config, weights);
      if (!drafter) continue;
      try {
        if (method === 'ngram' || method === 'suffix' || method === 'medusa') {
          // one figure per cycle: a lookup, or all heads in one pass (Medusa's static tree of 16)
          const lookup = method !== 'medusa';
          await run(drafter, lookup ? 6 : 16, lookup ? undefined : { topK: 4, steps: 4 });
          const st = await run(drafter, lookup ? 6 : 16, lookup ? undefined : { topK: 4, steps: 4 });
          const description = method === 'ngram' ? 'prompt lookup, no model: time per cycle' : method === 'suffix' ? 'suffix-trie lookup, no model: time per cycle' : 'Medusa: every head in one pass over the last hidden state, per cycle';
          drafts[method] = { kind: 'fixed', cycleMs: st.verifyCycles ? st.draftMs / st.verifyCycles : 0, description };
          continue;
        }
        const steps: { rows: number; ms: number }[] = [];
        const extend: number[] = [];
        let samples = 0;
        for (const rows of o.rows) {
          // rows = top-k of a tree (1: a chain); 3 steps per cycle: the extend pass, then two steps of `rows` rows
          const tree = rows > 1 ? { topK: rows, steps: 3 } : undefined;
          const draftTokens = rows > 1 ? Math.min(maxTreeNodes(rows, 3), rows * 2) : 3;
          await run(drafter, draftTokens, tree); // warm: new shapes
          const st = await run(drafter, draftTokens, tree);
          const cycles = st.verifyCycles;
          if (!cycles || st.draftMsByStep.length < 2) continue;
          const ext = st.draftMsByStep[0] / cycles;
          extend.push(ext);
          // a later step's share of the whole draft time, so the work between forwards (growing and
          // ranking the tree, top-k over the draft's vocabulary) is counted, as the engine's draft timer counts it
          const laterSteps = st.draftSteps / cycles - 1;
          steps.push({ rows, ms: Math.max(0, (st.draftMs / cycles - ext) / laterSteps) });
          samples += st.draftSteps - cycles;
          if (rows === 1) overheads.push(await cycleOverhead(model, drafter, request, tokenizer.eosId, draftTokens, synthetic));
        }
        drafts[method] = { kind: 'learned', extendMs: median(extend), steps, samples, description: `${method}: extend pass (its forward) over 3 committed rows; a later step over top-k rows (1 = a chain) carries its share of the rest of the cycle's draft time (tree growth and ranking included)` };
      } finally { await drafter.release?.(); }
    }
    return { model: { name: manifest.name, config: manifest.config }, threads, verify, prefill, drafts, cycleOverheadMs: overheads.length ? median(overheads) : 0, seconds: (performance.now() - t0) / 1000 };
  } finally { /* sessions released above */ }
}

/** A cycle's wall time (the loop's own per-cycle figure) less its draft and verify passes, same run, ms. */
async function cycleOverhead(model: TargetModel, drafter: Parameters<typeof generate>[1], prompt: number[], eosId: number, draftTokens: number, synthetic: ReturnType<typeof syntheticFromLength>): Promise<number> {
  const ms: number[] = [];
  const { stats } = await generate(model, drafter, prompt, {
    maxNewTokens: 64, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId, seed: 2, draftTokens, synthetic,
    onCycle: (c) => { if (!c.prefill) ms.push(c.ms); },
  });
  const cycles = Math.max(1, stats.verifyCycles);
  return Math.max(0, ms.reduce((a, b) => a + b, 0) / cycles - (stats.draftMs + stats.verifyMs) / cycles);
}
