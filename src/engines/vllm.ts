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
import { startProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { EngineError, type EngineAdapter, type InputProblem, type LaunchPlan, type LaunchSpec, type MetricSource } from './types.ts';
import { describe } from '../suite/errors.ts';
import { mappingError, say, textField, wordField } from '../suite/schema.ts';
import type { Draft, DraftMethod, LearnedDraft } from '../suite/types.ts';

/** Suite `options` for the vllm engine. */
export interface VllmOptions {
  /** the target model: `vllm serve MODEL` (required), also the `model` field of every request */
  model?: string;
  /** the speculative config's model for learned drafts that name none */
  draftModel?: string;
  /** command that starts the server, MODEL and flags appended (default: vllm serve) */
  launcher?: string[];
  /** extra launch arguments appended verbatim (e.g. ["--dtype", "bfloat16"]) */
  extraArgs?: string[];
  /** environment for the server process (e.g. CUDA_VISIBLE_DEVICES) */
  env?: Record<string, string>;
  /**
   * chat (default): /v1/chat/completions, the server applies the target's chat template, later
   * turns carry the model's own earlier answers (as EAGLE, Spec-Bench and the PRISM artifact send
   * prompts); raw: /v1/completions with the harness's plain Question/Answer transcript
   */
  prompt?: 'chat' | 'raw';
  /** send each request's seed (default true) */
  sendSeed?: boolean;
  /** --per-request-spec-decode-metrics: per-request acceptance on each response (recent builds only) */
  perRequestMetrics?: 'summary' | 'detailed';
}

/** vLLM's speculative method for each suite draft method (HASS drafts are EAGLE-format heads). */
export const VLLM_METHOD: Partial<Record<DraftMethod, string>> = {
  ngram: 'ngram', standalone: 'draft_model', medusa: 'medusa', eagle: 'eagle', hass: 'eagle', eagle3: 'eagle3', mtp: 'mtp',
};

const stringList = (example: string) => z.array(textField('--flag'), {
  error: (iss) => say(`expected a list of strings, got ${describe(iss.input)}`, `write {key} as a list, such as ${example}`),
});

/** The vllm engine's options, as the suite's JSON Schema publishes them. */
export const VLLM_OPTIONS = z.strictObject({
  model: z.string({ error: (iss) => (iss.input === undefined ? say('missing', 'add model: the target model vLLM should serve (vllm serve MODEL)') : say(`expected a non-empty string, got ${describe(iss.input)}`, 'set model to the target model, such as meta-llama/Llama-3.1-8B-Instruct')) })
    .min(1, { error: () => say('expected a non-empty string, got ""', 'set model to the target model, such as meta-llama/Llama-3.1-8B-Instruct') })
    .meta({ description: 'the target model: vllm serve MODEL' }),
  draftModel: textField('yuhuili/EAGLE3-LLaMA3.1-Instruct-8B').optional().meta({ description: "the speculative config's model for learned drafts without their own" }),
  launcher: stringList('["vllm", "serve"]').min(1, { error: () => say('expected at least one string, got an empty list', 'give the command, such as ["vllm", "serve"], or remove launcher') }).optional()
    .meta({ description: 'command that starts the server, the model and vLLM flags appended (default vllm serve). It runs as given: a suite is trusted input' }),
  extraArgs: stringList('["--dtype", "bfloat16"]').optional().meta({ description: 'extra launch arguments appended verbatim' }),
  env: z.record(z.string(), z.string({ error: (iss) => say(`expected a string, got ${describe(iss.input)}`, 'quote the value, such as "0"') }), { error: mappingError('{CUDA_VISIBLE_DEVICES: "0"}') }).optional()
    .meta({ description: 'environment for the server process' }),
  prompt: wordField(['chat', 'raw'], 'prompt format').optional().meta({ description: "chat (default): /v1/chat/completions, the server applies the target's chat template, turn by turn with the model's own answers; raw: /v1/completions with the harness's Question/Answer transcript" }),
  sendSeed: z.boolean({ error: (iss) => say(`expected true or false, got ${describe(iss.input)}`, 'set sendSeed to true or false') }).optional()
    .meta({ description: 'send each request\'s seed (default true)' }),
  perRequestMetrics: wordField(['summary', 'detailed'], 'level').optional()
    .meta({ description: '--per-request-spec-decode-metrics: acceptance per request on each response (recent vLLM builds only)' }),
}, { error: mappingError('{model: meta-llama/Llama-3.1-8B-Instruct}') });

/** Tokens drafted per step for a learned draft: steps, or draftTokens less the root (the suite counts it, as SGLang does). */
function speculativeTokens(d: LearnedDraft): number | undefined | InputProblem {
  if (d.topK !== undefined && d.topK !== 1) return { at: 'draft.topK', problem: `${d.topK}: vLLM drafts a chain here, one token per step`, fix: 'set topK: 1 or leave it out' };
  if (d.steps !== undefined && d.draftTokens !== undefined && d.draftTokens !== d.steps + 1) {
    return { at: 'draft.draftTokens', problem: `${d.draftTokens}, but a chain of ${d.steps} steps verifies ${d.steps + 1} tokens (the root included)`, fix: `set draftTokens: ${d.steps + 1}, or leave it out` };
  }
  if (d.draftTokens !== undefined && d.draftTokens < 2) return { at: 'draft.draftTokens', problem: `${d.draftTokens} leaves no draft token (it counts the root)`, fix: 'set draftTokens to 2 or more, or set steps' };
  return d.steps ?? (d.draftTokens !== undefined ? d.draftTokens - 1 : undefined);
}

function vllmDraftProblem(d: Draft, options: Record<string, unknown>): InputProblem | undefined {
  if (d.method === 'vanilla' || d.method === 'ngram') return undefined;
  const ld = d as LearnedDraft;
  const k = speculativeTokens(ld);
  if (typeof k === 'object') return k;
  // mtp reads the target's own layers; every other learned method needs weights
  if (d.method !== 'mtp' && !ld.model && !(options as VllmOptions).draftModel) {
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
    return { method, num_speculative_tokens: d.draftTokens, prompt_lookup_max: d.ngramMax, prompt_lookup_min: d.ngramMin };
  }
  const ld = d as LearnedDraft;
  const k = speculativeTokens(ld);
  if (typeof k === 'object') throw new EngineError(`engine vllm: draft '${d.name}': ${k.problem} -- ${k.fix}`);
  const model = ld.model ?? o.draftModel;
  return { method, ...(model ? { model } : {}), ...(k !== undefined ? { num_speculative_tokens: k } : {}) };
}

export function vllmArgs(spec: LaunchSpec): string[] {
  assertLaunchable(vllmEngine, spec.options, spec.draft, spec.settings);
  const o = spec.options as VllmOptions;
  if (!o.model) throw new EngineError('engine vllm: options.model is required (the target model vLLM should serve)');
  // no --disable-log-stats: the spec-decode counters are only kept with stats logging on
  const args = [o.model, '--host', spec.host, '--port', String(spec.port)];
  const sc = speculativeConfig(spec.draft, o);
  if (sc) args.push('--speculative-config', JSON.stringify(sc));
  if (sc && o.perRequestMetrics) args.push('--per-request-spec-decode-metrics', o.perRequestMetrics);
  args.push(...(o.extraArgs ?? []));
  return args;
}

export function vllmPlan(spec: LaunchSpec): LaunchPlan {
  const o = spec.options as VllmOptions;
  const launcher = o.launcher ?? ['vllm', 'serve'];
  return placed({ command: [...launcher, ...vllmArgs(spec)], env: { ...(o.env ?? {}) }, ready: `GET http://${spec.host}:${spec.port}/health until 200 (connections are refused while the model loads)` }, spec.settings);
}

const API: Record<'chat' | 'raw', OpenAiApi> = { chat: 'chat', raw: 'completions' };
const clientOptions = (o: VllmOptions): OpenAiOptions => ({ model: o.model ?? '', api: API[o.prompt ?? 'chat'], sendSeed: o.sendSeed !== false });

/**
 * Figures and where they come from: acceptance from the server-wide counters around each trial,
 * per request only with --per-request-spec-decode-metrics; latencies from the client.
 */
export const VLLM_SOURCES: Readonly<Record<string, MetricSource>> = {
  throughput: 'client', request_throughput: 'client', e2e_ms: 'client', ttft_ms: 'client', tpot_ms: 'derived',
  accept_length_engine: 'engine-counters', draft_accept_rate: 'engine-counters',
  accept_length_pooled: 'derived', accept_length_mean: 'derived',
};

export const vllmEngine: EngineAdapter = {
  name: 'vllm',
  // per-request cycles and histograms only with --per-request-spec-decode-metrics; never draft or verify time
  measures: { verifyCycles: false, acceptedHistogram: false, draftTime: false, verifyTime: false },
  sources: VLLM_SOURCES,
  accepts: { methods: ['vanilla', ...Object.keys(VLLM_METHOD)] as DraftMethod[], options: VLLM_OPTIONS, checkDraft: vllmDraftProblem },
  formatPrompt: questionAnswerPrompt,
  plan: vllmPlan,
  requestShape: (req, options) => openAiRequest(req, clientOptions(options as VllmOptions)),
  async launch(spec) {
    const o = spec.options as VllmOptions;
    const p = vllmPlan(spec);
    const proc = startProcess(p.command[0] as string, p.command.slice(1), { logFile: spec.logFile, env: o.env });
    const sc = speculativeConfig(spec.draft, o);
    const k = typeof sc?.num_speculative_tokens === 'number' ? sc.num_speculative_tokens : undefined;
    return openAiHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, clientOptions(o), k, { prompt: o.prompt ?? 'chat' });
  },
};
