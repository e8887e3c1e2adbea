// Vega-Lite specs of the HTML report's charts, built from a result file alone. Each chart
// carries its data inline, so the page needs nothing but the inlined Vega libraries. Every chart
// takes the page's one method colour scale (colors.ts), draws an interval on every estimate and
// fits a 1280 px window (legends on top, panel widths shrunk to the number of panels).
import type { TopLevelSpec } from 'vega-lite';
import type { Cell, MetricValue, ResultFile } from '../result/schema.ts';
import { methodColors, type ColorScale } from './colors.ts';
import { formatNumber, formatTemperature, methodLabel } from './format.ts';

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

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const okCells = (r: ResultFile): Cell[] => r.cells.filter((c) => c.status === 'ok');
const temperatureLabel = (t: number): string => `T = ${t}`;
/** what the page's 1100 px column leaves for panels once axis titles and labels are drawn */
const PLOT_BUDGET = 900;

/** Panel width for `columns` panels side by side, so the whole chart fits the page column. */
export function panelWidth(columns: number, max = 300): number {
  return Math.max(110, Math.min(max, Math.floor(PLOT_BUDGET / Math.max(1, columns)) - 20));
}

/** Four significant digits: the charts' data stays small and nothing shown needs more. */
const sig = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

/** Legends above the plot (never right of it, where they left the window), axis text a bit larger. */
const CONFIG = {
  legend: { orient: 'top', direction: 'horizontal', titleOrient: 'left', columns: 6, symbolStrokeWidth: 2 },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 12 },
} as const;

/** The page's colours of the labels a chart draws (a legend lists only what the chart shows). */
export function colorsOf(colors: ColorScale, labels: Iterable<string>): ColorScale {
  const shown = new Set(labels);
  const keep = colors.domain.map((l, i) => [l, colors.range[i]!] as const).filter(([l]) => shown.has(l));
  return { domain: keep.map(([l]) => l), range: keep.map(([, c]) => c) };
}

const colorEncoding = (colors: ColorScale) => ({
  field: 'method', type: 'nominal', title: 'method', scale: { domain: colors.domain, range: colors.range },
}) as const;

const intervalText = (m: MetricValue | undefined, digits: number): string =>
  m?.interval ? `[${formatNumber(m.interval.low, digits)}, ${formatNumber(m.interval.high, digits)}]` : 'none (one trial)';

export interface SpeedupRow {
  method: string; dataset: string; temperature: string; speedup: number; low: number; high: number;
  /** the whisker's top as drawn: the interval's high end, or the axis cap where it runs past it */
  shownHigh: number; clipped: boolean; ci: string; trials: number; significant: string;
}

/** The speedup chart's rows and its axis cap (exported so the browser test knows which whiskers are clipped). */
export function speedupRows(result: ResultFile): { rows: SpeedupRow[]; top: number } {
  const base = okCells(result).flatMap((c) => {
    const m = c.metrics.speedup;
    if (!m) return [];
    return [{ c, m, low: m.interval?.low ?? m.mean, high: m.interval?.high ?? m.mean }];
  });
  // a few trials give very wide intervals; the axis stops at twice the largest speedup so the bars stay readable
  const top = base.length === 0 ? 1 : Math.min(Math.max(...base.map((r) => r.high)), 2 * Math.max(1, ...base.map((r) => r.m.mean)));
  const rows = base.map(({ c, m, low, high }) => ({
    method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), speedup: sig(m.mean), low: sig(low), high: sig(high),
    shownHigh: sig(Math.min(high, top)), clipped: high > top, ci: intervalText(m, 2), trials: m.n,
    significant: c.comparisons?.speedup?.significant ? 'yes (Holm)' : 'no',
  }));
  return { rows, top: sig(top) };
}

/** Vanilla's throughput per engine, dataset and temperature: what the speedups are relative to. */
export function vanillaThroughput(result: ResultFile): Array<{ label: string; dataset: string; temperature: number; mean: number; text: string }> {
  return okCells(result).filter((c) => c.method === 'vanilla' && c.metrics.throughput).map((c) => {
    const m = c.metrics.throughput!;
    return { label: methodLabel(c), dataset: c.dataset, temperature: c.temperature, mean: m.mean, text: `${formatNumber(m.mean, 1)} ${intervalText(m, 1)}` };
  });
}

