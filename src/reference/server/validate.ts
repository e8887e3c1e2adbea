// Checks a /generate body field by field. Every problem becomes one message naming the field
// and saying what would be accepted, returned to the client as a 400.
import type { EngineRequest } from './engine.ts';

export class BadRequest extends Error {}

const TOP_LEVEL = ['text', 'input_ids', 'sampling_params', 'stream', 'rid'];
const SAMPLING = ['max_new_tokens', 'temperature', 'top_p', 'top_k', 'ignore_eos', 'stop', 'stop_token_ids', 'sampling_seed'];

export interface GenerateBody {
  rid?: string;
  stream: boolean;
  text?: string;
  request: EngineRequest;
}

export interface ValidationLimits {
  vocab: number;
  maxContext: number;
  encode: (text: string) => number[];
  defaultSeed: () => number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function unknownKeys(obj: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new BadRequest(`${where}${k}: unknown field; allowed fields are ${allowed.join(', ')}`);
  }
}

export function parseGenerateBody(raw: unknown, limits: ValidationLimits): GenerateBody {
  if (!isObj(raw)) throw new BadRequest('body: expected a JSON object such as {"text": "Hello", "sampling_params": {"max_new_tokens": 16}}');
  unknownKeys(raw, TOP_LEVEL, '');
  const hasText = raw.text !== undefined, hasIds = raw.input_ids !== undefined;
  if (hasText === hasIds) throw new BadRequest('text / input_ids: give exactly one of them');
  let prompt: number[];
  if (hasText) {
    if (typeof raw.text !== 'string') throw new BadRequest(`text: expected a string, got ${typeName(raw.text)} (batched requests are not supported: send one request per prompt)`);
    if (raw.text.length === 0) throw new BadRequest('text: the prompt is empty; send at least one character');
    prompt = limits.encode(raw.text);
  } else {
    const ids = raw.input_ids;
    if (!Array.isArray(ids) || !ids.every(isInt)) throw new BadRequest(`input_ids: expected an array of integers, got ${typeName(ids)}`);
    if (ids.length === 0) throw new BadRequest('input_ids: the prompt is empty; send at least one token id');
    const bad = ids.find((t) => t < 0 || t >= limits.vocab);
    if (bad !== undefined) throw new BadRequest(`input_ids: token id ${bad} is outside the vocabulary 0..${limits.vocab - 1}`);
    prompt = ids as number[];
  }
  if (raw.stream !== undefined && typeof raw.stream !== 'boolean') throw new BadRequest(`stream: expected true or false, got ${typeName(raw.stream)}`);
  if (raw.rid !== undefined && typeof raw.rid !== 'string') throw new BadRequest(`rid: expected a string, got ${typeName(raw.rid)}`);
  const sp = raw.sampling_params ?? {};
  if (!isObj(sp)) throw new BadRequest(`sampling_params: expected an object, got ${typeName(sp)}`);
  unknownKeys(sp, SAMPLING, 'sampling_params.');
  const num = (k: string, def: number, ok: (v: number) => boolean, expect: string): number => {
    const v = sp[k];
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new BadRequest(`sampling_params.${k}: expected ${expect}, got ${JSON.stringify(v)}`);
    return v;
  };
  const maxNew = num('max_new_tokens', 128, (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1');
  if (prompt.length + maxNew > limits.maxContext) {
    throw new BadRequest(`sampling_params.max_new_tokens: prompt (${prompt.length} tokens) + max_new_tokens (${maxNew}) exceeds the context of ${limits.maxContext} tokens; ask for at most ${Math.max(0, limits.maxContext - prompt.length)}`);
  }
  const temperature = num('temperature', 1.0, (v) => v >= 0, 'a number >= 0 (0 means greedy)');
  const topP = num('top_p', 1.0, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const topK = num('top_k', -1, (v) => Number.isInteger(v) && (v === -1 || v >= 1), 'an integer >= 1, or -1 to disable');
  const seed = num('sampling_seed', NaN, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  let ignoreEos = false;
  if (sp.ignore_eos !== undefined) {
    if (typeof sp.ignore_eos !== 'boolean') throw new BadRequest(`sampling_params.ignore_eos: expected true or false, got ${typeName(sp.ignore_eos)}`);
    ignoreEos = sp.ignore_eos;
  }
  let stop: string[] = [];
  if (sp.stop !== undefined) {
    if (typeof sp.stop === 'string') stop = [sp.stop];
    else if (Array.isArray(sp.stop) && sp.stop.every((s) => typeof s === 'string')) stop = sp.stop as string[];
    else throw new BadRequest(`sampling_params.stop: expected a string or an array of strings, got ${typeName(sp.stop)}`);
    if (stop.some((s) => s.length === 0)) throw new BadRequest('sampling_params.stop: stop strings must not be empty');
  }
  let stopTokenIds: number[] = [];
  if (sp.stop_token_ids !== undefined) {
    if (!Array.isArray(sp.stop_token_ids) || !sp.stop_token_ids.every(isInt)) throw new BadRequest(`sampling_params.stop_token_ids: expected an array of integers, got ${typeName(sp.stop_token_ids)}`);
    stopTokenIds = sp.stop_token_ids as number[];
  }
  return {
    rid: raw.rid as string | undefined,
    stream: raw.stream === true,
    text: raw.text as string | undefined,
    request: {
      prompt, maxNewTokens: maxNew, sampling: { temperature, topP, topK }, ignoreEos, stop, stopTokenIds,
      seed: Number.isNaN(seed) ? limits.defaultSeed() : seed,
    },
  };
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '...' : v)}` : `${typeof v} ${JSON.stringify(v)}`;
}
