// Hand-built results for the gate, compare and baseline tests: cells with chosen per-trial values.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { metricDefinition } from '../../src/metrics/definitions.ts';
import { metricTInterval } from '../../src/metrics/scale.ts';
import { cellId, type Cell, type MetricValue, type ResultFile, type StoredDraft } from '../../src/result/schema.ts';
import { comparableFromResult, type Comparable } from '../../src/gate/comparable.ts';

/** Fixed, zero-sum deviations: values = mean * (1 + cv * Z[i]) have exactly the requested mean. */
const Z = [-1.2, 0.3, 0.9, -0.4, 0.4, 1.1, -1.1, 0.0];

/** n per-trial values with mean `mean` and roughly `cv` relative spread (deterministic). */
export function trials(mean: number, cv: number, n = 5): number[] {
  const z = Z.slice(0, n);
  const shift = z.reduce((a, b) => a + b, 0) / n;
  return z.map((d) => mean * (1 + cv * (d - shift)));
}

export function metric(id: string, values: number[]): MetricValue {
  const def = metricDefinition(id);
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return {
    id,
    label: def?.label ?? id,
    unit: def?.unit ?? '',
    direction: def?.direction ?? 'higher',
    definition: def?.definition ?? '',
    mean,
    n,
    values,
    stddev: sd,
    interval: metricTInterval(def?.unit, values),
  };
}

export interface CellSpec {
  engine?: string;
  draft?: string;
  dataset?: string;
  temperature?: number;
  status?: Cell['status'];
  error?: string;
  /** metric id -> per-trial values */
  metrics?: Record<string, number[]>;
}

export function makeCell(spec: CellSpec = {}): Cell {
  const engine = spec.engine ?? 'reference';
  const draft = spec.draft ?? 'ngram';
  const dataset = spec.dataset ?? 'chat';
  const temperature = spec.temperature ?? 0;
  const metrics = spec.metrics ?? { throughput: trials(80, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) };
  return {
    id: cellId(engine, draft, dataset, temperature),
    engine,
    draft,
    method: draft,
    dataset,
    temperature,
    status: spec.status ?? 'ok',
    ...(spec.error !== undefined ? { error: spec.error } : {}),
    trials: [],
    metrics: Object.fromEntries(Object.entries(metrics).map(([id, v]) => [id, metric(id, v)])),
  };
}

export function fingerprint(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cpu: { manufacturer: 'AMD', brand: 'EPYC 7B13', model: '1', physicalCores: 8, logicalCores: 16, speedGHz: 2.45 },
    memory: { totalBytes: 64 * 2 ** 30 },
    os: { platform: 'linux', distro: 'Ubuntu', release: '22.04', kernel: '6.5.0', arch: 'x64' },
    node: { version: 'v20.19.5' },
    gpus: [{ index: 0, uuid: 'GPU-1', name: 'NVIDIA H100 80GB HBM3', pciBusId: null, driverVersion: '550.54.15', memoryTotalMiB: 81559, maxSmClockMHz: 1980, maxMemoryClockMHz: 2619, powerLimitW: 700, persistenceMode: true, computeCapability: '9.0' }],
    collectedAt: '2025-03-14T09:26:50.000Z',
    hostname: 'bench-a',
    ...overrides,
  };
}

export function settings(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    target: 'prism-tiny-target', temperatures: [0], topP: 1, topK: -1, maxNewTokens: 64, ignoreEos: true,
    batchSize: 1, prompts: 8, seed: 7, warmup: 1, trials: 5, maxTrials: 10, ...overrides,
  };
}

export interface ResultSpec {
  runId?: string;
  cells?: Cell[];
  fingerprint?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  drafts?: StoredDraft[];
}

export function makeResult(spec: ResultSpec = {}): ResultFile {
  const cells = spec.cells ?? [makeCell({ draft: 'vanilla' }), makeCell({ draft: 'ngram' })];
  return {
    schemaVersion: 1,
    tool: { name: 'prism-bench', version: '0.1.0' },
    runId: spec.runId ?? 'run-a',
    createdAt: '2025-03-14T09:26:53.000Z',
    updatedAt: '2025-03-14T09:41:05.000Z',
    status: 'complete',
    suiteFile: 'suites/test.yaml',
    suite: {
      version: 1,
      name: 'test',
      engines: [{ name: 'reference', options: {} }],
      drafts: spec.drafts ?? [{ name: 'vanilla', method: 'vanilla' }, { name: 'ngram', method: 'ngram', draftedTokens: 4, ngramMin: 1, ngramMax: 3 }],
      datasets: [{ name: 'chat' }],
      settings: spec.settings ?? settings(),
    },
    options: { quick: false, targetCi: null },
    fingerprint: spec.fingerprint ?? fingerprint(),
    engines: { reference: { version: '0.1.0' } },
    cells,
  };
}

export function comparable(spec: ResultSpec = {}): Comparable {
  return comparableFromResult(makeResult(spec), `${spec.runId ?? 'run-a'}/result.json`);
}

/** A temporary folder removed after the test. */
export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'prism-gate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes the result as DIR/NAME/result.json and returns the run directory. */
export function writeRun(dir: string, name: string, result: ResultFile): string {
  const runDir = join(dir, name);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'result.json'), JSON.stringify(result, null, 2));
  return runDir;
}

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/prism-bench.js ...args` as a child process from the repository root. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const base = { ...process.env };
  delete base.GITHUB_STEP_SUMMARY;
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'prism-bench.js'), ...args], {
    cwd: REPO,
    env: { ...base, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
