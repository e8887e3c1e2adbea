// The verify pass on the shipped target: a forward over k tokens (chain or tree, by mask) must
// give every fed token the logits it would get from plain token-by-token decoding, and the KV
// cache rollback (truncate, keepFed) must leave a cache indistinguishable from decoding the kept
// tokens from scratch. Tolerance: float32 reassociation only (observed ~2e-6 on logits of ~10).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxDecoder } from '../../src/model/target.ts';
import { TARGET_DIR, TOKENIZER_PATH } from '../../src/model/config.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { buildVerifyInputs, causalMask } from '../../src/decoding/verify.ts';
import { argmax, seededRandom } from '../../src/decoding/sampling.ts';
import { generate } from '../../src/decoding/generate.ts';
import type { KvSession } from '../../src/decoding/model.ts';
import type { DraftProposal, Drafter } from '../../src/drafts/types.ts';
import { chainParents } from '../../src/drafts/types.ts';

const TOL = 2e-4;

let model: OnnxDecoder;
let tok: Tokenizer;
let prompt: number[];
let V: number;

before(async () => {
  model = await OnnxDecoder.load(TARGET_DIR);
  tok = Tokenizer.load(TOKENIZER_PATH);
  V = model.vocab;
  prompt = tok.encode('Question: Who wrote the novel Moby Dick, and in what year was it published?\nAnswer:');
});
after(async () => { await model?.release(); });

const row = (logits: Float32Array, i: number) => logits.slice(i * V, (i + 1) * V);

function assertRowsClose(actual: Float32Array, expected: Float32Array, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  assert.ok(worst <= TOL * Math.max(1, scale), `${what}: logits differ by up to ${worst} (logit scale ${scale.toFixed(2)}, tolerance ${TOL} relative)`);
  // the logits are not degenerate: a sensible test needs rows that actually vary
  assert.ok(scale > 0.5, `${what}: logits are all near zero`);
  return worst;
}

async function prefill(s: KvSession, tokens: number[]): Promise<Float32Array> {
  return s.forward(tokens, tokens.map((_, i) => s.length + i), causalMask(s.length, tokens.length));
}

/** Feeds tokens one at a time; returns the logits row after each. */
async function stepByStep(s: KvSession, tokens: number[]): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for (const t of tokens) rows.push((await s.forward([t], [s.length], causalMask(s.length, 1))).slice());
  return rows;
}

/** Logits after the last token of `tokens`, decoded from an empty cache. */
async function fromScratch(tokens: number[]): Promise<Float32Array> {
  const s = model.newSession();
  try {
    const out = await prefill(s, tokens);
    return row(out, tokens.length - 1);
  } finally { s.release(); }
}

/** A draft that mixes plausible and arbitrary tokens, like a real one that is sometimes wrong. */
function mixedDraft(seed: number, n: number, greedyContinuation: number[]): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => (r() < 0.5 && i < greedyContinuation.length ? greedyContinuation[i] : Math.floor(r() * (V - 1))));
}

async function greedyContinuation(ctx: number[], n: number): Promise<number[]> {
  const s = model.newSession();
  try {
    let last = row(await prefill(s, ctx), ctx.length - 1);
    const out: number[] = [];
    for (let i = 0; i < n; i++) { out.push(argmax(last)); last = row(await s.forward([out[i]], [s.length], causalMask(s.length, 1)), 0); }
    return out;
  } finally { s.release(); }
}

/** After a rollback, `s` must decode on exactly as a fresh session holding `kept` does. */
async function assertContinuesLikeFresh(s: KvSession, kept: number[], what: string): Promise<void> {
  const next = await greedyContinuation(kept, 5);
  const after = await stepByStep(s, next);
  const ref = model.newSession();
  try {
    await prefill(ref, kept);
    const refRows = await stepByStep(ref, next);
    for (let i = 0; i < next.length; i++) assertRowsClose(after[i], refRows[i], `step ${i} after ${what}`);
  } finally { ref.release(); }
}

describe('buildVerifyInputs', () => {
  it('chain: positions continue the cache, mask is causal over the fed tokens and open over the cache', () => {
    const v = buildVerifyInputs(5, 9, { tokens: [1, 2, 3], parents: chainParents(3) });
    assert.deepEqual(v.tokens, [9, 1, 2, 3]);
    assert.deepEqual(v.positions, [5, 6, 7, 8]);
    assert.deepEqual(Array.from(v.mask), Array.from(causalMask(5, 4)));
  });

  it('tree: depth positions, each token sees the cache, its ancestors and itself only', () => {
    // root -> a -> b ; root -> c ; a -> d
    const v = buildVerifyInputs(2, 100, { tokens: [10, 11, 12, 13], parents: [-1, 0, -1, 0] });
    assert.deepEqual(v.positions, [2, 3, 4, 3, 4]);
    const W = 2 + 5;
    const allowed = (i: number) => Array.from({ length: W }, (_, j) => (v.mask[i * W + j] === 0 ? 1 : 0)).join('');
    // columns: cache0 cache1 root a b c d
    assert.equal(allowed(0), '1110000');
    assert.equal(allowed(1), '1111000');
    assert.equal(allowed(2), '1111100');
    assert.equal(allowed(3), '1110010');
    assert.equal(allowed(4), '1111001');
    for (const x of v.mask) assert.ok(x === 0 || x === -Infinity);
  });

  it('rejects parents that do not come before their child', () => {
    assert.throws(() => buildVerifyInputs(0, 1, { tokens: [5, 6], parents: [-1, 1] }), /draft token 1 has parent 1/);
    assert.throws(() => buildVerifyInputs(0, 1, { tokens: [5], parents: [3] }), /does not come before/);
  });
});

