// Shared by the reference-lossless-*.test.ts files (split so the test pool runs them side by side).
// Greedy speculative decoding is lossless: every draft of the reference engine (prompt lookup,
// suffix decoding, the learned eagle, eagle3, hass2 and prism, medusa and the standalone model), chains and trees,
// with greedy verification emits exactly the tokens vanilla greedy decoding emits, on every other
// built-in prompt (50 of the 100: the 1st, 3rd, ... of each set's 20; first turn, 32 new tokens),
// with the shipped target and drafts on onnxruntime, in-process. The comparison is only meaningful if drafts were actually accepted,
// so that is asserted too, and so is what the paths it must cover were taken: every chain
// length from none to all drafts accepted, and tree paths off the first-child chain.
// 32 tokens and 50 prompts, not more: every draft, chain or tree, still goes through over 550
// verify cycles and every file over 2,000 (a cycle is where a lossless bug shows: rollback, bonus
// token, tree compaction; which cycle lengths and side branches were taken is asserted below).
// At 48 tokens the four files took 436 s of a 2-core npm test, at 32 (and graphs from the run's
// cache) 244 s; all 100 prompts made them the suite's longest files (chains-1: 101 CPU-s alone,
// 46 at 50 prompts).
// The vanilla reference is the same in all four files: under scripts/run-tests.mjs
// ($PRISM_TEST_CACHE) the first file to start computes it and the others read it, generating
// their drafts' outputs meanwhile and comparing once it is there.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors } from '../../src/model/safetensors.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { draftFeatureLayers } from '../../src/model/draft-config.ts';
import { generate, type GenerateOptions } from '../../src/decoding/generate.ts';
import { LEARNED_DRAFTS, REFERENCE_DRAFT_METHODS, SUFFIX_DEFAULTS, createDrafter } from '../../src/drafts/index.ts';
import { SuffixDrafter } from '../../src/drafts/suffix.ts';
import { PROMPT_SETS, readPromptSet } from '../helpers/prompt-sets.ts';
import { questionAnswerPrompt } from '../../src/prompt.ts';
import { targetGraphCache, draftGraphCache } from '../helpers/shipped-models.ts';

const MAX_NEW = 32;

type LearnedDraftMethod = (typeof LEARNED_DRAFTS)[number];
/** Which file checks which drafts: four files of similar length, run side by side. */
export const CHAIN_SHARDS: readonly (readonly ('ngram' | LearnedDraftMethod)[])[] = [['ngram', 'eagle', 'eagle3', 'hass2'], ['prism', 'medusa', 'standalone']];
export const TREE_SHARDS: readonly (readonly LearnedDraftMethod[])[] = [['eagle', 'eagle3', 'hass2'], ['prism', 'medusa', 'standalone']];
// a draft added to the engine but to no shard would go unchecked: refuse to run instead
for (const [what, want, got] of [['chains', ['ngram', ...LEARNED_DRAFTS], CHAIN_SHARDS.flat()], ['trees', [...LEARNED_DRAFTS], TREE_SHARDS.flat()]] as const) {
  assert.deepEqual([...got].sort(), [...want].sort(), `lossless ${what}: every draft in exactly one shard`);
}
/** Drafts with a file of their own (reference-lossless-suffix.test.ts: its trees and its global trie). */
export const OWN_FILE = ['suffix'] as const;
assert.deepEqual(REFERENCE_DRAFT_METHODS.filter((m) => m !== 'vanilla' && !(CHAIN_SHARDS.flat() as string[]).includes(m)), [...OWN_FILE], 'lossless: every draft of the engine is checked');

let model: OnnxDecoder;
let tok: Tokenizer;
let cfg: DecoderConfig;
let weights: ReturnType<typeof readSafetensors>['tensors'];
/** every other prompt of each set, so each set's kinds of text stay in */
const PROMPT_STRIDE = 2;
const prompts = PROMPT_SETS.flatMap((name) => readPromptSet(name).filter((_, i) => i % PROMPT_STRIDE === 0));
let vanilla: Promise<Map<string, number[]>>;
let base: Omit<GenerateOptions, 'draftTokens'>;

async function computeVanilla(): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const p of prompts) {
    const text = questionAnswerPrompt([p.turns[0]], []);
    assert.equal(text, `Question: ${p.turns[0].trim()}\nAnswer:`);
    const r = await generate(model, null, tok.encode(text), { ...base, draftTokens: 0 });
    assert.equal(r.tokens.length, MAX_NEW, `${p.id}: vanilla stopped early`);
    assert.equal(r.stats.verifyCycles, MAX_NEW - 1, `${p.id}: vanilla is one forward pass per token after prefill`);
    out.set(p.id, r.tokens);
  }
  return out;
}

