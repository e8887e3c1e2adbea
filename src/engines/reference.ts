// The embedded reference engine, launched like any external engine: a separate process
// (`prism-bench serve`) speaking SGLang's protocol on a port of its own.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sglangHandle } from './sglang-protocol.ts';
import { startProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { EngineError, type EngineAdapter, type LaunchSpec } from './types.ts';
import { REFERENCE_DRAFT_METHODS, checkLearnedDraft, isLearnedDraft } from '../reference/drafts/index.ts';
import { DRAFT_PRECISIONS, DraftConfigError, type DraftPrecision } from '../reference/drafts/learned.ts';
import type { LearnedDraft } from '../suite/types.ts';

const BIN = fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url));

/** Suite `options` the reference engine understands. */
export interface ReferenceOptions {
  /** the prism-bench entry script to launch (default: this checkout's bin/prism-bench.js); point a gate's head at the build under test */
  bin?: string;
  model?: string;
  threads?: number;
  /** learned drafts' weights as read per step: int8 (default) or fp32 */
  draftPrecision?: DraftPrecision;
  /** folder holding <method>/manifest.json for learned drafts (default: the shipped models/drafts) */
  drafts?: string;
  /** planted faults (see `prism-bench serve --help`); off unless a suite sets them */
  faultVerifyDelayMs?: number;
  /** busy-waits this percentage of each cycle's own time: a proportional slowdown for gate power runs */
  faultSlowdownPct?: number;
  faultAcceptWrongToken?: boolean;
  faultIgnoreTemperature?: boolean;
  faultCrashAfterRequests?: number;
}

const KNOWN = ['bin', 'model', 'threads', 'draftPrecision', 'drafts', 'faultVerifyDelayMs', 'faultSlowdownPct', 'faultAcceptWrongToken', 'faultIgnoreTemperature', 'faultCrashAfterRequests'];

/** Chain drafting: the learned draft's steps per cycle (draftTokens, or SGLang's steps with topK 1). */
export const DEFAULT_CHAIN_STEPS = 6;
function chainSteps(d: LearnedDraft): number {
  if (d.topK !== undefined && d.topK !== 1) throw new EngineError(`drafts '${d.name}'.topK: ${d.topK}, but the reference engine drafts chains; set topK: 1 or leave it out`);
  if (d.steps !== undefined && d.draftTokens !== undefined && d.steps !== d.draftTokens) {
    throw new EngineError(`drafts '${d.name}': steps ${d.steps} and draftTokens ${d.draftTokens} differ, but a chain drafts one token per step; set one of them`);
  }
  return d.draftTokens ?? d.steps ?? DEFAULT_CHAIN_STEPS;
}

export function checkReference(spec: Pick<LaunchSpec, 'draft' | 'options'>): void {
  const o = spec.options as ReferenceOptions;
  for (const k of Object.keys(spec.options)) {
    if (!KNOWN.includes(k)) throw new EngineError(`engine reference: options.${k} is not an option of the reference engine; known: ${KNOWN.join(', ')}`);
  }
  if (o.draftPrecision !== undefined && !(DRAFT_PRECISIONS as readonly unknown[]).includes(o.draftPrecision)) throw new EngineError(`engine reference: options.draftPrecision must be one of ${DRAFT_PRECISIONS.join(', ')}, got ${JSON.stringify(o.draftPrecision)}`);
  if (o.bin !== undefined && (typeof o.bin !== 'string' || !existsSync(o.bin))) {
    throw new EngineError(`engine reference: options.bin: ${JSON.stringify(o.bin)} is not a file; give the path of another checkout's bin/prism-bench.js (relative to where you run prism-bench), or remove bin`);
  }
  if (o.faultSlowdownPct !== undefined && !(typeof o.faultSlowdownPct === 'number' && o.faultSlowdownPct >= 0 && o.faultSlowdownPct <= 1000)) {
    throw new EngineError(`engine reference: options.faultSlowdownPct must be a percentage from 0 to 1000, got ${JSON.stringify(o.faultSlowdownPct)}`);
  }
  const d = spec.draft;
  if (!(REFERENCE_DRAFT_METHODS as readonly string[]).includes(d.method)) {
    throw new EngineError(`drafts '${d.name}'.method: '${d.method}' is not offered by the reference engine; use one of ${REFERENCE_DRAFT_METHODS.join(', ')}`);
  }
  if (isLearnedDraft(d.method)) {
    const ld = d as LearnedDraft;
    if (ld.model !== undefined) throw new EngineError(`drafts '${d.name}'.model: the reference engine loads its shipped ${d.method} draft; remove model, or set the engine's options.drafts to another drafts folder`);
    chainSteps(ld);
    try {
      checkLearnedDraft(d.method, { draftsDir: o.drafts, stepMap: ld.stepMap, modules: ld.modules });
    } catch (e) {
      if (e instanceof DraftConfigError) throw new EngineError(`drafts '${d.name}': ${e.message}`);
      throw e;
    }
  }
}

export function referenceArgs(spec: LaunchSpec): string[] {
  checkReference(spec);
  const o = spec.options as ReferenceOptions;
  const d = spec.draft;
  const args = ['serve', '--draft', d.method, '--host', spec.host, '--port', String(spec.port)];
  if (d.method === 'ngram') args.push('--draft-tokens', String(d.draftTokens), '--ngram-min', String(d.ngramMin), '--ngram-max', String(d.ngramMax));
  if (isLearnedDraft(d.method)) {
    const ld = d as LearnedDraft;
    args.push('--draft-tokens', String(chainSteps(ld)));
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

export const referenceEngine: EngineAdapter = {
  name: 'reference',
  measures: { verifyCycles: true, acceptedHistogram: true, draftTime: true, verifyTime: true },
  formatPrompt: questionAnswerPrompt,
  check: checkReference,
  async launch(spec) {
    const args = referenceArgs(spec);
    const proc = startProcess(process.execPath, [(spec.options as ReferenceOptions).bin ?? BIN, ...args], { logFile: spec.logFile });
    return sglangHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, true);
  },
};
