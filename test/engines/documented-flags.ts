// What vLLM's source declares, for tests that check the adapter's launch lines against it.

/**
 * SpeculativeConfig's fields this adapter writes, and the methods it names, as vllm/config/speculative.py
 * declares them (vllm-project/vllm: `SpeculativeMethod` = ngram, medusa, mlp_speculator, draft_model,
 * suffix, eagle, eagle3, mtp and other MTP model types; fields method, model, num_speculative_tokens,
 * prompt_lookup_max, prompt_lookup_min).
 */
export const VLLM_SPECULATIVE_KEYS = ['method', 'model', 'num_speculative_tokens', 'prompt_lookup_max', 'prompt_lookup_min'];
export const VLLM_METHODS = ['ngram', 'medusa', 'mlp_speculator', 'draft_model', 'suffix', 'eagle', 'eagle3', 'mtp'];

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
/** decoding_type values: the Literal of each *DecodingConfig in llm_args.py, plus DraftTarget as NVIDIA's examples spell Draft_Target. */
export const TRTLLM_DECODING_TYPES = ['Medusa', 'Eagle', 'Eagle3', 'NGram', 'MTP', 'DraftTarget', 'Draft_Target', 'SA', 'User_Provided', 'SaveState'];
/** Top-level LLM API options the adapter writes (TorchLlmArgs.enable_iter_perf_stats, BaseLlmArgs.speculative_config). */
export const TRTLLM_LLM_API_KEYS = ['speculative_config', 'enable_iter_perf_stats'];
