// Consistency check: figures that count the same thing two ways must agree, or one of them is
// wrong and the report would print it without a word. Three identities, each compared like with
// like (same requests or steps, pooled the same way):
//
// 1. Per request: 1 + the sum of its marginal (unconditional) per-position rates equals its
//    acceptance length, 1 + accepted drafts / verify cycles (the term accept_length_mean averages).
//    For any count a >= 0 of accepted drafts, a = sum over i >= 1 of [a >= i], so
//    sum_i P(a >= i) = E[a]: the tail-sum identity. It holds for chains and for trees alike (a tree's
//    accepted path is a chain of depth a; position i is depth i), which is why no draft shape is
//    excluded. In counts: the histogram sums to the verify cycles, and sum a * histogram[a] to the
//    accepted drafts. The draft acceptance rate is not compared: for a tree, proposed drafts are
//    the tree's nodes, not its depth.
// 2. Per cell: the stored positionAcceptance (pooled over every cycle of the cell's requests, or
//    over the trials' engine counters) against the acceptance length pooled the same way, over
//    cycles: 1 + sum accepted / sum cycles. Neither reported length is that figure:
//    accept_length_mean weights requests equally and accept_length_pooled counts completion
//    tokens (the prefill's token included, a stop cutting a cycle short not), so comparing with
//    them would flag honest runs.
// 3. Per trial, engine counters (server-wide deltas around the trial: vLLM's /metrics,
//    TensorRT-LLM's iteration statistics): 1 + sum of accepted-per-position / drafts against the
//    trial's accept_length_engine (a chain accepts one token per position, so the per-position
//    counts sum to the accepted tokens), and, where the trial's requests carry their own figures,
//    the counters against the sums over those requests: accepted tokens, draft tokens and the
//    per-position counts (steps accepting >= i drafts). Draft steps are not compared with verify
//    cycles: vLLM counts only steps that proposed a draft, per-request cycles may count every
//    target pass.
//
// Tolerance: every compared figure is an integer count or a ratio of integer counts. Counts arrive
// exact (JSON integers; Prometheus text writes floats, exact for integers below 2^53), and the
// only error is double rounding in the sums and divisions here, about k * 2^-52 relative for k
// positions. TOLERANCE = 1e-9 relative is six orders above that, and far below the smallest real
// disagreement: one token over all of a cell's cycles changes a length by 1 / cycles, above 1e-7
// for any cell of fewer than ten million cycles.
import type { AuditFinding, Cell, ResultFile, TrialRecord } from '../result/schema.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { cyclesAtLeast } from '../metrics/compute.ts';
import { finding, num, recordsByCell } from './common.ts';

/** Relative tolerance of every comparison (see the comment above). */
export const CONSISTENCY_TOLERANCE = 1e-9;

/** True when a and b agree within CONSISTENCY_TOLERANCE relative to the larger (and to 1). */
export function agree(a: number, b: number): boolean {
  return Math.abs(a - b) <= CONSISTENCY_TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

const sum = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
/** 1 + accepted / cycles, or "n/a" without cycles */
const lengthOf = (accepted: number, cycles: number): string => (cycles > 0 ? num(1 + accepted / cycles) : 'n/a');
const SHOWN = 3;

/** Accepted drafts and cycles a histogram counts: histogram[a] = cycles that accepted exactly a drafts. */
function histogramCounts(h: readonly number[]): { cycles: number; accepted: number } {
  return { cycles: sum(h), accepted: h.reduce((a, c, i) => a + i * c, 0) };
}

/** Identity 1: each request's histogram against its own accepted-draft and cycle counts. */
function requestFindings(cell: Cell, recs: readonly RequestRecord[]): AuditFinding[] {
  const both = recs.filter((r) => r.acceptedHistogram !== null && r.verifyCycles !== null && r.acceptedDrafts !== null);
  const bad = both.filter((r) => {
    const h = histogramCounts(r.acceptedHistogram!);
    return !agree(h.cycles, r.verifyCycles!) || !agree(h.accepted, r.acceptedDrafts!);
  });
  if (bad.length === 0) return [];
  const shown = bad.slice(0, SHOWN).map((r) => {
    const h = histogramCounts(r.acceptedHistogram!);
    return `${r.promptId} (turn ${r.turn}, trial ${r.trial}): histogram ${h.accepted} accepted drafts over ${h.cycles} cycles (1 + sum of marginal rates = ${lengthOf(h.accepted, h.cycles)}), counts ${r.acceptedDrafts} over ${r.verifyCycles} (acceptance length ${lengthOf(r.acceptedDrafts!, r.verifyCycles!)})`;
  });
  const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more` : '';
  return [finding('consistency', 'warning',
    `${bad.length} of ${plural(both.length, 'request')}: the engine's per-position acceptance histogram disagrees with its own accepted-draft and verify-cycle counts, so the per-position rates and the acceptance length cannot both be right: ${shown.join('; ')}${more}`,
    cell.id)];
}

