// The embedded reference engine, launched like any external engine: a separate process
// (`prism-bench serve`) speaking SGLang's protocol on a port of its own.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { entryScript } from '../assets.ts';
import { z } from 'zod';
import { assertLaunchable } from './accepts.ts';
import { parseOptions, programOf } from './options.ts';
import { generateBody, sglangHandle } from './sglang-protocol.ts';
import { placed } from './placement.ts';
import { attachedProcess, startProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import type { EngineAdapter, InputProblem, LaunchPlan, LaunchSpec, MetricSource } from './types.ts';
import { REFERENCE_DRAFT_METHODS, DRAFT_PRECISIONS, DraftConfigError, TARGET_DIR, checkLearnedDraft, isLearnedDraft, maxTreeNodes } from '@prism-bench/reference-engine/contract';
import { describe } from '../suite/errors.ts';
import { intField, mappingError, say, textField, wordField } from '../suite/schema.ts';
import type { Draft, LearnedDraft } from '../suite/types.ts';

/** bin/prism-bench.js of this checkout or install (the bundle: the bundle itself) */
const BIN = entryScript();

const flag = (what: string) => z.boolean({ error: (iss) => say(`expected true or false, got ${describe(iss.input)}`, `set {key} to true to ${what}, or remove it`) });

/** The reference engine's options, as the suite's JSON Schema publishes them. */
export const REFERENCE_OPTIONS = z.strictObject({
  bin: textField('../base/bin/prism-bench.js')
    .refine((f) => existsSync(f) && statSync(f).isFile(), { error: (iss) => say(`${JSON.stringify(iss.input)} is not a file`, "give the path of another checkout's bin/prism-bench.js (relative to where you run prism-bench), or remove bin") })
    .optional().meta({ description: "another checkout's bin/prism-bench.js to launch (how a gate's head runs the build under test)" }),
  model: textField('models/target')
    .refine((d) => existsSync(join(d, 'manifest.json')), { error: (iss) => say(`${JSON.stringify(iss.input)} holds no manifest.json`, 'point model at a target model folder such as models/target, or remove it for the shipped target') })
    .optional().meta({ description: 'target model folder (manifest.json + model.safetensors); default: the shipped target' }),
  threads: intField(1, 1, 256).optional().meta({ description: "the target's onnxruntime intra-op threads (default 1)" }),
  draftPrecision: wordField([...DRAFT_PRECISIONS], 'draft precision').optional().meta({ description: "how learned drafts' weights are read: int8 (default; per-column int8 layers and head, fp32 fusion layers), q8 or q4 (block-quantized, every layer), fp32" }),
  drafts: textField('models/drafts').optional().meta({ description: 'folder of learned drafts (<dir>/<method>/manifest.json); default: the shipped models/drafts' }),
  faultVerifyDelayMs: intField(0, 0, 60_000).optional().meta({ description: 'planted fault: sleep this long in every verify cycle' }),
  faultSlowdownPct: z.number({ error: (iss) => say(`expected a percentage from 0 to 1000, got ${describe(iss.input)}`, 'set faultSlowdownPct to a number such as 3, or remove it') })
    .min(0, { error: (iss) => say(`expected a percentage from 0 to 1000, got ${describe(iss.input)}`, 'set faultSlowdownPct to a number such as 3, or remove it') })
    .max(1000, { error: (iss) => say(`expected a percentage from 0 to 1000, got ${describe(iss.input)}`, 'set faultSlowdownPct to a number such as 3, or remove it') })
    .optional().meta({ description: "planted fault: busy-wait this percentage of each cycle's own time" }),
  faultAcceptWrongToken: flag('plant the fault').optional().meta({ description: 'planted fault: verification accepts one wrong token per request' }),
  faultIgnoreTemperature: flag('plant the fault').optional().meta({ description: 'planted fault: decode greedily whatever the temperature' }),
  faultCrashAfterRequests: intField(0, 0, 1_000_000).optional().meta({ description: 'planted fault: exit when a request arrives after n completed ones' }),
}, { error: mappingError('{threads: 1}') });

/** Suite `options` the reference engine understands (bin: the entry script to launch; faults: see `prism-bench serve --help`). */
export type ReferenceOptions = z.infer<typeof REFERENCE_OPTIONS>;

/** A learned draft's chain length when the suite gives neither steps nor verifiedTokens. */
export const DEFAULT_CHAIN_STEPS = 6;

/**
 * A learned draft's shape on the reference engine, in SGLang's terms so one suite means the same
 * on both engines: `steps` draft steps, `topK` nodes expanded per step (1 = a chain) and
 * `verifiedTokens` tokens verified per cycle, the root included (a chain of s steps verifies s + 1).
 * Returns the nodes drafted per cycle (the root not counted), or what is wrong.
 */
export function learnedDraftShape(d: Pick<LearnedDraft, 'steps' | 'topK' | 'verifiedTokens'>): { steps: number; topK: number; nodes: number } | InputProblem {
  const topK = d.topK ?? 1;
  if (topK === 1) {
    const steps = d.steps ?? (d.verifiedTokens !== undefined ? d.verifiedTokens - 1 : DEFAULT_CHAIN_STEPS);
    if (steps < 1) return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens} leaves no draft token (it counts the root, as SGLang does)`, fix: 'set verifiedTokens to 2 or more, or set steps' };
    if (d.verifiedTokens !== undefined && d.verifiedTokens !== steps + 1) {
      return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens}, but a chain of ${steps} steps verifies ${steps + 1} tokens (the root included, as SGLang counts)`, fix: `set verifiedTokens: ${steps + 1}, or leave it out` };
    }
    return { steps, topK, nodes: steps };
  }
  if (d.steps === undefined || d.verifiedTokens === undefined) return { at: 'draft', problem: `topK ${topK} drafts a tree, which needs its depth and size`, fix: 'set steps (draft steps per cycle) and verifiedTokens (tokens verified per cycle, the root included)' };
  const most = maxTreeNodes(topK, d.steps);
  if (d.verifiedTokens < 2 || d.verifiedTokens - 1 > most) return { at: 'draft.verifiedTokens', problem: `${d.verifiedTokens}, but a tree of ${d.steps} steps expanding ${topK} nodes each drafts 1 to ${most} tokens besides the root`, fix: `set verifiedTokens between 2 and ${most + 1}` };
  return { steps: d.steps, topK, nodes: d.verifiedTokens - 1 };
}