describe('verify pass on the shipped target', () => {
  it('prefill in one pass equals prefill in chunks equals token-by-token', async () => {
    const whole = model.newSession(), chunks = model.newSession(), steps = model.newSession();
    try {
      const a = await prefill(whole, prompt);
      const cut = Math.floor(prompt.length / 3);
      const b1 = await prefill(chunks, prompt.slice(0, cut));
      const b2 = await prefill(chunks, prompt.slice(cut));
      const c = await stepByStep(steps, prompt);
      for (let i = 0; i < prompt.length; i++) {
        const fromChunks = i < cut ? row(b1, i) : row(b2, i - cut);
        assertRowsClose(row(a, i), c[i], `prompt position ${i}, one pass vs step by step`);
        assertRowsClose(fromChunks, c[i], `prompt position ${i}, chunks vs step by step`);
      }
      assert.equal(whole.length, prompt.length);
      assert.equal(chunks.length, prompt.length);
    } finally { whole.release(); chunks.release(); steps.release(); }
  });

  for (const k of [1, 2, 4, 8, 16]) {
    it(`chain verify over k=${k} fed tokens equals decoding them one by one`, async () => {
      const ctx = prompt.slice(0, prompt.length - 1);
      const root = prompt[prompt.length - 1];
      const cont = await greedyContinuation(prompt, k);
      const draft = mixedDraft(k, k - 1, cont);
      const verifySession = model.newSession(), stepSession = model.newSession();
      try {
        await prefill(verifySession, ctx);
        await prefill(stepSession, ctx);
        const inputs = buildVerifyInputs(verifySession.length, root, { tokens: draft, parents: chainParents(draft.length) });
        const logits = await verifySession.forward(inputs.tokens, inputs.positions, inputs.mask);
        assert.equal(logits.length, k * V);
        const ref = await stepByStep(stepSession, [root, ...draft]);
        for (let i = 0; i < k; i++) assertRowsClose(row(logits, i), ref[i], `k=${k}, fed token ${i}`);
        assert.equal(verifySession.length, ctx.length + k);
        // the cache written by the verify pass is as good as the step-by-step one: the next step agrees
        const nextTok = argmax(ref[k - 1]);
        const a = await verifySession.forward([nextTok], [verifySession.length], causalMask(verifySession.length, 1));
        const b = await stepSession.forward([nextTok], [stepSession.length], causalMask(stepSession.length, 1));
        assertRowsClose(a, b, `k=${k}, step after the verify pass`);
      } finally { verifySession.release(); stepSession.release(); }
    });
  }

  it('tree mask: every branch gets the logits of decoding that branch alone', async () => {
    const ctx = prompt.slice(0, prompt.length - 1);
    const root = prompt[prompt.length - 1];
    const cont = await greedyContinuation(prompt, 3);
    const r = seededRandom(7);
    const rnd = () => Math.floor(r() * (V - 1));
    // root -> a -> b -> c ; root -> d -> e ; root -> a -> f ; root -> g ; d repeats a's token in another branch
    const [a, b, c, e, f, g] = [cont[0], cont[1], cont[2], rnd(), rnd(), rnd()];
    const tokens = [a, b, c, a, e, f, g];
    const parents = [-1, 0, 1, -1, 3, 0, -1];
    const s = model.newSession();
    try {
      await prefill(s, ctx);
      const inputs = buildVerifyInputs(s.length, root, { tokens, parents });
      const logits = await s.forward(inputs.tokens, inputs.positions, inputs.mask);
      const pathTo = (i: number): number[] => (i < 0 ? [] : [...pathTo(parents[i]), tokens[i]]);
      assertRowsClose(row(logits, 0), await fromScratch([...ctx, root]), 'root');
      const rows: Float32Array[] = [];
      for (let i = 0; i < tokens.length; i++) {
        rows.push(row(logits, i + 1));
        assertRowsClose(rows[i], await fromScratch([...ctx, root, ...pathTo(i)]), `tree node ${i} (path ${pathTo(i).join(' ')})`);
      }
      // the same token in two branches (a at index 0 and 3, both children of the root) gets the same logits,
      // and siblings do not leak into each other: b (after a) differs from e (after the second a) only by token
      assertRowsClose(rows[3], rows[0], 'same token, same depth, different branch');
      const diff = rows[1].reduce((m, x, i) => Math.max(m, Math.abs(x - rows[6][i])), 0);
      assert.ok(diff > 1e-2, 'different branches must give different logits (else the check above proves nothing)');
    } finally { s.release(); }
  });
});

