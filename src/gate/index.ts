// Public API of the gate module: baselines, run-to-run comparison, the CI gate and exports.
// Their renderings (text, Markdown, HTML) are in report/: compare-text.ts, gate.ts, compare-html.ts.
export {
  BASELINE_KIND, BASELINE_SCHEMA_VERSION, BaselineError, baselinePath, checkBaselineName, loadBaseline, makeBaseline, saveBaseline, validateBaseline,
  type Baseline, type BaselineCell, type BaselineMetric,
} from './baseline.ts';
export {
  InputError, comparableFromBaseline, comparableFromResult, loadComparable, loadResultInput,
  type Comparable, type ComparableCell, type ComparableMetric,
} from './comparable.ts';
export {
  DEFAULT_ALPHA, DEFAULT_MAX_REGRESSION, comparabilityProblems, compareRuns, problemSummary,
  type CompareOptions, type CompareReport, type MetricComparison, type Problem, type ProblemKind, type Verdict,
} from './compare.ts';
export { DEFAULT_GATE_METRICS, gateVerdict, publishSummary, type GateOptions, type GateVerdict } from './gate.ts';
export {
  githubBenchmarkPaths, measureSlug, toBencherBmf, toGithubBenchmark, writeBencherBmf, writeGithubBenchmark,
  type Bmf, type BmfMetric, type GithubBenchmarkEntry,
} from './exports.ts';
