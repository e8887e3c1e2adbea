// The shipped learned drafts: each manifest matches its weights; PRISM with one module computes
// exactly what eagle3 computes with the same weights; the step map decides which module runs
// at which step (observable in the proposal and in generate()'s stats); mistakes in draft files
// or options are reported with the file and field.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors, type SafeTensor } from '../../src/model/safetensors.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { DRAFTS_DIR, DRAFT_VOCAB_SIZE, eagle3FeatureLayers } from '../../src/model/draft-config.ts';
import { draftParameterCounts } from '../../src/model/draft-params.ts';
import { DRAFT_ARCHITECTURES, FEATURE_DRAFTS, LEARNED_DRAFTS, checkLearnedDraft } from '../../src/drafts/index.ts';
import { DraftConfigError, LearnedDrafter, type DraftManifest } from '../../src/drafts/learned.ts';
import { generate } from '../../src/decoding/generate.ts';
import { causalMask } from '../../src/decoding/verify.ts';
import { seededRandom, type SamplingParams } from '../../src/decoding/sampling.ts';
import { targetGraphCache } from '../helpers/shipped-models.ts';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const manifestOf = (method: string) => JSON.parse(readFileSync(join(DRAFTS_DIR, method, 'manifest.json'), 'utf8')) as DraftManifest & Record<string, unknown>;

/** an independent F32 safetensors writer (u64 LE header length, JSON header, raw data) */
function writeSafetensorsF32(path: string, tensors: Map<string, SafeTensor>): void {
  const header: Record<string, unknown> = {};
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const [name, t] of [...tensors].sort(([a], [b]) => a.localeCompare(b))) {
    const bytes = Buffer.from(Float32Array.from(t.data).buffer);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    blobs.push(bytes);
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([len, Buffer.from(json), ...blobs]));
}

describe('each shipped draft manifest matches its weights', () => {
  const cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
  for (const method of FEATURE_DRAFTS) {
    it(method, () => {
      const m = manifestOf(method);
      const arch = DRAFT_ARCHITECTURES[method];
      assert.equal(m.method, method);
      assert.equal(m.weights.sha256, sha256(join(DRAFTS_DIR, method, m.weights.file)), 'weights.sha256');
      assert.equal((m.target as { weightsSha256: string }).weightsSha256, sha256(join(TARGET_DIR, 'model.safetensors')), 'trained against the shipped target');
      assert.deepEqual({ modules: m.config.modules, layers: m.config.layersPerModule, features: m.config.features, stepMap: m.config.stepMap },
        { modules: arch.modules, layers: arch.layersPerModule, features: arch.features, stepMap: arch.stepMap });
      assert.deepEqual(m.config.featureLayers, arch.features === 'eagle3' ? eagle3FeatureLayers(cfg) : [cfg.layers - 1]);
      assert.equal(m.draftVocabulary.length, DRAFT_VOCAB_SIZE);
      assert.equal(new Set(m.draftVocabulary).size, DRAFT_VOCAB_SIZE, 'draft vocabulary ids are distinct');
      assert.ok(m.draftVocabulary.every((t) => Number.isInteger(t) && t >= 0 && t < cfg.vocab));
      const { tensors } = readSafetensors(join(DRAFTS_DIR, method, m.weights.file));
      let trainable = 0;
      const D = cfg.hidden;
      for (let mod = 0; mod < arch.modules; mod++) {
        const p = `modules.${mod}.`;
        assert.deepEqual(tensors.get(p + 'fc.weight')?.shape, [D, 2 * D]);
        assert.deepEqual(tensors.get(p + 'fc3.weight')?.shape, arch.features === 'eagle3' ? [D, 3 * D] : undefined);
        for (let l = 0; l < arch.layersPerModule; l++) {
          assert.deepEqual(tensors.get(`${p}layers.${l}.mlp.gate_proj.weight`)?.shape, [cfg.ffn, D]);
          assert.deepEqual(tensors.get(`${p}layers.${l}.self_attn.q_proj.weight`)?.shape, [D, D]);
        }
        assert.equal(tensors.has(`${p}layers.${arch.layersPerModule}.self_attn.q_proj.weight`), false, 'no extra layers');
      }
      assert.equal(tensors.has(`modules.${arch.modules}.fc.weight`), false, 'no extra modules');
      for (const t of tensors.values()) {
        trainable += t.data.length;
        assert.ok(t.data.every(Number.isFinite), 'finite weights');
      }
      const counts = draftParameterCounts(cfg, arch, DRAFT_VOCAB_SIZE);
      assert.equal(trainable, counts.trainable, 'parameter count of the weight file');
      assert.deepEqual(m.parameters, counts);
      const top1 = (m.validation as { top1PerPosition: number[] }).top1PerPosition;
      assert.equal(top1.length, 6);
      assert.ok(top1.every((x) => x > 0.05 && x <= 1), `validation top-1 ${top1}`);
      const budget = m.dataBudget as { tokens: number; dataFraction: number };
      assert.equal(budget.dataFraction, 1, 'shipped weights use the whole data budget');
    });
  }
  it('every draft had the same data budget and the same draft vocabulary', () => {
    const budgets = LEARNED_DRAFTS.map((d) => JSON.stringify(manifestOf(d).dataBudget));
    assert.equal(new Set(budgets).size, 1, budgets.join('\n'));
    // the standalone model drafts over the whole vocabulary: it is a language model of its own
    const vocabs = LEARNED_DRAFTS.filter((d) => d !== 'standalone').map((d) => manifestOf(d).draftVocabulary.join());
    assert.equal(new Set(vocabs).size, 1);
  });
  it('PRISM activates one eagle3-sized module per step: equal per-step parameters, twice the total', () => {
    const prism = manifestOf('prism').parameters, eagle3 = manifestOf('eagle3').parameters, hass2 = manifestOf('hass2').parameters;
    assert.equal(prism.activatedPerStep, eagle3.activatedPerStep);
    assert.equal(prism.trainable, 2 * eagle3.trainable);
    assert.ok(hass2.activatedPerStep > 1.5 * eagle3.activatedPerStep);
  });
});

