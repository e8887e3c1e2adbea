// The result file (result.json): the only thing `report`, `compare`, `gate` and future
// importers read. Versioned; documented in docs/result-schema.md; validated on load.

/**
 * 2 adds the latency percentile metrics (ttft/tpot/itl_token/itl_chunk _p50/_p90/_p99_ms) and
 * Cell.latency; version 1 files lack both and still load (readers treat them as absent).
 */
export const RESULT_SCHEMA_VERSION = 2;
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

export type Direction = 'higher' | 'lower' | 'none';

export interface Interval {
  low: number;
  high: number;
  /** half the interval's width, as printed after "±" */
  halfWidth: number;
  level: number;
  /** t: Student t over per-trial values; bootstrap: percentile bootstrap over requests; delta: log-ratio delta method */
  method: 't' | 'bootstrap' | 'delta' | 'paired';
}

export interface MetricValue {
  /** stable id, e.g. "throughput"; see src/metrics/definitions.ts */
  id: string;
  label: string;
  unit: string;
  direction: Direction;
  /** one sentence saying exactly what is counted */
  definition: string;
  /** mean of the per-trial values (for pooled metrics: pooled over all trials' requests) */
  mean: number;
  /** number of per-trial values */
  n: number;
  /** one value per trial, in trial order */
  values: number[];
  median?: number;
  stddev?: number;
  cv?: number | null;
  min?: number;
  max?: number;
  interval?: Interval | null;
  /** indices into values flagged by the modified Z-score; flagged, never dropped */
  outliers?: number[];
}

export interface PositionAcceptance {
  /** rate(i) = cycles accepting >= i drafts / cycles accepting >= i-1 drafts, i = 1..k */
  conditional: number[];
  /** cycles accepting >= i drafts / all cycles (vLLM-style, unconditional) */
  unconditional: number[];
  cycles: number;
}

export interface LatencyDistribution {
  /** samples pooled (see src/metrics/latency.ts for what one sample is) */
  count: number;
  /** quantiles[q] = q-th percentile in ms, q = 0..100 (numpy linear interpolation) */
  quantiles: number[];
}

export interface TrialRecord {
  trial: number;
  /** id of the attempt whose requests (in requests.jsonl) this trial's figures come from */
  attempt: string;
  startedAt: string;
  wallSeconds: number;
  requests: number;
  /** this trial's value of each metric, keyed by metric id */
  metrics: Record<string, number>;
}

export type CellStatus = 'pending' | 'ok' | 'failed';

export interface Cell {
  /** engine/draft/dataset/T<temperature> */
  id: string;
  engine: string;
  draft: string;
  method: string;
  dataset: string;
  temperature: number;
  status: CellStatus;
  error?: string;
  trials: TrialRecord[];
  metrics: Record<string, MetricValue>;
  positionAcceptance?: PositionAcceptance;
  /** latency distributions pooled over all the cell's requests, keyed by kind (ttft, tpot, itl_token, itl_chunk); schema 2 */
  latency?: Record<string, LatencyDistribution>;
  /** engine log file, relative to the result directory */
  log?: string;
  /** comparisons of this cell against its reference (vanilla of the same engine, dataset, temperature) */
  comparisons?: Record<string, Comparison>;
  /** GPU processes other than the engine seen before the cell ran */
  gpuBusy?: string[];
}

export interface Comparison {
  metric: string;
  reference: string;
  /** 'paired': per-round ratios against the reference's trial of the same round; 'welch': ratio of means (older results have no field) */
  test?: 'paired' | 'welch';
  ratio: number;
  interval: Interval | null;
  /** two-sided p of the test named by `test` */
  p?: number | null;
  welchP: number | null;
  mannWhitneyP: number | null;
  /** Holm-adjusted p over every comparison in the result */
  adjustedP: number | null;
  significant: boolean;
}

export interface AuditFinding {
  check: string;
  severity: 'info' | 'warning' | 'error';
  cell?: string;
  message: string;
}