const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

/**
 * Vanilla greedy tokens for every prompt. Without a cache directory, computed here before the
 * tests start. With one ($PRISM_TEST_CACHE, from the test runner), the first lossless file to
 * take the lock computes them (before its own tests: they share the model) and the others get a
 * promise that resolves when the answer is written, so they generate their drafts' outputs meanwhile.
 */
async function startVanilla(): Promise<{ answer: Promise<Map<string, number[]>> }> {
  const dir = process.env.PRISM_TEST_CACHE;
  if (!dir) return { answer: Promise.resolve(await computeVanilla()) };
  const key = createHash('sha256').update(JSON.stringify([readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8'), MAX_NEW, prompts.map((p) => p.turns[0])])).digest('hex').slice(0, 16);
  const [lock, done, failed] = ['lock', 'json', 'failed'].map((ext) => join(dir, `lossless-vanilla-${key}.${ext}`));
  let fd: number | undefined;
  try { fd = openSync(lock, 'wx'); } catch { /* another file holds it */ }
  if (fd !== undefined) {
    writeSync(fd, String(process.pid)); closeSync(fd);
    try {
      const out = await computeVanilla();
      writeFileSync(`${done}.${process.pid}`, JSON.stringify(Object.fromEntries(out)));
      renameSync(`${done}.${process.pid}`, done);
      return { answer: Promise.resolve(out) };
    } catch (e) {
      writeFileSync(failed, e instanceof Error ? e.message : String(e));
      throw e;
    }
  }
  const wait = async (): Promise<Map<string, number[]>> => {
    for (;;) {
      if (existsSync(done)) return new Map(Object.entries(JSON.parse(readFileSync(done, 'utf8')) as Record<string, number[]>));
      if (existsSync(failed)) throw new Error(`the vanilla reference failed in another lossless file: ${readFileSync(failed, 'utf8')}`);
      const holder = Number(readFileSync(lock, 'utf8'));
      if (holder && !alive(holder) && !existsSync(done)) throw new Error(`the lossless file computing the vanilla reference (pid ${holder}) died before writing it; see its failure`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const pending = wait();
  pending.catch(() => { /* reported by the test that awaits it */ });
  return { answer: pending };
}

function setup(): void {
  before(async () => {
    cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
    weights = readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors;
    // one intra-op thread, as the engine runs: a second would spin on the core other test files use
    model = await OnnxDecoder.fromWeights(cfg, weights, { threads: 1, hiddenAfterLayers: draftFeatureLayers(cfg), ...targetGraphCache() });
    tok = Tokenizer.load(TOKENIZER_PATH);
    // ignore EOS so every prompt compares the full MAX_NEW tokens
    base = { maxNewTokens: MAX_NEW, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, seed: 0 };
    assert.equal(prompts.length, 50, 'expected every other one of the 100 built-in prompts');
    vanilla = (await startVanilla()).answer;
  });
  after(async () => { await model?.release(); });
}

/** Chains of the given drafts, each against vanilla on the 50 prompts. */
export function losslessChains(methods: readonly ('ngram' | LearnedDraftMethod)[]): void {
  setup();
  describe('greedy drafting is token-identical to greedy vanilla on every other built-in prompt', () => {
    for (const method of methods) {
      it(method, async (t) => {
        const drafter = await createDrafter({ draft: method, ngramMin: 1, ngramMax: 4, ...draftGraphCache() }, cfg, weights);
        const draftTokens = method === 'ngram' ? 6 : 4;
        let accepted = 0, proposed = 0, cycles = 0, tokens = 0, withAccepts = 0;
        const histogram: number[] = [];
        const outputs = new Map<string, number[]>();
        try {
          for (const p of prompts) {
            const ids = tok.encode(questionAnswerPrompt([p.turns[0]], []));
            const got = await generate(model, drafter, ids, { ...base, draftTokens });
            outputs.set(p.id, got.tokens);
            const s = got.stats;
            assert.equal(s.completionTokens, MAX_NEW);
            // accounting: every cycle emits its accepted drafts plus one token; the first token comes from prefill
            assert.equal(s.acceptedHistogram.reduce((a, b) => a + b, 0), s.verifyCycles, `${p.id}: histogram counts every cycle`);
            assert.equal(s.acceptedHistogram.reduce((a, n, k) => a + n * k, 0), s.acceptedDrafts, `${p.id}: histogram sums to the accepted drafts`);
            assert.ok(s.acceptedDrafts + s.verifyCycles + 1 >= MAX_NEW, `${p.id}: cycles and accepted drafts account for the output`);
            assert.ok(s.acceptedDrafts <= s.proposedDrafts);
            // Medusa's heads run once per cycle for every position; other learned drafts take one step per token
            if (method === 'medusa') assert.ok(s.draftSteps <= s.verifyCycles, `${p.id}: medusa takes one draft call per cycle`);
            else if (method !== 'ngram') assert.equal(s.draftSteps, s.proposedDrafts, `${p.id}: a chain takes one draft step per drafted token`);
            accepted += s.acceptedDrafts; proposed += s.proposedDrafts; cycles += s.verifyCycles; tokens += s.completionTokens;
            if (s.acceptedDrafts > 0) withAccepts++;
            s.acceptedHistogram.forEach((n, k) => { histogram[k] = (histogram[k] ?? 0) + n; });
          }
        } finally {
          await drafter?.release?.();
        }
        const reference = await vanilla;
        const mismatches: string[] = [];
        for (const p of prompts) {
          const want = reference.get(p.id)!, got = outputs.get(p.id)!;
          if (got.join(',') !== want.join(',')) {
            const at = got.findIndex((x, i) => x !== want[i]);
            mismatches.push(`${p.id}: first difference at token ${at} (vanilla ${want[at]} ${JSON.stringify(tok.decode([want[at]]))}, ${method} ${got[at]}); lengths ${want.length} / ${got.length}`);
          }
        }
        t.diagnostic(`${method}: ${accepted} of ${proposed} drafted tokens accepted over ${cycles} verify cycles on ${prompts.length} prompts; ` +
          `${withAccepts} prompts had accepted drafts; pooled acceptance length ${(tokens / cycles).toFixed(3)} (tokens incl. the prefill token / cycles)`);
        assert.deepEqual(mismatches, [], `${method} diverged from vanilla on ${mismatches.length} prompts`);
        assert.ok(accepted > 0, `${method} accepted no drafts at all: the comparison would be vacuous`);
        assert.ok(withAccepts >= 5, `only ${withAccepts} prompts had accepted drafts`);
        assert.ok(cycles < prompts.length * (MAX_NEW - 1), 'accepted drafts must save verify cycles');
        // every way a cycle can end was taken: no draft accepted, some, and the whole chain (bonus token)
        const missing = Array.from({ length: draftTokens + 1 }, (_, k) => k).filter((k) => !(histogram[k]! > 0));
        assert.deepEqual(missing, [], `${method}: no cycle accepted exactly ${missing.join(', ')} drafts; those paths went unchecked (histogram ${histogram.join(' ')})`);
      });
    }
  });
}

/** Trees of the given learned drafts, each against vanilla on the 50 prompts. */
export function losslessTrees(methods: readonly LearnedDraftMethod[]): void {
  setup();
  describe('greedy tree drafting (6 steps, top-4, 16 drafted nodes, one more than the PRISM artifact\'s 16 draft tokens, which count the root) is token-identical to greedy vanilla on every other built-in prompt', () => {
    for (const method of methods) {
      it(method, async (t) => {
        const drafter = await createDrafter({ draft: method, ngramMin: 1, ngramMax: 4, ...draftGraphCache() }, cfg, weights);
        let accepted = 0, offChain = 0, cycles = 0;
        const outputs = new Map<string, number[]>();
        try {
          for (const p of prompts) {
            const got = await generate(model, drafter, tok.encode(questionAnswerPrompt([p.turns[0]], [])), { ...base, draftTokens: 16, tree: { topK: 4, steps: 6 } });
            outputs.set(p.id, got.tokens);
            accepted += got.stats.acceptedDrafts; offChain += got.stats.offChainAccepts; cycles += got.stats.verifyCycles;
          }
        } finally {
          await drafter?.release?.();
        }
        const reference = await vanilla;
        const mismatches = prompts.filter((p) => outputs.get(p.id)!.join(',') !== reference.get(p.id)!.join(',')).map((p) => p.id);
        t.diagnostic(`${method} trees: ${accepted} drafted tokens accepted over ${cycles} cycles, ${offChain} cycles accepted a path off the first-child chain`);
        assert.deepEqual(mismatches, [], `${method} trees diverged from vanilla on ${mismatches.length} prompts`);
        assert.ok(offChain > 0, `${method}: no cycle accepted a side branch; the tree's other branches were not exercised`);
      });
    }
  });
}

/** Spec-Bench beside the project (absent in a user's fresh clone: that part skips). */
export const SPEC_BENCH = fileURLToPath(new URL('../../../../../shared/datasets/spec_bench/question.jsonl', import.meta.url));
/** every 20th Spec-Bench question: 24 of 480, from each of its six parts (MT-bench, translation, summarization, qa, math, rag) */
const SPEC_BENCH_STRIDE = 20;

/**
 * Suffix decoding: its trees, and its global trie over earlier requests' outputs, which makes a
 * request's drafts depend on the requests before it; so one drafter serves every prompt in turn,
 * then serves them all again, when the global trie holds each answer and whole drafts are accepted.
 */
export function losslessSuffix(): void {
  setup();
  type Pass = { outputs: Map<string, number[]>; accepted: number; cycles: number; offChain: number; full: number; tokens: number };
  const serve = async (drafter: SuffixDrafter, list: { id: string; turns: string[] }[]): Promise<Pass> => {
    const r: Pass = { outputs: new Map(), accepted: 0, cycles: 0, offChain: 0, full: 0, tokens: 0 };
    for (const p of list) {
      const got = await generate(model, drafter, tok.encode(questionAnswerPrompt([p.turns[0]], [])), { ...base, draftTokens: 6 });
      const s = got.stats;
      assert.equal(s.acceptedHistogram.reduce((a, n, k) => a + n * k, 0), s.acceptedDrafts, `${p.id}: histogram sums to the accepted drafts`);
      r.outputs.set(p.id, got.tokens);
      r.accepted += s.acceptedDrafts; r.cycles += s.verifyCycles; r.offChain += s.offChainAccepts; r.tokens += s.completionTokens;
      r.full += s.acceptedHistogram[6] ?? 0;
    }
    return r;
  };
  const diff = (want: Map<string, number[]>, got: Map<string, number[]>) => [...want.keys()].filter((id) => want.get(id)!.join(',') !== got.get(id)?.join(','));
  const line = (what: string, r: Pass) => `suffix ${what}: ${r.accepted} drafted tokens accepted over ${r.cycles} cycles (pooled acceptance length ${(r.tokens / r.cycles).toFixed(3)}), ${r.offChain} cycles off the first-child chain, ${r.full} accepting all 6`;

  describe('greedy suffix decoding is token-identical to greedy vanilla', () => {
    it('on every other built-in prompt, twice over, one drafter (global trie) serving them in order', async (t) => {
      const drafter = new SuffixDrafter({ ...SUFFIX_DEFAULTS });
      const first = await serve(drafter, prompts);
      assert.equal(drafter.cachedRequests, prompts.length, 'every output went into the global trie');
      const again = await serve(drafter, prompts);
      const reference = await vanilla;
      t.diagnostic(line('first pass', first));
      t.diagnostic(line('second pass', again));
      assert.deepEqual(diff(reference, first.outputs), [], 'first pass diverged from vanilla');
      assert.deepEqual(diff(reference, again.outputs), [], 'second pass diverged from vanilla');
      assert.ok(first.accepted > 0, 'no drafts accepted: the comparison would be vacuous');
      assert.ok(first.offChain + again.offChain > 0, 'no cycle accepted a side branch: the trees went unchecked');
      // the global trie holds every answer now: drafts are accepted whole (the bonus-token path)
      assert.ok(again.full > 0 && again.cycles < first.cycles, `second pass: ${again.full} cycles accepted whole drafts, ${again.cycles} cycles vs ${first.cycles}`);
    });

    it(`on every ${SPEC_BENCH_STRIDE}th Spec-Bench question (../shared)`, async (t) => {
      if (!existsSync(SPEC_BENCH)) { t.skip(`../shared absent: ${SPEC_BENCH} not found, Spec-Bench check skipped`); return; }
      const list = readFileSync(SPEC_BENCH, 'utf8').split('\n').filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { question_id: number; turns: string[] })
        .filter((_, i) => i % SPEC_BENCH_STRIDE === 0).map((q) => ({ id: String(q.question_id), turns: q.turns }));
      const want = new Map<string, number[]>();
      for (const p of list) want.set(p.id, (await generate(model, null, tok.encode(questionAnswerPrompt([p.turns[0]], [])), { ...base, draftTokens: 0 })).tokens);
      const got = await serve(new SuffixDrafter({ ...SUFFIX_DEFAULTS }), list);
      t.diagnostic(line(`Spec-Bench (${list.length} questions)`, got));
      assert.deepEqual(diff(want, got.outputs), [], 'suffix diverged from vanilla on Spec-Bench');
      assert.ok(got.accepted > 0, 'no drafts accepted: the comparison would be vacuous');
    });
  });
}