describe('KV cache rollback', () => {
  it('truncate after a partly rejected chain, then further decoding, equals decoding from scratch', async () => {
    const cont = await greedyContinuation(prompt, 3);
    const root = cont[0];
    const draft = [cont[1], cont[2], 17, 99, 1234, 5]; // two good tokens, then junk
    const s = model.newSession();
    try {
      await prefill(s, prompt);
      const past = s.length;
      const inputs = buildVerifyInputs(past, root, { tokens: draft, parents: chainParents(draft.length) });
      await s.forward(inputs.tokens, inputs.positions, inputs.mask);
      assert.equal(s.length, past + 7);
      s.truncate(past + 1 + 2); // keep root + 2 accepted drafts
      assert.equal(s.length, past + 3);
      await assertContinuesLikeFresh(s, [...prompt, root, draft[0], draft[1]], 'truncate');
    } finally { s.release(); }
  });

  it('keepFed on a non-first tree branch compacts the cache: further decoding equals decoding from scratch', async () => {
    const cont = await greedyContinuation(prompt, 3);
    const root = cont[0];
    // branch 1: junk; branch 2 (accepted): cont[1] -> cont[2]; a junk leaf under branch 2 too
    const tokens = [3000, 3001, cont[1], 42, cont[2]];
    const parents = [-1, 0, -1, 2, 2];
    const s = model.newSession();
    try {
      await prefill(s, prompt);
      const past = s.length;
      const inputs = buildVerifyInputs(past, root, { tokens, parents });
      await s.forward(inputs.tokens, inputs.positions, inputs.mask);
      s.keepFed([0, 3, 5]); // root, tokens[2], tokens[4] (fed indices = draft index + 1)
      assert.equal(s.length, past + 3);
      await assertContinuesLikeFresh(s, [...prompt, root, cont[1], cont[2]], 'keepFed');
    } finally { s.release(); }
  });

  it('truncate to zero and reuse equals a fresh session; truncate outside the cache is refused', async () => {
    const s = model.newSession();
    try {
      await prefill(s, [5, 6, 7, 8, 9, 10, 11]);
      s.truncate(0);
      const again = await prefill(s, prompt);
      assertRowsClose(row(again, prompt.length - 1), await fromScratch(prompt), 'after truncate(0)');
      assert.throws(() => s.truncate(prompt.length + 1), /outside 0\.\./);
      assert.throws(() => s.truncate(-1), /outside/);
    } finally { s.release(); }
  });

  it('context overflow and a wrong mask size are errors, not silent garbage', async () => {
    const s = model.newSession();
    try {
      await assert.rejects(s.forward([1, 2], [0, 1], new Float32Array(3)), /attention mask has 3 entries, expected 2 x 2/);
      const long = Array.from({ length: model.maxContext + 1 }, (_, i) => i % 100);
      await assert.rejects(s.forward(long, long.map((_, i) => i), causalMask(0, long.length)), /context overflow/);
    } finally { s.release(); }
  });
});

describe('generate() with tree drafts is lossless under greedy decoding', () => {
  /** Proposes two branches each cycle: junk first, then (second) the target's true continuation. */
  class OracleSecondBranch implements Drafter {
    readonly method = 'oracle-tree';
    readonly featureLayers = [];
    constructor(private readonly reference: number[], private readonly promptLen: number) {}
    begin() { return { propose: (ctx: { tokens: readonly number[] }, maxTokens: number) => this.propose(ctx, maxTokens) }; }
    propose(ctx: { tokens: readonly number[] }, maxTokens: number): DraftProposal {
      const done = ctx.tokens.length - this.promptLen;
      const truth = this.reference.slice(done, done + Math.max(1, maxTokens - 1));
      if (truth.length === 0 || maxTokens < 2) return { tokens: [], parents: [], steps: 0 };
      const junk = (truth[0] + 1) % (tok.vocabSize - 1);
      const n = Math.min(truth.length, maxTokens - 1);
      return { tokens: [junk, ...truth.slice(0, n)], parents: [-1, -1, ...chainParents(n - 1).map((p) => p + 2)].slice(0, n + 1), steps: 1 };
    }
  }

  it('output equals vanilla greedy token for token, and the tree branch was actually accepted', async () => {
    const opts = { maxNewTokens: 24, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, eosId: tok.eosId, seed: 1, draftTokens: 5 };
    const vanilla = await generate(model, null, prompt, { ...opts, draftTokens: 0 });
    const tree = await generate(model, new OracleSecondBranch(vanilla.tokens, prompt.length), prompt, opts);
    assert.deepEqual(tree.tokens, vanilla.tokens);
    assert.ok(tree.stats.acceptedDrafts > 10, `the second branch should be accepted (accepted ${tree.stats.acceptedDrafts})`);
    assert.ok(tree.stats.verifyCycles < vanilla.stats.verifyCycles / 2);
  });
});
