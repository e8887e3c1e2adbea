// Hand-built results and request records for the audit tests.
import { RESULT_SCHEMA_VERSION, cellId, type Cell, type MetricValue, type ResultFile } from '../../src/result/schema.ts';
import type { RequestRecord } from '../../src/metrics/records.ts';
import type { HardwareFingerprint } from '../../src/hardware/types.ts';

export function metric(id: string, values: number[], extra: Partial<MetricValue> = {}): MetricValue {
  const mean = values.reduce((a, x) => a + x, 0) / values.length;
  return { id, label: id, unit: id === 'throughput' ? 'tok/s' : '', direction: 'higher', definition: id, mean, n: values.length, values, ...extra };
}

export interface CellSpec {
  engine?: string;
  draft?: string;
  method?: string;
  dataset?: string;
  temperature?: number;
  status?: Cell['status'];
  trials?: number;
  error?: string;
  log?: string;
  gpuBusy?: string[];
  metrics?: Record<string, MetricValue>;
}

/** A cell with `trials` trials (attempts "<id>#<trial>"), steady throughput unless metrics are given. */
export function makeCell(spec: CellSpec = {}): Cell {
  const engine = spec.engine ?? 'reference';
  const draft = spec.draft ?? 'vanilla';
  const dataset = spec.dataset ?? 'chat';
  const temperature = spec.temperature ?? 0;
  const id = cellId(engine, draft, dataset, temperature);
  const n = spec.trials ?? 2;
  const cell: Cell = {
    id, engine, draft, method: spec.method ?? draft, dataset, temperature, status: spec.status ?? 'ok',
    trials: Array.from({ length: n }, (_, i) => ({
      trial: i + 1, attempt: `${id}#${i + 1}`, startedAt: '2025-01-01T00:00:00.000Z', wallSeconds: 1, requests: 1, metrics: {},
    })),
    metrics: spec.metrics ?? { throughput: metric('throughput', Array.from({ length: n }, () => 100)) },
  };
  if (spec.error !== undefined) cell.error = spec.error;
  if (spec.log !== undefined) cell.log = spec.log;
  if (spec.gpuBusy !== undefined) cell.gpuBusy = spec.gpuBusy;
  return cell;
}

export const SETTINGS = {
  target: 'prism-tiny-target', temperatures: [0, 1], topP: 1, topK: -1, maxNewTokens: 64, ignoreEos: true,
  batchSize: 1, prompts: 4, seed: 7, warmup: 1, trials: 2, maxTrials: 10,
};

export function makeFingerprint(over: Partial<HardwareFingerprint> = {}): HardwareFingerprint {
  return {
    cpu: { manufacturer: 'AMD', brand: 'EPYC 7B13', model: '1', physicalCores: 32, logicalCores: 64, speedGHz: 2.45 },
    memory: { totalBytes: 270_000_000_000 },
    os: { platform: 'linux', distro: 'Ubuntu', release: '22.04', kernel: '5.15.0', arch: 'x64' },
    node: { version: 'v20.19.2' },
    gpus: [],
    collectedAt: '2025-01-01T00:00:00.000Z',
    hostname: 'bench-a',
    ...over,
  };
}

export function makeResult(cells: Cell[], over: { runId?: string; settings?: Record<string, unknown>; fingerprint?: Record<string, unknown> } = {}): ResultFile {
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'prism-bench', version: '0.1.0' },
    runId: over.runId ?? 'run-a',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    status: 'complete',
    suiteFile: 'suites/test.yaml',
    suite: { version: 1, name: 'test', settings: over.settings ?? { ...SETTINGS } },
    options: { quick: false },
    fingerprint: over.fingerprint ?? makeFingerprint(),
    engines: {},
    cells,
  };
}

export const PROMPTS = ['chat-01', 'chat-02', 'chat-03', 'chat-04', 'chat-05'];

/** Greedy-looking output: depends on prompt and turn only. */
export const greedyHash = (promptId: string, turn: number): string => `greedy:${promptId}:${turn}`;

/**
 * One record per prompt x turn x trial of the cell, attempts as makeCell names them.
 * `hash` gives each output's hash (default: the greedy hash, the same for every trial).
 */
export function makeRecords(cell: Cell, opts: { prompts?: string[]; turns?: number; hash?: (promptId: string, turn: number, trial: number) => string } = {}): RequestRecord[] {
  const hash = opts.hash ?? ((p, t) => greedyHash(p, t));
  const out: RequestRecord[] = [];
  for (const t of cell.trials) {
    for (const promptId of opts.prompts ?? PROMPTS) {
      for (let turn = 0; turn < (opts.turns ?? 1); turn++) {
        out.push({
          cell: cell.id, trial: t.trial, attempt: t.attempt, promptId, turn,
          promptTokens: 10, completionTokens: 8, verifyCycles: 4, acceptedHistogram: null, proposedDrafts: null,
          acceptedDrafts: null, draftSteps: null, draftSeconds: null, verifySeconds: null, ttftSeconds: null,
          e2eSeconds: 0.1, finishReason: 'length', outputHash: hash(promptId, turn, t.trial), outputPreview: 'output', startedAt: 0,
        });
      }
    }
  }
  return out;
}
