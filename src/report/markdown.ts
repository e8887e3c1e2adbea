// Markdown export in the layout papers use: per temperature, methods x datasets with
// "speedup (τ pooled acceptance length)" and a Mean column; then the detailed per-cell table,
// per-position acceptance, settings, hardware, fairness audit and metric definitions.
import type { Cell, ResultFile } from '../result/schema.ts';
import {
  MISSING, directionText, draftTuning, formatNumber, formatP, formatTemperature,
  formatValue, formatWithInterval, hardwareLines, legendLines, methodLabel, noiseMark,
  noiseReasons, num, plain, significanceMark, str, usedMetricDefinitions,
} from './format.ts';
import type { Exporter } from './types.ts';
import { summarySpeedup, summaryTables } from './summary.ts';
import { groupFindings, severityCounts } from '../audit/groups.ts';
import { importInfo, importLines } from './imported.ts';
import { LATENCY_HEADS, PERCENTILE_NOTE, cellsWithPercentiles, percentileTriple } from './latency.ts';
import { LATENCY_KINDS } from '../metrics/latency.ts';

/** Escapes text for Markdown (table cells included): `\`, `|`, `*`, `<` and backticks; newlines become spaces. */
export function mdEscape(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/[\\|*<`]/g, (c) => `\\${c}`);
}

type Align = 'left' | 'right';

/** A Markdown table with columns padded to equal width (cells must be escaped already). */
export function mdTable(head: string[], rows: string[][], align: Align[]): string {
  const width = (s: string) => [...s].length;
  const widths = head.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i] - width(s));
    return align[i] === 'right' ? fill + s : s + fill;
  };
  const line = (cells: string[]) => `| ${cells.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...rows.map((r) => line(head.map((_, i) => r[i] ?? '')))].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Summary: one table per temperature

function summaryCell(cell: Cell | undefined): string {
  if (!cell) return MISSING;
  if (cell.status !== 'ok') return cell.status;
  const s = summarySpeedup(cell);
  const tau = cell.metrics.accept_length_pooled;
  const marks = mdEscape(significanceMark(cell.comparisons?.speedup) + noiseMark(cell));
  const speed = s === undefined ? MISSING : `${formatNumber(s, 2)}x${marks}`;
  return tau ? `${speed} (τ ${formatValue(tau, 2)})` : speed;
}

function summarySection(result: ResultFile): string[] {
  const out: string[] = ['## Speedup', ''];
  for (const table of summaryTables(result)) {
    const { datasets } = table;
    const rows = table.rows.map((row) => {
      let mean = MISSING;
      if (row.mean !== undefined) {
        mean = `${formatNumber(row.mean, 2)}x`;
        if (row.meanOf < datasets.length) mean += ` (${row.meanOf} of ${datasets.length})`;
      }
      return [mdEscape(row.method), ...row.cells.map(summaryCell), mean];
    });
    out.push(
      `### T = ${formatTemperature(table.temperature)}`,
      '',
      mdTable(['Method', ...datasets.map(mdEscape), 'Mean'], rows, ['left', ...datasets.map(() => 'right' as const), 'right']),
      '',
      'Each cell: speedup over vanilla decoding of the same engine, dataset and temperature, then the pooled acceptance length τ (tok/cycle, bonus token included) in parentheses; vanilla is the reference (1.00x). Mean: arithmetic mean of the speedup over datasets ("k of n" when only k datasets have a result).',
      '',
    );
  }
  out.push(...legendLines(result).map((l) => `- ${mdEscape(l)}`), '');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Detailed table

function trialsOf(cell: Cell): string {
  const n = cell.metrics.throughput?.n;
  if (typeof n === 'number') return String(n);
  const done = (cell.trials ?? []).length;
  return done > 0 ? String(done) : MISSING;
}

function detailedSection(result: ResultFile): string[] {
  const head = ['Method', 'Dataset', 'T', 'Status', 'Throughput (tok/s)', 'Speedup (x)', 'Adj. p', 'τ pooled', 'τ mean', 'Draft ms/step', 'Verify ms/cycle', 'n'];
  const align: Align[] = ['left', 'left', 'right', 'left', ...Array<Align>(8).fill('right')];
  const rows = result.cells.map((cell) => {
    const m = cell.metrics;
    const cmp = cell.comparisons?.speedup;
    const noisy = noiseMark(cell);
    const status = cell.status + (noisy ? ` ${noisy}` : '');
    const speedup = m.speedup ? formatWithInterval(m.speedup) + mdEscape(significanceMark(cmp)) : MISSING;
    return [
      mdEscape(methodLabel(cell)), mdEscape(cell.dataset), formatTemperature(cell.temperature), status,
      formatWithInterval(m.throughput), speedup, formatP(cmp?.adjustedP),
      formatWithInterval(m.accept_length_pooled), formatWithInterval(m.accept_length_mean),
      formatWithInterval(m.draft_ms_per_step), formatWithInterval(m.verify_ms_per_cycle), trialsOf(cell),
    ];
  });
  const out = [
    '## Detailed results',
    '',
    mdTable(head, rows, align),
    '',
    'Values are mean [low, high] of the confidence interval, or mean ± half-width where it is symmetric (see the marks above). Adj. p: Holm-adjusted Welch p of the speedup against vanilla. τ pooled: completion tokens over verify cycles pooled over requests; τ mean: per-request mean of accepted drafts per cycle + 1. n: trials.',
    '',
  ];
  const failed = result.cells.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    out.push('Failed cells:', '', ...failed.map((c) => `- ${mdEscape(c.id)}: ${mdEscape(c.error ?? 'no error recorded')}`), '');
  }
  const noisy = result.cells.filter((c) => noiseReasons(c).length > 0);
  if (noisy.length > 0) {
    out.push('Noisy cells (!):', '', ...noisy.map((c) => `- ${mdEscape(c.id)}: ${mdEscape(noiseReasons(c).join('; '))}`), '');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Latency percentiles

function latencySection(result: ResultFile): string[] {
  const cells = cellsWithPercentiles(result);
  if (cells.length === 0) return [];
  const rows = cells.map((c) => [mdEscape(methodLabel(c)), mdEscape(c.dataset), formatTemperature(c.temperature), ...LATENCY_KINDS.map((k) => percentileTriple(c, k))]);
  return [
    '## Latency percentiles',
    '',
    mdTable(['Method', 'Dataset', 'T', ...LATENCY_KINDS.map((k) => `${LATENCY_HEADS[k]} (ms)`)], rows, ['left', 'left', 'right', ...LATENCY_KINDS.map(() => 'right' as const)]),
    '',
    mdEscape(PERCENTILE_NOTE),
    '',
  ];
}

// ---------------------------------------------------------------------------------------------
// Per-position acceptance

function positionSection(result: ResultFile): string[] {
  const cells = result.cells.filter((c) => c.method !== 'vanilla' && (c.positionAcceptance?.conditional?.length ?? 0) > 0);
  if (cells.length === 0) return [];
  const k = Math.max(...cells.map((c) => c.positionAcceptance!.conditional.length));
  const positions = Array.from({ length: k }, (_, i) => `pos ${i + 1}`);
  const rows = cells.map((c) => {
    const pa = c.positionAcceptance!;
    return [
      mdEscape(methodLabel(c)), mdEscape(c.dataset), formatTemperature(c.temperature), formatNumber(pa.cycles, 0),
      ...positions.map((_, i) => (i < pa.conditional.length ? formatNumber(pa.conditional[i], 3) : '')),
    ];
  });
  return [
    '## Per-position acceptance',
    '',
    mdTable(['Method', 'Dataset', 'T', 'Cycles', ...positions], rows, ['left', 'left', 'right', 'right', ...positions.map(() => 'right' as const)]),
    '',
    'Conditional acceptance rate at draft position i: verify cycles accepting at least i drafted tokens over cycles accepting at least i - 1.',
    '',
  ];
}

// ---------------------------------------------------------------------------------------------
// Settings, hardware, audit, definitions

function suiteText(name: string | undefined, file: string | undefined): string {
  if (name && file) return `${mdEscape(name)} (${mdEscape(file)})`;
  return mdEscape(name ?? file ?? MISSING);
}

function settingsSection(result: ResultFile): string[] {
  const suite = result.suite;
  const s = suite.settings ?? {};
  const v = (x: unknown) => mdEscape(plain(x) ?? MISSING);
  const topK = num(s.topK);
  const prompts = s.prompts === null ? 'all' : num(s.prompts) !== undefined ? `first ${String(s.prompts)} per dataset` : MISSING;
  const lines: Array<[string, string]> = [
    ['Suite', suiteText(str(suite.name), str(suite.file) ?? str(result.suiteFile))],
    ['Target', v(s.target)],
    ['Temperatures', v(s.temperatures)],
    ['top-p', v(s.topP)],
    ['top-k', topK === -1 ? '-1 (disabled)' : v(s.topK)],
    ['max_new_tokens', v(s.maxNewTokens)],
    ['ignore_eos', v(s.ignoreEos)],
    ['Batch size', v(s.batchSize)],
    ['Prompts', prompts],
    ['Seed', v(s.seed)],
    ['Warmup', num(s.warmup) !== undefined ? `${String(s.warmup)} request${s.warmup === 1 ? '' : 's'} per cell, discarded` : MISSING],
    ['Trials', v(s.trials)],
  ];
  if (num(s.maxTrials) !== undefined) lines.push(['Max trials', v(s.maxTrials)]);
  const targetCi = result.options?.targetCi;
  if (typeof targetCi === 'number') lines.push(['Target CI', String(targetCi)]);
  lines.push(['Quick', result.options?.quick ? 'yes' : 'no']);

  const engineText = (suite.engines ?? []).map((e) => {
    const name = str(e.name) ?? MISSING;
    const label = str(e.label);
    const version = str(result.engines?.[name]?.version);
    return mdEscape(`${label && label !== name ? `${label} (${name})` : name}${version ? ` ${version}` : ''}`);
  });
  if (engineText.length > 0) lines.push(['Engines', engineText.join(', ')]);
  const datasets = suite.datasets ?? [];
  if (datasets.length > 0) {
    lines.push(['Datasets', datasets.map((d) => mdEscape(`${str(d.name) ?? MISSING}${str(d.path) ? ` (${String(d.path)})` : ''}`)).join(', ')]);
  }

  const out = ['## Settings', '', ...lines.map(([k, val]) => `- ${k}: ${val}`)];
  const drafts = suite.drafts ?? [];
  if (drafts.length > 0) {
    out.push('- Drafts:');
    for (const draft of drafts) {
      const tuning = draftTuning(draft);
      const method = str(draft.method) ?? MISSING;
      const desc = method === 'vanilla' && tuning.length === 0 ? 'vanilla (no drafting, the reference)' : [method, ...tuning].join(', ');
      out.push(`  - ${mdEscape(str(draft.name) ?? MISSING)}: ${mdEscape(desc)}`);
    }
  }
  out.push('');
  return out;
}

function hardwareSection(result: ResultFile): string[] {
  const lines = hardwareLines(result.fingerprint);
  return [
    '## Hardware',
    '',
    ...(lines.length > 0 ? lines.map(([k, val]) => `- ${k}: ${mdEscape(val)}`) : ['No hardware fingerprint recorded.']),
    '',
    ...sweepLines(result),
  ];
}

/** A merged sweep: the machine above is the first shard's; say where each shard ran (cells carry their own fingerprint). */
function sweepLines(result: ResultFile): string[] {
  const shards = result.sweep?.shards;
  if (!shards?.length) return [];
  return [
    `Merged from ${shards.length} shards (prism-bench merge); the machine above is the first shard's, each cell keeps its own shard's fingerprint in result.json:`,
    '',
    ...shards.map((s) => `- shard ${s.index} (${mdEscape(s.units.join(', '))}): ${s.state}, host ${mdEscape(s.hostname ?? 'unknown')}${s.slurmJob ? `, Slurm job ${s.slurmJob}` : ''}, cells ok/failed/pending ${s.cells.ok}/${s.cells.failed}/${s.cells.pending}`),
    '',
  ];
}

/** Many outlier notes of the noise check read as a count and the cells, not one line each (result.json keeps each). */
const COLLAPSE_NOTES = 3;

function auditSection(result: ResultFile): string[] {
  const findings = result.audit;
  const out = ['## Fairness audit', ''];
  if (!findings) out.push('No audit recorded.');
  else if (findings.length === 0) out.push('No findings.');
  else {
    const n = severityCounts(findings);
    const count = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
    out.push(`${count(n.error, 'error')}, ${count(n.warning, 'warning')}, ${count(n.info, 'note')}; grouped by severity (errors first) and check.`, '');
    for (const g of groupFindings(findings)) {
      const cells = g.cells.length > 0 ? `, ${count(g.cells.length, 'cell')}` : '';
      out.push(`- **${g.severity}** (${mdEscape(g.check)}): ${count(g.findings.length, 'finding')}${cells}`);
      if (g.check === 'noise' && g.severity === 'info' && g.runWide === 0 && g.findings.length > COLLAPSE_NOTES) {
        out.push(`  - ${mdEscape(g.cells.join(', '))} (each note in result.json's audit, or \`prism-bench report RUN --audit\`)`);
        continue;
      }
      for (const f of g.findings) out.push(`  - ${f.cell ? `${mdEscape(f.cell)}: ` : ''}${mdEscape(f.message)}`);
    }
  }
  out.push('');
  return out;
}

/** Per engine and draft, which figures the engine measured and which the harness measured or derived (the adapter's declaration). */
function sourcesSection(result: ResultFile): string[] {
  const entries = Object.entries(result.engines ?? {}).filter(([, e]) => e.sources && Object.keys(e.sources).length > 0);
  if (entries.length === 0) return [];
  const kinds = [['engine', 'Engine, per request'], ['engine-counters', 'Engine counters, per trial'], ['client', 'Client-measured'], ['derived', 'Derived by the harness']] as const;
  const rows = entries.map(([key, e]) => [mdEscape(key), ...kinds.map(([k]) => mdEscape(Object.entries(e.sources!).filter(([, v]) => v === k).map(([id]) => id).join(', ') || '-'))]);
  return [
    '## Where each figure comes from',
    '',
    mdTable(['Engine/draft', ...kinds.map(([, label]) => label)], rows, ['left', 'left', 'left', 'left', 'left']),
    '',
    'Engine counters are server-wide (vLLM\'s /metrics), read before and after each trial; derived figures are computed from the engine\'s per-request fields.',
    '',
  ];
}

function definitionsSection(result: ResultFile): string[] {
  const defs = usedMetricDefinitions(result);
  if (defs.length === 0) return [];
  return [
    '## Metric definitions',
    '',
    ...defs.map((d) => `- **${mdEscape(d.label)}** (${mdEscape(d.id)}; ${mdEscape(d.unit)}, ${directionText(d.direction)}): ${mdEscape(d.definition)}`),
    '',
  ];
}

function headerSection(result: ResultFile): string[] {
  const suiteName = str(result.suite.name) ?? result.runId;
  return [
    `# prism-bench report: ${mdEscape(suiteName)}`,
    '',
    `- Run: ${mdEscape(result.runId)} (${mdEscape(result.status ?? MISSING)})`,
    `- Created: ${mdEscape(result.createdAt ?? MISSING)}; updated: ${mdEscape(result.updatedAt ?? MISSING)}`,
    `- Tool: ${mdEscape(`${result.tool?.name ?? 'prism-bench'} ${result.tool?.version ?? ''}`.trim())}`,
    // Markdown renderers cannot run the plots' JavaScript, so the page is linked, not embedded
    `- Plots: [report.html](report.html) in the run directory, a self-contained page that opens offline (or \`prism-bench report RUN --format html\`)`,
    '',
  ];
}

function importSection(result: ResultFile): string[] {
  const info = importInfo(result);
  return info ? importLines(info, mdEscape) : [];
}

export function renderMarkdown(result: ResultFile): string {
  const parts = [
    ...headerSection(result),
    ...summarySection(result),
    ...detailedSection(result),
    ...latencySection(result),
    ...positionSection(result),
    ...importSection(result),
    ...settingsSection(result),
    ...hardwareSection(result),
    ...auditSection(result),
    ...sourcesSection(result),
    ...definitionsSection(result),
  ];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('\n') + '\n';
}

export const markdownExporter: Exporter = {
  format: 'md',
  render: (result) => renderMarkdown(result),
};
