import type { Command } from 'commander';
import { serve } from '../reference/server/main.ts';
import { DRAFT_METHODS, type DraftMethod } from '../reference/server/engine.ts';
import { UsageError } from './errors.ts';
import { LEARNED_DRAFTS, checkLearnedDraft, isLearnedDraft } from '../reference/drafts/index.ts';
import { maxTreeNodes } from '../reference/drafts/types.ts';
import { DRAFT_PRECISIONS, DraftConfigError, type DraftPrecision } from '../reference/drafts/learned.ts';
import type { LearnedDraftMethod } from '../reference/model/draft-config.ts';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { intOption, numberOption } from './options.ts';
import { applyTrtllmConfig } from './serve-trtllm.ts';

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
    .option('--draft-tokens <n>', 'tokens drafted per cycle, the root not counted (ngram; learned drafts: a chain\'s steps, a tree\'s nodes; default 6)')
    .option('--topk <k>', 'learned drafts: branches expanded per step (EAGLE-2 dynamic tree; 1 = chain, the default)')
    .option('--steps <n>', 'learned drafts: draft steps per cycle (the tree\'s depth; a chain: same as --draft-tokens)')
    .option('--modules <m>', 'learned drafts: parameter sets to use (PRISM\'s M; default: all in the weight file)')
    .option('--step-map <list>', 'learned drafts: module per draft step, comma-separated, step 0 = extend pass; the last repeats (PRISM default 0,1)')
    .option('--draft-precision <p>', `learned drafts' weights: ${DRAFT_PRECISIONS.join(', ')} (int8: per-column int8, fusion layers fp32; q8/q4: block-quantized, every layer)`, 'int8')
    .option('--draft-threads <n>', 'learned drafts: onnxruntime intra-op threads of the draft (default 1)')
    .option('--drafts-dir <dir>', 'where learned drafts live (<dir>/<method>/manifest.json; default: the shipped models/drafts)')
    .option('--ngram-min <n>', 'shortest n-gram prompt lookup matches', '1')
    .option('--ngram-max <n>', 'longest n-gram prompt lookup tries first', '4')
    .option('--max-body-bytes <n>', 'largest request body accepted', String(1 << 20))
    // SGLang's own launch flags, so an SGLang launcher line (and the sglang adapter) can start this engine
    .option('--model-path <dir>', 'SGLang-compatible alias of --model')
    .option('--speculative-algorithm <name>', 'SGLang-compatible: NGRAM, EAGLE, EAGLE3 or LD (PRISM) select the draft')
    .option('--speculative-draft-model-path <dir>', 'SGLang-compatible: a learned draft\'s directory (its manifest names the method)')
    .option('--speculative-num-steps <n>', 'SGLang-compatible alias of --steps')
    .option('--speculative-eagle-topk <k>', 'SGLang-compatible alias of --topk')
    .option('--speculative-num-draft-tokens <n>', 'SGLang-compatible: tokens verified per cycle including the root (= --draft-tokens + 1)')
    .option('--speculative-ngram-min-match-window-size <n>', 'SGLang-compatible alias of --ngram-min')
    .option('--speculative-ngram-max-match-window-size <n>', 'SGLang-compatible alias of --ngram-max')
    .option('--log-requests', 'SGLang-compatible: log each /generate request (its text, as received) and its output, one JSON line each')
    // vLLM's own launch flags, so the vllm adapter (launcher: [node, bin/prism-bench.js, serve]) can start this engine
    .option('--speculative-config <json>', 'vLLM-compatible: {"method": ngram|eagle|eagle3, "num_speculative_tokens": k, "prompt_lookup_min"/"prompt_lookup_max", "model": a learned draft\'s directory}')
    .option('--served-model-name <name>', 'vLLM-compatible: the model name OpenAI requests give (default: the model argument, else prism-bench-reference)')
    .option('--per-request-spec-decode-metrics <level>', 'vLLM-compatible: none, summary or detailed; summary adds metrics.speculative_decoding to each OpenAI response', 'none')
    // trtllm-serve's own launch flags, so the trtllm adapter can start this engine
    .option('--backend <name>', 'TensorRT-LLM-compatible: pytorch (the only backend offered); makes GET /metrics answer TensorRT-LLM iteration statistics')
    .option('--extra_llm_api_options <file>', 'TensorRT-LLM-compatible: YAML with speculative_config {decoding_type NGram|Eagle|Eagle3, max_draft_len, max_matching_ngram_size, speculative_model_dir} and enable_iter_perf_stats')
    .option('--config <file>', 'TensorRT-LLM-compatible alias of --extra_llm_api_options (newer trtllm-serve builds)')
    .option('--fault-verify-delay-ms <ms>', 'planted fault for gate tests: sleep this long in every verify cycle (default: $PRISM_FAULT_VERIFY_DELAY_MS or 0)', process.env.PRISM_FAULT_VERIFY_DELAY_MS ?? '0')
    .option('--fault-slowdown-pct <pct>', 'planted fault for gate power: busy-wait this percentage of each cycle\'s own draft + verify time (and of the prefill\'s) (default: $PRISM_FAULT_SLOWDOWN_PCT or 0)', process.env.PRISM_FAULT_SLOWDOWN_PCT ?? '0')
    .option('--fault-accept-wrong-token', 'planted fault for audit tests: verification accepts one wrong token per request')
    .option('--fault-crash-after-requests <n>', 'planted fault for harness tests: the process exits when a request arrives after n completed ones (the warm-up counts)', '0')
    .option('--fault-ignore-temperature', 'planted fault for audit tests: decode greedily whatever the requested temperature')
    .addHelpText('after', `
Examples:
  prism-bench serve --draft ngram --port 30000
  prism-bench serve --draft prism --draft-tokens 6 --step-map 0,1
  prism-bench serve --draft prism --modules 1 --step-map 0     # PRISM's module 0 alone (what eagle3's shape computes)
  curl -s localhost:30000/generate -d '{"text": "The jury said", "sampling_params": {"max_new_tokens": 32, "temperature": 0}}'

The faults are off by default and exist only to prove that gate and audit catch them.
PRISM_FAULT_VERIFY_DELAY_MS and PRISM_FAULT_SLOWDOWN_PCT plant the slowdown through the environment,
so a run can carry it without any change to its suite (as a real engine regression would).`)
    .action(async (model: string | undefined, o: Record<string, string | boolean | undefined>) => {
      if (model !== undefined) { o.model ??= model; o.servedModelName ??= model; }
      applyVllmConfig(o);
      const trtllmMetrics = applyTrtllmConfig(o);
      applySglangAliases(o);
      if (!['none', 'summary', 'detailed'].includes(String(o.perRequestSpecDecodeMetrics))) throw new UsageError(`--per-request-spec-decode-metrics: expected none, summary or detailed, got '${String(o.perRequestSpecDecodeMetrics)}'`);
      if (!DRAFT_METHODS.includes(o.draft as DraftMethod)) throw new UsageError(`--draft: unknown method '${String(o.draft)}'; use one of ${DRAFT_METHODS.join(', ')}`);
      if (!(DRAFT_PRECISIONS as readonly unknown[]).includes(o.draftPrecision)) throw new UsageError(`--draft-precision: expected one of ${DRAFT_PRECISIONS.join(', ')}, got '${String(o.draftPrecision)}'`);
      const stepMap = o.stepMap === undefined ? undefined : String(o.stepMap).split(',').map((x, i) => intOption(`--step-map (entry ${i})`, x.trim(), 0, 64));
      const modules = o.modules === undefined ? undefined : intOption('--modules', o.modules, 1, 64);
      if (isLearnedDraft(String(o.draft))) {
        // wrong files or a step map naming a missing module: one line and exit 2, before anything loads
        try { checkLearnedDraft(o.draft as LearnedDraftMethod, { draftsDir: o.draftsDir as string | undefined, stepMap, modules }); } catch (e) {
          if (e instanceof DraftConfigError) throw new UsageError(`--draft ${String(o.draft)}: ${e.message}`);
          throw e;
        }
      } else if (stepMap !== undefined || modules !== undefined) {
        throw new UsageError(`--step-map and --modules apply to learned drafts (${LEARNED_DRAFTS.join(', ')}), not to --draft ${String(o.draft)}`);
      }
      // handlers go in first: a SIGTERM while the model loads still ends the process cleanly
      let running: Awaited<ReturnType<typeof serve>> | undefined;
      let stopping = false;
      const stopped = new Promise<void>((resolve) => {
        const shutdown = (sig: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`${sig}: shutting down`);
          if (!running) process.exit(0);
          running.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
      running = await serve({
        draft: o.draft as DraftMethod,
        host: o.host as string,
        port: intOption('--port', o.port, 0, 65535),
        modelDir: o.model as string | undefined,
        threads: o.threads === undefined ? undefined : intOption('--threads', o.threads, 1, 256),
        ...draftShape(o),
        ngramMin: intOption('--ngram-min', o.ngramMin, 1, 64),
        ngramMax: intOption('--ngram-max', o.ngramMax, 1, 64),
        draftThreads: o.draftThreads === undefined ? undefined : intOption('--draft-threads', o.draftThreads, 1, 256),
        modules, stepMap, draftPrecision: o.draftPrecision as DraftPrecision, draftsDir: o.draftsDir as string | undefined,
        maxBodyBytes: intOption('--max-body-bytes', o.maxBodyBytes, 1024, 1 << 30),
        servedModelName: o.servedModelName as string | undefined,
        perRequestSpecMetrics: o.perRequestSpecDecodeMetrics as 'none' | 'summary' | 'detailed',
        metrics: trtllmMetrics,
        logRequests: o.logRequests === true,
        faults: {
          verifyDelayMs: intOption('--fault-verify-delay-ms', o.faultVerifyDelayMs, 0, 60_000),
          slowdownPct: numberOption('--fault-slowdown-pct', String(o.faultSlowdownPct), 0, 1000),
          acceptWrongToken: o.faultAcceptWrongToken === true,
          ignoreTemperature: o.faultIgnoreTemperature === true,
          crashAfterRequests: intOption('--fault-crash-after-requests', o.faultCrashAfterRequests, 0, 1_000_000),
        },
      });
      await stopped;
    });
}

/** Maps vLLM's --speculative-config (its SpeculativeConfig keys) onto this engine's own flags. */
export function applyVllmConfig(o: Record<string, string | boolean | undefined>): void {
  if (o.speculativeConfig === undefined) return;
  let c: unknown;
  try { c = JSON.parse(String(o.speculativeConfig)); } catch (e) { throw new UsageError(`--speculative-config: not valid JSON (${(e as Error).message}); give an object such as '{"method": "ngram", "num_speculative_tokens": 4, "prompt_lookup_max": 4}'`); }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new UsageError('--speculative-config: expected a JSON object such as \'{"method": "ngram", "num_speculative_tokens": 4, "prompt_lookup_max": 4}\'');
  const { method, model, num_speculative_tokens: k, prompt_lookup_min: min, prompt_lookup_max: max, ...rest } = c as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new UsageError(`--speculative-config: the reference engine does not implement ${unknown.join(', ')}; it takes method, model, num_speculative_tokens, prompt_lookup_min and prompt_lookup_max`);
  const int = (key: string, v: unknown) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`--speculative-config: ${key}: expected an integer >= 1, got ${JSON.stringify(v)}`);
    return String(v);
  };
  if (method === 'ngram') {
    o.draft = 'ngram';
    // vLLM requires prompt_lookup_max for ngram and defaults prompt_lookup_min to 1
    if (max === undefined) throw new UsageError('--speculative-config: ngram needs prompt_lookup_max (the longest n-gram matched), as vLLM does');
    o.ngramMax = int('prompt_lookup_max', max);
    o.ngramMin = int('prompt_lookup_min', min) ?? '1';
  } else if (method === 'eagle' || method === 'eagle3') {
    if (typeof model !== 'string') throw new UsageError(`--speculative-config: ${method} needs model, a learned draft's directory such as models/drafts/${method}`);
    o.speculativeDraftModelPath = model;
  } else {
    throw new UsageError(`--speculative-config: method ${JSON.stringify(method)} is not offered by the reference engine; use ngram, eagle or eagle3`);
  }
  o.draftTokens = int('num_speculative_tokens', k) ?? o.draftTokens;
}

