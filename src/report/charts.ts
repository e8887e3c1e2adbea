// Vega-Lite specs of the HTML report's charts, built from a result file alone. Each chart
// carries its data inline, so the page needs nothing but the inlined Vega libraries.
import type { TopLevelSpec } from 'vega-lite';
import type { Cell, ResultFile } from '../result/schema.ts';
import { methodLabel } from './format.ts';

export interface Chart {
  /** stable id: the page's element id and the browser test's handle */
  id: string;
  title: string;
  /** one sentence under the chart: what is plotted and how it is counted */
  caption: string;
  spec: TopLevelSpec;
  /** marks the chart draws for its data (bars or points), so a test can check every one rendered */
  expectedMarks: number;
}

const okCells = (r: ResultFile): Cell[] => r.cells.filter((c) => c.status === 'ok');
const temperatureLabel = (t: number): string => `T = ${t}`;
const WIDTH = 520;

/** Speedup over vanilla with its interval: one bar per method and dataset, one panel per temperature. */
export function speedupChart(result: ResultFile): Chart | null {
  const rows = okCells(result).flatMap((c) => {
    const m = c.metrics.speedup;
    if (!m) return [];
    const iv = m.interval;
    return [{ method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), speedup: m.mean, low: iv?.low ?? m.mean, high: iv?.high ?? m.mean, significant: c.comparisons?.speedup?.significant ?? false }];
  });
  if (rows.length === 0) return null;
  // a few trials give very wide intervals; cap the axis so the bars stay readable (whiskers are clipped, the tooltip has the numbers)
  const top = Math.min(Math.max(...rows.map((r) => r.high)), 2 * Math.max(1, ...rows.map((r) => r.speedup)));
  return {
    id: 'chart-speedup',
    title: 'Speedup over vanilla',
    caption: 'Throughput of each method over vanilla decoding of the same engine, dataset and temperature (paired by round: geometric mean of per-round ratios); whiskers: 95% interval, clipped at twice the largest speedup; the rule marks 1x.',
    expectedMarks: rows.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      facet: { row: { field: 'temperature', type: 'nominal', title: null } },
      spec: {
        width: WIDTH, height: 220,
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: {
              x: { field: 'dataset', type: 'nominal', title: 'dataset', axis: { labelAngle: 0 } },
              xOffset: { field: 'method', type: 'nominal' },
              y: { field: 'speedup', type: 'quantitative', title: 'speedup (x)', scale: { domain: [0, top] } },
              color: { field: 'method', type: 'nominal' },
            },
          },
          {
            // whiskers without tick caps: caps are drawn as rects too, and bars are counted by their rects
            mark: { type: 'errorbar', thickness: 1.5, clip: true },
            encoding: {
              x: { field: 'dataset', type: 'nominal' },
              xOffset: { field: 'method', type: 'nominal' },
              y: { field: 'low', type: 'quantitative', title: 'speedup (x)' },
              y2: { field: 'high' },
            },
          },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
        ],
      },
    },
  };
}

/** Acceptance length against draft cost per step: one point per draft, dataset and temperature. */
export function capacityCostChart(result: ResultFile): Chart | null {
  const rows = okCells(result).flatMap((c) => {
    const tau = c.metrics.accept_length_pooled, cost = c.metrics.draft_ms_per_step;
    if (c.method === 'vanilla' || !tau || !cost) return [];
    return [{ method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), tau: tau.mean, draftMs: cost.mean }];
  });
  if (rows.length === 0) return null;
  return {
    id: 'chart-capacity-cost',
    title: 'Acceptance length against draft cost per step',
    caption: 'Pooled acceptance length τ (completion tokens / verify cycles, bonus token included) against engine-reported draft milliseconds per draft step; up and left is better.',
    expectedMarks: rows.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: WIDTH, height: 300,
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 90, tooltip: true },
      encoding: {
        x: { field: 'draftMs', type: 'quantitative', title: 'draft ms per step', scale: { zero: false } },
        y: { field: 'tau', type: 'quantitative', title: 'τ pooled (tok/cycle)', scale: { zero: false } },
        color: { field: 'method', type: 'nominal' },
        shape: { field: 'dataset', type: 'nominal' },
        opacity: { field: 'temperature', type: 'ordinal', scale: { range: [1, 0.55] } },
      },
    },
  };
}

