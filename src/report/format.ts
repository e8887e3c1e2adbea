// Helpers shared by the report exporters: number formatting per unit, the mean with its interval,
// the significance and noise marks with their legend, metric definitions, and defensive
// readers for the untyped parts of a result (suite as run, hardware fingerprint).
import type { Cell, Comparison, Interval, MetricValue, ResultFile, StoredDraft } from '../result/schema.ts';
import { storedFingerprint } from '../result/stored.ts';
import { isRecord } from '../record.ts';
import { METRIC_LIST, metricDefinition, type MetricDefinition } from '../metrics/definitions.ts';
import { DEFAULT_DIGITS, MISSING, UNIT_DIGITS, digitsFor, formatChange, formatInterval, formatMde, formatNumber, formatP, formatPercent, formatRatio } from './numbers.ts';

// the number helpers live in the formatting leaf (numbers.ts); re-exported for the reports
export { DEFAULT_DIGITS, MISSING, UNIT_DIGITS, digitsFor, formatChange, formatInterval, formatMde, formatNumber, formatP, formatPercent, formatRatio };

/** Coefficient of variation above which a metric (and so its cell) is flagged noisy. */
export const NOISY_CV = 0.1;

export const SIGNIFICANT_MARK = '*';
export const NOISY_MARK = '!';

/** The metric's mean with `digits` decimals (default: by the metric's unit). */
export function formatValue(metric: MetricValue | undefined, digits?: number): string {
  if (!metric) return MISSING;
  return formatNumber(metric.mean, digits ?? digitsFor(metric.unit));
}

/** The mean with its interval, "mean [low, high]" or "mean ± h" where it is symmetric (numbers.ts formatInterval); the plain mean without one. */
export function formatWithInterval(metric: MetricValue | undefined, digits?: number): string {
  if (!metric) return MISSING;
  return formatInterval(metric.mean, metric.interval, digits ?? digitsFor(metric.unit));
}

/** Temperatures print as written in the suite: 0, 0.7, 1. */
export function formatTemperature(t: number): string {
  return String(t);
}

/** SIGNIFICANT_MARK when the comparison is significant, else ''. */
export function significanceMark(comparison: Comparison | undefined | null): string {
  return comparison?.significant === true ? SIGNIFICANT_MARK : '';
}

function cvOf(m: MetricValue): number | null {
  if (typeof m.cv === 'number' && Number.isFinite(m.cv)) return m.cv;
  if (typeof m.stddev === 'number' && Number.isFinite(m.stddev) && m.mean !== 0) return Math.abs(m.stddev / m.mean);
  return null;
}

/** Why a metric is noisy: flagged outlier trials and/or CV above NOISY_CV; [] when it is not. */
export function metricNoise(m: MetricValue): string[] {
  const out: string[] = [];
  const cv = cvOf(m);
  if (cv !== null && cv > NOISY_CV) out.push(`CV ${formatPercent(cv)}`);
  const outliers = Array.isArray(m.outliers) ? m.outliers : [];
  if (outliers.length > 0) {
    out.push(`outlier trial${outliers.length > 1 ? 's' : ''} ${outliers.map((i) => i + 1).join(', ')}`);
  }
  return out;
}

/** One "metric: reasons" string per noisy metric of the cell, in metric order. */
export function noiseReasons(cell: Cell): string[] {
  const out: string[] = [];
  for (const [id, m] of orderedMetrics(cell)) {
    const why = metricNoise(m);
    if (why.length > 0) out.push(`${id} ${why.join(', ')}`);
  }
  return out;
}

export function isNoisy(cell: Cell): boolean {
  return noiseReasons(cell).length > 0;
}

/** NOISY_MARK for a noisy cell, else ''. */
export function noiseMark(cell: Cell): string {
  return isNoisy(cell) ? NOISY_MARK : '';
}

