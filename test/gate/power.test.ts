// The decision rule's power, simulated on synthetic data with known effects, agrees with the
// analytic power the reports quote (within 5 points), for the unpaired per-cell test and the
// paired suite-level test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from '../../src/gate/compare.ts';
import { comparableFromResult, pairedSides } from '../../src/gate/comparable.ts';
import { decisionPower, minimumDetectableChange, relativeToLog } from '../../src/stats/decision-power.ts';
import { mulberry32 } from '../../src/stats/random.ts';
import type { Cell } from '../../src/result/schema.ts';
import { comparable, makeCell, makeResult } from './helpers.ts';

function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

test('unpaired cell: simulated detection rate matches decisionPower within 5 points', () => {
  const rng = mulberry32(11);
  const n = 10, cv = 0.04, reps = 600, thr = 2;
  for (const slowdown of [0, 0.03, 0.045, 0.07]) {
    let flagged = 0;
    let se = 0, df = 0;
    for (let i = 0; i < reps; i++) {
      const draw = (m: number) => Array.from({ length: n }, () => m * Math.exp(cv * normal(rng)));
      const base = comparable({ cells: [makeCell({ metrics: { throughput: draw(100) } })] });
      const head = comparable({ runId: 'b', cells: [makeCell({ metrics: { throughput: draw(100 * (1 - slowdown)) } })] });
      const c = compareRuns(base, head, { maxRegression: thr, metrics: ['throughput'], mde: false }).comparisons[0]!;
      if (c.verdict === 'regression') flagged++;
      const ga = (c.base.stddev / c.base.mean) ** 2 / n, gb = (c.head.stddev / c.head.mean) ** 2 / n;
      se += Math.sqrt(ga + gb) / reps;
      df += ((ga + gb) ** 2 / ((ga * ga) / (n - 1) + (gb * gb) / (n - 1))) / reps; // Welch-Satterthwaite, as the test uses
    }
    // the true standard error of the log ratio, and the mean of the Welch df the test used
    const analytic = decisionPower(relativeToLog(slowdown, 'higher'), cv * Math.sqrt(2 / n), df, 0.05, thr, 'higher');
    const simulated = flagged / reps;
    assert.ok(Math.abs(simulated - analytic) < 0.05, `slowdown ${slowdown}: simulated ${simulated.toFixed(3)} vs analytic ${analytic.toFixed(3)} (mean se ${se.toFixed(4)}, df ${df})`);
  }
});

test('paired suite: simulated detection rate matches decisionPower within 5 points; the MDE gives 80%', () => {
  const rng = mulberry32(77);
  const rounds = 8, cellsN = 4, sd = 0.03, reps = 1500, thr = 1;
  const sdSuite = sd / Math.sqrt(cellsN);
  const mde = minimumDetectableChange(sdSuite / Math.sqrt(rounds), rounds - 1, 0.05, thr, 'higher');
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
    const analytic = decisionPower(relativeToLog(slowdown, 'higher'), sdSuite / Math.sqrt(rounds), rounds - 1, 0.05, thr, 'higher');
    const simulated = flagged / reps;
    assert.ok(Math.abs(simulated - analytic) < 0.05, `slowdown ${slowdown.toFixed(4)}: simulated ${simulated.toFixed(3)} vs analytic ${analytic.toFixed(3)}`);
    if (slowdown === mde) assert.ok(Math.abs(analytic - 0.8) < 1e-6, `power at the MDE ${analytic}`);
  }
});
