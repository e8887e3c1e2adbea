// The reference engine behind the HTTP server: one target model, one draft method, requests
// served one at a time in arrival order (no continuous batching: with batch size > 1 the
// extra requests wait in the queue, and their latency shows it).
import { generate, type EngineFaults, type GenerateStats } from '../decoding/generate.ts';
import type { Drafter } from '../drafts/types.ts';
import { REFERENCE_DRAFT_METHODS, type ReferenceDraftMethod } from '../drafts/index.ts';
import type { TargetModel } from '../decoding/model.ts';
import type { SamplingParams } from '../decoding/sampling.ts';
import type { LogitProcessing } from '../decoding/logits.ts';
import { scoreRow, type LogprobPair } from '../decoding/logprobs.ts';
import type { Tokenizer } from '../model/tokenizer.ts';
import type { SyntheticAcceptance } from '../decoding/synthetic.ts';

export type DraftMethod = ReferenceDraftMethod;
export const DRAFT_METHODS: readonly DraftMethod[] = REFERENCE_DRAFT_METHODS;

export interface EngineSettings {
  /** drafted tokens proposed per cycle (the root token is not counted); chain drafts take this many steps */
  draftTokens: number;
  /** learned drafts with topK > 1: a dynamic tree of draftTokens nodes over `steps` draft steps */
  tree?: { topK: number; steps: number };
  faults: EngineFaults;
  /** synthetic acceptance (SGLANG_SIMULATE_ACC_LEN and kin): a set number of drafts accepted per cycle; not lossless */
  synthetic?: SyntheticAcceptance | null;
}

export interface EngineRequest {
  prompt: number[];
  maxNewTokens: number;
  sampling: SamplingParams;
  ignoreEos: boolean;
  stop: string[];
  stopTokenIds: number[];
  seed: number;
  /** penalties, logit_bias, min_new_tokens (default: none) */
  processing?: LogitProcessing;
  /** leave special tokens (EOS) out of the text (default true, as in SGLang) */
  skipSpecialTokens?: boolean;
  /** keep a matched stop string at the end of the text (default false) */
  noStopTrim?: boolean;
  /** return_logprob: inputFrom = first prompt position scored (-1: none), topN = top_logprobs_num */
  logprobs?: { inputFrom: number; topN: number };
}

/** one scored position: logprob (null for the first prompt token, which nothing predicts), token, top alternatives */
export interface TokenLogprob { logprob: number | null; id: number; top: LogprobPair[] | null }

export interface EngineResult {
  tokens: number[];
  text: string;
  stats: GenerateStats;
  /** the stop string that ended generation, if any */
  matchedStop?: string;
  inputLogprobs?: TokenLogprob[];
  outputLogprobs?: TokenLogprob[];
}

/** One engine iteration: the prefill of a request, or one of its verify cycles. */
export interface EngineIteration {
  phase: 'context' | 'generation';
  /** tokens fed to the target (the prompt for a prefill) */
  tokens: number;
  drafted: number;
  accepted: number;
  ms: number;
  draftMs: number;
}

