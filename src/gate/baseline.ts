// Baselines: a compact, committed copy of one result (baselines/NAME.json) that later runs are
// gated against. Only what a comparison needs is kept: the hardware fingerprint and suite as run
// (to refuse unfair comparisons) and, per cell and metric, the per-trial values (the statistical
// tests need them, a mean alone would not do). Format documented in baselines/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rescaledMetrics, type Direction, type Interval, type ResultFile } from '../result/schema.ts';
import { storedFingerprint, storedSuite, type StoredFingerprint, type StoredSuite } from '../result/stored.ts';
import { isRecord } from '../record.ts';
import { writeFileAtomic } from '../result/store.ts';
import { compactCells, type ComparableCell, type ComparableMetric } from './cells.ts';
import { PrismInputError, messageOf, errnoCode } from '../errors.ts';

export const BASELINE_SCHEMA_VERSION = 1;
export const BASELINE_KIND = 'prism-bench-baseline';

export type BaselineMetric = ComparableMetric;
export type BaselineCell = ComparableCell;

export interface Baseline {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  kind: typeof BASELINE_KIND;
  name: string;
  createdAt: string;
  /** the run the numbers come from */
  source: { runId: string; createdAt: string; suiteFile?: string; toolVersion?: string };
  fingerprint: StoredFingerprint;
  /** the suite as run (settings, engines, drafts, datasets) */
  suite: StoredSuite;
  engines?: Record<string, { version: string }>;
  cells: BaselineCell[];
}

/** A baseline file that cannot be read or is malformed: one line naming file and field; exit code 2. */
export class BaselineError extends PrismInputError {
  override name = 'BaselineError';
}

/** Baseline names become file names: letters, digits, '.', '_' and '-', not starting with '.'. */
export const BASELINE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

export function checkBaselineName(name: string): void {
  if (!BASELINE_NAME.test(name)) {
    throw new BaselineError(`baseline name '${name}': use 1-100 letters, digits, '.', '_' or '-' (not starting with '.'), e.g. main or h100-default`);
  }
}

/** Builds the baseline of a validated result. */
export function makeBaseline(result: ResultFile, name: string, now: Date = new Date()): Baseline {
  checkBaselineName(name);
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    kind: BASELINE_KIND,
    name,
    createdAt: now.toISOString(),
    source: {
      runId: result.runId,
      createdAt: result.createdAt,
      ...(typeof result.suiteFile === 'string' ? { suiteFile: result.suiteFile } : {}),
      ...(typeof result.tool?.version === 'string' ? { toolVersion: result.tool.version } : {}),
    },
    fingerprint: structuredClone(result.fingerprint),
    suite: structuredClone(result.suite),
    engines: Object.fromEntries(Object.entries(result.engines ?? {}).map(([k, v]) => [k, { version: v.version }])),
    cells: compactCells(result),
  };
}

/** The path saveBaseline writes: DIR/NAME.json. */
export function baselinePath(dir: string, name: string): string {
  checkBaselineName(name);
  return join(dir, `${name}.json`);
}

/** Writes DIR/NAME.json atomically (temp file + rename) and returns its path. */
export function saveBaseline(dir: string, baseline: Baseline): string {
  const path = baselinePath(dir, baseline.name);
  writeFileAtomic(path, JSON.stringify(baseline, null, 2) + '\n');
  return path;
}

// ---------------------------------------------------------------------------------------------
// Validation

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isDirection = (v: unknown): v is Direction => DIRECTIONS.some((d) => d === v);
const isStatus = (v: unknown): v is BaselineCell['status'] => v === 'pending' || v === 'ok' || v === 'failed';
const DIRECTIONS: readonly Direction[] = ['higher', 'lower', 'none'];

function need(file: string, field: string, ok: boolean, expected: string): asserts ok {
  if (!ok) {
    throw new BaselineError(`${file}: ${field}: expected ${expected} -- the file is not a prism-bench baseline (or was edited by hand); recreate it with prism-bench baseline save`);
  }
}

function validInterval(v: unknown): v is Interval {
  return isRecord(v) && isNum(v.low) && isNum(v.high);
}

