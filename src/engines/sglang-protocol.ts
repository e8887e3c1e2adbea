// Client side of SGLang's native HTTP protocol, shared by every engine that speaks it (the
// embedded reference engine and SGLang itself). Field names changed across SGLang releases,
// so meta_info is read under each name a release used.
import { processHandle, type EngineProcess } from './process.ts';
import { STREAM_DONE, serverSentData, waitForHealth } from './http-stream.ts';
import { EngineError, type EngineHandle, type GenerateOutcome, type GenerateRequest, type StreamChunk } from './types.ts';
import { fetchFailure } from '../errors.ts';
import { isRecord, numberList } from '../record.ts';
import { readShapeAcceptance } from '../metrics/shape-acceptance.ts';

const pick = (m: Record<string, unknown>, ...names: string[]): number | null => {
  for (const n of names) {
    const v = m[n];
    if (typeof v === 'number') return v;
  }
  return null;
};

/** Reads one request's figures from a final meta_info, whichever SGLang release wrote it. */
export function readMetaInfo(meta: Record<string, unknown>): Omit<GenerateOutcome, 'text' | 'outputIds' | 'ttftSeconds' | 'e2eSeconds' | 'streamChunks'> {
  // the reference engine without a draft sends its counts under prism_ names, as SGLang sends no spec_* field then
  const hist = meta.spec_correct_drafts_histogram ?? meta.spec_accept_histogram ?? meta.prism_correct_drafts_histogram;
  const finish = meta.finish_reason;
  return {
    promptTokens: pick(meta, 'prompt_tokens') ?? 0,
    completionTokens: pick(meta, 'completion_tokens') ?? 0,
    finishReason: typeof finish === 'string' ? finish : isRecord(finish) && typeof finish.type === 'string' ? finish.type : 'unknown',
    verifyCycles: pick(meta, 'spec_verify_ct', 'prism_verify_ct'),
    acceptedHistogram: numberList(hist),
    acceptedDrafts: pick(meta, 'spec_num_correct_drafts', 'spec_accepted_drafts', 'spec_accept_token_num', 'prism_num_correct_drafts'),
    proposedDrafts: pick(meta, 'spec_num_proposed_drafts', 'spec_proposed_drafts', 'spec_draft_token_num', 'prism_num_proposed_drafts'),
    draftSeconds: pick(meta, 'prism_draft_time_s'),
    verifySeconds: pick(meta, 'prism_verify_time_s'),
    draftSteps: pick(meta, 'prism_draft_steps'),
    engineE2eSeconds: pick(meta, 'e2e_latency'),
    shapeAcceptance: readShapeAcceptance(meta.prism_shape_acceptance),
  };
}

/**
 * The token-bearing chunks of one stream: arrival (seconds after sending) and the number of new
 * tokens each carried. Cumulative streams (older SGLang, the reference engine) resend all ids, so
 * new tokens are the growth; incremental ones (newer SGLang) send only the new ids. Chunks with no
 * new token (the reference engine's closing meta_info chunk) are dropped.
 */
export function tokenChunks(chunks: number[][], arrivals: number[], cumulative: boolean): StreamChunk[] {
  const out: StreamChunk[] = [];
  let seen = 0;
  chunks.forEach((ids, i) => {
    const fresh = cumulative ? ids.length - seen : ids.length;
    if (cumulative) seen = Math.max(seen, ids.length);
    if (fresh > 0) out.push({ at: arrivals[i], tokens: fresh });
  });
  return out;
}

/** The body of one streamed POST /generate, as sent (and as --dry-run prints it). */
export function generateBody(req: GenerateRequest, sendSeed: boolean): Record<string, unknown> {
  const sampling: Record<string, unknown> = {
    max_new_tokens: req.maxNewTokens, temperature: req.temperature, top_p: req.topP, top_k: req.topK, ignore_eos: req.ignoreEos,
  };
  if (sendSeed) sampling.sampling_seed = req.seed;
  return { text: req.text, sampling_params: sampling, stream: true };
}

export class SglangClient {
  constructor(readonly baseUrl: string) {}