export interface ResultFile {
  schemaVersion: number;
  tool: { name: 'prism-bench'; version: string };
  runId: string;
  createdAt: string;
  updatedAt: string;
  status: 'running' | 'complete' | 'interrupted';
  suiteFile: string;
  /** the suite after defaults and --quick overrides, exactly as run */
  suite: Record<string, unknown>;
  options: { quick: boolean; targetCi?: number | null; targetMde?: number | null; pair?: string | null };
  fingerprint: Record<string, unknown>;
  /** per engine/draft: version, the engine's info endpoints, and which figures the engine reports itself (the rest are client-measured) */
  engines: Record<string, { version: string; info?: unknown; measures?: Record<string, boolean> }>;
  cells: Cell[];
  audit?: AuditFinding[];
  /** cells whose throughput interval stayed wider than --target-ci after maxTrials */
  targetCiUnmet?: string[];
  /** with --target-mde: the suite-level throughput MDE reached (fraction, 80% power, no threshold), the target, and the rounds run */
  mde?: { throughput: number | null; target: number; design: 'paired' | 'unpaired'; rounds: number };
}

export class ResultError extends Error {}

type Check = (v: unknown) => boolean;
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isStr: Check = (v) => typeof v === 'string';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(file: string, path: string, ok: boolean, expected: string): void {
  if (!ok) throw new ResultError(`${file}: ${path}: expected ${expected} -- the file is not a prism-bench result (or was edited by hand); regenerate it with prism-bench run`);
}

/** Validates the parsed JSON of a result file; throws a one-line ResultError naming file and field. */
export function validateResult(data: unknown, file = 'result.json'): ResultFile {
  need(file, '(top level)', isObj(data), 'a JSON object');
  const r = data as Record<string, unknown>;
  need(file, 'schemaVersion', isNum(r.schemaVersion), 'a number');
  if (!READABLE_SCHEMA_VERSIONS.includes(r.schemaVersion as number)) {
    throw new ResultError(`${file}: schemaVersion: ${String(r.schemaVersion)} is not supported (this prism-bench reads ${READABLE_SCHEMA_VERSIONS.join(' and ')}) -- use the prism-bench version that wrote it, or rerun the suite`);
  }
  need(file, 'runId', isStr(r.runId), 'a string');
  need(file, 'suite', isObj(r.suite), 'an object');
  need(file, 'fingerprint', isObj(r.fingerprint), 'an object');
  need(file, 'engines', isObj(r.engines), 'an object');
  need(file, 'cells', Array.isArray(r.cells), 'an array');
  (r.cells as unknown[]).forEach((c, i) => {
    const p = `cells[${i}]`;
    need(file, p, isObj(c), 'an object');
    const cell = c as Record<string, unknown>;
    for (const k of ['id', 'engine', 'draft', 'method', 'dataset', 'status']) need(file, `${p}.${k}`, isStr(cell[k]), 'a string');
    need(file, `${p}.temperature`, isNum(cell.temperature), 'a number');
    need(file, `${p}.status`, ['pending', 'ok', 'failed'].includes(cell.status as string), 'one of pending, ok, failed');
    need(file, `${p}.metrics`, isObj(cell.metrics), 'an object');
    for (const [name, m] of Object.entries(cell.metrics as Record<string, unknown>)) {
      const mp = `${p}.metrics.${name}`;
      need(file, mp, isObj(m), 'an object');
      const mv = m as Record<string, unknown>;
      need(file, `${mp}.mean`, isNum(mv.mean), 'a finite number');
      need(file, `${mp}.n`, isNum(mv.n), 'a number');
      need(file, `${mp}.values`, Array.isArray(mv.values) && (mv.values as unknown[]).every(isNum), 'an array of numbers');
      need(file, `${mp}.direction`, ['higher', 'lower', 'none'].includes(mv.direction as string), 'one of higher, lower, none');
    }
  });
  return data as ResultFile;
}

export function cellId(engine: string, draft: string, dataset: string, temperature: number): string {
  return `${engine}/${draft}/${dataset}/T${temperature}`;
}
