// The result file (result.json): the only thing `report`, `compare`, `gate` and future
// importers read. Versioned; documented in docs/result-schema.md; validated on load.

import { z } from 'zod';
import { ResultError } from './errors.ts';
import { storedFingerprint, storedSuite, type StoredFingerprint, type StoredSuite } from './stored.ts';
import { isRecord } from '../record.ts';
import { metricTInterval } from '../metrics/scale.ts';
import type { SuiteOverrides } from '../suite/types.ts';

export type { StoredDraft, StoredFingerprint, StoredSuite } from './stored.ts';

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
  /** half the interval's width; reports print "± halfWidth" only for an interval symmetric about the mean */
  halfWidth: number;
  level: number;
  /** t: Student t over per-trial values; bootstrap: percentile bootstrap over requests; delta: log-ratio delta method */
  method: 't' | 'bootstrap' | 'delta' | 'paired';
  /**
   * t intervals only: the scale the interval was formed on (log for positive metrics, logit for
   * rates, else linear; stats/intervals.ts scaledTInterval). Absent in results written before
   * it existed: their t intervals were linear, and loading recomputes those of positive metrics
   * (stats/metric-interval.ts).
   */
  scale?: 'linear' | 'log' | 'logit';
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
  /** imported results only: 'tool' = the other tool wrote this figure, 'derived' = prism-bench computed it from the tool's fields */
  source?: 'tool' | 'derived';
}

export interface PositionAcceptance {
  /** rate(i) = cycles accepting >= i drafts / cycles accepting >= i-1 drafts, i = 1..k */
  conditional: number[];
  /** cycles accepting >= i drafts / all cycles (vLLM-style, unconditional) */
  unconditional: number[];
  cycles: number;
}

/** One smaller tree shape's counts (src/metrics/shape-acceptance.ts). */
export interface ShapeCounts {
  steps: number;
  topK: number;
  /** cycles whose accepted path held this shape's rank-r node: tau(n') = 1 + sum_{r<n'} / cycles */
  acceptedAtRank: number[];
  /** cycles whose count is only a lower bound once the node budget exceeds r */
  censoredAtRank: number[];
}

/** What every smaller EAGLE-2 tree would have accepted, replayed over the measured (widest) one; cells of tree drafts on the reference engine. */
export interface ShapeAcceptance {
  version: 1;
  /** the measured shape */
  steps: number;
  topK: number;
  draftTokens: number;
  cycles: number;
  /** T = 0: exact but for censored cycles; false (T > 0): an approximation */
  greedy: boolean;
  /** one entry per steps' <= steps, topK' <= topK */
  grid: ShapeCounts[];
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
  /**
   * the engine launch (process) that ran the trial: its log is logs/<launch>.log. A process keeps a
   * speed offset of its own while it lives, so trials of one launch are not independent; compare
   * and gate take the launch as the unit. Absent in results written before it was recorded.
   */
  launch?: string;
  startedAt: string;
  wallSeconds: number;
  requests: number;
  /** this trial's value of each metric, keyed by metric id */
  metrics: Record<string, number>;
  /** the engine's server-wide spec-decode counters over the trial (after - before), for engines that keep them (vLLM) */
  engineCounters?: { drafts: number | null; draftTokens: number; acceptedTokens: number; acceptedPerPosition: number[] | null; generation: string };
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
  /** tree drafts on the reference engine: acceptance of every smaller tree shape (shape advice) */
  shapeAcceptance?: ShapeAcceptance;
  /** latency distributions pooled over all the cell's requests, keyed by kind (ttft, tpot, itl_token, itl_chunk); schema 2 */
  latency?: Record<string, LatencyDistribution>;
  /** engine log file, relative to the result directory */
  log?: string;
  /** comparisons of this cell against its reference (vanilla of the same engine, dataset, temperature) */
  comparisons?: Record<string, Comparison>;
  /** GPU processes other than the engine seen before the cell ran */
  gpuBusy?: string[];
  /** merged sweeps: the shard that measured the cell (ResultFile.sweep.shards) */
  shard?: number;
  /** merged sweeps: the hardware fingerprint of the shard that measured the cell */
  fingerprint?: StoredFingerprint;
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
  /** the suite after defaults and --quick overrides, exactly as run (read leniently: see stored.ts) */
  suite: StoredSuite;
  options: { quick: boolean; overrides?: SuiteOverrides; targetCi?: number | null; targetMde?: number | null; pair?: string | null; shard?: ShardOption | null; attach?: AttachOption };
  fingerprint: StoredFingerprint;
  /** per engine/draft: version, the engine's info endpoints, which figures the engine reports itself, and per metric id where it comes from (engine, engine-counters, client, derived) */
  engines: Record<string, { version: string; info?: unknown; measures?: Record<string, boolean>; sources?: Record<string, string> }>;
  cells: Cell[];
  audit?: AuditFinding[];
  /** cells whose throughput interval stayed wider than --target-ci after maxTrials */
  targetCiUnmet?: string[];
  /** with --target-mde: the suite-level throughput MDE reached (fraction, 80% power, no threshold), the target, and the rounds run */
  mde?: { throughput: number | null; target: number; design: 'paired' | 'unpaired'; rounds: number };
  /** a result merged from a sweep's shards (prism-bench merge): the sweep and what each shard held */
  sweep?: SweepInfo;
  /** an imported result: where its figures came from (src/importers/build.ts writes it, report/imported.ts reads it) */
  import?: unknown;
}

