// The reference engine's OpenAI-compatible front end, shaped as vLLM serves it: POST
// /v1/completions and /v1/chat/completions (streamed with stream_options.include_usage, or
// whole), vLLM's extensions top_k, ignore_eos, seed and return_token_ids, and with
// --per-request-spec-decode-metrics the metrics.speculative_decoding object on the usage chunk.
// The target is a plain language model, so its "chat template" is the harness's Question/Answer
// transcript: a chat request and a completions request for the same conversation see one prompt.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { questionAnswerPrompt } from '../prompt.ts';
import type { GenerateStats } from '../decoding/generate.ts';
import type { EngineRequest, ReferenceEngine } from './engine.ts';
import { BadRequest, describe } from './validate.ts';
import { watchClient } from './client-gone.ts';

export interface OpenAiServerOptions {
  /** the name requests must give as `model` (vLLM: the model argument or --served-model-name) */
  servedModelName: string;
  /** none, summary or detailed (vLLM's --per-request-spec-decode-metrics) */
  perRequestSpecMetrics: 'none' | 'summary' | 'detailed';
  /** drafted tokens per step (num_spec_tokens); 0 when the engine does not speculate */
  numSpecTokens: number;
}

interface Parsed {
  chat: boolean;
  stream: boolean;
  includeUsage: boolean;
  returnTokenIds: boolean;
  request: EngineRequest;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (message: string): never => { throw new BadRequest(message); };

function num(raw: Record<string, unknown>, key: string, dflt: number, ok: (v: number) => boolean, want: string): number {
  const v = raw[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(`${key}: expected ${want}, got ${describe(v)}`);
  return v as number;
}

/** The prompt text of a chat request: user turns as questions, assistant turns as the answers given. */
export function chatPrompt(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) fail('messages: expected a non-empty list of {role, content}');
  const turns: string[] = [], answers: string[] = [];
  (messages as unknown[]).forEach((m, i) => {
    if (!isObj(m) || typeof m.content !== 'string') fail(`messages[${i}]: expected {role, content} with string content, got ${describe(m)}`);
    const mm = m as { role?: unknown; content: string };
    if (mm.role === 'user') turns.push(mm.content);
    else if (mm.role === 'assistant') answers.push(mm.content);
    else if (mm.role !== 'system') fail(`messages[${i}].role: expected user, assistant or system, got ${describe(mm.role)}`);
  });
  if (turns.length === 0) fail('messages: no user message; add {role: "user", content: ...}');
  return questionAnswerPrompt(turns, answers);
}

export function parseOpenAiBody(raw: unknown, chat: boolean, engine: ReferenceEngine, o: OpenAiServerOptions, defaultSeed: () => number): Parsed {
  if (!isObj(raw)) fail(`body: expected a JSON object, got ${describe(raw)}`);
  const r = raw as Record<string, unknown>;
  if (r.model !== undefined && r.model !== o.servedModelName) fail(`model: The model \`${String(r.model)}\` does not exist; this server serves ${o.servedModelName}`);
  let text: string;
  if (chat) text = chatPrompt(r.messages);
  else {
    if (typeof r.prompt !== 'string' || r.prompt.length === 0) fail(`prompt: expected a non-empty string, got ${describe(r.prompt)}`);
    text = r.prompt as string;
  }
  if (r.n !== undefined && r.n !== null && r.n !== 1) fail(`n: the reference engine returns one choice per request; send n: 1, got ${describe(r.n)}`);
  const prompt = engine.tokenizer.encode(text);
  const room = engine.model.maxContext - prompt.length;
  const promptField = chat ? 'messages' : 'prompt';
  if (room < 0) fail(`${promptField}: the prompt is ${prompt.length} tokens, the context is ${engine.model.maxContext} tokens; send a shorter prompt`);
  if (room < 1) fail(`${promptField}: the prompt is ${prompt.length} tokens, the context is ${engine.model.maxContext} tokens, which leaves no room for a completion; send a shorter prompt`);
  const maxTokensRaw = r.max_tokens ?? r.max_completion_tokens;
  const maxTokens = num({ max_tokens: maxTokensRaw }, 'max_tokens', chat ? room : 16, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  if (maxTokens > room) fail(`max_tokens: ${maxTokens} plus the prompt's ${prompt.length} tokens exceed the context of ${engine.model.maxContext}; lower max_tokens`);
  const temperature = num(r, 'temperature', 1, (v) => v >= 0, 'a number >= 0');
  const topP = num(r, 'top_p', 1, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const topK = num(r, 'top_k', -1, (v) => Number.isInteger(v) && (v === -1 || v >= 0), '-1, 0 (disabled) or a positive integer');
  const seed = num(r, 'seed', Number.NaN, (v) => Number.isInteger(v), 'an integer');
  const stop = r.stop === undefined || r.stop === null ? [] : typeof r.stop === 'string' ? [r.stop] : Array.isArray(r.stop) && r.stop.every((s) => typeof s === 'string') ? r.stop as string[] : fail(`stop: expected a string or a list of strings, got ${describe(r.stop)}`);
  const so = r.stream_options;
  if (so !== undefined && so !== null && !isObj(so)) fail(`stream_options: expected an object such as {"include_usage": true}, got ${describe(so)}`);
  return {
    chat,
    stream: r.stream === true,
    includeUsage: isObj(so) && so.include_usage === true,
    returnTokenIds: r.return_token_ids === true,
    request: {
      prompt, maxNewTokens: maxTokens,
      sampling: { temperature, topP, topK: topK === 0 ? -1 : topK },
      ignoreEos: r.ignore_eos === true, stop, stopTokenIds: [],
      seed: Number.isNaN(seed) ? defaultSeed() : seed >>> 0,
    },
  };
}

/** metrics.speculative_decoding as vLLM's summary level writes it. */
export function speculativeMetrics(s: GenerateStats, numSpecTokens: number, detailed: boolean): Record<string, unknown> {
  const hist = Array.from({ length: numSpecTokens + 1 }, (_, i) => s.acceptedHistogram[i] ?? 0);
  const steps = s.verifyCycles;
  return {
    mean_acceptance_length: steps ? 1 + s.acceptedDrafts / steps : 1,
    draft_acceptance_rate: s.proposedDrafts ? s.acceptedDrafts / s.proposedDrafts : 0,
    acceptance_histogram: hist,
    num_spec_steps: steps,
    num_accepted_draft_tokens: s.acceptedDrafts,
    num_draft_tokens: s.proposedDrafts,
    num_spec_tokens: numSpecTokens,
    // the reference engine keeps no per-step record; detailed asks for one it cannot give
    ...(detailed ? { per_step_accepted: null, per_step_drafted: null } : {}),
  };
}

const finishReason = (s: GenerateStats) => (s.finish === 'length' ? 'length' : 'stop');

/** Serves one completions or chat request, streamed or whole. */
export async function handleOpenAi(engine: ReferenceEngine, p: Parsed, o: OpenAiServerOptions, res: ServerResponse, req: IncomingMessage): Promise<void> {
  const id = `${p.chat ? 'chatcmpl' : 'cmpl'}-${randomUUID().replace(/-/g, '')}`;
  const created = Math.floor(Date.now() / 1000);
  const object = p.chat ? (p.stream ? 'chat.completion.chunk' : 'chat.completion') : 'text_completion';
  const head = { id, object, created, model: o.servedModelName };
  const spec = (s: GenerateStats) => (o.numSpecTokens > 0 && o.perRequestSpecMetrics !== 'none'
    ? { metrics: { speculative_decoding: speculativeMetrics(s, o.numSpecTokens, o.perRequestSpecMetrics === 'detailed') } } : {});
  const usage = (s: GenerateStats) => ({ prompt_tokens: s.promptTokens, completion_tokens: s.completionTokens, total_tokens: s.promptTokens + s.completionTokens });
  const closed = watchClient(req, res);
  if (!p.stream) {
    const r = await engine.submit(p.request, undefined, closed);
    if (closed()) return;
    const ids = p.returnTokenIds ? { token_ids: r.tokens } : {};
    const choice = p.chat
      ? { index: 0, message: { role: 'assistant', content: r.text }, logprobs: null, finish_reason: finishReason(r.stats), stop_reason: null, ...ids }
      : { index: 0, text: r.text, logprobs: null, finish_reason: finishReason(r.stats), stop_reason: null, ...ids };
    const body = JSON.stringify({ ...head, choices: [choice], usage: usage(r.stats), ...spec(r.stats) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (obj: unknown) => { if (!closed()) res.write(`data: ${JSON.stringify(obj)}\n\n`); };
  const choice = (text: string, ids: number[], finish: string | null) => {
    const tokenIds = p.returnTokenIds ? { token_ids: ids } : {};
    return p.chat
      ? { index: 0, delta: { content: text }, logprobs: null, finish_reason: finish, stop_reason: null, ...tokenIds }
      : { index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null, ...tokenIds };
  };
  if (p.chat) send({ ...head, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
  let sentText = 0, sentTokens = 0;
  // one chunk per verify cycle, carrying every token the cycle produced, as vLLM streams each engine step
  const r = await engine.submit(p.request, (tokens, cumulative) => {
    const text = cumulative.slice(sentText);
    const ids = tokens.slice(sentTokens);
    sentText = cumulative.length;
    sentTokens = tokens.length;
    if (ids.length) send({ ...head, choices: [choice(text, ids, null)] });
  }, closed);
  send({ ...head, choices: [choice(r.text.slice(sentText), r.tokens.slice(sentTokens), finishReason(r.stats))] });
  if (p.includeUsage) send({ ...head, choices: [], usage: usage(r.stats), ...spec(r.stats) });
  if (!closed()) res.end('data: [DONE]\n\n');
}
