// SGLang, launched as `python -m sglang.launch_server` with its own speculative flags (see
// ../shared/notes/field-facts.md). The same protocol client as the reference engine reads it.
import { placed } from './placement.ts';
import { attachedProcess, startProcess, type EngineProcess } from './process.ts';
import { generateBody, sglangHandle } from './sglang-protocol.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { z } from 'zod';
import { assertLaunchable } from './accepts.ts';
import { EngineError, type EngineAdapter, type GenerateRequest, type InputProblem, type LaunchPlan, type LaunchSpec, type MetricSource } from './types.ts';
import { mappingError, textField, wordField } from '../suite/schema.ts';
import { draftModelOption, envOption, extraArgsOption, firstLine, HOST_PORT, SPECULATION_FIX, launcherOption, parseOptions, programOf, promptOption, sendSeedOption, targetModelOption } from './options.ts';
import { ChatTemplateError, loadChatTemplate, renderChat, type ChatTemplate } from './chat-template.ts';
import { DRAFT_METHODS, type Draft } from '../suite/types.ts';

// SGLang has no Medusa: its SpeculativeAlgorithm names EAGLE, EAGLE3, STANDALONE and NGRAM
const ALGORITHM: Record<string, string> = {
  ngram: 'NGRAM', standalone: 'STANDALONE', eagle: 'EAGLE', hass: 'EAGLE', hass2: 'EAGLE', eagle3: 'EAGLE3',
  // the PRISM artifact's SGLang fork registers PRISM as LD
  prism: 'LD',
};

/** The sglang engine's options, as the suite's JSON Schema publishes them. */
export const SGLANG_OPTIONS = z.strictObject({
  model: targetModelOption('SGLang', 'load (its --model-path)', 'meta-llama/Meta-Llama-3-8B-Instruct', '--model-path: the target model'),
  draftModel: draftModelOption('/models/EAGLE3-LLaMA3-8B', '--speculative-draft-model-path for learned drafts without their own model'),
  launcher: launcherOption(['python3', '-m', 'sglang.launch_server'], 'command that starts the server, SGLang\'s flags appended (default python3 -m sglang.launch_server). It runs as given: a suite is trusted input'),
  extraArgs: extraArgsOption('["--dtype", "bfloat16"]', [
    ...['--model-path', '--model'].map((flag) => ({ flag, fix: 'set the engine\'s options.model instead' })),
    ...HOST_PORT,
    { flag: '--speculative-', prefix: true, fix: SPECULATION_FIX },
  ]),
  preset: wordField(['prism-ae'], 'launch preset').optional().meta({ description: "launch as a known harness launches SGLang: prism-ae adds the PRISM artifact's end-to-end flags (--dtype bfloat16 --cuda-graph-max-bs 1 --max-running-requests 1) to every cell, vanilla included" }),
  sendSeed: sendSeedOption('send sampling_seed with each request (needs --enable-deterministic-inference or a recent build)'),
  env: envOption(),
  prompt: promptOption("chat (default): the harness renders the target's chat template (the model's tokenizer_config.json or chat_template.jinja, or chatTemplate) over the conversation, turn by turn with the model's own answers; raw: the harness's Question/Answer transcript"),
  chatTemplate: textField('templates/llama3.jinja').optional().meta({ description: 'chat template file (.jinja, or a JSON file with chat_template), relative to the working directory; needed when model is a hub id with no local files' }),
}, { error: mappingError('{model: meta-llama/Meta-Llama-3-8B-Instruct}') });

/** Suite `options` for the sglang engine (model: --model-path; draftModel: --speculative-draft-model-path). */
export type SglangOptions = z.infer<typeof SGLANG_OPTIONS>;

const chatMode = (o: SglangOptions) => (o.prompt ?? 'chat') === 'chat';

// requestShape runs per cell in a dry run: read each template once
const templates = new Map<string, ChatTemplate>();
function chatTemplateOf(o: SglangOptions): ChatTemplate {
  const key = JSON.stringify([o.model, o.chatTemplate]);
  let t = templates.get(key);
  if (!t) templates.set(key, (t = loadChatTemplate(o)));
  return t;
}

