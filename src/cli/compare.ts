import type { Command } from 'commander';
import { writeFileAtomic } from '../result/store.ts';
import { renderCompareHtml } from '../report/compare-html.ts';
import { loadComparable } from '../gate/comparable.ts';
import { compareRuns, DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION } from '../gate/compare.ts';
import { renderCompareText } from '../report/compare-text.ts';
import { EXIT, UsageError } from './errors.ts';
import { numberOption, useColor } from './options.ts';
import { comparisonSides, parseMetricList } from './gate.ts';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two runs cell by cell: ratio B/A with 95% interval, Welch and Mann-Whitney p, Holm-adjusted p, verdict')
    .argument('<A>', 'the base: a result.json, a run directory, or a baseline file (baselines/NAME.json); with --pair, the one paired run')
    .argument('[B]', 'the head, compared against A (same kinds of input); absent with --pair')
    .option('--pair <base:head>', 'compare the two engines of one run (suite labels BASE and HEAD) round by round')
    .option('--json', 'print the comparison as JSON instead of a table')
    .option('--max-regression <pct>', 'percent a change must exceed to count as a regression or improvement', String(DEFAULT_MAX_REGRESSION))
    .option('--alpha <p>', 'significance level for the Holm-adjusted Welch p', String(DEFAULT_ALPHA))
    .option('--metrics <ids>', 'comma-separated metric ids to compare (default: every metric with a direction but the latency percentiles, which are opt-in)')
    .option('--html <file>', 'also write the comparison as a self-contained HTML page (ratio with interval per cell, suite verdict)')
    .addHelpText('after', `
A change is a regression (improvement) only when it is beyond --max-regression in the metric's
worse (better) direction AND significant (Holm-adjusted Welch p < --alpha), as in asv. Higher
latency is worse; lower throughput or acceptance length is worse.

Examples:
  prism-bench compare results/main-run results/pr-run
  prism-bench compare baselines/main.json results/pr-run/result.json --max-regression 3
  prism-bench compare A/result.json B/result.json --json --metrics throughput,e2e_ms
  prism-bench compare results/gate-run --pair base:head

Exit codes: 0 compared (whatever the verdicts; use gate to fail on regressions);
2 an input cannot be loaded, A and B are the same run, or the runs are not comparable (different
hardware or settings, missing or failed cells), which the output lists.`)
    .action((a: string, b: string | undefined, o: { json?: boolean; maxRegression: string; alpha: string; metrics?: string; pair?: string; html?: string }) => {
      const maxRegression = numberOption('--max-regression', o.maxRegression, 0, 1000);
      const alpha = numberOption('--alpha', o.alpha, Number.MIN_VALUE, 0.5);
      if ((b === undefined) === (o.pair === undefined)) throw new UsageError('compare: give two runs A B, or one run A with --pair BASE:HEAD');
      const { base, head, paired } = o.pair !== undefined ? comparisonSides(a, { pair: o.pair }, 'compare') : { base: loadComparable(a), head: loadComparable(b as string), paired: false };
      if (!paired && base.runId === head.runId) {
        // a run against itself shows p = 1 and no change everywhere, by construction
        throw new UsageError(`compare: ${a} and ${b} are the same run (runId ${base.runId}${base.path && base.path === head.path ? '' : ', from two copies'}), so every ratio is 1 by construction -- compare two different runs, or the engines of one run with --pair BASE:HEAD`);
      }
      const metrics = o.metrics === undefined ? undefined : parseMetricList(o.metrics, [base, head]);
      const report = compareRuns(base, head, { maxRegression, alpha, metrics, paired });
      if (o.html) { writeFileAtomic(o.html, renderCompareHtml(report)); console.error(`wrote ${o.html}`); }
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderCompareText(report, { color: useColor() }));
      process.exitCode = report.comparable ? EXIT.ok : EXIT.usage;
    });
}
