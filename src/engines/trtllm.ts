// TensorRT-LLM, launched as `trtllm-serve MODEL --host H --port P --backend pytorch
// --extra_llm_api_options FILE` (tensorrt_llm/commands/serve.py; newer builds also take --config),
// FILE being YAML written by the harness: speculative_config plus enable_iter_perf_stats: true,
// which fills GET /metrics with per-iteration statistics. Key names are TensorRT-LLM's
// (tensorrt_llm/llmapi/llm_args.py): DecodingBaseConfig.max_draft_len and speculative_model_dir
// (newer builds also read it as speculative_model), decoding_type NGram | Eagle | Eagle3 | MTP |
// Medusa | DraftTarget, NGramDecodingConfig.max_matching_ngram_size, MTPDecodingConfig's
// num_nextn_predict_layers. Requests go over its OpenAI-compatible API; acceptance comes from the
// iteration statistics read before and after each trial (trtllm-stats.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { assertLaunchable } from './accepts.ts';
import { OpenAiClient, openAiHandle, openAiRequest, type OpenAiApi, type OpenAiOptions } from './openai-protocol.ts';
import { placed } from './placement.ts';
import { attachedProcess, startProcess, type EngineProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { IterationTotals, readIterationStats } from './trtllm-stats.ts';
import { EngineError, type EngineAdapter, type EngineHandle, type InputProblem, type LaunchPlan, type LaunchSpec, type MetricSource, type SpecCounters } from './types.ts';
import { mappingError, say, wordField } from '../suite/schema.ts';
import { draftModelOption, envOption, extraArgsOption, HOST_PORT, launcherOption, offeredMethods, parseOptions, programOf, promptOption, sendSeedOption, targetModelOption } from './options.ts';
import type { Draft, DraftMethod, LearnedDraft } from '../suite/types.ts';

/** TensorRT-LLM's decoding_type for each suite draft method (HASS drafts are EAGLE-format heads). */
export const TRTLLM_DECODING_TYPE: Partial<Record<DraftMethod, string>> = {
  ngram: 'NGram', eagle: 'Eagle', hass: 'Eagle', eagle3: 'Eagle3', mtp: 'MTP', medusa: 'Medusa', standalone: 'DraftTarget',
};

/** The keys the harness writes itself; llmApiOptions may not set them. */
const OWNED_KEYS = ['speculative_config', 'enable_iter_perf_stats'];

export const TRTLLM_OPTIONS = z.strictObject({
  model: targetModelOption('TensorRT-LLM', 'serve (trtllm-serve MODEL)', 'meta-llama/Llama-3.1-8B-Instruct', 'the target model: trtllm-serve MODEL'),
  draftModel: draftModelOption('yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', 'speculative_model_dir for learned drafts without their own model'),
  launcher: launcherOption(['trtllm-serve'], 'command that starts the server, the model and flags appended (default trtllm-serve). It runs as given: a suite is trusted input'),
  backend: wordField(['pytorch', 'tensorrt'], 'backend').optional().meta({ description: 'trtllm-serve --backend (default pytorch)' }),
  llmApiOptions: z.record(z.string(), z.unknown(), { error: mappingError('{kv_cache_config: {free_gpu_memory_fraction: 0.8}}') })
    .refine((m) => !OWNED_KEYS.some((k) => k in m), { error: () => say(`sets ${OWNED_KEYS.join(' or ')}, which the harness writes itself`, 'remove it: the draft sets speculative_config, and iteration statistics are always on') })
    .optional().meta({ description: 'more LLM API options written into the --extra_llm_api_options YAML' }),
  extraArgs: extraArgsOption('["--max_batch_size", "1"]', [
    ...HOST_PORT,
    { flag: '--backend', fix: 'set the engine\'s options.backend instead (pytorch or tensorrt)' },
    // the harness's YAML holds the draft's speculative_config; a second one would replace it
    ...['--extra_llm_api_options', '--config'].map((flag) => ({ flag, fix: "put the keys in the engine's options.llmApiOptions instead (the drafts set speculative_config)" })),
  ]),
  env: envOption(),
  prompt: promptOption("chat (default): /v1/chat/completions, the server applies the target's chat template; raw: /v1/completions with the harness's Question/Answer transcript"),
  sendSeed: sendSeedOption('send each request\'s seed (default true)'),
}, { error: mappingError('{model: meta-llama/Llama-3.1-8B-Instruct}') });

/** Suite `options` for the trtllm engine (model: `trtllm-serve MODEL`; backend pytorch by default, Medusa tensorrt only). */
export type TrtllmOptions = z.infer<typeof TRTLLM_OPTIONS>;

/** max_draft_len for a learned draft: a chain of `steps`, or verifiedTokens less the root. */
function draftLen(d: LearnedDraft): number | undefined | InputProblem {
  if (d.topK !== undefined && d.topK !== 1) return { at: 'draft.topK', problem: `${d.topK}: the trtllm adapter drafts a chain (max_draft_len tokens, one per step)`, fix: 'set topK: 1 or leave it out' };
  if (d.steps !== undefined && d.verifiedTokens !== undefined && d.verifiedTokens !== d.steps + 1) {
    return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens}, but a chain of ${d.steps} steps verifies ${d.steps + 1} tokens (the root included)`, fix: `set verifiedTokens: ${d.steps + 1}, or leave it out` };
  }
  if (d.verifiedTokens !== undefined && d.verifiedTokens < 2) return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens} leaves no draft token (it counts the root)`, fix: 'set verifiedTokens to 2 or more, or set steps' };
  return d.steps ?? (d.verifiedTokens !== undefined ? d.verifiedTokens - 1 : undefined);
}

