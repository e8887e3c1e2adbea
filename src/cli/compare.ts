import type { Command } from 'commander';
import { DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION } from '../gate/defaults.ts';
import type { CompareFlags } from './actions/compare.ts';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two runs cell by cell: ratio B/A with 95% interval, Welch and Mann-Whitney p, Holm-adjusted p, verdict')
    .argument('<A>', 'the base: a result.json, a run directory, or a baseline file (baselines/NAME.json); with --pair, the one paired run')
    .argument('[B]', 'the head, compared against A (same kinds of input); absent with --pair')
    .option('--pair <base:head>', 'compare the two engines of one run (suite labels BASE and HEAD) round by round')
    .option('--json', 'print the comparison as JSON instead of a table')
    .option('--max-regression <pct>', 'tolerance: percent a change must be shown to exceed to count as a regression or improvement', String(DEFAULT_MAX_REGRESSION))
    .option('--alpha <p>', 'significance level of the Holm-adjusted tests against the tolerance', String(DEFAULT_ALPHA))
    .option('--metrics <ids>', 'comma-separated metric ids to compare (default: every metric with a direction but the latency percentiles, which are opt-in)')
    .option('--html <file>', 'also write the comparison as a self-contained HTML page (ratio with interval per cell, suite verdict)')
    .addHelpText('after', `
A change is a regression (improvement) only when the data show it beyond --max-regression in the
metric's worse (better) direction: a one-sided test against the tolerance, Holm-adjusted p <
--alpha, so a true change within the tolerance is called one at most alpha of the time. Higher
latency is worse; lower throughput or acceptance length is worse.

Examples:
  prism-bench compare results/main-run results/pr-run
  prism-bench compare baselines/main.json results/pr-run/result.json --max-regression 3
  prism-bench compare A/result.json B/result.json --json --metrics throughput,e2e_ms
  prism-bench compare results/gate-run --pair base:head

Exit codes: 0 compared (whatever the verdicts; use gate to fail on regressions);
2 an input cannot be loaded, A and B are the same run, the runs are not comparable (different
hardware or settings, missing or failed cells), which the output lists, or not judgeable (a cell
with fewer than 2 trials on a side: one line says so and what to change).`)
    .action(async (a: string, b: string | undefined, o: CompareFlags) => (await import('./actions/compare.ts')).compareAction(a, b, o));
}
