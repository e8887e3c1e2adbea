// Imported trials -> a prism-bench result: cells grouped by draft, dataset and temperature,
// per-trial figures through the same code a run uses (trialMetrics, summarizeCell,
// compareCells), each metric labelled with what it counts and who measured it, and the
// provenance of every input file.
import { randomUUID } from 'node:crypto';
import { RESULT_SCHEMA_VERSION, cellId, type AuditFinding, type Cell, type ResultFile, type TrialRecord } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { trialMetrics } from '../metrics/compute.ts';
import { summarizeCell, compareCells } from '../stats/aggregate.ts';
import { auditResult } from '../audit/index.ts';
import { sortFindings } from '../audit/common.ts';
import { packageVersion } from '../version.ts';
import type { ImportCapabilities, ImportedTrial, Importer, InputRole, MetricOrigin } from './types.ts';

/** One input file as recorded in the result. */
export interface ImportedFile {
  /** as given on the command line */
  path: string;
  role: InputRole;
  sha256: string;
  bytes: number;
  /** the line selection given, e.g. "3-9,12"; absent: the whole file */
  lines?: string;
}

/** What result.json's `import` field holds. */
export interface ImportProvenance {
  format: string;
  tool: string;
  formatSource: string;
  importedAt: string;
  importer: { name: 'prism-bench'; version: string };
  files: ImportedFile[];
  /** metric id -> measured by the tool ('tool') or computed by prism-bench from the tool's fields ('derived'), and what it counts */
  metrics: Record<string, MetricOrigin>;
  /** metric id (or position_acceptance) -> why the tool's files cannot give it */
  unavailable: Record<string, string>;
}

const SPEEDUP_ORIGIN: MetricOrigin = {
  source: 'derived',
  definition: 'Throughput of this cell over the throughput of the vanilla cell imported with --baseline (same tool, dataset and temperature): per-round ratios paired by trial order when both sides have two or more trials, else the ratio of means.',
};

/** Groups trials into cells (first-seen order) and numbers each cell's trials 1..n in input order. */
function groupCells(importer: Importer, trials: readonly ImportedTrial[]): Array<{ cell: Cell; trials: ImportedTrial[] }> {
  const byId = new Map<string, { cell: Cell; trials: ImportedTrial[] }>();
  for (const t of trials) {
    const id = cellId(importer.engine, t.draft, t.dataset, t.temperature);
    let g = byId.get(id);
    if (!g) {
      g = { cell: { id, engine: importer.engine, draft: t.draft, method: t.method, dataset: t.dataset, temperature: t.temperature, status: 'ok', trials: [], metrics: {} }, trials: [] };
      byId.set(id, g);
    }
    g.trials.push(t);
  }
  // vanilla first, as a run lists it
  return [...byId.values()].sort((a, b) => Number(b.cell.method === 'vanilla') - Number(a.cell.method === 'vanilla'));
}

/** The trial's figures: from its records through the run's own code, or the tool's own figures. */
function figuresOf(t: ImportedTrial, keep: Record<string, MetricOrigin>): Record<string, number> {
  const all = t.records ? trialMetrics(t.records, t.wallSeconds ?? 0) : t.figures;
  return Object.fromEntries(Object.entries(all).filter(([id]) => Object.hasOwn(keep, id)));
}

/** Labels every stored metric with the importer's definition and source. */
function label(cell: Cell, origins: Record<string, MetricOrigin>): void {
  for (const [id, m] of Object.entries(cell.metrics)) {
    const o = id === 'speedup' ? SPEEDUP_ORIGIN : origins[id];
    if (!o) continue;
    m.definition = o.definition;
    m.source = o.source;
  }
}

/** Findings particular to imports: figures the tool's own code makes doubtful. */
function importFindings(importer: Importer, cells: Cell[]): AuditFinding[] {
  const out: AuditFinding[] = [];
  if (importer.format === 'prism-ae') {
    for (const c of cells) {
      if (c.dataset === 'mt_bench' && c.temperature > 0) {
        out.push({ check: 'temperature', severity: 'warning', cell: c.id, message: `the PRISM artifact's bench_mt.py sends the two-turn MT-bench questions with temperature=0 whatever --temperature says (evaluation/client/bench_mt.py, answer_mt_bench.run_batch), so this T=${c.temperature} cell decoded greedily` });
      }
    }
  }
  // without outputs to compare (aggregate logs), equal acceptance at T>0 and T=0 is the tell
  for (const hot of cells.filter((c) => c.temperature > 0 && c.status === 'ok')) {
    const cold = cells.find((c) => c.temperature === 0 && c.status === 'ok' && c.draft === hot.draft && c.dataset === hot.dataset);
    const a = hot.metrics.accept_length_pooled?.mean, b = cold?.metrics.accept_length_pooled?.mean;
    if (cold && hot.method !== 'vanilla' && a !== undefined && b !== undefined && Math.abs(a - b) <= 0.005 * b) {
      out.push({ check: 'temperature', severity: 'warning', cell: hot.id, message: `acceptance length at T=${hot.temperature} (${a.toFixed(3)}) is within 0.5% of T=0's (${b.toFixed(3)}, ${cold.id}): sampling usually lowers it, so the temperature was probably not applied` });
    }
  }
  for (const c of cells) {
    const v = c.metrics.throughput?.values ?? [];
    if (v.length >= 2 && Math.max(...v) > 2 * Math.min(...v)) {
      out.push({ check: 'noise', severity: 'warning', cell: c.id, message: `throughput of its ${v.length} imported trials ranges from ${Math.min(...v).toFixed(3)} to ${Math.max(...v).toFixed(3)} tok/s (more than 2x): the lines may come from different servers or settings -- import each run's lines separately (FILE:FIRST-LAST)` });
    }
  }
  return out;
}

