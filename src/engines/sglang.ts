// SGLang, launched as `python -m sglang.launch_server` with its own speculative flags (see
// ../shared/notes/field-facts.md). The same protocol client as the reference engine reads it.
import { startProcess } from './process.ts';
import { sglangHandle } from './sglang-protocol.ts';
import { questionAnswerPrompt } from './prompt.ts';
import { EngineError, type EngineAdapter, type LaunchSpec } from './types.ts';

/** Suite `options` for the sglang engine. */
export interface SglangOptions {
  /** --model-path (required) */
  modelPath?: string;
  /** --speculative-draft-model-path for learned drafts */
  draftModelPath?: string;
  /** command that starts the server (default: python3 -m sglang.launch_server) */
  launcher?: string[];
  /** extra launch arguments appended verbatim (e.g. ["--dtype", "bfloat16"]) */
  extraArgs?: string[];
  /** send sampling_seed with each request (SGLang needs --enable-deterministic-inference or a recent build) */
  sendSeed?: boolean;
  /** environment for the server process (e.g. CUDA_VISIBLE_DEVICES) */
  env?: Record<string, string>;
}

const ALGORITHM: Record<string, string> = {
  ngram: 'NGRAM', standalone: 'STANDALONE', eagle: 'EAGLE', hass: 'EAGLE', hass2: 'EAGLE', eagle3: 'EAGLE3', medusa: 'MEDUSA',
  // the PRISM artifact's SGLang fork registers PRISM as LD
  prism: 'LD',
};

export function sglangArgs(spec: LaunchSpec): string[] {
  const o = spec.options as SglangOptions;
  if (!o.modelPath) throw new EngineError('engine sglang: options.modelPath is required (the target model SGLang should load)');
  const args = ['--model-path', o.modelPath, '--host', spec.host, '--port', String(spec.port)];
  const d = spec.draft;
  if (d.method !== 'vanilla') {
    const algo = ALGORITHM[d.method];
    if (!algo) throw new EngineError(`engine sglang: draft method '${d.method}' has no SGLang algorithm`);
    args.push('--speculative-algorithm', algo);
    if (d.method === 'ngram') {
      // SGLang counts the root token among the draft tokens
      args.push('--speculative-num-draft-tokens', String(d.draftTokens + 1),
        '--speculative-ngram-min-match-window-size', String(d.ngramMin), '--speculative-ngram-max-match-window-size', String(d.ngramMax));
    } else {
      const model = d.model ?? o.draftModelPath;
      if (!model) throw new EngineError(`engine sglang: draft '${d.name}' needs a draft model: set model on the draft or options.draftModelPath`);
      args.push('--speculative-draft-model-path', model);
      // SGLang wants all three tuning flags or none
      if (d.steps !== undefined || d.topK !== undefined || d.draftTokens !== undefined) {
        if (d.steps === undefined || d.topK === undefined || d.draftTokens === undefined) {
          throw new EngineError(`engine sglang: draft '${d.name}': set steps, topK and draftTokens together, or none of them`);
        }
        args.push('--speculative-num-steps', String(d.steps), '--speculative-eagle-topk', String(d.topK), '--speculative-num-draft-tokens', String(d.draftTokens));
      }
    }
  }
  args.push(...(o.extraArgs ?? []));
  return args;
}

export const sglangEngine: EngineAdapter = {
  name: 'sglang',
  // per-request histograms exist in newer builds only; draft/verify time never
  measures: { verifyCycles: true, acceptedHistogram: false, draftTime: false, verifyTime: false },
  formatPrompt: questionAnswerPrompt,
  async launch(spec) {
    const o = spec.options as SglangOptions;
    const launcher = o.launcher ?? ['python3', '-m', 'sglang.launch_server'];
    const proc = startProcess(launcher[0], [...launcher.slice(1), ...sglangArgs(spec)], { logFile: spec.logFile, env: o.env });
    return sglangHandle(`http://${spec.host}:${spec.port}`, proc, spec.logFile, o.sendSeed === true);
  },
};
