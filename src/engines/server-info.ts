// What a running server's own info endpoints say about its settings, for `run --base-url`: the
// harness did not launch it, so it reads them rather than sets them. SGLang (and the reference
// engine, which answers SGLang's protocol) reports its ServerArgs at /server_info; vLLM's and
// trtllm-serve's OpenAI front ends say only the model (/v1/models) and, through /metrics, whether
// speculation is on at all. Pure functions over parsed bodies; src/runner/attach.ts fetches them.
import type { ServerSettings } from '../result/schema.ts';
import { DRAFT_METHODS, type DraftMethod } from '../suite/types.ts';
import { isRecord } from '../record.ts';

/** The name the reference engine gives itself in server_info, /version and /v1/models. */
export const REFERENCE_ENGINE_NAME = 'prism-bench-reference';

/** The suite draft methods each SGLang speculative_algorithm can be (EAGLE runs eagle, HASS and HASS-2 heads alike; NEXTN is SGLang's alias for MTP layers). */
export const SGLANG_ALGORITHM_METHODS: Readonly<Record<string, readonly DraftMethod[]>> = {
  NGRAM: ['ngram'], EAGLE: ['eagle', 'hass', 'hass2'], EAGLE3: ['eagle3'], STANDALONE: ['standalone'], NEXTN: ['mtp'], DFLASH: ['dflash'],
  // the PRISM artifact's fork registers PRISM as LD; the reference engine names Medusa so
  LD: ['prism'], MEDUSA: ['medusa'],
};

const num = (o: Record<string, unknown>, k: string): number | null => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};
const text = (o: Record<string, unknown>, k: string): string | null => {
  const v = o[k];
  return typeof v === 'string' && v !== '' ? v : null;
};

export const emptySettings = (read: string[] = []): ServerSettings => ({
  engine: null, version: null, model: null, algorithm: null, methods: null,
  steps: null, topK: null, verifiedTokens: null, draftedTokens: null, ngramMin: null, ngramMax: null, draftModel: null, read,
});

/**
 * Settings from an SGLang /server_info body (its ServerArgs, flat; some builds nest them under
 * server_args). The reference engine adds prism_draft, its exact draft method.
 */
export function sglangServerSettings(body: unknown, read = ['/server_info']): ServerSettings {
  const top = isRecord(body) ? body : {};
  const args = isRecord(top.server_args) ? { ...top, ...top.server_args } : top;
  const s = emptySettings(read);
  s.engine = text(args, 'engine') ?? 'sglang';
  s.version = text(args, 'version');
  s.model = text(args, 'model_path');
  const rawAlgo = args.speculative_algorithm;
  const algo = typeof rawAlgo === 'string' && rawAlgo !== '' && rawAlgo.toUpperCase() !== 'NONE' ? rawAlgo.toUpperCase() : null;
  s.algorithm = algo;
  const exact = text(args, 'prism_draft');
  if (exact && (DRAFT_METHODS as readonly string[]).includes(exact)) s.methods = [exact];
  else if (algo === null) s.methods = 'speculative_algorithm' in args ? ['vanilla'] : null;
  else s.methods = SGLANG_ALGORITHM_METHODS[algo] ? [...SGLANG_ALGORITHM_METHODS[algo]] : null;
  if (algo === null) return s;
  const verified = num(args, 'speculative_num_draft_tokens');
  if (algo === 'NGRAM') {
    // SGLang counts the root among its draft tokens
    s.draftedTokens = verified === null ? null : verified - 1;
    s.ngramMin = num(args, 'speculative_ngram_min_match_window_size');
    s.ngramMax = num(args, 'speculative_ngram_max_match_window_size');
    return s;
  }
  if (algo === 'SUFFIX') {
    // the reference engine's suffix decoding (vLLM's method name; SGLang has none): a tree of at most this many drafts
    s.draftedTokens = verified === null ? null : verified - 1;
    return s;
  }
  s.steps = num(args, 'speculative_num_steps');
  s.topK = num(args, 'speculative_eagle_topk');
  s.verifiedTokens = verified;
  s.draftModel = text(args, 'speculative_draft_model_path');
  return s;
}

/** The first model an OpenAI-compatible /v1/models lists, and who owns it; null when the body is not such a list. */
export function openAiModel(body: unknown): { id: string; ownedBy: string | null; root: string | null } | null {
  if (!isRecord(body) || !Array.isArray(body.data)) return null;
  const first: unknown = body.data[0];
  if (!isRecord(first) || typeof first.id !== 'string') return null;
  return { id: first.id, ownedBy: text(first, 'owned_by'), root: text(first, 'root') };
}

/**
 * Settings from vLLM's /v1/models and Prometheus /metrics: the model, and speculation on or off.
 * vLLM registers its spec_decode counters only with a speculative config, so a /metrics with vLLM's
 * families but none of those is a server without speculation; which method and how many tokens it
 * drafts, no endpoint says.
 */
export function vllmServerSettings(models: unknown, metrics: string | null, version: string | null): ServerSettings {
  const s = emptySettings(['/v1/models', '/metrics']);
  const m = openAiModel(models);
  s.engine = m?.ownedBy ?? 'vllm';
  s.version = version;
  s.model = m?.id ?? null;
  if (metrics !== null && /^vllm:/m.test(metrics) && !/^vllm:spec_decode_/m.test(metrics)) s.methods = ['vanilla'];
  return s;
}

/** Settings from an OpenAI-compatible server that reports nothing of its speculation (trtllm-serve, or any other): the model only. */
export function openAiServerSettings(models: unknown, engine: string, version: string | null): ServerSettings {
  const s = emptySettings(['/v1/models']);
  const m = openAiModel(models);
  s.engine = m?.ownedBy ?? engine;
  s.version = version;
  s.model = m?.id ?? null;
  return s;
}