/** Identity 2: the stored per-position rates against the cycle-pooled acceptance length of their source. */
function positionFindings(cell: Cell, recs: readonly RequestRecord[]): AuditFinding[] {
  const pa = cell.positionAcceptance;
  if (!pa || pa.unconditional.length === 0) return [];
  const fromRates = 1 + sum(pa.unconditional);
  // the same source summarizeCell took them from: the requests' histograms, else the trials' counters
  const withHist = recs.filter((r) => r.acceptedHistogram !== null);
  let source: string, accepted: number, cycles: number;
  if (withHist.length > 0) {
    if (!withHist.every((r) => r.verifyCycles !== null && r.acceptedDrafts !== null)) return [];
    source = `the ${plural(withHist.length, 'request')}' accepted-draft and verify-cycle counts`;
    accepted = sum(withHist.map((r) => r.acceptedDrafts!));
    cycles = sum(withHist.map((r) => r.verifyCycles!));
  } else {
    const ds = cell.trials.flatMap((t) => (t.engineCounters && t.engineCounters.drafts !== null && t.engineCounters.acceptedPerPosition ? [t.engineCounters] : []));
    if (ds.length === 0) return [];
    source = `the engine counters of ${plural(ds.length, 'trial')} (accepted tokens / drafts)`;
    accepted = sum(ds.map((d) => d.acceptedTokens));
    cycles = sum(ds.map((d) => d.drafts!));
  }
  if (cycles <= 0) return [];
  const expected = 1 + accepted / cycles;
  if (agree(fromRates, expected) && agree(pa.cycles, cycles)) return [];
  return [finding('consistency', 'warning',
    `per-position acceptance disagrees with the acceptance length pooled over the same cycles: 1 + sum of marginal rates = ${num(fromRates)} over ${pa.cycles} cycles, but ${source} give 1 + ${accepted}/${cycles} = ${num(expected)}`,
    cell.id)];
}

/** Identity 3: one trial's engine counters against themselves and against its requests' sums. */
function trialDifferences(t: TrialRecord, recs: readonly RequestRecord[]): string[] {
  const d = t.engineCounters;
  if (!d) return [];
  const out: string[] = [];
  const perPos = d.acceptedPerPosition;
  const stored = t.metrics.accept_length_engine;
  if (d.drafts !== null && d.drafts > 0 && perPos) {
    const fromPositions = 1 + sum(perPos) / d.drafts;
    const length = typeof stored === 'number' ? stored : 1 + d.acceptedTokens / d.drafts;
    if (!agree(fromPositions, length)) {
      out.push(`accept_length_engine ${num(length)} but 1 + sum of marginal rates (accepted per position ${perPos.join(', ')} over ${d.drafts} drafts) = ${num(fromPositions)}`);
    }
  }
  const own = recs.filter((r) => r.attempt === t.attempt);
  if (own.length === 0) return out;
  const total = (f: (r: RequestRecord) => number | null): number | null => {
    const xs = own.map(f);
    return xs.every((x): x is number => x !== null) ? sum(xs) : null;
  };
  const n = plural(own.length, 'request');
  const accepted = total((r) => r.acceptedDrafts);
  if (accepted !== null && !agree(accepted, d.acceptedTokens)) out.push(`accepted draft tokens ${d.acceptedTokens} (counters) vs ${accepted} (sum over ${n})`);
  const proposed = total((r) => r.proposedDrafts);
  if (proposed !== null && !agree(proposed, d.draftTokens)) out.push(`draft tokens ${d.draftTokens} (counters) vs ${proposed} (sum over ${n})`);
  if (perPos && own.every((r) => r.acceptedHistogram !== null)) {
    const k = Math.max(perPos.length, ...own.map((r) => r.acceptedHistogram!.length - 1));
    const pooled = new Array<number>(k + 1).fill(0);
    for (const r of own) r.acceptedHistogram!.forEach((c, a) => (pooled[a] += c));
    const fromRequests = cyclesAtLeast(pooled).slice(1);
    const fromCounters = Array.from({ length: k }, (_, i) => perPos[i] ?? 0);
    if (fromCounters.some((c, i) => !agree(c, fromRequests[i]!))) {
      out.push(`steps accepting >= i drafts, i = 1..${k}: ${fromCounters.join(', ')} (counters) vs ${fromRequests.join(', ')} (histograms of ${n})`);
    }
  }
  return out;
}

function counterFindings(cell: Cell, recs: readonly RequestRecord[]): AuditFinding[] {
  const bad = cell.trials.map((t) => ({ t, diffs: trialDifferences(t, recs) })).filter((x) => x.diffs.length > 0);
  if (bad.length === 0) return [];
  const shown = bad.slice(0, SHOWN).map(({ t, diffs }) => `trial ${t.trial}: ${diffs.join('; ')}`);
  const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more trials` : '';
  return [finding('consistency', 'warning',
    `the engine's server-wide counters do not add up with the trial's figures (other traffic in the counting window, a lost stats read, or a miscounting engine): ${shown.join('; ')}${more}`,
    cell.id)];
}

/** One warning per cell and identity whose two sides disagree beyond CONSISTENCY_TOLERANCE; nothing when all agree. */
export function checkConsistency(result: ResultFile, records: readonly RequestRecord[]): AuditFinding[] {
  const recs = recordsByCell(result, records);
  return result.cells.flatMap((cell) => {
    const own = recs.get(cell.id) ?? [];
    const perRequest = requestFindings(cell, own);
    // a request whose histogram disagrees with its counts already explains a pooled disagreement
    return [...perRequest, ...(perRequest.length > 0 ? [] : positionFindings(cell, own)), ...counterFindings(cell, own)];
  });
}
