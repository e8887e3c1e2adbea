// The gate's decision rule and its MDE, checked by Monte Carlo on synthetic runs (no engine): for
// each design (unpaired: Welch against a baseline; paired: per-round ratios of one run), number of
// trials n, per-trial CV and Holm family size, synthetic results go through the real gate
// (gateVerdict -> compareRuns) and two rates are counted:
//   - false fails: every cell carries a true slowdown of half the tolerance; the gate must fail
//     (exit 1) at most 5% of the time;
//   - power at the reported MDE: the MDE is what the gate reports for a run whose observed
//     variance equals the true one (a calibration run with exactly that spread); a slowdown of that
//     size is then planted in one cell (cell level, the other cells unchanged) or in every cell
//     (suite level) and must be caught 80% +/- 3 points of the time.
// Samples are normal (values mean * (1 + cv z)) or lognormal (log sd such that the CV is cv),
// alternating over the rows. Exits 1 when a row misses either bound.
//   node --import tsx bench/gate-model.ts [--reps 2500] [--ff-reps 400] [--max-regression 5] [--n 2,3,5,10] [--cv 1,3,10] [--seed 1] [--quick]
import { gateVerdict } from '../src/gate/gate.ts';
import type { Comparable, ComparableCell } from '../src/gate/comparable.ts';
import type { StoredSuite } from '../src/result/schema.ts';
import { relativeToLog } from '../src/stats/decision-power.ts';
import { mulberry32, standardNormal, type Rng } from '../src/stats/random.ts';
import { arg } from './args.ts';

const quick = process.argv.includes('--quick');
const reps = Number(arg('reps', quick ? '600' : '2500'));
const ffReps = Number(arg('ff-reps', quick ? '200' : '400'));
const tolerance = Number(arg('max-regression', '5'));
const rng = mulberry32(Number(arg('seed', '1')));
const ALPHA = 0.05;
const MU = 100;

type Design = 'unpaired' | 'paired';
type Dist = 'normal' | 'lognormal';
interface Row { level: 'cell' | 'suite'; design: Design; n: number; cv: number; cells: number; dist: Dist }

/** One per-trial noise factor with mean 1 and CV `cv`. */
function noise(cv: number, dist: Dist, r: Rng): number {
  if (dist === 'normal') return 1 + cv * standardNormal(r);
  const s = Math.sqrt(Math.log1p(cv * cv));
  return Math.exp(s * standardNormal(r) - (s * s) / 2);
}

/** sd of ln(noise) for one side: what a per-round log ratio's spread is made of (paired). */
function logSd(cv: number, dist: Dist): number {
  if (dist === 'lognormal') return Math.sqrt(Math.log1p(cv * cv));
  // E and Var of ln(1 + cv z) by Simpson's rule over z (the normal model never reaches 1 + cv z <= 0 here)
  const steps = 2000, lo = -8, hi = 8, h = (hi - lo) / steps;
  let m1 = 0, m2 = 0;
  for (let i = 0; i <= steps; i++) {
    const z = lo + i * h;
    const w = (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * (h / 3) * Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    const l = Math.log(1 + cv * z);
    m1 += w * l;
    m2 += w * l * l;
  }
  return Math.sqrt(m2 - m1 * m1);
}

/** n numbers with mean exactly 0 and sample sd exactly 1 (a calibration run's spread). */
function standardized(n: number): number[] {
  const z = Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * (i + 0.5)) / n + 0.3) + (i % 2 ? 0.2 : -0.2));
  const m = z.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(z.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return z.map((x) => (x - m) / sd);
}

const SUITE: StoredSuite = { version: 1, name: 'model', engines: [{ name: 'reference', options: {} }], drafts: [{ name: 'vanilla', method: 'vanilla' }], datasets: [{ name: 'chat' }], settings: { trials: 2 } };

/** A side of a comparison: one throughput series per cell, each value measured in round i + 1. */
function side(runId: string, series: readonly number[][]): Comparable {
  const cells: ComparableCell[] = series.map((values, k) => ({
    id: `vanilla/d${k}/T0`, engine: 'reference', draft: 'vanilla', dataset: `d${k}`, temperature: 0, status: 'ok',
    metrics: {
      throughput: {
        id: 'throughput', unit: 'tok/s', direction: 'higher', mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length,
        values: [...values], rounds: values.map((_, i) => i + 1), interval: null,
      },
    },
  }));
  return { kind: 'result', path: '', label: runId, runId, createdAt: '', fingerprint: {} as Comparable['fingerprint'], suite: SUITE, cells };
}

/** A synthetic pair of sides; `slowdown[k]` is cell k's true log change in the worse direction. */
function simulate(row: Row, slowdown: readonly number[]): { base: Comparable; head: Comparable } {
  const base: number[][] = [];
  const head: number[][] = [];
  for (let k = 0; k < row.cells; k++) {
    // paired: a drift of the machine each round, shared by both sides (the paired test cancels it)
    const drift = Array.from({ length: row.n }, () => (row.design === 'paired' ? Math.exp(0.1 * standardNormal(rng)) : 1));
    base.push(drift.map((d) => MU * d * noise(row.cv, row.dist, rng)));
    head.push(drift.map((d) => MU * Math.exp(-slowdown[k]!) * d * noise(row.cv, row.dist, rng)));
  }
  return { base: side('base', base), head: side('head', head) };
}

