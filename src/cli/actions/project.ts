// `prism-bench project`, loaded only when it runs (../project.ts registers it).
import { loadResult } from '../../result/store.ts';
import { loadProfile } from '../../profile/schema.ts';
import { projectResult, renderProjection } from '../../projection/result.ts';
import { UsageError } from '../errors.ts';

export function projectOptions(o: Record<string, string | boolean | undefined>) {
  const num = (flag: string, v: unknown, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: expected a number >= 0, got ${String(v)}`);
    return n;
  };
  const requestMs = o.requestMs === 'measured' ? 'measured' as const : o.requestMs === undefined ? undefined : num('--request-ms', o.requestMs, 0);
  return { context: num('--context', o.context, 256), promptTokens: num('--prompt-tokens', o.promptTokens, 128), requestMs };
}

export function projectAction(path: string, o: Record<string, string | boolean | undefined>): void {
  const format = String(o.format ?? 'table');
  if (format !== 'table' && format !== 'markdown' && format !== 'json') throw new UsageError(`--format: use table, markdown or json, not ${format}`);
  const profile = loadProfile(String(o.profile));
  const result = loadResult(path);
  process.stdout.write(renderProjection(projectResult(result, profile, projectOptions(o)), profile, format));
}