/** The one field of a target model's manifest.json the adapter reads before launch. */
const MANIFEST_CONTEXT = z.object({ config: z.object({ maxContext: z.number() }) });

/** The target's context length, from the manifest of the model folder the options name. */
function referenceContext(options: ReferenceOptions): number | undefined {
  const dir = options.model ?? TARGET_DIR;
  try {
    const m = MANIFEST_CONTEXT.safeParse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    return m.success ? m.data.config.maxContext : undefined;
  } catch {
    return undefined;
  }
}

function referenceDraftProblem(ld: Draft, options: ReferenceOptions): InputProblem | undefined {
  if (ld.method === 'vanilla' || ld.method === 'ngram' || ld.method === 'suffix') return undefined;
  const method = ld.method;
  if (!isLearnedDraft(method)) return undefined;
  if (ld.model !== undefined) return { at: 'draft.model', problem: `the reference engine loads its shipped ${method} draft`, fix: "remove model, or set the engine's options.drafts to another drafts folder" };
  const shape = learnedDraftShape(ld);
  if ('at' in shape) return shape;
  try {
    checkLearnedDraft(method, { draftsDir: options.drafts, stepMap: ld.stepMap, modules: ld.modules });
  } catch (e) {
    if (e instanceof DraftConfigError) {
      // `stepMap[1]: module 2 does not exist ...; fix` names its own field
      const m = /^(stepMap\[\d+\]|stepMap|modules): ([\s\S]*)$/.exec(e.message);
      const text = m ? m[2]! : e.message;
      const cut = text.indexOf(';');
      return {
        at: m ? `draft.${m[1]}` : 'draft',
        problem: cut < 0 ? text : text.slice(0, cut),
        fix: cut < 0 ? "check the draft's weights (the engine's options.drafts) and its stepMap and modules" : text.slice(cut + 1).trim(),
      };
    }
    throw e;
  }
  return undefined;
}

