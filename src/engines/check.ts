// The one check of what a suite asks of its engines, run before anything launches: each
// adapter declares what it accepts (EngineAccepts) and this code reads the declaration the same
// way for every engine. A mistake is a SuiteError (exit 2) naming the file, the field and the fix.
import { SuiteError, displayPath } from '../suite/errors.ts';
import { firstProblem } from '../suite/schema.ts';
import type { Draft, Settings, Suite } from '../suite/types.ts';
import { ADAPTERS } from './index.ts';
import { placementProblem } from './placement.ts';
import { EngineError, type EngineAdapter, type InputProblem } from './types.ts';

/** A problem with the path it has in the suite file. */
export interface SuiteProblem { path: string; problem: string; fix: string }

/** The first thing `adapter` cannot do with these options and this draft, or undefined. */
export function engineProblem(adapter: EngineAdapter, options: Record<string, unknown>, draft: Draft): InputProblem | undefined {
  const a = adapter.accepts;
  const parsed = a.options.safeParse(options);
  if (!parsed.success) {
    const p = firstProblem(a.options, parsed.error, options, 'options', `for the ${adapter.name} engine`);
    return { at: p.path, problem: p.problem, fix: p.fix };
  }
  const o = a.checkOptions?.(options);
  if (o) return o;
  if (!a.methods.includes(draft.method)) {
    return { at: 'draft.method', problem: `method ${draft.method} is not offered by the ${adapter.name} engine`, fix: `use one of ${a.methods.join(', ')}, or run this draft on another engine` };
  }
  return a.checkDraft?.(draft, options);
}

/** The first context problem: maxNewTokens must leave room for at least one prompt token. */
function contextProblem(adapter: EngineAdapter, options: Record<string, unknown>, maxNewTokens: number): InputProblem | undefined {
  const ctx = adapter.accepts.contextTokens?.(options);
  if (ctx === undefined || maxNewTokens < ctx) return undefined;
  return {
    at: 'maxNewTokens',
    problem: `${maxNewTokens} tokens do not fit the ${adapter.name} engine's context of ${ctx} tokens (prompt + generated)`,
    fix: `set maxNewTokens well below ${ctx}, such as ${Math.min(128, Math.floor(ctx / 4))}, so the prompt fits too`,
  };
}

/** Every problem of a suite's engines, with its path in the suite file (first one per engine and draft). */
export function suiteEngineProblems(suite: Suite): SuiteProblem[] {
  const out: SuiteProblem[] = [];
  const names = Object.keys(ADAPTERS);
  const placement = placementProblem(suite.settings.engineCpus);
  if (placement) out.push({ path: suite.quickApplied && suite.quick.engineCpus !== undefined ? 'quick.engineCpus' : 'settings.engineCpus', ...placement });
  suite.engines.forEach((engine, i) => {
    const adapter = ADAPTERS[engine.name];
    if (!adapter) {
      out.push({ path: `engines[${i}].name`, problem: `the ${engine.name} engine has no adapter yet`, fix: `use one of ${names.join(', ')}` });
      return;
    }
    for (const [j, draft] of suite.drafts.entries()) {
      const p = engineProblem(adapter, engine.options, draft);
      if (!p) continue;
      const path = p.at.startsWith('options') ? `engines[${i}].${p.at}` : p.at === 'draft' ? `drafts[${j}]` : `drafts[${j}].${p.at.slice('draft.'.length)}`;
      out.push({ path, problem: p.problem, fix: p.at.startsWith('draft') ? `${p.fix} (engine ${engine.label ?? engine.name})` : p.fix });
      if (p.at.startsWith('options')) return; // the same for every draft
    }
    // the settings in effect, and the quick block's too: it is validated even when not applied
    const checks: [string, number | undefined][] = [
      [suite.quickApplied && suite.quick.maxNewTokens !== undefined ? 'quick.maxNewTokens' : 'settings.maxNewTokens', suite.settings.maxNewTokens],
      ['quick.maxNewTokens', suite.quick.maxNewTokens],
    ];
    for (const [path, n] of checks) {
      const p = n === undefined ? undefined : contextProblem(adapter, engine.options, n);
      if (p) { out.push({ path, problem: p.problem, fix: p.fix.replace('maxNewTokens', path) }); break; }
    }
  });
  return out;
}

/** Throws a SuiteError for the first problem of the suite's engines (exit 2, before anything launches). */
export function checkSuiteEngines(suite: Suite): void {
  const p = suiteEngineProblems(suite)[0];
  if (p) throw new SuiteError(displayPath(suite.file), p.path, p.problem, p.fix);
}

/** The same check at launch, for callers that bypass the suite (throws EngineError). */
export function assertLaunchable(adapter: EngineAdapter, options: Record<string, unknown>, draft: Draft, settings?: Pick<Settings, 'maxNewTokens'>): void {
  const p = engineProblem(adapter, options, draft) ?? (settings ? contextProblem(adapter, options, settings.maxNewTokens) : undefined);
  if (p) throw new EngineError(`engine ${adapter.name}: ${p.at === 'draft' ? `draft '${draft.name}'` : p.at.startsWith('draft.') ? `draft '${draft.name}'.${p.at.slice(6)}` : p.at}: ${p.problem} -- ${p.fix}`);
}