/** The cell's metrics: known ids in METRIC_LIST order, then any others in their stored order. */
export function orderedMetrics(cell: Cell): Array<[string, MetricValue]> {
  const metrics = cell.metrics ?? {};
  const known = METRIC_LIST.map((d) => d.id).filter((id) => Object.hasOwn(metrics, id));
  const extra = Object.keys(metrics).filter((id) => !metricDefinition(id));
  return [...known, ...extra].map((id) => [id, metrics[id]]);
}

/** Definitions of the metrics that appear in any cell (optionally only `only`), in METRIC_LIST order. */
export function usedMetricDefinitions(result: ResultFile, only?: readonly string[]): MetricDefinition[] {
  const seen = new Map<string, MetricDefinition>();
  for (const cell of result.cells) {
    for (const [id, m] of orderedMetrics(cell)) {
      if (only && !only.includes(id)) continue;
      if (seen.has(id)) continue;
      const known = metricDefinition(id);
      // an imported metric carries its own definition (what the other tool counted), which wins
      const imported = m.source !== undefined && typeof m.definition === 'string';
      seen.set(id, known && !imported ? known : { id, label: m.label ?? known?.label ?? id, unit: m.unit ?? known?.unit ?? '', direction: m.direction, definition: m.definition ?? known?.definition ?? '' });
    }
  }
  const order = (id: string) => {
    const i = METRIC_LIST.findIndex((d) => d.id === id);
    return i < 0 ? METRIC_LIST.length : i;
  };
  return [...seen.values()].sort((a, b) => order(a.id) - order(b.id));
}

export function directionText(d: string): string {
  return d === 'higher' ? 'higher is better' : d === 'lower' ? 'lower is better' : 'no direction';
}

/** The first clause of a definition (up to the first ";" or sentence end), for one-line summaries. */
export function shortDefinition(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.*?)(;|\.(?=\s|$))/.exec(flat);
  return m ? `${m[1]}${m[2] === '.' ? '.' : ''}` : flat;
}

// ---------------------------------------------------------------------------------------------
// Legend

const INTERVAL_METHODS: Record<Interval['method'], string> = {
  t: 'Student t over per-trial values',
  bootstrap: 'percentile bootstrap over requests',
  delta: 'delta method on the log ratio',
  paired: 'Student t over per-round log ratios (each trial against the reference trial of the same round)',
};

const T_SCALES = { log: 'log scale for positive metrics, so no bound below 0', logit: 'logit scale for rates, so bounds within 0 and 1' } as const;

function allIntervals(result: ResultFile): Interval[] {
  const out: Interval[] = [];
  for (const cell of result.cells) {
    for (const [, m] of orderedMetrics(cell)) if (m.interval) out.push(m.interval);
  }
  return out;
}