/** ResultFile.sweep: a merged result's shards (src/sweep/merge.ts). */
export interface SweepInfo {
  sweepId: string;
  /** the sweep directory, relative to the merged result's directory */
  dir: string;
  shards: {
    index: number;
    units: string[];
    /** what the shard's files said when merged: complete, interrupted, unfinished, missing or damaged */
    state: string;
    dir: string;
    runId: string | null;
    slurmJob: string | null;
    hostname: string | null;
    cells: { ok: number; failed: number; pending: number };
  }[];
}

/**
 * What a server's own info endpoints say it runs (run --base-url); null where they do not say.
 * Draft fields use the suite's names (steps, topK, verifiedTokens with the root, draftedTokens without).
 */
export interface ServerSettings {
  /** the engine behind the URL as it names itself (server_info's engine, /v1/models' owned_by) */
  engine: string | null;
  version: string | null;
  /** the target model it serves (SGLang's model_path, the OpenAI API's model id) */
  model: string | null;
  /** the engine's own name for its speculative method (SGLang's speculative_algorithm), or null */
  algorithm: string | null;
  /** the suite draft methods that algorithm can be (SGLang's EAGLE: eagle, hass, hass2); null when the server does not say */
  methods: string[] | null;
  steps: number | null;
  topK: number | null;
  verifiedTokens: number | null;
  draftedTokens: number | null;
  ngramMin: number | null;
  ngramMax: number | null;
  draftModel: string | null;
  /** the endpoints these figures were read from */
  read: string[];
}

/** `run --base-url URL --engine-kind K`: the server the run attached to instead of launching one. */
export interface AttachOption {
  baseUrl: string;
  kind: string;
  /** --draft-label as given */
  draftLabel?: string;
  /** the draft label of the cells, and what named it: the server's info, the suite's only draft the server's algorithm fits, or --draft-label */
  draft: string;
  draftFrom: 'server' | 'suite' | 'flag';
  server: ServerSettings;
  /** settings the harness could not verify from the server, one line each (each an audit warning) */
  unverified: string[];
}

/** `run --shard i/n`: which shard of a sweep this result holds (src/runner/shard.ts). */
export interface ShardOption {
  index: number;
  count: number;
  /** the engine/dataset groups the shard ran, e.g. ["reference/chat"] */
  units: string[];
  /** the Slurm job it ran in (array job id _ task id), when it ran under Slurm */
  slurmJob?: string;
}

export { ResultError }; // in errors.ts, which the CLI's error handling loads without zod

