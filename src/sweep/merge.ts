// Merges a sweep's shard results into one standard result. Each cell is copied as its shard
// recorded it (figures, trials, speedup and its interval, which were computed within the shard)
// and keeps its shard's number and hardware fingerprint; only the Holm adjustment is redone,
// because the family of comparisons is now the whole suite. Cells of shards that are missing or
// did not finish are marked failed with the reason, so the report and the audit show them.
import { randomUUID } from 'node:crypto';
import { join, relative } from 'node:path';
import { RESULT_SCHEMA_VERSION, type AuditFinding, type Cell, type ResultFile } from '../result/schema.ts';
import { storedSuite } from '../result/stored.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { readJournal } from '../runner/journal.ts';
import { cellRecords } from '../audit/common.ts';
import { auditResult, sortFindings } from '../audit/index.ts';
import { readjustComparisons } from '../stats/aggregate.ts';
import { packageVersion } from '../version.ts';
import { displayPath } from '../suite/errors.ts';
import type { SweepCell, SweepManifest } from './manifest.ts';
import { readShards, type ShardOnDisk } from './state.ts';
import { shellQuote } from '../shell.ts';

/** What result.json's `sweep` field says about each shard of a merged result. */
export interface MergedShard {
  index: number;
  units: string[];
  state: ShardOnDisk['state'];
  /** the shard's result directory, relative to the merged result's directory */
  dir: string;
  runId: string | null;
  slurmJob: string | null;
  hostname: string | null;
  cells: { ok: number; failed: number; pending: number };
}

export interface MergeOutcome {
  result: ResultFile;
  /** the request records the merged cells' figures come from, shard by shard */
  records: RequestRecord[];
  shards: ShardOnDisk[];
}

const RESUME_HINT = (sweepDir: string) => `prism-bench slurm submit --resume ${shellQuote(displayPath(sweepDir))}`;

/** Why the cells of a shard that did not finish have no figures (one line). */
function unfinishedReason(s: ShardOnDisk, count: number, sweepDir: string): string {
  const which = `shard ${s.shard.index}/${count} (${s.shard.units.join(', ')})`;
  const job = s.result?.options.shard?.slurmJob ? `, Slurm job ${s.result.options.shard.slurmJob}` : '';
  switch (s.state) {
    case 'missing': return `${which} has no result: its task never ran or died before its first cell -- ${RESUME_HINT(sweepDir)}`;
    case 'damaged': return `${which} has an unreadable result.json (${s.problem ?? 'damaged'}) -- ${RESUME_HINT(sweepDir)} rebuilds it from the shard's journal`;
    case 'interrupted': return `${which}${job} was interrupted (scancel, a time limit or a signal) before this cell finished -- ${RESUME_HINT(sweepDir)}`;
    case 'unfinished': return `${which}${job} stopped without finishing (killed, or still running when merged) before this cell finished -- check prism-bench slurm status, then ${RESUME_HINT(sweepDir)}`;
    case 'complete': return `${which} completed without this cell -- ${RESUME_HINT(sweepDir)}`;
  }
}

const emptyCell = (c: SweepCell): Cell => ({ ...c, status: 'failed', trials: [], metrics: {} });

/** Cells in the order an unsharded run of the same suite lists them (engine, draft, dataset, temperature). */
function suiteOrder(manifest: SweepManifest): (a: Cell, b: Cell) => number {
  const suite = storedSuite(manifest.suite);
  const rank = (list: string[] | undefined) => {
    const m = new Map((list ?? []).map((x, i) => [x, i]));
    return (x: string) => m.get(x) ?? Number.MAX_SAFE_INTEGER;
  };
  const engine = rank(suite.engines?.map((e) => e.label ?? e.name ?? ''));
  const draft = rank(suite.drafts?.map((d) => d.name ?? ''));
  const dataset = rank(suite.datasets?.map((d) => d.name ?? ''));
  const temps = suite.settings?.temperatures ?? [];
  const temp = (t: number) => { const i = temps.indexOf(t); return i < 0 ? Number.MAX_SAFE_INTEGER : i; };
  return (a, b) => engine(a.engine) - engine(b.engine) || draft(a.draft) - draft(b.draft) || dataset(a.dataset) - dataset(b.dataset) || temp(a.temperature) - temp(b.temperature);
}

