// The gate's and compare's defaults, in a module of their own so the CLI can show them in --help
// without loading the statistics.

/** Default threshold, in percent of the base value, a change must exceed to count. */
export const DEFAULT_MAX_REGRESSION = 5;
/**
 * Default significance level for the Holm-adjusted Welch p. asv uses p < 0.002 on Mann-Whitney,
 * but with the 3-10 trials a benchmark cell has, Mann-Whitney cannot reach that (3 vs 3 trials:
 * smallest two-sided p is 0.1), so the decision uses Welch's t-test on the per-trial values at
 * the conventional 0.05, corrected for multiple comparisons by Holm. Mann-Whitney is reported too.
 */
export const DEFAULT_ALPHA = 0.05;

/**
 * Metrics gated by default: the headline throughput, both acceptance-length definitions (a
 * drafting/verification bug shows there first) and client-side end-to-end latency. Every extra
 * metric widens the Holm correction, so the list is kept short; --metrics replaces it.
 */
export const DEFAULT_GATE_METRICS: readonly string[] = ['throughput', 'accept_length_pooled', 'accept_length_mean', 'e2e_ms'];