function trtllmDraftProblem(d: Draft, o: TrtllmOptions): InputProblem | undefined {
  const backend = o.backend ?? 'pytorch';
  if (d.method === 'vanilla') return undefined;
  // supports_backend() of each decoding config in llm_args.py
  if (d.method === 'ngram') {
    if (backend !== 'pytorch') return { at: 'draft.method', problem: 'NGram runs on the pytorch backend only', fix: 'remove options.backend (pytorch is the default), or use another engine' };
    // its n-gram pool tries every size from max_matching_ngram_size down to 1 (tensorrt_llm/_torch/speculative/ngram.py)
    if (d.ngramMin !== 1) return { at: 'draft.ngramMin', problem: `${d.ngramMin}: TensorRT-LLM has no shortest-match setting (it tries sizes down to 1)`, fix: 'set ngramMin: 1 or leave it out' };
    return undefined;
  }
  if (d.method === 'medusa' && backend !== 'tensorrt') return { at: 'draft.method', problem: 'Medusa runs on the tensorrt backend only, not pytorch', fix: 'set the engine\'s options.backend: tensorrt, or drop this draft' };
  if ((d.method === 'mtp' || d.method === 'standalone') && backend !== 'pytorch') return { at: 'draft.method', problem: `${TRTLLM_DECODING_TYPE[d.method]} runs on the pytorch backend`, fix: 'remove options.backend (pytorch is the default)' };
  const k = draftLen(d);
  if (typeof k === 'object') return k;
  if (k === undefined && d.method !== 'mtp') return { at: 'draft', problem: `a ${d.method} draft needs max_draft_len on TensorRT-LLM`, fix: 'set steps: on the draft (tokens drafted per step chain)' };
  if (d.method !== 'mtp' && !d.model && !o.draftModel) return { at: 'draft', problem: `a ${d.method} draft needs speculative_model_dir on TensorRT-LLM`, fix: "set model: on the draft, or the engine's options.draftModel" };
  return undefined;
}

/** The speculative_config mapping for one draft, or null for vanilla. */
export function trtllmSpeculativeConfig(d: Draft, o: TrtllmOptions): Record<string, unknown> | null {
  if (d.method === 'vanilla') return null;
  const type = TRTLLM_DECODING_TYPE[d.method];
  if (!type) throw new EngineError(`engine trtllm: draft method '${d.method}' has no TensorRT-LLM decoding_type`);
  if (d.method === 'ngram') return { decoding_type: type, max_draft_len: d.draftedTokens, max_matching_ngram_size: d.ngramMax };
  const k = draftLen(d);
  if (typeof k === 'object') throw new EngineError(`engine trtllm: draft '${d.name}': ${k.problem} -- ${k.fix}`);
  // MTP: num_nextn_predict_layers is what every build reads (newer ones map it onto max_draft_len)
  if (d.method === 'mtp') return { decoding_type: type, ...(k !== undefined ? { num_nextn_predict_layers: k } : {}) };
  return { decoding_type: type, max_draft_len: k, speculative_model_dir: d.model ?? o.draftModel };
}

/** The YAML the harness writes for --extra_llm_api_options. */
export function trtllmConfigYaml(d: Draft, o: TrtllmOptions): string {
  const sc = trtllmSpeculativeConfig(d, o);
  return stringify({ ...(o.llmApiOptions ?? {}), ...(sc ? { speculative_config: sc } : {}), enable_iter_perf_stats: true });
}

/** Where the YAML goes: beside the engine's log. */
export const configPath = (logFile: string) => `${logFile.replace(/\.log$/, '')}.llm-api-options.yaml`;