// The schema in zod: what the loader checks (the fields report, compare, gate and resume read)
// and what `prism-bench schema result` publishes as JSON Schema (schemas/result.schema.json).
// Objects are open: new fields may be added without a version bump.
const want = (expected: string) => ({ error: () => expected });
const num = (d: string) => z.number(want('a finite number')).meta({ description: d });
const str = (d: string) => z.string(want('a string')).meta({ description: d });
const numOrNull = (d: string) => z.number(want('a number or null')).nullable().meta({ description: d });

const intervalSchema = z.looseObject({
  low: num('lower bound'), high: num('upper bound'), halfWidth: num('half the width'), level: num('confidence level, e.g. 0.95'),
  method: z.enum(['t', 'bootstrap', 'delta', 'paired'], want('one of t, bootstrap, delta, paired')),
  scale: z.enum(['linear', 'log', 'logit'], want('one of linear, log, logit')).optional()
    .meta({ description: 't intervals: the scale the interval was formed on (log for positive metrics, logit for rates); absent in older results (linear)' }),
}, want('an object')).nullable();

const metricSchema = z.looseObject({
  id: str('metric id, see src/metrics/definitions.ts').optional(),
  label: str('label in reports').optional(),
  unit: str('unit').optional(),
  direction: z.enum(['higher', 'lower', 'none'], want('one of higher, lower, none')).meta({ description: 'which way is better' }),
  definition: str('one sentence saying exactly what is counted').optional(),
  mean: num('mean of the per-trial values (pooled metrics: over all requests)'),
  n: num('number of per-trial values'),
  values: z.array(z.number(), want('an array of numbers')).meta({ description: 'one value per trial, in trial order' }),
  median: num('').optional(), stddev: num('').optional(), cv: numOrNull('coefficient of variation').optional(),
  min: num('').optional(), max: num('').optional(),
  interval: intervalSchema.optional(),
  outliers: z.array(z.int()).optional().meta({ description: 'indices into values flagged by the modified Z-score; flagged, never dropped' }),
  source: z.enum(['tool', 'derived'], want('one of tool, derived')).optional().meta({ description: "imported results only: 'tool' = the other tool wrote this figure, 'derived' = prism-bench computed it from the tool's fields" }),
}, want('an object'));

const trialSchema = z.looseObject({
  trial: num('round number, from 1'),
  attempt: str('ties the trial to its lines in requests.jsonl'),
  launch: str('the engine launch that ran the trial (its log: logs/<launch>.log); trials of one launch share its speed offset').optional(),
  startedAt: str('ISO time'),
  wallSeconds: num('wall time of the trial'),
  requests: num('requests in the trial'),
  metrics: z.record(z.string(), z.number(), want('an object of numbers')).meta({ description: "this trial's value of each metric" }),
}, want('an object'));

const count = (what: string) => z.int(want('a whole number')).min(0, want('a count of 0 or more')).meta({ description: what });
const counts = (what: string) => z.array(z.int().min(0), want('an array of counts')).meta({ description: what });
const shapeAcceptanceSchema = z.looseObject({
  version: z.literal(1, want('1 (the only version this prism-bench reads)')),
  steps: count('draft steps of the measured tree'), topK: count('top-k of the measured tree'), draftTokens: count('draft tokens of the measured tree'),
  cycles: count('verify cycles counted'),
  greedy: z.boolean(want('true or false')).meta({ description: 'T = 0: exact but for censored cycles; false: an approximation' }),
  grid: z.array(z.looseObject({
    steps: count("steps'"), topK: count("top-k'"),
    acceptedAtRank: counts("cycles whose accepted path held the shape's rank-r node"),
    censoredAtRank: counts('cycles whose count is a lower bound once the node budget exceeds r'),
  }, want('an object')).refine((g) => g.acceptedAtRank.length === g.censoredAtRank.length, 'acceptedAtRank and censoredAtRank must be as long as each other'), want('an array')),
}, want('an object')).meta({ description: 'tree drafts on the reference engine: what every smaller tree shape would have accepted (docs/projection.md, shape advice)' });

