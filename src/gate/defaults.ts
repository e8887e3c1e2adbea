// The gate's and compare's defaults, in a module of their own so the CLI can show them in --help
// without loading the statistics.

/** Default threshold, in percent of the base value, a change must exceed to count. */
export const DEFAULT_MAX_REGRESSION = 5;
export { DEFAULT_ALPHA } from '../stats/alpha.ts';

/**
 * Metrics gated by default: the headline throughput, both acceptance-length definitions (a
 * drafting/verification bug shows there first) and client-side end-to-end latency. Every extra
 * metric widens the Holm correction, so the list is kept short; --metrics replaces it.
 */
export const DEFAULT_GATE_METRICS: readonly string[] = ['throughput', 'accept_length_pooled', 'accept_length_mean', 'e2e_ms'];
