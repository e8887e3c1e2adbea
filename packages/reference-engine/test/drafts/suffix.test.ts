// The suffix draft on hand-worked contexts: proposals from the request's own tokens, the match
// length capping the proposal, the global trie over earlier requests' outputs and its bound.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SUFFIX_DEFAULTS, SuffixDrafter } from '../../src/drafts/suffix.ts';
import { createDrafter } from '../../src/drafts/index.ts';
import type { DraftContext, DraftProposal } from '../../src/drafts/types.ts';
import type { DecoderConfig } from '../../src/model/config.ts';
import type { Weights } from '../../src/model/target.ts';

const greedy = { temperature: 0, topP: 1, topK: -1 };
const ctx = (tokens: number[]): DraftContext => ({ tokens, sampling: greedy, rand: Math.random });
const opts = { ...SUFFIX_DEFAULTS, maxTreeDepth: 8, maxSpecFactor: 4, minTokenProb: 0.1 };

describe('SuffixDrafter', () => {
  it('proposes what followed the context\'s suffix earlier in the request', async () => {
    const d = new SuffixDrafter(opts);
    const r = d.begin();
    const p = await r.propose(ctx([1, 2, 3, 4, 9, 1, 2]), 6) as DraftProposal;
    // [1 2] matched (2 tokens, factor 4: up to 8) and continues with 3 4 9 1 2 once
    assert.deepEqual(p.tokens, [3, 4, 9, 1, 2]);
    assert.deepEqual(p.parents, [-1, 0, 1, 2, 3]);
    assert.equal(p.steps, 0);
  });

  it('caps the proposal at maxSpecFactor x the match length and at maxTokens', async () => {
    const d = new SuffixDrafter({ ...opts, maxSpecFactor: 1 });
    const p = await d.begin().propose(ctx([1, 2, 3, 4, 9, 1, 2]), 6) as DraftProposal;
    assert.deepEqual(p.tokens, [3, 4], 'a 2-token match proposes 2 tokens');
    const q = await new SuffixDrafter(opts).begin().propose(ctx([1, 2, 3, 4, 9, 1, 2]), 3) as DraftProposal;
    assert.deepEqual(q.tokens, [3, 4, 9]);
  });

  it('branches where the request continued a suffix in more than one way', async () => {
    const d = new SuffixDrafter(opts);
    const p = await d.begin().propose(ctx([7, 5, 7, 5, 7, 6, 0, 7]), 3) as DraftProposal;
    // after 7: 5 twice, 6 once -> a tree 5 (.67), 6 (.33), and 5's continuation 7 (.67)
    assert.deepEqual(p.tokens, [5, 7, 6]);
    assert.deepEqual(p.parents, [-1, 0, -1]);
  });

  it('learns earlier requests\' outputs and keeps at most maxCachedRequests of them', async () => {
    const d = new SuffixDrafter({ ...opts, maxCachedRequests: 2 });
    const propose = async (tokens: number[]) => (await d.begin().propose(ctx(tokens), 4) as DraftProposal).tokens;
    assert.deepEqual(await propose([40, 41]), [], 'nothing known yet');
    const a = d.begin();
    await a.propose(ctx([1, 40]), 4);
    a.finish!([40, 41, 42, 43]);
    assert.equal(d.cachedRequests, 1);
    assert.deepEqual(await propose([8, 40, 41]), [42, 43], 'the earlier output continues the match');
    d.begin().finish!([50, 51]);
    d.begin().finish!([60, 61]);
    assert.equal(d.cachedRequests, 2, 'the oldest was dropped');
    assert.deepEqual(await propose([8, 40, 41]), [], 'the dropped output no longer drafts');
    assert.deepEqual(await propose([8, 60]), [61]);
    assert.equal(d.global.find([40]), undefined);
  });

  it('also keeps at most maxCachedTokens tokens of outputs, the newest always', () => {
    const d = new SuffixDrafter({ ...opts, maxCachedRequests: 10 }, 5);
    d.begin().finish!([1, 2, 3]);
    d.begin().finish!([4, 5]);
    assert.equal(d.cachedRequests, 2, '5 tokens: within the bound');
    d.begin().finish!([6]);
    assert.equal(d.cachedRequests, 2, '6 tokens: the oldest went');
    assert.equal(d.global.find([1]), undefined);
    d.begin().finish!([7, 8, 9, 10, 11, 12]);
    assert.equal(d.cachedRequests, 1, 'an output over the bound alone stays, alone');
    assert.equal(d.global.find([7, 8])!.count, 1);
  });

  it('maxCachedRequests 0 keeps no global trie', async () => {
    const d = new SuffixDrafter({ ...opts, maxCachedRequests: 0 });
    d.begin().finish!([1, 2, 3]);
    assert.equal(d.cachedRequests, 0);
    assert.equal(d.global.size, 0);
  });

  it('refuses settings out of range with the setting named', () => {
    assert.throws(() => new SuffixDrafter({ ...opts, maxTreeDepth: 1 }), /maxTreeDepth/);
    assert.throws(() => new SuffixDrafter({ ...opts, maxCachedRequests: -1 }), /maxCachedRequests/);
    assert.throws(() => new SuffixDrafter({ ...opts, maxSpecFactor: 0 }), /maxSpecFactor/);
    assert.throws(() => new SuffixDrafter({ ...opts, minTokenProb: 2 }), /minTokenProb/);
  });

  it('createDrafter builds it with the defaults filled in', async () => {
    const d = await createDrafter({ draft: 'suffix', ngramMin: 1, ngramMax: 4, suffix: { maxCachedRequests: 3 } }, {} as DecoderConfig, {} as Weights);
    assert.ok(d instanceof SuffixDrafter);
    assert.deepEqual(d.options, { ...SUFFIX_DEFAULTS, maxCachedRequests: 3 });
  });
});
