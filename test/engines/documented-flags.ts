// What the engines' sources declare, for tests that check the adapters' launch lines against them.

/**
 * SGLang's launch flags as ServerArgs declares them (sgl-project/sglang,
 * python/sglang/srt/server_args.py, where every dataclass field is a --flag; the speculative ones
 * also in docs/advanced_features/speculative_decoding). --speculative-dflash-block-size ("DFLASH
 * only. Block size (verify window length)") was checked at commit 001067ff; the two n-gram
 * match-window flags are from earlier versions (001067ff's n-gram fields are BFS breadths and a
 * trie depth instead).
 */
export const SGLANG_FLAGS = ['--model-path', '--host', '--port', '--speculative-algorithm', '--speculative-draft-model-path', '--speculative-num-steps',
  '--speculative-eagle-topk', '--speculative-num-draft-tokens', '--speculative-ngram-min-match-window-size', '--speculative-ngram-max-match-window-size',
  '--speculative-dflash-block-size', '--dtype'];
/**
 * --speculative-algorithm values: the builtins its help names ("EAGLE, EAGLE3, NEXTN, STANDALONE,
 * NGRAM, DFLASH, DSPARK"; python/sglang/srt/speculative/spec_info.py's SpeculativeAlgorithm). No
 * SUFFIX and no PARD.
 */
export const SGLANG_ALGORITHMS = ['EAGLE', 'EAGLE3', 'NEXTN', 'STANDALONE', 'NGRAM', 'DFLASH', 'DSPARK'];

/**
 * SpeculativeConfig's fields this adapter writes, and the methods it names, as vllm/config/speculative.py
 * declares them (vllm-project/vllm, commit 002e77c1: `SpeculativeMethod` = ngram, medusa,
 * mlp_speculator, draft_model, suffix, custom_class, eagle, eagle3, extract_hidden_states, mtp and
 * the other MTP model types, dflash, ngram_gpu, dspark; fields method, model,
 * num_speculative_tokens, prompt_lookup_max, prompt_lookup_min, parallel_drafting).
 */
export const VLLM_SPECULATIVE_KEYS = ['method', 'model', 'num_speculative_tokens', 'prompt_lookup_max', 'prompt_lookup_min', 'parallel_drafting'];
export const VLLM_METHODS = ['ngram', 'medusa', 'mlp_speculator', 'draft_model', 'suffix', 'eagle', 'eagle3', 'mtp', 'dflash'];

/**
 * trtllm-serve's flags, as the click options of `serve` in tensorrt_llm/commands/serve.py declare
 * them (NVIDIA/TensorRT-LLM): MODEL positional, --host, --port, --backend (pytorch | tensorrt |
 * _autodeploy), --config with its alias --extra_llm_api_options, and a few sizing flags.
 */
export const TRTLLM_SERVE_FLAGS = ['--host', '--port', '--backend', '--extra_llm_api_options', '--config', '--max_batch_size', '--max_seq_len', '--tp_size', '--kv_cache_free_gpu_memory_fraction'];
/**
 * speculative_config keys this adapter writes, as tensorrt_llm/llmapi/llm_args.py declares them:
 * DecodingBaseConfig.max_draft_len and speculative_model (validation alias speculative_model_dir),
 * each config's decoding_type, NGramDecodingConfig.max_matching_ngram_size, and MTP's
 * num_nextn_predict_layers (deprecated in newer builds, which map it onto max_draft_len).
 */
export const TRTLLM_SPECULATIVE_KEYS = ['decoding_type', 'max_draft_len', 'speculative_model_dir', 'max_matching_ngram_size', 'num_nextn_predict_layers'];
/**
 * decoding_type values: the Literal of each *DecodingConfig in llm_args.py (main, late 2026:
 * SADecodingConfig "SA", PARDDecodingConfig "PARD", DFlashDecodingConfig "DFlash" among them), plus
 * DraftTarget as NVIDIA's examples spell Draft_Target.
 */
export const TRTLLM_DECODING_TYPES = ['Medusa', 'Eagle', 'Eagle3', 'NGram', 'MTP', 'DraftTarget', 'Draft_Target', 'SA', 'PARD', 'DFlash', 'User_Provided', 'SaveState', 'AUTO'];
/** Top-level LLM API options the adapter writes (TorchLlmArgs.enable_iter_perf_stats, BaseLlmArgs.speculative_config). */
export const TRTLLM_LLM_API_KEYS = ['speculative_config', 'enable_iter_perf_stats'];