describe('learned drafting at run time', () => {
  let cfg: DecoderConfig;
  let weights: Map<string, SafeTensor>;
  let target: OnnxDecoder;
  let tmp: string;
  let contexts: number[][];
  before(async () => {
    cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
    weights = readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors;
    target = await OnnxDecoder.fromWeights(cfg, weights, { threads: 1, hiddenAfterLayers: eagle3FeatureLayers(cfg), ...targetGraphCache() });
    const tok = Tokenizer.load(TOKENIZER_PATH);
    contexts = ['Question: What is the capital of France?\nAnswer:', 'The jury said it did find that the city', 'interface Array<T> {\n  length: number;'].map((t) => tok.encode(t));
    tmp = mkdtempSync(join(tmpdir(), 'prism-drafts-'));
  });
  after(async () => { await target?.release(); rmSync(tmp, { recursive: true, force: true }); });

  /** a draft request that has seen the target's features of `ctx` */
  async function primed(d: LearnedDrafter, ctx: number[]) {
    const s = target.newSession();
    await s.forward(ctx, ctx.map((_, i) => i), causalMask(0, ctx.length));
    const req = d.begin();
    req.observe!(0, ctx.length, s.features!(d.featureLayers));
    s.release();
    return req;
  }

  /** proposals of a drafter on every context: tokens, q and the module trace */
  async function proposals(d: LearnedDrafter, steps: number, sampling: SamplingParams) {
    const out = [];
    // the known next token: the target's greedy choice is not needed, any token will do for the comparison
    for (const ctx of contexts) out.push(await (await primed(d, ctx)).propose({ tokens: [...ctx, 13], sampling, rand: seededRandom(7) }, steps));
    return out;
  }

  it('PRISM with M = 1 computes what eagle3 computes with the same weights', async () => {
    // an eagle3 draft whose only module is PRISM's module 0
    const prismDir = join(DRAFTS_DIR, 'prism');
    const pm = manifestOf('prism');
    const { tensors } = readSafetensors(join(prismDir, pm.weights.file));
    const module0 = new Map([...tensors].filter(([k]) => k.startsWith('modules.0.')));
    const dir = join(tmp, 'as-eagle3', 'eagle3');
    mkdirSync(dir, { recursive: true });
    writeSafetensorsF32(join(dir, 'model.safetensors'), module0);
    const em = { ...manifestOf('eagle3'), draftVocabulary: pm.draftVocabulary, weights: { ...pm.weights, sha256: sha256(join(dir, 'model.safetensors')) } };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(em));
    const eagle3 = await LearnedDrafter.load(dir, DRAFT_ARCHITECTURES.eagle3, cfg, weights);
    const prism1 = await LearnedDrafter.load(prismDir, DRAFT_ARCHITECTURES.prism, cfg, weights, { modules: 1, stepMap: [0] });
    const prism2 = await LearnedDrafter.load(prismDir, DRAFT_ARCHITECTURES.prism, cfg, weights);
    try {
      assert.equal(prism1.parameters.total, eagle3.parameters.total);
      for (const sampling of [{ temperature: 0, topP: 1, topK: -1 }, { temperature: 1, topP: 1, topK: -1 }]) {
        const a = await proposals(eagle3, 5, sampling), b = await proposals(prism1, 5, sampling);
        assert.deepEqual(b.map((p) => p.tokens), a.map((p) => p.tokens));
        if (sampling.temperature > 0) {
          b.forEach((p, i) => p.probs!.forEach((q, j) => assert.deepEqual(Array.from(q), Array.from(a[i].probs![j]), `context ${i}, step ${j}: q differs`)));
        }
      }
      // and module 1 is a different parameter set: the published map changes some proposal
      const one = await proposals(prism1, 5, { temperature: 1, topP: 1, topK: -1 });
      const two = await proposals(prism2, 5, { temperature: 1, topP: 1, topK: -1 });
      assert.ok(two.some((p, i) => p.probs!.slice(1).some((q, j) => q.some((x, v) => x !== one[i].probs![j + 1][v]))), 'module 1 should compute something else than module 0');
    } finally {
      await eagle3.release(); await prism1.release(); await prism2.release();
    }
  });

  it('the step map decides which module runs at each step', async () => {
    for (const [map, want] of [[[0, 1], [0, 1, 1, 1, 1]], [[1, 0], [1, 0, 0, 0, 0]], [[0, 1, 0], [0, 1, 0, 0, 0]], [[1], [1, 1, 1, 1, 1]]] as const) {
      const d = await LearnedDrafter.load(join(DRAFTS_DIR, 'prism'), DRAFT_ARCHITECTURES.prism, cfg, weights, { stepMap: [...map] });
      try {
        for (const p of await proposals(d, 5, { temperature: 0, topP: 1, topK: -1 })) assert.deepEqual(p.modules, want, `step map ${map}`);
        const tok = Tokenizer.load(TOKENIZER_PATH);
        const r = await generate(target, d, contexts[0], { maxNewTokens: 16, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, seed: 0, draftTokens: 5 });
        // moduleByStep[s][m]: only the mapped module ever ran at step s
        r.stats.moduleByStep.forEach((row, s) => row.forEach((n, m) => { if (n > 0) assert.equal(m, want[s], `step ${s} ran module ${m} under map ${map}`); }));
        const ran = (s: number) => (r.stats.moduleByStep[s] ?? []).reduce((a, b) => a + b, 0);
        assert.equal(r.stats.moduleByStep.reduce((a, _, s) => a + ran(s), 0), r.stats.draftSteps, 'every draft step is in the trace');
        // one extend pass per cycle that drafted (the last cycle may have room for no draft)
        assert.ok(ran(0) >= r.stats.verifyCycles - 1 && ran(0) <= r.stats.verifyCycles, `${ran(0)} extend passes in ${r.stats.verifyCycles} cycles`);
      } finally { await d.release(); }
    }
  });

  it('dynamic trees: top-k expansion per step, the best nodes kept, parents before children, one-hot proposals', async () => {
    const d = await LearnedDrafter.load(join(DRAFTS_DIR, 'prism'), DRAFT_ARCHITECTURES.prism, cfg, weights);
    try {
      for (const sampling of [{ temperature: 0, topP: 1, topK: -1 }, { temperature: 1, topP: 1, topK: -1 }]) {
        for (const ctx of contexts) {
          const p = await (await primed(d, ctx)).propose({ tokens: [...ctx, 13], sampling, rand: seededRandom(7), tree: { topK: 3, steps: 4 } }, 10);
          assert.equal(p.tokens.length, 10);
          assert.equal(p.steps, 4);
          assert.deepEqual(p.modules, [0, 1, 1, 1], 'the step map holds in a tree');
          assert.equal(p.probs, undefined, 'tree nodes are deterministic given the context: verified as one-hot');
          const depth: number[] = [];
          p.parents.forEach((par, i) => {
            assert.ok(par < i, `node ${i}'s parent ${par} must come first`);
            depth[i] = par < 0 ? 1 : depth[par] + 1;
            assert.ok(depth[i] <= 4);
          });
          const roots = p.parents.filter((x) => x === -1).length;
          assert.ok(roots >= 1 && roots <= 3, `${roots} children of the root (top-3)`);
          assert.ok(roots >= 2 || p.parents.some((x, i) => p.parents.indexOf(x) !== i), 'some node has siblings');
          for (const par of new Set(p.parents)) {
            const kids = p.tokens.filter((_, i) => p.parents[i] === par);
            assert.equal(new Set(kids).size, kids.length, 'siblings are distinct tokens');
          }
        }
      }
      // the tree computes what the chain computes: following each node's most likely child (its
      // first) from the root's gives the greedy chain (fp32, so batching rows cannot move an argmax)
      const exact = await LearnedDrafter.load(join(DRAFTS_DIR, 'prism'), DRAFT_ARCHITECTURES.prism, cfg, weights, { weightPrecision: 'fp32' });
      try {
        const chains = await proposals(exact, 5, { temperature: 0, topP: 1, topK: -1 });
        let deepest = 0;
        for (const [c, ctx] of contexts.entries()) {
          const p = await (await primed(exact, ctx)).propose({ tokens: [...ctx, 13], sampling: { temperature: 0, topP: 1, topK: -1 }, rand: seededRandom(7), tree: { topK: 3, steps: 5 } }, 16);
          const walked: number[] = [];
          for (let node = p.parents.indexOf(-1); node >= 0; node = p.parents.indexOf(node)) walked.push(p.tokens[node]);
          assert.deepEqual(walked, chains[c].tokens.slice(0, walked.length), `context ${c}`);
          deepest = Math.max(deepest, walked.length);
        }
        assert.ok(deepest >= 3, `the best paths are at most ${deepest} deep: nodes attending to their ancestors are not exercised`);
      } finally { await exact.release(); }
      // greedy decoding through the tree equals vanilla, and the tree's side branches do get accepted
      const tok = Tokenizer.load(TOKENIZER_PATH);
      let offChain = 0;
      for (const ctx of contexts) {
        const opts = { maxNewTokens: 40, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, seed: 0 };
        const vanilla = await generate(target, null, ctx, { ...opts, draftTokens: 0 });
        const tree = await generate(target, d, ctx, { ...opts, draftTokens: 8, tree: { topK: 4, steps: 4 } });
        assert.deepEqual(tree.tokens, vanilla.tokens);
        offChain += tree.stats.offChainAccepts;
      }
      assert.ok(offChain > 0, 'no cycle accepted a path off the first-child chain');
    } finally { await d.release(); }
  });

  it('draft file and option mistakes name the file and the field', () => {
    const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof DraftConfigError && re.test(e.message), String(re));
    bad(() => checkLearnedDraft('prism', { stepMap: [0, 2] }), /stepMap\[1\]: module 2 does not exist .*modules 0\.\.1/);
    bad(() => checkLearnedDraft('prism', { modules: 1, stepMap: [0, 1] }), /stepMap\[1\]: module 1 does not exist/);
    bad(() => checkLearnedDraft('prism', { modules: 3 }), /modules: 3 asked for, but .*manifest\.json has 2 module/);
    bad(() => checkLearnedDraft('eagle3', { stepMap: [] }), /stepMap: expected a non-empty list/);
    bad(() => checkLearnedDraft('eagle', { draftsDir: join(tmp, 'nowhere') }), /nowhere\/eagle\/manifest\.json: missing/);
    // a weight file that is not the manifest's
    const dir = join(tmp, 'swapped', 'eagle3');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(DRAFTS_DIR, 'eagle3', 'manifest.json'), join(dir, 'manifest.json'));
    copyFileSync(join(DRAFTS_DIR, 'prism', 'model.safetensors'), join(dir, 'model.safetensors'));
    bad(() => checkLearnedDraft('eagle3', { draftsDir: join(tmp, 'swapped') }), /model\.safetensors: does not match .*manifest\.json field weights\.sha256/);
    rmSync(join(dir, 'model.safetensors'));
    bad(() => checkLearnedDraft('eagle3', { draftsDir: join(tmp, 'swapped') }), /model\.safetensors: missing \(named by .*field weights\.file\)/);
    // a manifest for another method
    copyFileSync(join(DRAFTS_DIR, 'hass2', 'manifest.json'), join(dir, 'manifest.json'));
    bad(() => checkLearnedDraft('eagle3', { draftsDir: join(tmp, 'swapped') }), /field method is 'hass2', expected 'eagle3'/);
  });
});
