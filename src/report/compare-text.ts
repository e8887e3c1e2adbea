// Text and Markdown renderings of a comparison (gate/compare.ts's CompareReport): one row per
// cell and metric with both means, the ratio head/base and its 95% interval, the relative change,
// the p-values and the verdict, then the comparability problems and notes. Used by compare, the
// gate's summary (gate.ts here) and the HTML page (compare-html.ts).
import Table from 'cli-table3';
import { notJudgeableLine, problemSummary, type CompareReport, type MetricComparison, type SuiteComparison } from '../gate/compare.ts';
import { paint } from './format.ts';
import { NOT_DETECTABLE, digitsFor, formatChange, formatMde, formatNumber, formatP, formatRatio } from './numbers.ts';

export { formatChange, formatMde, formatRatio };

export function formatMean(c: MetricComparison, side: 'base' | 'head'): string {
  const s = c[side];
  return `${formatNumber(s.mean, digitsFor(c.unit))}${c.unit ? ` ${c.unit}` : ''}`;
}

const TEST_NAME = { welch: 'Welch', paired: 'paired t', exact: 'exact' } as const;

export function ruleText(report: CompareReport): string {
  const test = report.design === 'paired' ? 'a paired t-test on the per-round log ratios' : "Welch's t-test on the per-launch means (the engine launch is the unit; per-trial values where a side has one launch per cell)";
  return `verdict: regression (improvement) when ${test} shows the change beyond ${report.options.maxRegression}% in the worse (better) direction ` +
    `(one-sided, H0: within the tolerance; Holm-adjusted p < ${report.options.alpha}; p Holm is that test's, p the two-sided test of no change), ` +
    `so a true change within the tolerance fails at most ${report.options.alpha} of the time; metrics constant on both sides are compared exactly (no test); ` +
    `ratio = head/base with its 95% interval; MDE = the change shown as a regression with 80% power at this variance and number of trials (above 100%: ${NOT_DETECTABLE})`;
}

/** One line per metric for the suite as a whole. */
export function suiteLine(s: SuiteComparison): string {
  const p = s.test === 'exact' ? 'exact' : `p ${formatP(s.p)}, p Holm ${formatP(s.adjustedP)}`;
  return `suite ${s.metric}: ${formatRatio(s)} over ${s.cells} cell${s.cells === 1 ? '' : 's'} (${formatChange(s)}; ${p}; MDE ${formatMde(s)}) -> ${s.verdict}`;
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
  if (report.provisional.length > 0) lines.push('', paint(`PROVISIONAL: ${report.provisional.join('; ')}`, 'bold', color));
  const { regression, improvement, same } = report.counts;
  lines.push('', `cells: ${regression} regression(s), ${improvement} improvement(s), ${same} unchanged; ${ruleText(report)}`);
  if (report.problems.length > 0) {
    lines.push('', paint(`NOT COMPARABLE (${problemSummary(report.problems)}):`, 'red', color));
    for (const p of report.problems) lines.push(`  ${p.message}`);
  }
  const unjudged = notJudgeableLine(report);
  if (unjudged) lines.push('', paint(unjudged, 'red', color));
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
