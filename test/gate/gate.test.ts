import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GATE_METRICS, publishSummary } from '../../src/gate/gate.ts';
import { gateText, runGate } from '../../src/report/gate.ts';
import { renderCompareText } from '../../src/report/compare-text.ts';
import { renderCompareHtml } from '../../src/report/compare-html.ts';
import { comparable, fingerprint, makeCell, settings, tempDir, trials } from './helpers.ts';

const vanilla = () => makeCell({ draft: 'vanilla' });

test('two equal results pass with exit code 0', () => {
  const out = runGate(comparable(), comparable({ runId: 'run-b' }));
  assert.equal(out.exitCode, 0);
  assert.deepEqual(out.regressions, []);
  assert.deepEqual(out.problems, []);
  assert.match(out.headline, /^PASS/);
  assert.match(out.summaryMarkdown, /prism-bench gate: PASS/);
  // the default set is gated wherever the metric exists
  assert.ok(out.report.comparisons.length > 0);
  assert.ok(out.report.comparisons.every((c) => DEFAULT_GATE_METRICS.includes(c.metric)));
});

test('a 20% throughput drop with low noise is a regression naming the cell and numbers (exit 1)', () => {
  const base = comparable();
  const head = comparable({ runId: 'run-b', cells: [vanilla(), makeCell({ metrics: { throughput: trials(64, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } })] });
  const out = runGate(base, head);
  assert.equal(out.exitCode, 1);
  assert.equal(out.regressions.length, 1);
  const r = out.regressions[0]!;
  assert.equal(r.cell, 'reference/ngram/chat/T0');
  assert.equal(r.metric, 'throughput');
  assert.ok(Math.abs(r.change! - 0.2) < 1e-9, `change ${r.change}`);
  assert.ok(Math.abs(r.ratio! - 0.8) < 1e-9);
  assert.ok(r.adjustedP! < 0.05);
  assert.match(out.headline, /REGRESSION.*reference\/ngram\/chat\/T0 throughput/);
  assert.match(out.summaryMarkdown, /### Regressions/);
  assert.match(out.summaryMarkdown, /\| reference\/ngram\/chat\/T0 \| throughput \| 80\.0 tok\/s \| 64\.0 tok\/s \| 0\.800x \[[0-9.]+, [0-9.]+\] \| 20\.0% worse \|/);
  assert.match(gateText(out), /regression: reference\/ngram\/chat\/T0 throughput: 80\.0 tok\/s -> 64\.0 tok\/s \(20\.0% worse/);
});

test('a 20% drop buried in noise is not shown beyond the tolerance and passes', () => {
  const noisy = (mean: number) => ({ throughput: trials(mean, 0.4), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) });
  const base = comparable({ cells: [vanilla(), makeCell({ metrics: noisy(80) })] });
  const head = comparable({ runId: 'run-b', cells: [vanilla(), makeCell({ metrics: noisy(64) })] });
  const out = runGate(base, head);
  assert.equal(out.exitCode, 0);
  const c = out.report.comparisons.find((x) => x.cell === 'reference/ngram/chat/T0' && x.metric === 'throughput')!;
  assert.ok(Math.abs(c.change! - 0.2) < 1e-9);
  assert.ok(c.adjustedP! >= 0.05, `adjusted p ${c.adjustedP}`);
  assert.equal(c.verdict, 'same');
});

test('a significant drop smaller than the threshold passes', () => {
  const head = comparable({ runId: 'run-b', cells: [vanilla(), makeCell({ metrics: { throughput: trials(78, 0.001), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } })] });
  const base = comparable({ cells: [vanilla(), makeCell({ metrics: { throughput: trials(80, 0.001), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } })] });
  const out = runGate(base, head);
  assert.equal(out.exitCode, 0);
  const c = out.report.comparisons.find((x) => x.cell === 'reference/ngram/chat/T0' && x.metric === 'throughput')!;
  assert.ok(c.p! < 0.05, 'the 2.5% drop is significant');
  assert.ok(c.adjustedP! > 0.5, 'but certainly within the 5% tolerance');
  assert.equal(c.verdict, 'same');
  // ...and a lower threshold turns the same data into a regression
  assert.equal(runGate(base, head, { maxRegression: 2 }).exitCode, 1);
});

test('latency: higher is worse (regression), lower is better (improvement)', () => {
  const lat = (ms: number) => ({ throughput: trials(80, 0.01), e2e_ms: trials(ms, 0.01) });
  const base = comparable({ cells: [makeCell({ metrics: lat(800) })] });
  const slower = runGate(base, comparable({ runId: 'b', cells: [makeCell({ metrics: lat(960) })] }));
  assert.equal(slower.exitCode, 1);
  assert.equal(slower.regressions[0]!.metric, 'e2e_ms');
  assert.ok(Math.abs(slower.regressions[0]!.change! - 0.2) < 1e-9);
  const faster = runGate(base, comparable({ runId: 'b', cells: [makeCell({ metrics: lat(640) })] }));
  assert.equal(faster.exitCode, 0);
  const c = faster.report.comparisons.find((x) => x.metric === 'e2e_ms')!;
  assert.equal(c.verdict, 'improvement');
  assert.ok(Math.abs(c.change! + 0.2) < 1e-9);
});

test('different hardware is not comparable (exit 2) and says so', () => {
  const gpu = { ...(fingerprint().gpus as Record<string, unknown>[])[0], name: 'NVIDIA A100-SXM4-80GB' };
  const out = runGate(comparable(), comparable({ runId: 'b', fingerprint: fingerprint({ gpus: [gpu] }) }));
  assert.equal(out.exitCode, 2);
  assert.match(out.headline, /NOT COMPARABLE: different hardware/);
  assert.ok(out.problems.some((p) => p.kind === 'hardware' && /gpus\[0\]\.name: 'NVIDIA H100 80GB HBM3' vs 'NVIDIA A100-SXM4-80GB'/.test(p.message)));
  assert.match(out.summaryMarkdown, /### Not comparable/);
});

test('hostname and collection time alone do not make results incomparable', () => {
  const out = runGate(comparable(), comparable({ runId: 'b', fingerprint: fingerprint({ hostname: 'bench-b', collectedAt: '2026-01-01T00:00:00Z' }) }));
  assert.equal(out.exitCode, 0);
});

test('different settings are not comparable (exit 2)', () => {
  const out = runGate(comparable(), comparable({ runId: 'b', settings: settings({ maxNewTokens: 128 }) }));
  assert.equal(out.exitCode, 2);
  assert.match(out.headline, /different settings/);
  assert.ok(out.problems.some((p) => p.kind === 'settings' && /maxNewTokens: 64 vs 128/.test(p.message)));
});

test('a draft configured differently under the same name is a settings difference', () => {
  const drafts = [{ name: 'vanilla', method: 'vanilla' }, { name: 'ngram', method: 'ngram', draftedTokens: 8, ngramMin: 1, ngramMax: 3 }];
  const out = runGate(comparable(), comparable({ runId: 'b', drafts }));
  assert.equal(out.exitCode, 2);
  assert.ok(out.problems.some((p) => p.kind === 'settings' && /drafts\.ngram/.test(p.message)));
});

test('a missing cell is not comparable (exit 2) and is named', () => {
  const out = runGate(comparable(), comparable({ runId: 'b', cells: [vanilla()] }));
  assert.equal(out.exitCode, 2);
  assert.match(out.headline, /missing cells/);
  assert.deepEqual(out.problems.map((p) => [p.kind, p.cell]), [['missing-cell', 'reference/ngram/chat/T0']]);
  assert.match(out.problems[0]!.message, /reference\/ngram\/chat\/T0 is in baseline but not in result/);
  // and the other way round
  const extra = runGate(comparable({ cells: [vanilla()] }), comparable({ runId: 'b' }));
  assert.equal(extra.exitCode, 2);
  assert.match(extra.problems[0]!.message, /reference\/ngram\/chat\/T0 is in result but not in baseline/);
});

test('a failed cell is not comparable (exit 2) and is named with its error', () => {
  const out = runGate(comparable(), comparable({ runId: 'b', cells: [vanilla(), makeCell({ status: 'failed', error: 'engine exited with code 137', metrics: {} })] }));
  assert.equal(out.exitCode, 2);
  assert.match(out.problems[0]!.message, /reference\/ngram\/chat\/T0 failed in result: engine exited with code 137/);
});

test('problems take precedence over regressions (exit 2), the regression is still listed', () => {
  const head = comparable({ runId: 'b', settings: settings({ seed: 8 }), cells: [vanilla(), makeCell({ metrics: { throughput: trials(64, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(800, 0.01) } })] });
  const out = runGate(comparable(), head);
  assert.equal(out.exitCode, 2);
  assert.equal(out.regressions.length, 1);
  assert.match(out.summaryMarkdown, /listed for information/);
});

test('--metrics limits what is gated', () => {
  const head = comparable({ runId: 'b', cells: [vanilla(), makeCell({ metrics: { throughput: trials(80, 0.01), accept_length_pooled: trials(2.4, 0.01), e2e_ms: trials(1200, 0.01) } })] });
  assert.equal(runGate(comparable(), head).exitCode, 1);
  const out = runGate(comparable(), head, { metrics: ['throughput'] });
  assert.equal(out.exitCode, 0);
  assert.ok(out.report.comparisons.every((c) => c.metric === 'throughput'));
});

test('publishSummary appends to $GITHUB_STEP_SUMMARY and prints otherwise', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'summary.md');
  writeFileSync(file, '# earlier step\n');
  const out = runGate(comparable(), comparable({ runId: 'b' }));
  const printed: string[] = [];
  assert.deepEqual(publishSummary(out.summaryMarkdown, { GITHUB_STEP_SUMMARY: file }, (s) => printed.push(s)), { file });
  assert.equal(printed.length, 0);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('# earlier step\n## '), 'appended after what was there');
  assert.ok(text.includes(out.summaryMarkdown));
  assert.deepEqual(publishSummary(out.summaryMarkdown, {}, (s) => printed.push(s)), { file: null });
  assert.equal(printed.length, 1);
  assert.match(printed[0]!, /prism-bench gate: PASS/);
});

test('gating metrics no cell has is not a silent pass (exit 2)', () => {
  const out = runGate(comparable(), comparable({ runId: 'b' }), { metrics: ['ttft_ms'] });
  assert.equal(out.exitCode, 2);
  assert.match(out.problems[0]!.message, /none of the gated metrics \(ttft_ms\) could be compared/);
});

test('latency percentiles are opt-in: not gated by default, gated when named (p99 ITL up 30% is a regression)', () => {
  const cell = (itl: number) => makeCell({ metrics: { throughput: trials(80, 0.01), itl_token_p99_ms: trials(itl, 0.01) } });
  const base = comparable({ cells: [vanilla(), cell(20)] });
  const head = comparable({ runId: 'run-b', cells: [vanilla(), cell(26)] });
  assert.equal(runGate(base, head).exitCode, 0);
  const out = runGate(base, head, { metrics: ['throughput', 'itl_token_p99_ms'] });
  assert.equal(out.exitCode, 1);
  assert.equal(out.regressions[0]?.metric, 'itl_token_p99_ms');
});

test('issue 23: an MDE above 100% reads "not detectable with this data" in the headline, the summary, compare text and HTML', () => {
  // e2e_ms over three trials with a CV near 100%: the data could not show even a doubling
  const cells = () => [vanilla(), makeCell({ metrics: { throughput: trials(80, 0.01), e2e_ms: trials(800, 1.2, 3) } })];
  const out = runGate(comparable({ cells: cells() }), comparable({ runId: 'run-b', cells: cells() }), { metrics: ['e2e_ms'] });
  assert.equal(out.exitCode, 0);
  assert.ok(out.report.suite[0]!.mde! > 1, `suite MDE ${out.report.suite[0]!.mde}`);
  assert.match(out.headline, /^PASS: .*; a regression of the suite's e2e_ms is not detectable with this data \(MDE above 100%\)( -- PROVISIONAL: .*)?$/);
  const texts = [out.headline, out.summaryMarkdown, gateText(out), renderCompareText(out.report), renderCompareHtml(out.report, out.headline)];
  for (const text of texts) assert.doesNotMatch(text, /[0-9]{3,}\.[0-9]%/, 'no MDE like 215363.5%');
  assert.match(out.summaryMarkdown, /\| e2e_ms \| 2 \| .* \| not detectable with this data \| same \|/);
  assert.match(renderCompareText(out.report), /MDE not detectable with this data\) -> same/);
  assert.match(renderCompareHtml(out.report), /not detectable with this data/);
});
