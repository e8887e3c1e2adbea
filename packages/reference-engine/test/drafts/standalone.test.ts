// The standalone draft model: its chains are the small model's own greedy decoding, whatever
// the cache held from earlier cycles (rollback and catch-up); in its trees every expanded
// node's children are the top-k of decoding that node's branch alone (the tree mask over its
// own cache); greedy decoding through chains and trees equals vanilla; file mistakes are named.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors, sha256File } from '../../src/model/safetensors.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { DRAFTS_DIR } from '../../src/model/draft-config.ts';
import { StandaloneDrafter, checkStandalone, type StandaloneManifest } from '../../src/drafts/standalone.ts';
import { topIndices, draftLogProbs } from '../../src/drafts/dynamic-tree.ts';
import { DraftConfigError } from '../../src/drafts/draft-files.ts';
import { generate } from '../../src/decoding/generate.ts';
import { causalMask } from '../../src/decoding/verify.ts';
import { argmax, seededRandom } from '../../src/decoding/sampling.ts';
import { targetGraphCache } from '../helpers/shipped-models.ts';

const STANDALONE_DIR = join(DRAFTS_DIR, 'standalone');
const greedy = { temperature: 0, topP: 1, topK: -1 };

describe('the shipped standalone draft model', () => {
  let cfg: DecoderConfig;
  let target: OnnxDecoder;
  let draft: StandaloneDrafter;
  let small: OnnxDecoder;
  let manifest: StandaloneManifest & Record<string, unknown>;
  let contexts: number[][];
  let tok: Tokenizer;
  before(async () => {
    cfg = (JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
    target = await OnnxDecoder.fromWeights(cfg, readSafetensors(join(TARGET_DIR, 'model.safetensors')).tensors, { threads: 1, ...targetGraphCache() });
    draft = await StandaloneDrafter.load(STANDALONE_DIR, cfg);
    manifest = JSON.parse(readFileSync(join(STANDALONE_DIR, 'manifest.json'), 'utf8'));
    // the same weights in a model of its own, to decode branches alone
    small = await OnnxDecoder.fromWeights(manifest.config, readSafetensors(join(STANDALONE_DIR, manifest.weights.file)).tensors, { threads: 1 });
    tok = Tokenizer.load(TOKENIZER_PATH);
    contexts = ['Question: What is the capital of France?\nAnswer:', 'The jury said it did find that the city', 'def add(a, b):\n    return'].map((t) => tok.encode(t));
  });
  after(async () => { await draft?.release(); await small?.release(); await target?.release(); });

  /** the small model's logits after `tokens`, decoded from scratch */
  async function alone(tokens: number[]): Promise<Float32Array> {
    const s = small.newSession();
    const out = await s.forward(tokens, tokens.map((_, i) => i), causalMask(0, tokens.length));
    s.release();
    return out.slice((tokens.length - 1) * cfg.vocab);
  }

  it('manifest: matches its weights, the target\'s tokenizer and the feature drafts\' data budget', () => {
    const eagle3 = JSON.parse(readFileSync(join(DRAFTS_DIR, 'eagle3', 'manifest.json'), 'utf8'));
    assert.equal(manifest.weights.sha256, sha256File(join(STANDALONE_DIR, manifest.weights.file)));
    assert.equal((manifest.target as { weightsSha256: string }).weightsSha256, sha256File(join(TARGET_DIR, 'model.safetensors')));
    assert.deepEqual(manifest.dataBudget, eagle3.dataBudget);
    assert.equal(manifest.config.vocab, cfg.vocab);
    assert.ok(manifest.config.layers < cfg.layers);
  });

  it('chains are the small model\'s greedy decoding, across cycles that roll its cache back', async () => {
    const req = draft.begin();
    for (const [c, ctx] of contexts.entries()) {
      // cycle 1; cycle 2 keeps part of cycle 1's draft and adds another token; cycle 3 diverges early
      const first = await req.propose({ tokens: ctx, sampling: greedy, rand: seededRandom(1) }, 5);
      const next = [...ctx, ...first.tokens.slice(0, 2), 7];
      const second = await req.propose({ tokens: next, sampling: greedy, rand: seededRandom(1) }, 4);
      const third = await req.propose({ tokens: [...ctx.slice(0, 3), 11], sampling: greedy, rand: seededRandom(1) }, 3);
      for (const [tokens, p] of [[ctx, first], [next, second], [[...ctx.slice(0, 3), 11], third]] as const) {
        const want: number[] = [];
        for (let s = 0; s < p.tokens.length; s++) want.push(argmax(await alone([...tokens, ...want])));
        assert.deepEqual(p.tokens, want, `context ${c}`);
      }
      assert.equal(first.steps, 5);
    }
    // sampled: q is the small model's distribution, and the token was drawn from it
    const s = await draft.begin().propose({ tokens: contexts[0], sampling: { temperature: 1, topP: 1, topK: -1 }, rand: seededRandom(3) }, 3);
    s.probs!.forEach((q, i) => { assert.ok(Math.abs(q.reduce((a, b) => a + b, 0) - 1) < 1e-9); assert.ok(q[s.tokens[i]] > 0); });
  });

  it('trees: every expanded node\'s children are the top-k of decoding its branch alone', async () => {
    const topK = 3;
    let expanded = 0;
    for (const ctx of contexts) {
      const p = await draft.begin().propose({ tokens: ctx, sampling: greedy, rand: seededRandom(1), tree: { topK, steps: 4 } }, 12);
      assert.equal(p.probs, undefined);
      const path = (i: number): number[] => (i < 0 ? [] : [...path(p.parents[i]), p.tokens[i]]);
      for (let parent = -1; parent < p.tokens.length; parent++) {
        const kids = p.tokens.filter((_, i) => p.parents[i] === parent);
        if (kids.length === 0) continue;
        const best = topIndices(draftLogProbs(await alone([...ctx, ...path(parent)]), greedy), topK);
        // the kept children are the best of the node's top-k (maxTokens may cut the weakest)
        assert.deepEqual(kids, best.slice(0, kids.length), `children of node ${parent}`);
        if (parent >= 0) expanded++;
      }
    }
    assert.ok(expanded >= 3, 'nodes below the root were expanded: the tree mask is exercised');
  });

  it('greedy decoding through chains and trees equals vanilla', async () => {
    const opts = { maxNewTokens: 40, sampling: greedy, ignoreEos: true, eosId: tok.eosId, seed: 0 };
    let accepted = 0;
    for (const ctx of contexts) {
      const vanilla = await generate(target, null, ctx, { ...opts, draftTokens: 0 });
      const chain = await generate(target, draft, ctx, { ...opts, draftTokens: 4 });
      const tree = await generate(target, draft, ctx, { ...opts, draftTokens: 10, tree: { topK: 3, steps: 4 } });
      assert.deepEqual(chain.tokens, vanilla.tokens);
      assert.deepEqual(tree.tokens, vanilla.tokens);
      accepted += chain.stats.acceptedDrafts;
    }
    assert.ok(accepted > 0, 'no drafted token was ever accepted');
  });

  it('file mistakes name the file and field', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'prism-standalone-'));
    try {
      const dir = join(tmp, 'standalone');
      mkdirSync(dir);
      copyFileSync(join(STANDALONE_DIR, manifest.weights.file), join(dir, manifest.weights.file));
      const bad = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: Error) => e instanceof DraftConfigError && re.test(e.message), String(re));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, config: { ...manifest.config, vocab: 100 } }));
      bad(() => checkStandalone(dir, cfg), /field config\.vocab is 100, the target's is 4096/);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, method: 'medusa' }));
      bad(() => checkStandalone(dir), /field method is 'medusa', expected 'standalone'/);
    } finally { rmSync(tmp, { recursive: true, force: true }); }
  });
});
