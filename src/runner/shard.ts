// Shards of a suite, for sweeps that run one shard per cluster node (`run --shard i/n`, `slurm
// submit`). The unit is an engine x dataset group: every draft of one engine on one dataset, at
// every temperature, with the vanilla cells they are compared with. A speedup's numerator and
// denominator therefore always come from the same node, engine build and round interleaving.
import type { Suite } from '../suite/types.ts';
import { engineDisplayName, planCells, type CellGroup } from './plan.ts';

/** One engine x dataset group: the smallest piece a suite is split into. */
export interface ShardUnit {
  /** engine label/dataset, e.g. "reference/chat" */
  key: string;
  engine: string;
  dataset: string;
}

/** Which shard of how many (1-based: shard 1/3 is the first of three). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Every engine x dataset group of the suite, engines in suite order, then datasets in suite order. */
export function shardUnits(suite: Pick<Suite, 'engines' | 'datasets'>): ShardUnit[] {
  return suite.engines.flatMap((e) => suite.datasets.map((d) => {
    const engine = engineDisplayName(e);
    return { key: `${engine}/${d.name}`, engine, dataset: d.name };
  }));
}

/**
 * The units of shard `index` of `count`: contiguous, sizes differing by at most one, so that
 * with count = number of units each shard is exactly one engine x dataset group.
 */
export function unitsOfShard(units: readonly ShardUnit[], spec: ShardSpec): ShardUnit[] {
  const base = Math.floor(units.length / spec.count), extra = units.length % spec.count;
  const start = (spec.index - 1) * base + Math.min(spec.index - 1, extra);
  const size = base + (spec.index <= extra ? 1 : 0);
  return units.slice(start, start + size);
}

/** The cell groups of a suite restricted to one shard (engine/draft groups left empty are dropped). */
export function planShard(suite: Suite, spec?: ShardSpec | null): CellGroup[] {
  const groups = planCells(suite);
  if (!spec) return groups;
  const keep = new Set(unitsOfShard(shardUnits(suite), spec).map((u) => u.key));
  return groups
    .map((g) => ({ ...g, cells: g.cells.filter((c) => keep.has(`${c.engineName}/${c.dataset}`)) }))
    .filter((g) => g.cells.length > 0);
}

/** The problem with a shard spec for this suite, or null when it is valid. */
export function shardSpecProblem(spec: ShardSpec, units: number): string | null {
  if (spec.count > units) return `the suite has ${units} engine x dataset group${units === 1 ? '' : 's'}, so at most ${units} shard${units === 1 ? '' : 's'}`;
  if (spec.index > spec.count) return `shard ${spec.index} of ${spec.count} does not exist`;
  return null;
}

/** Parses "i/n" (1 <= i <= n); null when the text is not of that form. */
export function parseShardSpec(text: string): ShardSpec | null {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return null;
  const index = Number(m[1]), count = Number(m[2]);
  if (index < 1 || count < 1 || index > count) return null;
  return { index, count };
}
