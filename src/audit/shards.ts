// Hardware check inside a merged sweep: its cells ran on different nodes, each keeping its shard's
// fingerprint. A comparison between two cells (a speedup against its vanilla cell, or the same
// draft on two engines, as compare/gate --pair set them side by side) is flagged when the two
// cells' machines differ, and so is every shard whose machine differs from the first shard's
// (figures across those shards, and means over datasets, mix machines). Results that are not
// merged sweeps have no per-cell fingerprints, and this check says nothing about them.
import type { AuditFinding, Cell, ResultFile } from '../result/schema.ts';
import { fingerprintDifferences } from '../hardware/compare.ts';
import { isFingerprint } from './settings.ts';
import { finding } from './common.ts';

function differences(a: Cell, b: Cell): string[] | null {
  if (!a.fingerprint || !b.fingerprint || !isFingerprint(a.fingerprint) || !isFingerprint(b.fingerprint)) return null;
  return fingerprintDifferences(a.fingerprint, b.fingerprint);
}

const shown = (diffs: string[]) => diffs.slice(0, 3).join('; ') + (diffs.length > 3 ? `; and ${diffs.length - 3} more` : '');

export function checkShardHardware(result: ResultFile): AuditFinding[] {
  const cells = result.cells.filter((c) => c.fingerprint !== undefined);
  if (cells.length === 0) return [];
  const out: AuditFinding[] = [];
  const byId = new Map(cells.map((c) => [c.id, c]));
  for (const cell of cells) {
    // speedups: within a shard by construction, so this fires only for hand-assembled results
    for (const cmp of Object.values(cell.comparisons ?? {})) {
      const ref = byId.get(cmp.reference);
      const d = ref ? differences(cell, ref) : null;
      if (d && d.length) out.push(finding('hardware', 'warning', `${cmp.metric} ratio against ${ref!.id} compares cells measured on different hardware (shard ${cell.shard} vs ${ref!.shard}): ${shown(d)}`, cell.id));
    }
    // the same draft, dataset and temperature on another engine: what compare/gate --pair set side by side
    for (const other of cells) {
      if (other.engine <= cell.engine || other.draft !== cell.draft || other.dataset !== cell.dataset || other.temperature !== cell.temperature) continue;
      const d = differences(cell, other);
      if (d && d.length) out.push(finding('hardware', 'warning', `engines ${cell.engine} and ${other.engine} ran this draft on different hardware (shard ${cell.shard} vs ${other.shard}): ${shown(d)}; an engine comparison of these cells mixes machines`, cell.id));
    }
  }
  // shard against the first shard: one finding per differing shard
  const firstOfShard = new Map<number, Cell>();
  for (const c of cells) if (c.shard !== undefined && !firstOfShard.has(c.shard)) firstOfShard.set(c.shard, c);
  const shards = [...firstOfShard.entries()].sort((a, b) => a[0] - b[0]);
  const base = shards[0];
  for (const [index, cell] of shards.slice(1)) {
    const d = differences(base![1], cell);
    if (d && d.length) out.push(finding('hardware', 'warning', `shard ${index} ran on different hardware than shard ${base![0]}: ${shown(d)}; throughput and latency across these shards, and means over their datasets, compare different machines`));
  }
  return out;
}
