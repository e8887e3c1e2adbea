// The full terminal table (--wide, --format table): one cli-table3 row per cell, then audit
// warnings/errors, noisy cells, the legend and one-line metric definitions. The default terminal
// output is the summary in terminal.ts. ANSI colors only when opts.color is true.
import Table from 'cli-table3';
import type { Cell, ResultFile } from '../result/schema.ts';
import {
  MISSING, directionText, shortDefinition, formatTemperature, formatWithInterval, legendLines,
  noiseMark, noiseReasons, paint, significanceMark, truncate, usedMetricDefinitions,
} from './format.ts';
import type { Exporter, RenderOptions } from './types.ts';
import { groupFindings } from '../audit/groups.ts';
import { importInfo, importLine } from './imported.ts';
import { LATENCY_HEADS, PERCENTILE_NOTE, cellsWithPercentiles, percentileTriple } from './latency.ts';
import { LATENCY_KINDS } from '../metrics/latency.ts';

/** Longest error text shown in a failed cell's row. */
export const ERROR_WIDTH = 100;

const NUMERIC: Array<{ id: string; head: string }> = [
  { id: 'throughput', head: 'Throughput tok/s' },
  { id: 'speedup', head: 'Speedup x' },
  { id: 'accept_length_pooled', head: 'τ pooled' },
  { id: 'accept_length_mean', head: 'τ mean' },
  { id: 'draft_ms_per_step', head: 'Draft ms/step' },
  { id: 'verify_ms_per_cycle', head: 'Verify ms/cycle' },
  { id: 'ttft_ms', head: 'TTFT ms' },
  { id: 'e2e_ms', head: 'E2E ms' },
];
const TEXT_HEADS = ['Engine', 'Draft', 'Dataset', 'T', 'Status'];

function statusText(cell: Cell, color: boolean): string {
  const mark = noiseMark(cell);
  if (cell.status === 'ok') return paint('ok', 'green', color) + (mark ? ` ${paint(mark, 'yellow', color)}` : '');
  if (cell.status === 'failed') return paint('failed', 'red', color);
  return paint(cell.status, 'yellow', color);
}

function speedupText(cell: Cell, color: boolean): string {
  const m = cell.metrics.speedup;
  if (!m) return MISSING;
  const cmp = cell.comparisons?.speedup;
  const text = formatWithInterval(m);
  const mark = significanceMark(cmp);
  if (!mark) return text;
  return paint(`${text}${mark}`, m.mean >= 1 ? 'green' : 'red', color);
}

/** Engines that report acceptance only as server-wide counters (vLLM, TensorRT-LLM) get their own τ column. */
function numericColumns(result: ResultFile): Array<{ id: string; head: string }> {
  if (!result.cells.some((c) => c.metrics?.accept_length_engine)) return NUMERIC;
  const at = NUMERIC.findIndex((c) => c.id === 'accept_length_mean') + 1;
  return [...NUMERIC.slice(0, at), { id: 'accept_length_engine', head: 'τ engine' }, ...NUMERIC.slice(at)];
}

function row(cell: Cell, color: boolean, columns: Array<{ id: string; head: string }>): Table.HorizontalTableRow {
  const head = [cell.engine, cell.draft, cell.dataset, formatTemperature(cell.temperature), statusText(cell, color)];
  if (cell.status !== 'ok' && Object.keys(cell.metrics ?? {}).length === 0) {
    const text = cell.status === 'failed' ? truncate(cell.error ?? 'failed (no error recorded)', ERROR_WIDTH) : cell.status;
    return [...head, { content: paint(text, cell.status === 'failed' ? 'red' : 'yellow', color), colSpan: columns.length, hAlign: 'left' }];
  }
  return [
    ...head,
    ...columns.map(({ id }) => (id === 'speedup' ? speedupText(cell, color) : formatWithInterval(cell.metrics[id]))),
  ];
}

export function renderTable(result: ResultFile, opts: RenderOptions = {}): string {
  const color = opts.color === true;
  const columns = numericColumns(result);
  const table = new Table({
    head: [...TEXT_HEADS, ...columns.map((c) => c.head)].map((h) => paint(h, 'bold', color)),
    colAligns: [...TEXT_HEADS.map(() => 'left' as const), ...columns.map(() => 'right' as const)],
    style: color ? { head: [], border: ['grey'], compact: true } : { head: [], border: [], compact: true },
  });
  for (const cell of result.cells) table.push(row(cell, color, columns));

  const lines: string[] = [table.toString()];

  const withLatency = cellsWithPercentiles(result);
  if (withLatency.length > 0) {
    const lat = new Table({
      head: ['Engine', 'Draft', 'Dataset', 'T', ...LATENCY_KINDS.map((k) => `${LATENCY_HEADS[k]} ms`)].map((h) => paint(h, 'bold', color)),
      colAligns: ['left', 'left', 'left', 'left', ...LATENCY_KINDS.map(() => 'right' as const)],
      style: color ? { head: [], border: ['grey'], compact: true } : { head: [], border: [], compact: true },
    });
    for (const c of withLatency) lat.push([c.engine, c.draft, c.dataset, formatTemperature(c.temperature), ...LATENCY_KINDS.map((k) => percentileTriple(c, k))]);
    lines.push('', 'Latency percentiles (p50 / p90 / p99):', lat.toString(), `  ${PERCENTILE_NOTE}`);
  }

  // errors first, then each check's warnings together (audit/groups.ts), as the summary counts them
  const findings = groupFindings((result.audit ?? []).filter((f) => f.severity === 'warning' || f.severity === 'error')).flatMap((g) => g.findings);
  if (findings.length > 0) {
    lines.push('', 'Audit:');
    for (const f of findings) {
      const sev = paint(f.severity, f.severity === 'error' ? 'red' : 'yellow', color);
      lines.push(`  ${sev} [${f.check}]${f.cell ? ` ${f.cell}` : ''}: ${f.message}`);
    }
  }

  const noisy = result.cells.filter((c) => noiseReasons(c).length > 0);
  if (noisy.length > 0) {
    lines.push('', 'Noisy cells:');
    for (const c of noisy) lines.push(`  ! ${c.id}: ${noiseReasons(c).join('; ')}`);
  }

  const imported = importInfo(result);
  if (imported) lines.push('', importLine(imported));

  lines.push('', 'Legend:', ...legendLines(result).map((l) => `  ${l}`));

  const defs = usedMetricDefinitions(result, columns.map((c) => c.id));
  if (defs.length > 0) {
    lines.push('', 'Metrics:');
    for (const d of defs) {
      const head = columns.find((c) => c.id === d.id)?.head ?? d.label;
      const name = head.startsWith('τ') ? `${head} = ${d.label}` : d.label;
      lines.push(`  ${name} (${d.unit}, ${directionText(d.direction)}): ${shortDefinition(d.definition)}`);
    }
    lines.push('  (full definitions in the Markdown report)');
  }
  return lines.join('\n') + '\n';
}

export const tableExporter: Exporter = {
  format: 'table',
  render: (result, opts) => renderTable(result, opts),
};
