// Exports a result (or baseline) to the formats of two continuous-benchmarking services:
//
// Bencher Metric Format (BMF, https://bencher.dev/docs/reference/bencher-metric-format):
//   { "<benchmark name>": { "<measure slug>": { "value": x, "lower_value": lo, "upper_value": hi } } }
//   value is required, lower_value/upper_value optional. Benchmark name = cell id
//   (engine/draft/dataset/T<temperature>); measure slug = the metric id in kebab case
//   (accept_length_pooled -> accept-length-pooled); bounds = the metric's 95% interval when it has
//   one. Upload with `bencher run --adapter json --file FILE`. `throughput` lands on Bencher's
//   built-in Throughput measure (here an operation is one output token).
//
// github-action-benchmark custom JSON (https://github.com/benchmark-action/github-action-benchmark):
//   [ { "name": s, "unit": s, "value": x, "range"?: s, "extra"?: s } ]
//   range: "[low, high]" of the 95% interval ("± h" where it is symmetric about the value).
//   One file holds one direction, chosen by the action's `tool` input: customBiggerIsBetter or
//   customSmallerIsBetter. So two files are written: NAME.bigger.json (higher-is-better metrics;
//   use tool: customBiggerIsBetter) and NAME.smaller.json (lower-is-better; customSmallerIsBetter).
//   Metrics without a direction are left out of both.
//
// Only cells with status ok are exported.
import { writeFileAtomic } from '../result/store.ts';
import { metricDefinition } from '../metrics/definitions.ts';
import type { Comparable, ComparableMetric } from './comparable.ts';
import { intervalText } from '../report/numbers.ts';

export interface BmfMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}
export type Bmf = Record<string, Record<string, BmfMetric>>;

export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

export function measureSlug(metricId: string): string {
  return metricId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function okMetrics(run: Comparable): Array<{ cell: string; metric: ComparableMetric }> {
  const out: Array<{ cell: string; metric: ComparableMetric }> = [];
  for (const cell of run.cells) {
    if (cell.status !== 'ok') continue;
    for (const [id, m] of Object.entries(cell.metrics)) {
      if (!Number.isFinite(m.mean)) continue;
      out.push({ cell: cell.id, metric: { ...m, id: m.id || id } });
    }
  }
  return out;
}

/** Bencher Metric Format: benchmark = cell id, measure = kebab-case metric id. */
export function toBencherBmf(run: Comparable): Bmf {
  const out: Bmf = {};
  for (const { cell, metric } of okMetrics(run)) {
    const entry: BmfMetric = { value: metric.mean };
    const iv = metric.interval;
    if (iv && Number.isFinite(iv.low) && Number.isFinite(iv.high)) {
      entry.lower_value = iv.low;
      entry.upper_value = iv.high;
    }
    (out[cell] ??= {})[measureSlug(metric.id)] = entry;
  }
  return out;
}

function round(x: number): string {
  return String(Number(x.toPrecision(6)));
}

function entry(cell: string, m: ComparableMetric): GithubBenchmarkEntry {
  const e: GithubBenchmarkEntry = { name: `${cell} ${m.id}`, unit: m.unit || metricDefinition(m.id)?.unit || '', value: m.mean };
  const iv = m.interval;
  if (iv && Number.isFinite(iv.low) && Number.isFinite(iv.high)) e.range = intervalText(m.mean, iv, round);
  const extra = [`${m.n} trial${m.n === 1 ? '' : 's'}`];
  if (iv && Number.isFinite(iv.low) && Number.isFinite(iv.high)) extra.push(`${Math.round((iv.level ?? 0.95) * 100)}% CI [${round(iv.low)}, ${round(iv.high)}]${iv.method ? ` (${iv.method})` : ''}`);
  e.extra = extra.join('; ');
  return e;
}

/** github-action-benchmark custom entries, split by direction (one file per `tool` setting). */
export function toGithubBenchmark(run: Comparable): { biggerIsBetter: GithubBenchmarkEntry[]; smallerIsBetter: GithubBenchmarkEntry[] } {
  const biggerIsBetter: GithubBenchmarkEntry[] = [];
  const smallerIsBetter: GithubBenchmarkEntry[] = [];
  for (const { cell, metric } of okMetrics(run)) {
    if (metric.direction === 'higher') biggerIsBetter.push(entry(cell, metric));
    else if (metric.direction === 'lower') smallerIsBetter.push(entry(cell, metric));
  }
  return { biggerIsBetter, smallerIsBetter };
}

export function writeBencherBmf(path: string, run: Comparable): string {
  writeFileAtomic(path, JSON.stringify(toBencherBmf(run), null, 2) + '\n');
  return path;
}

/** The two paths written for FILE: FILE without .json + .bigger.json / .smaller.json. */
export function githubBenchmarkPaths(path: string): { bigger: string; smaller: string } {
  const stem = path.replace(/\.json$/i, '');
  return { bigger: `${stem}.bigger.json`, smaller: `${stem}.smaller.json` };
}

/** Writes both github-action-benchmark files (an empty array when no metric has that direction). */
export function writeGithubBenchmark(path: string, run: Comparable): { bigger: string; smaller: string } {
  const paths = githubBenchmarkPaths(path);
  const { biggerIsBetter, smallerIsBetter } = toGithubBenchmark(run);
  writeFileAtomic(paths.bigger, JSON.stringify(biggerIsBetter, null, 2) + '\n');
  writeFileAtomic(paths.smaller, JSON.stringify(smallerIsBetter, null, 2) + '\n');
  return paths;
}
