import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, mdEscape, mdTable } from '../../src/report/markdown.ts';
import { assertGolden, smallResult } from './helpers.ts';

test('markdown matches the golden file byte for byte', () => {
  assertGolden(renderMarkdown(smallResult()), 'small.md');
});

test('one summary table per temperature with a Mean column and a note', () => {
  const md = renderMarkdown(smallResult());
  assert.match(md, /^### T = 0$/m);
  assert.match(md, /^### T = 1$/m);
  assert.match(md, /^\| Method +\| +chat \| +code \| +Mean \|$/m);
  assert.match(md, /\| reference\/ngram +\| 1\.85x\\\* \(τ 2\.10\) \| 2\.27x\\\* \(τ 2\.61\) \| 2\.06x \|/);
  assert.match(md, /\| reference\/ngram +\| 1\.35x! \(τ 1\.74\) \| +failed \| 1\.35x \(1 of 2\) \|/);
  assert.match(md, /pooled acceptance length τ/);
});

test('text is escaped: pipes in names and errors never split a table row', () => {
  const r = smallResult();
  const failed = r.cells.find((c) => c.status === 'failed')!;
  failed.draft = 'a|b';
  failed.dataset = 'd|e';
  r.cells[1].engine = 'eng|ine';
  const md = renderMarkdown(r);
  assert.match(md, /a\\\|b/);
  assert.match(md, /eng\\\|ine/);
  const pipes = (line: string) => line.split(/(?<!\\)\|/).length;
  let header: string | null = null;
  let tables = 0;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) { header = null; continue; }
    if (header === null) { header = line; tables += 1; continue; }
    assert.equal(pipes(line), pipes(header), line);
  }
  assert.equal(tables, 4, 'summary T = 0 and T = 1, detailed, per-position');
  assert.equal(mdEscape('a|b\nc*d'), 'a\\|b c\\*d');
});

test('mdTable pads columns and aligns numbers right', () => {
  assert.equal(mdTable(['A', 'B'], [['x', '1.5'], ['yy', '10.25']], ['left', 'right']), [
    '| A   |     B |',
    '|-----|------:|',
    '| x   |   1.5 |',
    '| yy  | 10.25 |',
  ].join('\n'));
});

test('a result with no audit, fingerprint or speculative cells still renders', () => {
  const r = smallResult();
  r.cells = r.cells.filter((c) => c.method === 'vanilla');
  delete r.audit;
  r.fingerprint = {};
  r.suite = {};
  const md = renderMarkdown(r);
  assert.doesNotMatch(md, /Per-position acceptance/);
  assert.match(md, /No audit recorded\./);
  assert.match(md, /No hardware fingerprint recorded\./);
  assert.match(md, /- Target: -/);
});

test('issue 24: the audit section is grouped, errors first, each group with its count; many noise notes collapse to their cells', () => {
  const r = smallResult();
  r.audit = [
    ...Array.from({ length: 5 }, (_, i) => ({ check: 'noise', severity: 'info' as const, cell: `c${i}`, message: `outlier ${i}` })),
    { check: 'noise', severity: 'warning' as const, cell: 'c1', message: 'throughput CV 40%' },
    { check: 'lossless', severity: 'error' as const, cell: 'c2', message: 'output differs' },
  ];
  const md = renderMarkdown(r);
  const audit = md.slice(md.indexOf('## Fairness audit'), md.indexOf('## Metric definitions')).trim().split('\n');
  assert.deepEqual(audit.slice(2), [
    '1 error, 1 warning, 5 notes; grouped by severity (errors first) and check.',
    '',
    '- **error** (lossless): 1 finding, 1 cell',
    '  - c2: output differs',
    '- **warning** (noise): 1 finding, 1 cell',
    '  - c1: throughput CV 40%',
    '- **info** (noise): 5 findings, 5 cells',
    '  - c0, c1, c2, c3, c4 (each note in result.json\'s audit, or `prism-bench report RUN --audit`)',
  ]);
});
