import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  BUILTIN_DATASETS, PROMPTS_DIR, SuiteError, builtinDatasetFile, loadDataset, loadSuite, loadSuiteDatasets,
} from '../../src/suite/index.ts';
import { MINIMAL, assertSuiteError, tempDir, writeTemp } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MT_BENCH = resolve(ROOT, '../shared/datasets/prism-ae/mt_bench/question.jsonl');

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('built-in datasets', () => {
  it('live in suites/prompts of the package, found without the cwd', () => {
    assert.equal(PROMPTS_DIR, join(ROOT, 'suites', 'prompts'));
    const cwd = process.cwd();
    try {
      process.chdir(tempDir());
      assert.equal(loadDataset('qa', '/nowhere').prompts.length, 20);
    } finally {
      process.chdir(cwd);
    }
  });

  for (const name of BUILTIN_DATASETS) {
    it(`${name}: 20 well-formed prompts`, () => {
      const d = loadDataset(name, ROOT);
      assert.equal(d.name, name);
      assert.equal(d.source, 'builtin');
      assert.equal(d.file, builtinDatasetFile(name));
      assert.equal(d.prompts.length, 20);
      d.prompts.forEach((p, i) => {
        assert.equal(p.id, `${name}-${String(i + 1).padStart(2, '0')}`);
        assert.equal(p.category, name);
        assert.ok(p.turns.length >= 1);
      });
      // the file itself has exactly the MT-bench/Spec-Bench keys, one object per line
      const lines = readFileSync(d.file, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 20);
      for (const line of lines) assert.deepEqual(Object.keys(JSON.parse(line)), ['question_id', 'category', 'turns']);
    });
  }

  it('chat has a few two-turn prompts', () => {
    const multi = loadDataset('chat', ROOT).prompts.filter((p) => p.turns.length === 2);
    assert.ok(multi.length >= 3 && multi.length <= 6, `two-turn chat prompts: ${multi.length}`);
  });

  it('summarization prompts carry an 80-150 word paragraph', () => {
    for (const p of loadDataset('summarization', ROOT).prompts) {
      const paragraph = p.turns[0]!.split('\n\n').at(-1)!;
      const n = words(paragraph);
      assert.ok(n >= 80 && n <= 150, `${p.id}: ${n} words`);
    }
  });

  it('code prompts ask for TypeScript/JavaScript and most include a snippet', () => {
    const prompts = loadDataset('code', ROOT).prompts;
    for (const p of prompts) assert.match(p.turns[0]!, /TypeScript|JavaScript|\.d\.ts|declaration/, p.id);
    assert.ok(prompts.filter((p) => p.turns[0]!.includes('```')).length >= 8);
  });

  it('the limit option keeps the first N prompts', () => {
    assert.deepEqual(loadDataset('math', ROOT, { limit: 3 }).prompts.map((p) => p.id), ['math-01', 'math-02', 'math-03']);
    assert.equal(loadDataset('math', ROOT, { limit: null }).prompts.length, 20);
  });

  it('rejects an unknown built-in name', () => {
    assert.throws(() => loadDataset('poetry', ROOT), (e: unknown) => e instanceof SuiteError && /use one of chat, code, math, summarization, qa/.test(e.message));
  });
});

describe('question.jsonl validation', () => {
  const good = '{"question_id": 1, "category": "writing", "turns": ["a", "b"]}';
  const load = (text: string) => {
    const file = writeTemp(text, 'jsonl');
    return { file, run: () => loadDataset({ name: 'mine', path: file }, tempDir()) };
  };

  it('accepts integer ids, extra fields and blank lines; empty category falls back to the dataset name', () => {
    const { run } = load(`${good}\n\n{"question_id": "x", "category": "", "turns": ["c"], "reference": ["r"]}\n`);
    assert.deepEqual(run().prompts, [
      { id: '1', category: 'writing', turns: ['a', 'b'] },
      { id: 'x', category: 'mine', turns: ['c'] },
    ]);
  });
  it('names the line of malformed JSON (blank lines counted)', () => {
    const { file, run } = load(`${good}\n\n{"question_id": 2, "turns": ["x"]\n`);
    assertSuiteError(run, file, 'line 3', /one complete JSON object per line/, /invalid JSON/);
  });
  it('names a missing turns field', () => {
    const { file, run } = load(`${good}\n{"question_id": 2}\n`);
    assertSuiteError(run, file, 'line 2: turns', /add "turns"/, /missing/);
  });
  it('names a non-string turn', () => {
    const { file, run } = load(`{"question_id": 2, "turns": ["ok", 5]}\n`);
    assertSuiteError(run, file, 'line 1: turns[1]', /non-empty string/, /got 5/);
  });
  it('names an empty turns list', () => {
    const { file, run } = load(`{"question_id": 2, "turns": []}\n`);
    assertSuiteError(run, file, 'line 1: turns', /set "turns" to a list/);
  });
  it('names a missing question_id', () => {
    const { file, run } = load('{"turns": ["x"]}\n');
    assertSuiteError(run, file, 'line 1: question_id', /add "question_id"/, /missing/);
  });
  it('names a duplicate question_id', () => {
    const { file, run } = load(`${good}\n${good}\n`);
    assertSuiteError(run, file, 'line 2: question_id', /unique question_id/, /same as line 1/);
  });
  it('names a non-object line', () => {
    const { file, run } = load('[1, 2]\n');
    assertSuiteError(run, file, 'line 1', /one JSON object per line/, /got a list/);
  });
  it('rejects an empty file', () => {
    const { file, run } = load('\n\n');
    assertSuiteError(run, file, '(file)', /add one JSON object per line/);
  });
  it('a suite pointing at a malformed file fails when its datasets are loaded', () => {
    const data = writeTemp('{"question_id": 1, "turns": "not a list"}\n', 'jsonl', 'bad.jsonl');
    const suite = loadSuite(writeTemp(MINIMAL + 'datasets:\n  - {name: bad, path: bad.jsonl}\n'));
    assertSuiteError(() => loadSuiteDatasets(suite), data, 'line 1: turns', /set "turns" to a list/);
  });

  it('names a bad question_id type', () => {
    const { file, run } = load('{"question_id": 1.5, "turns": ["x"]}\n');
    assertSuiteError(run, file, 'line 1: question_id', /unique string or integer/);
  });
});

describe('MT-bench from ../shared', () => {
  it('loads 80 two-turn prompts', (t) => {
    if (!existsSync(MT_BENCH)) {
      t.skip(`../shared absent: ${MT_BENCH} not found, MT-bench check skipped`);
      return;
    }
    const d = loadDataset({ name: 'mt_bench', path: MT_BENCH }, ROOT);
    assert.equal(d.prompts.length, 80);
    assert.ok(d.prompts.every((p) => p.turns.length === 2));
    assert.equal(new Set(d.prompts.map((p) => p.id)).size, 80);
  });
  it('loads through a suite with a path relative to the suite file', (t) => {
    if (!existsSync(MT_BENCH)) {
      t.skip(`../shared absent: ${MT_BENCH} not found, MT-bench check skipped`);
      return;
    }
    const file = writeTemp('');
    const rel = relative(dirname(file), MT_BENCH);
    writeFileSync(file, `${MINIMAL}datasets:\n  - chat\n  - {name: mt_bench, path: ${JSON.stringify(rel)}}\n`);
    const suite = loadSuite(file);
    assert.deepEqual(suite.datasets[1], { name: 'mt_bench', path: rel });
    const [, d] = loadSuiteDatasets(suite);
    assert.equal(d!.prompts.length, 80);
    assert.equal(d!.source, MT_BENCH);
  });
});
