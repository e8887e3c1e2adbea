// Greedy speculative decoding is lossless: prompt-lookup (ngram) drafting with greedy
// verification emits exactly the tokens vanilla greedy decoding emits, on every built-in prompt
// (100 prompts, first turn, 48 new tokens), with the shipped target on onnxruntime, in-process.
// The comparison is only meaningful if drafts were actually accepted, so that is asserted too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxDecoder } from '../../src/reference/model/target.ts';
import { Tokenizer } from '../../src/reference/model/tokenizer.ts';
import { TARGET_DIR, TOKENIZER_PATH } from '../../src/reference/model/config.ts';
import { generate, type GenerateOptions } from '../../src/reference/decoding/generate.ts';
import { NgramDrafter } from '../../src/reference/drafts/ngram.ts';
import { BUILTIN_DATASETS, PROMPTS_DIR, loadDataset } from '../../src/suite/datasets.ts';
import { questionAnswerPrompt } from '../../src/engines/prompt.ts';

const MAX_NEW = 48;

let model: OnnxDecoder;
let tok: Tokenizer;
before(async () => {
  model = await OnnxDecoder.load(TARGET_DIR);
  tok = Tokenizer.load(TOKENIZER_PATH);
});
after(async () => { await model?.release(); });

test('greedy ngram output is token-identical to greedy vanilla on all built-in prompts', async (t) => {
  const prompts = BUILTIN_DATASETS.flatMap((name) => loadDataset(name, PROMPTS_DIR).prompts);
  assert.equal(prompts.length, 100, 'expected the 100 built-in prompts');
  const base: Omit<GenerateOptions, 'draftTokens'> = {
    maxNewTokens: MAX_NEW,
    sampling: { temperature: 0, topP: 1, topK: -1 },
    // ignore EOS so every prompt compares the full 48 tokens
    ignoreEos: true,
    eosId: tok.eosId,
    seed: 0,
  };
  const drafter = new NgramDrafter({ ngramMin: 1, ngramMax: 4 });
  let accepted = 0, proposed = 0, cycles = 0, tokens = 0, withAccepts = 0;
  const mismatches: string[] = [];
  for (const p of prompts) {
    const text = questionAnswerPrompt([p.turns[0]], []);
    assert.equal(text, `Question: ${p.turns[0].trim()}\nAnswer:`);
    const ids = tok.encode(text);
    const vanilla = await generate(model, null, ids, { ...base, draftTokens: 0 });
    const ngram = await generate(model, drafter, ids, { ...base, draftTokens: 6 });
    assert.equal(vanilla.tokens.length, MAX_NEW, `${p.id}: vanilla stopped early`);
    assert.equal(vanilla.stats.verifyCycles, MAX_NEW - 1, `${p.id}: vanilla is one forward pass per token after prefill`);
    if (ngram.tokens.join(',') !== vanilla.tokens.join(',')) {
      const at = ngram.tokens.findIndex((x, i) => x !== vanilla.tokens[i]);
      mismatches.push(`${p.id}: first difference at token ${at} (vanilla ${vanilla.tokens[at]} ${JSON.stringify(tok.decode([vanilla.tokens[at]]))}, ngram ${ngram.tokens[at]} ${JSON.stringify(tok.decode([ngram.tokens[at] ?? 0]))}); lengths ${vanilla.tokens.length} / ${ngram.tokens.length}`);
    }
    const s = ngram.stats;
    assert.equal(s.completionTokens, MAX_NEW);
    // accounting: every cycle emits its accepted drafts plus one token; the first token comes from prefill
    assert.equal(s.acceptedHistogram.reduce((a, b) => a + b, 0), s.verifyCycles, `${p.id}: histogram counts every cycle`);
    assert.equal(s.acceptedHistogram.reduce((a, n, k) => a + n * k, 0), s.acceptedDrafts, `${p.id}: histogram sums to the accepted drafts`);
    assert.ok(s.acceptedDrafts + s.verifyCycles + 1 >= MAX_NEW, `${p.id}: cycles and accepted drafts account for the output`);
    assert.ok(s.acceptedDrafts <= s.proposedDrafts);
    accepted += s.acceptedDrafts; proposed += s.proposedDrafts; cycles += s.verifyCycles; tokens += s.completionTokens;
    if (s.acceptedDrafts > 0) withAccepts++;
  }
  t.diagnostic(`ngram: ${accepted} of ${proposed} drafted tokens accepted over ${cycles} verify cycles on ${prompts.length} prompts; ` +
    `${withAccepts} prompts had accepted drafts; pooled acceptance length ${(tokens / cycles).toFixed(3)} (tokens incl. the prefill token / cycles)`);
  assert.deepEqual(mismatches, [], `ngram diverged from vanilla on ${mismatches.length} prompts`);
  assert.ok(accepted > 0, 'ngram accepted no drafts at all: the comparison would be vacuous');
  assert.ok(withAccepts >= 5, `only ${withAccepts} prompts had accepted drafts`);
  assert.ok(cycles < prompts.length * (MAX_NEW - 1), 'accepted drafts must save verify cycles');
});
