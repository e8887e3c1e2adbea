// The draft-verify loop shared by every decoding mode. Vanilla is the same loop with a draft
// of zero tokens, so both are timed and counted the same way.
import { acceptDraft } from './accept.ts';
import { argmax, distribution, isGreedy, sampleFrom, seededRandom, type SamplingParams } from './sampling.ts';
import { buildVerifyInputs, causalMask } from './verify.ts';
import { isIdentity, OutputHistory, processRow, type LogitProcessing } from './logits.ts';
import type { TargetModel } from './model.ts';
import type { DraftProposal, Drafter } from '../drafts/types.ts';
import { drawAccepted, forcedPath, type SyntheticAcceptance } from './synthetic.ts';
import { newShapeAcceptance, recordShapes, type ShapeAcceptance } from '../drafts/shape-replay.ts';

export interface EngineFaults {
  /** adds this many milliseconds to every verify cycle (planted slowdown for gate tests) */
  verifyDelayMs?: number;
  /**
   * busy-waits this percentage of each cycle's measured draft + verify time (and of the prefill's),
   * a proportional slowdown that occupies the CPU as real work would (gate power measurements)
   */
  slowdownPct?: number;
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
  /** drafted tokens per cycle (0 for vanilla): a chain's length, or a tree's node count */
  draftTokens: number;
  /** tree drafting for drafts that support it (learned drafts): top-k expansion over `steps` draft steps */
  tree?: { topK: number; steps: number };
  faults?: EngineFaults;
  /** synthetic acceptance (cost profiling): accept a set number of drafts per cycle, whatever the target says; not lossless */
  synthetic?: SyntheticAcceptance;
  /**
   * called after each cycle with the tokens it emitted; return true to stop after them, or a
   * count n to keep only the first n of them and stop (a stop string ended inside the cycle)
   */
  onTokens?: (tokens: number[]) => boolean | number | void;
  /** called after the prefill (prefill: true) and once per verify cycle, before its tokens are emitted: draft tokens proposed, accepted, wall time (ms) */
  onCycle?: (c: { prefill: boolean; drafted: number; accepted: number; ms: number; draftMs: number }) => void;
  /** penalties, logit_bias and min_new_tokens: applied to every target row before sampling or verifying */
  processing?: LogitProcessing;
  /** receives the prefill's logits [prompt, vocab] (input-token logprobs) */
  onPrefillLogits?: (logits: Float32Array) => void;
  /** receives each kept output token with the unprocessed target logits row that predicted it (output logprobs) */
  onTokenLogits?: (token: number, row: Float32Array) => void;
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
  /** moduleByStep[s][m] = times module m ran as draft step s (drafts with several parameter sets) */
  moduleByStep: number[][];
  /** draftMsByStep[s] = wall time summed over cycles of draft step s, for drafts that time their steps */
  draftMsByStep: number[];
  /** cycles whose accepted path left the tree's first-child chain (tree drafts) */
  offChainAccepts: number;
  /** EAGLE-2 dynamic trees: what every smaller tree shape would have accepted (shape-replay.ts); absent otherwise */
  shapeAcceptance?: ShapeAcceptance;
  finish: 'length' | 'stop' | 'eos';
}

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Holds the CPU (not the event loop's idle time) for ms, as the work it stands in for would. */
function spinFor(ms: number): void {
  const until = now() + ms;
  while (now() < until) { /* busy */ }
}

export async function generate(model: TargetModel, drafter: Drafter | null, prompt: number[], opts: GenerateOptions): Promise<{ tokens: number[]; stats: GenerateStats }> {
  if (prompt.length === 0) throw new Error('generate: empty prompt');
  const faults = opts.faults ?? {};
  const sampling = faults.ignoreTemperature ? { ...opts.sampling, temperature: 0 } : opts.sampling;
  const rand = seededRandom(opts.seed);
  const stopIds = new Set(opts.ignoreEos ? [] : [opts.eosId, ...(opts.stopTokenIds ?? [])]);
  const maxDraft = drafter ? opts.draftTokens : 0;
  const stats: GenerateStats = {
    promptTokens: prompt.length, completionTokens: 0, verifyCycles: 0,
    acceptedHistogram: new Array<number>(maxDraft + 1).fill(0), proposedDrafts: 0, acceptedDrafts: 0, draftSteps: 0,
    prefillMs: 0, draftMs: 0, verifyMs: 0, moduleByStep: [], draftMsByStep: [], offChainAccepts: 0, finish: 'length',
  };
  // dropped if a cycle proposes a tree without its candidates (a draft that does not grow EAGLE-2's tree)
  let shapes: ShapeAcceptance | undefined = drafter && opts.tree && opts.tree.topK > 1 && maxDraft > 0 && !opts.synthetic
    ? newShapeAcceptance(opts.tree.steps, opts.tree.topK, maxDraft, isGreedy(sampling)) : undefined;
  const session = model.newSession();
  const draft = drafter?.begin();
  const featureLayers = drafter?.featureLayers ?? [];
  // hands the target's hidden states of the fed rows `rows` (now committed at positions from..) to the draft
  const observe = (from: number, rows: number[]) => {
    if (!draft?.observe || featureLayers.length === 0) return;
    if (!session.features || !model.hidden) throw new Error(`draft ${drafter!.method} reads target features, but this target model does not expose them`);
    const D = model.hidden;
    const picked = session.features(featureLayers).map((f) => {
      const out = new Float32Array(rows.length * D);
      rows.forEach((r, j) => out.set(f.subarray(r * D, (r + 1) * D), j * D));
      return out;
    });
    draft.observe(from, rows.length, picked);
  };
  const ctx = prompt.slice();
  const out: number[] = [];
  const processing = opts.processing && !isIdentity(opts.processing) ? opts.processing : undefined;
  const history = new OutputHistory();
  // Emits tokens (rows[i]: the raw logits that predicted tokens[i]), honouring max_new_tokens,
  // the context limit, stop tokens and stop strings; returns true when done.
  const emit = (tokens: number[], rows: Float32Array[]): boolean => {
    const room = Math.min(opts.maxNewTokens - out.length, model.maxContext - ctx.length);
    let taken = tokens.slice(0, Math.max(0, room));
    const stopAt = taken.findIndex((t) => stopIds.has(t));
    if (stopAt >= 0) taken = taken.slice(0, stopAt + 1);
    const verdict = taken.length > 0 ? opts.onTokens?.(taken) : undefined;
    const stopRequested = verdict === true || typeof verdict === 'number';
    if (typeof verdict === 'number') taken = taken.slice(0, Math.max(0, verdict));
    out.push(...taken); ctx.push(...taken); history.add(taken);
    if (opts.onTokenLogits) taken.forEach((t, i) => opts.onTokenLogits!(t, rows[i]));
    if (stopAt >= 0 && taken.length === stopAt + 1) { stats.finish = 'eos'; return true; }
    if (stopRequested) { stats.finish = 'stop'; return true; }
    return out.length >= opts.maxNewTokens || ctx.length >= model.maxContext;
  };
  try {
    const t0 = now();
    const logits = await session.forward(prompt, prompt.map((_, i) => i), causalMask(0, prompt.length));
    opts.onPrefillLogits?.(logits);
    const last = logits.subarray((prompt.length - 1) * model.vocab, prompt.length * model.vocab);
    const scored = processing ? processRow(last, processing, history) : last;
    const first = isGreedy(sampling) ? argmax(scored) : sampleFrom(distribution(scored, sampling), rand);
    observe(0, prompt.map((_, i) => i));
    if (faults.slowdownPct) spinFor((now() - t0) * faults.slowdownPct / 100);
    stats.prefillMs = now() - t0;
    opts.onCycle?.({ prefill: true, drafted: 0, accepted: 0, ms: stats.prefillMs, draftMs: 0 });
    let faultAvailable = faults.acceptWrongToken === true;
    let done = opts.maxNewTokens <= 0 || emit([first], [last]);
    while (!done) {
      const remaining = opts.maxNewTokens - out.length;
      const k = Math.max(0, Math.min(maxDraft, remaining - 1, model.maxContext - ctx.length - 1));
      const td = now();
      const proposal: DraftProposal = k > 0 && draft ? await draft.propose({ tokens: ctx, sampling, rand, tree: opts.tree }, k) : { tokens: [], parents: [], steps: 0 };
      stats.draftMs += now() - td;
      stats.draftSteps += proposal.steps;
      proposal.modules?.forEach((m, s) => {
        const row = (stats.moduleByStep[s] ??= []);
        while (row.length <= m) row.push(0);
        row[m]++;
      });
      proposal.stepMs?.forEach((t, s) => { stats.draftMsByStep[s] = (stats.draftMsByStep[s] ?? 0) + t; });
      const past = session.length;
      const root = ctx[ctx.length - 1];
      const inputs = buildVerifyInputs(past, root, proposal);
      const tv = now();
      const rows = await session.forward(inputs.tokens, inputs.positions, inputs.mask);
      if (faults.verifyDelayMs) await sleep(faults.verifyDelayMs);
      if (faults.slowdownPct) spinFor((now() - td) * faults.slowdownPct / 100);
      stats.verifyMs += now() - tv;
      const scoredRows = processing ? processRows(rows, model.vocab, proposal, processing, history) : rows;
      let outcome = acceptDraft({ logits: scoredRows, vocab: model.vocab, ...proposal }, sampling, rand, { acceptWrongToken: faultAvailable });
      if (outcome.faultUsed) faultAvailable = false;
      if (opts.synthetic) {
        // the set count along a root-to-node path of that depth; the bonus comes from the last kept node's row
        const forced = forcedPath(proposal.parents, drawAccepted(opts.synthetic, proposal.tokens.length, rand));
        const last = forced.length ? forced[forced.length - 1] + 1 : 0;
        const row = scoredRows.subarray(last * model.vocab, (last + 1) * model.vocab);
        outcome = { acceptedPath: forced, bonus: isGreedy(sampling) ? argmax(row) : sampleFrom(distribution(row, sampling), rand), faultUsed: false };
      }
      const path = outcome.acceptedPath;
      // keep the root and the accepted drafts in the cache; for a chain this is a prefix
      const isPrefix = path.every((d, i) => d === i);
      if (!isPrefix) stats.offChainAccepts++;
      const keptRows = [0, ...path.map((d) => d + 1)];
      observe(past, keptRows);
      if (isPrefix) session.truncate(past + 1 + path.length);
      else session.keepFed(keptRows);
      stats.verifyCycles++;
      stats.proposedDrafts += proposal.tokens.length;
      stats.acceptedDrafts += path.length;
      stats.acceptedHistogram[path.length]++;
      if (shapes) {
        if (proposal.tokens.length > 0 && !proposal.candidates) shapes = undefined;
        else recordShapes(shapes, proposal.candidates, path, outcome.bonus);
      }
      opts.onCycle?.({ prefill: false, drafted: proposal.tokens.length, accepted: path.length, ms: now() - td, draftMs: tv - td });
      const rowOf = (fed: number) => rows.subarray(fed * model.vocab, (fed + 1) * model.vocab);
      // token path[i] was predicted by its parent's row (the root's for i = 0); the bonus by the last accepted node's
      const predictors = [0, ...path.map((d) => d + 1)].map(rowOf);
      done = emit([...path.map((d) => proposal.tokens[d]), outcome.bonus], predictors);
    }
    draft?.finish?.(out);
  } finally {
    draft?.release?.();
    session.release();
  }
  stats.completionTokens = out.length;
  if (shapes) stats.shapeAcceptance = shapes;
  return { tokens: out, stats };
}

/**
 * The verify pass's rows as the sampler sees them: row 0 (after the root) with the committed
 * history, row d + 1 with the committed history plus the drafted tokens from the root down to d.
 */
function processRows(rows: Float32Array, vocab: number, draft: { tokens: number[]; parents: number[] }, p: LogitProcessing, history: OutputHistory): Float32Array {
  const out = new Float32Array(rows.length);
  const fed = rows.length / vocab;
  for (let f = 0; f < fed; f++) {
    const pending: number[] = [];
    for (let a = f - 1; a >= 0; a = draft.parents[a]) pending.unshift(draft.tokens[a]);
    out.set(processRow(rows.subarray(f * vocab, (f + 1) * vocab), p, history, pending), f * vocab);
  }
  return out;
}
