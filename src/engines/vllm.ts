// vLLM, launched as `vllm serve MODEL --speculative-config JSON`, driven through its OpenAI-
// compatible API. The speculative-config keys are vLLM's SpeculativeConfig fields
// (vllm/config/speculative.py): method, model, num_speculative_tokens, prompt_lookup_max,
// prompt_lookup_min. Acceptance comes from the /metrics counters around each trial, and per
// request from metrics.speculative_decoding when the server runs with
// --per-request-spec-decode-metrics (recent builds).
import { z } from 'zod';
import { assertLaunchable } from './accepts.ts';
import { openAiHandle, openAiRequest, type OpenAiApi, type OpenAiOptions } from './openai-protocol.ts';
import { placed } from './placement.ts';
import { attachedProcess, startProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { EngineError, type EngineAdapter, type InputProblem, type LaunchPlan, type LaunchSpec, type MetricSource } from './types.ts';
import { mappingError, wordField } from '../suite/schema.ts';
import { draftModelOption, envOption, extraArgsOption, HOST_PORT, launcherOption, SPECULATION_FIX, offeredMethods, parseOptions, programOf, promptOption, sendSeedOption, targetModelOption } from './options.ts';
import type { Draft, DraftMethod, LearnedDraft } from '../suite/types.ts';

/** vLLM's speculative method for each suite draft method (HASS drafts are EAGLE-format heads). */
export const VLLM_METHOD: Partial<Record<DraftMethod, string>> = {
  ngram: 'ngram', standalone: 'draft_model', medusa: 'medusa', eagle: 'eagle', hass: 'eagle', eagle3: 'eagle3', mtp: 'mtp',
};

/** The vllm engine's options, as the suite's JSON Schema publishes them. */
export const VLLM_OPTIONS = z.strictObject({
  model: targetModelOption('vLLM', 'serve (vllm serve MODEL)', 'meta-llama/Llama-3.1-8B-Instruct', 'the target model: vllm serve MODEL'),
  draftModel: draftModelOption('yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', "the speculative config's model for learned drafts without their own"),
  launcher: launcherOption(['vllm', 'serve'], 'command that starts the server, the model and vLLM flags appended (default vllm serve). It runs as given: a suite is trusted input'),
  extraArgs: extraArgsOption('["--dtype", "bfloat16"]', [
    { flag: '--model', fix: 'set the engine\'s options.model instead (vllm serve MODEL)' },
    ...HOST_PORT,
    // --speculative-config, and the older --speculative-model, --num-speculative-tokens, --ngram-prompt-lookup-*
    ...['--speculative-', '--num-speculative-tokens', '--ngram-prompt-lookup-'].map((flag) => ({ flag, prefix: true, fix: SPECULATION_FIX })),
    { flag: '--per-request-spec-decode-metrics', fix: 'set the engine\'s options.perRequestMetrics instead (summary or detailed)' },
  ]),
  env: envOption(),
  prompt: promptOption("chat (default): /v1/chat/completions, the server applies the target's chat template, turn by turn with the model's own answers; raw: /v1/completions with the harness's Question/Answer transcript"),
  sendSeed: sendSeedOption('send each request\'s seed (default true)'),
  perRequestMetrics: wordField(['summary', 'detailed'], 'level').optional()
    .meta({ description: '--per-request-spec-decode-metrics: acceptance per request on each response (recent vLLM builds only)' }),
}, { error: mappingError('{model: meta-llama/Llama-3.1-8B-Instruct}') });

/** Suite `options` for the vllm engine (model: `vllm serve MODEL`, also every request's model field). */
export type VllmOptions = z.infer<typeof VLLM_OPTIONS>;

/** Tokens drafted per step for a learned draft: steps, or verifiedTokens less the root (the suite counts it, as SGLang does). */
function speculativeTokens(d: LearnedDraft): number | undefined | InputProblem {
  if (d.topK !== undefined && d.topK !== 1) return { at: 'draft.topK', problem: `${d.topK}: vLLM drafts a chain here, one token per step`, fix: 'set topK: 1 or leave it out' };
  if (d.steps !== undefined && d.verifiedTokens !== undefined && d.verifiedTokens !== d.steps + 1) {
    return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens}, but a chain of ${d.steps} steps verifies ${d.steps + 1} tokens (the root included)`, fix: `set verifiedTokens: ${d.steps + 1}, or leave it out` };
  }
  if (d.verifiedTokens !== undefined && d.verifiedTokens < 2) return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens} leaves no draft token (it counts the root)`, fix: 'set verifiedTokens to 2 or more, or set steps' };
  return d.steps ?? (d.verifiedTokens !== undefined ? d.verifiedTokens - 1 : undefined);
}

