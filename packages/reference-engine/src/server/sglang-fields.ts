// The /generate fields SGLang defines (GenerateReqInput in python/sglang/srt/managers/io_struct.py
// and SamplingParams in python/sglang/srt/sampling/sampling_params.py, 0.4.6 through 0.5.x) that
// ask for something this engine does not have. SGLang's own clients send many of them on every
// request with null, false or an empty list, so those values are accepted; any other value gets a
// 400 naming the missing capability. Fields the engine implements are parsed in validate.ts.

/** a value that asks for nothing: null, false, an empty list/object, or a list of such */
export function isInert(v: unknown): boolean {
  if (v === null || v === false) return true;
  if (Array.isArray(v)) return v.every(isInert);
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

export interface CapabilityField {
  /** what the engine lacks, completing "... : <lacks>; send null or leave it out" */
  lacks: string;
  /** values accepted besides the inert ones (harmless hints such as log_metrics: true) */
  alsoAccepts?: (v: unknown) => boolean;
}

const isBool = (v: unknown) => typeof v === 'boolean';
const isStr = (v: unknown) => typeof v === 'string';
const isFiniteNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isStringMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isStr);

export const TOP_LEVEL_CAPABILITIES: Record<string, CapabilityField> = {
  input_embeds: { lacks: 'the reference engine takes text or input_ids, not input embeddings' },
  image_data: { lacks: 'the reference engine is text-only (no image input)' },
  video_data: { lacks: 'the reference engine is text-only (no video input)' },
  audio_data: { lacks: 'the reference engine is text-only (no audio input)' },
  modalities: { lacks: 'the reference engine is text-only (no multimodal input)' },
  lora_path: { lacks: 'the reference engine has no LoRA adapters' },
  lora_id: { lacks: 'the reference engine has no LoRA adapters' },
  custom_logit_processor: { lacks: 'custom logit processors are not supported (they are Python code)' },
  session_params: { lacks: 'sessions (continual prompting) are not supported' },
  token_ids_logprob: { lacks: 'logprobs of chosen token ids are not supported; use top_logprobs_num' },
  return_hidden_states: { lacks: 'hidden states are not returned' },
  return_entropy: { lacks: 'entropy is not returned' },
  return_bytes: { lacks: 'byte outputs (image generation) are not supported' },
  background: { lacks: 'background responses are not supported' },
  bootstrap_host: { lacks: 'prefill/decode disaggregation is not supported' },
  bootstrap_port: { lacks: 'prefill/decode disaggregation is not supported' },
  bootstrap_room: { lacks: 'prefill/decode disaggregation is not supported' },
  bootstrap_pair_key: { lacks: 'prefill/decode disaggregation is not supported' },
  priority: { lacks: 'priority scheduling is not enabled (requests are served in arrival order)' },
  data_parallel_rank: { lacks: 'there is one data-parallel rank, 0', alsoAccepts: (v) => v === 0 },
  // bookkeeping hints with no effect on the output: accepted as they come
  log_metrics: { lacks: 'expected true or false', alsoAccepts: isBool },
  no_logs: { lacks: 'expected true or false', alsoAccepts: isBool },
  conversation_id: { lacks: 'expected a string', alsoAccepts: isStr },
  extra_key: { lacks: 'expected a string (there is no prefix cache to salt)', alsoAccepts: (v) => isStr(v) || (Array.isArray(v) && v.every(isStr)) },
  custom_labels: { lacks: 'expected an object of strings', alsoAccepts: isStringMap },
  validation_time: { lacks: 'expected a number', alsoAccepts: isFiniteNum },
};

export const SAMPLING_CAPABILITIES: Record<string, CapabilityField> = {
  regex: { lacks: 'constrained decoding (regex) is not supported' },
  json_schema: { lacks: 'constrained decoding (json_schema) is not supported' },
  ebnf: { lacks: 'constrained decoding (ebnf) is not supported' },
  structural_tag: { lacks: 'constrained decoding (structural_tag) is not supported' },
  stop_regex: { lacks: 'regex stop conditions are not supported; use stop strings' },
  custom_params: { lacks: 'custom_params feed custom logit processors, which are not supported' },
};

/** the top-level fields parsed in validate.ts (implemented) */
export const TOP_LEVEL_IMPLEMENTED = [
  'text', 'input_ids', 'sampling_params', 'rid', 'stream',
  'return_logprob', 'logprob_start_len', 'top_logprobs_num', 'return_text_in_logprobs',
] as const;

/** the sampling_params fields parsed in validate.ts (implemented) */
export const SAMPLING_IMPLEMENTED = [
  'max_new_tokens', 'min_new_tokens', 'temperature', 'top_p', 'top_k', 'min_p',
  'frequency_penalty', 'presence_penalty', 'repetition_penalty', 'n', 'ignore_eos', 'stop', 'stop_token_ids',
  'skip_special_tokens', 'spaces_between_special_tokens', 'no_stop_trim', 'logit_bias', 'sampling_seed', 'stream_interval',
] as const;

/** Throws (via fail) for a field not in SGLang's lists, or a capability field with a value that asks for something. */
export function checkFields(obj: Record<string, unknown>, implemented: readonly string[], capabilities: Record<string, CapabilityField>, where: string, fail: (m: string) => never): void {
  for (const [k, v] of Object.entries(obj)) {
    if (implemented.includes(k)) continue;
    // own keys only: a body's "toString" or "__proto__" would otherwise find Object.prototype's
    const cap = Object.hasOwn(capabilities, k) ? capabilities[k] : undefined;
    if (!cap) fail(`${where}${k}: unknown field; SGLang's fields here are ${[...implemented, ...Object.keys(capabilities)].join(', ')}`);
    if (v === undefined || isInert(v) || cap.alsoAccepts?.(v)) continue;
    fail(`${where}${k}: ${cap.lacks}; send null or leave it out`);
  }
}
