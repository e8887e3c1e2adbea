// The default significance level, alone in a leaf module so the CLI can print it in --help
// without loading the statistics.

/**
 * Default significance level for the Holm-adjusted Welch p. asv uses p < 0.002 on Mann-Whitney,
 * but with the 3-10 trials a benchmark cell has, Mann-Whitney cannot reach that (3 vs 3 trials:
 * smallest two-sided p is 0.1), so the decision uses Welch's t-test on the per-trial values at
 * the conventional 0.05, corrected for multiple comparisons by Holm. Mann-Whitney is reported too.
 */
export const DEFAULT_ALPHA = 0.05;
