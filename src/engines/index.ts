// Engine registry: a new engine is a new file plus one line here.
import { referenceEngine } from './reference.ts';
import { sglangEngine } from './sglang.ts';
import { trtllmEngine } from './trtllm.ts';
import { vllmEngine } from './vllm.ts';
import { ENDPOINT_ADAPTERS } from './endpoint.ts';
import { EngineError, type EngineAdapter } from './types.ts';

export const ADAPTERS: Readonly<Record<string, EngineAdapter>> = {
  reference: referenceEngine,
  sglang: sglangEngine,
  vllm: vllmEngine,
  trtllm: trtllmEngine,
  // servers the harness attaches to (run --base-url); no suite file names them
  ...ENDPOINT_ADAPTERS,
};

export function engineAdapter(name: string): EngineAdapter {
  const a = ADAPTERS[name];
  if (!a) throw new EngineError(`engine '${name}' has no adapter yet; available: ${Object.keys(ADAPTERS).join(', ')}`);
  return a;
}
