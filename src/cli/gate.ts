import type { Command } from 'commander';
import { writeFileAtomic } from '../result/store.ts';
import { renderCompareHtml } from '../report/compare-html.ts';
import { loadComparable, pairedSides, type Comparable } from '../gate/comparable.ts';
import { DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION } from '../gate/compare.ts';
import { DEFAULT_GATE_METRICS, publishSummary } from '../gate/gate.ts';
import { gateText, runGate } from '../report/gate.ts';
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

/** "base:head" -> the two engine labels of a paired run. */
export function parsePair(text: string): { base: string; head: string } {
  const m = /^([^:]+):([^:]+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--pair: expected BASE:HEAD, the labels of the run's two engines (e.g. --pair base:head), got '${text}'`);
  return { base: m[1]!.trim(), head: m[2]!.trim() };
}

/** The two sides: a baseline (or another run) against the result, or the two engines of one paired run. */
export function comparisonSides(input: string, o: { baseline?: string; pair?: string }, command: string): { base: Comparable; head: Comparable; paired: boolean } {
  if ((o.baseline === undefined) === (o.pair === undefined)) throw new UsageError(`${command}: give exactly one of --baseline FILE (compare against a saved run) or --pair BASE:HEAD (the two engines of this run)`);
  if (o.pair !== undefined) {
    const { base, head } = parsePair(o.pair);
    return { ...pairedSides(loadComparable(input), base, head), paired: true };
  }
  return { base: loadComparable(o.baseline as string), head: loadComparable(input), paired: false };
}

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('fail CI when a result regressed against a baseline (beyond a threshold AND significant)')
    .argument('<result>', 'the result to check: a result.json or the run directory holding one')
    .option('--baseline <file>', 'baseline file (baselines/NAME.json), or another result.json / run directory')
    .option('--pair <base:head>', 'paired A/B: the result ran two engines (suite labels BASE and HEAD) interleaved round by round; test head against base on per-round ratios')
    .option('--max-regression <pct>', 'percent a metric may get worse before it counts', String(DEFAULT_MAX_REGRESSION))
    .option('--metrics <ids>', `comma-separated metric ids to gate (default: ${DEFAULT_GATE_METRICS.join(',')})`)
    .option('--alpha <p>', 'significance level for the Holm-adjusted Welch p', String(DEFAULT_ALPHA))
    .option('--bencher <file>', "also write the result in Bencher Metric Format (upload: bencher run --adapter json --file FILE)")
    .option('--html <file>', 'also write the comparison as a self-contained HTML page (ratio with interval per cell, suite verdict, gate outcome)')
    .option('--github-benchmark <file>', 'also write github-action-benchmark JSON: FILE.bigger.json (tool: customBiggerIsBetter) and FILE.smaller.json (tool: customSmallerIsBetter)')
    .addHelpText('after', `
A metric regresses when it is more than --max-regression percent worse (lower throughput or
acceptance length, higher latency) AND the change is significant: Welch's t-test on the per-trial
values (--baseline), or a paired t-test on the per-round log ratios (--pair), Holm-adjusted over
every comparison, p < --alpha. A big but noisy change, or a small but certain one, passes (asv's
rule). A metric constant on both sides (acceptance length at T=0) is compared exactly: any
difference is a change in outputs. Beside the cells, a suite-level verdict per metric tests the
geometric mean of the cells' ratios, so a slowdown spread thinly over every cell is caught. Every
verdict comes with its minimum detectable effect (MDE): the change it would catch with 80% power.

On a shared or noisy machine, prefer --pair: run base and head as two engines of one suite
(suites/gate.yaml), so drift of the machine between runs cannot pass for a regression.

The Markdown summary is appended to the file named by $GITHUB_STEP_SUMMARY when that is set
(GitHub Actions shows it on the job page) and printed otherwise.

Examples:
  prism-bench gate --baseline baselines/main.json results/pr-run
  prism-bench gate --pair base:head results/gate-run --max-regression 2
  prism-bench gate --baseline baselines/main.json results/pr-run --max-regression 3 --metrics throughput,accept_length_pooled
  prism-bench gate --baseline baselines/main.json results/pr-run --bencher bmf.json --github-benchmark gab.json

Exit codes: 0 no regression; 1 a cell regressed (named with its numbers); 2 not comparable
(different hardware or settings, missing or failed cells; each is listed) or an input cannot be loaded.`)
    .action((input: string, o: { baseline?: string; pair?: string; maxRegression: string; metrics?: string; alpha: string; bencher?: string; githubBenchmark?: string; html?: string }) => {
      const maxRegression = numberOption('--max-regression', o.maxRegression, 0, 1000);
      const alpha = numberOption('--alpha', o.alpha, Number.MIN_VALUE, 0.5);
      const { base: baseline, head: result, paired } = comparisonSides(input, o, 'gate');
      const metrics = o.metrics === undefined ? undefined : parseMetricList(o.metrics, [baseline, result]);
      const outcome = runGate(baseline, result, { maxRegression, alpha, metrics, paired });

      if (o.html) { writeFileAtomic(o.html, renderCompareHtml(outcome.report, outcome.headline)); console.error(`wrote ${o.html}`); }
      const exported = paired ? loadComparable(input) : result;
      if (o.bencher) console.error(`wrote ${writeBencherBmf(o.bencher, exported)} (Bencher Metric Format)`);
      if (o.githubBenchmark) {
        const p = writeGithubBenchmark(o.githubBenchmark, exported);
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
