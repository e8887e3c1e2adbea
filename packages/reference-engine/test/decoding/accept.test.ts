// Acceptance rules. Greedy: exact rules on synthetic logits. Sampled: the first token emitted by
// draft + verify must follow the target's own distribution; checked with a chi-square
// goodness-of-fit test on the shipped target's real distribution at a fixed prompt, for a
// deterministic draft (one-hot q), a real draft distribution (the target cut to its first layers:
// the fewest that overlap it) and the shipped eagle3 draft's own q over its reduced vocabulary, and shown to have power by catching deliberately wrong rules.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptDraft, type AcceptFaults } from '../../src/decoding/accept.ts';
import { argmax, distribution, sampleFrom, seededRandom, type SamplingParams } from '../../src/decoding/sampling.ts';
import { buildVerifyInputs, causalMask } from '../../src/decoding/verify.ts';
import { OnnxDecoder } from '../../src/model/target.ts';
import { readSafetensors } from '../../src/model/safetensors.ts';
import { TARGET_DIR, TOKENIZER_PATH, type DecoderConfig } from '../../src/model/config.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { chiSquareGoodnessOfFit, poolSmallCategories } from '../helpers/chisquare.ts';
import { LearnedDrafter } from '../../src/drafts/learned.ts';
import { DRAFT_ARCHITECTURES } from '../../src/drafts/index.ts';
import { DRAFTS_DIR, eagle3FeatureLayers } from '../../src/model/draft-config.ts';
import { targetGraphCache, draftGraphCache } from '../helpers/shipped-models.ts';

const GREEDY: SamplingParams = { temperature: 0, topP: 1, topK: -1 };

/** logits rows from plain arrays */
const L = (...rows: number[][]) => Float32Array.from(rows.flat());
const oneHotRow = (vocab: number, hot: number, value = 5) => Array.from({ length: vocab }, (_, i) => (i === hot ? value : 0));

describe('greedy acceptance (synthetic logits)', () => {
  const V = 6;
  const never = () => { throw new Error('greedy acceptance must not draw random numbers'); };

  it('accepts the whole chain when every draft is the argmax; bonus is the argmax after the last', () => {
    const logits = L(oneHotRow(V, 2), oneHotRow(V, 4), oneHotRow(V, 1), oneHotRow(V, 5));
    const r = acceptDraft({ logits, vocab: V, tokens: [2, 4, 1], parents: [-1, 0, 1] }, GREEDY, never);
    assert.deepEqual(r.acceptedPath, [0, 1, 2]);
    assert.equal(r.bonus, 5);
    assert.equal(r.faultUsed, false);
  });

  it('stops at the first mismatch; the bonus is the target argmax there', () => {
    const logits = L(oneHotRow(V, 2), oneHotRow(V, 4), oneHotRow(V, 1), oneHotRow(V, 5));
    const r = acceptDraft({ logits, vocab: V, tokens: [2, 3, 1], parents: [-1, 0, 1] }, GREEDY, never);
    assert.deepEqual(r.acceptedPath, [0]);
    assert.equal(r.bonus, 4);
    const none = acceptDraft({ logits, vocab: V, tokens: [0, 4, 1], parents: [-1, 0, 1] }, GREEDY, never);
    assert.deepEqual(none.acceptedPath, []);
    assert.equal(none.bonus, 2);
  });

  it('empty draft: vanilla decoding, the bonus is the argmax of the root row', () => {
    const r = acceptDraft({ logits: L([0, 1, 9, 3, 2, 1]), vocab: V, tokens: [], parents: [] }, GREEDY, never);
    assert.deepEqual(r, { acceptedPath: [], bonus: 2, faultUsed: false });
  });

  it('ties go to the smaller token id, as argmax does', () => {
    const row = [1, 7, 3, 7, 0, 0];
    assert.equal(argmax(row), 1);
    const r = acceptDraft({ logits: L(row, oneHotRow(V, 0)), vocab: V, tokens: [3], parents: [-1] }, GREEDY, never);
    assert.deepEqual(r.acceptedPath, []);
    assert.equal(r.bonus, 1);
  });

  it('trees: follows the child that matches the argmax, in any branch, down several levels', () => {
    // root -> [0] tok 1 -> [2] tok 3 ; root -> [1] tok 2 -> [3] tok 4 -> [4] tok 5 ; [1] -> [5] tok 0
    const tokens = [1, 2, 3, 4, 5, 0];
    const parents = [-1, -1, 0, 1, 3, 1];
    // fed rows: 0 root, 1..6 = draft 0..5
    const logits = L(oneHotRow(V, 2), oneHotRow(V, 3), oneHotRow(V, 4), oneHotRow(V, 0), oneHotRow(V, 5), oneHotRow(V, 3), oneHotRow(V, 1));
    const r = acceptDraft({ logits, vocab: V, tokens, parents }, GREEDY, never);
    assert.deepEqual(r.acceptedPath, [1, 3, 4]);
    assert.equal(r.bonus, 3); // row of draft 4 (fed index 5)
  });

  it('draft probabilities do not matter under greedy; temperatures below 1e-6 are greedy', () => {
    const logits = L(oneHotRow(V, 2), oneHotRow(V, 4));
    const q = Float64Array.from([0, 0, 0.01, 0, 0, 0.99]);
    for (const temperature of [0, 1e-7, 9.99e-7]) {
      const r = acceptDraft({ logits, vocab: V, tokens: [2], parents: [-1], probs: [q] }, { temperature, topP: 0.5, topK: 3 }, never);
      assert.deepEqual(r.acceptedPath, [0]);
      assert.equal(r.bonus, 4);
    }
  });

  it('the planted fault accepts exactly one wrong token and then follows the rules again', () => {
    const logits = L(oneHotRow(V, 2), oneHotRow(V, 4), oneHotRow(V, 1), oneHotRow(V, 5));
    const faults: AcceptFaults = { acceptWrongToken: true };
    const r = acceptDraft({ logits, vocab: V, tokens: [3, 4, 0], parents: [-1, 0, 1] }, GREEDY, never, faults);
    assert.deepEqual(r.acceptedPath, [0, 1]); // 3 is wrong (fault), 4 right, 0 wrong (fault used up)
    assert.equal(r.bonus, 1);
    assert.equal(r.faultUsed, true);
  });
});

