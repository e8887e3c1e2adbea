// A server the harness attaches to instead of launching (run --base-url URL --engine-kind K): an
// adapter per kind whose launch() starts nothing and whose handle is the kind's own protocol
// client (its adapter's attach()), so requests, acceptance sources and counters are exactly the
// launched engine's. The runner needs no other path: leases, trials, counters and the dry run
// see one more engine, whose process is somebody else's (never waited on, signalled or stopped).
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { openAiHandle, openAiRequest, type OpenAiOptions } from './openai-protocol.ts';
import { attachedProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { referenceEngine } from './reference.ts';
import { sglangEngine } from './sglang.ts';
import { trtllmEngine } from './trtllm.ts';
import { vllmEngine } from './vllm.ts';
import { parseOptions, promptOption, sendSeedOption } from './options.ts';
import { EngineError, type EngineAdapter, type EngineHandle, type LaunchPlan, type MetricSource } from './types.ts';
import { mappingError, textField, wordField } from '../suite/schema.ts';
import { DRAFT_METHODS, ENDPOINT_KINDS, type Draft, type EndpointEngineName, type EndpointKind } from '../suite/types.ts';

/** The options of an attached engine (written by run --base-url, not by hand). */
export const ENDPOINT_OPTIONS = z.strictObject({
  baseUrl: textField('http://127.0.0.1:30000').meta({ description: 'the running server' }),
  kind: wordField(ENDPOINT_KINDS, 'engine kind').meta({ description: 'the protocol it speaks' }),
  model: textField('meta-llama/Llama-3.1-8B-Instruct').optional().meta({ description: "the model requests name (the server's own, from its info endpoints)" }),
  prompt: promptOption('chat or raw, as for the launched adapter of the kind'),
  chatTemplate: textField('templates/llama3.jinja').optional().meta({ description: 'sglang kind: the chat template file, as for the launched sglang adapter' }),
  sendSeed: sendSeedOption("send each request's seed, as for the launched adapter of the kind"),
}, { error: mappingError('{baseUrl: http://127.0.0.1:30000, kind: sglang}') });

export type EndpointOptions = z.infer<typeof ENDPOINT_OPTIONS>;

/** The launched adapter whose protocol each kind reuses (openai: vLLM's requests without its extensions' counters). */
const KIND_ADAPTER: Record<Exclude<EndpointKind, 'openai'>, EngineAdapter> = {
  reference: referenceEngine, sglang: sglangEngine, vllm: vllmEngine, trtllm: trtllmEngine,
};

/** A plain OpenAI-compatible server: only what the client measures (no acceptance figures at all). */
const OPENAI_SOURCES: Readonly<Record<string, MetricSource>> = {
  throughput: 'client', request_throughput: 'client', e2e_ms: 'client', ttft_ms: 'client', tpot_ms: 'derived',
};

export const endpointEngineName = (kind: EndpointKind): EndpointEngineName => `endpoint:${kind}`;

/** The kind adapter's options, as far as its requests need them. */
export function kindOptions(o: EndpointOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.kind === 'reference') return out;
  // the model is required by the kind's schema; the server's own name for it was learned on attach
  out.model = o.model ?? 'default';
  if (o.prompt !== undefined) out.prompt = o.prompt;
  if (o.sendSeed !== undefined) out.sendSeed = o.sendSeed;
  if (o.kind === 'sglang' && o.chatTemplate !== undefined) out.chatTemplate = o.chatTemplate;
  return out;
}

// a generic server may refuse vLLM's return_token_ids: texts are compared instead (outcomeHash)
const openAiOptions = (o: EndpointOptions): OpenAiOptions => ({ model: o.model ?? 'default', api: (o.prompt ?? 'chat') === 'chat' ? 'chat' : 'completions', sendSeed: o.sendSeed !== false, returnTokenIds: false });

function openAiAttach(url: string, o: EndpointOptions, logFile: string): EngineHandle {
  // no speculative counters: a /metrics of unknown shape must not fail the trials
  return { ...openAiHandle(url, attachedProcess(), logFile, openAiOptions(o), undefined, { prompt: o.prompt ?? 'chat' }), counters: undefined };
}

const trimmed = (url: string) => url.replace(/\/+$/, '');

export function endpointPlan(o: EndpointOptions): LaunchPlan {
  const url = trimmed(o.baseUrl);
  return { command: [], env: {}, ready: `GET ${url}/health until 200 (a server the harness attaches to: nothing is launched or stopped)`, attach: url };
}

/** The adapter of servers of one kind that the harness attaches to. */
export function endpointAdapter(kind: EndpointKind): EngineAdapter<EndpointOptions> {
  const base = kind === 'openai' ? undefined : KIND_ADAPTER[kind];
  const parse = (options: unknown) => parseOptions(endpointEngineName(kind), ENDPOINT_OPTIONS, options);
  return {
    name: endpointEngineName(kind),
    measures: base?.measures ?? { verifyCycles: false, acceptedHistogram: false, draftTime: false, verifyTime: false },
    sources: base?.sources ?? OPENAI_SOURCES,
    // the server runs whatever it runs: the draft is checked against what it reports when attaching
    accepts: { methods: DRAFT_METHODS, options: ENDPOINT_OPTIONS },
    formatPrompt: (turns, answers) => (base ? base.formatPrompt(turns, answers) : questionAnswerPrompt(turns, answers)),
    plan: (spec) => endpointPlan(parse(spec.options)),
    requestShape: (req, options) => {
      const o = parse(options);
      return base ? base.requestShape(req, kindOptions(o)) : openAiRequest(req, openAiOptions(o));
    },
    async launch(spec) {
      const o = parse(spec.options);
      const url = trimmed(o.baseUrl);
      // the run directory's log names what was attached (the server's own log is its operator's)
      mkdirSync(dirname(spec.logFile), { recursive: true });
      appendFileSync(spec.logFile, `${new Date().toISOString()} attached to ${url} (kind ${kind}, draft ${spec.draft.name}): nothing launched; the server's own log is wherever its operator put it\n`);
      const h = base ? attachHandle(base, url, kindOptions(o), spec.draft, spec.logFile) : openAiAttach(url, o, spec.logFile);
      return {
        ...h,
        attached: true,
        async describe() {
          const d = await h.describe();
          return { version: d.version, info: { attached: { baseUrl: url, kind }, ...(typeof d.info === 'object' && d.info !== null ? d.info : { info: d.info }) } };
        },
      };
    },
  };
}

function attachHandle(base: EngineAdapter, url: string, options: Record<string, unknown>, draft: Draft, logFile: string): EngineHandle {
  if (!base.attach) throw new EngineError(`engine ${base.name}: cannot attach to a running server`);
  return base.attach(url, options, draft, logFile);
}

/** Every kind's attach adapter, by engine name (for the registry). */
export const ENDPOINT_ADAPTERS: Readonly<Record<EndpointEngineName, EngineAdapter>> = Object.fromEntries(
  ENDPOINT_KINDS.map((k) => [endpointEngineName(k), endpointAdapter(k)]),
) as Record<EndpointEngineName, EngineAdapter>; // why: fromEntries loses the key type; the keys are exactly endpointEngineName of every kind
