// Deciding which drafted tokens the target keeps. Lossless by construction:
// - greedy: a draft token survives only if it is the target's argmax, so the output equals
//   vanilla greedy decoding token for token;
// - sampled: the standard speculative rejection rule (Leviathan et al. 2023; Chen et al. 2023):
//   accept draft token x with probability min(1, p(x)/q(x)); on rejection sample from
//   normalize(max(0, p - q)); if every draft survives, sample the bonus token from p.
//   Outputs then follow the target's distribution exactly.
import { argmax, distribution, isGreedy, sampleFrom, type SamplingParams } from './sampling.ts';

export interface AcceptInput {
  /** target logits, row i = prediction after fed token i (row 0: after the root) */
  logits: Float32Array;
  vocab: number;
  /** draft tokens and their parents (-1 = child of the root) */
  tokens: number[];
  parents: number[];
  /** draft distributions q; absent = deterministic draft (one-hot q) */
  probs?: Float64Array[];
}

export interface AcceptOutcome {
  /** indices into the draft tokens along the accepted path, in order */
  acceptedPath: number[];
  /** the token the target itself contributes after the accepted path */
  bonus: number;
}

export interface AcceptFaults {
  /** planted fault: accept the first rejected draft token anyway (breaks losslessness) */
  acceptWrongToken?: boolean;
}

export function acceptDraft(input: AcceptInput, params: SamplingParams, rand: () => number, faults: AcceptFaults = {}): AcceptOutcome & { faultUsed: boolean } {
  const { logits, vocab, tokens, parents } = input;
  const row = (fed: number) => logits.subarray(fed * vocab, (fed + 1) * vocab);
  const path: number[] = [];
  let node = -1; // draft index of the current node; -1 = root (fed index 0)
  let faultUsed = false;
  const greedy = isGreedy(params);
  for (;;) {
    const children: number[] = [];
    for (let i = 0; i < tokens.length; i++) if (parents[i] === node) children.push(i);
    const fedRow = row(node + 1);
    if (greedy) {
      const want = argmax(fedRow);
      let next = children.find((c) => tokens[c] === want);
      if (next === undefined && faults.acceptWrongToken && !faultUsed && children.length) { next = children[0]; faultUsed = true; }
      if (next === undefined) return { acceptedPath: path, bonus: want, faultUsed };
      path.push(next); node = next;
      continue;
    }
    let p = distribution(fedRow, params);
    let accepted = -1;
    for (const c of children) {
      const x = tokens[c];
      const q = input.probs?.[c];
      const qx = q ? q[x] : 1;
      if (qx > 0 && rand() < Math.min(1, p[x] / qx)) { accepted = c; break; }
      if (faults.acceptWrongToken && !faultUsed) { accepted = c; faultUsed = true; break; }
      // residual distribution: max(0, p - q), renormalized
      const residual = new Float64Array(vocab);
      let sum = 0;
      for (let v = 0; v < vocab; v++) {
        const r = Math.max(0, p[v] - (q ? q[v] : v === x ? 1 : 0));
        residual[v] = r; sum += r;
      }
      if (sum <= 0) break; // p == q: nothing left to correct, fall back to p
      for (let v = 0; v < vocab; v++) residual[v] /= sum;
      p = residual;
    }
    if (accepted < 0) return { acceptedPath: path, bonus: sampleFrom(p, rand), faultUsed };
    path.push(accepted); node = accepted;
  }
}
