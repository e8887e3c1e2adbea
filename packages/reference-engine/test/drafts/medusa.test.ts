// Medusa's heads: the static tree is the best-first set of rank paths; the ONNX graph computes
// the heads as the trainer defines them (checked against a plain-JavaScript evaluation of the
// weights); chains take each head's argmax (or a sample from its q), trees each node's rank
// choice; greedy decoding through chains and trees equals vanilla; file mistakes are named.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors, sha256File, type SafeTensor } from '../../src/model/safetensors.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { DRAFTS_DIR, draftFeatureLayers } from '../../src/model/draft-config.ts';
import { MedusaDrafter, checkMedusa, staticTree, type MedusaManifest } from '../../src/drafts/medusa.ts';
import { checkLearnedDraft } from '../../src/drafts/index.ts';
import { DraftConfigError } from '../../src/drafts/draft-files.ts';
import { generate } from '../../src/decoding/generate.ts';
import { causalMask } from '../../src/decoding/verify.ts';
import { argmax, seededRandom } from '../../src/decoding/sampling.ts';
import { targetGraphCache, draftGraphCache } from '../helpers/shipped-models.ts';

const MEDUSA_DIR = join(DRAFTS_DIR, 'medusa');

describe('staticTree: Medusa\'s candidate tree from rank accuracies', () => {
  const acc = [[0.6, 0.2, 0.1], [0.4, 0.2, 0.1], [0.3, 0.1, 0.05]];
  it('keeps the paths with the highest product of accuracies, parents first', () => {
    const t = staticTree(acc, 3, 3, 5);
    // by hand: [0] .6, [0,0] .24, [1] .2, [0,1] .12, [2] .1 (then [1,0] .08, [0,0,0] .072 ...)
    assert.deepEqual(t.ranks, [[0], [0, 0], [1], [0, 1], [2]]);
    assert.deepEqual(t.parents, [-1, 0, -1, 1 - 1, -1]);
    const t7 = staticTree(acc, 3, 3, 7);
    assert.deepEqual(t7.ranks.slice(5), [[1, 0], [0, 0, 0]]);
    assert.deepEqual(t7.parents.slice(5), [2, 1]);
  });
  it('respects topK and depth, and stops when the candidates run out', () => {
    const chainish = staticTree(acc, 1, 3, 10);
    assert.deepEqual(chainish.ranks, [[0], [0, 0], [0, 0, 0]]);
    assert.deepEqual(chainish.parents, [-1, 0, 1]);
    const shallow = staticTree(acc, 2, 1, 10);
    assert.deepEqual(shallow.ranks, [[0], [1]]);
    const all = staticTree(acc, 2, 2, 100);
    assert.equal(all.ranks.length, 2 + 4, 'every path of depth <= 2 over ranks 0..1');
    all.parents.forEach((p, i) => { assert.ok(p < i); if (p >= 0) assert.deepEqual(all.ranks[i].slice(0, -1), all.ranks[p]); });
  });
});

