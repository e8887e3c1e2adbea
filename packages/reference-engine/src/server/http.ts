// The reference engine's HTTP face, speaking SGLang's native protocol so the harness drives it
// exactly as it drives SGLang: /health, /health_generate, /model_info, /server_info (and the
// older /get_* names), POST /generate with optional SSE streaming.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BadRequest, parseGenerateBody, type GenerateItem } from './validate.ts';
import { logprobMeta } from './logprobs-meta.ts';
import type { EngineResult, ReferenceEngine } from './engine.ts';
import { handleOpenAi, parseOpenAiBody, type OpenAiServerOptions } from './openai.ts';
import { engineCounters } from './prometheus.ts';
import { iterationStatsQueue } from './trtllm-stats.ts';
import { watchClient } from './client-gone.ts';

export const ENGINE_NAME = 'prism-bench-reference';

export interface ServerOptions {
  modelPath: string;
  /** reported as model_info.tokenizer_path (default: modelPath) */
  tokenizerPath?: string;
  version: string;
  host: string;
  port: number;
  maxBodyBytes: number;
  /** what server_info reports as the launch arguments */
  serverArgs: Record<string, unknown>;
  /** the OpenAI-compatible front end (vLLM's shape) and its /metrics counters */
  openai: OpenAiServerOptions;
  /** a line for the engine's log (cache flushes are logged, so a run's logs show them) */
  log?: (line: string) => void;
  /**
   * what GET /metrics speaks: vLLM's Prometheus counters (default), or TensorRT-LLM's iteration
   * statistics (a JSON list drained on each read; `enabled` false answers [] as trtllm-serve does
   * without enable_iter_perf_stats)
   */
  metrics?: { format: 'prometheus' } | { format: 'trtllm'; enabled: boolean };
  /** SGLang's --log-requests: log each /generate body's text as received and each output (tests read what a client sent) */
  logRequests?: boolean;
}

