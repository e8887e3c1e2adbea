// The terminal summary printed after a run and by `report RUN`: one table per temperature in the
// paper's layout (methods as rows, datasets as columns, speedup with its interval and τ), sized
// to the terminal, then the audit folded into one line per kind of finding. The full per-cell
// table (table.ts) stays behind --wide / --format table, report.md has everything else.
import Table from 'cli-table3';
import type { AuditFinding, Cell, ResultFile } from '../result/schema.ts';
import { groupFindings, severityCounts, type AuditGroup } from '../audit/groups.ts';
import {
  MISSING, NOISY_MARK, SIGNIFICANT_MARK, formatNumber, formatTemperature, formatWithInterval, noiseMark,
  paint, significanceMark, truncate,
} from './format.ts';
import { importInfo, importLine } from './imported.ts';
import { summaryTables, type SummaryTable } from './summary.ts';
import type { Exporter, RenderOptions } from './types.ts';
import { shellQuote } from '../shell.ts';

/** Width used where the terminal's is unknown (output piped or redirected). */
export const DEFAULT_WIDTH = 100;
/** Below this no table fits anyway; narrower requests are treated as this. */
export const MIN_WIDTH = 40;
/** Error findings listed one by one before the rest are counted. */
const MAX_ERROR_LINES = 5;

/**
 * The width to lay the summary out for: $COLUMNS when set to a number (the user's explicit
 * choice, and what a test can set), else the terminal's own on a TTY, else DEFAULT_WIDTH.
 */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number.parseInt(env.COLUMNS ?? '', 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return Math.max(MIN_WIDTH, fromEnv);
  if (stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0) return Math.max(MIN_WIDTH, stream.columns);
  return DEFAULT_WIDTH;
}

// eslint-disable-next-line no-control-regex -- ANSI color codes are control characters by nature
const ANSI = /\u001b\[[0-9;]*m/g;

/** Columns a line takes on screen (ANSI codes take none). */
export function visibleWidth(line: string): number {
  return [...line.replace(ANSI, '')].length;
}

/** Words wrapped into lines of at most `width` columns, each after `indent`. */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && visibleWidth(indent + line + ' ' + word) > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** "1.35x [0.91, 1.99]" with the significance and noise marks after the x. */
function speedupText(cell: Cell, color: boolean): string {
  const m = cell.metrics.speedup;
  const marks = significanceMark(cell.comparisons?.speedup) + noiseMark(cell);
  if (!m) return cell.method === 'vanilla' ? `1x ref${marks}` : MISSING;
  const [mean, ...interval] = formatWithInterval(m).split(' ');
  const text = `${mean}x${marks}${interval.length > 0 ? ` ${interval.join(' ')}` : ''}`;
  if (!significanceMark(cell.comparisons?.speedup)) return text;
  return paint(text, m.mean >= 1 ? 'green' : 'red', color);
}

function cellText(cell: Cell | undefined, color: boolean): string {
  if (!cell) return MISSING;
  if (cell.status !== 'ok') return paint(cell.status, cell.status === 'failed' ? 'red' : 'yellow', color);
  const tau = cell.metrics.accept_length_pooled;
  const speed = speedupText(cell, color);
  return tau ? `${speed} τ ${formatNumber(tau.mean, 2)}` : speed;
}

/** One engine: rows are named by draft alone (the engine is in the title). */
function rowLabel(method: string, oneEngine: boolean): string {
  return oneEngine ? method.slice(method.indexOf('/') + 1) : method;
}

// Only the rule under the head and the column separators: borders all round cost 2 lines and 2
// columns per group, which the 100-column, 60-line budget needs for data.
const CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', right: '', 'right-mid': '',
};

/** A column of a summary table: a dataset (its index) or the Mean. */
type Column = number | 'mean';