describe('the shipped Medusa heads', () => {
  let cfg: DecoderConfig;
  let weights: Map<string, SafeTensor>;
  let target: OnnxDecoder;
  let medusa: MedusaDrafter;
  let manifest: MedusaManifest & Record<string, unknown>;
  let contexts: number[][];
  let tok: Tokenizer;
  before(async () => {
    cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
    weights = readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors;
    target = await OnnxDecoder.fromWeights(cfg, weights, { threads: 1, hiddenAfterLayers: draftFeatureLayers(cfg), ...targetGraphCache() });
    medusa = await MedusaDrafter.load(MEDUSA_DIR, cfg, weights, draftGraphCache());
    manifest = JSON.parse(readFileSync(join(MEDUSA_DIR, 'manifest.json'), 'utf8'));
    tok = Tokenizer.load(TOKENIZER_PATH);
    contexts = ['Question: What is the capital of France?\nAnswer:', 'The jury said it did find that the city', 'def add(a, b):\n    return'].map((t) => tok.encode(t));
  });
  after(async () => { await medusa?.release(); await target?.release(); });

  it('manifest: matches its weights, trained against the shipped target on the feature drafts\' data budget and vocabulary', () => {
    const eagle3 = JSON.parse(readFileSync(join(DRAFTS_DIR, 'eagle3', 'manifest.json'), 'utf8'));
    assert.equal(manifest.weights.sha256, sha256File(join(MEDUSA_DIR, manifest.weights.file)));
    assert.equal((manifest.target as { weightsSha256: string }).weightsSha256, sha256File(join(TARGET_DIR, 'model.safetensors')));
    assert.deepEqual(manifest.dataBudget, eagle3.dataBudget);
    assert.deepEqual(manifest.draftVocabulary, eagle3.draftVocabulary);
    assert.deepEqual(manifest.config.featureLayers, [cfg.layers - 1]);
    const r = manifest.validation.rankAccuracy;
    r.forEach((ranks, k) => {
      assert.equal(ranks[0], manifest.validation.top1PerHead[k]);
      assert.ok(ranks.reduce((a, b) => a + b, 0) <= 1 + 1e-9, 'ranks are exclusive events');
    });
    assert.ok(r[0][0] > r[r.length - 1][0], 'a farther head is less accurate');
  });

  /** the target's last-layer hidden state at each position of ctx */
  async function lastHidden(ctx: number[]): Promise<Float32Array> {
    const s = target.newSession();
    await s.forward(ctx, ctx.map((_, i) => i), causalMask(0, ctx.length));
    const f = s.features!([cfg.layers - 1])[0];
    s.release();
    return f;
  }

  it('the graph computes the heads as the trainer defines them (plain JavaScript over the same weights)', async () => {
    const D = cfg.hidden, N = manifest.draftVocabulary.length;
    const w = readSafetensors(join(MEDUSA_DIR, manifest.weights.file)).tensors;
    const norm = weights.get('model.norm.weight')!.data;
    const h = (await lastHidden(contexts[0])).slice(-D);
    let ms = 0;
    for (const x of h) ms += x * x;
    const n = Array.from(h, (x, i) => (x / Math.sqrt(ms / D + cfg.normEps)) * norm[i]);
    const got = await medusa.headLogits(Float32Array.from(h));
    for (let k = 0; k < manifest.config.heads; k++) {
      const W = w.get(`heads.${k}.proj.weight`)!.data, b = w.get(`heads.${k}.proj.bias`)!.data, out = w.get(`heads.${k}.out.weight`)!.data;
      const z = n.map((x, r) => { let a = b[r]; for (let c = 0; c < D; c++) a += W[r * D + c] * n[c]; return x + a / (1 + Math.exp(-a)); });
      let worst = 0;
      for (let j = 0; j < N; j++) {
        let l = 0;
        for (let c = 0; c < D; c++) l += out[j * D + c] * z[c];
        worst = Math.max(worst, Math.abs(l - got[k * N + j]));
      }
      assert.ok(worst < 1e-3, `head ${k}: largest difference ${worst}`);
    }
  });

  async function primed(ctx: number[]) {
    const req = medusa.begin();
    req.observe!(0, ctx.length, [await lastHidden(ctx)]);
    return req;
  }

  it('chains: head k\'s argmax at depth k from the hidden state before the bonus token; sampled chains carry each head\'s q', async () => {
    const N = manifest.draftVocabulary.length, D = cfg.hidden;
    for (const ctx of contexts) {
      const logits = await medusa.headLogits((await lastHidden(ctx)).slice(-D));
      const greedy = await (await primed(ctx)).propose({ tokens: [...ctx, 13], sampling: { temperature: 0, topP: 1, topK: -1 }, rand: seededRandom(1) }, 6);
      assert.equal(greedy.tokens.length, manifest.config.heads, 'a chain is at most as deep as the heads');
      assert.equal(greedy.steps, 1, 'one call per cycle');
      greedy.tokens.forEach((t, k) => assert.equal(t, manifest.draftVocabulary[argmax(logits.subarray(k * N, (k + 1) * N))]));
      const sampled = await (await primed(ctx)).propose({ tokens: [...ctx, 13], sampling: { temperature: 1, topP: 1, topK: -1 }, rand: seededRandom(1) }, 3);
      assert.equal(sampled.probs?.length, 3);
      sampled.probs!.forEach((q, k) => {
        assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        assert.ok(q[sampled.tokens[k]] > 0, 'the token was drawn from q');
      });
    }
    // without the features of the position before the bonus token there is nothing to draft from
    const req = medusa.begin();
    assert.equal((await req.propose({ tokens: [...contexts[0], 13], sampling: { temperature: 0, topP: 1, topK: -1 }, rand: seededRandom(1) }, 4)).tokens.length, 0);
  });

  it('trees: the static tree\'s paths, each node its head\'s choice of that rank; one-hot proposals', async () => {
    const N = manifest.draftVocabulary.length, D = cfg.hidden;
    const ctx = contexts[1];
    const logits = await medusa.headLogits((await lastHidden(ctx)).slice(-D));
    const p = await (await primed(ctx)).propose({ tokens: [...ctx, 13], sampling: { temperature: 0, topP: 1, topK: -1 }, rand: seededRandom(1), tree: { topK: 4, steps: 6 } }, 16);
    const tree = staticTree(manifest.validation.rankAccuracy, 4, manifest.config.heads, 16);
    assert.equal(p.tokens.length, 16);
    assert.deepEqual(p.parents, tree.parents);
    assert.equal(p.probs, undefined);
    tree.ranks.forEach((path, i) => {
      const k = path.length - 1;
      const order = Array.from({ length: N }, (_, j) => j).sort((a, b) => logits[k * N + b] - logits[k * N + a]);
      assert.equal(p.tokens[i], manifest.draftVocabulary[order[path[k]]], `node ${i} (ranks ${path})`);
    });
  });

  it('greedy decoding through chains and trees equals vanilla, and trees accept off their first chain', async () => {
    const opts = { maxNewTokens: 40, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, seed: 0 };
    let offChain = 0, accepted = 0;
    for (const ctx of contexts) {
      const vanilla = await generate(target, null, ctx, { ...opts, draftTokens: 0 });
      const chain = await generate(target, medusa, ctx, { ...opts, draftTokens: 4 });
      const tree = await generate(target, medusa, ctx, { ...opts, draftTokens: 16, tree: { topK: 4, steps: 6 } });
      assert.deepEqual(chain.tokens, vanilla.tokens);
      assert.deepEqual(tree.tokens, vanilla.tokens);
      offChain += tree.stats.offChainAccepts;
      accepted += chain.stats.acceptedDrafts;
    }
    assert.ok(accepted > 0, 'the heads never drafted an accepted token');
    assert.ok(offChain > 0, 'no cycle accepted a path off the first-child chain');
  });

  it('file mistakes name the file and field; PRISM\'s options are refused', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'prism-medusa-'));
    try {
      const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof DraftConfigError && re.test(e.message), String(re));
      bad(() => checkLearnedDraft('medusa', { draftsDir: join(tmp, 'nowhere') }), /nowhere\/medusa\/manifest\.json: missing/);
      bad(() => checkLearnedDraft('medusa', { stepMap: [0, 1] }), /stepMap and modules apply to PRISM-style drafts/);
      const dir = join(tmp, 'medusa');
      mkdirSync(dir);
      copyFileSync(join(MEDUSA_DIR, manifest.weights.file), join(dir, manifest.weights.file));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, validation: { ...manifest.validation, rankAccuracy: [[0.5]] } }));
      bad(() => checkMedusa(dir), /field validation\.rankAccuracy must hold one list of rank accuracies per head/);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, config: { ...manifest.config, featureLayers: [3] } }));
      bad(() => checkMedusa(dir, cfg), /field config\.featureLayers is \[3\], expected \[15\]/);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, weights: { ...manifest.weights, sha256: '0'.repeat(64) } }));
      bad(() => checkMedusa(dir), /does not match .*field weights\.sha256/);
    } finally { rmSync(tmp, { recursive: true, force: true }); }
  });
});