/**
 * Merges every shard of the sweep in `sweepDir`; `outDir` is where the merged result will be
 * written (cell logs and shard directories are made relative to it).
 */
export function mergeSweep(sweepDir: string, manifest: SweepManifest, outDir: string): MergeOutcome {
  const shards = readShards(sweepDir, manifest);
  const count = manifest.shards.length;
  const cells: Cell[] = [];
  const records: RequestRecord[] = [];
  const engines: ResultFile['engines'] = {};
  const findings: AuditFinding[] = [];
  for (const s of shards) {
    const byId = new Map((s.result?.cells ?? []).map((c) => [c.id, c]));
    const journal = s.result ? readJournal(join(s.dir, 'requests.jsonl')).records : [];
    const journalByCell = new Map<string, RequestRecord[]>();
    for (const r of journal) {
      const list = journalByCell.get(r.cell);
      if (list) list.push(r); else journalByCell.set(r.cell, [r]);
    }
    for (const planned of s.shard.cells) {
      const recorded = byId.get(planned.id);
      const cell: Cell = recorded ? structuredClone(recorded) : emptyCell(planned);
      if (cell.status !== 'ok' && !(cell.status === 'failed' && cell.error)) {
        cell.status = 'failed';
        cell.error = unfinishedReason(s, count, sweepDir);
      }
      if (cell.log) cell.log = relative(outDir, join(s.dir, cell.log));
      cell.shard = s.shard.index;
      if (s.result) cell.fingerprint = s.result.fingerprint;
      cells.push(cell);
      if (recorded) records.push(...cellRecords(recorded, journalByCell.get(planned.id) ?? []));
    }
    for (const [key, e] of Object.entries(s.result?.engines ?? {})) engines[key] ??= e;
    if (s.state !== 'complete') {
      findings.push({ check: 'failed', severity: 'error', message: `${unfinishedReason(s, count, sweepDir).replace(/ before this cell finished| without this cell/, '')}; its unfinished cells are marked failed` });
    }
  }
  cells.sort(suiteOrder(manifest));
  const present = shards.flatMap((s) => (s.result ? [s.result] : []));
  const first = present[0];
  const now = new Date().toISOString();
  const result: ResultFile = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'prism-bench', version: packageVersion() },
    runId: randomUUID(),
    createdAt: present.map((r) => r.createdAt).sort()[0] ?? now,
    updatedAt: now,
    // complete only when every shard ran to its end; failed cells say which did not
    status: shards.every((s) => s.state === 'complete') ? 'complete' : 'interrupted',
    suiteFile: manifest.suiteFile,
    suite: manifest.suite,
    options: { quick: manifest.quick, targetCi: first?.options.targetCi ?? null, targetMde: null, pair: null },
    // the first shard's machine; each cell carries its own shard's fingerprint
    fingerprint: first?.fingerprint ?? {},
    engines,
    cells,
    sweep: {
      sweepId: manifest.sweepId,
      dir: relative(outDir, sweepDir) || '.',
      shards: shards.map((s): MergedShard => ({
        index: s.shard.index,
        units: s.shard.units,
        state: s.state,
        dir: relative(outDir, s.dir),
        runId: s.result?.runId ?? null,
        slurmJob: s.result?.options.shard?.slurmJob ?? null,
        hostname: typeof s.result?.fingerprint.hostname === 'string' ? s.result.fingerprint.hostname : null,
        cells: s.counts,
      })),
    },
  };
  const unmet = present.flatMap((r) => r.targetCiUnmet ?? []);
  if (unmet.length) result.targetCiUnmet = unmet;
  readjustComparisons(result);
  result.audit = sortFindings([...findings, ...auditResult(result, records)]);
  return { result, records, shards };
}