function renderGroup(table: SummaryTable, columns: Column[], oneEngine: boolean, color: boolean): string {
  const head = ['', ...columns.map((c) => (c === 'mean' ? 'Mean' : table.datasets[c]))];
  const t = new Table({
    head: head.map((h) => paint(h, 'bold', color)),
    colAligns: ['left', ...columns.map(() => 'right' as const)],
    chars: CHARS,
    style: color ? { head: [], border: ['grey'], compact: true } : { head: [], border: [], compact: true },
  });
  for (const row of table.rows) {
    const mean = row.mean === undefined ? MISSING : `${formatNumber(row.mean, 2)}x${row.meanOf < table.datasets.length ? ` (${row.meanOf}/${table.datasets.length})` : ''}`;
    t.push([rowLabel(row.method, oneEngine), ...columns.map((c) => (c === 'mean' ? mean : cellText(row.cells[c], color)))]);
  }
  return t.toString().split('\n').map((l) => l.trimEnd()).join('\n');
}

const tableWidth = (text: string) => Math.max(...text.split('\n').map(visibleWidth));

/**
 * The table of one temperature as one or more column groups, each at most `width` wide where a
 * single column fits at all: columns (the datasets, then Mean) join a group while it fits.
 */
export function temperatureTables(table: SummaryTable, width: number, oneEngine: boolean, color: boolean): string[] {
  const columns: Column[] = [...table.datasets.map((_, i) => i), 'mean'];
  const out: string[] = [];
  let group: Column[] = [];
  for (const c of columns) {
    if (group.length > 0 && tableWidth(renderGroup(table, [...group, c], oneEngine, color)) > width) {
      out.push(renderGroup(table, group, oneEngine, color));
      group = [];
    }
    group.push(c);
  }
  out.push(renderGroup(table, group, oneEngine, color));
  return balanced(table, columns, out, width, oneEngine, color);
}

/** As many groups as the greedy packing needed, but of even sizes where those fit too (no lone Mean column). */
function balanced(table: SummaryTable, columns: Column[], greedy: string[], width: number, oneEngine: boolean, color: boolean): string[] {
  const n = greedy.length;
  if (n < 2) return greedy;
  const out: string[] = [];
  let at = 0;
  for (let g = 0; g < n; g++) {
    const size = Math.ceil((columns.length - at) / (n - g));
    const text = renderGroup(table, columns.slice(at, at + size), oneEngine, color);
    if (tableWidth(text) > width) return greedy;
    out.push(text);
    at += size;
  }
  return out;
}

function intervalLevel(result: ResultFile): string {
  const level = result.cells.map((c) => c.metrics?.speedup?.interval?.level).find((l) => typeof l === 'number');
  return `${+((level ?? 0.95) * 100).toFixed(1)}%`;
}

function footnote(result: ResultFile, width: number): string[] {
  const text = `Speedup: throughput over vanilla decoding of the same engine, dataset and T (paired by round), with its ${intervalLevel(result)} interval [low, high]. `
    + 'τ: pooled acceptance length, completion tokens per verify cycle, bonus token included (and the first, prefill token, so vanilla is just above 1). '
    + `${SIGNIFICANT_MARK} significant against vanilla (Holm-adjusted); ${NOISY_MARK} noisy cell (outlier trial or CV above 10%). Mean: over datasets.`;
  return wrapText(text, width);
}

function groupLine(g: AuditGroup, width: number, color: boolean): string {
  const sev = paint(g.severity, g.severity === 'error' ? 'red' : 'yellow', color);
  const count = `${g.findings.length} finding${g.findings.length === 1 ? '' : 's'}`;
  const where = g.cells.length > 0 ? `, ${g.cells.length} cell${g.cells.length === 1 ? '' : 's'}` : '';
  const head = `  ${sev} ${g.check}: ${count}${where}`;
  const example = g.findings[0];
  const e = `${example.cell ? `${example.cell}: ` : ''}${example.message}`;
  const room = width - visibleWidth(head) - 8;
  return room > 20 ? `${head} (e.g. ${truncate(e, room)})` : head;
}

