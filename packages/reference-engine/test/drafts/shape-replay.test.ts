// Replaying smaller EAGLE-2 trees over a wide tree's candidates: hand-built trees with known
// answers (a censored one, ties), then against an oracle that grows each smaller tree itself and
// walks the target's argmax through it, over many random trees with tied scores.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { growDynamicTree, type DynamicTree, type TreeNode } from '../../src/drafts/dynamic-tree.ts';
import { newShapeAcceptance, recordShapes, replayShape } from '../../src/drafts/shape-replay.ts';

const greedy = { temperature: 0, topP: 1, topK: -1 };
const V = 8;
const logitsFor = (ps: number[]) => Float32Array.from({ length: V }, (_, j) => (j < ps.length ? Math.log(ps[j]) : -40));
const pathOf = (nodes: readonly TreeNode[], ni: number) => { const p: number[] = []; for (let a = ni; a >= 0; a = nodes[a].parent) p.unshift(nodes[a].token); return p; };

async function grow(root: Float32Array, childLogits: (path: number[]) => Float32Array, steps: number, topK: number, maxTokens: number): Promise<DynamicTree> {
  return growDynamicTree({
    rootLogits: root, topK, steps, maxTokens, sampling: greedy, tokenOf: (j) => j,
    expand: async (ids, nodes) => ids.map((ni) => childLogits(pathOf(nodes, ni))),
  });
}

/** Greedy verification: follow the target's token through the proposed tree; the accepted proposal indices and the bonus. */
function walk(tree: { tokens: number[]; parents: number[] }, target: (path: number[]) => number): { path: number[]; bonus: number } {
  const path: number[] = [], toks: number[] = [];
  let node = -1;
  for (;;) {
    const want = target(toks);
    const next = tree.tokens.findIndex((t, i) => tree.parents[i] === node && t === want);
    if (next < 0) return { path, bonus: want };
    path.push(next); toks.push(want); node = next;
  }
}

describe('replayShape on hand-built trees', () => {
  // root: a .4, b .35, c .25; every node's children: token 0 .6, token 1 .3, token 2 .1.
  // Wide 3 steps x top-3, 6 kept: a, b, c, aa .24, ba .21, ca .15 (step 3 expanded aa, ba, ca).
  const wide = () => grow(logitsFor([0.4, 0.35, 0.25]), () => logitsFor([0.6, 0.3, 0.1]), 3, 3, 6);
  // the target wants b, then ba, then baa (never verified: baa .126 is not among the wide 6)
  const target = (p: number[]) => [1, 0, 0, 0][p.length];

  it('the wide shape replays to its own accepted path, exactly', async () => {
    const t = await wide();
    assert.deepEqual(t.tokens, [0, 1, 2, 0, 0, 0]);
    const { path, bonus } = walk(t, target);
    assert.deepEqual(path, [1, 4]);
    assert.equal(bonus, 0);
    // ranks: a 0, b 1, c 2, aa 3, ba 4
    assert.deepEqual(replayShape(t.candidates, 3, 3, path, bonus, true), { ranks: [1, 4], censoredFrom: null });
  });

  it('3 x top-2 holds baa at rank 5, unverified, with the target\'s next token: censored from 6 nodes on', async () => {
    const t = await wide();
    const { path, bonus } = walk(t, target);
    // the smaller tree: a, b, aa, ba, aaa .144, baa .126, ab .12, ...: b rank 1, ba rank 3, baa rank 5
    assert.deepEqual(replayShape(t.candidates, 3, 2, path, bonus, true), { ranks: [1, 3], censoredFrom: 5 });
    // had the target wanted bab next, the smaller tree would reject baa: exact at every budget
    assert.deepEqual(replayShape(t.candidates, 3, 2, path, 1, true), { ranks: [1, 3], censoredFrom: null });
    // sampled (T > 0): any unverified child of the path's end censors
    assert.deepEqual(replayShape(t.candidates, 3, 2, path, 1, false), { ranks: [1, 3], censoredFrom: 5 });
  });

  it('shallower and narrower trees: 2 x top-2 exact, 1 x top-3 accepts b only, a chain of 3 nothing', async () => {
    const t = await wide();
    const { path, bonus } = walk(t, target);
    assert.deepEqual(replayShape(t.candidates, 2, 2, path, bonus, true), { ranks: [1, 3], censoredFrom: null });
    assert.deepEqual(replayShape(t.candidates, 1, 3, path, bonus, true), { ranks: [1], censoredFrom: null });
    assert.deepEqual(replayShape(t.candidates, 3, 1, path, bonus, true), { ranks: [], censoredFrom: null });
  });

  it('ties fall as growDynamicTree breaks them: the earlier node first', async () => {
    // a and b tie at .4: top-1 keeps a, so a target wanting b accepts nothing at top-1 and b at rank 1 under top-2
    const t = await grow(logitsFor([0.4, 0.4, 0.2]), () => logitsFor([0.6, 0.3, 0.1]), 2, 2, 4);
    const { path, bonus } = walk(t, (p) => [1, 0, 5][p.length]);
    assert.deepEqual(path.map((d) => t.tokens[d]), [1, 0]);
    assert.deepEqual(replayShape(t.candidates, 2, 1, path, bonus, true), { ranks: [], censoredFrom: null });
    // aa and ba tie at .24: aa (created first) ranks 2, ba 3
    assert.deepEqual(replayShape(t.candidates, 2, 2, path, bonus, true), { ranks: [1, 3], censoredFrom: null });
  });

  it('recordShapes: counts by rank per (steps, top-k), budgets capped by the grid', async () => {
    const t = await wide();
    const { path, bonus } = walk(t, target);
    const acc = newShapeAcceptance(3, 3, 6, true);
    recordShapes(acc, t.candidates, path, bonus);
    recordShapes(acc, undefined, [], 0);
    assert.equal(acc.cycles, 2);
    assert.equal(acc.grid.length, 9);
    const g = (s: number, k: number) => acc.grid.find((x) => x.steps === s && x.topK === k)!;
    assert.deepEqual(g(3, 3).acceptedAtRank, [0, 1, 0, 0, 1, 0]);
    assert.deepEqual(g(3, 2).censoredAtRank, [0, 0, 0, 0, 0, 1]);
    assert.deepEqual(g(1, 2).acceptedAtRank, [0, 1], 'one step of top-2 holds 2 nodes');
  });
});