/** Validates parsed baseline JSON; throws a one-line BaselineError naming file and field. */
export function validateBaseline(data: unknown, file = 'baseline.json'): Baseline {
  need(file, '(top level)', isRecord(data), 'a JSON object');
  const b = data;
  need(file, 'kind', b.kind === BASELINE_KIND, `"${BASELINE_KIND}"`);
  need(file, 'schemaVersion', isNum(b.schemaVersion), 'a number');
  if (b.schemaVersion !== BASELINE_SCHEMA_VERSION) {
    throw new BaselineError(`${file}: schemaVersion: ${String(b.schemaVersion)} is not supported (this prism-bench reads ${BASELINE_SCHEMA_VERSION}) -- recreate the baseline with prism-bench baseline save`);
  }
  need(file, 'name', isStr(b.name) && b.name.length > 0, 'a non-empty string');
  need(file, 'createdAt', isStr(b.createdAt), 'a string (ISO 8601 time)');
  const source = b.source;
  need(file, 'source', isRecord(source), 'an object');
  need(file, 'source.runId', isStr(source.runId), 'a string');
  need(file, 'source.createdAt', isStr(source.createdAt), 'a string');
  need(file, 'fingerprint', isRecord(b.fingerprint), 'an object');
  need(file, 'suite', isRecord(b.suite), 'an object');
  if (b.engines !== undefined) need(file, 'engines', isRecord(b.engines), 'an object');
  const cells = b.cells;
  need(file, 'cells', Array.isArray(cells), 'an array');
  const ids = new Set<string>();
  cells.forEach((cell: unknown, i) => {
    const p = `cells[${i}]`;
    need(file, p, isRecord(cell), 'an object');
    for (const k of ['engine', 'draft', 'dataset']) need(file, `${p}.${k}`, isStr(cell[k]), 'a string');
    const id = cell.id;
    need(file, `${p}.id`, isStr(id), 'a string');
    need(file, `${p}.id`, !ids.has(id), `a cell id not used before ('${id}' repeats)`);
    ids.add(id);
    need(file, `${p}.temperature`, isNum(cell.temperature), 'a number');
    need(file, `${p}.status`, isStatus(cell.status), 'one of pending, ok, failed');
    if (cell.error !== undefined) need(file, `${p}.error`, isStr(cell.error), 'a string');
    const metrics = cell.metrics;
    need(file, `${p}.metrics`, isRecord(metrics), 'an object');
    for (const [name, mv] of Object.entries(metrics)) {
      const mp = `${p}.metrics.${name}`;
      need(file, mp, isRecord(mv), 'an object');
      need(file, `${mp}.id`, isStr(mv.id), 'a string');
      need(file, `${mp}.unit`, isStr(mv.unit), 'a string');
      need(file, `${mp}.direction`, isDirection(mv.direction), 'one of higher, lower, none');
      need(file, `${mp}.mean`, isNum(mv.mean), 'a finite number');
      need(file, `${mp}.n`, isNum(mv.n), 'a number');
      const values = mv.values;
      need(file, `${mp}.values`, Array.isArray(values) && values.every(isNum), 'an array of finite numbers');
      // rounds and launches: optional (baselines saved before they were kept have neither), one per value
      need(file, `${mp}.rounds`, mv.rounds === undefined || (Array.isArray(mv.rounds) && mv.rounds.length === values.length && mv.rounds.every(isNum)), 'absent, or an array of numbers, one per value');
      need(file, `${mp}.launches`, mv.launches === undefined || (Array.isArray(mv.launches) && mv.launches.length === values.length && mv.launches.every(isStr)), 'absent, or an array of strings, one per value');
      need(file, `${mp}.interval`, mv.interval === undefined || mv.interval === null || validInterval(mv.interval), 'null or an object with numbers low and high');
      if (mv.interval === undefined) mv.interval = null;
    }
  });
  // why: every field a comparison reads was checked above; the rest is as baseline save wrote it
  const checked = data as unknown as Baseline;
  const cellsRescaled = checked.cells.map((c) => {
    const metrics = rescaledMetrics(c.metrics);
    return metrics === c.metrics ? c : { ...c, metrics };
  });
  return { ...checked, suite: storedSuite(checked.suite), fingerprint: storedFingerprint(checked.fingerprint), cells: cellsRescaled };
}

/** Reads and validates a baseline file; one-line BaselineError naming file and field on any problem. */
export function loadBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    const hint = code === 'EISDIR' ? 'name the baseline file inside it, e.g. baselines/main.json' : 'create one with prism-bench baseline save RESULT --name NAME';
    throw new BaselineError(`${path}: cannot read (${code ?? String(e)}) -- ${hint}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${path}: not valid JSON (${messageOf(e).split('\n')[0]}) -- the file is damaged; recreate it with prism-bench baseline save`);
  }
  return validateBaseline(data, path);
}
