import type { Command } from 'commander';
import { DRAFT_PRECISIONS, REFERENCE_DRAFT_METHODS as DRAFT_METHODS } from '@prism-bench/reference-engine/contract';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the embedded reference engine: an HTTP server speaking SGLang\'s native protocol and vLLM\'s OpenAI-compatible API')
    .argument('[model]', 'vLLM- and TensorRT-LLM-compatible (vllm serve MODEL, trtllm-serve MODEL): the target model directory, as --model; also the name OpenAI requests give as model')
    .option('--draft <method>', `decoding mode: ${DRAFT_METHODS.join(' | ')}`, 'vanilla')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 = any free port)', '30000')
    .option('--model <dir>', 'model directory with manifest.json and model.safetensors (default: the shipped target)')
    .option('--threads <n>', 'onnxruntime intra-op threads of the target (default 1: as fast as two on 2 cores, and steadier from launch to launch)')
    .option('--drafted-tokens <n>', 'tokens drafted per cycle, the root not counted (ngram, suffix: at most; learned drafts: a chain\'s steps, a tree\'s nodes; default 6)')
    .option('--draft-tokens <n>', 'deprecated name of --drafted-tokens (accepted with a note)')
    .option('--topk <k>', 'learned drafts: branches expanded per step (EAGLE-2 dynamic tree; 1 = chain, the default)')
    .option('--steps <n>', 'learned drafts: draft steps per cycle (the tree\'s depth; a chain: same as --drafted-tokens)')
    .option('--modules <m>', 'learned drafts: parameter sets to use (PRISM\'s M; default: all in the weight file)')
    .option('--step-map <list>', 'learned drafts: module per draft step, comma-separated, step 0 = extend pass; the last repeats (PRISM default 0,1)')
    .option('--draft-precision <p>', `learned drafts' weights: ${DRAFT_PRECISIONS.join(', ')} (int8: per-column int8, fusion layers fp32; q8/q4: block-quantized, every layer)`, 'int8')
    .option('--draft-threads <n>', 'learned drafts: onnxruntime intra-op threads of the draft (default 1)')
    .option('--drafts-dir <dir>', 'where learned drafts live (<dir>/<method>/manifest.json; default: the shipped models/drafts)')
    .option('--ngram-min <n>', 'shortest n-gram prompt lookup matches', '1')
    .option('--ngram-max <n>', 'longest n-gram prompt lookup tries first', '4')
    .option('--suffix-max-tree-depth <n>', 'suffix: longest substring the tries hold, match and continuation together (default 24)')
    .option('--suffix-max-cached-requests <n>', 'suffix: earlier requests\' outputs kept in the global trie, oldest dropped first (0: none; default 256)')
    .option('--suffix-max-spec-factor <x>', 'suffix: tokens proposed at most per matched token (default 1)')
    .option('--suffix-min-token-prob <p>', 'suffix: candidates whose estimated probability is below this are not proposed (default 0.1)')
    .option('--max-body-bytes <n>', 'largest request body accepted', String(1 << 20))
    // SGLang's own launch flags, so an SGLang launcher line (and the sglang adapter) can start this engine
    .option('--model-path <dir>', 'SGLang-compatible alias of --model')
    .option('--speculative-algorithm <name>', 'SGLang-compatible: NGRAM, EAGLE, EAGLE3 or LD (PRISM) select the draft')
    .option('--speculative-draft-model-path <dir>', 'SGLang-compatible: a learned draft\'s directory (its manifest names the method)')
    .option('--speculative-num-steps <n>', 'SGLang-compatible alias of --steps')
    .option('--speculative-eagle-topk <k>', 'SGLang-compatible alias of --topk')
    .option('--speculative-num-draft-tokens <n>', 'SGLang-compatible: tokens verified per cycle including the root (= --drafted-tokens + 1)')
    .option('--speculative-ngram-min-match-window-size <n>', 'SGLang-compatible alias of --ngram-min')
    .option('--speculative-ngram-max-match-window-size <n>', 'SGLang-compatible alias of --ngram-max')
    .option('--log-requests', 'SGLang-compatible: log each /generate request (its text, as received) and its output, one JSON line each')
    // vLLM's own launch flags, so the vllm adapter (launcher: [node, bin/prism-bench.js, serve]) can start this engine
    .option('--speculative-config <json>', 'vLLM-compatible: {"method": ngram|suffix|eagle|eagle3, "num_speculative_tokens": k, "prompt_lookup_min"/"prompt_lookup_max", "suffix_decoding_*", "model": a learned draft\'s directory}')
    .option('--served-model-name <name>', 'vLLM-compatible: the model name OpenAI requests give (default: the model argument, else prism-bench-reference)')
    .option('--per-request-spec-decode-metrics <level>', 'vLLM-compatible: none, summary or detailed; summary adds metrics.speculative_decoding to each OpenAI response', 'none')
    // trtllm-serve's own launch flags, so the trtllm adapter can start this engine
    .option('--backend <name>', 'TensorRT-LLM-compatible: pytorch (the only backend offered); makes GET /metrics answer TensorRT-LLM iteration statistics')
    .option('--extra_llm_api_options <file>', 'TensorRT-LLM-compatible: YAML with speculative_config {decoding_type NGram|Eagle|Eagle3, max_draft_len, max_matching_ngram_size, speculative_model_dir} and enable_iter_perf_stats')
    .option('--config <file>', 'TensorRT-LLM-compatible alias of --extra_llm_api_options (newer trtllm-serve builds)')
    .option('--synthetic-acceptance-length <L>', 'cost profiling: accept drafts so that each cycle emits L tokens on average, bonus included, whatever the target says (vLLM\'s synthetic_acceptance_length; SGLANG_SIMULATE_ACC_LEN and TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS are read from the environment); output is not lossless')
    .option('--fault-verify-delay-ms <ms>', 'planted fault for gate tests: sleep this long in every verify cycle (default: $PRISM_FAULT_VERIFY_DELAY_MS or 0)', process.env.PRISM_FAULT_VERIFY_DELAY_MS ?? '0')
    .option('--fault-slowdown-pct <pct>', 'planted fault for gate power: busy-wait this percentage of each cycle\'s own draft + verify time (and of the prefill\'s) (default: $PRISM_FAULT_SLOWDOWN_PCT or 0)', process.env.PRISM_FAULT_SLOWDOWN_PCT ?? '0')
    .option('--fault-accept-wrong-token', 'planted fault for audit tests: verification accepts one wrong token per request')
    .option('--fault-crash-after-requests <n>', 'planted fault for harness tests: the process exits when a request arrives after n completed ones (the warm-up counts)', '0')
    .option('--fault-ignore-temperature', 'planted fault for audit tests: decode greedily whatever the requested temperature')
    .addHelpText('after', `
Examples:
  prism-bench serve --draft ngram --port 30000
  prism-bench serve --draft prism --drafted-tokens 6 --step-map 0,1
  prism-bench serve --draft prism --modules 1 --step-map 0
      # PRISM's module 0 alone (what eagle3's shape computes)
  curl -s localhost:30000/generate \\
      -d '{"text": "The jury said", "sampling_params": {"max_new_tokens": 32, "temperature": 0}}'

The faults are off by default and exist only to prove that gate and audit catch them.
PRISM_FAULT_VERIFY_DELAY_MS and PRISM_FAULT_SLOWDOWN_PCT plant the slowdown through the environment,
so a run can carry it without any change to its suite (as a real engine regression would).`)
    .action(async (model: string | undefined, o: Record<string, string | boolean | undefined>) => (await import('./actions/serve.ts')).serveAction(model, o));
}
