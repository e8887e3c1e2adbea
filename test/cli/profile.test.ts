// `prism-bench profile`: the GPU engines' synthetic-acceptance launches in --dry-run (each
// engine's own knob and unit), and a quick reference profile that loads back through the schema.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gpuDryRun } from '../../src/cli/actions/profile.ts';
import { loadProfile } from '../../src/profile/schema.ts';

const BIN = fileURLToPath(new URL('../../bin/prism-bench.js', import.meta.url));

describe('profile --dry-run for GPU engines', () => {
  it('SGLang: SGLANG_SIMULATE_ACC_LEN is the length with the bonus token', () => {
    const t = gpuDryRun('sglang');
    assert.match(t, /SGLANG_SIMULATE_ACC_LEN=4 SGLANG_SIMULATE_ACC_METHOD=match-expected python -m sglang\.launch_server .*--speculative-num-steps 3 /);
  });
  it("vLLM: synthetic rejection sampling with synthetic_acceptance_length", () => {
    assert.match(gpuDryRun('vllm'), /"rejection_sample_method":"synthetic","synthetic_acceptance_length":2/);
  });
  it('TensorRT-LLM: the forced count excludes the bonus token (L - 1)', () => {
    const t = gpuDryRun('trtllm');
    assert.match(t, /TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=3 trtllm-serve/);
    assert.doesNotMatch(t, /TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=4 /);
    // 0 means off in TensorRT-LLM: never offered as "zero accepted"
    assert.doesNotMatch(t, /^TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=0 /m);
  });
  it('a GPU engine without --dry-run is a usage error naming the way out', () => {
    const r = spawnSync(process.execPath, [BIN, 'profile', '--engine', 'vllm'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /only --dry-run is offered for GPU engines/);
  });
});

describe('profile on the reference engine', { timeout: 180_000 }, () => {
  it('writes a measured profile that loads, with curves in the ranges asked for', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'prism-profile-')), 'p.json');
    const r = spawnSync(process.execPath, [BIN, 'profile', '--quick', '--drafts', 'eagle3,ngram', '--out', out, '--name', 'test'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const p = loadProfile(out);
    assert.equal(p.provenance, 'measured');
    assert.deepEqual(p.target.verify[0].points.map((q) => q.tokens), [1, 2, 4, 8, 16, 17, 32, 64]);
    const e = p.drafts.eagle3;
    assert.ok(e.kind === 'learned' && e.steps.map((s) => s.rows).join() === '1,2,4,8,16');
    assert.equal(p.drafts.ngram.kind, 'fixed');
    // a 64-token pass costs more than a 1-token one on any machine
    assert.ok(p.target.verify[0].points.at(-1)!.ms > p.target.verify[0].points[0].ms);
  });
});
