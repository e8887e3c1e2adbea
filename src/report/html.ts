// HTML export of a run: one self-contained page with the field's plots (speedup with intervals,
// acceptance length against draft cost, per-position acceptance, latency distributions), then
// latency percentiles, the fairness audit, the settings every cell shared and the hardware.
import type { ResultFile } from '../result/schema.ts';
import { LATENCY_KINDS } from '../metrics/latency.ts';
import { groupFindings, severityCounts, type AuditGroup } from '../audit/groups.ts';
import { runCharts, vanillaThroughput } from './charts.ts';
import { MISSING, draftTuning, formatTemperature, hardwareLines, methodLabel, plain, str } from './format.ts';
import { dataTable, escapeHtml, htmlPage, keyValueTable, type Section } from './html-page.ts';
import type { Chart } from './charts.ts';
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

const SEVERITY_WORDS: Record<string, [string, string]> = { error: ['error', 'errors'], warning: ['warning', 'warnings'], info: ['note', 'notes'] };

function severityWord(severity: string, n: number): string {
  const [one, many] = SEVERITY_WORDS[severity] ?? [severity, severity];
  return `${n} ${n === 1 ? one : many}`;
}

/** Errors open, and a short list of warnings; long lists (a noisy run's CV warnings) stay folded. */
const openGroup = (g: AuditGroup): boolean => g.severity === 'error' || (g.severity === 'warning' && g.findings.length <= 5);

/**
 * The audit grouped by severity and check, errors first, each group a <details> (open for errors
 * and short lists of warnings): a run's hundreds of noise notes fold into one line and no longer bury the
 * lossless and temperature checks.
 */
function auditSection(result: ResultFile): Section {
  const findings = result.audit;
  let html: string;
  if (!findings) html = '<p>No audit recorded.</p>';
  else if (findings.length === 0) html = '<p>No findings.</p>';
  else {
    const counts = severityCounts(findings);
    const head = `<p>${(['error', 'warning', 'info'] as const).map((s) => `<span class="sev-${s}">${severityWord(s, counts[s])}</span>`).join(', ')}, in ${groupFindings(findings).length} groups (severity and check).</p>`;
    html = head + groupFindings(findings).map((g) => {
      const where = [g.cells.length > 0 ? `${g.cells.length} cell${g.cells.length === 1 ? '' : 's'}` : '', g.runWide > 0 ? `${g.runWide} run-wide` : ''].filter(Boolean).join(', ');
      const items = g.findings.map((f) => `<li>${f.cell ? `<b>${escapeHtml(f.cell)}</b>: ` : ''}${escapeHtml(f.message)}</li>`).join('');
      return `<details class="audit-group" data-severity="${escapeHtml(g.severity)}" data-check="${escapeHtml(g.check)}"${openGroup(g) ? ' open' : ''}>`
        + `<summary><span class="sev-${escapeHtml(g.severity)}">${escapeHtml(g.severity)}</span> <b>${escapeHtml(g.check)}</b>: ${severityWord(g.severity, g.findings.length)}${where ? ` (${where})` : ''}</summary><ul>${items}</ul></details>`;
    }).join('');
  }
  return { id: 'audit', title: 'Fairness audit', html };
}

/** Vanilla's absolute throughput, datasets as columns: the speedups elsewhere are relative to it. */
function vanillaTable(result: ResultFile): string {
  const cells = vanillaThroughput(result);
  if (cells.length === 0) return '';
  const datasets = [...new Set(cells.map((c) => c.dataset))];
  const lines = [...new Set(cells.map((c) => `${c.label}\u0000${c.temperature}`))];
  const rows = lines.map((key) => {
    const [label, t] = key.split('\u0000') as [string, string];
    return [label, t, ...datasets.map((d) => cells.find((c) => c.label === label && String(c.temperature) === t && c.dataset === d)?.text ?? MISSING)];
  });
  return `<h2 id="vanilla-throughput">Vanilla throughput (tok/s: mean [95% interval])</h2>${dataTable(['Method', 'T', ...datasets], rows, 2)}`;
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

/** `extra`: charts and sections appended by report --profile (the projection). */
export function renderHtml(result: ResultFile, extra: { charts?: Chart[]; sections?: Section[] } = {}): string {
  const name = str(result.suite.name) ?? result.runId;
  const intro = `<p>Run ${escapeHtml(result.runId)} (${escapeHtml(result.status ?? MISSING)}), created ${escapeHtml(result.createdAt ?? MISSING)}, `
    + `${escapeHtml(`${result.tool?.name ?? 'prism-bench'} ${result.tool?.version ?? ''}`.trim())}. Failed cells: ${result.cells.filter((c) => c.status === 'failed').length}.</p>`
    + vanillaTable(result);
  const sections = [latencySection(result), ...(extra.sections ?? []), auditSection(result), settingsSection(result), hardwareSection(result)].filter((s): s is Section => s !== null);
  return htmlPage(`prism-bench report: ${name}`, intro, [...runCharts(result), ...(extra.charts ?? [])], sections);
}

export const htmlExporter: Exporter = {
  format: 'html',
  render: (result) => renderHtml(result),
};
