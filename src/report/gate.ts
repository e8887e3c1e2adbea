// The gate's report: its decision (gate/gate.ts) with the Markdown summary for the job page,
// and the plain text for the terminal.
import type { Comparable } from '../gate/comparable.ts';
import { notJudgeableLine, type MetricComparison } from '../gate/compare.ts';
import { gateVerdict, type GateOptions, type GateVerdict } from '../gate/gate.ts';
import { comparisonTableMarkdown, formatChange, formatMean, formatRatio, ruleText, suiteLine, suiteTableMarkdown } from './compare-text.ts';
import { formatP } from './numbers.ts';

export interface GateOutcome extends GateVerdict {
  summaryMarkdown: string;
}

/** Gates `result` against `baseline` (see gate/gate.ts) and renders the summary. */
export function runGate(baseline: Comparable, result: Comparable, opts: GateOptions = {}): GateOutcome {
  const verdict = gateVerdict(baseline, result, opts);
  return { ...verdict, summaryMarkdown: gateMarkdown(verdict) };
}

function regressionLine(r: MetricComparison): string {
  return `${r.cell} ${r.metric}: ${formatMean(r, 'base')} -> ${formatMean(r, 'head')} (${formatChange(r)}, ratio ${formatRatio(r)}, ${r.test === 'exact' ? 'exact: constant on both sides' : `p Holm ${formatP(r.adjustedP)} that it exceeds the tolerance`})`;
}

/** The Markdown summary for the job page: headline, suite verdicts, problems, regressions, every comparison, notes. */
export function gateMarkdown(verdict: GateVerdict): string {
  const { report, exitCode, headline, regressions } = verdict;
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
  const unjudged = notJudgeableLine(report);
  if (unjudged) {
    lines.push('### Not judgeable', '', `${unjudged}.`, '', 'With fewer than 2 trials a side (or 2 shared rounds, paired) there is no variance to test against, so no change could ever be shown:', '');
    for (const s of report.tooFewTrials) lines.push(`- ${s.message}`);
    lines.push('');
  }
  if (regressions.length > 0) {
    lines.push('### Regressions', '', comparisonTableMarkdown(regressions), '');
    if (exitCode === 2) lines.push(`(listed for information: the pair is not ${report.comparable ? 'judgeable' : 'comparable'})`, '');
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
export function gateText(outcome: GateVerdict): string {
  const lines = [`prism-bench gate: ${outcome.headline}`];
  for (const p of outcome.problems) lines.push(`  ${p.message}`);
  const unjudged = notJudgeableLine(outcome.report);
  // the headline already says it unless a comparability problem took its place
  if (unjudged && outcome.problems.length > 0) lines.push(`  ${unjudged}`);
  for (const s of outcome.report.suite) lines.push(`  ${suiteLine(s)}`);
  for (const r of outcome.regressions) lines.push(`  regression: ${regressionLine(r)}`);
  for (const n of outcome.report.notes) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}