/** One line per mark/symbol, without a leading bullet. */
export function legendLines(result: ResultFile): string[] {
  const intervals = allIntervals(result);
  const levels = [...new Set(intervals.map((i) => i.level).filter((l) => typeof l === 'number'))].sort((a, b) => a - b);
  const methods = [...new Set(intervals.map((i) => i.method))].filter((m) => Object.hasOwn(INTERVAL_METHODS, m));
  const levelText = levels.length === 0 ? '' : `${levels.map((l) => `${+(l * 100).toFixed(1)}%`).join('/')} `;
  const scales = [...new Set(intervals.filter((i) => i.method === 't').map((i) => i.scale))].filter((x) => x === 'log' || x === 'logit');
  const tScales = scales.length === 0 ? '' : `, on the ${scales.map((x) => T_SCALES[x]).join(' and the ')}`;
  const methodText = methods.length === 0 ? '' : ` (${methods.map((m) => `${m}: ${INTERVAL_METHODS[m]}${m === 't' ? tScales : ''}`).join('; ')})`;
  return [
    `[low, high] the ${levelText}confidence interval${methodText}; ± h where the interval is symmetric about the mean (h: half its width); a plain number has no interval.`,
    `${SIGNIFICANT_MARK} speedup differs significantly from the vanilla reference (Holm-adjusted Welch p over all comparisons in the run).`,
    `${NOISY_MARK} noisy cell: some metric has outlier trials (modified Z-score; flagged, never dropped) or a coefficient of variation above ${formatPercent(NOISY_CV, 0)}.`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Grouping

/** Distinct values in order of first appearance. */
export function distinct<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

export function methodLabel(cell: Pick<Cell, 'engine' | 'draft'>): string {
  return `${cell.engine}/${cell.draft}`;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

// ---------------------------------------------------------------------------------------------
// Values as report text

/** Text for a value: blank strings and non-scalars are missing, numbers and booleans as written. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A finite number, or missing. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A value from the suite as written: scalars as text, arrays comma-joined, null as "null". */
export function plain(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map((x) => plain(x) ?? MISSING).join(', ');
  if (isRecord(v)) return JSON.stringify(v);
  return str(v);
}

/** "label: value" pairs describing the hardware fingerprint (parsed leniently: anything may arrive); fields that are missing are skipped. */
export function hardwareLines(fingerprint: unknown): Array<[string, string]> {
  const fp = storedFingerprint(fingerprint);
  const out: Array<[string, string]> = [];

  const cpu = fp.cpu ?? {};
  const brand = str(cpu.brand) ?? str(cpu.model);
  const manufacturer = str(cpu.manufacturer);
  const phys = num(cpu.physicalCores);
  const logical = num(cpu.logicalCores) ?? num(cpu.cores);
  const cores = [phys !== undefined ? `${phys} physical` : undefined, logical !== undefined ? `${logical} logical` : undefined].filter(Boolean).join(' / ');
  const cpuName = brand && manufacturer && !brand.includes(manufacturer) ? `${manufacturer} ${brand}` : brand ?? manufacturer;
  if (cpuName || cores) out.push(['CPU', [cpuName, cores ? `${cores} cores` : undefined].filter(Boolean).join(', ')]);

  const mem = num(fp.memory?.totalBytes);
  if (mem !== undefined) out.push(['Memory', `${(mem / 2 ** 30).toFixed(1)} GiB`]);

  const os = fp.os ?? {};
  const osName = [str(os.distro), str(os.release)].filter(Boolean).join(' ');
  const osExtra = [str(os.platform), str(os.arch)].filter(Boolean).join(', ');
  if (osName || osExtra) out.push(['OS', osName && osExtra ? `${osName} (${osExtra})` : osName || osExtra]);

  const node = str(fp.node?.version);
  if (node) out.push(['Node.js', node]);

  if (Array.isArray(fp.gpus)) {
    if (fp.gpus.length === 0) out.push(['GPUs', 'none detected']);
    fp.gpus.forEach((gpu, i) => {
      const memMiB = num(gpu.memoryTotalMiB);
      const driver = str(gpu.driverVersion);
      const parts = [str(gpu.name) ?? 'unknown', memMiB !== undefined ? `${memMiB} MiB` : undefined, driver ? `driver ${driver}` : undefined];
      out.push([`GPU ${i}`, parts.filter(Boolean).join(', ')]);
    });
  }
  return out;
}

/** Draft tuning as "key=value" pairs (every field but name and method). */
export function draftTuning(draft: StoredDraft): string[] {
  return Object.entries(draft)
    .filter(([k, v]) => k !== 'name' && k !== 'method' && v !== undefined)
    .map(([k, v]) => `${k}=${plain(v) ?? MISSING}`);
}

// ---------------------------------------------------------------------------------------------
// ANSI colors (the table exporter only; callers pass color=false for NO_COLOR / non-TTY)

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, grey: 90, bold: 1 } as const;
export type AnsiColor = keyof typeof ANSI;

export function paint(text: string, color: AnsiColor, enabled: boolean | undefined): string {
  if (!enabled || text === '') return text;
  const off = color === 'bold' ? 22 : 39;
  return `\u001b[${ANSI[color]}m${text}\u001b[${off}m`;
}