/** Speedup over vanilla with its interval: one bar per method and dataset, one panel per temperature. */
export function speedupChart(result: ResultFile, pageColors = methodColors(result.cells)): Chart | null {
  const { rows, top } = speedupRows(result);
  if (rows.length === 0) return null;
  const colors = colorsOf(pageColors, rows.map((r) => r.method));
  const clipped = rows.filter((r) => r.clipped).length;
  const vanilla = vanillaThroughput(result);
  const vanillaText = vanilla.length === 0 ? '' : ` Vanilla (1x) in tok/s: ${[...new Set(vanilla.map((v) => v.dataset))].map((d) =>
    `${d} ${vanilla.filter((v) => v.dataset === d).map((v) => `${formatNumber(v.mean, 1)} (T ${formatTemperature(v.temperature)})`).join(', ')}`).join('; ')} (intervals in the table above).`;
  const tooltip = [
    { field: 'method' }, { field: 'dataset' }, { field: 'temperature' }, { field: 'speedup', title: 'speedup (x)' },
    { field: 'ci', title: '95% interval' }, { field: 'trials', title: 'rounds' }, { field: 'significant' },
  ];
  const x = { field: 'dataset', type: 'nominal', title: 'dataset', axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'method', type: 'nominal', scale: { domain: colors.domain } } as const;
  return {
    id: 'chart-speedup',
    title: 'Speedup over vanilla',
    caption: 'Throughput of each method over vanilla decoding of the same engine, dataset and temperature (paired by round: geometric mean of per-round ratios); '
      + `whiskers: 95% interval; the axis stops at ${formatNumber(top, 2)}x, and a whisker running past it ends in a triangle (the tooltip has the whole interval)`
      + `${clipped > 0 ? `: ${clipped} clipped here` : ''}; the dashed rule marks 1x.${vanillaText}`,
    expectedMarks: rows.length,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values: rows },
      facet: { row: { field: 'temperature', type: 'nominal', title: null } },
      spec: {
        width: panelWidth(1, 760), height: 200,
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              x, xOffset,
              y: { field: 'speedup', type: 'quantitative', title: 'speedup (x)', scale: { domain: [0, top] } },
              color: colorEncoding(colors),
              tooltip,
            },
          },
          {
            // whiskers as rules, not errorbar: its caps are rects, and the test counts bars by their rects
            mark: { type: 'rule', strokeWidth: 1.5, color: '#222' },
            encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'shownHigh' }, tooltip },
          },
          {
            name: 'clipped',
            transform: [{ filter: 'datum.clipped' }],
            mark: { type: 'point', shape: 'triangle-up', filled: true, size: 90, stroke: '#222', strokeWidth: 1, opacity: 1 },
            encoding: { x, xOffset, y: { field: 'shownHigh', type: 'quantitative' }, color: colorEncoding(colors), tooltip },
          },
          { mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { datum: 1 } } },
        ],
      },
    },
  };
}

/** Acceptance length against draft cost per step: one point per draft, dataset and temperature, both intervals drawn. */
export function capacityCostChart(result: ResultFile, pageColors = methodColors(result.cells)): Chart | null {
  const rows = okCells(result).flatMap((c) => {
    const tau = c.metrics.accept_length_pooled, cost = c.metrics.draft_ms_per_step;
    if (c.method === 'vanilla' || !tau || !cost) return [];
    return [{
      method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature),
      tau: sig(tau.mean), tauLow: sig(tau.interval?.low ?? tau.mean), tauHigh: sig(tau.interval?.high ?? tau.mean), tauCi: intervalText(tau, 2),
      cost: sig(cost.mean), costLow: sig(cost.interval?.low ?? cost.mean), costHigh: sig(cost.interval?.high ?? cost.mean), costCi: intervalText(cost, 3),
      trials: tau.n, cycles: c.positionAcceptance?.cycles ?? null,
    }];
  });
  if (rows.length === 0) return null;
  const temperatures = new Set(rows.map((r) => r.temperature)).size;
  const colors = colorsOf(pageColors, rows.map((r) => r.method));
  const x = { field: 'cost', type: 'quantitative', title: 'draft ms per step', scale: { zero: false } } as const;
  const y = { field: 'tau', type: 'quantitative', title: 'τ pooled (tok/cycle)', scale: { zero: false } } as const;
  const color = colorEncoding(colors);
  return {
    id: 'chart-capacity-cost',
    title: 'Acceptance length against draft cost per step',
    caption: 'Pooled acceptance length τ (completion tokens / verify cycles, bonus token included) against engine-reported draft milliseconds per draft step, '
      + 'one panel per temperature, each point labelled with its dataset; lines: 95% intervals of both (over trials); up and left is better.',
    expectedMarks: rows.length,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values: rows },
      facet: { column: { field: 'temperature', type: 'nominal', title: null } },
      spec: {
        width: panelWidth(temperatures, 420), height: 260,
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.7 }, encoding: { x: { ...x, field: 'costLow' }, x2: { field: 'costHigh' }, y, color } },
          { mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.7 }, encoding: { x, y: { ...y, field: 'tauLow' }, y2: { field: 'tauHigh' }, color } },
          {
            mark: { type: 'point', filled: true, size: 80, opacity: 1 },
            encoding: {
              x, y, color, shape: { field: 'dataset', type: 'nominal', title: 'dataset' },
              tooltip: [
                { field: 'method' }, { field: 'dataset' }, { field: 'temperature' }, { field: 'tau', title: 'τ pooled' }, { field: 'tauCi', title: 'τ 95% interval' },
                { field: 'cost', title: 'draft ms/step' }, { field: 'costCi', title: 'draft ms 95% interval' }, { field: 'trials' }, { field: 'cycles', title: 'verify cycles' },
              ],
            },
          },
          { mark: { type: 'text', align: 'left', dx: 7, dy: -6, fontSize: 10 }, encoding: { x, y, text: { field: 'dataset' }, color } },
        ],
      },
    },
  };
}