  /** Polls /health until 200 (newer SGLang: 503 while loading; older: 200 once HTTP is up). */
  waitHealthy(deadline: number, isDead: () => string | null, signal?: AbortSignal): Promise<void> {
    return waitForHealth(this.baseUrl, deadline, isDead, signal, 200);
  }

  async getJson(path: string): Promise<unknown> {
    const r = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    if (!r.ok) throw new EngineError(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  /** GET the first of several paths that answers (e.g. /server_info, then the older /get_server_info). */
  async getFirst(...paths: string[]): Promise<unknown> {
    let last: unknown;
    for (const p of paths) {
      try { return await this.getJson(p); } catch (e) { last = e; }
    }
    throw last;
  }

  /** One streamed /generate request; TTFT and E2E are measured here, on the client. */
  async generate(req: GenerateRequest, opts: { sendSeed: boolean; signal?: AbortSignal }): Promise<GenerateOutcome> {
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/generate`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify(generateBody(req, opts.sendSeed)), signal: opts.signal,
      });
    } catch (e) {
      throw new EngineError(`request failed: ${fetchFailure(e)}`);
    }
    if (!res.ok || !res.body) {
      const body = await res.text().catch(() => '');
      throw new EngineError(`/generate answered HTTP ${res.status}: ${body.slice(0, 300)}`);
    }
    let ttft: number | null = null;
    let last: Record<string, unknown> | null = null;
    const chunks: number[][] = [];
    // arrival of every data chunk, seconds after the request was sent (ITL is read from these)
    const arrivals: number[] = [];
    for await (const obj of serverSentData(res.body)) {
      if (obj === STREAM_DONE) continue;
      const ids = numberList(obj.output_ids) ?? [];
      if (ttft === null && (ids.length > 0 || (typeof obj.text === 'string' && obj.text.length > 0))) ttft = (performance.now() - started) / 1000;
      chunks.push(ids);
      arrivals.push((performance.now() - started) / 1000);
      last = obj;
    }
    const e2e = (performance.now() - started) / 1000;
    if (!last) throw new EngineError('stream ended without any data chunk');
    const meta = isRecord(last.meta_info) ? last.meta_info : {};
    const figures = readMetaInfo(meta);
    // newer SGLang streams incremental output_ids, older and the reference engine cumulative ones
    const final = chunks[chunks.length - 1] ?? [];
    const concatenated = chunks.flat();
    const cumulative = final.length === figures.completionTokens || concatenated.length !== figures.completionTokens;
    const outputIds = cumulative ? final : concatenated;
    return {
      ...figures, text: typeof last.text === 'string' ? last.text : '', outputIds, ttftSeconds: ttft, e2eSeconds: e2e,
      streamChunks: tokenChunks(chunks, arrivals, cumulative),
    };
  }
}

/** What an adapter adds to the plain protocol handle. */
export interface SglangHandleExtras {
  /** turns each request into the one sent (the sglang adapter renders chat prompts here) */
  prepare?: (req: GenerateRequest) => GenerateRequest;
  /** recorded with the engine's info in result.json (the prompt format) */
  info?: Record<string, unknown>;
}

/** Handle over any process that speaks SGLang's protocol. */
export function sglangHandle(url: string, proc: EngineProcess, logFile: string, sendSeed: boolean, extras: SglangHandleExtras = {}): EngineHandle {
  const client = new SglangClient(url);
  return {
    ...processHandle(url, proc, logFile, (deadline, isDead, signal) => client.waitHealthy(deadline, isDead, signal)),
    generate: async (req, signal) => client.generate(extras.prepare ? extras.prepare(req) : req, { sendSeed, signal }),
    async describe() {
      const got: unknown = await client.getFirst('/server_info', '/get_server_info');
      const info = isRecord(got) ? got : {};
      const model = await client.getFirst('/model_info', '/get_model_info').catch(() => null);
      return { version: String(info.version ?? 'unknown'), info: { ...extras.info, server: info, model } };
    },
    async flushCache() {
      // SGLang answers 200, or 400 "Cache not flushed because there are running requests"
      const r = await fetch(`${url}/flush_cache`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      const text = await r.text();
      if (!r.ok) throw new EngineError(`POST ${url}/flush_cache: HTTP ${r.status} ${text.trim().slice(0, 200)}`);
    },
  };
}