describe('sampled acceptance, exact properties (synthetic)', () => {
  const V = 5;
  const T1: SamplingParams = { temperature: 1, topP: 1, topK: -1 };
  const logitsFor = (p: number[]) => p.map((x) => Math.log(x));

  it('a one-hot draft on a token the target cannot produce is never accepted; a sure token always is', () => {
    const rand = seededRandom(3);
    const p = [0.5, 0.3, 0.2, 1e-300, 1e-300];
    const sure = [1 - 4e-300, 1e-300, 1e-300, 1e-300, 1e-300];
    for (let i = 0; i < 2000; i++) {
      const a = acceptDraft({ logits: L(logitsFor(p), logitsFor(p)), vocab: V, tokens: [3], parents: [-1] }, { ...T1, topK: 3 }, rand);
      assert.deepEqual(a.acceptedPath, []);
      assert.ok(a.bonus <= 2, 'the bonus after rejecting comes from the residual: never the rejected token, never outside top-k');
      const b = acceptDraft({ logits: L(logitsFor(sure), logitsFor(p)), vocab: V, tokens: [0], parents: [-1] }, T1, rand);
      assert.deepEqual(b.acceptedPath, [0]);
    }
  });

  it('after rejecting a one-hot draft the bonus is never the rejected token', () => {
    const rand = seededRandom(5);
    const p = [0.4, 0.3, 0.2, 0.05, 0.05];
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const r = acceptDraft({ logits: L(logitsFor(p), logitsFor(p)), vocab: V, tokens: [1], parents: [-1] }, T1, rand);
      if (r.acceptedPath.length === 0) { rejected++; assert.notEqual(r.bonus, 1); }
    }
    assert.ok(rejected > 1500 && rejected < 2700, `rejections ${rejected} should be near 70%`);
  });

  it('with q = p every draft is accepted (nothing to correct)', () => {
    const rand = seededRandom(9);
    const p = [0.4, 0.3, 0.2, 0.05, 0.05];
    const q = Float64Array.from(distribution(logitsFor(p), T1));
    for (let i = 0; i < 1000; i++) {
      const x = sampleFrom(q, rand);
      const r = acceptDraft({ logits: L(logitsFor(p), logitsFor(p)), vocab: V, tokens: [x], parents: [-1], probs: [q] }, T1, rand);
      assert.deepEqual(r.acceptedPath, [0]);
    }
  });
});