function errorLine(f: AuditFinding, width: number, color: boolean): string {
  const head = `  ${paint('error', 'red', color)} ${f.check}: `;
  return head + truncate(`${f.cell ? `${f.cell}: ` : ''}${f.message}`, Math.max(20, width - visibleWidth(head)));
}

/** The audit in a few lines: the count per severity, each error, one line per kind of warning, where to read the rest. */
export function auditSummary(result: ResultFile, width: number, color = false, source?: string): string[] {
  const findings = result.audit;
  if (!findings) return [];
  const counts = severityCounts(findings);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const headline = `Audit: ${plural(counts.error, 'error', 'errors')}, ${plural(counts.warning, 'warning', 'warnings')}, ${plural(counts.info, 'note', 'notes')}`;
  if (findings.length === 0) return [`${headline}.`];
  const lines = [headline];
  const groups = groupFindings(findings.filter((f) => f.severity !== 'info'));
  for (const g of groups) {
    if (g.severity === 'error') {
      for (const f of g.findings.slice(0, MAX_ERROR_LINES)) lines.push(errorLine(f, width, color));
      if (g.findings.length > MAX_ERROR_LINES) lines.push(`  ... and ${g.findings.length - MAX_ERROR_LINES} more ${g.check} errors`);
    } else {
      lines.push(groupLine(g, width, color));
    }
  }
  lines.push(...wrapText(`All findings: prism-bench report ${source === undefined ? 'RUN' : shellQuote(source)} --audit (or report.md, "Fairness audit").`, width, '  '));
  return lines;
}

/** Every finding, grouped as the summary counts them (errors first), for `report RUN --audit`. */
export function renderAuditText(result: ResultFile, color = false): string {
  const findings = result.audit;
  if (!findings) return 'No audit recorded.\n';
  if (findings.length === 0) return 'Audit: no findings.\n';
  const lines: string[] = [];
  for (const g of groupFindings(findings)) {
    const sev = paint(g.severity, g.severity === 'error' ? 'red' : g.severity === 'warning' ? 'yellow' : 'cyan', color);
    lines.push(`${sev} ${g.check} (${g.findings.length}${g.cells.length > 0 ? `, ${g.cells.length} cell${g.cells.length === 1 ? '' : 's'}` : ''}):`);
    for (const f of g.findings) lines.push(`  ${f.cell ? `${f.cell}: ` : ''}${f.message}`);
  }
  return lines.join('\n') + '\n';
}

export function renderTerminal(result: ResultFile, opts: RenderOptions = {}): string {
  const color = opts.color === true;
  const width = Math.max(MIN_WIDTH, opts.width ?? DEFAULT_WIDTH);
  const engines = [...new Set(result.cells.map((c) => c.engine))];
  const oneEngine = engines.length === 1;
  const lines: string[] = [];
  const counts = { ok: 0, failed: 0, other: 0 };
  for (const c of result.cells) counts[c.status === 'ok' ? 'ok' : c.status === 'failed' ? 'failed' : 'other'] += 1;
  const status = [`${counts.ok} ok`, counts.failed ? `${counts.failed} failed` : '', counts.other ? `${counts.other} not run` : ''].filter(Boolean).join(', ');
  for (const table of summaryTables(result)) {
    lines.push(paint(`Speedup over vanilla${oneEngine ? ` (${engines[0]})` : ''}, T = ${formatTemperature(table.temperature)}`, 'bold', color));
    for (const group of temperatureTables(table, width, oneEngine, color)) lines.push(group, '');
  }
  lines.push(...footnote(result, width));
  lines.push(...wrapText(`${result.cells.length} cells (${status}). Every metric per cell, latency percentiles and noise: --wide (report --format table) or report.md.`, width));
  const imported = importInfo(result);
  if (imported) lines.push(...wrapText(importLine(imported), width));
  const audit = auditSummary(result, width, color, opts.source);
  if (audit.length > 0) lines.push('', ...audit);
  return lines.join('\n') + '\n';
}

export const terminalExporter: Exporter = {
  format: 'terminal',
  render: (result, opts) => renderTerminal(result, opts),
};