/** The MDE the gate reports (cell 0's or the suite's) for a run whose spread is exactly the true one. */
function reportedMde(row: Row): number | null {
  const z = standardized(row.n);
  let base: number[][];
  let head: number[][];
  if (row.design === 'unpaired') {
    // sample CV exactly cv on both sides; the delta method reads the spread as a CV
    base = Array.from({ length: row.cells }, () => z.map((x) => MU * (1 + row.cv * x)));
    head = base.map((s) => [...s]);
  } else {
    // per-round log ratios with sample sd exactly the true one; at the suite level every cell moves
    // together so the mean over cells has the true sd of that mean (cells are independent: / sqrt(cells))
    const sd = Math.SQRT2 * logSd(row.cv, row.dist) / (row.level === 'suite' ? Math.sqrt(row.cells) : 1);
    base = Array.from({ length: row.cells }, () => z.map(() => MU));
    head = base.map(() => z.map((x) => MU * Math.exp(sd * x)));
  }
  const g = gateVerdict(side('base', base), side('head', head), { paired: row.design === 'paired', maxRegression: tolerance, alpha: ALPHA, metrics: ['throughput'] });
  return row.level === 'suite' ? g.report.suite[0]?.mde ?? null : g.report.comparisons[0]?.mde ?? null;
}

interface Outcome { row: Row; mde: number | null; power: number; falseFail: number; ok: boolean }

function check(row: Row): Outcome {
  const mde = reportedMde(row);
  const opts = { paired: row.design === 'paired', maxRegression: tolerance, alpha: ALPHA, metrics: ['throughput'], mde: false };
  const half = relativeToLog(tolerance / 200, 'higher');
  let fails = 0;
  for (let i = 0; i < ffReps; i++) {
    const { base, head } = simulate(row, Array.from({ length: row.cells }, () => half));
    if (gateVerdict(base, head, opts).exitCode === 1) fails++;
  }
  let caught = 0;
  if (mde !== null) {
    // -ln(1 - mde) without relativeToLog's cap: at n = 2 the MDE can be a drop of 1 - 1e-13
    const d = -Math.log1p(-mde);
    const planted = Array.from({ length: row.cells }, (_, k) => (row.level === 'suite' || k === 0 ? d : 0));
    for (let i = 0; i < reps; i++) {
      const { base, head } = simulate(row, planted);
      const g = gateVerdict(base, head, opts);
      const hit = row.level === 'suite' ? g.report.suite[0]?.verdict === 'regression' : g.report.comparisons[0]?.verdict === 'regression';
      if (hit) caught++;
    }
  }
  const power = caught / reps;
  const falseFail = fails / ffReps;
  return { row, mde, power, falseFail, ok: mde !== null && mde < 1 && Math.abs(power - 0.8) <= 0.03 && falseFail <= 0.05 };
}

const rows: Row[] = [];
const list = (name: string, fallback: string) => arg(name, fallback).split(',').map(Number);
const ns = list('n', quick ? '2,5,10' : '2,3,5,10');
const cvs = list('cv', '1,3,10').map((c) => c / 100);
let alt = 0;
const dist = (): Dist => (alt++ % 2 ? 'lognormal' : 'normal');
for (const design of ['unpaired', 'paired'] as const) {
  for (const n of ns) for (const cv of cvs) for (const cells of [1, 8, 16]) rows.push({ level: 'cell', design, n, cv, cells, dist: dist() });
  for (const n of ns) for (const cv of cvs) rows.push({ level: 'suite', design, n, cv, cells: 4, dist: dist() });
}

const started = Date.now();
console.log(`gate model: tolerance ${tolerance}%, alpha ${ALPHA}; ${reps} runs per power check, ${ffReps} per false-fail check; synthetic runs through gateVerdict`);
console.log('false fail: every cell truly slower by half the tolerance, gate exit 1 (<= 5%); power: the reported MDE planted (cell: in cell 1 of the family; suite: in every cell), caught (80 +/- 3)');
console.log('\nlevel  design    n   CV  cells  dist        MDE      power   false fail');
let failed = 0;
for (const row of rows) {
  const o = check(row);
  if (!o.ok) failed++;
  const mde = o.mde === null ? '-' : o.mde > 0.9995 ? '>99.9%' : `${(o.mde * 100).toFixed(1)}%`;
  console.log(`${row.level.padEnd(6)} ${row.design.padEnd(9)} ${String(row.n).padStart(2)} ${`${row.cv * 100}%`.padStart(4)} ${String(row.cells).padStart(5)}  ${row.dist.padEnd(10)} ${mde.padStart(7)}   ${(o.power * 100).toFixed(1).padStart(5)}%   ${(o.falseFail * 100).toFixed(1).padStart(5)}%${o.ok ? '' : '   MISS'}`);
}
const se = Math.sqrt(0.16 / reps) * 100;
console.log(`\n${rows.length - failed} of ${rows.length} rows within bounds (power's Monte Carlo standard error ${se.toFixed(1)} points) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failed > 0) process.exitCode = 1;
