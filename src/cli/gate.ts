import type { Command } from 'commander';
import { loadComparable, type Comparable } from '../gate/comparable.ts';
import { DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION } from '../gate/compare.ts';
import { DEFAULT_GATE_METRICS, gateText, publishSummary, runGate } from '../gate/gate.ts';
import { writeBencherBmf, writeGithubBenchmark } from '../gate/exports.ts';
import { METRIC_LIST, metricDefinition } from '../metrics/definitions.ts';
import { UsageError } from './errors.ts';
import { numberOption } from './options.ts';

/** "a,b" -> ['a', 'b']; each id must be a known metric or appear in one of the inputs. */
export function parseMetricList(text: string, inputs: readonly Comparable[]): string[] {
  const ids = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s.length > 0))];
  if (ids.length === 0) throw new UsageError('--metrics: expected comma-separated metric ids, e.g. throughput,e2e_ms');
  const present = new Set(inputs.flatMap((r) => r.cells.flatMap((c) => Object.keys(c.metrics))));
  for (const id of ids) {
    if (!metricDefinition(id) && !present.has(id)) {
      throw new UsageError(`--metrics: unknown metric '${id}'; known: ${METRIC_LIST.map((m) => m.id).join(', ')}`);
    }
  }
  return ids;
}

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('fail CI when a result regressed against a baseline (beyond a threshold AND significant)')
    .argument('<result>', 'the result to check: a result.json or the run directory holding one')
    .requiredOption('--baseline <file>', 'baseline file (baselines/NAME.json), or another result.json / run directory')
    .option('--max-regression <pct>', 'percent a metric may get worse before it counts', String(DEFAULT_MAX_REGRESSION))
    .option('--metrics <ids>', `comma-separated metric ids to gate (default: ${DEFAULT_GATE_METRICS.join(',')})`)
    .option('--alpha <p>', 'significance level for the Holm-adjusted Welch p', String(DEFAULT_ALPHA))
    .option('--bencher <file>', "also write the result in Bencher Metric Format (upload: bencher run --adapter json --file FILE)")
    .option('--github-benchmark <file>', 'also write github-action-benchmark JSON: FILE.bigger.json (tool: customBiggerIsBetter) and FILE.smaller.json (tool: customSmallerIsBetter)')
    .addHelpText('after', `
A metric regresses when it is more than --max-regression percent worse (lower throughput or
acceptance length, higher latency) AND the change is significant: Welch's t-test on the per-trial
values, Holm-adjusted over every comparison, p < --alpha. A big but noisy change, or a small but
certain one, passes (asv's rule).

The Markdown summary is appended to the file named by $GITHUB_STEP_SUMMARY when that is set
(GitHub Actions shows it on the job page) and printed otherwise.

Examples:
  prism-bench gate --baseline baselines/main.json results/pr-run
  prism-bench gate --baseline baselines/main.json results/pr-run --max-regression 3 --metrics throughput,accept_length_pooled
  prism-bench gate --baseline baselines/main.json results/pr-run --bencher bmf.json --github-benchmark gab.json

Exit codes: 0 no regression; 1 a cell regressed (named with its numbers); 2 not comparable
(different hardware or settings, missing or failed cells; each is listed) or an input cannot be loaded.`)
    .action((input: string, o: { baseline: string; maxRegression: string; metrics?: string; alpha: string; bencher?: string; githubBenchmark?: string }) => {
      const maxRegression = numberOption('--max-regression', o.maxRegression, 0, 1000);
      const alpha = numberOption('--alpha', o.alpha, Number.MIN_VALUE, 0.5);
      const baseline = loadComparable(o.baseline);
      const result = loadComparable(input);
      const metrics = o.metrics === undefined ? undefined : parseMetricList(o.metrics, [baseline, result]);
      const outcome = runGate(baseline, result, { maxRegression, alpha, metrics });

      if (o.bencher) console.error(`wrote ${writeBencherBmf(o.bencher, result)} (Bencher Metric Format)`);
      if (o.githubBenchmark) {
        const p = writeGithubBenchmark(o.githubBenchmark, result);
        console.error(`wrote ${p.bigger} (github-action-benchmark tool: customBiggerIsBetter) and ${p.smaller} (tool: customSmallerIsBetter)`);
      }

      const where = publishSummary(outcome.summaryMarkdown);
      if (where.file) {
        process.stdout.write(gateText(outcome));
        console.log(`summary appended to ${where.file}`);
      }
      process.exitCode = outcome.exitCode;
    });
}
