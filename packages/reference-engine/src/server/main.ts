// `prism-bench serve`: loads the target, warms it up, then serves until SIGTERM/SIGINT.
// Started by the harness as a separate process, exactly as SGLang would be.
import { OnnxDecoder } from '../model/target.ts';
import { Tokenizer } from '../model/tokenizer.ts';
import { PACKAGE_ROOT, TARGET_DIR, TOKENIZER_PATH } from '../model/config.ts';
import { ReferenceEngine, type DraftMethod } from './engine.ts';
import { OTHER_ARCHITECTURES, SUFFIX_DEFAULTS, createDrafter, isLearnedDraft, type SuffixOptions } from '../drafts/index.ts';
import { LearnedDrafter, type DraftPrecision } from '../drafts/learned.ts';
import { MedusaDrafter } from '../drafts/medusa.ts';
import { StandaloneDrafter } from '../drafts/standalone.ts';
import { readSafetensors } from '../model/safetensors.ts';
import { sha256FileCached } from '../model/file-digest.ts';
import { graphCache } from '../kernels/onnx/graph-cache.ts';
import { draftFeatureLayers } from '../model/draft-config.ts';
import type { DecoderConfig } from '../model/config.ts';
import { readFileSync } from 'node:fs';
import { processCpus } from './affinity.ts';
import { join } from 'node:path';
import { ENGINE_NAME, startServer } from './http.ts';
import type { EngineFaults } from '../decoding/generate.ts';
import { syntheticFromEnv, syntheticFromLength } from '../decoding/synthetic.ts';

export interface ServeOptions {
  draft: DraftMethod;
  host: string;
  port: number;
  modelDir?: string;
  threads?: number;
  /** tokens drafted per cycle, the root not counted: ngram's lookup length, a chain's steps, a tree's nodes */
  draftTokens: number;
  /** learned drafts: tree branching (SGLang's speculative_eagle_topk; 1 = chain) and draft steps per cycle */
  topK?: number;
  steps?: number;
  ngramMin: number;
  ngramMax: number;
  /** suffix decoding's settings (SUFFIX_DEFAULTS where left out) */
  suffix?: Partial<SuffixOptions>;
  /** learned drafts: PRISM's M (modules used) and step map; weight precision; where the drafts live */
  modules?: number;
  stepMap?: number[];
  draftPrecision?: DraftPrecision;
  draftsDir?: string;
  /** intra-op threads of the learned draft's sessions (default 1: its small products gain nothing from a second thread) */
  draftThreads?: number;
  maxBodyBytes: number;
  /** the `model` name of the OpenAI-compatible front end (default: prism-bench-reference) */
  servedModelName?: string;
  /** vLLM's --per-request-spec-decode-metrics on the OpenAI front end (default none) */
  perRequestSpecMetrics?: 'none' | 'summary' | 'detailed';
  /** GET /metrics as vLLM's Prometheus counters (default) or TensorRT-LLM's iteration statistics */
  metrics?: { format: 'prometheus' } | { format: 'trtllm'; enabled: boolean };
  faults: EngineFaults;
  /** vLLM's synthetic_acceptance_length (bonus included); the SGLang and TensorRT-LLM variables are read from the environment */
  syntheticAcceptanceLength?: number;
  /** SGLang's --log-requests: each /generate request's text and output go to the log */
  logRequests?: boolean;
  /** the version the engine reports (server_info, /version, /v1/models); the CLI passes prism-bench's */
  version?: string;
  log?: (line: string) => void;
}

/** onnxruntime intra-op threads of the target unless --threads says otherwise */
export const DEFAULT_TARGET_THREADS = 1;