export interface ReferenceServer {
  server: Server;
  /** hands over the loaded engine; /health turns from 503 to 200 once setReady(true) follows */
  setEngine(engine: ReferenceEngine): void;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const sendError = (res: ServerResponse, status: number, message: string) => sendJson(res, status, { error: { message, code: status } });

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) { reject(new BadRequest(`body: larger than the limit of ${limit} bytes; send a shorter prompt`)); req.resume(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * meta_info as SGLang returns it, plus fields SGLang lacks, prefixed prism_ (seconds):
 * prism_draft_time_s: wall time spent drafting; prism_verify_time_s: wall time of target
 * forward passes after prefill; prism_prefill_time_s; prism_draft_steps (draft forward steps);
 * prism_draft_module_by_step[s][m]: times module m ran as draft step s (step 0 = extend pass);
 * prism_shape_acceptance (EAGLE-2 dynamic trees only): what every smaller tree shape would have
 * accepted, replayed over each cycle's wide tree (drafts/shape-replay.ts).
 * Without a speculative algorithm SGLang sends no spec_* field (0.4.6.post1,
 * python/sglang/srt/managers/tokenizer_manager.py, _handle_batch_output: spec_verify_ct only
 * `if self.server_args.speculative_algorithm`), and clients such as the PRISM artifact's
 * bench_mt_all.py print acceptance length 1 only when it is absent; vanilla's counts go out under
 * prism_ names instead (prism_verify_ct, ...), which the harness reads.
 */
export function metaInfo(id: string, promptTokens: number, r: EngineResult, e2eSeconds: number, speculative = true): Record<string, unknown> {
  const s = r.stats;
  const finish = s.finish === 'length'
    ? { type: 'length', length: s.completionTokens }
    : s.finish === 'eos' ? { type: 'stop', matched: r.tokens[r.tokens.length - 1] } : { type: 'stop', matched: r.matchedStop };
  const spec = {
    verify_ct: s.verifyCycles,
    accept_length: s.verifyCycles ? s.completionTokens / s.verifyCycles : 0,
    accept_rate: s.proposedDrafts ? s.acceptedDrafts / s.proposedDrafts : 0,
    num_correct_drafts: s.acceptedDrafts,
    num_proposed_drafts: s.proposedDrafts,
    correct_drafts_histogram: s.acceptedHistogram,
  };
  const prefix = speculative ? 'spec_' : 'prism_';
  return {
    id,
    finish_reason: finish,
    prompt_tokens: promptTokens,
    completion_tokens: s.completionTokens,
    cached_tokens: 0,
    e2e_latency: e2eSeconds,
    ...Object.fromEntries(Object.entries(spec).map(([k, v]) => [prefix + k, v])),
    prism_draft_time_s: s.draftMs / 1000,
    prism_verify_time_s: s.verifyMs / 1000,
    prism_prefill_time_s: s.prefillMs / 1000,
    prism_draft_steps: s.draftSteps,
    prism_draft_module_by_step: s.moduleByStep,
    ...(s.shapeAcceptance ? { prism_shape_acceptance: s.shapeAcceptance } : {}),
  };
}

const newId = () => randomUUID().replace(/-/g, '');

export function startServer(opts: ServerOptions): Promise<ReferenceServer> {
  let ready = false;
  let seedCounter = 0;
  // the HTTP port opens before the model loads, so /health can say 503 while it does
  let engine: ReferenceEngine | undefined;
  // SGLang's model_info keys (0.4.6: the first three; later builds add the rest), plus engine and version
  const modelInfo = () => ({
    model_path: opts.modelPath, tokenizer_path: opts.tokenizerPath ?? opts.modelPath, is_generation: true, preferred_sampling_params: null,
    weight_version: 'default', has_image_understanding: false, has_audio_understanding: false, engine: ENGINE_NAME, version: opts.version,
  });
  // read per request: serve() fills the learned drafts' speculative_algorithm in after the server starts
  const speculative = () => opts.serverArgs.speculative_algorithm != null;
  const serverInfo = () => ({
    ...opts.serverArgs,
    version: opts.version,
    engine: ENGINE_NAME,
    // prism_aborted_requests: generations stopped early because their client went away
    internal_states: [{ avg_spec_accept_length: engine?.avgAcceptLength ?? 0, last_gen_throughput: engine?.lastThroughput ?? 0, prism_aborted_requests: engine?.abortedRequests ?? 0 }],
  });

  const handleGenerate = async (engine: ReferenceEngine, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const tokenizer = engine.tokenizer;
    const text = await readBody(req, opts.maxBodyBytes);
    let raw: unknown;
    try { raw = JSON.parse(text); } catch (e) { throw new BadRequest(`body: not valid JSON (${(e as Error).message})`); }
    const body = parseGenerateBody(raw, {
      vocab: tokenizer.vocabSize, maxContext: engine.model.maxContext, eosId: tokenizer.eosId,
      encode: (t) => tokenizer.encode(t), defaultSeed: () => (Date.now() + seedCounter++) >>> 0,
    });
    const closed = watchClient(req, res);
    const logged = opts.logRequests ? opts.log : undefined;
    logged?.(`Receive: ${JSON.stringify({ text: (raw as { text?: unknown }).text ?? null, input_ids: (raw as { input_ids?: unknown }).input_ids ?? null, sampling_params: (raw as { sampling_params?: unknown }).sampling_params ?? null })}`);
    const answer = (item: GenerateItem, id: string, r: EngineResult, started: number) => {
      logged?.(`Finish: ${JSON.stringify({ id, text: r.text, completion_tokens: r.tokens.length })}`);
      return {
        text: r.text, output_ids: r.tokens,
        meta_info: { ...metaInfo(id, item.request.prompt.length, r, (performance.now() - started) / 1000, speculative()), ...logprobMeta(item, r, (ids) => tokenizer.decode(ids)) },
      };
    };
    if (!body.stream) {
      const answers: unknown[] = [];
      for (const item of body.items) {
        if (closed()) return; // the client left: the rest of its batch is not worth computing
        const started = performance.now();
        const r = await engine.submit(item.request, undefined, closed);
        answers.push(answer(item, item.rid ?? newId(), r, started));
      }
      if (closed()) return;
      sendJson(res, 200, body.batch ? answers : answers[0]);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (obj: unknown) => { if (!closed()) res.write(`data: ${JSON.stringify(obj)}\n\n`); };
    for (const [index, item] of body.items.entries()) {
      if (closed()) return;
      const id = item.rid ?? newId();
      const started = performance.now();
      const promptTokens = item.request.prompt.length;
      // a batch's chunks say which request they belong to, as SGLang's do
      const tag = body.batch ? { index } : {};
      let sent = 0;
      const r = await engine.submit(item.request, (tokens, cumulative) => {
        if (tokens.length - sent < body.streamInterval) return;
        sent = tokens.length;
        // no prefix cache: cached_tokens is 0 in every chunk, as it is in the last one
        chunk({ text: cumulative, output_ids: tokens.slice(), meta_info: { id, finish_reason: null, prompt_tokens: promptTokens, completion_tokens: tokens.length, cached_tokens: 0 }, ...tag });
      }, closed);
      chunk({ ...answer(item, id, r, started), ...tag });
    }
    if (!closed()) res.end('data: [DONE]\n\n');
  };

  const counters = engineCounters(opts.openai.servedModelName, opts.openai.numSpecTokens > 0, opts.openai.numSpecTokens);
  const trtllm = opts.metrics?.format === 'trtllm' ? opts.metrics : null;
  const iterations = trtllm?.enabled ? iterationStatsQueue(opts.openai.numSpecTokens > 0) : null;
  const handleOpenAiRoute = async (engine: ReferenceEngine, chat: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req, opts.maxBodyBytes);
    let raw: unknown;
    try { raw = JSON.parse(text); } catch (e) { throw new BadRequest(`body: not valid JSON (${(e as Error).message})`); }
    // trtllm-serve's request models forbid extra fields (OpenAIBaseModel: extra="forbid"); vLLM's return_token_ids is one
    if (trtllm && typeof raw === 'object' && raw !== null && 'return_token_ids' in raw) throw new BadRequest('return_token_ids: Extra inputs are not permitted (trtllm-serve has no such request field)');
    const parsed = parseOpenAiBody(raw, chat, engine, opts.openai, () => (Date.now() + seedCounter++) >>> 0);
    await handleOpenAi(engine, parsed, opts.openai, res, req);
  };

  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const route = `${req.method} ${url}`;
    const fail = (e: unknown) => {
      if (res.headersSent) { res.end(); return; }
      // the OpenAI routes answer errors as vLLM does: {object: "error", message, type, code}
      const openai = url.startsWith('/v1/');
      if (e instanceof BadRequest) {
        if (openai) sendJson(res, e.message.startsWith('model: ') ? 404 : 400, { object: 'error', message: e.message, type: e.message.startsWith('model: ') ? 'NotFoundError' : 'BadRequestError', param: null, code: e.message.startsWith('model: ') ? 404 : 400 });
        else sendError(res, 400, e.message);
      } else sendError(res, 500, `internal error: ${(e as Error).message}`);
    };
    try {
      switch (route) {
        case 'GET /health':
          return ready ? sendJson(res, 200, {}) : sendError(res, 503, 'model loading or warming up');
        case 'GET /health_generate':
          if (!ready || !engine) return sendError(res, 503, 'model loading or warming up');
          engine.submit({ prompt: [engine.tokenizer.eosId], maxNewTokens: 1, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, stop: [], stopTokenIds: [], seed: 0 })
            .then(() => sendJson(res, 200, {}), fail);
          return;
        case 'GET /model_info': case 'GET /get_model_info':
          return sendJson(res, 200, modelInfo());
        case 'GET /server_info': case 'GET /get_server_info':
          return sendJson(res, 200, serverInfo());
        case 'POST /flush_cache': case 'GET /flush_cache':
          // nothing is cached between requests; drain the body ({"empty_cache": true}) and say so
          req.resume();
          req.on('end', () => { opts.log?.('flush_cache: cache flushed'); sendText(res, 200, 'Cache flushed (the reference engine keeps no prefix cache between requests).\n'); });
          return;
        case 'POST /concate_and_append_request':
          req.resume();
          return sendError(res, 501, 'concate_and_append_request: the reference engine keeps no KV cache between requests, so forked requests cannot be joined by cache; join forks as text instead');
        case 'GET /metrics':
          if (trtllm) return sendJson(res, 200, iterations?.drain() ?? []);
          counters.registry.metrics().then((t) => {
            res.writeHead(200, { 'content-type': counters.registry.contentType });
            res.end(t);
          }, fail);
          return;
        case 'GET /version':
          return sendJson(res, 200, { version: opts.version, engine: ENGINE_NAME });
        case 'GET /v1/models':
          return sendJson(res, 200, { object: 'list', data: [{ id: opts.openai.servedModelName, object: 'model', created: Math.floor(Date.now() / 1000), owned_by: ENGINE_NAME, root: opts.modelPath, parent: null, max_model_len: engine?.model.maxContext ?? null }] });
        case 'POST /v1/completions': case 'POST /v1/chat/completions':
          // vLLM refuses connections until ready; this server answers 503, which the same client polls past
          if (!ready || !engine) return sendError(res, 503, 'model loading or warming up; poll /health');
          handleOpenAiRoute(engine, url === '/v1/chat/completions', req, res).catch(fail);
          return;
        case 'POST /generate':
          if (!ready || !engine) return sendError(res, 503, 'model loading or warming up; poll /health');
          handleGenerate(engine, req, res).catch(fail);
          return;
        default:
          if (['/generate', '/health', '/model_info', '/server_info', '/get_model_info', '/get_server_info', '/flush_cache', '/metrics', '/version', '/v1/models', '/v1/completions', '/v1/chat/completions'].includes(url)) return sendError(res, 405, `${req.method} is not allowed on ${url}`);
          return sendError(res, 404, `no route ${url}; routes: GET /health, /health_generate, /model_info, /server_info, /get_model_info, /get_server_info, /metrics, /version, /v1/models; POST /generate, /flush_cache, /v1/completions, /v1/chat/completions`);
      }
    } catch (e) {
      fail(e);
    }
  });
  server.keepAliveTimeout = 5000;
  // a client may half-close its side once the request is sent (shutdown(SHUT_WR)); without this
  // Node treats the FIN as an abort and the response is never written
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      resolve({
        server,
        setEngine: (e) => {
          engine = e;
          e.onFinished = (s) => counters.observe(s);
          if (iterations) e.onIteration = (it) => iterations.record(it);
        },
        setReady: (r) => { ready = r && engine !== undefined; },
        close: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
      });
    });
  });
}
