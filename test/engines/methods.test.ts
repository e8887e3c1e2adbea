// Issue 27: `prism-bench methods`, the method x engine table, read from the adapters' own
// declarations; the copy in docs/engines.md is the command's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_DRAFT_METHODS } from '@prism-bench/reference-engine/contract';
import { methodTable, methodTableMarkdown, type MethodRow } from '../../src/engines/methods.ts';
import { DRAFT_METHODS } from '../../src/suite/types.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const row = (rows: MethodRow[], m: string) => rows.find((r) => r.method === m)!;

test('the six methods of issue 27 under each GPU engine\'s own name, refused where the engine lacks them', () => {
  const rows = methodTable();
  const names = (m: string) => Object.fromEntries(Object.entries(row(rows, m).engines).filter(([e]) => e !== 'reference').map(([e, c]) => [e, c.name]));
  assert.deepEqual(names('mtp'), { sglang: 'NEXTN', vllm: 'mtp', trtllm: 'MTP' });
  assert.deepEqual(names('standalone'), { sglang: 'STANDALONE', vllm: 'draft_model', trtllm: 'DraftTarget' });
  assert.deepEqual(names('pard'), { sglang: null, vllm: 'draft_model + parallel_drafting', trtllm: 'PARD' });
  assert.deepEqual(names('dflash'), { sglang: 'DFLASH', vllm: 'dflash', trtllm: 'DFlash' });
  assert.deepEqual(names('suffix'), { sglang: null, vllm: 'suffix', trtllm: 'SA' });
  assert.deepEqual(names('ngram'), { sglang: 'NGRAM', vllm: 'ngram', trtllm: 'NGram' });
  assert.match(row(rows, 'pard').engines.sglang.missing ?? '', /SGLang has no parallel-draft/);
  assert.match(row(rows, 'suffix').engines.sglang.missing ?? '', /SGLang has no suffix-decoding/);
  assert.deepEqual(rows.map((r) => r.method), DRAFT_METHODS.filter((m) => m !== 'vanilla'));
});

test('the reference column is the engine package\'s own method list (a draft it gains shows up)', () => {
  for (const r of methodTable()) {
    const offered = (REFERENCE_DRAFT_METHODS as readonly string[]).includes(r.method);
    assert.equal(r.engines.reference.offered, offered, r.method);
    assert.equal(r.engines.reference.name, offered ? `--draft ${r.method}` : null, r.method);
  }
});

test('docs/engines.md holds the table exactly as `methods --markdown` prints it', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'engines.md'), 'utf8');
  assert.ok(doc.includes(methodTableMarkdown()), 'regenerate with: npx prism-bench methods --markdown');
});

test('prism-bench methods prints the table; --json the rows; --json with --markdown is a usage error', () => {
  const t = spawnSync(process.execPath, [BIN, 'methods'], { encoding: 'utf8' });
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^method +reference +sglang +vllm +trtllm$/m);
  assert.match(t.stdout, /^pard +- +- +draft_model \+ parallel_drafting +PARD$/m);
  assert.match(t.stdout, /^mtp +- +NEXTN +mtp +MTP$/m);
  assert.match(t.stdout, /^ {2}suffix on sglang: SGLang has no suffix-decoding algorithm/m);
  const j = spawnSync(process.execPath, [BIN, 'methods', '--json'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(j.stdout), methodTable());
  const b = spawnSync(process.execPath, [BIN, 'methods', '--json', '--markdown'], { encoding: 'utf8' });
  assert.equal(b.status, 2);
  assert.equal(b.stderr, 'prism-bench: methods: --json and --markdown: choose one\n');
});