export async function serve(opts: ServeOptions): Promise<{ url: string; stop: () => Promise<void> }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const modelDir = opts.modelDir ?? TARGET_DIR;
  const version = opts.version ?? 'dev';
  log(`prism-bench reference engine ${version}: loading ${modelDir} (draft ${opts.draft})`);
  const t0 = performance.now();
  // SGLang's ServerArgs keys, filled with what this engine actually does (clients such as the
  // PRISM artifact's read them); the speculative ones are filled in below per draft
  const serverArgs: Record<string, unknown> = {
    model_path: modelDir, tokenizer_path: TOKENIZER_PATH, host: opts.host, port: opts.port,
    dtype: 'float32', kv_cache_dtype: 'float32', device: 'cpu', tp_size: 1, dp_size: 1, pp_size: 1,
    max_running_requests: 1, schedule_policy: 'fcfs', stream_interval: 1, skip_tokenizer_init: false,
    disable_radix_cache: true, disable_cuda_graph: true, cuda_graph_max_bs: null, enable_lora: false, lora_paths: null,
    speculative_algorithm: null, speculative_draft_model_path: null, speculative_num_steps: null,
    speculative_eagle_topk: null, speculative_num_draft_tokens: null,
    prism_draft: opts.draft, prism_draft_tokens: opts.draft === 'vanilla' ? 0 : opts.draftTokens,
    prism_threads: opts.threads ?? DEFAULT_TARGET_THREADS, prism_cpus: processCpus(), prism_faults: opts.faults, log_requests: opts.logRequests === true,
  };
  if (opts.draft === 'ngram') {
    Object.assign(serverArgs, {
      speculative_algorithm: 'NGRAM',
      // SGLang counts the root token: tokens verified per cycle = drafted tokens + 1
      speculative_num_draft_tokens: opts.draftTokens + 1,
      speculative_ngram_min_match_window_size: opts.ngramMin,
      speculative_ngram_max_match_window_size: opts.ngramMax,
    });
  }
  if (opts.draft === 'suffix') {
    const s = { ...SUFFIX_DEFAULTS, ...opts.suffix };
    // vLLM's method name and its SpeculativeConfig keys (SGLang has no suffix algorithm)
    Object.assign(serverArgs, {
      speculative_algorithm: 'SUFFIX', speculative_num_draft_tokens: opts.draftTokens + 1,
      suffix_decoding_max_tree_depth: s.maxTreeDepth, suffix_decoding_max_cached_requests: s.maxCachedRequests,
      suffix_decoding_max_spec_factor: s.maxSpecFactor, suffix_decoding_min_token_prob: s.minTokenProb,
    });
  }
  const srv = await startServer({ modelPath: modelDir, tokenizerPath: TOKENIZER_PATH, version, host: opts.host, port: opts.port, maxBodyBytes: opts.maxBodyBytes, serverArgs, log, logRequests: opts.logRequests,
    openai: { servedModelName: opts.servedModelName ?? ENGINE_NAME, perRequestSpecMetrics: opts.perRequestSpecMetrics ?? 'none', numSpecTokens: opts.draft === 'vanilla' ? 0 : opts.draftTokens }, metrics: opts.metrics });
  const addr = srv.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  serverArgs.port = port;
  const url = `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}`;
  log(`listening on ${url} (pid ${process.pid}; health 503 until the model is loaded and warm)`);
  const config = (JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8')) as { config: DecoderConfig }).config;
  // weights are read only if the graph cache lacks a graph (most relaunches read none)
  const weightsPath = join(modelDir, 'model.safetensors');
  let tensors: ReturnType<typeof readSafetensors>['tensors'] | undefined;
  const weights = () => (tensors ??= readSafetensors(weightsPath).tensors);
  const cache = graphCache(join(PACKAGE_ROOT, '.cache', 'graphs'));
  const weightsId = sha256FileCached(weightsPath);
  // the target exposes the hidden states learned drafts read (EAGLE-3's three layers include the last)
  // one intra-op thread by default: on a 2-core machine a second one is no faster and makes each
  // process's speed depend on where its threads land (between-launch CV 12% with two, 5% with one)
  const model = await OnnxDecoder.fromWeights(config, weights, {
    threads: opts.threads ?? DEFAULT_TARGET_THREADS, hiddenAfterLayers: draftFeatureLayers(config), graphCache: { cache, weightsId },
  });
  const drafter = await createDrafter({
    draft: opts.draft, ngramMin: opts.ngramMin, ngramMax: opts.ngramMax, suffix: opts.suffix, modules: opts.modules, stepMap: opts.stepMap,
    weightPrecision: opts.draftPrecision, draftsDir: opts.draftsDir, threads: opts.draftThreads ?? 1,
    graphCache: { cache, targetWeightsId: weightsId },
  }, config, weights);
  if (drafter instanceof LearnedDrafter) {
    Object.assign(serverArgs, {
      speculative_algorithm: opts.draft === 'prism' ? 'LD' : opts.draft === 'eagle3' ? 'EAGLE3' : 'EAGLE',
      speculative_num_steps: opts.steps ?? opts.draftTokens, speculative_eagle_topk: opts.topK ?? 1, speculative_num_draft_tokens: opts.draftTokens + 1,
      speculative_draft_model_path: join(opts.draftsDir ?? 'models/drafts', opts.draft),
      prism_draft_architecture: drafter.arch.summary,
      prism_draft_modules: drafter.modulesUsed, prism_draft_step_map: drafter.stepMap,
      prism_draft_layers_per_module: drafter.arch.layersPerModule,
      prism_draft_vocabulary: drafter.vocabulary.length,
      prism_draft_precision: opts.draftPrecision ?? 'int8',
      prism_draft_threads: opts.draftThreads ?? 1,
      prism_draft_params_total: drafter.parameters.total,
      prism_draft_params_per_step: drafter.parameters.activatedPerStep,
      prism_draft_params_extend_step: drafter.parameters.activatedExtendStep,
    });
  }
  if (drafter instanceof MedusaDrafter || drafter instanceof StandaloneDrafter) {
    Object.assign(serverArgs, {
      // SGLang's name for a separate draft model; Medusa's heads have no SGLang algorithm, so vLLM's name
      speculative_algorithm: drafter instanceof MedusaDrafter ? 'MEDUSA' : 'STANDALONE',
      speculative_num_steps: opts.steps ?? opts.draftTokens, speculative_eagle_topk: opts.topK ?? 1, speculative_num_draft_tokens: opts.draftTokens + 1,
      speculative_draft_model_path: join(opts.draftsDir ?? 'models/drafts', opts.draft),
      prism_draft_architecture: OTHER_ARCHITECTURES[drafter.method].summary,
      prism_draft_threads: opts.draftThreads ?? 1,
    });
    if (drafter instanceof MedusaDrafter) Object.assign(serverArgs, { prism_draft_heads: drafter.heads, prism_draft_vocabulary: drafter.vocabulary.length });
    else Object.assign(serverArgs, { prism_draft_layers: drafter.config.layers });
  }
  const tokenizer = Tokenizer.load(TOKENIZER_PATH);
  const tree = drafter && isLearnedDraft(drafter.method) && (opts.topK ?? 1) > 1 ? { topK: opts.topK!, steps: opts.steps ?? opts.draftTokens } : undefined;
  // the GPU engines' synthetic-acceptance knobs (performance only: output is no longer lossless)
  const synthetic = opts.syntheticAcceptanceLength !== undefined ? syntheticFromLength(opts.syntheticAcceptanceLength) : syntheticFromEnv();
  if (synthetic) {
    serverArgs.prism_synthetic_acceptance = synthetic;
    log(`synthetic acceptance from ${synthetic.source}: ${synthetic.acceptedDrafts} accepted drafts per cycle (${synthetic.method}); output is not lossless`);
  }
  const engine = new ReferenceEngine(model, tokenizer, drafter, { draftTokens: opts.draftTokens, tree, faults: opts.faults, synthetic });
  serverArgs.max_total_tokens = model.maxContext;
  serverArgs.context_length = model.maxContext;
  // scheduler figures SGLang adds to server_info: one request at a time, so one context's worth
  serverArgs.max_total_num_tokens = model.maxContext;
  serverArgs.max_req_input_len = model.maxContext - 1;
  srv.setEngine(engine);
  // warm-up: one short generation so the first measured request pays no one-time costs
  await engine.submit({ prompt: tokenizer.encode('Warm up.'), maxNewTokens: 4, sampling: { temperature: 0, topP: 1, topK: -1 }, ignoreEos: true, stop: [], stopTokenIds: [], seed: 0 });
  srv.setReady(true);
  log(`ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (graph cache: ${cache ? cache.dir : "off, PRISM_GRAPH_CACHE=off"})`);
  return {
    url,
    stop: async () => { await srv.close(); await model.release(); await drafter?.release?.(); },
  };
}
