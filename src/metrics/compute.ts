// Request records -> per-trial figures. Each figure's exact meaning is in definitions.ts;
// the comments here say only how the pooling is done.
import type { RequestRecord } from './records.ts';
import type { PositionAcceptance } from '../result/schema.ts';
import { latencyPercentiles } from './latency.ts';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : NaN);
const all = <T>(rs: RequestRecord[], f: (r: RequestRecord) => T | null): T[] | null => {
  const out: T[] = [];
  for (const r of rs) { const v = f(r); if (v === null) return null; out.push(v); }
  return out;
};

/** Figures of one trial, keyed by metric id; a metric the engine cannot support is left out. */
export function trialMetrics(records: RequestRecord[], wallSeconds: number): Record<string, number> {
  const m: Record<string, number> = {};
  if (records.length === 0) return m;
  const tokens = sum(records.map((r) => r.completionTokens));
  if (wallSeconds > 0) m.throughput = tokens / wallSeconds;
  m.request_throughput = mean(records.map((r) => (r.e2eSeconds > 0 ? r.completionTokens / r.e2eSeconds : 0)));
  m.e2e_ms = mean(records.map((r) => r.e2eSeconds * 1000));
  const ttft = all(records, (r) => r.ttftSeconds);
  if (ttft) m.ttft_ms = mean(ttft) * 1000;
  const tpot = records.flatMap((r) => (r.ttftSeconds !== null && r.completionTokens > 1
    ? [((r.e2eSeconds - r.ttftSeconds) / (r.completionTokens - 1)) * 1000] : []));
  if (tpot.length) m.tpot_ms = mean(tpot);
  const cycles = all(records, (r) => r.verifyCycles);
  if (cycles && sum(cycles) > 0) {
    m.accept_length_pooled = tokens / sum(cycles);
    // per request: accepted drafts per cycle + 1 (bonus token); prefill's token is not counted
    const perRequest = all(records, (r) => (r.acceptedDrafts !== null && r.verifyCycles ? r.acceptedDrafts / r.verifyCycles + 1 : null));
    if (perRequest) m.accept_length_mean = mean(perRequest);
    const verify = all(records, (r) => r.verifySeconds);
    if (verify) m.verify_ms_per_cycle = (sum(verify) / sum(cycles)) * 1000;
  }
  const proposed = all(records, (r) => r.proposedDrafts);
  const accepted = all(records, (r) => r.acceptedDrafts);
  if (proposed && accepted && sum(proposed) > 0) m.draft_accept_rate = sum(accepted) / sum(proposed);
  const draftS = all(records, (r) => r.draftSeconds);
  const steps = all(records, (r) => r.draftSteps);
  if (draftS && steps && sum(steps) > 0) m.draft_ms_per_step = (sum(draftS) / sum(steps)) * 1000;
  return { ...m, ...latencyPercentiles(records) };
}

/** Per-position acceptance from the accepted-drafts histograms, pooled over requests. */
export function positionAcceptance(records: RequestRecord[]): PositionAcceptance | null {
  const hists = records.map((r) => r.acceptedHistogram).filter((h): h is number[] => h !== null);
  if (hists.length === 0) return null;
  const k = Math.max(...hists.map((h) => h.length)) - 1;
  if (k < 1) return null;
  const pooled = new Array<number>(k + 1).fill(0);
  for (const h of hists) h.forEach((c, a) => (pooled[a] += c));
  if (sum(pooled) === 0) return null;
  return positionRates(cyclesAtLeast(pooled));
}

/** atLeast[i] = cycles accepting >= i drafts, i = 0..k (atLeast[0]: every cycle), from histogram[a] = cycles accepting exactly a. */
export function cyclesAtLeast(histogram: readonly number[]): number[] {
  return histogram.map((_, i) => sum(histogram.slice(i)));
}

/** Both per-position rates from atLeast[0..k] (atLeast[0] = all cycles, > 0): the one rule for histograms and engine counters. */
export function positionRates(atLeast: readonly number[]): PositionAcceptance {
  const cycles = atLeast[0]!;
  const conditional: number[] = [], unconditional: number[] = [];
  for (let i = 1; i < atLeast.length; i++) {
    conditional.push(atLeast[i - 1]! > 0 ? atLeast[i]! / atLeast[i - 1]! : 0);
    unconditional.push(atLeast[i]! / cycles);
  }
  return { conditional, unconditional, cycles };
}