/** Maps SGLang's launch flags onto this engine's own. */
function applySglangAliases(o: Record<string, string | boolean | undefined>): void {
  if (o.modelPath !== undefined) o.model = o.modelPath;
  if (o.speculativeAlgorithm !== undefined) {
    const algo = String(o.speculativeAlgorithm).toUpperCase();
    const byAlgo: Record<string, string> = { NGRAM: 'ngram', EAGLE: 'eagle', EAGLE3: 'eagle3', LD: 'prism', PRISM: 'prism' };
    if (!byAlgo[algo]) throw new UsageError(`--speculative-algorithm: the reference engine offers NGRAM, EAGLE, EAGLE3 and LD (PRISM), or no flag for vanilla; got '${String(o.speculativeAlgorithm)}'`);
    o.draft = byAlgo[algo];
  }
  if (o.speculativeDraftModelPath !== undefined) {
    // EAGLE serves both eagle and hass2: the draft's own manifest says which
    const dir = String(o.speculativeDraftModelPath);
    const manifest = join(dir, 'manifest.json');
    if (!existsSync(manifest)) throw new UsageError(`--speculative-draft-model-path: ${manifest} not found; point it at a draft directory such as models/drafts/eagle3`);
    o.draft = (JSON.parse(readFileSync(manifest, 'utf8')) as { method: string }).method;
    o.draftsDir = dirname(dir);
    if (basename(dir) !== o.draft) throw new UsageError(`--speculative-draft-model-path: ${dir} holds a ${String(o.draft)} draft; drafts live in <dir>/<method>, so rename the folder to ${String(o.draft)}`);
  }
  if (o.speculativeEagleTopk !== undefined) o.topk = o.speculativeEagleTopk;
  if (o.speculativeNumSteps !== undefined) o.steps = o.speculativeNumSteps;
  if (o.speculativeNumDraftTokens !== undefined) o.draftTokens = String(intOption('--speculative-num-draft-tokens', o.speculativeNumDraftTokens, 2, 65) - 1);
  if (o.speculativeNgramMinMatchWindowSize !== undefined) o.ngramMin = o.speculativeNgramMinMatchWindowSize;
  if (o.speculativeNgramMaxMatchWindowSize !== undefined) o.ngramMax = o.speculativeNgramMaxMatchWindowSize;
}

