// `prism-bench serve` answering trtllm-serve's launch line (how the trtllm adapter starts the
// reference engine): `--backend pytorch` and `--extra_llm_api_options FILE` (newer builds: --config
// FILE), whose YAML holds the LLM API arguments. The reference engine takes the ones it implements:
// speculative_config {decoding_type NGram | Eagle | Eagle3, max_draft_len, max_matching_ngram_size,
// speculative_model_dir (or its newer name speculative_model)} and enable_iter_perf_stats (also
// under the older pytorch_backend_config); anything else is one line naming the file and the key.
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';
import { messageOf } from '../errors.ts';

type Flags = Record<string, string | boolean | undefined>;

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Maps trtllm-serve's flags and YAML onto this engine's own; returns the /metrics mode, or undefined when no trtllm flag was given. */
export async function applyTrtllmConfig(o: Flags): Promise<{ format: 'trtllm'; enabled: boolean } | undefined> {
  if (o.config !== undefined && o.extra_llm_api_options !== undefined) throw new UsageError('--config and --extra_llm_api_options name the same file (trtllm-serve takes either); give one');
  const flag = o.config !== undefined ? '--config' : '--extra_llm_api_options';
  const given = o.config ?? o.extra_llm_api_options;
  const file = given === undefined ? undefined : String(given);
  if (o.backend !== undefined && o.backend !== 'pytorch') throw new UsageError(`--backend: the reference engine serves as trtllm-serve's pytorch backend; got '${String(o.backend)}', use --backend pytorch`);
  if (file === undefined) return o.backend === undefined ? undefined : { format: 'trtllm', enabled: false };
  if (!existsSync(file)) throw new UsageError(`${flag}: ${file} not found; give the YAML file of LLM API options, such as one with speculative_config and enable_iter_perf_stats: true`);
  const { parse } = await import('yaml'); // only for a trtllm launch line: other engine starts skip loading it
  let doc: unknown;
  try { doc = parse(readFileSync(file, 'utf8')); } catch (e) { throw new UsageError(`${file}: not valid YAML (${messageOf(e).split('\n')[0]}); fix the file`); }
  if (doc === null || doc === undefined) doc = {};
  if (!isMap(doc)) throw new UsageError(`${file}: expected a mapping of LLM API options, such as "enable_iter_perf_stats: true"`);
  let enabled = false;
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'enable_iter_perf_stats') enabled = bool(file, key, value);
    else if (key === 'pytorch_backend_config') {
      // older builds kept the flag here (docs/source/commands/trtllm-serve.rst of those releases)
      if (!isMap(value)) throw new UsageError(`${file}: pytorch_backend_config: expected a mapping such as {enable_iter_perf_stats: true}`);
      for (const [k, v] of Object.entries(value)) {
        if (k !== 'enable_iter_perf_stats') throw new UsageError(`${file}: pytorch_backend_config.${k}: not implemented by the reference engine; remove it (only enable_iter_perf_stats is)`);
        enabled = bool(file, `pytorch_backend_config.${k}`, v);
      }
    } else if (key === 'speculative_config') applySpeculative(file, value, o);
    else throw new UsageError(`${file}: ${key}: not implemented by the reference engine; remove it (it takes speculative_config and enable_iter_perf_stats)`);
  }
  return { format: 'trtllm', enabled };
}

function bool(file: string, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new UsageError(`${file}: ${key}: expected true or false, got ${JSON.stringify(v)}`);
  return v;
}

function applySpeculative(file: string, sc: unknown, o: Flags): void {
  if (sc === null) return;
  if (!isMap(sc)) throw new UsageError(`${file}: speculative_config: expected a mapping such as {decoding_type: NGram, max_draft_len: 4, max_matching_ngram_size: 3}`);
  const { decoding_type: type, max_draft_len: k, max_matching_ngram_size: ngram, speculative_model_dir: dir, speculative_model: model, ...rest } = sc;
  const int = (key: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`${file}: speculative_config.${key}: expected an integer >= 1, got ${JSON.stringify(v)}`);
    return String(v);
  };
  const extra = Object.keys(rest);
  if (extra.length) throw new UsageError(`${file}: speculative_config.${extra[0]}: not implemented by the reference engine; remove it (it takes decoding_type, max_draft_len, max_matching_ngram_size, speculative_model_dir)`);
  if (k === undefined) throw new UsageError(`${file}: speculative_config.max_draft_len: missing; TensorRT-LLM requires it for ${String(type)} (add max_draft_len: 4)`);
  o.draftTokens = int('max_draft_len', k);
  if (type === 'NGram') {
    o.draft = 'ngram';
    // TensorRT-LLM's default max_matching_ngram_size is 2 (NGramDecodingConfig); its pool tries sizes from there down to 1 (_torch/speculative/ngram.py)
    o.ngramMax = ngram === undefined ? '2' : int('max_matching_ngram_size', ngram);
    o.ngramMin = '1';
    if (dir !== undefined || model !== undefined) throw new UsageError(`${file}: speculative_config: NGram drafts from the prompt; remove speculative_model_dir`);
  } else if (type === 'Eagle' || type === 'Eagle3') {
    if (ngram !== undefined) throw new UsageError(`${file}: speculative_config.max_matching_ngram_size: applies to NGram, not ${type}; remove it`);
    const path = dir ?? model;
    if (typeof path !== 'string' || path === '') throw new UsageError(`${file}: speculative_config.speculative_model_dir: ${type} needs the draft's directory, such as models/drafts/${type.toLowerCase()}`);
    o.speculativeDraftModelPath = path;
  } else {
    throw new UsageError(`${file}: speculative_config.decoding_type: ${JSON.stringify(type)} is not offered by the reference engine; use NGram, Eagle or Eagle3`);
  }
}