const cellSchema = z.looseObject({
  id: str('engine/draft/dataset/T<temperature>'),
  engine: str('engine label'), draft: str('draft name'), method: str('draft method'), dataset: str('dataset name'),
  temperature: num('sampling temperature'),
  status: z.enum(['pending', 'ok', 'failed'], want('one of pending, ok, failed')),
  error: str('why the cell failed').optional(),
  trials: z.array(trialSchema, want('an array')).optional(),
  metrics: z.record(z.string(), metricSchema, want('an object')).meta({ description: 'keyed by metric id' }),
  positionAcceptance: z.looseObject({ conditional: z.array(z.number()), unconditional: z.array(z.number()), cycles: z.number() }).optional(),
  shapeAcceptance: shapeAcceptanceSchema.optional(),
  log: str('engine log, relative to the run directory').optional(),
  comparisons: z.record(z.string(), z.looseObject({ metric: z.string(), reference: z.string(), ratio: z.number(), interval: intervalSchema })).optional(),
  gpuBusy: z.array(z.string()).optional(),
  shard: z.int().min(1).optional().meta({ description: 'merged sweeps: the shard that measured the cell' }),
  fingerprint: z.record(z.string(), z.unknown()).optional().meta({ description: "merged sweeps: the hardware fingerprint of the cell's shard" }),
}, want('an object'));

/** The result file's schema (open objects: fields may be added without a version bump). */
export const RESULT_SCHEMA = z.looseObject({
  // why: z.union wants a tuple type; the list of readable versions is a plain array
  schemaVersion: z.union(READABLE_SCHEMA_VERSIONS.map((v) => z.literal(v)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>], want(READABLE_SCHEMA_VERSIONS.join(' or '))).meta({ description: 'result schema version (1 or 2; this prism-bench writes the latest)' }),
  tool: z.looseObject({ name: z.literal('prism-bench'), version: z.string() }, want('an object')).optional(),
  runId: str('UUID of the run'),
  createdAt: str('ISO time').optional(),
  updatedAt: str('ISO time').optional(),
  status: z.enum(['running', 'complete', 'interrupted'], want('one of running, complete, interrupted')).optional(),
  suiteFile: str('the suite file (used by --resume)').optional(),
  suite: z.record(z.string(), z.unknown(), want('an object')).meta({ description: 'the suite as run: defaults, --quick and command-line overrides applied' }),
  options: z.looseObject({
    quick: z.boolean(),
    overrides: z.looseObject({
      prompts: z.int().optional(), trials: z.int().optional(), seed: z.int().optional(), maxNewTokens: z.int().optional(), temperatures: z.array(z.number()).optional(),
      drafts: z.array(z.string()).optional(), datasets: z.array(z.string()).optional(), engines: z.array(z.string()).optional(),
    }, want('an object')).optional().meta({ description: "run's command-line overrides (--trials, --drafts, ...), applied after --quick; the suite above is the overridden one" }),
    targetCi: z.number().nullable().optional(), targetMde: z.number().nullable().optional(), pair: z.string().nullable().optional(),
    shard: z.looseObject({ index: z.int().min(1), count: z.int().min(1), units: z.array(z.string()), slurmJob: z.string().optional() }, want('an object')).nullable().optional()
      .meta({ description: 'run --shard i/n: the shard of a sweep this result holds' }),
    attach: z.looseObject({
      baseUrl: z.string(), kind: z.string(), draftLabel: z.string().optional(), draft: z.string(), draftFrom: z.enum(['server', 'suite', 'flag']),
      server: z.record(z.string(), z.unknown()), unverified: z.array(z.string()),
    }, want('an object')).optional()
      .meta({ description: 'run --base-url: the server attached to (nothing launched), what its info endpoints said, and what could not be verified' }),
  }, want('an object')).optional(),
  fingerprint: z.record(z.string(), z.unknown(), want('an object')).meta({ description: 'hardware fingerprint' }),
  engines: z.record(z.string(), z.unknown(), want('an object')).meta({ description: 'per engine/draft: version, info endpoints, measures' }),
  cells: z.array(cellSchema, want('an array')).meta({ description: 'one per engine x draft x dataset x temperature' }),
  audit: z.array(z.looseObject({ check: z.string(), severity: z.enum(['info', 'warning', 'error']), cell: z.string().optional(), message: z.string() })).optional(),
  targetCiUnmet: z.array(z.string()).optional(),
  mde: z.looseObject({ throughput: z.number().nullable(), target: z.number(), design: z.enum(['paired', 'unpaired']), rounds: z.number() }).optional(),
  sweep: z.looseObject({
    sweepId: z.string(), dir: z.string(),
    shards: z.array(z.looseObject({
      index: z.int().min(1), units: z.array(z.string()), state: z.string(), dir: z.string(),
      runId: z.string().nullable(), slurmJob: z.string().nullable(), hostname: z.string().nullable(),
      cells: z.looseObject({ ok: z.number(), failed: z.number(), pending: z.number() }),
    })),
  }, want('an object')).optional().meta({ description: 'a result merged from a sweep (prism-bench merge): the sweep and each shard' }),
}, want('a JSON object')).meta({
  title: 'prism-bench result',
  description: 'result.json of a prism-bench run (docs/result-schema.md)',
});

