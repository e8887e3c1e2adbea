// The CI gate: compares a result against a baseline and turns the comparison into an exit code
// and a one-line headline.
//   2 = not comparable (different hardware or settings, missing/failed cells, missing metrics), or
//       not judgeable (a gated cell has fewer than 2 trials on a side, or 2 shared rounds paired),
//   1 = a cell or the suite regressed on a gated metric (the data show the change beyond the tolerance),
//   0 = otherwise.
// Across runs (--baseline), a verdict that rests on trials where launches should be the unit, or
// on runs made in different machine states, is PROVISIONAL: same exit code, said in the headline.
// Its Markdown summary for the job page and its terminal text are rendered in report/gate.ts.
import { appendFileSync } from 'node:fs';
import { MDE_LIMIT, NOT_DETECTABLE, formatChange, formatMde } from '../report/numbers.ts';
import { compareRuns, DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION, notJudgeableLine, problemSummary, type CompareReport, type MetricComparison, type Problem, type SuiteComparison } from './compare.ts';
import type { Comparable } from './comparable.ts';

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
  /** compute minimum detectable effects (default true; simulations that need only verdicts turn it off) */
  mde?: boolean;
}

/** What the gate decided, before any rendering. */
export interface GateVerdict {
  exitCode: 0 | 1 | 2;
  /** one line: PASS / REGRESSION / NOT COMPARABLE / NOT JUDGEABLE and why (or what to change), ending "-- PROVISIONAL: why" where the verdict is provisional */
  headline: string;
  regressions: MetricComparison[];
  /** suite-level metrics that regressed */
  suiteRegressions: SuiteComparison[];
  problems: Problem[];
  report: CompareReport;
}

export function gateVerdict(baseline: Comparable, result: Comparable, opts: GateOptions = {}): GateVerdict {
  const maxRegression = opts.maxRegression ?? DEFAULT_MAX_REGRESSION;
  const alpha = opts.alpha ?? DEFAULT_ALPHA;
  const metrics = opts.metrics ?? DEFAULT_GATE_METRICS;
  const names = opts.paired ? { base: 'base', head: 'head' } : { base: 'baseline', head: 'result' };
  const report = compareRuns(baseline, result, { maxRegression, alpha, metrics, names, paired: opts.paired, mde: opts.mde });
  const regressions = report.comparisons.filter((c) => c.verdict === 'regression');
  const suiteRegressions = report.suite.filter((c) => c.verdict === 'regression');
  const problems = report.problems;
  if (report.comparisons.length === 0 && problems.length === 0) {
    // gating nothing must not pass silently
    problems.push({ kind: 'missing-metric', message: `missing metrics: none of the gated metrics (${metrics.join(', ')}) could be compared in any cell` });
    report.comparable = false;
  }
  // too few trials: every verdict would be 'same' whatever the data, so a pass would mean nothing
  const unjudged = notJudgeableLine(report);
  const exitCode: 0 | 1 | 2 = problems.length > 0 || unjudged !== null ? 2 : regressions.length + suiteRegressions.length > 0 ? 1 : 0;
  const what = [...suiteRegressions.map((s) => `suite ${s.metric} ${formatChange(s)}`), ...regressions.map((r) => `${r.cell} ${r.metric}`)];
  const headline = problems.length > 0
    ? `NOT COMPARABLE: ${problemSummary(problems)} (${problems.length} problem${problems.length === 1 ? '' : 's'})`
    : unjudged !== null
      ? unjudged
      : exitCode === 1
        ? `REGRESSION: ${what.length} regression${what.length === 1 ? '' : 's'} shown beyond ${maxRegression}% (${what.join(', ')})`
        : `PASS: no regression shown beyond ${maxRegression}% in ${report.comparisons.length} comparison${report.comparisons.length === 1 ? '' : 's'} and ${report.suite.length} suite-level one${report.suite.length === 1 ? '' : 's'}${mdeClause(report)}`;
  // a provisional verdict keeps its exit code (docs/gate.md); the headline says what it rests on
  const provisional = exitCode !== 2 && report.provisional.length > 0 ? ` -- PROVISIONAL: ${report.provisional.join('; ')}` : '';
  return { exitCode, headline: headline + provisional, regressions, suiteRegressions, problems, report };
}

/** ", could see 3.1% (throughput, 80% power)": what a pass rules out. */
function mdeClause(report: CompareReport): string {
  const tp = report.suite.find((s) => s.metric === 'throughput') ?? report.suite.find((s) => s.mde !== null);
  if (!tp || tp.mde === null) return '';
  return tp.mde > MDE_LIMIT ? `; a regression of the suite's ${tp.metric} is ${NOT_DETECTABLE} (MDE above 100%)` : `; the suite's ${tp.metric} could show a ${formatMde(tp)} regression with 80% power`;
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