export class ReferenceEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private lifetime = { completionTokens: 0, verifyCycles: 0, requests: 0, outputTokensPerSecond: 0, aborted: 0 };
  /** called with every finished request's figures (the server's Prometheus counters) */
  onFinished?: (stats: GenerateStats) => void;
  /** called with the prefill and every verify cycle as they happen (TensorRT-LLM-style iteration statistics) */
  onIteration?: (it: EngineIteration) => void;
  constructor(readonly model: TargetModel, readonly tokenizer: Tokenizer, readonly drafter: Drafter | null, readonly settings: EngineSettings) {}

  /** Lifetime pooled acceptance length, as SGLang's internal_states reports it (coarse; clients should use per-request fields). */
  get avgAcceptLength(): number {
    return this.lifetime.verifyCycles ? this.lifetime.completionTokens / this.lifetime.verifyCycles : 0;
  }

  get lastThroughput(): number { return this.lifetime.outputTokensPerSecond; }

  /** requests stopped before their end because isAborted said so (their client went away) */
  get abortedRequests(): number { return this.lifetime.aborted; }

  /**
   * Queues a request. `onText` receives the cumulative text after each cycle (for streaming);
   * `isAborted` lets a disconnected client stop its request.
   */
  submit(req: EngineRequest, onProgress?: (tokens: number[], text: string) => void, isAborted?: () => boolean): Promise<EngineResult> {
    const run = async (): Promise<EngineResult> => {
      const crashAt = this.settings.faults.crashAfterRequests;
      if (crashAt !== undefined && crashAt > 0 && this.lifetime.requests >= crashAt) {
        console.error(`planted fault: exiting after ${crashAt} requests`);
        process.exit(70);
      }
      const started = performance.now();
      const out: number[] = [];
      let matchedStop: string | undefined;
      let aborted = false;
      const specials = new Set(req.skipSpecialTokens === false ? [] : Object.values(this.tokenizer.file.specials));
      const decode = (ids: number[]) => this.tokenizer.decode(specials.size ? ids.filter((t) => !specials.has(t)) : ids);
      // the text a client sees: cut before a matched stop string unless no_stop_trim
      const shown = (ids: number[]) => {
        const full = decode(ids);
        if (matchedStop === undefined || req.noStopTrim) return full;
        const at = full.indexOf(matchedStop);
        return at >= 0 ? full.slice(0, at) : full;
      };
      const lp = req.logprobs;
      const vocab = this.model.vocab;
      let inputLogprobs: TokenLogprob[] | undefined;
      const outputLogprobs: TokenLogprob[] | undefined = lp ? [] : undefined;
      const { tokens, stats } = await generate(this.model, this.drafter, req.prompt, {
        maxNewTokens: req.maxNewTokens, sampling: req.sampling, ignoreEos: req.ignoreEos, eosId: this.tokenizer.eosId,
        stopTokenIds: req.stopTokenIds, seed: req.seed, draftTokens: this.drafter ? this.settings.draftTokens : 0, tree: this.settings.tree,
        faults: this.settings.faults, processing: req.processing, synthetic: this.settings.synthetic ?? undefined,
        onCycle: this.onIteration ? (c) => this.onIteration!({
          phase: c.prefill ? 'context' : 'generation', tokens: c.prefill ? req.prompt.length : c.drafted + 1,
          drafted: c.drafted, accepted: c.accepted, ms: c.ms, draftMs: c.draftMs,
        }) : undefined,
        onPrefillLogits: lp && lp.inputFrom >= 0 ? (logits) => {
          inputLogprobs = [];
          for (let j = Math.min(lp.inputFrom, req.prompt.length); j < req.prompt.length; j++) {
            if (j === 0) { inputLogprobs.push({ logprob: null, id: req.prompt[0], top: lp.topN > 0 ? null : [] }); continue; }
            const r = scoreRow(logits.subarray((j - 1) * vocab, j * vocab), req.prompt[j], lp.topN);
            inputLogprobs.push({ logprob: r.logprob, id: req.prompt[j], top: r.top });
          }
        } : undefined,
        onTokenLogits: outputLogprobs ? (t, row) => {
          const r = scoreRow(row, t, lp!.topN);
          outputLogprobs.push({ logprob: r.logprob, id: t, top: r.top });
        } : undefined,
        onTokens: (fresh) => {
          // stop strings are checked token by token, so output_ids end where the stop string does
          for (let i = 0; i < fresh.length; i++) {
            out.push(fresh[i]);
            if (req.stop.length === 0) continue;
            const text = decode(out);
            const hit = req.stop.find((s) => text.includes(s));
            if (hit !== undefined) { matchedStop = hit; onProgress?.(out, shown(out)); return i + 1; }
          }
          onProgress?.(out, shown(out));
          aborted = isAborted?.() === true;
          return aborted;
        },
      });
      const text = shown(tokens);
      const seconds = (performance.now() - started) / 1000;
      this.lifetime.requests++;
      if (aborted) this.lifetime.aborted++;
      this.lifetime.completionTokens += stats.completionTokens;
      this.lifetime.verifyCycles += stats.verifyCycles;
      this.lifetime.outputTokensPerSecond = seconds > 0 ? stats.completionTokens / seconds : 0;
      this.onFinished?.(stats);
      return { tokens, text, stats, matchedStop, inputLogprobs, outputLogprobs };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
