// The CI gate: compares a result against a baseline and turns the comparison into an exit code
// and a Markdown summary for the job page.
//   2 = not comparable (different hardware or settings, missing/failed cells, missing metrics),
//   1 = some cell regressed on a gated metric (beyond the threshold AND significant),
//   0 = otherwise.
import { appendFileSync } from 'node:fs';
import { compareRuns, DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION, type CompareReport, type MetricComparison, type Problem, type SuiteComparison } from './compare.ts';
import type { Comparable } from './comparable.ts';
import { comparisonTableMarkdown, formatChange, formatMean, formatRatio, problemSummary, ruleText, suiteLine, suiteTableMarkdown } from './render.ts';
import { formatP } from '../report/format.ts';

import { DEFAULT_GATE_METRICS } from './defaults.ts';

export { DEFAULT_GATE_METRICS };

export interface GateOptions {
  /** percent (default 5) */
  maxRegression?: number;
  /** default DEFAULT_GATE_METRICS */
  metrics?: readonly string[];
  /** default 0.05 */
  alpha?: number;
  /** baseline and result are the two engines of one run, paired round by round */
  paired?: boolean;
}

export interface GateOutcome {
  exitCode: 0 | 1 | 2;
  /** one line: PASS / REGRESSION / NOT COMPARABLE and why */
  headline: string;
  summaryMarkdown: string;
  regressions: MetricComparison[];
  /** suite-level metrics that regressed */
  suiteRegressions: SuiteComparison[];
  problems: Problem[];
  report: CompareReport;
}

function regressionLine(r: MetricComparison): string {
  return `${r.cell} ${r.metric}: ${formatMean(r, 'base')} -> ${formatMean(r, 'head')} (${formatChange(r)}, ratio ${formatRatio(r)}, ${r.test === 'exact' ? 'exact: constant on both sides' : `p Holm ${formatP(r.adjustedP)}`})`;
}

export function runGate(baseline: Comparable, result: Comparable, opts: GateOptions = {}): GateOutcome {
  const maxRegression = opts.maxRegression ?? DEFAULT_MAX_REGRESSION;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const metrics = opts.metrics ?? DEFAULT_GATE_METRICS;
  const names = opts.paired ? { base: 'base', head: 'head' } : { base: 'baseline', head: 'result' };
  const report = compareRuns(baseline, result, { maxRegression, alpha, metrics, names, paired: opts.paired });
  const regressions = report.comparisons.filter((c) => c.verdict === 'regression');
  const suiteRegressions = report.suite.filter((c) => c.verdict === 'regression');
  const problems = report.problems;
  if (report.comparisons.length === 0 && problems.length === 0) {
    // gating nothing must not pass silently
    problems.push({ kind: 'missing-metric', message: `missing metrics: none of the gated metrics (${metrics.join(', ')}) could be compared in any cell` });
    report.comparable = false;
  }
  const exitCode: 0 | 1 | 2 = problems.length > 0 ? 2 : regressions.length + suiteRegressions.length > 0 ? 1 : 0;
  const what = [...suiteRegressions.map((s) => `suite ${s.metric} ${formatChange(s)}`), ...regressions.map((r) => `${r.cell} ${r.metric}`)];
  const headline = exitCode === 2
    ? `NOT COMPARABLE: ${problemSummary(problems)} (${problems.length} problem${problems.length === 1 ? '' : 's'})`
    : exitCode === 1
      ? `REGRESSION: ${what.length} regression${what.length === 1 ? '' : 's'} beyond ${maxRegression}% (${what.join(', ')})`
      : `PASS: no regression beyond ${maxRegression}% in ${report.comparisons.length} comparison${report.comparisons.length === 1 ? '' : 's'} and ${report.suite.length} suite-level one${report.suite.length === 1 ? '' : 's'}${mdeClause(report)}`;
  return { exitCode, headline, summaryMarkdown: gateMarkdown(report, exitCode, headline, regressions), regressions, suiteRegressions, problems, report };
}

/** ", could see 3.1% (throughput, 80% power)": what a pass rules out. */
function mdeClause(report: CompareReport): string {
  const tp = report.suite.find((s) => s.metric === 'throughput') ?? report.suite.find((s) => s.mde !== null);
  return tp && tp.mde !== null ? `; the suite's ${tp.metric} could show a ${(tp.mde * 100).toFixed(1)}% regression with 80% power` : '';
}

function gateMarkdown(report: CompareReport, exitCode: 0 | 1 | 2, headline: string, regressions: MetricComparison[]): string {
  const icon = exitCode === 0 ? '✅' : exitCode === 1 ? '❌' : '⚠️';
  const base = report.base.kind === 'baseline' ? `baseline \`${report.base.label}\` (run \`${report.base.runId}\`)` : `run \`${report.base.runId}\``;
  const lines: string[] = [
    `## ${icon} prism-bench gate: ${headline}`,
    '',
    `Result run \`${report.head.runId}\` against ${base}. Metrics: ${(report.options.metrics ?? []).map((m) => `\`${m}\``).join(', ')}.`,
    `${report.design === 'paired' ? 'Paired design: both engines ran interleaved, round by round, in one run. ' : ''}${ruleText(report)}.`,
    '',
  ];
  if (report.suite.length > 0) {
    lines.push('### Suite as a whole', '', suiteTableMarkdown(report.suite), '', ...report.suite.map((s) => `- ${s.metric}: ${s.method}`), '');
  }
  if (report.problems.length > 0) {
    lines.push('### Not comparable', '', 'The gate cannot judge this pair fairly; fix these (or re-baseline on this machine and settings):', '');
    for (const p of report.problems) lines.push(`- ${p.message}`);
    lines.push('');
  }
  if (regressions.length > 0) {
    lines.push('### Regressions', '', comparisonTableMarkdown(regressions), '');
    if (exitCode === 2) lines.push('(listed for information: the pair is not comparable)', '');
  }
  if (report.comparisons.length > 0) {
    lines.push('<details><summary>All comparisons</summary>', '', comparisonTableMarkdown(report.comparisons), '', '</details>', '');
  }
  if (report.notes.length > 0) {
    lines.push('Notes:', '');
    for (const n of report.notes) lines.push(`- ${n}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Plain-text lines for the terminal: the headline, then each regression or problem. */
export function gateText(outcome: GateOutcome): string {
  const lines = [`prism-bench gate: ${outcome.headline}`];
  for (const p of outcome.problems) lines.push(`  ${p.message}`);
  for (const s of outcome.report.suite) lines.push(`  ${suiteLine(s)}`);
  for (const r of outcome.regressions) lines.push(`  regression: ${regressionLine(r)}`);
  for (const n of outcome.report.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

/**
 * Publishes the Markdown summary: appended to the file named by GITHUB_STEP_SUMMARY when set
 * (GitHub renders it on the job page; appending keeps what earlier steps wrote), else printed.
 * Returns where it went.
 */
export function publishSummary(markdown: string, env: NodeJS.ProcessEnv = process.env, print: (s: string) => void = (s) => process.stdout.write(s)): { file: string | null } {
  const file = env.GITHUB_STEP_SUMMARY;
  const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  if (file) {
    appendFileSync(file, text);
    return { file };
  }
  print(text);
  return { file: null };
}
