// Client side of the OpenAI-compatible API as vLLM serves it: streamed /v1/completions or
// /v1/chat/completions with stream_options.include_usage, vLLM's extensions (top_k, ignore_eos,
// seed, return_token_ids), readiness by refused connections then GET /health, and the spec-decode
// counters of GET /metrics. Field names are vLLM's (vllm/entrypoints/openai/protocol.py).
import { processHandle, type EngineProcess } from './process.ts';
import { STREAM_DONE, serverSentData, waitForHealth } from './http-stream.ts';
import { readSpecCounters } from './prometheus.ts';
import { EngineError, type EngineHandle, type GenerateOutcome, type GenerateRequest, type RequestShape, type SpecCounters, type StreamChunk } from './types.ts';
import { fetchFailure } from '../errors.ts';
import { isRecord, numberList } from '../record.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type OpenAiApi = 'completions' | 'chat';

export interface OpenAiOptions {
  /** the `model` field: the name the server serves (vLLM: the model argument or --served-model-name) */
  model: string;
  api: OpenAiApi;
  sendSeed: boolean;
  /** ask for token ids per chunk (vLLM's return_token_ids; default true). trtllm-serve forbids the field */
  returnTokenIds?: boolean;
}

/** The chat messages of a conversation: each user turn, followed by the engine's own earlier answer. */
export function chatMessages(turns: string[], answers: string[]): { role: 'user' | 'assistant'; content: string }[] {
  return turns.flatMap((t, i) => {
    const answer = i < turns.length - 1 ? answers[i] : undefined;
    return answer === undefined ? [{ role: 'user' as const, content: t }] : [{ role: 'user' as const, content: t }, { role: 'assistant' as const, content: answer }];
  });
}

/** One streamed request as sent (and as --dry-run prints it). */
export function openAiRequest(req: GenerateRequest, o: OpenAiOptions): RequestShape {
  const body: Record<string, unknown> = { model: o.model };
  if (o.api === 'chat') {
    const conv = req.conversation ?? { turns: [req.text], answers: [] };
    body.messages = chatMessages(conv.turns, conv.answers);
  } else body.prompt = req.text;
  Object.assign(body, {
    max_tokens: req.maxNewTokens, temperature: req.temperature, top_p: req.topP,
    // vLLM extensions: top_k (left out when disabled: builds differ on -1 vs 0), ignore_eos, token ids per chunk
    ...(req.topK > 0 ? { top_k: req.topK } : {}),
    ignore_eos: req.ignoreEos,
    ...(o.sendSeed ? { seed: req.seed } : {}),
    ...(o.returnTokenIds !== false ? { return_token_ids: true } : {}),
    stream: true,
    stream_options: { include_usage: true },
  });
  return { method: 'POST', path: o.api === 'chat' ? '/v1/chat/completions' : '/v1/completions', body };
}

/** Per-request spec-decode figures vLLM adds with --per-request-spec-decode-metrics (metrics.speculative_decoding). */
export function readPerRequestSpec(metrics: unknown): Pick<GenerateOutcome, 'verifyCycles' | 'acceptedDrafts' | 'proposedDrafts' | 'acceptedHistogram'> | null {
  const s = isRecord(metrics) ? metrics.speculative_decoding : undefined;
  if (!isRecord(s)) return null;
  const num = (k: string) => {
    const v = s[k];
    return typeof v === 'number' ? v : null;
  };
  return {
    verifyCycles: num('num_spec_steps'),
    acceptedDrafts: num('num_accepted_draft_tokens'),
    proposedDrafts: num('num_draft_tokens'),
    acceptedHistogram: numberList(s.acceptance_histogram),
  };
}

