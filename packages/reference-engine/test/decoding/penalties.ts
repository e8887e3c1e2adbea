// Shared by the penalties-*.test.ts files (split so the test pool runs them side by side).
// Penalties, logit_bias and min_new_tokens change the target's distribution, and speculative
// verification must score each drafted position with the history along its own path. Greedy
// decoding with them must therefore stay token-identical between vanilla and every draft (ngram,
// eagle, eagle3, hass2, prism): shipped target and drafts on onnxruntime, in-process, 16 built-in
// prompts x 40 new tokens, two processing settings. Non-vacuous: the penalties must change
// vanilla's output on some prompts, and every draft must get drafts accepted. Sampled (T = 1):
// eagle3's third-token distribution matches vanilla's (a chi-square homogeneity test, fixed seeds,
// with power: it fails, p ~ 3e-8, when verification leaves the drafted path out of the history).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors } from '../../src/model/safetensors.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { draftFeatureLayers } from '../../src/model/draft-config.ts';
import { generate, type GenerateOptions } from '../../src/decoding/generate.ts';
import type { LogitProcessing } from '../../src/decoding/logits.ts';
import { LEARNED_DRAFTS, createDrafter } from '../../src/drafts/index.ts';
import { PROMPT_SETS, readPromptSet } from '../helpers/prompt-sets.ts';
import { questionAnswerPrompt } from '../../src/prompt.ts';
import { chiSquareSf } from '../helpers/chisquare.ts';
import { targetGraphCache, draftGraphCache } from '../helpers/shipped-models.ts';

const MAX_NEW = 40;
const PROMPTS = 16;

let model: OnnxDecoder;
let tok: Tokenizer;
let cfg: DecoderConfig;
let weights: ReturnType<typeof readSafetensors>['tensors'];
const prompts = PROMPT_SETS.flatMap((name) => readPromptSet(name)).filter((_, i) => i % 6 === 0).slice(0, PROMPTS);
let ids: number[][] = [];

const settings = (): Record<string, { ignoreEos: boolean; processing: LogitProcessing }> => ({
  'frequency 0.6 + presence 0.4 + repetition 1.3 + logit_bias': {
    ignoreEos: true,
    processing: { frequencyPenalty: 0.6, presencePenalty: 0.4, repetitionPenalty: 1.3, minNewTokens: 0, stopTokenIds: [], logitBias: new Map([[tok.encode(' the')[0], -3]]) },
  },
  'min_new_tokens 30 (EOS masked) + repetition 1.5': {
    ignoreEos: false,
    processing: { frequencyPenalty: 0, presencePenalty: 0, repetitionPenalty: 1.5, minNewTokens: 30, stopTokenIds: [tok.eosId], logitBias: new Map() },
  },
});

function setup(): void {
  before(async () => {
    cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
    weights = readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors;
    model = await OnnxDecoder.fromWeights(cfg, weights, { threads: 1, hiddenAfterLayers: draftFeatureLayers(cfg), ...targetGraphCache() });
    tok = Tokenizer.load(TOKENIZER_PATH);
    ids = prompts.map((p) => tok.encode(questionAnswerPrompt([p.turns[0]], [])));
  });
  after(async () => { await model?.release(); });
}

/** Greedy decoding under one of the two processing settings (a or b): every draft is token-identical to vanilla. */
export function greedyWithPenalties(name: 'a' | 'b'): void {
  setup();
  const setting = { a: 0, b: 1 }[name];
  describe('greedy with penalties: every draft is token-identical to vanilla', () => {
    it(`setting ${name}`, async (t) => {
      const [label, s] = Object.entries(settings())[setting];
      const base: Omit<GenerateOptions, 'draftTokens'> = { maxNewTokens: MAX_NEW, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: s.ignoreEos, eosId: tok.eosId, seed: 0, processing: s.processing };
      const vanilla: number[][] = [];
      let changed = 0;
      for (const p of ids) {
        const plain = await generate(model, null, p, { ...base, processing: undefined, draftTokens: 0 });
        const pen = await generate(model, null, p, { ...base, draftTokens: 0 });
        if (plain.tokens.join() !== pen.tokens.join()) changed++;
        vanilla.push(pen.tokens);
      }
      assert.ok(changed >= PROMPTS / 2, `${label}: the processing changed vanilla's output on only ${changed} of ${PROMPTS} prompts`);
      const lines: string[] = [];
      for (const method of ['ngram', ...LEARNED_DRAFTS] as const) {
        const drafter = await createDrafter({ draft: method, ngramMin: 1, ngramMax: 4, ...draftGraphCache() }, cfg, weights);
        let accepted = 0;
        const mismatches: string[] = [];
        try {
          for (const [i, p] of ids.entries()) {
            const got = await generate(model, drafter, p, { ...base, draftTokens: method === 'ngram' ? 6 : 4 });
            accepted += got.stats.acceptedDrafts;
            if (got.tokens.join() !== vanilla[i].join()) mismatches.push(`${prompts[i].id}: first difference at ${got.tokens.findIndex((x, j) => x !== vanilla[i][j])}`);
          }
        } finally {
          await drafter?.release?.();
        }
        lines.push(`${method}: ${accepted} drafts accepted`);
        assert.deepEqual(mismatches, [], `${label}: ${method} diverged from vanilla`);
        assert.ok(accepted > 0, `${label}: ${method} accepted no drafts; the comparison would be vacuous`);
      }
      t.diagnostic(`${label}: penalties changed vanilla on ${changed}/${PROMPTS} prompts; ${lines.join('; ')}`);
    });
  });
}

