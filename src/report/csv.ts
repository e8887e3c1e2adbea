// CSV export in tidy form: one row per cell and metric, numbers at full precision.
// RFC 4180 quoting; records end with "\n". A cell without metrics (failed, pending) gives one
// row with an empty metric column and its error in the last column.
// Kept by hand: csv-stringify 6.9.0 writes the same bytes for our reports but adds 1.1 MB (and
// leaves a lone CR unquoted); csvField below is one line.
import type { Cell, Interval, MetricValue, ResultFile } from '../result/schema.ts';
import { metricDefinition } from '../metrics/definitions.ts';
import { orderedMetrics } from './format.ts';
import type { Exporter } from './types.ts';

export const CSV_COLUMNS = [
  'run_id', 'engine', 'draft', 'method', 'dataset', 'temperature', 'status',
  'metric', 'unit', 'direction', 'mean', 'median', 'stddev', 'ci_low', 'ci_high', 'ci_method', 'n', 'values',
  'definition', 'error',
] as const;

/** Quotes a field when it holds a comma, a double quote, CR or LF; quotes inside are doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/** Numbers at full precision; '' for absent or non-finite. */
function n(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? String(x) : '';
}

/**
 * How ci_low and ci_high were formed: t, t-log (a positive metric: no bound below 0), t-logit (a
 * rate: bounds within 0 and 1), bootstrap, paired or delta (speedup: on the log ratio); '' without
 * an interval.
 */
function ciMethod(iv: Interval | null | undefined): string {
  if (!iv) return '';
  return iv.method === 't' && (iv.scale === 'log' || iv.scale === 'logit') ? `t-${iv.scale}` : iv.method;
}

function metricFields(id: string, m: MetricValue): string[] {
  const def = metricDefinition(id);
  return [
    id,
    m.unit ?? def?.unit ?? '',
    m.direction ?? def?.direction ?? '',
    n(m.mean),
    n(m.median),
    n(m.stddev),
    n(m.interval?.low),
    n(m.interval?.high),
    ciMethod(m.interval),
    n(m.n),
    (m.values ?? []).map((v) => n(v)).join(';'),
    m.definition || def?.definition || '',
  ];
}

function cellRows(runId: string, cell: Cell): string[][] {
  const head = [runId, cell.engine, cell.draft, cell.method, cell.dataset, n(cell.temperature), cell.status];
  const error = cell.error ?? '';
  const metrics = orderedMetrics(cell);
  if (metrics.length === 0) return [[...head, ...Array<string>(CSV_COLUMNS.length - head.length - 1).fill(''), error]];
  return metrics.map(([id, m]) => [...head, ...metricFields(id, m), error]);
}

export function renderCsv(result: ResultFile): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  for (const cell of result.cells) rows.push(...cellRows(result.runId, cell));
  return rows.map(csvRow).join('\n') + '\n';
}

export const csvExporter: Exporter = {
  format: 'csv',
  render: (result) => renderCsv(result),
};