function vllmDraftProblem(d: Draft, o: VllmOptions): InputProblem | undefined {
  if (d.method === 'vanilla' || d.method === 'ngram') return undefined;
  const k = speculativeTokens(d);
  if (typeof k === 'object') return k;
  // mtp reads the target's own layers; every other learned method needs weights
  if (d.method !== 'mtp' && !d.model && !o.draftModel) {
    return { at: 'draft', problem: `a ${d.method} draft needs a draft model on vLLM`, fix: "set model: on the draft, or the engine's options.draftModel" };
  }
  return undefined;
}

/** The --speculative-config object for one draft, or null for vanilla. */
export function speculativeConfig(d: Draft, o: VllmOptions): Record<string, unknown> | null {
  if (d.method === 'vanilla') return null;
  const method = VLLM_METHOD[d.method];
  if (!method) throw new EngineError(`engine vllm: draft method '${d.method}' has no vLLM method`);
  if (d.method === 'ngram') {
    return { method, num_speculative_tokens: d.draftedTokens, prompt_lookup_max: d.ngramMax, prompt_lookup_min: d.ngramMin };
  }
  const k = speculativeTokens(d);
  if (typeof k === 'object') throw new EngineError(`engine vllm: draft '${d.name}': ${k.problem} -- ${k.fix}`);
  const model = d.model ?? o.draftModel;
  return { method, ...(model ? { model } : {}), ...(k !== undefined ? { num_speculative_tokens: k } : {}) };
}

export function vllmArgs(spec: LaunchSpec): string[] {
  assertLaunchable(vllmEngine, spec.options, spec.draft, spec.settings);
  const o = parseOptions('vllm', VLLM_OPTIONS, spec.options);
  // no --disable-log-stats: the spec-decode counters are only kept with stats logging on
  const args = [o.model, '--host', spec.host, '--port', String(spec.port)];
  const sc = speculativeConfig(spec.draft, o);
  if (sc) args.push('--speculative-config', JSON.stringify(sc));
  if (sc && o.perRequestMetrics) args.push('--per-request-spec-decode-metrics', o.perRequestMetrics);
  args.push(...(o.extraArgs ?? []));
  return args;
}

export function vllmPlan(spec: LaunchSpec): LaunchPlan {
  const o = parseOptions('vllm', VLLM_OPTIONS, spec.options);
  const launcher = o.launcher ?? ['vllm', 'serve'];
  return placed({ command: [...launcher, ...vllmArgs(spec)], env: { ...(o.env ?? {}) }, ready: `GET http://${spec.host}:${spec.port}/health until 200 (connections are refused while the model loads)` }, spec.settings);
}

const API: Record<'chat' | 'raw', OpenAiApi> = { chat: 'chat', raw: 'completions' };
const clientOptions = (o: VllmOptions): OpenAiOptions => ({ model: o.model, api: API[o.prompt ?? 'chat'], sendSeed: o.sendSeed !== false });

/**
 * Figures and where they come from: acceptance from the server-wide counters around each trial,
 * per request only with --per-request-spec-decode-metrics; latencies from the client.
 */
export const VLLM_SOURCES: Readonly<Record<string, MetricSource>> = {
  throughput: 'client', request_throughput: 'client', e2e_ms: 'client', ttft_ms: 'client', tpot_ms: 'derived',
  accept_length_engine: 'engine-counters', draft_accept_rate: 'engine-counters',
  accept_length_pooled: 'derived', accept_length_mean: 'derived',
};

export const vllmEngine: EngineAdapter<VllmOptions> = {
  name: 'vllm',
  // per-request cycles and histograms only with --per-request-spec-decode-metrics; never draft or verify time
  measures: { verifyCycles: false, acceptedHistogram: false, draftTime: false, verifyTime: false },
  sources: VLLM_SOURCES,
  accepts: { methods: offeredMethods(VLLM_METHOD), options: VLLM_OPTIONS, checkDraft: vllmDraftProblem },
  formatPrompt: questionAnswerPrompt,
  plan: vllmPlan,
  requestShape: (req, options) => openAiRequest(req, clientOptions(parseOptions('vllm', VLLM_OPTIONS, options))),
  async launch(spec) {
    const o = parseOptions('vllm', VLLM_OPTIONS, spec.options);
    const p = vllmPlan(spec);
    const proc = startProcess(...programOf('vllm', p), { logFile: spec.logFile, env: o.env });
    const sc = speculativeConfig(spec.draft, o);
    const k = typeof sc?.num_speculative_tokens === 'number' ? sc.num_speculative_tokens : undefined;
    return openAiHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, clientOptions(o), k, { prompt: o.prompt ?? 'chat' });
  },
  attach(url, options, draft, logFile) {
    const o = parseOptions('vllm', VLLM_OPTIONS, options);
    // k only derives V0's draft steps: the server's own setting where its info said it
    const k = draft.method === 'ngram' ? draft.draftedTokens : draft.method === 'vanilla' ? undefined : draft.steps;
    return openAiHandle(url, attachedProcess(), logFile, clientOptions(o), k, { prompt: o.prompt ?? 'chat' });
  },
};