/** Wilson 95% interval of k successes in n trials: stays inside [0, 1] and honest for small n. */
export function wilson(k: number, n: number): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const z = 1.959964, p = k / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Conditional acceptance by draft position: one line per method, one panel per dataset and temperature; samples sized. */
export function positionChart(result: ResultFile, pageColors = methodColors(result.cells)): Chart | null {
  const cells = okCells(result).filter((c) => c.method !== 'vanilla' && (c.positionAcceptance?.conditional.length ?? 0) > 0);
  const labels = [...new Set(cells.map(methodLabel))];
  const rows = cells.flatMap((c) => {
    const pa = c.positionAcceptance!;
    // dodge the methods a little along x, so their intervals do not hide each other
    const dodge = (labels.indexOf(methodLabel(c)) - (labels.length - 1) / 2) * 0.1;
    return pa.conditional.flatMap((rate, i) => {
      // cycles that reached position i+1: all cycles, then those accepting at least i drafts
      const n = Math.round(i === 0 ? pa.cycles : pa.cycles * (pa.unconditional[i - 1] ?? 0));
      if (n <= 0) return [];
      const iv = wilson(rate * n, n);
      return [{
        method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), position: i + 1, x: sig(i + 1 + dodge),
        rate: sig(rate), low: sig(iv.low), high: sig(iv.high), n,
      }];
    });
  });
  if (rows.length === 0) return null;
  const columns = new Set(rows.map((r) => r.dataset)).size;
  const colors = colorsOf(pageColors, labels);
  const last = Math.max(...rows.map((r) => r.position));
  const x = { field: 'x', type: 'quantitative', title: 'draft position', scale: { domain: [0.5, last + 0.5] as number[], nice: false }, axis: { tickMinStep: 1, format: 'd', values: Array.from({ length: last }, (_, i) => i + 1) } } as const;
  const color = colorEncoding(colors);
  return {
    id: 'chart-position',
    title: 'Per-position conditional acceptance',
    caption: 'rate(i) = verify cycles accepting at least i drafts / cycles accepting at least i - 1, pooled over the cell\'s requests; one panel per dataset (columns) and temperature (rows); '
      + 'lines: Wilson 95% intervals; a point\'s size is its sample count (cycles that reached the position, in the tooltip); positions no cycle reached are left out.',
    expectedMarks: rows.length,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values: rows },
      facet: { row: { field: 'temperature', type: 'nominal', title: null }, column: { field: 'dataset', type: 'nominal', title: null } },
      spec: {
        width: panelWidth(columns, 260), height: 150,
        layer: [
          { mark: { type: 'rule', strokeWidth: 1.2, opacity: 0.6 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color } },
          { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { field: 'rate', type: 'quantitative' }, color } },
          {
            mark: { type: 'point', filled: true, opacity: 0.9 },
            encoding: {
              x, color,
              y: { field: 'rate', type: 'quantitative', title: 'conditional acceptance', scale: { domain: [0, 1] } },
              size: { field: 'n', type: 'quantitative', title: 'samples', scale: { type: 'log', range: [8, 160] } },
              tooltip: [{ field: 'method' }, { field: 'dataset' }, { field: 'temperature' }, { field: 'position' }, { field: 'rate' },
                { field: 'low', title: '95% low' }, { field: 'high', title: '95% high' }, { field: 'n', title: 'samples (cycles)' }],
            },
          },
        ],
      },
    },
  };
}

