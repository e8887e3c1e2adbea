import type { Command } from 'commander';
import { DEFAULT_ALPHA, DEFAULT_GATE_METRICS, DEFAULT_MAX_REGRESSION } from '../gate/defaults.ts';
import type { GateFlags } from './actions/gate.ts';

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('fail CI when a result regressed against a baseline (the data show the change beyond a tolerance)')
    .argument('<result>', 'the result to check: a result.json or the run directory holding one')
    .option('--baseline <file>', 'baseline file (baselines/NAME.json), or another result.json / run directory')
    .option('--pair <base:head>', 'paired A/B: the result ran two engines (suite labels BASE and HEAD) interleaved round by round; test head against base on per-round ratios')
    .option('--max-regression <pct>', 'tolerance: percent a metric may get worse; a regression must be shown beyond it', String(DEFAULT_MAX_REGRESSION))
    .option('--metrics <ids>', `comma-separated metric ids to gate (default: ${DEFAULT_GATE_METRICS.join(',')})`)
    .option('--alpha <p>', 'significance level of the Holm-adjusted tests against the tolerance', String(DEFAULT_ALPHA))
    .option('--bencher <file>', "also write the result in Bencher Metric Format (upload: bencher run --adapter json --file FILE)")
    .option('--html <file>', 'also write the comparison as a self-contained HTML page (ratio with interval per cell, suite verdict, gate outcome)')
    .option('--github-benchmark <file>', 'also write github-action-benchmark JSON: FILE.bigger.json (tool: customBiggerIsBetter) and FILE.smaller.json (tool: customSmallerIsBetter)')
    .addHelpText('after', `
A metric regresses when the data show it more than --max-regression percent worse (lower
throughput or acceptance length, higher latency): a one-sided test that the change exceeds the
tolerance, Welch's t on the log ratio of the means (--baseline) or a paired t on the per-round log
ratios (--pair), Holm-adjusted, p < --alpha. A true change within the tolerance fails at most
alpha of the time. A metric constant on both sides (acceptance length at T=0) is compared
exactly: any difference is a change in outputs. Beside the cells, a suite-level verdict per
metric tests the geometric mean of the cells' ratios, so a slowdown spread thinly over every cell
is caught (cells and suite share alpha, half each). Every verdict comes with its minimum
detectable effect (MDE): the change it would catch with 80% power.

On a shared or noisy machine, prefer --pair: run base and head as two engines of one suite
(suites/gate.yaml), so drift of the machine between runs cannot pass for a regression.

The Markdown summary is appended to the file named by $GITHUB_STEP_SUMMARY when that is set
(GitHub Actions shows it on the job page) and printed otherwise.

Examples:
  prism-bench gate --baseline baselines/main.json results/pr-run
  prism-bench gate --pair base:head results/gate-run --max-regression 2
  prism-bench gate --baseline baselines/main.json results/pr-run --max-regression 3 \\
      --metrics throughput,accept_length_pooled
  prism-bench gate --baseline baselines/main.json results/pr-run \\
      --bencher bmf.json --github-benchmark gab.json

Exit codes: 0 no regression shown; 1 a cell or the suite regressed (named with its numbers);
2 not comparable (different hardware or settings, missing or failed cells; each is listed), not
judgeable (a gated cell has fewer than 2 trials on a side, or 2 shared rounds with --pair: one
line says so and what to change), an input cannot be loaded, or the baseline is the result's own
run (the same runId: the file, a copy or a baseline saved from it).`)
    .action(async (input: string, o: GateFlags) => (await import('./actions/gate.ts')).gateAction(input, o));
}
