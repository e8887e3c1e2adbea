// `prism-bench gate`, loaded only when it runs (../gate.ts registers it), and the argument
// helpers compare and run share.
import { writeFileAtomic } from '../../result/store.ts';
import { renderCompareHtml } from '../../report/compare-html.ts';
import { loadComparable, pairedSides, type Comparable } from '../../gate/comparable.ts';
import { publishSummary } from '../../gate/gate.ts';
import { gateText, runGate } from '../../report/gate.ts';
import { writeBencherBmf, writeGithubBenchmark } from '../../gate/exports.ts';
import { METRIC_LIST, metricDefinition } from '../../metrics/definitions.ts';
import { UsageError } from '../errors.ts';
import { numberOption } from '../options.ts';

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
  if (o.baseline === undefined) throw new UsageError(`${command}: give --baseline FILE or --pair BASE:HEAD`); // unreachable: checked above
  const base = loadComparable(o.baseline), head = loadComparable(input);
  refuseSameRun(command, o.baseline, input, base, head);
  return { base, head, paired: false };
}

/**
 * Refuses a run compared with itself (the same file, a copy, or a baseline saved from it): every
 * ratio is 1 and no test can reject, so a gate would always pass. The runId names the run.
 */
export function refuseSameRun(command: string, a: string, b: string, base: Comparable, head: Comparable): void {
  if (base.runId !== head.runId) return;
  const how = base.path && base.path === head.path ? '' : ', from two copies or a baseline saved from it';
  throw new UsageError(`${command}: ${a} and ${b} are the same run (runId ${base.runId}${how}), so every ratio is 1 by construction -- compare two different runs, or the engines of one run with --pair BASE:HEAD`);
}

export interface GateFlags { baseline?: string; pair?: string; maxRegression: string; metrics?: string; alpha: string; bencher?: string; githubBenchmark?: string; html?: string }

export function gateAction(input: string, o: GateFlags): void {
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
}
