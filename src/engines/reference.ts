// The embedded reference engine, launched like any external engine: a separate process
// (`prism-bench serve`) speaking SGLang's protocol on a port of its own.
import { fileURLToPath } from 'node:url';
import { sglangHandle } from './sglang-protocol.ts';
import { startProcess } from './process.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { EngineError, type EngineAdapter, type LaunchSpec } from './types.ts';

const BIN = fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url));

/** Suite `options` the reference engine understands. */
export interface ReferenceOptions {
  model?: string;
  threads?: number;
  /** planted faults (see `prism-bench serve --help`); off unless a suite sets them */
  faultVerifyDelayMs?: number;
  faultAcceptWrongToken?: boolean;
  faultIgnoreTemperature?: boolean;
  faultCrashAfterRequests?: number;
}

const KNOWN = ['model', 'threads', 'faultVerifyDelayMs', 'faultAcceptWrongToken', 'faultIgnoreTemperature', 'faultCrashAfterRequests'];

export function referenceArgs(spec: LaunchSpec): string[] {
  const o = spec.options as ReferenceOptions;
  for (const k of Object.keys(spec.options)) {
    if (!KNOWN.includes(k)) throw new EngineError(`engine reference: options.${k} is not an option of the reference engine; known: ${KNOWN.join(', ')}`);
  }
  const d = spec.draft;
  if (d.method !== 'vanilla' && d.method !== 'ngram') throw new EngineError(`engine reference: draft method '${d.method}' is not offered yet; use vanilla or ngram`);
  const args = ['serve', '--draft', d.method, '--host', spec.host, '--port', String(spec.port)];
  if (d.method === 'ngram') args.push('--draft-tokens', String(d.draftTokens), '--ngram-min', String(d.ngramMin), '--ngram-max', String(d.ngramMax));
  if (o.model) args.push('--model', String(o.model));
  if (o.threads) args.push('--threads', String(o.threads));
  if (o.faultVerifyDelayMs) args.push('--fault-verify-delay-ms', String(o.faultVerifyDelayMs));
  if (o.faultAcceptWrongToken) args.push('--fault-accept-wrong-token');
  if (o.faultIgnoreTemperature) args.push('--fault-ignore-temperature');
  if (o.faultCrashAfterRequests) args.push('--fault-crash-after-requests', String(o.faultCrashAfterRequests));
  return args;
}

export const referenceEngine: EngineAdapter = {
  name: 'reference',
  measures: { verifyCycles: true, acceptedHistogram: true, draftTime: true, verifyTime: true },
  formatPrompt: questionAnswerPrompt,
  async launch(spec) {
    const args = referenceArgs(spec);
    const proc = startProcess(process.execPath, [BIN, ...args], { logFile: spec.logFile });
    return sglangHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, true);
  },
};
