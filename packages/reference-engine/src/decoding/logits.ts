// Logit processing that depends on what the request has generated so far: repetition,
// frequency and presence penalties, logit_bias, and min_new_tokens (stop tokens masked until
// enough tokens exist). It changes the target's distribution, so speculative verification must
// score every drafted position with the history along its own path, or drafts would be checked
// against a different distribution than vanilla decoding samples from.

export interface LogitProcessing {
  /** subtracted once per earlier occurrence of a token in the output (OpenAI / SGLang semantics) */
  frequencyPenalty: number;
  /** subtracted once if a token already occurs in the output */
  presencePenalty: number;
  /** > 1 discourages tokens already in the output: positive logits divided, negative multiplied */
  repetitionPenalty: number;
  /** stop tokens (EOS and stop_token_ids) are impossible until this many tokens were generated */
  minNewTokens: number;
  /** token ids that min_new_tokens masks */
  stopTokenIds: number[];
  /** added to the logit of each listed token id */
  logitBias: Map<number, number>;
}

export const NO_PROCESSING: LogitProcessing = {
  frequencyPenalty: 0, presencePenalty: 0, repetitionPenalty: 1, minNewTokens: 0, stopTokenIds: [], logitBias: new Map(),
};

export function isIdentity(p: LogitProcessing): boolean {
  return p.frequencyPenalty === 0 && p.presencePenalty === 0 && p.repetitionPenalty === 1 && p.minNewTokens === 0 && p.logitBias.size === 0;
}

/** Occurrence counts of the tokens generated so far (penalties look at the output only, as SGLang's do). */
export class OutputHistory {
  readonly counts = new Map<number, number>();
  length = 0;
  add(tokens: readonly number[]): void {
    for (const t of tokens) this.counts.set(t, (this.counts.get(t) ?? 0) + 1);
    this.length += tokens.length;
  }
}

/**
 * One row of logits as the request's sampler sees it, given the committed output and the
 * not-yet-committed tokens `pending` (a draft path) that precede this position.
 */
export function processRow(row: ArrayLike<number>, p: LogitProcessing, history: OutputHistory, pending: readonly number[] = []): Float32Array {
  const out = Float32Array.from(row);
  const counts = pending.length ? new Map(history.counts) : history.counts;
  if (pending.length) for (const t of pending) counts.set(t, (counts.get(t) ?? 0) + 1);
  if (p.frequencyPenalty !== 0 || p.presencePenalty !== 0 || p.repetitionPenalty !== 1) {
    for (const [t, c] of counts) {
      if (t < 0 || t >= out.length) continue;
      let v = out[t];
      if (p.repetitionPenalty !== 1) v = v > 0 ? v / p.repetitionPenalty : v * p.repetitionPenalty;
      out[t] = v - p.frequencyPenalty * c - p.presencePenalty;
    }
  }
  for (const [t, b] of p.logitBias) if (t >= 0 && t < out.length) out[t] += b;
  if (history.length + pending.length < p.minNewTokens) for (const t of p.stopTokenIds) if (t >= 0 && t < out.length) out[t] = -Infinity;
  return out;
}
