// Engine registry: a new engine is a new file plus one line here.
import { referenceEngine } from './reference.ts';
import { sglangEngine } from './sglang.ts';
import { trtllmEngine } from './trtllm.ts';
import { vllmEngine } from './vllm.ts';
import { EngineError, type EngineAdapter } from './types.ts';

// getters: adapters import check.ts, which imports this registry, so an adapter module loaded
// first must not have its binding read before it is initialised
export const ADAPTERS: Readonly<Record<string, EngineAdapter>> = {
  get reference() { return referenceEngine; },
  get sglang() { return sglangEngine; },
  get vllm() { return vllmEngine; },
  get trtllm() { return trtllmEngine; },
};

export function engineAdapter(name: string): EngineAdapter {
  const a = ADAPTERS[name];
  if (!a) throw new EngineError(`engine '${name}' has no adapter yet; available: ${Object.keys(ADAPTERS).join(', ')}`);
  return a;
}
