// The draft-verify loop shared by every decoding mode. Vanilla is the same loop with a draft
// of zero tokens, so both are timed and counted the same way.
import { acceptDraft } from './accept.ts';
import { argmax, distribution, isGreedy, sampleFrom, seededRandom, type SamplingParams } from './sampling.ts';
import { buildVerifyInputs, causalMask } from './verify.ts';
import type { TargetModel } from './model.ts';
import type { Drafter } from '../drafts/types.ts';

export interface EngineFaults {
  /** adds this many milliseconds to every verify cycle (planted slowdown for gate tests) */
  verifyDelayMs?: number;
  /** verification accepts one wrong draft token per request (planted lossless-check failure) */
  acceptWrongToken?: boolean;
  /** every request is decoded greedily whatever its temperature (planted temperature-ignored failure) */
  ignoreTemperature?: boolean;
  /** the engine process exits abruptly when a request arrives after this many completed ones (planted crash) */
  crashAfterRequests?: number;
}

export interface GenerateOptions {
  maxNewTokens: number;
  sampling: SamplingParams;
  ignoreEos: boolean;
  eosId: number;
  stopTokenIds?: number[];
  seed: number;
  /** drafted tokens per cycle (0 for vanilla) */
  draftTokens: number;
  faults?: EngineFaults;
  /** called after each cycle with the tokens it emitted; return true to stop (stop strings) */
  onTokens?: (tokens: number[]) => boolean | void;
}

export interface GenerateStats {
  promptTokens: number;
  completionTokens: number;
  /** target forward passes after prefill (each verifies one draft, or decodes one token for vanilla) */
  verifyCycles: number;
  /** histogram[a] = cycles that accepted exactly a draft tokens */
  acceptedHistogram: number[];
  proposedDrafts: number;
  acceptedDrafts: number;
  draftSteps: number;
  prefillMs: number;
  draftMs: number;
  verifyMs: number;
  finish: 'length' | 'stop' | 'eos';
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function generate(model: TargetModel, drafter: Drafter | null, prompt: number[], opts: GenerateOptions): Promise<{ tokens: number[]; stats: GenerateStats }> {
  if (prompt.length === 0) throw new Error('generate: empty prompt');
  const faults = opts.faults ?? {};
  const sampling = faults.ignoreTemperature ? { ...opts.sampling, temperature: 0 } : opts.sampling;
  const rand = seededRandom(opts.seed);
  const stopIds = new Set(opts.ignoreEos ? [] : [opts.eosId, ...(opts.stopTokenIds ?? [])]);
  const maxDraft = drafter ? opts.draftTokens : 0;
  const stats: GenerateStats = {
    promptTokens: prompt.length, completionTokens: 0, verifyCycles: 0,
    acceptedHistogram: new Array(maxDraft + 1).fill(0), proposedDrafts: 0, acceptedDrafts: 0, draftSteps: 0,
    prefillMs: 0, draftMs: 0, verifyMs: 0, finish: 'length',
  };
  const session = model.newSession();
  const ctx = prompt.slice();
  const out: number[] = [];
  // Emits tokens, honouring max_new_tokens, the context limit and stop tokens; returns true when done.
  const emit = (tokens: number[]): boolean => {
    const room = Math.min(opts.maxNewTokens - out.length, model.maxContext - ctx.length);
    let taken = tokens.slice(0, Math.max(0, room));
    const stopAt = taken.findIndex((t) => stopIds.has(t));
    if (stopAt >= 0) taken = taken.slice(0, stopAt + 1);
    out.push(...taken); ctx.push(...taken);
    const stopRequested = taken.length > 0 && opts.onTokens?.(taken) === true;
    if (stopAt >= 0) { stats.finish = 'eos'; return true; }
    if (stopRequested) { stats.finish = 'stop'; return true; }
    return out.length >= opts.maxNewTokens || ctx.length >= model.maxContext;
  };
  try {
    const t0 = now();
    const logits = await session.forward(prompt, prompt.map((_, i) => i), causalMask(0, prompt.length));
    const last = logits.subarray((prompt.length - 1) * model.vocab, prompt.length * model.vocab);
    const first = isGreedy(sampling) ? argmax(last) : sampleFrom(distribution(last, sampling), rand);
    stats.prefillMs = now() - t0;
    let faultAvailable = faults.acceptWrongToken === true;
    let done = opts.maxNewTokens <= 0 || emit([first]);
    while (!done) {
      const remaining = opts.maxNewTokens - out.length;
      const k = Math.max(0, Math.min(maxDraft, remaining - 1, model.maxContext - ctx.length - 1));
      const td = now();
      const proposal = k > 0 && drafter ? await drafter.propose({ tokens: ctx }, k) : { tokens: [], parents: [], steps: 0 };
      stats.draftMs += now() - td;
      stats.draftSteps += proposal.steps || proposal.tokens.length;
      const past = session.length;
      const root = ctx[ctx.length - 1];
      const inputs = buildVerifyInputs(past, root, proposal);
      const tv = now();
      const rows = await session.forward(inputs.tokens, inputs.positions, inputs.mask);
      if (faults.verifyDelayMs) await sleep(faults.verifyDelayMs);
      stats.verifyMs += now() - tv;
      const outcome = acceptDraft({ logits: rows, vocab: model.vocab, ...proposal }, sampling, rand, { acceptWrongToken: faultAvailable });
      if (outcome.faultUsed) faultAvailable = false;
      const path = outcome.acceptedPath;
      // keep the root and the accepted drafts in the cache; for a chain this is a prefix
      const isPrefix = path.every((d, i) => d === i);
      if (isPrefix) session.truncate(past + 1 + path.length);
      else session.keepFed([0, ...path.map((d) => d + 1)]);
      stats.verifyCycles++;
      stats.proposedDrafts += proposal.tokens.length;
      stats.acceptedDrafts += path.length;
      stats.acceptedHistogram[path.length]++;
      done = emit([...path.map((d) => proposal.tokens[d]), outcome.bonus]);
    }
  } finally {
    session.release();
  }
  stats.completionTokens = out.length;
  return { tokens: out, stats };
}
