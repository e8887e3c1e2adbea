// What one adapter's declaration (EngineAccepts) says of one engine's options and one draft,
// read the same way for every engine. Apart from the registry, so an adapter can check itself at
// launch (assertLaunchable) without importing the registry that imports it.
import type { Draft, Settings } from '../suite/types.ts';
import { firstProblem } from '../suite/schema.ts';
import { EngineError, type EngineAdapter, type InputProblem } from './types.ts';

/** The first thing `adapter` cannot do with these options and this draft, or undefined. */
export function engineProblem(adapter: EngineAdapter, options: Record<string, unknown>, draft: Draft): InputProblem | undefined {
  const a = adapter.accepts;
  const parsed = a.options.safeParse(options);
  if (!parsed.success) {
    const p = firstProblem(a.options, parsed.error, options, 'options', `for the ${adapter.name} engine`);
    return { at: p.path, problem: p.problem, fix: p.fix };
  }
  const o = a.checkOptions?.(parsed.data);
  if (o) return o;
  if (!a.methods.includes(draft.method)) {
    const why = a.missing?.[draft.method];
    return { at: 'draft.method', problem: `method ${draft.method} is not offered by the ${adapter.name} engine${why ? ` (${why})` : ''}`, fix: `use one of ${a.methods.join(', ')}, or run this draft on another engine` };
  }
  return a.checkDraft?.(draft, parsed.data);
}

/** The first context problem: maxNewTokens must leave room for at least one prompt token. */
export function contextProblem(adapter: EngineAdapter, options: Record<string, unknown>, maxNewTokens: number): InputProblem | undefined {
  const parsed = adapter.accepts.options.safeParse(options);
  const ctx = parsed.success ? adapter.accepts.contextTokens?.(parsed.data) : undefined;
  if (ctx === undefined || maxNewTokens < ctx) return undefined;
  return {
    at: 'maxNewTokens',
    problem: `${maxNewTokens} tokens do not fit the ${adapter.name} engine's context of ${ctx} tokens (prompt + generated)`,
    fix: `set maxNewTokens well below ${ctx}, such as ${Math.min(128, Math.floor(ctx / 4))}, so the prompt fits too`,
  };
}

/** The same check at launch, for callers that bypass the suite (throws EngineError). */
export function assertLaunchable(adapter: EngineAdapter, options: Record<string, unknown>, draft: Draft, settings?: Pick<Settings, 'maxNewTokens'>): void {
  const p = engineProblem(adapter, options, draft) ?? (settings ? contextProblem(adapter, options, settings.maxNewTokens) : undefined);
  if (p) throw new EngineError(`engine ${adapter.name}: ${p.at === 'draft' ? `draft '${draft.name}'` : p.at.startsWith('draft.') ? `draft '${draft.name}'.${p.at.slice(6)}` : p.at}: ${p.problem} -- ${p.fix}`);
}
