// The one check of what a suite asks of its engines, run before anything launches: each
// adapter declares what it accepts (EngineAccepts) and this code reads the declaration the same
// way for every engine. A mistake is a SuiteError (exit 2) naming the file, the field and the fix.
import { SuiteError, displayPath } from '../suite/errors.ts';
import type { Suite } from '../suite/types.ts';
import { ADAPTERS } from './index.ts';
import { placementProblem } from './placement.ts';
import { contextProblem, engineProblem } from './accepts.ts';

export { assertLaunchable, engineProblem } from './accepts.ts';

/** A problem with the path it has in the suite file. */
export interface SuiteProblem { path: string; problem: string; fix: string }

/** Every problem of a suite's engines, with its path in the suite file (first one per engine and draft). */
export function suiteEngineProblems(suite: Suite): SuiteProblem[] {
  const out: SuiteProblem[] = [];
  const names = Object.keys(ADAPTERS).filter((n) => !n.startsWith('endpoint:'));
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
      [suite.overrides?.maxNewTokens !== undefined ? '--max-new-tokens' : suite.quickApplied && suite.quick.maxNewTokens !== undefined ? 'quick.maxNewTokens' : 'settings.maxNewTokens', suite.settings.maxNewTokens],
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
