// Checks a /generate body field by field, as SGLang's GenerateReqInput and SamplingParams define
// it: one prompt or a batch (lists of text or input_ids), n samples each, logprob options, and the
// sampling parameters the engine implements. null means "the default" everywhere, as in SGLang.
// Every problem becomes one message naming the field and the fix, returned as a 400.
import type { EngineRequest } from './engine.ts';
import { NO_PROCESSING, type LogitProcessing } from '../decoding/logits.ts';
import { SAMPLING_CAPABILITIES, SAMPLING_IMPLEMENTED, TOP_LEVEL_CAPABILITIES, TOP_LEVEL_IMPLEMENTED, checkFields } from './sglang-fields.ts';
import { ReferenceEngineError } from '../errors.ts';

export class BadRequest extends ReferenceEngineError {}

/** most requests one body may expand to (prompts x n), so one body cannot queue unbounded work */
export const MAX_BATCH = 256;

export interface GenerateItem {
  /** request id reported as meta_info.id; undefined = generate one */
  rid?: string;
  request: EngineRequest;
  /** return_text_in_logprobs: add each token's text to logprob entries */
  logprobText: boolean;
}

export interface GenerateBody {
  stream: boolean;
  /** true when the answer is a list (batched prompts, or n > 1) */
  batch: boolean;
  items: GenerateItem[];
  /** stream a chunk every this many new tokens (SGLang's stream_interval), at most one per verify cycle */
  streamInterval: number;
}

export interface ValidationLimits {
  vocab: number;
  maxContext: number;
  eosId: number;
  encode: (text: string) => number[];
  defaultSeed: () => number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const fail = (message: string): never => { throw new BadRequest(message); };

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number out of range (JSON numbers beyond about 1.8e308, such as 1e400, do not fit in a double)';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}` : `${typeof v} ${JSON.stringify(v)}`;
}

/** the prompts of the body: one (batch false) or a list */
function parsePrompts(raw: Record<string, unknown>, limits: ValidationLimits): { prompts: number[][]; batch: boolean } {
  const text = raw.text ?? undefined, ids = raw.input_ids ?? undefined;
  if ((text === undefined) === (ids === undefined)) fail('text / input_ids: give exactly one of them (a string or list of strings, or a list of token ids or list of such lists)');
  if (text !== undefined) {
    if (typeof text === 'string') {
      if (text.length === 0) fail('text: the prompt is empty; send at least one character');
      return { prompts: [limits.encode(text)], batch: false };
    }
    if (!Array.isArray(text)) fail(`text: expected a string or a list of strings, got ${describe(text)}`);
    const list = text as unknown[];
    if (list.length === 0) fail('text: the batch is empty; send at least one prompt');
    return {
      batch: true,
      prompts: list.map((t, i) => {
        if (typeof t !== 'string') fail(`text[${i}]: expected a string, got ${describe(t)}`);
        if ((t as string).length === 0) fail(`text[${i}]: the prompt is empty; send at least one character`);
        return limits.encode(t as string);
      }),
    };
  }
  if (!Array.isArray(ids)) fail(`input_ids: expected a list of token ids (or a list of such lists), got ${describe(ids)}`);
  const list = ids as unknown[];
  if (list.length === 0) fail('input_ids: the prompt is empty; send at least one token id');
  const batch = Array.isArray(list[0]);
  const tokens = (arr: unknown, where: string): number[] => {
    if (!Array.isArray(arr)) fail(`${where}: expected a list of token ids, got ${describe(arr)} (a batch is a list of lists)`);
    const a = arr as unknown[];
    if (a.length === 0) fail(`${where}: the prompt is empty; send at least one token id`);
    a.forEach((t, i) => {
      if (!isInt(t)) fail(`${where}[${i}]: expected an integer token id, got ${describe(t)}`);
      if ((t as number) < 0 || (t as number) >= limits.vocab) fail(`${where}[${i}]: token id ${String(t)} is outside the vocabulary 0..${limits.vocab - 1}`);
    });
    return a as number[];
  };
  return batch ? { batch: true, prompts: list.map((p, i) => tokens(p, `input_ids[${i}]`)) } : { batch: false, prompts: [tokens(list, 'input_ids')] };
}

/** a top-level field that may be one value for all prompts or a list with one per prompt */
function perPrompt(raw: Record<string, unknown>, key: string, count: number, batch: boolean): unknown[] {
  const v = raw[key];
  if (!Array.isArray(v)) return new Array<unknown>(count).fill(v ?? undefined);
  if (!batch) fail(`${key}: a list is only accepted with a batch of prompts; send one value`);
  if (v.length !== count) fail(`${key}: the list has ${v.length} entries but the batch has ${count} prompts; send one per prompt or a single value`);
  return v.map((x: unknown) => x ?? undefined);
}

interface ParsedSampling {
  request: Omit<EngineRequest, 'prompt' | 'seed' | 'logprobs'>;
  n: number;
  seed?: number;
  streamInterval?: number;
}