export function referenceArgs(spec: LaunchSpec): string[] {
  assertLaunchable(referenceEngine, spec.options, spec.draft, spec.settings);
  const o = parseOptions('reference', REFERENCE_OPTIONS, spec.options);
  const d = spec.draft;
  const args = ['serve', '--draft', d.method, '--host', spec.host, '--port', String(spec.port)];
  if (d.method === 'ngram') args.push('--drafted-tokens', String(d.draftedTokens), '--ngram-min', String(d.ngramMin), '--ngram-max', String(d.ngramMax));
  if (d.method === 'suffix') {
    // left-out fields are the engine's defaults (SUFFIX_DEFAULTS)
    const flags: [string, number | undefined][] = [['--drafted-tokens', d.draftedTokens], ['--suffix-max-tree-depth', d.suffixMaxTreeDepth],
      ['--suffix-max-cached-requests', d.suffixMaxCachedRequests], ['--suffix-max-spec-factor', d.suffixMaxSpecFactor], ['--suffix-min-token-prob', d.suffixMinTokenProb]];
    for (const [flag, v] of flags) if (v !== undefined) args.push(flag, String(v));
  }
  if (d.method !== 'vanilla' && d.method !== 'ngram' && d.method !== 'suffix' && isLearnedDraft(d.method)) {
    const ld = d;
    const shape = learnedDraftShape(ld);
    if ('at' in shape) throw new Error(`reference engine: draft '${d.name}': ${shape.problem}`); // checked before launch
    args.push('--steps', String(shape.steps), '--topk', String(shape.topK), '--drafted-tokens', String(shape.nodes));
    if (ld.modules !== undefined) args.push('--modules', String(ld.modules));
    if (ld.stepMap !== undefined) args.push('--step-map', ld.stepMap.join(','));
    if (o.draftPrecision) args.push('--draft-precision', o.draftPrecision);
    if (o.drafts) args.push('--drafts-dir', o.drafts);
  }
  if (o.model) args.push('--model', String(o.model));
  if (o.threads) args.push('--threads', String(o.threads));
  if (o.faultVerifyDelayMs) args.push('--fault-verify-delay-ms', String(o.faultVerifyDelayMs));
  if (o.faultSlowdownPct) args.push('--fault-slowdown-pct', String(o.faultSlowdownPct));
  if (o.faultAcceptWrongToken) args.push('--fault-accept-wrong-token');
  if (o.faultIgnoreTemperature) args.push('--fault-ignore-temperature');
  if (o.faultCrashAfterRequests) args.push('--fault-crash-after-requests', String(o.faultCrashAfterRequests));
  return args;
}

/** The reference engine reports every speculative figure per request (meta_info); latencies are client-side. */
export const REFERENCE_SOURCES: Readonly<Record<string, MetricSource>> = {
  throughput: 'client', request_throughput: 'client', e2e_ms: 'client', ttft_ms: 'client', tpot_ms: 'derived',
  accept_length_pooled: 'derived', accept_length_mean: 'derived', draft_accept_rate: 'derived',
  draft_ms_per_step: 'engine', verify_ms_per_cycle: 'engine',
};

export function referencePlan(spec: LaunchSpec): LaunchPlan {
  return placed({ command: [process.execPath, parseOptions('reference', REFERENCE_OPTIONS, spec.options).bin ?? BIN, ...referenceArgs(spec)], env: {}, ready: `GET http://${spec.host}:${spec.port}/health until 200` }, spec.settings);
}

export const referenceEngine: EngineAdapter<ReferenceOptions> = {
  name: 'reference',
  measures: { verifyCycles: true, acceptedHistogram: true, draftTime: true, verifyTime: true },
  sources: REFERENCE_SOURCES,
  // the engine's own list: a method it gains shows up here and in `prism-bench methods`
  accepts: {
    methods: REFERENCE_DRAFT_METHODS, names: Object.fromEntries(REFERENCE_DRAFT_METHODS.map((m) => [m, `--draft ${m}`])),
    options: REFERENCE_OPTIONS, contextTokens: referenceContext, checkDraft: referenceDraftProblem,
  },
  formatPrompt: questionAnswerPrompt,
  plan: referencePlan,
  requestShape: (req) => ({ method: 'POST', path: '/generate', body: generateBody(req, true) }),
  async launch(spec) {
    const p = referencePlan(spec);
    const proc = startProcess(...programOf('reference', p), { logFile: spec.logFile });
    return sglangHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, true);
  },
  attach: (url, _options, _draft, logFile) => sglangHandle(url, attachedProcess(), logFile, true),
};
