// The decision rule's power, simulated on synthetic data with known effects, agrees with the
// power the reports quote (within 4 points), for the unpaired per-cell test (the df Welch
// estimates drawn with the data) and the paired suite-level test (one-sided against the tolerance).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from '../../src/gate/compare.ts';
import { comparableFromResult, pairedSides } from '../../src/gate/comparable.ts';
import { decisionPower, minimumDetectableChange, relativeToLog, singleVariance } from '../../src/stats/decision-power.ts';
import { mulberry32 } from '../../src/stats/random.ts';
import type { Cell } from '../../src/result/schema.ts';
import { comparable, makeCell, makeResult } from './helpers.ts';

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

test('unpaired cell: simulated detection rate matches decisionPower within 4 points', () => {
  const rng = mulberry32(11);
  const n = 5, cv = 0.04, reps = 800, thr = 2;
  // the true variance of each side's log mean, each estimated on n - 1 df
  const groups = [[{ variance: (cv * cv) / n, df: n - 1 }, { variance: (cv * cv) / n, df: n - 1 }]];
  for (const slowdown of [0, 0.03, 0.07, 0.1]) {
    let flagged = 0;
    for (let i = 0; i < reps; i++) {
      const draw = (m: number) => Array.from({ length: n }, () => m * Math.exp(cv * normal(rng)));
      const base = comparable({ cells: [makeCell({ metrics: { throughput: draw(100) } })] });
      const head = comparable({ runId: 'b', cells: [makeCell({ metrics: { throughput: draw(100 * (1 - slowdown)) } })] });
      const c = compareRuns(base, head, { maxRegression: thr, metrics: ['throughput'], mde: false }).comparisons[0]!;
      if (c.verdict === 'regression') flagged++;
    }
    const analytic = decisionPower(relativeToLog(slowdown, 'higher'), groups, 0.05, thr, 'higher');
    const simulated = flagged / reps;
    assert.ok(Math.abs(simulated - analytic) < 0.04, `slowdown ${slowdown}: simulated ${simulated.toFixed(3)} vs analytic ${analytic.toFixed(3)}`);
  }
  // at the tolerance itself the rule fails alpha of the time, no more
  assert.ok(Math.abs(decisionPower(relativeToLog(thr / 100, 'higher'), groups, 0.05, thr, 'higher') - 0.05) < 0.005);
});

test('paired suite: simulated detection rate matches decisionPower within 4 points; the MDE gives 80%', () => {
  const rng = mulberry32(77);
  const rounds = 8, cellsN = 4, sd = 0.03, reps = 1500, thr = 1;
  const sdSuite = sd / Math.sqrt(cellsN);
  const variance = singleVariance(sdSuite / Math.sqrt(rounds), rounds - 1);
  // the suite's half of alpha: the four cells hold the other half
  const suiteAlpha = 0.025;
  const mde = minimumDetectableChange(variance, suiteAlpha, thr, 'higher');
  for (const slowdown of [0, 0.02, mde]) {
    let flagged = 0;
    for (let i = 0; i < reps; i++) {
      const mk = (engine: string, dataset: string, values: number[]): Cell => {
        const c = makeCell({ engine, dataset, draft: 'vanilla', metrics: { throughput: values } });
        c.trials = values.map((v, r) => ({ trial: r + 1, attempt: `a${r}`, startedAt: '', wallSeconds: 1, requests: 1, metrics: { throughput: v } }));
        return c;
      };
      const out: Cell[] = [];
      const drift = Array.from({ length: rounds }, () => Math.exp(0.2 * normal(rng)));
      for (let k = 0; k < cellsN; k++) {
        const b = drift.map((d) => 100 * d);
        out.push(mk('base', `d${k}`, b), mk('head', `d${k}`, b.map((v) => v * (1 - slowdown) * Math.exp(sd * normal(rng)))));
      }
      const { base, head } = pairedSides(comparableFromResult(makeResult({ cells: out })), 'base', 'head');
      const s = compareRuns(base, head, { paired: true, maxRegression: thr, metrics: ['throughput'], mde: false }).suite[0]!;
      if (s.verdict === 'regression') flagged++;
    }
    const analytic = decisionPower(relativeToLog(slowdown, 'higher'), variance, suiteAlpha, thr, 'higher');
    const simulated = flagged / reps;
    assert.ok(Math.abs(simulated - analytic) < 0.04, `slowdown ${slowdown.toFixed(4)}: simulated ${simulated.toFixed(3)} vs analytic ${analytic.toFixed(3)}`);
    if (slowdown === mde) assert.ok(Math.abs(analytic - 0.8) < 1e-6, `power at the MDE ${analytic}`);
  }
});
