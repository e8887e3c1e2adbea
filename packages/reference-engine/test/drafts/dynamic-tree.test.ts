// EAGLE-2's dynamic tree on a synthetic draft whose log-probabilities are known: which nodes are
// expanded at each step, which are kept, their order and parents, and stopping early.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { growDynamicTree, treeMaskRow, topIndices, type TreeNode } from '../../src/drafts/dynamic-tree.ts';

const greedy = { temperature: 0, topP: 1, topK: -1 };
/** logits whose softmax puts probabilities `ps` on tokens 0..ps.length-1 (the rest ~0) */
const logitsFor = (ps: number[]) => Float32Array.from({ length: 8 }, (_, j) => (j < ps.length ? Math.log(ps[j]) : -40));

describe('growDynamicTree', () => {
  it('expands the best k nodes of the newest depth per step and keeps the best nodes by path score', async () => {
    const expanded: number[][] = [];
    // every node's children: token 0 with p .6, token 1 with p .3, token 2 with p .1
    const tree = await growDynamicTree({
      rootLogits: logitsFor([0.5, 0.4, 0.1]), topK: 2, steps: 3, maxTokens: 5, sampling: greedy, tokenOf: (j) => 100 + j,
      expand: async (ids: number[], nodes: readonly TreeNode[]) => { expanded.push(ids.map((i) => nodes[i].token)); return ids.map(() => logitsFor([0.6, 0.3, 0.1])); },
    });
    // depth 1: a=.5, b=.4; depth 2: aa=.30, ab=.15, ba=.24, bb=.12; depth 3 from aa and ba: aaa=.18, aab=.09, baa=.144, bab=.072
    assert.deepEqual(expanded, [[100, 101], [100, 100]], 'step 2 expands the two best of depth 2 (aa, ba), by token');
    assert.equal(tree.steps, 3);
    // best 5 by score: a .5, b .4, aa .30, ba .24, aaa .18, kept in creation order
    assert.deepEqual(tree.tokens, [100, 101, 100, 100, 100]);
    assert.deepEqual(tree.parents, [-1, -1, 0, 1, 2]);
  });

  it('stops growing when the draft cannot run (context full) and still proposes what it has', async () => {
    const tree = await growDynamicTree({
      rootLogits: logitsFor([0.5, 0.4, 0.1]), topK: 3, steps: 5, maxTokens: 10, sampling: greedy, tokenOf: (j) => j,
      expand: async () => undefined,
    });
    assert.equal(tree.steps, 1);
    assert.deepEqual(tree.tokens, [0, 1, 2]);
    assert.deepEqual(tree.parents, [-1, -1, -1]);
  });

  it('mask rows open the committed context, the ancestors and the node itself only', () => {
    const row = new Float32Array(9);
    treeMaskRow(row, 4, [5, 6], 8);
    assert.deepEqual(Array.from(row, (x) => (x === 0 ? 1 : 0)), [1, 1, 1, 1, 0, 1, 1, 0, 1]);
  });

  it('topIndices: the k largest finite entries, largest first, ties to the smaller index', () => {
    assert.deepEqual(topIndices([1, 5, 3, 5, -Infinity, 4], 3), [1, 3, 5]);
    assert.deepEqual(topIndices([-Infinity, 2], 3), [1]);
  });
});