/** two-sample chi-square test of homogeneity; categories with fewer than 10 joint counts are pooled */
function homogeneity(a: number[], b: number[]): { p: number; categories: number } {
  const count = (xs: number[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<number, number>());
  const ca = count(a), cb = count(b);
  const cells: [number, number][] = [];
  let otherA = 0, otherB = 0;
  for (const k of new Set([...ca.keys(), ...cb.keys()])) {
    const x = ca.get(k) ?? 0, y = cb.get(k) ?? 0;
    if (x + y >= 10) cells.push([x, y]); else { otherA += x; otherB += y; }
  }
  if (otherA + otherB > 0) cells.push([otherA, otherB]);
  const na = a.length, nb = b.length;
  let stat = 0;
  for (const [x, y] of cells) {
    const ea = (na * (x + y)) / (na + nb), eb = (nb * (x + y)) / (na + nb);
    stat += (x - ea) ** 2 / ea + (y - eb) ** 2 / eb;
  }
  return { p: chiSquareSf(stat, cells.length - 1), categories: cells.length };
}

/** Sampled decoding with penalties: eagle3 leaves the third token's distribution unchanged. */
export function sampledWithPenalties(): void {
  setup();
  describe('sampled with penalties: a draft leaves the output distribution unchanged', () => {
    // The third token is the first one whose row is scored with a drafted (pending) token counted:
    // it sees two generated tokens, so min_new_tokens 2 lets EOS (biased up by logit_bias) through
    // there, while a verifier that forgot the pending token would still mask it.
    it('eagle3, T = 1, frequency 1 + repetition 1.5 + EOS bias 10 + min_new_tokens 2: third-token distribution matches vanilla (chi-square homogeneity)', async (t) => {
      const N = 900;
      const p = tok.encode(questionAnswerPrompt([prompts[0].turns[0]], []));
      const processing: LogitProcessing = { frequencyPenalty: 1, presencePenalty: 0, repetitionPenalty: 1.5, minNewTokens: 2, stopTokenIds: [tok.eosId], logitBias: new Map([[tok.eosId, 10]]) };
      const base = { maxNewTokens: 3, sampling: { temperature: 1, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, processing };
      const vanilla: number[] = [], drafted: number[] = [];
      for (let s = 0; s < N; s++) vanilla.push((await generate(model, null, p, { ...base, seed: s, draftTokens: 0 })).tokens[2]);
      const drafter = await createDrafter({ draft: 'eagle3', ngramMin: 1, ngramMax: 4, ...draftGraphCache() }, cfg, weights);
      let accepted = 0;
      try {
        for (let s = 0; s < N; s++) {
          const r = await generate(model, drafter, p, { ...base, seed: N + s, draftTokens: 2 });
          drafted.push(r.tokens[2]);
          accepted += r.stats.acceptedDrafts;
        }
      } finally {
        await drafter?.release?.();
      }
      const h = homogeneity(vanilla, drafted);
      t.diagnostic(`${N} + ${N} samples, ${h.categories} categories, p = ${h.p.toFixed(4)}; eagle3 accepted ${accepted} drafts`);
      assert.ok(accepted > N / 4, `only ${accepted} drafts accepted: the draft path would be barely exercised`);
      assert.ok(h.p > 0.001, `third-token distributions differ (p = ${h.p})`);
    });
  });
}
