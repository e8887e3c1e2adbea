// `prism-bench project`, loaded only when it runs (../project.ts registers it).
import { loadResult } from '../../result/store.ts';
import { loadProfile } from '../../profile/schema.ts';
import { projectResult, renderProjection } from '../../projection/result.ts';
import { adviseAcross, renderAdvice } from '../../projection/advice.ts';
import { adviseShapeAcross, renderShapeAdvice } from '../../projection/shape.ts';
import { UsageError } from '../errors.ts';

export function projectOptions(o: Record<string, string | string[] | boolean | undefined>) {
  const num = (flag: string, v: unknown, dflt: number) => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag}: expected a number >= 0, got ${String(v)}`);
    return n;
  };
  const requestMs = o.requestMs === 'measured' ? 'measured' as const : o.requestMs === undefined ? undefined : num('--request-ms', o.requestMs, 0);
  let shape: { steps: number; topK: number; draftTokens: number } | undefined;
  if (o.shape !== undefined) {
    const m = /^(\d+)x(\d+)x(\d+)$/.exec(String(o.shape));
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1 || Number(m[3]) < 2) throw new UsageError(`--shape: expected STEPSxTOPKxTOKENS such as 6x4x16 (a chain of 5: 5x1x6), got ${String(o.shape)}`);
    // TOKENS counts the verified tokens as SGLang's --speculative-num-draft-tokens does: the root included
    shape = { steps: Number(m[1]), topK: Number(m[2]), draftTokens: Number(m[3]) - 1 };
  }
  const cycleMs = o.cycleMs === 'measured' ? 'measured' as const : o.cycleMs === undefined ? undefined : num('--cycle-ms', o.cycleMs, 0);
  return { context: num('--context', o.context, 256), promptTokens: num('--prompt-tokens', o.promptTokens, 128), requestMs, cycleMs, shape, anchor: o.anchor === true };
}

export function projectAction(path: string, o: Record<string, string | string[] | boolean | undefined>): void {
  const format = String(o.format ?? 'table');
  if (format !== 'table' && format !== 'markdown' && format !== 'json') throw new UsageError(`--format: use table, markdown or json, not ${format}`);
  const files = Array.isArray(o.profile) ? o.profile : [String(o.profile)];
  const profiles = files.map((f) => loadProfile(f));
  const result = loadResult(path);
  const opts = projectOptions(o);
  const advice = adviseAcross(result, profiles, opts.context);
  // tree cells that carry every smaller shape's acceptance (reference engine); others keep depth advice only
  const shapeAdvice = adviseShapeAcross(result, profiles, opts.context);
  if (format === 'json') {
    const projections = profiles.map((p) => JSON.parse(renderProjection(projectResult(result, p, opts), p, 'json')) as unknown);
    process.stdout.write(JSON.stringify(profiles.length === 1 ? { ...(projections[0] as object), advice, shapeAdvice } : { projections, advice, shapeAdvice }, null, 2) + '\n');
    return;
  }
  for (const p of profiles) process.stdout.write(renderProjection(projectResult(result, p, opts), p, format) + '\n');
  if (advice.length > 0) process.stdout.write(renderAdvice(advice, profiles, format));
  if (shapeAdvice.length > 0) process.stdout.write('\n' + renderShapeAdvice(shapeAdvice, profiles, format));
}
