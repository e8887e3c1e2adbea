// How often compare and gate --baseline call two runs of the same commit different: a simulation
// of same-commit pairs of runs, calibrated on this project's noise measurements (bench/noise-floor.ts,
// docs/benchmarks.md), judged by the real compareRuns / gateVerdict code, once with the launch as
// the unit (launches recorded) and once as before (the same numbers with no launch ids: trials
// and cells taken as independent).
//
// Each run: log value of cell c in round t = mu_c + R_t + L(g, t) + e, where
//   R_t     the machine's drift in round t, shared by every engine of the round (--round-sd);
//   L(g, t) the speed offset of the engine launch of group g (an engine/draft: every cell of the
//           draft runs on it) in round t; with engineLifetime run, one launch per group for the
//           whole run (--launch-sd, a list: one scenario each);
//   e       a trial's own noise (--trial-sd).
// Throughput is exp(that); e2e_ms moves inversely with a noise of its own; acceptance length is
// the same on both runs (same commit, same seeds). A scenario with a machine-state change adds a
// run-level shift (--shift-sd) and records load averages that differ (the audit flags them); one
// adds a run-level shift the fingerprints do not show (--unseen-sd), what no model of one run sees.
//   node --import tsx bench/false-alarm.ts [--pairs 1000] [--launch-sd 0.05,0.1,0.2] [--round-sd 0.05] [--trial-sd 0.03] [--shift-sd 0.15] [--unseen-sd 0.05] [--seed 1]
import { mulberry32, standardNormal, type Rng } from '../src/stats/random.ts';
import { compareRuns } from '../src/gate/compare.ts';
import { gateVerdict } from '../src/gate/gate.ts';
import type { Comparable, ComparableCell, ComparableMetric } from '../src/gate/comparable.ts';
import { arg } from './args.ts';

const pairs = Number(arg('pairs', '1000'));
const launchSds = arg('launch-sd', '0.05,0.1,0.2').split(',').map(Number);
const roundSd = Number(arg('round-sd', '0.05'));
const trialSd = Number(arg('trial-sd', '0.03'));
const shiftSd = Number(arg('shift-sd', '0.15'));
const unseenSd = Number(arg('unseen-sd', '0.05'));
const seed = Number(arg('seed', '1'));


interface Layout {
  name: string;
  /** engine/draft groups, each running `cellsPerGroup` cells on one launch */
  groups: string[];
  cells: string[];
  rounds: number;
  lifetime: 'round' | 'run';
}

const quick: Layout = {
  name: 'default --quick (4 drafts x 10 cells, 3 rounds)', groups: ['vanilla', 'ngram', 'eagle3', 'prism'],
  cells: ['chat', 'code', 'math', 'summarization', 'qa'].flatMap((d) => [`${d}/T0`, `${d}/T1`]), rounds: 3, lifetime: 'round',
};
const gateSuite: Layout = { name: 'gate suite (2 engines x 2 drafts x 2 sets, 10 rounds)', groups: ['base/vanilla', 'base/eagle3', 'head/vanilla', 'head/eagle3'], cells: ['chat/T0', 'code/T0'], rounds: 10, lifetime: 'round' };

interface Scenario { layout: Layout; launchSd: number; shift: 'none' | 'load' | 'unseen' }

function side(rng: Rng, sc: Scenario, runId: string, load: number, shift: number): Comparable {
  const { layout } = sc;
  const drift = Array.from({ length: layout.rounds }, () => roundSd * standardNormal(rng));
  const kept = layout.groups.map(() => sc.launchSd * standardNormal(rng));
  const cells: ComparableCell[] = [];
  layout.groups.forEach((g, gi) => {
    const offsets = drift.map(() => (layout.lifetime === 'run' ? kept[gi]! : sc.launchSd * standardNormal(rng)));
    layout.cells.forEach((c, ci) => {
      const mu = Math.log(100 + 20 * gi + 5 * ci);
      const rounds = drift.map((_, t) => t + 1);
      const launches = rounds.map((r) => (layout.lifetime === 'run' ? `${g}-1` : `${g}-r${r}`));
      const tp = rounds.map((_, t) => Math.exp(mu + shift + drift[t]! + offsets[t]! + trialSd * standardNormal(rng)));
      const e2e = tp.map((x) => (48_000 / x) * Math.exp(0.01 * standardNormal(rng)));
      // same commit, same seeds: the same acceptance on both runs, trial by trial
      const accept = rounds.map((r) => 1.5 + 0.1 * gi + 0.01 * ((ci * 7 + r * 3) % 5));
      const metric = (id: string, direction: 'higher' | 'lower', values: number[]): ComparableMetric => ({
        id, unit: '', direction, mean: values.reduce((a, b) => a + b, 0) / values.length, n: values.length, values, rounds, launches, interval: null,
      });
      const slash = g.indexOf('/');
      const [engine, draft] = slash >= 0 ? [g.slice(0, slash), g.slice(slash + 1)] : ['reference', g];
      cells.push({
        id: `${engine}/${draft}/${c}`, engine, draft, dataset: c.split('/')[0]!, temperature: c.endsWith('T1') ? 1 : 0, status: 'ok',
        metrics: { throughput: metric('throughput', 'higher', tp), accept_length_pooled: metric('accept_length_pooled', 'higher', accept), e2e_ms: metric('e2e_ms', 'lower', e2e) },
      });
    });
  });
  return {
    kind: 'result', path: '', label: runId, runId, createdAt: '',
    fingerprint: { cpu: { logicalCores: 2 }, placement: { cpuAffinity: [0, 1], pinned: false, loadAverage: [load, load, load] } },
    suite: { name: 'sim', settings: { trials: layout.rounds, engineLifetime: layout.lifetime } },
    cells,
  };
}

