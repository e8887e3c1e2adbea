import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadResult } from '../../src/result/store.ts';
import { renderTerminal, renderAuditText, terminalWidth, visibleWidth, wrapText, DEFAULT_WIDTH } from '../../src/report/terminal.ts';
import { renderReport } from '../../src/report/index.ts';
import { FIXTURES, smallResult } from './helpers.ts';

/** A real 40-cell quick run (test/fixtures/results/quick-40/README.md). */
const quick40 = () => loadResult(`${FIXTURES}quick-40/result.json`);

function assertFits(out: string, width: number, maxLines: number): void {
  const lines = out.trimEnd().split('\n');
  for (const l of lines) assert.ok(visibleWidth(l) <= width, `${visibleWidth(l)} > ${width}: ${l}`);
  assert.ok(lines.length <= maxLines, `${lines.length} lines > ${maxLines}`);
}

test('issue 24: a 40-cell quick run fits 100 columns and 60 lines, tables and audit summary together', () => {
  const r = quick40();
  assert.equal(r.cells.length, 40);
  for (const color of [false, true]) {
    const out = renderTerminal(r, { width: 100, color, source: 'results/run' });
    assertFits(out, 100, 60);
  }
  const out = renderTerminal(r, { width: 100, source: 'results/run' });
  assert.match(out, /Speedup over vanilla \(reference\), T = 0/);
  assert.match(out, /Speedup over vanilla \(reference\), T = 1/);
  for (const ds of ['chat', 'code', 'math', 'summarization', 'qa', 'Mean']) assert.equal(out.split('\n').filter((l) => new RegExp(`│ +${ds}( |$)`).test(l)).length, 2, ds);
  // speedup [low, high] then τ, per cell
  assert.match(out, /│ +1\.12x! \[0\.70, 1\.78\] τ 1\.50 │/);
  // the footnote says what τ counts and what the speedup is against
  assert.match(out.replace(/\s+/g, ' '), /τ: pooled acceptance length, completion tokens per verify cycle, bonus token included/);
  assert.match(out.replace(/\s+/g, ' '), /Speedup: throughput over vanilla decoding of the same engine, dataset and T/);
  // the audit: a headline and one line for the 32 noise warnings, no dump of every cell's CV
  assert.match(out, /^Audit: 0 errors, 32 warnings, 35 notes$/m);
  assert.equal(out.split('\n').filter((l) => /^ {2}warning noise: 32 findings, 32 cells/.test(l)).length, 1);
  assert.doesNotMatch(out, /Noisy cells|Latency percentiles|request_throughput CV/);
  assert.match(out, /prism-bench report results\/run --audit/);
});

test('the width adapts: narrower terminals get more column groups, a wide one a table per temperature', () => {
  const r = quick40();
  const groups = (out: string) => out.split('\n').filter((l) => /^─+┼/.test(l)).length;
  for (const width of [60, 80, 100, 120, 160, 250]) assertFits(renderTerminal(r, { width }), width, Infinity);
  assert.ok(groups(renderTerminal(r, { width: 80 })) > groups(renderTerminal(r, { width: 100 })));
  assert.equal(groups(renderTerminal(r, { width: 250 })), 2);
  assertFits(renderTerminal(r, { width: 80 }), 80, 60);
  // no width given: the default
  assert.equal(renderTerminal(r), renderTerminal(r, { width: DEFAULT_WIDTH }));
  // narrower than one column fits: one dataset per group, still every dataset shown
  const tiny = renderTerminal(r, { width: 20 });
  for (const ds of ['chat', 'summarization', 'qa']) assert.match(tiny, new RegExp(`│ +${ds}`));
});

test('terminalWidth: $COLUMNS first, then a TTY\'s columns, else 100', () => {
  assert.equal(terminalWidth({ isTTY: true, columns: 132 }, {}), 132);
  assert.equal(terminalWidth({ isTTY: false, columns: 132 }, {}), 100);
  assert.equal(terminalWidth({}, {}), 100);
  assert.equal(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '80' }), 80);
  assert.equal(terminalWidth({}, { COLUMNS: 'wide' }), 100);
  assert.equal(terminalWidth({}, { COLUMNS: '10' }), 40, 'never narrower than a table can be');
});

test('wrapText keeps words whole within the width', () => {
  assert.deepEqual(wrapText('aaa bbb ccc ddd', 7), ['aaa bbb', 'ccc ddd']);
  assert.deepEqual(wrapText('aaa bbb', 20, '  '), ['  aaa bbb']);
});

test('small result: failed and reference cells, the Mean of some datasets, errors listed before warnings', () => {
  const out = renderTerminal(smallResult(), { width: 100 });
  assertFits(out, 100, 60);
  assert.match(out, /│ +failed │ 1\.35x \(1\/2\)$/m);
  assert.match(out, /│ +1x ref τ 1\.02 │/);
  assert.match(out, /1\.85x\* \[1\.79, 1\.90\] τ 2\.10/);
  const audit = out.slice(out.indexOf('Audit:')).split('\n');
  assert.equal(audit[0], 'Audit: 1 error, 1 warning, 1 note');
  assert.match(audit[1], /^ {2}error complete: reference\/ngram\/code\/T1: cell failed/);
  assert.match(audit[2], /^ {2}warning variance: 1 finding, 1 cell/);
});

test('errors are each listed (up to five), warnings of one check fold into one line', () => {
  const r = smallResult();
  r.audit = [
    ...Array.from({ length: 7 }, (_, i) => ({ check: 'lossless', severity: 'error' as const, cell: `c${i}`, message: `output differs ${i}` })),
    ...Array.from({ length: 9 }, (_, i) => ({ check: 'noise', severity: 'warning' as const, cell: `c${i}`, message: `CV ${i}` })),
    { check: 'machine', severity: 'warning' as const, message: 'load average 3.1' },
  ];
  const audit = renderTerminal(r, { width: 100 }).split('Audit:')[1].split('\n');
  assert.equal(audit[0], ' 7 errors, 10 warnings, 0 notes');
  assert.equal(audit.filter((l) => /^ {2}error lossless: c\d: output differs/.test(l)).length, 5);
  assert.match(audit[6], /and 2 more lossless errors/);
  assert.match(audit[7], /^ {2}warning machine: 1 finding \(e\.g\. load average 3\.1\)$/);
  assert.match(audit[8], /^ {2}warning noise: 9 findings, 9 cells \(e\.g\. c0: CV 0\)$/);
});

test('report --audit text: every finding under its group, errors first', () => {
  const text = renderAuditText(smallResult());
  assert.deepEqual(text.split('\n').filter((l) => !l.startsWith('  ') && l), ['error complete (1, 1 cell):', 'warning variance (1, 1 cell):', 'info settings (1):']);
  const r = smallResult();
  delete r.audit;
  assert.equal(renderAuditText(r), 'No audit recorded.\n');
});

test('the terminal format is the summary; table stays the full per-cell table', () => {
  const r = quick40();
  assert.equal(renderReport(r, 'terminal', { width: 90 }), renderTerminal(r, { width: 90 }));
  assert.match(renderReport(r, 'table'), /Noisy cells:/);
});
