// Text and Markdown renderings of a CompareReport: one row per cell and metric with both means,
// the ratio head/base and its 95% interval, the relative change, the p-values and the verdict,
// then the comparability problems and notes.
import Table from 'cli-table3';
import { digitsFor, formatNumber, formatP, paint } from '../report/format.ts';
import type { CompareReport, MetricComparison, Problem, ProblemKind, SuiteComparison } from './compare.ts';

export function formatRatio(c: Pick<MetricComparison, 'ratio' | 'ratioInterval'>): string {
  if (c.ratio === null) return '-';
  const r = `${formatNumber(c.ratio, 3)}x`;
  return c.ratioInterval ? `${r} [${formatNumber(c.ratioInterval.low, 3)}, ${formatNumber(c.ratioInterval.high, 3)}]` : r;
}

/** The relative change and which way it goes for this metric, e.g. "20.0% worse", "3.1% better". */
export function formatChange(c: Pick<MetricComparison, 'change'>): string {
  if (c.change === null) return '-';
  const pct = Math.abs(c.change * 100);
  if (pct < 0.05) return '0.0%';
  return `${pct.toFixed(1)}% ${c.change > 0 ? 'worse' : 'better'}`;
}

export function formatMean(c: MetricComparison, side: 'base' | 'head'): string {
  const s = c[side];
  return `${formatNumber(s.mean, digitsFor(c.unit))}${c.unit ? ` ${c.unit}` : ''}`;
}

/** The minimum detectable effect as a percentage, e.g. "4.2%"; '-' without a variance estimate. */
export function formatMde(c: Pick<MetricComparison, 'mde'>): string {
  return c.mde === null ? '-' : `${(c.mde * 100).toFixed(1)}%`;
}

const TEST_NAME = { welch: 'Welch', paired: 'paired t', exact: 'exact' } as const;

export function ruleText(report: CompareReport): string {
  const test = report.design === 'paired' ? 'a paired t-test on the per-round log ratios' : "Welch's t-test on the per-trial values";
  return `verdict: regression (improvement) when the change in the worse (better) direction exceeds ${report.options.maxRegression}% ` +
    `AND the Holm-adjusted p of ${test} is < ${report.options.alpha}; metrics constant on both sides are compared exactly (no test); ` +
    `ratio = head/base with its 95% interval; MDE = the change detected with 80% power at this variance and number of trials`;
}

/** One line per metric for the suite as a whole. */
export function suiteLine(s: SuiteComparison): string {
  const p = s.test === 'exact' ? 'exact' : `p ${formatP(s.p)}, p Holm ${formatP(s.adjustedP)}`;
  return `suite ${s.metric}: ${formatRatio(s)} over ${s.cells} cell${s.cells === 1 ? '' : 's'} (${formatChange(s)}; ${p}; MDE ${formatMde(s)}) -> ${s.verdict}`;
}

const KIND_TITLE: Record<ProblemKind, string> = {
  hardware: 'different hardware',
  settings: 'different settings',
  'missing-cell': 'missing cells',
  'failed-cell': 'failed or unfinished cells',
  'missing-metric': 'missing metrics',
  direction: 'metric direction differs',
};

/** One line naming what kinds of problem there are, e.g. "different hardware, missing cells". */
export function problemSummary(problems: readonly Problem[]): string {
  return [...new Set(problems.map((p) => KIND_TITLE[p.kind]))].join(', ');
}

function describe(side: CompareReport['base']): string {
  return `${side.path || side.label} (${side.kind}${side.kind === 'baseline' ? ` '${side.label}' from run ${side.runId}` : ` ${side.runId}`})`;
}

export function renderCompareText(report: CompareReport, opts: { color?: boolean } = {}): string {
  const color = opts.color === true;
  const lines: string[] = [`base: ${describe(report.base)}`, `head: ${describe(report.head)}`, ''];
  if (report.comparisons.length > 0) {
    const table = new Table({
      head: ['Cell', 'Metric', 'Base', 'Head', 'Ratio [95% CI]', 'Change', 'Test', 'p', 'p MW', 'p Holm', 'MDE', 'Verdict'].map((h) => paint(h, 'bold', color)),
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'left'],
      style: color ? { head: [], border: ['grey'], compact: true } : { head: [], border: [], compact: true },
    });
    for (const c of report.comparisons) {
      const verdict = c.verdict === 'regression' ? paint('REGRESSION', 'red', color) : c.verdict === 'improvement' ? paint('improvement', 'green', color) : 'same';
      table.push([c.cell, c.metric, formatMean(c, 'base'), formatMean(c, 'head'), formatRatio(c), formatChange(c), TEST_NAME[c.test], formatP(c.p), formatP(c.mannWhitneyP), formatP(c.adjustedP), formatMde(c), verdict]);
    }
    lines.push(table.toString());
  } else {
    lines.push('(no metric could be compared)');
  }
  if (report.suite.length > 0) {
    lines.push('', `Suite as a whole (${report.design}):`);
    for (const s of report.suite) lines.push(`  ${s.verdict === 'regression' ? paint(suiteLine(s), 'red', color) : suiteLine(s)}`);
  }
  const { regression, improvement, same } = report.counts;
  lines.push('', `cells: ${regression} regression(s), ${improvement} improvement(s), ${same} unchanged; ${ruleText(report)}`);
  if (report.problems.length > 0) {
    lines.push('', paint(`NOT COMPARABLE (${problemSummary(report.problems)}):`, 'red', color));
    for (const p of report.problems) lines.push(`  ${p.message}`);
  }
  if (report.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of report.notes) lines.push(`  ${n}`);
  }
  return lines.join('\n') + '\n';
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|');

export function comparisonTableMarkdown(rows: readonly MetricComparison[]): string {
  const out = [
    '| Cell | Metric | Base | Head | Ratio [95% CI] | Change | Test | p | p Mann-Whitney | p Holm | MDE | Verdict |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const c of rows) {
    const verdict = c.verdict === 'regression' ? '**regression**' : c.verdict;
    out.push(`| ${mdEscape(c.cell)} | ${mdEscape(c.metric)} | ${formatMean(c, 'base')} | ${formatMean(c, 'head')} | ${formatRatio(c)} | ${formatChange(c)} | ${TEST_NAME[c.test]} | ${formatP(c.p)} | ${formatP(c.mannWhitneyP)} | ${formatP(c.adjustedP)} | ${formatMde(c)} | ${verdict} |`);
  }
  return out.join('\n');
}

export function suiteTableMarkdown(rows: readonly SuiteComparison[]): string {
  const out = [
    '| Metric | Cells | Ratio [95% CI] | Change | Test | p | p Holm | MDE | Verdict |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
  ];
  for (const s of rows) {
    const verdict = s.verdict === 'regression' ? '**regression**' : s.verdict;
    out.push(`| ${mdEscape(s.metric)} | ${s.cells} | ${formatRatio(s)} | ${formatChange(s)} | ${TEST_NAME[s.test]} | ${formatP(s.p)} | ${formatP(s.adjustedP)} | ${formatMde(s)} | ${verdict} |`);
  }
  return out.join('\n');
}
