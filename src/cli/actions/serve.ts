// `prism-bench serve`, loaded only when it runs (../serve.ts registers it), with the mapping of
// SGLang's, vLLM's and trtllm-serve's launch flags onto the engine's own.
// The engine itself: this module is loaded only when `serve` runs, in the engine's process.
import {
  serve, DRAFT_METHODS, DRAFT_PRECISIONS, DraftConfigError, LEARNED_DRAFTS, checkLearnedDraft, isLearnedDraft, maxTreeNodes,
  type DraftMethod, type DraftPrecision, type LearnedDraftMethod, type SuffixOptions,
} from '@prism-bench/reference-engine';
import { UsageError } from '../errors.ts';
import { packageVersion } from '../../version.ts';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { intOption, numberOption } from '../options.ts';
import { applyTrtllmConfig } from '../serve-trtllm.ts';
import { messageOf } from '../../errors.ts';

export async function serveAction(model: string | undefined, o: Record<string, string | boolean | undefined>): Promise<void> {
  // why the casts below: commander hands over an untyped option bag; each value is checked (or is
  // commander's default) before it is cast
  if (model !== undefined) { o.model ??= model; o.servedModelName ??= model; }
  applyDeprecatedNames(o);
  applyVllmConfig(o);
  const trtllmMetrics = await applyTrtllmConfig(o);
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
  // let, not const: the handlers below read it before the model has loaded and it is assigned
  // eslint-disable-next-line prefer-const
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
    suffix: suffixOptions(o),
    draftThreads: o.draftThreads === undefined ? undefined : intOption('--draft-threads', o.draftThreads, 1, 256),
    modules, stepMap, draftPrecision: o.draftPrecision as DraftPrecision, draftsDir: o.draftsDir as string | undefined,
    maxBodyBytes: intOption('--max-body-bytes', o.maxBodyBytes, 1024, 1 << 30),
    servedModelName: o.servedModelName as string | undefined,
    perRequestSpecMetrics: o.perRequestSpecDecodeMetrics as 'none' | 'summary' | 'detailed',
    metrics: trtllmMetrics,
    logRequests: o.logRequests === true,
    version: packageVersion(),
    syntheticAcceptanceLength: o.syntheticAcceptanceLength === undefined ? undefined : numberOption('--synthetic-acceptance-length', String(o.syntheticAcceptanceLength), 1, 1000),
    faults: {
      verifyDelayMs: intOption('--fault-verify-delay-ms', o.faultVerifyDelayMs, 0, 60_000),
      slowdownPct: numberOption('--fault-slowdown-pct', String(o.faultSlowdownPct), 0, 1000),
      acceptWrongToken: o.faultAcceptWrongToken === true,
      ignoreTemperature: o.faultIgnoreTemperature === true,
      crashAfterRequests: intOption('--fault-crash-after-requests', o.faultCrashAfterRequests, 0, 1_000_000),
    },
  });
  await stopped;
}

/** Maps vLLM's --speculative-config (its SpeculativeConfig keys) onto this engine's own flags. */
export function applyVllmConfig(o: Record<string, string | boolean | undefined>): void {
  if (o.speculativeConfig === undefined) return;
  let c: unknown;
  try { c = JSON.parse(String(o.speculativeConfig)); } catch (e) { throw new UsageError(`--speculative-config: not valid JSON (${messageOf(e)}); give an object such as '{"method": "ngram", "num_speculative_tokens": 4, "prompt_lookup_max": 4}'`); }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new UsageError('--speculative-config: expected a JSON object such as \'{"method": "ngram", "num_speculative_tokens": 4, "prompt_lookup_max": 4}\'');
  const { method, model, num_speculative_tokens: k, prompt_lookup_min: min, prompt_lookup_max: max, rejection_sample_method: rsm, synthetic_acceptance_length: synLen, ...rest } = c as Record<string, unknown>;
  // vLLM's suffix method's own keys (SpeculativeConfig.suffix_decoding_*)
  const suffixKeys = Object.keys(rest).filter((key) => key in SUFFIX_CONFIG_FLAGS);
  const unknown = Object.keys(rest).filter((key) => !(key in SUFFIX_CONFIG_FLAGS));
  if (unknown.length) throw new UsageError(`--speculative-config: the reference engine does not implement ${unknown.join(', ')}; it takes method, model, num_speculative_tokens, prompt_lookup_min, prompt_lookup_max, ${Object.keys(SUFFIX_CONFIG_FLAGS).join(', ')}, rejection_sample_method and synthetic_acceptance_length`);
  if (suffixKeys.length && method !== 'suffix') throw new UsageError(`--speculative-config: ${suffixKeys[0]} applies to method "suffix", not ${JSON.stringify(method)}; remove it`);
  for (const key of suffixKeys) {
    const v = rest[key];
    if (typeof v !== 'number') throw new UsageError(`--speculative-config: ${key}: expected a number, got ${JSON.stringify(v)}`);
    o[SUFFIX_CONFIG_FLAGS[key]!] = String(v);
  }
  // vLLM's synthetic rejection sampling (vllm/config/speculative.py @002e77c1): a set mean acceptance length, bonus included
  if (rsm !== undefined && rsm !== 'standard' && rsm !== 'synthetic') throw new UsageError(`--speculative-config: rejection_sample_method ${JSON.stringify(rsm)}: the reference engine offers standard and synthetic`);
  if ((rsm === 'synthetic') !== (synLen !== undefined)) throw new UsageError('--speculative-config: rejection_sample_method "synthetic" and synthetic_acceptance_length go together (vLLM\'s rule; the reference engine does not take synthetic_acceptance_rates)');
  if (synLen !== undefined) {
    if (typeof synLen !== 'number' || !(synLen >= 1)) throw new UsageError(`--speculative-config: synthetic_acceptance_length: expected a number >= 1 (mean acceptance length, bonus included), got ${JSON.stringify(synLen)}`);
    o.syntheticAcceptanceLength = String(synLen);
  }
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
  } else if (method === 'suffix') {
    o.draft = 'suffix';
  } else if (method === 'eagle' || method === 'eagle3') {
    if (typeof model !== 'string') throw new UsageError(`--speculative-config: ${method} needs model, a learned draft's directory such as models/drafts/${method}`);
    o.speculativeDraftModelPath = model;
  } else {
    throw new UsageError(`--speculative-config: method ${JSON.stringify(method)} is not offered by the reference engine; use ngram, suffix, eagle or eagle3`);
  }
  o.draftedTokens = int('num_speculative_tokens', k) ?? o.draftedTokens;
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
  if (o.speculativeNumDraftTokens !== undefined) o.draftedTokens = String(intOption('--speculative-num-draft-tokens', o.speculativeNumDraftTokens, 2, 65) - 1);
  if (o.speculativeNgramMinMatchWindowSize !== undefined) o.ngramMin = o.speculativeNgramMinMatchWindowSize;
  if (o.speculativeNgramMaxMatchWindowSize !== undefined) o.ngramMax = o.speculativeNgramMaxMatchWindowSize;
}