describe('distribution(): top-k / top-p truncation', () => {
  /** straightforward reference: sort all ids by probability (ties to the smaller id), cut, renormalize */
  function reference(row: ArrayLike<number>, p: SamplingParams): number[] {
    const n = row.length;
    let max = -Infinity;
    for (let i = 0; i < n; i++) max = Math.max(max, row[i]);
    const e = Array.from(row, (x) => Math.exp((x - max) / p.temperature));
    const z = e.reduce((a, b) => a + b, 0);
    const probs = e.map((x) => x / z);
    const order = probs.map((_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    const k = p.topK > 0 ? Math.min(p.topK, n) : n;
    let keep = k, mass = 0;
    for (let r = 0; r < k; r++) { mass += probs[order[r]]; if (mass >= p.topP) { keep = r + 1; break; } }
    const out = new Array<number>(n).fill(0);
    let kept = 0;
    for (let r = 0; r < keep; r++) kept += probs[order[r]];
    for (let r = 0; r < keep; r++) out[order[r]] = probs[order[r]] / kept;
    return out;
  }

  it('matches a plain sort-based reference, ties included', () => {
    const rand = seededRandom(11);
    const rows: number[][] = [
      [1, 2, 2, 2, 0, 2, -1], // ties at the cut
      [0, 0, 0, 0, 0, 0], // all tied
      Array.from({ length: 300 }, () => Math.round(rand() * 6)), // many ties
      Array.from({ length: 4096 }, () => rand() * 10 - 5),
      [-1000, 0, -1000, 3, -1000], // underflowing tokens
    ];
    const settings: SamplingParams[] = [
      { temperature: 1, topP: 0.9, topK: -1 }, { temperature: 1, topP: 1, topK: 3 }, { temperature: 0.7, topP: 0.5, topK: 20 },
      { temperature: 1.3, topP: 0.999, topK: 0 }, { temperature: 1, topP: 1e-9, topK: -1 }, { temperature: 1, topP: 1, topK: 1 },
    ];
    for (const row of rows) for (const s of settings) {
      const got = Array.from(distribution(row, s));
      const want = reference(row, s);
      got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-15, `row of ${row.length}, ${JSON.stringify(s)}: token ${i} ${g} vs ${want[i]}`));
      assert.ok(Math.abs(got.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Chi-square: the emitted first token follows the target distribution

const N = 20000;
/** sibling-draft and power checks: enough for their purpose, and they keep the file's run time down */
const N_TREE = 10000;
/**
 * Candidate prompts; the first whose next-token distribution is spread enough for a meaningful
 * test is used (the top_p 0.9 nucleus holds >= 8 tokens and the runner-up has p >= 0.02), so the
 * test keeps its power whatever checkpoint is shipped.
 */
const PROMPTS = [
  'Question: What is the capital city of Australia?\nAnswer:',
  'Question: Describe a quiet morning in a small country town.\nAnswer:',
  'The',
  'It was a',
  'Once upon a time there',
];

describe('sampled verification preserves the target distribution (chi-square, shipped target)', () => {
  let target: OnnxDecoder;
  let draftModel: OnnxDecoder | undefined;
  let V = 0;
  let rootRow: Float32Array; // target logits for the first generated position
  let draftRow: Float32Array; // draft logits at the same position, from the target's first layers
  let draftLayers = 0;
  const rowAfter = new Map<number, Float32Array>(); // target logits after [prompt, x]
  let ctx: number[] = [];
  let root = 0;
  let chosen = '';

  before(async () => {
    const tok = Tokenizer.load(TOKENIZER_PATH);
    const manifest = JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig };
    const { tensors } = readSafetensors(join(TARGET_DIR, 'model.safetensors'));
    target = await OnnxDecoder.fromWeights(manifest.config, tensors, { threads: 1, ...targetGraphCache() });
    V = target.vocab;
    let prompt: number[] = [];
    for (const text of PROMPTS) {
      prompt = tok.encode(text);
      const s = target.newSession();
      const out = await s.forward(prompt, prompt.map((_, i) => i), causalMask(0, prompt.length));
      s.release();
      rootRow = out.slice((prompt.length - 1) * V, prompt.length * V);
      const nucleus = distribution(rootRow, { temperature: 1, topP: 0.9, topK: -1 }).filter((x) => x > 0).length;
      const sorted = Array.from(distribution(rootRow, { temperature: 1, topP: 1, topK: -1 })).sort((a, b) => b - a);
      if (nucleus >= 8 && sorted[1] >= 0.02) { chosen = text; break; }
    }
    assert.ok(chosen, 'no candidate prompt has a spread-out next-token distribution; add one to PROMPTS');
    ctx = prompt.slice(0, -1);
    root = prompt[prompt.length - 1];
    // the draft: the target cut to its first layers, the fewest whose distribution overlaps the
    // target's by at least 0.1 under every sampling setting tested (one layer of a deep target is
    // nearly disjoint from it, which would leave the rejection branch alone exercised)
    const p = distribution(rootRow, { temperature: 1, topP: 0.9, topK: -1 });
    for (let layers = 1; layers < manifest.config.layers; layers *= 2) {
      await draftModel?.release();
      draftModel = await OnnxDecoder.fromWeights(manifest.config, tensors, { threads: 1, layers, ...targetGraphCache() });
      const d = draftModel.newSession();
      const dOut = await d.forward(prompt, prompt.map((_, i) => i), causalMask(0, prompt.length));
      d.release();
      draftRow = dOut.slice((prompt.length - 1) * V, prompt.length * V);
      draftLayers = layers;
      const q = distribution(draftRow, { temperature: 1, topP: 0.9, topK: -1 });
      let overlap = 0;
      for (let v = 0; v < V; v++) overlap += Math.min(p[v], q[v]);
      if (overlap >= 0.1) break;
    }
  });
  after(async () => { await target?.release(); await draftModel?.release(); });

  /** Target rows after each candidate first token, by tree verify passes (all candidates children of the root). */
  async function ensureRows(xs: Iterable<number>): Promise<void> {
    const missing = [...new Set(xs)].filter((x) => !rowAfter.has(x));
    const chunk = Math.min(256, target.maxContext - ctx.length - 1);
    for (let i = 0; i < missing.length; i += chunk) {
      const part = missing.slice(i, i + chunk);
      const s = target.newSession();
      await s.forward(ctx, ctx.map((_, j) => j), causalMask(0, ctx.length));
      const inputs = buildVerifyInputs(s.length, root, { tokens: part, parents: part.map(() => -1) });
      const out = await s.forward(inputs.tokens, inputs.positions, inputs.mask);
      s.release();
      // row 0 is the root again: it must reproduce the prefill's last row
      if (i === 0) {
        let worst = 0;
        for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(out[v] - rootRow[v]));
        assert.ok(worst < 1e-3, `tree verify root row differs from prefill by ${worst}`);
      }
      part.forEach((x, j) => rowAfter.set(x, out.slice((j + 1) * V, (j + 2) * V)));
    }
  }

  type Draft = { kind: 'one-hot'; tokens: number[] } | { kind: 'q'; q: Float64Array; children: number };
  type Rule = (logits: Float32Array, tokens: number[], probs: Float64Array[] | undefined, params: SamplingParams, rand: () => number) => number;

  function report(t: { diagnostic: (m: string) => void }, r: { statistic: number; df: number; p: number; categories: number; acceptedFirst: number }, extra = ''): void {
    t.diagnostic(`chi-square ${r.statistic.toFixed(1)} on ${r.df} df (${r.categories} pooled categories), p = ${r.p.toExponential(3)}, first token = first draft ${r.acceptedFirst} times${extra ? `; ${extra}` : ''}`);
  }

  /** the engine's rule: the first emitted token is the first accepted draft, else the bonus */
  const engineRule = (faults: AcceptFaults = {}): Rule => (logits, tokens, probs, params, rand) => {
    const r = acceptDraft({ logits, vocab: V, tokens, parents: tokens.map(() => -1), probs }, params, rand, faults);
    return r.acceptedPath.length ? tokens[r.acceptedPath[0]] : r.bonus;
  };

  /** a textbook mistake: on rejection resample from p itself instead of the residual max(0, p - q) */
  const resampleFromP: Rule = (logits, tokens, probs, params, rand) => {
    const p = distribution(logits.subarray(0, V), params);
    const x = tokens[0], qx = probs ? probs[0][x] : 1;
    if (qx > 0 && rand() < Math.min(1, p[x] / qx)) return x;
    return sampleFrom(p, rand);
  };

  async function runTrials(params: SamplingParams, draft: Draft, rule: Rule, n: number, seed: number) {
    const rand = seededRandom(seed), draftRand = seededRandom(seed ^ 0x5eed);
    const width = draft.kind === 'one-hot' ? draft.tokens.length : draft.children;
    const proposals: number[][] = [];
    for (let i = 0; i < n; i++) {
      proposals.push(draft.kind === 'one-hot' ? draft.tokens : Array.from({ length: width }, () => sampleFrom(draft.q, draftRand)));
    }
    await ensureRows(proposals.flat());
    const logits = new Float32Array((width + 1) * V);
    logits.set(rootRow, 0);
    const counts = new Float64Array(V);
    let acceptedFirst = 0;
    const probs = draft.kind === 'q' ? Array.from({ length: width }, () => draft.q) : undefined;
    for (const tokens of proposals) {
      tokens.forEach((x, j) => logits.set(rowAfter.get(x)!, (j + 1) * V));
      const first = rule(logits, tokens, probs, params, rand);
      if (first === tokens[0]) acceptedFirst++;
      counts[first]++;
    }
    const p = distribution(rootRow, params);
    const pooled = poolSmallCategories(counts, Array.from(p, (v) => v * n));
    const test = pooled.expected.length >= 2 ? chiSquareGoodnessOfFit(pooled.observed, pooled.expected) : { statistic: 0, df: 0, p: 1 };
    return { ...test, outsideSupport: pooled.outsideSupport, categories: pooled.expected.length, acceptedFirst, p: test.p };
  }

  const configs: [string, SamplingParams][] = [
    ['temperature 1', { temperature: 1, topP: 1, topK: -1 }],
    ['temperature 1, top_p 0.9', { temperature: 1, topP: 0.9, topK: -1 }],
    ['temperature 1, top_k 20', { temperature: 1, topP: 1, topK: 20 }],
  ];

  /** the target's k-th most likely token at the first position (one-hot drafts pick it) */
  const ranked = (k: number) => Array.from(rootRow.keys()).sort((a, b) => rootRow[b] - rootRow[a] || a - b)[k];

  for (const [label, params] of configs) {
    it(`${label}: deterministic draft (one-hot q)`, async (t) => {
      const x = ranked(1);
      const r = await runTrials(params, { kind: 'one-hot', tokens: [x] }, engineRule(), N, 101);
      report(t, r, `prompt ${JSON.stringify(chosen)}, draft token p(x) = ${distribution(rootRow, params)[x].toFixed(4)}`);
      const px = distribution(rootRow, params)[x];
      assert.equal(r.outsideSupport, 0, 'a token outside the target support was emitted');
      assert.ok(r.categories >= 3, `only ${r.categories} categories: the distribution is too peaked for a meaningful test`);
      // both branches of the rule were exercised: accept (p(x) of the time) and reject + residual
      assert.ok(Math.abs(r.acceptedFirst / N - px) < 0.02, `acceptance rate ${r.acceptedFirst / N} vs p(x) = ${px}`);
      assert.ok(r.acceptedFirst > 200 && N - r.acceptedFirst > 200);
      assert.ok(r.p > 0.001, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df, p = ${r.p}`);
    });

    it(`${label}: draft with a real q (the target's first layers as the draft, same sampling settings)`, async (t) => {
      const q = distribution(draftRow, params);
      const p = distribution(rootRow, params);
      let overlap = 0;
      for (let v = 0; v < V; v++) overlap += Math.min(p[v], q[v]);
      assert.ok(overlap > 0.02 && overlap < 0.99, `q should differ from p but overlap it (sum min(p, q) = ${overlap})`);
      const r = await runTrials(params, { kind: 'q', q, children: 1 }, engineRule(), N, 202);
      report(t, r, `draft = first ${draftLayers} layer(s), sum min(p, q) = ${overlap.toFixed(3)}`);
      assert.equal(r.outsideSupport, 0, 'a token outside the target support was emitted');
      assert.ok(r.p > 0.001, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df, p = ${r.p}`);
    });
  }

  for (const [label, params] of configs) {
    it(`${label}: the learned eagle3 draft's own q (reduced vocabulary mapped to target ids)`, async (t) => {
      const manifest = JSON.parse(readFileSync(join(TARGET_DIR, 'manifest.json'), 'utf8')) as { config: DecoderConfig };
      const { tensors } = readSafetensors(join(TARGET_DIR, 'model.safetensors'));
      const featured = await OnnxDecoder.fromWeights(manifest.config, tensors, { threads: 1, hiddenAfterLayers: eagle3FeatureLayers(manifest.config), ...targetGraphCache() });
      const drafter = await LearnedDrafter.load(join(DRAFTS_DIR, 'eagle3'), DRAFT_ARCHITECTURES.eagle3, manifest.config, tensors, draftGraphCache());
      let q: Float64Array;
      try {
        // features of the context before the root; the root is the token the draft's extend pass reads
        const s = featured.newSession();
        await s.forward(ctx, ctx.map((_, i) => i), causalMask(0, ctx.length));
        const req = drafter.begin();
        req.observe!(0, ctx.length, s.features!(drafter.featureLayers));
        s.release();
        const proposal = await req.propose({ tokens: [...ctx, root], sampling: params, rand: Math.random }, 1);
        q = proposal.probs![0];
      } finally { await drafter.release(); await featured.release(); }
      const p = distribution(rootRow, params);
      let overlap = 0, qMass = 0, outside = 0;
      for (let v = 0; v < V; v++) { overlap += Math.min(p[v], q[v]); qMass += q[v]; }
      const inVocab = new Set(drafter.vocabulary);
      for (let v = 0; v < V; v++) if (q[v] > 0 && !inVocab.has(v)) outside++;
      assert.ok(Math.abs(qMass - 1) < 1e-9, `q sums to ${qMass}`);
      assert.equal(outside, 0, 'q puts mass only on the draft vocabulary');
      assert.ok(overlap > 0.02 && overlap < 0.99, `q should differ from p but overlap it (sum min(p, q) = ${overlap})`);
      const r = await runTrials(params, { kind: 'q', q, children: 1 }, engineRule(), N, 404);
      report(t, r, `draft = first ${draftLayers} layer(s), sum min(p, q) = ${overlap.toFixed(3)}`);
      assert.equal(r.outsideSupport, 0, 'a token outside the target support was emitted');
      assert.ok(r.p > 0.001, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df, p = ${r.p}`);
    });
  }

  it('temperature 1: two sibling drafts (tree), sampled i.i.d. from q, with residual updates between them', async (t) => {
    const q = distribution(draftRow, configs[0][1]);
    const r = await runTrials(configs[0][1], { kind: 'q', q, children: 2 }, engineRule(), N_TREE, 303);
    report(t, r);
    assert.equal(r.outsideSupport, 0);
    assert.ok(r.p > 0.001, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df, p = ${r.p}`);
  });

  it('temperature 1, top_k 20: two sibling one-hot drafts (ranks 1 and 2)', async (t) => {
    const params = configs[2][1];
    const r = await runTrials(params, { kind: 'one-hot', tokens: [ranked(1), ranked(2)] }, engineRule(), N_TREE, 404);
    report(t, r);
    assert.equal(r.outsideSupport, 0);
    assert.ok(r.p > 0.001, `chi-square ${r.statistic.toFixed(1)} on ${r.df} df, p = ${r.p}`);
  });

  describe('the test has power: wrong rules are detected', () => {
    const M = 5000;
    it('accepting the draft always (the engine\'s planted fault) is caught, one-hot and real q', async (t) => {
      const params = configs[0][1];
      const oneHot = await runTrials(params, { kind: 'one-hot', tokens: [ranked(1)] }, engineRule({ acceptWrongToken: true }), M, 505);
      report(t, oneHot, 'one-hot');
      assert.ok(oneHot.p < 1e-6, `one-hot accept-always: p = ${oneHot.p}`);
      const withQ = await runTrials(params, { kind: 'q', q: distribution(draftRow, params), children: 1 }, engineRule({ acceptWrongToken: true }), M, 606);
      report(t, withQ, 'real q');
      assert.ok(withQ.p < 1e-6, `real-q accept-always: p = ${withQ.p}`);
    });

    it('resampling from p instead of the residual after a rejection is caught', async (t) => {
      for (const [label, params] of [configs[0], configs[1]]) {
        const oneHot = await runTrials(params, { kind: 'one-hot', tokens: [ranked(1)] }, resampleFromP, M, 707);
        report(t, oneHot, `${label}, one-hot`);
        assert.ok(oneHot.p < 1e-6, `${label}, one-hot: p = ${oneHot.p}`);
        const withQ = await runTrials(params, { kind: 'q', q: distribution(draftRow, params), children: 1 }, resampleFromP, M, 808);
        report(t, withQ, `${label}, real q`);
        assert.ok(withQ.p < 1e-6, `${label}, real q: p = ${withQ.p}`);
      }
    });
  });
});