const LATENCY_PLOTTED: Array<[string, string]> = [['ttft', 'TTFT'], ['itl_token', 'ITL per token'], ['itl_chunk', 'ITL per chunk']];

/**
 * Latency distributions as ECDFs, from the stored 0..100th percentiles: one panel per kind and
 * temperature, one line per method, one dataset at a time (a selector above the chart), x on a
 * log scale since ITL and TTFT lie decades apart. The percentiles travel as one array per cell
 * and kind and are unfolded in the browser: as rows they were nearly all of a 5 MB page.
 */
export function latencyChart(result: ResultFile, pageColors = methodColors(result.cells)): Chart | null {
  const rows = okCells(result).flatMap((c) => LATENCY_PLOTTED.flatMap(([kind, label]) => {
    const d = c.latency?.[kind];
    if (!d || d.quantiles.length < 2) return [];
    return [{ cell: c.id, method: methodLabel(c), dataset: c.dataset, temperature: temperatureLabel(c.temperature), kind: label, n: d.count, ms: d.quantiles.map(sig) }];
  }));
  if (rows.length === 0) return null;
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  const shown = datasets[0]!;
  const kinds = LATENCY_PLOTTED.map(([, l]) => l).filter((l) => rows.some((r) => r.kind === l));
  const colors = colorsOf(pageColors, rows.map((r) => r.method));
  // one column per kind, concatenated rather than faceted: the temperatures of one kind share their x scale
  const column = (kind: string, first: boolean) => ({
    transform: [{ filter: { field: 'kind', equal: kind } }],
    facet: { row: { field: 'temperature', type: 'nominal', title: null, header: first ? {} : { labels: false } } },
    spec: {
      width: panelWidth(kinds.length, 300), height: 150,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.6 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: `${kind}, ms (log scale)`, scale: { type: 'log' }, axis: { tickCount: 6, labelOverlap: true, labelFlush: true } },
        y: { field: 'fraction', type: 'quantitative', title: first ? 'fraction ≤ x' : null },
        color: colorEncoding(colors),
        detail: { field: 'cell', type: 'nominal' },
        tooltip: [{ field: 'method' }, { field: 'dataset' }, { field: 'temperature' }, { field: 'kind' }, { field: 'n', title: 'samples' }],
      },
    },
  });
  return {
    id: 'chart-latency',
    title: 'Latency distributions',
    caption: 'Cumulative distribution of TTFT (one sample per request), ITL per token (chunk gap / tokens in the chunk, one sample per token) and ITL per chunk (one sample per chunk gap), '
      + 'pooled over all trials of a cell, for the dataset picked below the chart; ms on a log scale; the tooltip gives n, the samples.',
    expectedMarks: rows.filter((r) => r.dataset === shown).length,
    spec: {
      $schema: SCHEMA,
      config: CONFIG,
      data: { values: rows },
      params: [{ name: 'latencyDataset', value: shown, bind: { input: 'select', options: datasets, name: 'dataset ' } }],
      transform: [
        { filter: 'datum.dataset === latencyDataset' },
        { flatten: ['ms'] },
        { window: [{ op: 'row_number', as: 'rank' }], groupby: ['cell', 'kind'] },
        { joinaggregate: [{ op: 'count', as: 'points' }], groupby: ['cell', 'kind'] },
        { calculate: '(datum.rank - 1) / (datum.points - 1)', as: 'fraction' },
        // log scale: a 0 ms percentile (a chunk gap below the clock's resolution) has no place on it
        { filter: 'datum.ms > 0' },
      ],
      hconcat: kinds.map((k, i) => column(k, i === 0)),
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
}

/** Every chart the result has data for, in report order, all coloured by one method scale. */
export function runCharts(result: ResultFile): Chart[] {
  const colors = methodColors(result.cells);
  return [speedupChart(result, colors), capacityCostChart(result, colors), positionChart(result, colors), latencyChart(result, colors)].filter((c): c is Chart => c !== null);
}