export interface BuildInput {
  importer: Importer;
  trials: ImportedTrial[];
  files: ImportedFile[];
}

/** The result (and its request records, for requests.jsonl) of an import. */
export function buildResult({ importer, trials, files }: BuildInput): { result: ResultFile; records: RequestRecord[]; capabilities: ImportCapabilities } {
  const caps = importer.capabilities(trials);
  const now = new Date().toISOString();
  const groups = groupCells(importer, trials);
  const records: RequestRecord[] = [];
  const byCell = new Map<string, RequestRecord[]>();
  const skipped: AuditFinding[] = [];
  for (const { cell, trials: all } of groups) {
    const mine: RequestRecord[] = [];
    const failed = all.filter((t) => t.error !== undefined);
    const ts = all.filter((t) => t.error === undefined);
    const where = (t: ImportedTrial) => `${t.origin.file}:${t.origin.lines.join(',')}`;
    if (ts.length === 0) {
      // every run of the cell failed in the tool: a failed cell, as a run records one
      cell.status = 'failed';
      cell.error = `${importer.tool} recorded ${failed.length === 1 ? 'the run' : `all ${failed.length} runs`} as failed: ${failed.map((t) => `${where(t)}: ${t.error}`).join('; ')}`;
    }
    if (ts.length > 0) {
      for (const t of failed) skipped.push({ check: 'failed', severity: 'warning', cell: cell.id, message: `${where(t)}: ${importer.tool} recorded this run as failed (${t.error}); left out, the cell's figures come from its other ${ts.length} run${ts.length === 1 ? '' : 's'}` });
    }
    ts.forEach((t, i) => {
      const trial = i + 1;
      const attempt = `import-${trial}`;
      for (const r of t.records ?? []) mine.push({ ...r, cell: cell.id, trial, attempt });
      const rec: TrialRecord & { origin: ImportedTrial['origin'] } = {
        trial, attempt, startedAt: now,
        // 0: the tool did not record it (aggregate-only logs)
        wallSeconds: t.wallSeconds ?? 0,
        requests: t.requests ?? 0,
        metrics: figuresOf(t, caps.metrics),
        origin: t.origin,
      };
      cell.trials.push(rec);
    });
    byCell.set(cell.id, mine);
    records.push(...mine);
  }
  const cells = groups.map((g) => g.cell);
  const drafts = [...new Map(cells.map((c) => [c.draft, { name: c.draft, method: c.method }])).values()];
  const result: ResultFile & { import: ImportProvenance } = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'prism-bench', version: packageVersion() },
    runId: randomUUID(),
    createdAt: now,
    updatedAt: now,
    status: 'complete',
    suiteFile: '',
    suite: {
      name: `import-${importer.format}`,
      description: `imported from ${importer.tool} output files; settings as the tool ran them are not recorded in its files`,
      settings: {},
      engines: [{ name: importer.engine, kind: 'import', tool: importer.tool }],
      drafts,
      datasets: [...new Set(cells.map((c) => c.dataset))].map((name) => ({ name })),
      temperatures: [...new Set(cells.map((c) => c.temperature))],
    },
    options: { quick: false },
    // the tools' files record no hardware; an empty fingerprint compares equal to another import's
    fingerprint: {},
    engines: {
      [importer.engine]: {
        version: 'unknown (not recorded by the tool)',
        measures: Object.fromEntries(Object.entries(caps.metrics).map(([id, o]) => [id, o.source === 'tool'])),
      },
    },
    cells,
    import: {
      format: importer.format,
      tool: importer.tool,
      formatSource: importer.formatSource,
      importedAt: now,
      importer: { name: 'prism-bench', version: packageVersion() },
      files,
      metrics: { ...caps.metrics, ...(cells.some((c) => c.method === 'vanilla') && cells.some((c) => c.method !== 'vanilla') ? { speedup: SPEEDUP_ORIGIN } : {}) },
      unavailable: caps.unavailable,
    },
  };
  for (const cell of cells) summarizeCell(cell, byCell.get(cell.id) ?? []);
  compareCells(result);
  for (const cell of cells) label(cell, caps.metrics);
  const findings: AuditFinding[] = [
    { check: 'settings', severity: 'info', message: `imported from ${importer.tool} (${files.map((f) => f.path).join(', ')}); measured by the tool: ${ids(caps.metrics, 'tool')}; derived by prism-bench from the tool's fields: ${ids(result.import.metrics, 'derived')}; not available: ${Object.keys(caps.unavailable).join(', ') || 'none'}` },
    ...importFindings(importer, cells),
    ...skipped,
    ...auditResult(result, records),
  ];
  result.audit = sortFindings(findings);
  return { result, records, capabilities: caps };
}

function ids(metrics: Record<string, MetricOrigin>, source: MetricOrigin['source']): string {
  const list = Object.entries(metrics).filter(([, o]) => o.source === source).map(([id]) => id);
  return list.length ? list.join(', ') : 'none';
}