const pathText = (segs: readonly PropertyKey[]) =>
  segs.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), '') || '(top level)';

/** Validates the parsed JSON of a result file; throws a one-line ResultError naming file and field. */
export function validateResult(data: unknown, file = 'result.json'): ResultFile {
  const version = isRecord(data) ? data.schemaVersion : undefined;
  if (typeof version === 'number' && !READABLE_SCHEMA_VERSIONS.includes(version)) {
    throw new ResultError(`${file}: schemaVersion: ${String(version)} is not supported (this prism-bench reads ${READABLE_SCHEMA_VERSIONS.join(' and ')}) -- use the prism-bench version that wrote it, or rerun the suite`);
  }
  const r = RESULT_SCHEMA.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ResultError(`${file}: ${pathText(issue.path)}: expected ${issue.message} -- the file is not a prism-bench result (or was edited by hand); regenerate it with prism-bench run`);
  }
  // why: the schema checks the fields readers rely on (the file's own key order kept); the rest is as prism-bench wrote it
  const result = data as ResultFile;
  return {
    ...result,
    suite: storedSuite(result.suite),
    fingerprint: storedFingerprint(result.fingerprint),
    cells: result.cells.map((c) => {
      const metrics = rescaledMetrics(c.metrics);
      const cell = metrics === c.metrics ? c : { ...c, metrics };
      return cell.fingerprint === undefined ? cell : { ...cell, fingerprint: storedFingerprint(cell.fingerprint) };
    }),
  };
}

/**
 * A t interval without a scale was written before intervals had one: it is linear, and for a
 * positive metric it can reach below 0 (a throughput "from -21 tok/s"). It is recomputed from the
 * stored per-trial values by the rule new results follow (metrics/scale.ts), so every report of
 * any result shows the same kind of interval (baselines too: gate/baseline.ts). Returns `metrics`
 * itself when nothing changed.
 */
export function rescaledMetrics<M extends Pick<MetricValue, 'unit' | 'values' | 'interval'>>(metrics: Record<string, M>): Record<string, M> {
  let out = metrics;
  for (const [id, m] of Object.entries(metrics)) {
    const iv = m.interval;
    if (!iv || iv.method !== 't' || iv.scale !== undefined) continue;
    const scaled = metricTInterval(m.unit, m.values, iv.level);
    if (!scaled) continue;
    if (out === metrics) out = { ...metrics };
    out[id] = { ...m, interval: scaled };
  }
  return out;
}

export function cellId(engine: string, draft: string, dataset: string, temperature: number): string {
  return `${engine}/${draft}/${dataset}/T${temperature}`;
}