/**
 * Tokens drafted per cycle and, for learned drafts, the tree: with --topk 1 (a chain) --steps and
 * --draft-tokens name the same number, so either will do; a tree needs both (its depth and its
 * node count, as SGLang's num_steps and num_draft_tokens - 1).
 */
function draftShape(o: Record<string, string | boolean | undefined>): { draftTokens: number; topK?: number; steps?: number } {
  const given = (flag: string, v: string | boolean | undefined, max: number) => (v === undefined ? undefined : intOption(flag, v, 1, max));
  const draftTokens = given('--draft-tokens', o.draftTokens, 64);
  const topK = given('--topk', o.topk, 16) ?? 1;
  const steps = given('--steps', o.steps, 16);
  if (!isLearnedDraft(String(o.draft))) {
    // SGLang's launchers may pass num_steps for any algorithm: only a tree is refused
    if (topK !== 1) throw new UsageError(`--topk ${topK}: trees are drafted by learned drafts (${LEARNED_DRAFTS.join(', ')}), not by --draft ${String(o.draft)}`);
    return { draftTokens: draftTokens ?? 6 };
  }
  if (topK === 1) {
    if (steps !== undefined && draftTokens !== undefined && steps !== draftTokens) throw new UsageError(`--steps ${steps} and --draft-tokens ${draftTokens} differ, but a chain drafts one token per step; give one of them`);
    const n = steps ?? draftTokens ?? 6;
    return { draftTokens: n, topK: 1, steps: n };
  }
  if (steps === undefined || draftTokens === undefined) throw new UsageError(`--topk ${topK}: a tree needs --steps (its depth) and --draft-tokens (its nodes, the root not counted)`);
  const most = maxTreeNodes(topK, steps);
  if (draftTokens > most) throw new UsageError(`--draft-tokens ${draftTokens}: a tree of ${steps} steps expanding ${topK} nodes each has at most ${most} nodes; lower it or raise --steps`);
  return { draftTokens, topK, steps };
}