describe('replayShape against growing each smaller tree', () => {
  // a small hash: quantized draft logits make tied scores common; the draft leans to the target's token
  const h = (xs: number[], salt: number) => { let x = salt * 2654435761; for (const v of xs) x = Math.imul(x ^ (v + 17), 2246822519) >>> 0; return (x ^ (x >>> 13)) >>> 0; };

  it('exact where not censored, a lower bound where censored, over 300 random trees', async () => {
    let censored = 0, expansionCensored = 0, tiedScores = 0, checked = 0, accepted = 0;
    for (let trial = 0; trial < 300; trial++) {
      const target = (p: number[]) => h(p, trial) % 3;
      const draft = (p: number[]) => Float32Array.from({ length: V }, (_, j) => (h([...p, j], trial + 1000) % 4) * 0.5 + (j === target(p) && h(p, trial + 7) % 10 < 7 ? 1 : 0));
      const S = 4, K = 3, N = 10;
      const cap = trial % 5 === 0 ? 6 : N; // a cycle near the end of a request proposes fewer
      const t = await grow(draft([]), draft, S, K, cap);
      const scores = t.candidates.nodes.map((n) => n.score);
      if (new Set(scores).size < scores.length) tiedScores++;
      const { path, bonus } = walk(t, target);
      for (let s = 1; s <= S; s++) {
        for (let k = 1; k <= K; k++) {
          const o = replayShape(t.candidates, s, k, path, bonus, true);
          if (o.censoredFrom === 0 && o.ranks.length === 0) expansionCensored++;
          for (let n = 1; n <= N; n++) {
            const small = await grow(draft([]), draft, s, k, Math.min(n, cap));
            const truth = walk(small, target).path.length;
            accepted += truth;
            const replayed = o.ranks.filter((r) => r < n).length;
            if (o.censoredFrom !== null && o.censoredFrom < n) { censored++; assert.ok(replayed <= truth, `trial ${trial} ${s}x${k}x${n}`); } else assert.equal(replayed, truth, `trial ${trial} ${s}x${k}x${n}`);
            checked++;
          }
        }
      }
    }
    assert.ok(censored > 0 && expansionCensored > 0 && tiedScores > 50 && accepted > checked / 2, `accepted ${accepted}, censored ${censored}, by expansion ${expansionCensored}, trees with ties ${tiedScores}`);
    assert.ok(checked === 300 * 4 * 3 * 10);
  });
});
