// The common shape `compare` and `gate` work on: either side may be a result.json, a run
// directory holding one, or a baseline file (baselines/NAME.json). Only what a comparison needs
// is kept: per cell its identity, status and, per metric, direction, mean and per-trial values.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ResultError, validateResult, type ResultFile, type StoredFingerprint, type StoredSuite } from '../result/schema.ts';
import { isRecord } from '../record.ts';
import { BASELINE_KIND, validateBaseline, type Baseline } from './baseline.ts';
import { compactCells, type ComparableCell, type ComparableMetric } from './cells.ts';
import { PrismInputError, messageOf, errnoCode } from '../errors.ts';

export { compactCells, type ComparableCell, type ComparableMetric };

export interface Comparable {
  kind: 'result' | 'baseline';
  /** the file it was read from ('' when built in memory) */
  path: string;
  /** how reports name it: the baseline's name, or the result's run id */
  label: string;
  /** the run the numbers come from (for a baseline: the run it was made from) */
  runId: string;
  createdAt: string;
  /** HardwareFingerprint as recorded (see src/hardware/types.ts), read leniently */
  fingerprint: StoredFingerprint;
  /** the suite as run: settings, engines, drafts, datasets */
  suite: StoredSuite;
  cells: ComparableCell[];
}

/** An input that cannot be loaded: one line naming the file (and field); the CLI exits 2. */
export class InputError extends PrismInputError {
  override name = 'InputError';
}

/** A validated result as a Comparable. */
export function comparableFromResult(result: ResultFile, path = ''): Comparable {
  return {
    kind: 'result',
    path,
    label: result.runId,
    runId: result.runId,
    createdAt: result.createdAt,
    fingerprint: result.fingerprint,
    suite: result.suite,
    cells: compactCells(result),
  };
}

/**
 * The two engines of a paired run as two Comparables whose cells are named without the engine
 * (draft/dataset/temperature), so they match one to one. InputError when an engine is not in the run.
 */
export function pairedSides(run: Comparable, baseEngine: string, headEngine: string): { base: Comparable; head: Comparable } {
  const engines = [...new Set(run.cells.map((c) => c.engine))];
  for (const e of [baseEngine, headEngine]) {
    if (!engines.includes(e)) throw new InputError(`${run.path || run.label}: --pair names engine '${e}', but the run's engines are ${engines.map((x) => `'${x}'`).join(', ')} -- use the engine labels of the suite`);
  }
  if (baseEngine === headEngine) throw new InputError(`--pair ${baseEngine}:${headEngine}: name two different engines`);
  const sideOf = (engine: string): Comparable => ({
    ...run,
    label: `${run.label} engine ${engine}`,
    cells: run.cells.filter((c) => c.engine === engine).map((c) => ({ ...c, id: `${c.draft}/${c.dataset}/T${c.temperature}` })),
  });
  return { base: sideOf(baseEngine), head: sideOf(headEngine) };
}

/** A validated baseline as a Comparable. */
export function comparableFromBaseline(baseline: Baseline, path = ''): Comparable {
  return {
    kind: 'baseline',
    path,
    label: baseline.name,
    runId: baseline.source.runId,
    createdAt: baseline.createdAt,
    fingerprint: baseline.fingerprint,
    suite: baseline.suite,
    cells: baseline.cells.map((c) => ({ ...c, metrics: { ...c.metrics } })),
  };
}

/** Reads and parses a JSON file; a directory means the result.json inside it. */
export function readJsonInput(pathOrDir: string): { path: string; data: unknown } {
  let path = pathOrDir;
  try {
    if (statSync(pathOrDir).isDirectory()) path = join(pathOrDir, 'result.json');
  } catch (e) {
    throw new InputError(`${pathOrDir}: cannot read (${errnoCode(e) ?? String(e)}) -- pass a result.json, the run directory that holds one, or a baseline file`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${path}: cannot read (${errnoCode(e) ?? String(e)}) -- pass a result.json, the run directory that holds one, or a baseline file`);
  }
  try {
    return { path, data: JSON.parse(text) };
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${messageOf(e).split('\n')[0]}) -- the file is damaged; regenerate it`);
  }
}

/** Loads a result.json (or the one inside a run directory) and validates it; InputError on any problem. */
export function loadResultInput(pathOrDir: string): { path: string; result: ResultFile } {
  const { path, data } = readJsonInput(pathOrDir);
  if (isRecord(data) && data.kind === BASELINE_KIND) {
    throw new InputError(`${path}: is a baseline, not a result -- pass a result.json or the run directory that holds one`);
  }
  try {
    return { path, result: validateResult(data, path) };
  } catch (e) {
    if (e instanceof ResultError) throw new InputError(e.message);
    throw e;
  }
}

/**
 * Loads either side of a comparison: a baseline file (recognised by `"kind": "prism-bench-baseline"`),
 * a result.json, or a run directory holding one. Throws a one-line error naming the file and field
 * (InputError or BaselineError; both carry exitCode 2).
 */
export function loadComparable(pathOrDir: string): Comparable {
  const { path, data } = readJsonInput(pathOrDir);
  const kind = isRecord(data) ? data.kind : undefined;
  if (kind === BASELINE_KIND) return comparableFromBaseline(validateBaseline(data, path), path);
  try {
    return comparableFromResult(validateResult(data, path), path);
  } catch (e) {
    if (e instanceof ResultError) throw new InputError(e.message);
    throw e;
  }
}