/** Conditional acceptance rate by draft position: one line per cell (method x temperature), one panel per dataset. */
export function positionChart(result: ResultFile): Chart | null {
  const cells = okCells(result).filter((c) => c.method !== 'vanilla' && (c.positionAcceptance?.conditional.length ?? 0) > 0);
  const rows = cells.flatMap((c) => c.positionAcceptance!.conditional.map((rate, i) => ({
    method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), position: i + 1, rate,
  })));
  if (rows.length === 0) return null;
  return {
    id: 'chart-position',
    title: 'Per-position conditional acceptance',
    caption: 'rate(i) = verify cycles accepting at least i drafts / cycles accepting at least i - 1, pooled over the cell\'s requests; dashes mark temperatures.',
    expectedMarks: rows.length,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      facet: { column: { field: 'dataset', type: 'nominal', title: null } },
      spec: {
        width: 220, height: 200,
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x: { field: 'position', type: 'ordinal', title: 'draft position', axis: { labelAngle: 0 } },
          y: { field: 'rate', type: 'quantitative', title: 'conditional acceptance', scale: { domain: [0, 1] } },
          color: { field: 'method', type: 'nominal' },
          strokeDash: { field: 'temperature', type: 'nominal' },
        },
      },
    },
  };
}

const LATENCY_PLOTTED: Array<[string, string]> = [['ttft', 'TTFT'], ['itl_token', 'ITL per token'], ['itl_chunk', 'ITL per chunk']];

/** Latency distributions as ECDFs (from the stored 0..100th percentiles): one line per cell, one panel per kind and dataset. */
export function latencyChart(result: ResultFile): Chart | null {
  const rows = okCells(result).flatMap((c) => LATENCY_PLOTTED.flatMap(([kind, label]) => {
    const d = c.latency?.[kind];
    if (!d) return [];
    return d.quantiles.map((ms, q) => ({
      cell: c.id, method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), kind: `${label} (n = ${d.count})`, kindId: kind, ms, fraction: q / 100,
    }));
  }));
  if (rows.length === 0) return null;
  const lines = new Set(rows.map((r) => `${r.cell} ${r.kindId}`)).size;
  return {
    id: 'chart-latency',
    title: 'Latency distributions',
    caption: 'Cumulative distribution of TTFT (one sample per request), ITL per token (chunk gap / tokens in the chunk, one sample per token) and ITL per chunk (one sample per chunk gap), pooled over all trials of a cell; n = samples.',
    expectedMarks: lines,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values: rows },
      facet: { row: { field: 'kindId', type: 'nominal', title: null, sort: LATENCY_PLOTTED.map(([k]) => k), header: { labelExpr: "{ttft: 'TTFT', itl_token: 'ITL per token', itl_chunk: 'ITL per chunk'}[datum.value]" } }, column: { field: 'dataset', type: 'nominal', title: null } },
      resolve: { scale: { x: 'independent' } },
      spec: {
        width: 240, height: 150,
        mark: { type: 'line', interpolate: 'step-after', tooltip: true },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'ms' },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction ≤ x' },
          color: { field: 'method', type: 'nominal' },
          strokeDash: { field: 'temperature', type: 'nominal' },
          detail: { field: 'cell', type: 'nominal' },
        },
      },
    },
  };
}

/** Every chart the result has data for, in report order. */
export function runCharts(result: ResultFile): Chart[] {
  return [speedupChart(result), capacityCostChart(result), positionChart(result), latencyChart(result)].filter((c): c is Chart => c !== null);
}
