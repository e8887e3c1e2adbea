// The shards of a sweep as the manifest lists them: each shard's engine x dataset groups and the
// cells `run --shard i/n` will measure, planned by the same code the runner uses.
import type { Suite } from '../suite/types.ts';
import { planShard, shardUnits, unitsOfShard } from '../runner/shard.ts';
import type { SweepShard } from './manifest.ts';

/** `count` shards (default: one per engine x dataset group), numbered from 1. */
export function planSweep(suite: Suite, count = shardUnits(suite).length): SweepShard[] {
  const units = shardUnits(suite);
  return Array.from({ length: count }, (_, k) => {
    const spec = { index: k + 1, count };
    return {
      index: spec.index,
      units: unitsOfShard(units, spec).map((u) => u.key),
      cells: planShard(suite, spec).flatMap((g) => g.cells.map((c) => ({
        id: c.id, engine: c.engineName, draft: c.draft.name, method: c.draft.method, dataset: c.dataset, temperature: c.temperature,
      }))),
    };
  });
}
