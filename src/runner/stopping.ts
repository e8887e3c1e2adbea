// The stopping policy: which cells run a trial in which round. Every cell runs `trials` rounds;
// with a precision target the run goes on, up to maxTrials rounds:
//   --target-ci PCT: a cell runs another trial while its throughput's 95% interval is wider than
//     PCT% of its mean;
//   --target-mde PCT: every cell runs another round while the suite-level throughput MDE the gate
//     would state (80% power) is above PCT% (whole rounds: pairing needs complete rounds).
// At the end, what stayed short of its target goes into the result and a note.
import type { Settings } from '../suite/types.ts';
import type { Cell, ResultFile } from '../result/schema.ts';
import { metricSample } from '../stats/aggregate.ts';
import { DEFAULT_ALPHA, combineCells, compare, detectableChange, type ComparedCell, type Design, type Sample } from '../stats/comparison.ts';
import type { RunEvent, RunOptions } from './session.ts';
import { MDE_LIMIT, NOT_DETECTABLE, formatMde } from '../report/numbers.ts';

export function throughputPrecisionMet(cell: Cell, pct: number): boolean {
  const m = cell.metrics.throughput;
  if (!m || !m.interval || m.mean <= 0) return false;
  return (m.interval.halfWidth / m.mean) * 100 <= pct;
}

/** A cell's throughput values with their rounds, as the gate reads them from a result; null without any. */
function throughputSample(cell: Cell): Sample | null {
  const m = cell.metrics.throughput;
  if (!m || m.values.length === 0) return null;
  const { rounds } = metricSample(cell, 'throughput');
  return rounds.length === m.values.length ? { values: m.values, rounds } : { values: m.values };
}

/** [base, head] cells the gate would compare: the two engines' cells of each draft, dataset and temperature (paired), or each cell against itself. */
function gatePairs(cells: Cell[], pair?: { base: string; head: string }): [Cell, Cell][] {
  if (!pair) return cells.map((c) => [c, c]);
  const key = (c: Cell) => `${c.draft}/${c.dataset}/T${c.temperature}`;
  const heads = new Map(cells.filter((c) => c.engine === pair.head).map((c) => [key(c), c]));
  return cells.filter((c) => c.engine === pair.base).flatMap((b): [Cell, Cell][] => {
    const h = heads.get(key(b));
    return h ? [[b, h]] : [];
  });
}

/**
 * The suite-level throughput MDE the gate would state for this run (80% power, alpha 0.05, no
 * threshold): paired, for the two engines named; unpaired, for a comparison against a baseline of
 * the same size and variance (this run against itself). Failed cells are left out; pending ones
 * count with the trials they have.
 */
export function suiteThroughputMde(result: ResultFile, pair?: { base: string; head: string }): number | null {
  const design: Design = pair ? 'paired' : 'unpaired';
  const cells = result.cells.filter((c) => c.status === 'ok' || c.status === 'pending');
  const compared: ComparedCell[] = [];
  for (const [b, h] of gatePairs(cells, pair)) {
    const base = throughputSample(b), head = throughputSample(h);
    if (base && head) compared.push({ head, base, estimate: compare(design, { head, base }, { direction: 'higher', alpha: DEFAULT_ALPHA, exact: true }) });
  }
  const suite = combineCells(design, compared, 'higher');
  return suite === null || 'untested' in suite ? null : detectableChange(suite, 'higher', DEFAULT_ALPHA, 0);
}

export class StoppingPolicy {
  /** rounds at most: `trials`, or maxTrials with a precision target */
  readonly maxRounds: number;
  /** the suite-level MDE is above target: every cell runs another round */
  private mdeShort = false;

  constructor(private readonly opts: Pick<RunOptions, 'targetCi' | 'targetMde' | 'pair'>, private readonly settings: Settings) {
    const extra = opts.targetCi !== undefined || opts.targetMde !== undefined;
    this.maxRounds = extra ? Math.max(settings.trials, settings.maxTrials) : settings.trials;
  }

  /** Before round `round`: past the planned trials, whether the suite-level MDE still calls for a whole round. */
  beforeRound(round: number, result: ResultFile): void {
    if (this.opts.targetMde === undefined || round <= this.settings.trials) return;
    const mde = suiteThroughputMde(result, this.opts.pair);
    this.mdeShort = mde === null || mde * 100 > this.opts.targetMde;
  }

  /** Whether `cell` runs a trial in round `round`. */
  wants(cell: Cell, round: number): boolean {
    if (cell.status === 'failed' || cell.trials.length >= round) return false;
    if (round <= this.settings.trials) return true;
    return (this.opts.targetCi !== undefined && !throughputPrecisionMet(cell, this.opts.targetCi)) || this.mdeShort;
  }

  /** After the last round: the cells and the MDE short of their targets, into the result and notes. */
  finish(result: ResultFile, emit: (e: RunEvent) => void): void {
    const { targetCi, targetMde, pair } = this.opts;
    if (targetCi !== undefined) {
      const short = result.cells.filter((c) => c.status === 'ok' && !throughputPrecisionMet(c, targetCi));
      if (short.length) emit({ type: 'note', message: `--target-ci ${targetCi}%: ${short.length} cell(s) still wider after ${this.maxRounds} trials (maxTrials): ${short.map((c) => c.id).join(', ')}` });
      result.targetCiUnmet = short.map((c) => c.id);
    }
    if (targetMde !== undefined) {
      const mde = suiteThroughputMde(result, pair);
      result.mde = { throughput: mde, target: targetMde / 100, design: pair ? 'paired' : 'unpaired', rounds: Math.max(0, ...result.cells.map((c) => c.trials.length)) };
      if (mde === null || mde * 100 > targetMde) emit({ type: 'note', message: `--target-mde ${targetMde}%: the suite-level throughput MDE is still ${mde === null ? 'unknown' : mde > MDE_LIMIT ? `above 100% (a regression is ${NOT_DETECTABLE})` : formatMde({ mde })} after ${this.maxRounds} rounds (maxTrials)` });
    }
  }
}