/** The same side as a result from before launches were recorded: no launch ids, no rounds, no engineLifetime. */
function withoutLaunches(c: Comparable): Comparable {
  return {
    ...c,
    suite: { ...c.suite, settings: { trials: c.suite.settings?.trials } },
    cells: c.cells.map((cell) => ({ ...cell, metrics: Object.fromEntries(Object.entries(cell.metrics).map(([k, m]) => { const { rounds: _r, launches: _l, ...rest } = m; return [k, rest]; })) })),
  };
}

interface Tally { compare: number; compareProvisional: number; gate5: number; gate5Provisional: number; gate2: number; gate2Provisional: number }
const empty = (): Tally => ({ compare: 0, compareProvisional: 0, gate5: 0, gate5Provisional: 0, gate2: 0, gate2Provisional: 0 });

function judge(t: Tally, base: Comparable, head: Comparable): void {
  const cmp = compareRuns(base, head, { mde: false });
  const flagged = cmp.suite.some((s) => s.verdict !== 'same') || cmp.comparisons.some((c) => c.verdict !== 'same');
  if (flagged) { if (cmp.provisional.length > 0) t.compareProvisional++; else t.compare++; }
  for (const [pct, key] of [[5, 'gate5'], [2, 'gate2']] as const) {
    const g = gateVerdict(base, head, { maxRegression: pct, mde: false });
    if (g.exitCode === 1) { if (g.report.provisional.length > 0) t[`${key}Provisional`]++; else t[key]++; }
  }
}

const pct = (n: number) => `${((100 * n) / pairs).toFixed(1)}%`;
const scenarios: Scenario[] = [
  ...launchSds.map((launchSd) => ({ layout: quick, launchSd, shift: 'none' as const })),
  { layout: { ...quick, name: 'default --quick, engineLifetime: run', lifetime: 'run' as const }, launchSd: launchSds[1] ?? launchSds[0]!, shift: 'none' },
  { layout: quick, launchSd: launchSds[1] ?? launchSds[0]!, shift: 'load' },
  { layout: quick, launchSd: launchSds[1] ?? launchSds[0]!, shift: 'unseen' },
  ...launchSds.map((launchSd) => ({ layout: gateSuite, launchSd, shift: 'none' as const })),
];

console.log(`same-commit false alarms: ${pairs} simulated pairs per row; round drift ${roundSd * 100}%, trial noise ${trialSd * 100}% (log-scale SDs), seed ${seed}`);
console.log('a false alarm: compare calls some cell or the suite improved or regressed; gate --baseline exits 1 (--max-regression 5, the default, and 2)');
console.log('new = the launch as the unit (launches recorded); old = the same numbers without launch ids (trials and cells independent, as before)');
console.log('"+ p" = flagged but marked PROVISIONAL (the headline says so; exit code unchanged)\n');
const header = ['layout', 'launch sd', 'machine', 'model', 'compare', 'gate 5%', 'gate 2%'];
const rows: string[][] = [];
const started = Date.now();
for (const [i, sc] of scenarios.entries()) {
  const rng = mulberry32(seed * 1000 + i);
  const tNew = empty(), tOld = empty();
  for (let k = 0; k < pairs; k++) {
    const sd = sc.shift === 'load' ? shiftSd : sc.shift === 'unseen' ? unseenSd : 0;
    const [shiftA, shiftB] = [sd * standardNormal(rng), sd * standardNormal(rng)];
    const load = sc.shift === 'load';
    const a = side(rng, sc, 'a', load ? 5.9 : 1.2, shiftA), b = side(rng, sc, 'b', load ? 1.3 : 1.2, shiftB);
    judge(tNew, a, b);
    judge(tOld, withoutLaunches(a), withoutLaunches(b));
  }
  const cell = (t: Tally, key: 'compare' | 'gate5' | 'gate2') => `${pct(t[key])}${t[`${key}Provisional`] ? ` + p ${pct(t[`${key}Provisional`])}` : ''}`;
  const machine = sc.shift === 'load' ? `load 5.9 vs 1.3, shift sd ${shiftSd * 100}%` : sc.shift === 'unseen' ? `same load, unseen shift sd ${unseenSd * 100}%` : 'same state';
  rows.push([sc.layout.name, `${sc.launchSd * 100}%`, machine, 'new', cell(tNew, 'compare'), cell(tNew, 'gate5'), cell(tNew, 'gate2')]);
  // the old model never knew it was provisional: every flag counts
  const all = (t: Tally, key: 'compare' | 'gate5' | 'gate2') => pct(t[key] + t[`${key}Provisional`]);
  rows.push(['', '', '', 'old', all(tOld, 'compare'), all(tOld, 'gate5'), all(tOld, 'gate2')]);
}
const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
const line = (r: string[]) => r.map((x, j) => x.padEnd(widths[j]!)).join('  ').trimEnd();
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);
