import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BaselineError, loadBaseline, makeBaseline, saveBaseline } from '../../src/gate/baseline.ts';
import { InputError, loadComparable } from '../../src/gate/comparable.ts';
import { runGate } from '../../src/report/gate.ts';
import { makeCell, makeResult, tempDir, trials, writeRun } from './helpers.ts';

const NOW = new Date('2025-04-01T12:00:00.000Z');

test('makeBaseline keeps identity, fingerprint, suite and per-trial values of every cell', () => {
  const result = makeResult();
  const b = makeBaseline(result, 'main', NOW);
  assert.equal(b.schemaVersion, 1);
  assert.equal(b.kind, 'prism-bench-baseline');
  assert.equal(b.name, 'main');
  assert.equal(b.createdAt, NOW.toISOString());
  assert.deepEqual(b.source, { runId: 'run-a', createdAt: result.createdAt, suiteFile: 'suites/test.yaml', toolVersion: '0.1.0' });
  assert.deepEqual(b.fingerprint, result.fingerprint);
  assert.deepEqual(b.suite, result.suite);
  assert.equal(b.cells.length, 2);
  const c = b.cells[1]!;
  assert.deepEqual(
    { id: c.id, engine: c.engine, draft: c.draft, dataset: c.dataset, temperature: c.temperature, status: c.status },
    { id: 'reference/ngram/chat/T0', engine: 'reference', draft: 'ngram', dataset: 'chat', temperature: 0, status: 'ok' },
  );
  const m = c.metrics.throughput!;
  const src = result.cells[1]!.metrics.throughput!;
  assert.deepEqual(m, { id: 'throughput', label: 'Throughput', unit: 'tok/s', direction: 'higher', mean: src.mean, n: 5, values: src.values, interval: src.interval });
  assert.equal('definition' in m, false, 'compact: definitions are not copied');
});

test('save/load round trip; the file is DIR/NAME.json and no temp file is left', (t) => {
  const dir = tempDir(t);
  const b = makeBaseline(makeResult(), 'h100-main', NOW);
  const path = saveBaseline(join(dir, 'baselines'), b);
  assert.equal(path, join(dir, 'baselines', 'h100-main.json'));
  assert.deepEqual(readdirSync(join(dir, 'baselines')), ['h100-main.json']);
  assert.deepEqual(loadBaseline(path), b);
  // loadComparable recognises it, and it compares like the result it came from
  const asBase = loadComparable(path);
  assert.equal(asBase.kind, 'baseline');
  assert.equal(asBase.label, 'h100-main');
  assert.equal(asBase.runId, 'run-a');
  const fromResult = loadComparable(writeRun(dir, 'run-a', makeResult()));
  assert.equal(fromResult.kind, 'result');
  assert.deepEqual(asBase.cells, fromResult.cells);
  assert.equal(runGate(asBase, fromResult).exitCode, 0);
});

test('bad baseline names are refused', () => {
  for (const name of ['', '.hidden', 'a/b', '../x', 'with space']) {
    assert.throws(() => makeBaseline(makeResult(), name), BaselineError, name);
  }
});

function oneLine(e: unknown): string {
  const msg = (e as Error).message;
  assert.equal(msg.includes('\n'), false, `one line: ${msg}`);
  return msg;
}

test('a corrupt baseline gives a one-line error naming the file and the field', (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'main.json');
  const good = JSON.parse(JSON.stringify(makeBaseline(makeResult(), 'main', NOW)));
  const cases: Array<[string, (b: any) => void, RegExp]> = [
    ['values', (b) => { b.cells[1].metrics.throughput.values[2] = 'fast'; }, /: cells\[1\]\.metrics\.throughput\.values: expected an array of finite numbers/],
    ['direction', (b) => { b.cells[0].metrics.e2e_ms.direction = 'up'; }, /: cells\[0\]\.metrics\.e2e_ms\.direction: expected one of higher, lower, none/],
    ['mean', (b) => { delete b.cells[0].metrics.throughput.mean; }, /: cells\[0\]\.metrics\.throughput\.mean: expected a finite number/],
    ['cells', (b) => { b.cells = {}; }, /: cells: expected an array/],
    ['fingerprint', (b) => { delete b.fingerprint; }, /: fingerprint: expected an object/],
    ['duplicate', (b) => { b.cells[1].id = b.cells[0].id; }, /: cells\[1\]\.id: expected a cell id not used before/],
    ['version', (b) => { b.schemaVersion = 7; }, /: schemaVersion: 7 is not supported/],
  ];
  for (const [name, spoil, re] of cases) {
    const b = structuredClone(good);
    spoil(b);
    writeFileSync(path, JSON.stringify(b));
    assert.throws(() => loadBaseline(path), (e: unknown) => {
      assert.ok(e instanceof BaselineError, name);
      const msg = oneLine(e);
      assert.ok(msg.startsWith(`${path}: `), msg);
      assert.match(msg, re, name);
      return true;
    });
    // loadComparable gives the same error (it sees the kind and validates as a baseline)
    assert.throws(() => loadComparable(path), re);
  }
  writeFileSync(path, '{"kind": "prism-bench-baseline", ');
  assert.throws(() => loadBaseline(path), (e: unknown) => oneLine(e).startsWith(`${path}: not valid JSON`));
  assert.throws(() => loadBaseline(join(dir, 'nope.json')), (e: unknown) => /nope\.json: cannot read \(ENOENT\)/.test(oneLine(e)));
});

test('loadComparable: run directory, result.json, and one-line errors for bad inputs', (t) => {
  const dir = tempDir(t);
  const run = writeRun(dir, 'r1', makeResult({ cells: [makeCell({ metrics: { throughput: trials(80, 0.01) } })] }));
  assert.equal(loadComparable(run).path, join(run, 'result.json'));
  assert.equal(loadComparable(join(run, 'result.json')).cells[0]!.metrics.throughput!.values.length, 5);
  assert.throws(() => loadComparable(join(dir, 'missing')), (e: unknown) => e instanceof InputError && /missing: cannot read \(ENOENT\)/.test(oneLine(e)));
  const bad = makeResult() as any;
  bad.cells[0].metrics.throughput.values = 'x';
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(bad));
  assert.throws(() => loadComparable(join(dir, 'bad.json')), (e: unknown) => e instanceof InputError && /bad\.json: cells\[0\]\.metrics\.throughput\.values: expected/.test(oneLine(e)));
  assert.equal(readFileSync(join(run, 'result.json'), 'utf8').length > 0, true);
});