function parseSampling(sp: Record<string, unknown>, where: string, promptLength: number, limits: ValidationLimits): ParsedSampling {
  checkFields(sp, SAMPLING_IMPLEMENTED, SAMPLING_CAPABILITIES, where, fail);
  const num = (k: string, def: number, ok: (v: number) => boolean, expect: string): number => {
    const v = sp[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(`${where}${k}: expected ${expect}, got ${describe(v)}`);
    return v as number;
  };
  const bool = (k: string, def: boolean): boolean => {
    const v = sp[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') fail(`${where}${k}: expected true or false, got ${describe(v)}`);
    return v as boolean;
  };
  const maxNew = num('max_new_tokens', 128, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0 (0 = prefill only)');
  if (promptLength + maxNew > limits.maxContext) {
    fail(`${where}max_new_tokens: prompt (${promptLength} tokens) + max_new_tokens (${maxNew}) exceeds the context of ${limits.maxContext} tokens; ask for at most ${Math.max(0, limits.maxContext - promptLength)}`);
  }
  const minNew = num('min_new_tokens', 0, (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0');
  if (minNew > maxNew) fail(`${where}min_new_tokens: ${minNew} is more than max_new_tokens (${maxNew}); ask for at most ${maxNew}`);
  const temperature = num('temperature', 1.0, (v) => v >= 0, 'a number >= 0 (0 means greedy)');
  const topP = num('top_p', 1.0, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const topK = num('top_k', -1, (v) => Number.isInteger(v) && (v === -1 || v >= 1), 'an integer >= 1, or -1 to disable');
  const minP = num('min_p', 0, (v) => v >= 0 && v <= 1, 'a number in [0, 1] (0 disables)');
  const frequencyPenalty = num('frequency_penalty', 0, (v) => v >= -2 && v <= 2, 'a number in [-2, 2] (0 disables)');
  const presencePenalty = num('presence_penalty', 0, (v) => v >= -2 && v <= 2, 'a number in [-2, 2] (0 disables)');
  const repetitionPenalty = num('repetition_penalty', 1, (v) => v > 0 && v <= 2, 'a number in (0, 2] (1 disables)');
  const n = num('n', 1, (v) => Number.isInteger(v) && v >= 1 && v <= MAX_BATCH, `an integer in [1, ${MAX_BATCH}]`);
  const seed = num('sampling_seed', NaN, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  const streamInterval = num('stream_interval', NaN, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  const ignoreEos = bool('ignore_eos', false);
  const skipSpecialTokens = bool('skip_special_tokens', true);
  bool('spaces_between_special_tokens', true); // byte-level tokenizer: nothing to space out
  const noStopTrim = bool('no_stop_trim', false);
  let stop: string[] = [];
  const rawStop = sp.stop ?? undefined;
  if (rawStop !== undefined) {
    if (typeof rawStop === 'string') stop = [rawStop];
    else if (Array.isArray(rawStop)) stop = rawStop.map((s, i) => (typeof s === 'string' ? s : fail(`${where}stop[${i}]: expected a string, got ${describe(s)}`)));
    else fail(`${where}stop: expected a string or a list of strings, got ${describe(rawStop)}`);
    if (stop.some((s) => s.length === 0)) fail(`${where}stop: stop strings must not be empty`);
  }
  let stopTokenIds: number[] = [];
  const rawIds = sp.stop_token_ids ?? undefined;
  if (rawIds !== undefined) {
    if (!Array.isArray(rawIds)) fail(`${where}stop_token_ids: expected a list of token ids, got ${describe(rawIds)}`);
    stopTokenIds = (rawIds as unknown[]).map((t, i) => {
      if (!isInt(t) || t < 0 || t >= limits.vocab) fail(`${where}stop_token_ids[${i}]: expected a token id in 0..${limits.vocab - 1}, got ${describe(t)}`);
      return t as number;
    });
  }
  const logitBias = new Map<number, number>();
  const rawBias = sp.logit_bias ?? undefined;
  if (rawBias !== undefined) {
    if (!isObj(rawBias)) fail(`${where}logit_bias: expected an object of token id -> bias, got ${describe(rawBias)}`);
    for (const [k, b] of Object.entries(rawBias as Record<string, unknown>)) {
      const id = Number(k);
      if (!/^\d+$/.test(k) || id >= limits.vocab) fail(`${where}logit_bias: key ${JSON.stringify(k)} is not a token id in 0..${limits.vocab - 1}`);
      if (typeof b !== 'number' || !Number.isFinite(b)) fail(`${where}logit_bias.${k}: expected a number, got ${describe(b)}`);
      logitBias.set(id, b as number);
    }
  }
  const processing: LogitProcessing = (frequencyPenalty || presencePenalty || repetitionPenalty !== 1 || minNew || logitBias.size)
    ? { frequencyPenalty, presencePenalty, repetitionPenalty, minNewTokens: minNew, stopTokenIds: [limits.eosId, ...stopTokenIds], logitBias }
    : NO_PROCESSING;
  return {
    n, seed: Number.isNaN(seed) ? undefined : seed, streamInterval: Number.isNaN(streamInterval) ? undefined : streamInterval,
    request: {
      maxNewTokens: maxNew, sampling: minP > 0 ? { temperature, topP, topK, minP } : { temperature, topP, topK },
      ignoreEos, stop, stopTokenIds, processing, skipSpecialTokens, noStopTrim,
    },
  };
}

function parseLogprobs(v: { ret: unknown; start: unknown; top: unknown; text: unknown }, where: string): { options?: EngineRequest['logprobs']; text: boolean } {
  const optBool = (x: unknown, k: string) => (x === undefined ? false : typeof x === 'boolean' ? x : fail(`${k}${where}: expected true or false, got ${describe(x)}`));
  const ret = optBool(v.ret, 'return_logprob');
  const text = optBool(v.text, 'return_text_in_logprobs');
  if (v.start !== undefined && (!isInt(v.start) || v.start < -1)) fail(`logprob_start_len${where}: expected an integer >= -1 (-1: output tokens only), got ${describe(v.start)}`);
  if (v.top !== undefined && (!isInt(v.top) || v.top < 0 || v.top > 1024)) fail(`top_logprobs_num${where}: expected an integer in [0, 1024], got ${describe(v.top)}`);
  return { options: ret ? { inputFrom: (v.start as number | undefined) ?? -1, topN: (v.top as number | undefined) ?? 0 } : undefined, text };
}

export function parseGenerateBody(raw: unknown, limits: ValidationLimits): GenerateBody {
  if (!isObj(raw)) fail('body: expected a JSON object such as {"text": "Hello", "sampling_params": {"max_new_tokens": 16}}');
  const body = raw as Record<string, unknown>;
  checkFields(body, TOP_LEVEL_IMPLEMENTED, TOP_LEVEL_CAPABILITIES, '', fail);
  const { prompts, batch } = parsePrompts(body, limits);
  const stream = body.stream ?? false;
  if (typeof stream !== 'boolean') fail(`stream: expected true or false, got ${describe(stream)}`);
  const count = prompts.length;
  const sps = perPrompt(body, 'sampling_params', count, batch);
  const rids = perPrompt(body, 'rid', count, batch);
  const rets = perPrompt(body, 'return_logprob', count, batch), starts = perPrompt(body, 'logprob_start_len', count, batch);
  const tops = perPrompt(body, 'top_logprobs_num', count, batch), texts = perPrompt(body, 'return_text_in_logprobs', count, batch);
  const promptField = (body.text ?? undefined) !== undefined ? 'text' : 'input_ids';
  const parsed = prompts.map((prompt, i) => {
    const where = batch ? `[${i}]` : '';
    // said before max_new_tokens, whose own message could only offer "at most 0"
    if (prompt.length > limits.maxContext) fail(`${promptField}${where}: the prompt is ${prompt.length} tokens, the context is ${limits.maxContext} tokens; send a shorter prompt`);
    const sp = sps[i] ?? {};
    if (!isObj(sp)) fail(`sampling_params${where}: expected an object, got ${describe(sp)}`);
    const rid = rids[i];
    if (rid !== undefined && typeof rid !== 'string') fail(`rid${where}: expected a string, got ${describe(rid)}`);
    return {
      prompt, rid: rid as string | undefined,
      sampling: parseSampling(sp as Record<string, unknown>, `sampling_params${where}.`, prompt.length, limits),
      logprobs: parseLogprobs({ ret: rets[i], start: starts[i], top: tops[i], text: texts[i] }, where),
    };
  });
  const n = parsed[0].sampling.n;
  if (parsed.some((p) => p.sampling.n !== n)) fail('sampling_params: n must be the same for every prompt of a batch');
  if (count * n > MAX_BATCH) fail(`sampling_params.n: ${count} prompts x n = ${n} makes ${count * n} requests; send at most ${MAX_BATCH} per body`);
  const intervals = parsed.map((p) => p.sampling.streamInterval).filter((x): x is number => x !== undefined);
  // SGLang lays out n samples as the whole batch repeated n times
  const items: GenerateItem[] = [];
  for (let s = 0; s < n; s++) {
    parsed.forEach((p) => {
      const seed = p.sampling.seed === undefined ? limits.defaultSeed() : (p.sampling.seed + s) >>> 0;
      const multi = batch || n > 1;
      const rid = p.rid === undefined ? undefined : multi && !Array.isArray(body.rid) ? `${p.rid}_${items.length}` : n > 1 ? `${p.rid}_${s}` : p.rid;
      items.push({
        rid, logprobText: p.logprobs.text,
        request: { prompt: p.prompt, seed, logprobs: p.logprobs.options, ...p.sampling.request },
      });
    });
  }
  return { stream: stream as boolean, batch: batch || n > 1, items, streamInterval: intervals.length ? Math.min(...intervals) : 1 };
}
