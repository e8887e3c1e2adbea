// `prism-bench report` as a process: the summary by default, fitted to $COLUMNS (or 100 off a
// terminal); --wide, --format table and --audit for the rest (issue 24).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = join(ROOT, 'test', 'fixtures', 'results', 'quick-40');

function report(args: string[], columns?: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.COLUMNS;
  if (columns !== undefined) env.COLUMNS = columns;
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'report', RUN, ...args], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const widest = (out: string) => Math.max(...out.split('\n').map((l) => [...l].length));

test('report RUN: the summary of a 40-cell run fits 100 columns and 60 lines off a terminal, $COLUMNS narrower', () => {
  const out = report([]);
  assert.ok(widest(out) <= 100, `${widest(out)} columns`);
  assert.ok(out.trimEnd().split('\n').length <= 60, `${out.trimEnd().split('\n').length} lines`);
  assert.match(out, /^Speedup over vanilla \(reference\), T = 0$/m);
  assert.match(out, /^Audit: 0 errors, 32 warnings, 35 notes$/m);
  assert.ok(out.includes(`prism-bench report ${RUN} --audit`));
  const narrow = report([], '72');
  assert.ok(widest(narrow) <= 72, `${widest(narrow)} columns at COLUMNS=72`);
});

test('report RUN --wide (--format table) is the full per-cell table; --audit lists every finding', () => {
  const wide = report(['--wide']);
  assert.equal(wide, report(['--format', 'table']));
  assert.match(wide, /Noisy cells:/);
  assert.equal(wide.split('\n').filter((l) => l.startsWith('│ reference')).length, 40, 'a row per cell');
  const audit = report(['--audit']);
  assert.equal(audit.split('\n').filter((l) => l.startsWith('  reference/')).length, 67);
  assert.match(audit, /^warning noise \(32, 32 cells\):$/m);
});

test('report on a garbage file gives one line naming the file, and --resume only for a run directory', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-report-garbage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (path: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'prism-bench.js'), 'report', path], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  for (const name of ['garbage.json', 'garbage.txt']) {
    writeFileSync(join(dir, name), 'hello\nworld\n');
    const r = cli(join(dir, name));
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^prism-bench: ${join(dir, name).replace(/[.]/g, '\\.')}: not valid JSON .* -- pass a result\\.json`));
    assert.doesNotMatch(r.stderr, /--resume/);
  }
  // a run directory with a journal: the damaged result.json can be rebuilt, and the line says how
  const run = join(dir, 'run');
  mkdirSync(run);
  writeFileSync(join(run, 'requests.jsonl'), '');
  writeFileSync(join(run, 'result.json'), '{\n"schemaVersion": 1,\n');
  const d = cli(run);
  assert.equal(d.status, 2, d.stderr);
  assert.equal(d.stderr.trim().split('\n').length, 1, d.stderr);
  assert.match(d.stderr, /result\.json: not valid JSON .* prism-bench run --resume .*run rebuilds it/);
});
