// HTML export of a run: one self-contained page with the field's plots (speedup with intervals,
// acceptance length against draft cost, per-position acceptance, latency distributions), then
// latency percentiles, the fairness audit, the settings every cell shared and the hardware.
import type { ResultFile } from '../result/schema.ts';
import { LATENCY_KINDS } from '../metrics/latency.ts';
import { runCharts } from './charts.ts';
import { MISSING, draftTuning, formatTemperature, hardwareLines, methodLabel, plain, str } from './format.ts';
import { dataTable, escapeHtml, htmlPage, keyValueTable, type Section } from './html-page.ts';
import { LATENCY_HEADS, PERCENTILE_NOTE, cellsWithPercentiles, percentileTriple } from './latency.ts';
import type { Exporter } from './types.ts';

function latencySection(result: ResultFile): Section | null {
  const cells = cellsWithPercentiles(result);
  if (cells.length === 0) return null;
  const rows = cells.map((c) => [methodLabel(c), c.dataset, formatTemperature(c.temperature), ...LATENCY_KINDS.map((k) => percentileTriple(c, k))]);
  return {
    id: 'latency-percentiles', title: 'Latency percentiles (p50 / p90 / p99, ms)',
    html: dataTable(['Method', 'Dataset', 'T', ...LATENCY_KINDS.map((k) => LATENCY_HEADS[k])], rows, 3) + `<p class="caption">${escapeHtml(PERCENTILE_NOTE)}</p>`,
  };
}

function auditSection(result: ResultFile): Section {
  const findings = result.audit;
  let html: string;
  if (!findings) html = '<p>No audit recorded.</p>';
  else if (findings.length === 0) html = '<p>No findings.</p>';
  else {
    html = `<ul>${findings.map((f) => `<li><span class="sev-${escapeHtml(f.severity)}">${escapeHtml(f.severity)}</span> (${escapeHtml(f.check)})${f.cell ? ` ${escapeHtml(f.cell)}` : ''}: ${escapeHtml(f.message)}</li>`).join('')}</ul>`;
  }
  return { id: 'audit', title: 'Fairness audit', html };
}

/** The suite's settings as run: every cell of the result used exactly these. */
function settingsSection(result: ResultFile): Section {
  const suite = result.suite;
  const rows: Array<[string, string]> = [['Suite', `${str(suite.name) ?? MISSING} (${str(suite.file) ?? result.suiteFile ?? MISSING})`]];
  for (const [k, v] of Object.entries(suite.settings ?? {})) rows.push([k, plain(v) ?? MISSING]);
  rows.push(['quick', result.options?.quick ? 'yes' : 'no']);
  for (const [name, e] of Object.entries(result.engines ?? {})) rows.push([`engine ${name}`, e.version]);
  for (const d of suite.drafts ?? []) rows.push([`draft ${str(d.name) ?? MISSING}`, [str(d.method) ?? MISSING, ...draftTuning(d)].join(', ')]);
  return { id: 'settings', title: 'Settings held identical across cells', html: keyValueTable(rows) };
}

function hardwareSection(result: ResultFile): Section {
  const lines = hardwareLines(result.fingerprint);
  return { id: 'hardware', title: 'Hardware fingerprint', html: lines.length > 0 ? keyValueTable(lines) : '<p>No hardware fingerprint recorded.</p>' };
}

export function renderHtml(result: ResultFile): string {
  const name = str(result.suite.name) ?? result.runId;
  const intro = `<p>Run ${escapeHtml(result.runId)} (${escapeHtml(result.status ?? MISSING)}), created ${escapeHtml(result.createdAt ?? MISSING)}, `
    + `${escapeHtml(`${result.tool?.name ?? 'prism-bench'} ${result.tool?.version ?? ''}`.trim())}. Failed cells: ${result.cells.filter((c) => c.status === 'failed').length}.</p>`;
  const sections = [latencySection(result), auditSection(result), settingsSection(result), hardwareSection(result)].filter((s): s is Section => s !== null);
  return htmlPage(`prism-bench report: ${name}`, intro, runCharts(result), sections);
}

export const htmlExporter: Exporter = {
  format: 'html',
  render: (result) => renderHtml(result),
};