/** A template that cannot be found, read or rendered, as a problem naming the option and the fix (before anything launches). */
function sglangOptionsProblem(o: SglangOptions): InputProblem | undefined {
  if (!chatMode(o)) return undefined;
  let t: ChatTemplate;
  try { t = loadChatTemplate(o); } catch (e) {
    if (e instanceof ChatTemplateError) return { at: `options.${e.at}`, problem: e.problem, fix: e.fix };
    throw e;
  }
  // a two-turn conversation: templates that reject a role order or a field say so now, not mid-run
  try { renderChat(t, ['Hello?', 'And then?'], ['Hi.']); } catch (e) {
    return { at: `options.${o.chatTemplate ? 'chatTemplate' : 'model'}`, problem: `${t.source}: the template fails on a two-turn conversation (${firstLine(e)})`, fix: 'fix the template, or set options.prompt: raw' };
  }
  return undefined;
}

/** The text /generate gets: the rendered chat template, or the harness's transcript for raw prompts. */
export function sglangPromptText(req: GenerateRequest, o: SglangOptions): string {
  if (!chatMode(o)) return req.text;
  if (!req.conversation) throw new EngineError('engine sglang: a chat prompt needs the request\'s conversation (turns and earlier answers)');
  const t = chatTemplateOf(o);
  try { return renderChat(t, req.conversation.turns, req.conversation.answers); } catch (e) {
    throw new EngineError(`engine sglang: ${t.source}: rendering the chat template failed (${firstLine(e)}) -- fix the template, or set options.prompt: raw`);
  }
}

function sglangDraftProblem(ld: Draft, o: SglangOptions): InputProblem | undefined {
  if (ld.method === 'vanilla' || ld.method === 'ngram') return undefined;
  if (!ld.model && !o.draftModel) {
    return { at: 'draft', problem: `a ${ld.method} draft needs a draft model on SGLang`, fix: "set model: on the draft, or the engine's options.draftModel" };
  }
  const set = [ld.steps, ld.topK, ld.verifiedTokens].filter((v) => v !== undefined).length;
  if (set !== 0 && set !== 3) return { at: 'draft', problem: 'SGLang takes steps, topK and verifiedTokens together', fix: 'set all three, or none of them' };
  return undefined;
}

export function sglangArgs(spec: LaunchSpec): string[] {
  assertLaunchable(sglangEngine, spec.options, spec.draft);
  const o = parseOptions('sglang', SGLANG_OPTIONS, spec.options);
  const args = ['--model-path', o.model, '--host', spec.host, '--port', String(spec.port)];
  const d = spec.draft;
  if (d.method !== 'vanilla') {
    const algo = ALGORITHM[d.method];
    if (!algo) throw new EngineError(`engine sglang: draft method '${d.method}' has no SGLang algorithm`);
    args.push('--speculative-algorithm', algo);
    if (d.method === 'ngram') {
      // SGLang counts the root token among the draft tokens
      args.push('--speculative-num-draft-tokens', String(d.draftedTokens + 1),
        '--speculative-ngram-min-match-window-size', String(d.ngramMin), '--speculative-ngram-max-match-window-size', String(d.ngramMax));
    } else {
      const model = d.model ?? o.draftModel;
      if (!model) throw new EngineError(`engine sglang: draft '${d.name}' needs a draft model: set model on the draft or options.draftModel`);
      args.push('--speculative-draft-model-path', model);
      // SGLang wants all three tuning flags or none
      if (d.steps !== undefined || d.topK !== undefined || d.verifiedTokens !== undefined) {
        if (d.steps === undefined || d.topK === undefined || d.verifiedTokens === undefined) {
          throw new EngineError(`engine sglang: draft '${d.name}': set steps, topK and verifiedTokens together, or none of them`);
        }
        args.push('--speculative-num-steps', String(d.steps), '--speculative-eagle-topk', String(d.topK), '--speculative-num-draft-tokens', String(d.verifiedTokens));
      }
    }
  }
  args.push(...(o.preset ? PRESET_ARGS[o.preset] : []), ...(o.extraArgs ?? []));
  return args;
}

