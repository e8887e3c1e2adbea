// `prism-bench baseline save`, loaded only when it runs (../baseline.ts registers it).
import { existsSync } from 'node:fs';
import { baselinePath, makeBaseline, saveBaseline } from '../../gate/baseline.ts';
import { loadResultInput } from '../../gate/comparable.ts';
import { UsageError } from '../errors.ts';

export function baselineSaveAction(input: string, o: { name: string; dir: string; force?: boolean }): void {
  const { path, result } = loadResultInput(input);
  const unfinished = result.cells.filter((c) => c.status !== 'ok');
  if (unfinished.length > 0) {
    throw new UsageError(`${path}: cells not ok: ${unfinished.map((c) => `${c.id} (${c.status})`).join(', ')} -- a baseline needs every cell measured; rerun (or --resume) the suite first`);
  }
  if (result.cells.length === 0) throw new UsageError(`${path}: the result has no cells -- nothing to baseline`);
  if (result.status === 'running') throw new UsageError(`${path}: the run is still in progress (status running) -- wait for it to finish`);
  const built = makeBaseline(result, o.name);
  const target = baselinePath(o.dir, o.name);
  const existed = existsSync(target);
  if (existed && !o.force) throw new UsageError(`${target}: a baseline named '${o.name}' exists -- pass --force to replace it, or choose another --name`);
  const written = saveBaseline(o.dir, built);
  const metrics = new Set(built.cells.flatMap((c) => Object.keys(c.metrics)));
  console.log(`${existed ? 'replaced' : 'saved'} baseline '${o.name}' -> ${written} (run ${result.runId}, ${built.cells.length} cells, ${metrics.size} metrics)`);
}
