// The suffix trie on hand-worked sequences: what it holds and counts, growing it a token at a
// time, removal, matching the context's suffixes, and the speculation tree built from counts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GrowingTrie, SuffixTrie, speculate, type TrieNode } from '../../src/drafts/suffix-tree.ts';

/** every path of the trie with its count, as 'a b c:2' lines, sorted */
function paths(t: SuffixTrie): string[] {
  const out: string[] = [];
  const walk = (n: TrieNode, prefix: number[]) => {
    for (const [tok, c] of n.children ?? []) {
      out.push(`${[...prefix, tok].join(' ')}:${c.count}`);
      walk(c, [...prefix, tok]);
    }
  };
  walk(t.root, []);
  return out.sort();
}

describe('SuffixTrie', () => {
  it('counts every substring up to maxDepth tokens', () => {
    const t = new SuffixTrie(3);
    t.add([1, 2, 1, 2]);
    // windows: 1 2 1 | 2 1 2 | 1 2 | 2
    assert.deepEqual(paths(t), ['1 2 1:1', '1 2:2', '1:2', '2 1 2:1', '2 1:1', '2:2']);
    assert.equal(t.size, 6);
    assert.equal(t.find([1, 2])!.count, 2);
    assert.equal(t.find([2, 2]), undefined);
  });

  it('grows a token at a time to the same trie as adding the whole sequence', () => {
    const seq = [5, 6, 5, 6, 7, 5, 6, 7, 7];
    const whole = new SuffixTrie(4);
    whole.add(seq);
    const grown = new GrowingTrie(4);
    grown.append(seq.slice(0, 3));
    grown.append(seq, 3); // from position 3: what a draft sees as its context grows
    assert.equal(grown.length, seq.length);
    assert.deepEqual(paths(grown), paths(whole));
    assert.equal(grown.size, whole.size);
  });

  it('remove undoes add exactly, pruning the nodes no sequence reaches', () => {
    const t = new SuffixTrie(3);
    t.add([1, 2, 3]);
    const before = paths(t);
    t.add([1, 2, 4]);
    assert.equal(t.find([1, 2])!.count, 2);
    t.remove([1, 2, 4]);
    assert.deepEqual(paths(t), before);
    assert.equal(t.size, 6);
    t.remove([1, 2, 3]);
    assert.deepEqual(paths(t), []);
    assert.equal(t.size, 0);
    assert.equal(t.root.children, undefined);
    assert.throws(() => t.remove([9]), /not added/);
  });

  it('suffixMatches: the context\'s suffixes held with a continuation, stopping at the first miss', () => {
    const t = new SuffixTrie(4);
    t.add([7, 1, 2, 3, 9]);
    const m = t.suffixMatches([0, 1, 2], 10);
    // suffix [2] and [1 2] are held and continue with 3; [0 1 2] is not held
    assert.equal(m.length, 3);
    assert.equal(m[1], t.find([2]));
    assert.equal(m[2], t.find([1, 2]));
    // [9] is held but ends the sequence: no continuation, so no match there
    assert.equal(t.suffixMatches([9], 10)[1], undefined);
    // a match is at most maxDepth - 1 tokens long, leaving room for a continuation
    assert.equal(t.suffixMatches([7, 1, 2, 3], 10).length, 4);
  });
});

describe('speculate', () => {
  it('builds the most likely continuations best-first by path probability', () => {
    const t = new SuffixTrie(4);
    // after 1: 2 three times, 3 once; after 1 2: 5 twice, 6 once
    for (const s of [[1, 2, 5], [1, 2, 5], [1, 2, 6], [1, 3]]) t.add(s);
    const root = t.find([1])!;
    const s = speculate(root, { maxTokens: 4, minProb: 0, tree: true });
    // 2: .75, 2->5: .5, 3: .25, 2->6: .25 (tie: the earlier parent first, then the smaller token)
    assert.deepEqual(s.tokens, [2, 5, 3, 6]);
    assert.deepEqual(s.parents, [-1, 0, -1, 0]);
    assert.deepEqual(s.probs, [0.75, 0.5, 0.25, 0.25]);
    assert.equal(s.score, 1.75);
  });

  it('drops candidates below minProb and stops at maxTokens', () => {
    const t = new SuffixTrie(4);
    for (const s of [[1, 2, 5], [1, 2, 5], [1, 2, 6], [1, 3]]) t.add(s);
    const s = speculate(t.find([1])!, { maxTokens: 8, minProb: 0.3, tree: true });
    assert.deepEqual(s.tokens, [2, 5]);
    assert.deepEqual(s.parents, [-1, 0]);
    const one = speculate(t.find([1])!, { maxTokens: 1, minProb: 0, tree: true });
    assert.deepEqual(one.tokens, [2]);
  });

  it('as a chain follows the most likely child only', () => {
    const t = new SuffixTrie(4);
    for (const s of [[1, 2, 5], [1, 2, 5], [1, 2, 6], [1, 3]]) t.add(s);
    const s = speculate(t.find([1])!, { maxTokens: 8, minProb: 0, tree: false });
    assert.deepEqual(s.tokens, [2, 5]);
    assert.deepEqual(s.parents, [-1, 0]);
  });

  it('a node without children proposes nothing', () => {
    const t = new SuffixTrie(3);
    t.add([4]);
    assert.deepEqual(speculate(t.find([4])!, { maxTokens: 4, minProb: 0, tree: true }).tokens, []);
  });
});
