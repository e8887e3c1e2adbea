// The reference engine behind the HTTP server: one target model, one draft method, requests
// served one at a time in arrival order (no continuous batching: with batch size > 1 the
// extra requests wait in the queue, and their latency shows it).
import { generate, type EngineFaults, type GenerateStats } from '../decoding/generate.ts';
import type { Drafter } from '../drafts/types.ts';
import { REFERENCE_DRAFT_METHODS, type ReferenceDraftMethod } from '../drafts/index.ts';
import type { TargetModel } from '../decoding/model.ts';
import type { SamplingParams } from '../decoding/sampling.ts';
import type { Tokenizer } from '../model/tokenizer.ts';

export type DraftMethod = ReferenceDraftMethod;
export const DRAFT_METHODS: readonly DraftMethod[] = REFERENCE_DRAFT_METHODS;

export interface EngineSettings {
  /** drafted tokens proposed per cycle (the root token is not counted); chain drafts take this many steps */
  draftTokens: number;
  faults: EngineFaults;
}

export interface EngineRequest {
  prompt: number[];
  maxNewTokens: number;
  sampling: SamplingParams;
  ignoreEos: boolean;
  stop: string[];
  stopTokenIds: number[];
  seed: number;
}

export interface EngineResult {
  tokens: number[];
  text: string;
  stats: GenerateStats;
  /** the stop string that ended generation, if any */
  matchedStop?: string;
}

export class ReferenceEngine {
  private queue: Promise<unknown> = Promise.resolve();
  private lifetime = { completionTokens: 0, verifyCycles: 0, requests: 0, outputTokensPerSecond: 0 };
  constructor(readonly model: TargetModel, readonly tokenizer: Tokenizer, readonly drafter: Drafter | null, readonly settings: EngineSettings) {}

  /** Lifetime pooled acceptance length, as SGLang's internal_states reports it (coarse; clients should use per-request fields). */
  get avgAcceptLength(): number {
    return this.lifetime.verifyCycles ? this.lifetime.completionTokens / this.lifetime.verifyCycles : 0;
  }

  get lastThroughput(): number { return this.lifetime.outputTokensPerSecond; }

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
      let text = '';
      const { tokens, stats } = await generate(this.model, this.drafter, req.prompt, {
        maxNewTokens: req.maxNewTokens, sampling: req.sampling, ignoreEos: req.ignoreEos, eosId: this.tokenizer.eosId,
        stopTokenIds: req.stopTokenIds, seed: req.seed, draftTokens: this.drafter ? this.settings.draftTokens : 0,
        faults: this.settings.faults,
        onTokens: (fresh) => {
          out.push(...fresh);
          text = this.tokenizer.decode(out.filter((t) => t !== this.tokenizer.eosId));
          for (const s of req.stop) {
            const at = text.indexOf(s);
            if (at >= 0) { matchedStop = s; text = text.slice(0, at); break; }
          }
          onProgress?.(out, text);
          return matchedStop !== undefined || isAborted?.() === true;
        },
      });
      const seconds = (performance.now() - started) / 1000;
      this.lifetime.requests++;
      this.lifetime.completionTokens += stats.completionTokens;
      this.lifetime.verifyCycles += stats.verifyCycles;
      this.lifetime.outputTokensPerSecond = seconds > 0 ? stats.completionTokens / seconds : 0;
      return { tokens, text, stats, matchedStop };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