/** What a finished stream adds up to, from its parsed `data:` objects in arrival order. */
export function readStream(events: Record<string, unknown>[], arrivals: number[]): Omit<GenerateOutcome, 'e2eSeconds' | 'engineE2eSeconds' | 'draftSeconds' | 'verifySeconds' | 'draftSteps'> {
  let text = '';
  let finish = 'unknown';
  let usage: Record<string, unknown> | null = null;
  let spec: ReturnType<typeof readPerRequestSpec> = null;
  let ttft: number | null = null;
  const ids: number[] = [];
  let idsSeen = false;
  const chunks: StreamChunk[] = [];
  for (const [i, ev] of events.entries()) {
    if (isRecord(ev.usage)) usage = ev.usage;
    spec ??= readPerRequestSpec(ev.metrics);
    const choice: unknown = Array.isArray(ev.choices) ? ev.choices[0] : undefined;
    if (!isRecord(choice)) continue;
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const piece = typeof choice.text === 'string' ? choice.text : typeof delta.content === 'string' ? delta.content : '';
    const tokenIds = numberList(choice.token_ids);
    if (tokenIds) { idsSeen = true; ids.push(...tokenIds); }
    const fresh = tokenIds ? tokenIds.length : 0;
    const at = arrivals[i] ?? 0;
    if (ttft === null && (fresh > 0 || piece.length > 0)) ttft = at;
    if (fresh > 0) chunks.push({ at, tokens: fresh });
    text += piece;
    if (typeof choice.finish_reason === 'string') finish = choice.finish_reason;
  }
  const u = usage ?? {};
  const completionTokens = typeof u.completion_tokens === 'number' ? u.completion_tokens : ids.length;
  const s = spec;
  return {
    text, outputIds: ids, promptTokens: typeof u.prompt_tokens === 'number' ? u.prompt_tokens : 0, completionTokens, finishReason: finish,
    verifyCycles: s?.verifyCycles ?? null, acceptedHistogram: s?.acceptedHistogram ?? null,
    proposedDrafts: s?.proposedDrafts ?? null, acceptedDrafts: s?.acceptedDrafts ?? null,
    ttftSeconds: ttft,
    // without token ids a chunk's token count is unknown: no per-chunk latencies rather than wrong ones
    streamChunks: idsSeen ? chunks : null,
  };
}

export class OpenAiClient {
  constructor(readonly baseUrl: string, readonly options: OpenAiOptions) {}

  /** vLLM refuses connections while it loads, then answers GET /health 200 (503 if the engine died). */
  waitHealthy(deadline: number, isDead: () => string | null, signal?: AbortSignal): Promise<void> {
    return waitForHealth(this.baseUrl, deadline, isDead, signal, 250);
  }

  async getText(path: string): Promise<string> {
    const r = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!r.ok) throw new EngineError(`${path}: HTTP ${r.status}`);
    return r.text();
  }

  async generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateOutcome> {
    const shape = openAiRequest(req, this.options);
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${shape.path}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(shape.body), signal,
      });
    } catch (e) {
      throw new EngineError(`request failed: ${fetchFailure(e)}`);
    }
    if (!res.ok || !res.body) {
      const body = await res.text().catch(() => '');
      throw new EngineError(`${shape.path} answered HTTP ${res.status}: ${body.slice(0, 300)}`);
    }
    const events: Record<string, unknown>[] = [];
    const arrivals: number[] = [];
    let done = false;
    for await (const obj of serverSentData(res.body)) {
      if (obj === STREAM_DONE) { done = true; continue; }
      events.push(obj);
      arrivals.push((performance.now() - started) / 1000);
    }
    const e2e = (performance.now() - started) / 1000;
    if (!done) throw new EngineError(`${shape.path}: the stream ended without data: [DONE]`);
    return { ...readStream(events, arrivals), e2eSeconds: e2e, engineE2eSeconds: null, draftSeconds: null, verifySeconds: null, draftSteps: null };
  }

  /**
   * The spec-decode counters once they have settled: vLLM updates them as it logs each engine
   * step, which can trail the last streamed chunk, so read until two reads 100 ms apart agree.
   */
  async counters(k?: number): Promise<SpecCounters | null> {
    let last = readSpecCounters(await this.getText('/metrics'), k);
    for (let i = 0; i < 20 && last; i++) {
      await sleep(100);
      const next = readSpecCounters(await this.getText('/metrics'), k);
      if (next && JSON.stringify(next) === JSON.stringify(last)) return next;
      last = next;
    }
    return last;
  }
}

/** Handle over a process that speaks vLLM's OpenAI-compatible API. */
export function openAiHandle(url: string, proc: EngineProcess, logFile: string, options: OpenAiOptions, k?: number, extraInfo: Record<string, unknown> = {}): EngineHandle {
  const client = new OpenAiClient(url, options);
  return {
    ...processHandle(url, proc, logFile, (deadline, isDead, signal) => client.waitHealthy(deadline, isDead, signal)),
    generate: (req, signal) => client.generate(req, signal),
    counters: () => client.counters(k),
    async describe() {
      const version = await client.getText('/version').then((t) => {
        const v: unknown = JSON.parse(t);
        return String((isRecord(v) ? v.version : undefined) ?? 'unknown');
      }).catch(() => 'unknown');
      const models = await client.getText('/v1/models').then((t): unknown => JSON.parse(t)).catch(() => null);
      // extraInfo (the prompt format) goes into result.json, so a result says how prompts were sent
      return { version, info: { ...extraInfo, api: options.api, models } };
    },
  };
}