/**
 * How the PRISM artifact launched its SGLang fork for its end-to-end table (field-facts): the same
 * command for every method, vanilla being it without the speculative flags; with the suite's tree
 * settings (steps 6, topK 4, verifiedTokens 16) and method prism (LD) the line is the artifact's.
 */
const PRESET_ARGS: Record<NonNullable<SglangOptions['preset']>, string[]> = {
  'prism-ae': ['--dtype', 'bfloat16', '--cuda-graph-max-bs', '1', '--max-running-requests', '1'],
};

/** Which figures SGLang reports per request (meta_info) and which the harness measures or derives. */
export const SGLANG_SOURCES: Readonly<Record<string, MetricSource>> = {
  throughput: 'client', request_throughput: 'client', e2e_ms: 'client', ttft_ms: 'client', tpot_ms: 'derived',
  accept_length_pooled: 'derived', accept_length_mean: 'derived', draft_accept_rate: 'derived',
};

export function sglangPlan(spec: LaunchSpec): LaunchPlan {
  const o = parseOptions('sglang', SGLANG_OPTIONS, spec.options);
  const launcher = o.launcher ?? ['python3', '-m', 'sglang.launch_server'];
  return placed({ command: [...launcher, ...sglangArgs(spec)], env: { ...(o.env ?? {}) }, ready: `GET http://${spec.host}:${spec.port}/health until 200` }, spec.settings);
}

export const sglangEngine: EngineAdapter<SglangOptions> = {
  name: 'sglang',
  // per-request histograms exist in newer builds only; draft/verify time never
  measures: { verifyCycles: true, acceptedHistogram: false, draftTime: false, verifyTime: false },
  sources: SGLANG_SOURCES,
  accepts: {
    methods: DRAFT_METHODS.filter((m) => m === 'vanilla' || ALGORITHM[m] !== undefined), options: SGLANG_OPTIONS,
    checkOptions: sglangOptionsProblem, checkDraft: sglangDraftProblem,
  },
  // the raw transcript; chat prompts are rendered from the request's conversation on the way out
  formatPrompt: questionAnswerPrompt,
  plan: sglangPlan,
  requestShape: (req, options) => {
    const o = parseOptions('sglang', SGLANG_OPTIONS, options);
    return { method: 'POST', path: '/generate', body: generateBody({ ...req, text: sglangPromptText(req, o) }, o.sendSeed === true) };
  },
  dryRunOptions: (options) => {
    const parsed = SGLANG_OPTIONS.safeParse(options);
    if (!parsed.success || !chatMode(parsed.data) || parsed.data.chatTemplate) return undefined;
    try { chatTemplateOf(parsed.data); } catch (e) {
      // only a model wholly absent here: a template that exists but is broken is still an error
      if (!(e instanceof ChatTemplateError && e.notLocal)) return undefined;
      return {
        options: { ...options, prompt: 'raw' },
        note: `${parsed.data.model} has no local files, so its chat template is not available here: the first request is shown raw (the Question/Answer transcript); a run on a machine with the model renders the template`,
      };
    }
    return undefined;
  },
  async launch(spec) {
    const o = parseOptions('sglang', SGLANG_OPTIONS, spec.options);
    const p = sglangPlan(spec); // checks the options, the template included, before the process starts
    const proc = startProcess(...programOf('sglang', p), { logFile: spec.logFile, env: o.env });
    return sglangEngineHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, o);
  },
  attach: (url, options, _draft, logFile) => sglangEngineHandle(url, attachedProcess(), logFile, parseOptions('sglang', SGLANG_OPTIONS, options)),
};

/** The protocol handle with this adapter's prompts (the chat template rendered on the way out), launched or attached. */
function sglangEngineHandle(url: string, proc: EngineProcess, logFile: string, o: SglangOptions) {
  const prompt = o.prompt ?? 'chat';
  const info = { prompt, ...(prompt === 'chat' ? { chatTemplate: chatTemplateOf(o).source } : {}) };
  return sglangHandle(url, proc, logFile, o.sendSeed === true, { prepare: (req) => ({ ...req, text: sglangPromptText(req, o) }), info });
}