export function trtllmArgs(spec: LaunchSpec): string[] {
  assertLaunchable(trtllmEngine, spec.options, spec.draft, spec.settings);
  const o = parseOptions('trtllm', TRTLLM_OPTIONS, spec.options);
  return [o.model, '--host', spec.host, '--port', String(spec.port), '--backend', o.backend ?? 'pytorch', '--extra_llm_api_options', configPath(spec.logFile), ...(o.extraArgs ?? [])];
}

export function trtllmPlan(spec: LaunchSpec): LaunchPlan {
  const o = parseOptions('trtllm', TRTLLM_OPTIONS, spec.options);
  const command = [...(o.launcher ?? ['trtllm-serve']), ...trtllmArgs(spec)];
  return placed({
    command, env: { ...(o.env ?? {}) },
    ready: `GET http://${spec.host}:${spec.port}/health until 200 (connections are refused while the model loads)`,
    files: [{ path: configPath(spec.logFile), text: trtllmConfigYaml(spec.draft, o) }],
  }, spec.settings);
}

const API: Record<'chat' | 'raw', OpenAiApi> = { chat: 'chat', raw: 'completions' };
// trtllm-serve's request models forbid fields they do not declare, so no return_token_ids
const clientOptions = (o: TrtllmOptions): OpenAiOptions => ({ model: o.model, api: API[o.prompt ?? 'chat'], sendSeed: o.sendSeed !== false, returnTokenIds: false });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads /metrics until a read comes back empty (the last iterations of a request can reach the
 * queue after its final chunk), adding every iteration to the running totals.
 */
async function settle(client: OpenAiClient, totals: IterationTotals): Promise<SpecCounters | null> {
  for (let i = 0; i < 20; i++) {
    const text = await client.getText('/metrics');
    let body: unknown;
    try { body = JSON.parse(text); } catch { throw new EngineError(`/metrics: not JSON (${text.slice(0, 80)}); is the server trtllm-serve with enable_iter_perf_stats?`); }
    if (totals.add(readIterationStats(body)) === 0 && i > 0) break;
    await sleep(100);
  }
  return totals.counters();
}

/** Engine-measured vs derived: acceptance from the iteration statistics' sums around each trial, latencies from the client. */
export const TRTLLM_SOURCES: Readonly<Record<string, MetricSource>> = {
  throughput: 'client', request_throughput: 'client', e2e_ms: 'client', ttft_ms: 'client', tpot_ms: 'derived',
  accept_length_engine: 'engine-counters', draft_accept_rate: 'engine-counters',
  accept_length_pooled: 'derived', accept_length_mean: 'derived',
};

export const trtllmEngine: EngineAdapter<TrtllmOptions> = {
  name: 'trtllm',
  // no per-request cycles, histograms, draft or verify times over the OpenAI API
  measures: { verifyCycles: false, acceptedHistogram: false, draftTime: false, verifyTime: false },
  sources: TRTLLM_SOURCES,
  accepts: { methods: offeredMethods(TRTLLM_DECODING_TYPE), options: TRTLLM_OPTIONS, checkDraft: trtllmDraftProblem },
  formatPrompt: questionAnswerPrompt,
  plan: trtllmPlan,
  requestShape: (req, options) => openAiRequest(req, clientOptions(parseOptions('trtllm', TRTLLM_OPTIONS, options))),
  async launch(spec) {
    const o = parseOptions('trtllm', TRTLLM_OPTIONS, spec.options);
    const p = trtllmPlan(spec);
    for (const f of p.files ?? []) {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text);
    }
    const proc = startProcess(...programOf('trtllm', p), { logFile: spec.logFile, env: o.env });
    return trtllmHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, o, spec.draft.method === 'vanilla');
  },
  attach: (url, options, draft, logFile) => trtllmHandle(url, attachedProcess(), logFile, parseOptions('trtllm', TRTLLM_OPTIONS, options), draft.method === 'vanilla'),
};

/** The OpenAI client with the iteration statistics' running totals as its counters (none for vanilla), launched or attached. */
function trtllmHandle(url: string, proc: EngineProcess, logFile: string, o: TrtllmOptions, vanilla: boolean): EngineHandle {
  const base = openAiHandle(url, proc, logFile, clientOptions(o), undefined, { prompt: o.prompt ?? 'chat', backend: o.backend ?? 'pytorch' });
  if (vanilla) return { ...base, counters: undefined };
  const client = new OpenAiClient(url, clientOptions(o));
  const totals = new IterationTotals();
  return { ...base, counters: () => settle(client, totals) };
}
