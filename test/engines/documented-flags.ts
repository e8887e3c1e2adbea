// What vLLM's source declares, for tests that check the adapter's launch lines against it.

/**
 * SpeculativeConfig's fields this adapter writes, and the methods it names, as vllm/config/speculative.py
 * declares them (vllm-project/vllm: `SpeculativeMethod` = ngram, medusa, mlp_speculator, draft_model,
 * suffix, eagle, eagle3, mtp and other MTP model types; fields method, model, num_speculative_tokens,
 * prompt_lookup_max, prompt_lookup_min).
 */
export const VLLM_SPECULATIVE_KEYS = ['method', 'model', 'num_speculative_tokens', 'prompt_lookup_max', 'prompt_lookup_min'];
export const VLLM_METHODS = ['ngram', 'medusa', 'mlp_speculator', 'draft_model', 'suffix', 'eagle', 'eagle3', 'mtp'];