/** --draft-tokens, the flag's name before the suite's draftTokens was split: still accepted, with a note. */
function applyDeprecatedNames(o: Record<string, string | boolean | undefined>): void {
  if (o.draftTokens === undefined) return;
  if (o.draftedTokens !== undefined) throw new UsageError('--draft-tokens and --drafted-tokens both given: they name the same number; keep --drafted-tokens');
  process.stderr.write('prism-bench serve: --draft-tokens is deprecated: write --drafted-tokens (tokens drafted per cycle, the root not counted)\n');
  o.draftedTokens = o.draftTokens;
  delete o.draftTokens;
}

/**
 * Tokens drafted per cycle and, for learned drafts, the tree: with --topk 1 (a chain) --steps and
 * --drafted-tokens name the same number, so either will do; a tree needs both (its depth and its
 * node count, as SGLang's num_steps and num_draft_tokens - 1).
 */
/** vLLM's suffix keys and the serve option each sets */
const SUFFIX_CONFIG_FLAGS: Record<string, string> = {
  suffix_decoding_max_tree_depth: 'suffixMaxTreeDepth', suffix_decoding_max_cached_requests: 'suffixMaxCachedRequests',
  suffix_decoding_max_spec_factor: 'suffixMaxSpecFactor', suffix_decoding_min_token_prob: 'suffixMinTokenProb',
};

/** The suffix draft's settings given; the engine's defaults fill the rest. */
function suffixOptions(o: Record<string, string | boolean | undefined>): Partial<SuffixOptions> | undefined {
  const given = [o.suffixMaxTreeDepth, o.suffixMaxCachedRequests, o.suffixMaxSpecFactor, o.suffixMinTokenProb].some((v) => v !== undefined);
  if (!given) return undefined;
  if (o.draft !== 'suffix') throw new UsageError(`--suffix-* options apply to --draft suffix, not to --draft ${String(o.draft)}`);
  const s: Partial<SuffixOptions> = {};
  if (o.suffixMaxTreeDepth !== undefined) s.maxTreeDepth = intOption('--suffix-max-tree-depth', o.suffixMaxTreeDepth, 2, 256);
  if (o.suffixMaxCachedRequests !== undefined) s.maxCachedRequests = intOption('--suffix-max-cached-requests', o.suffixMaxCachedRequests, 0, 100_000);
  if (o.suffixMaxSpecFactor !== undefined) s.maxSpecFactor = numberOption('--suffix-max-spec-factor', String(o.suffixMaxSpecFactor), 0.01, 64);
  if (o.suffixMinTokenProb !== undefined) s.minTokenProb = numberOption('--suffix-min-token-prob', String(o.suffixMinTokenProb), 0, 1);
  return s;
}

function draftShape(o: Record<string, string | boolean | undefined>): { draftTokens: number; topK?: number; steps?: number } {
  const given = (flag: string, v: string | boolean | undefined, max: number) => (v === undefined ? undefined : intOption(flag, v, 1, max));
  const draftTokens = given('--drafted-tokens', o.draftedTokens, 64);
  const topK = given('--topk', o.topk, 16) ?? 1;
  const steps = given('--steps', o.steps, 16);
  if (!isLearnedDraft(String(o.draft))) {
    // SGLang's launchers may pass num_steps for any algorithm: only a tree is refused
    if (topK !== 1) throw new UsageError(`--topk ${topK}: trees are drafted by learned drafts (${LEARNED_DRAFTS.join(', ')}), not by --draft ${String(o.draft)}`);
    return { draftTokens: draftTokens ?? 6 };
  }
  if (topK === 1) {
    if (steps !== undefined && draftTokens !== undefined && steps !== draftTokens) throw new UsageError(`--steps ${steps} and --drafted-tokens ${draftTokens} differ, but a chain drafts one token per step; give one of them`);
    const n = steps ?? draftTokens ?? 6;
    return { draftTokens: n, topK: 1, steps: n };
  }
  if (steps === undefined || draftTokens === undefined) throw new UsageError(`--topk ${topK}: a tree needs --steps (its depth) and --drafted-tokens (its nodes, the root not counted)`);
  const most = maxTreeNodes(topK, steps);
  if (draftTokens > most) throw new UsageError(`--drafted-tokens ${draftTokens}: a tree of ${steps} steps expanding ${topK} nodes each has at most ${most} nodes; lower it or raise --steps`);
  return { draftTokens, topK, steps };
}
