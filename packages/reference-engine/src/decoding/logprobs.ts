// Log-probabilities reported back to clients (SGLang's return_logprob): the target's own
// distribution, log-softmax of the unprocessed logits (before temperature, penalties and
// truncation), so they describe the model, not the request's sampler.

/** [logprob, token id] pairs */
export type LogprobPair = [number, number];

function logSumExp(row: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return max + Math.log(sum);
}

/** logprob of `token` under the row, and the `topN` most likely tokens (ties to the smaller id) */
export function scoreRow(row: ArrayLike<number>, token: number, topN: number): { logprob: number; top: LogprobPair[] } {
  const lse = logSumExp(row);
  const top: LogprobPair[] = [];
  if (topN > 0) {
    // keep a small sorted buffer instead of sorting the whole vocabulary
    for (let i = 0; i < row.length; i++) {
      if (top.length === topN && row[i] <= top[topN - 1][0]) continue;
      let at = top.length;
      while (at > 0 && top[at - 1][0] < row[i]) at--;
      top.splice(at, 0, [row[i], i]);
      if (top.length > topN) top.pop();
    }
    for (const pair of top) pair[0] -= lse;
  }
  return { logprob: row[token] - lse, top };
}
