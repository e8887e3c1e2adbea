// Synthetic acceptance end to end: `prism-bench serve` with the GPU engines' knobs set
// (SGLANG_SIMULATE_ACC_LEN, TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS, vLLM's
// synthetic_acceptance_length) accepts exactly the set number of drafts every cycle, so the
// acceptance length a client reads equals the set number and only cost varies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/prism-bench.js', import.meta.url));
const PROMPT = 'Question: Write a short letter to a neighbor thanking him for helping you repair the fence.\nAnswer:';

interface Meta { completion_tokens: number; spec_verify_ct: number; spec_correct_drafts_histogram: number[]; spec_num_correct_drafts: number }

/** Starts a server with these flags and environment, runs one greedy and one sampled request, stops it. */
async function withServer(args: string[], env: Record<string, string>, maxNewTokens: number): Promise<Meta[]> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line within 60 s:\n${output}`)), 60_000);
      child.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with code ${code}:\n${output}`)); });
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ok = await fetch(`${base}/health`).then(async (r) => { await r.text(); return r.status === 200; }, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`not ready within 120 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const metas: Meta[] = [];
    for (const temperature of [0, 1]) {
      const res = await fetch(`${base}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: PROMPT, sampling_params: { max_new_tokens: maxNewTokens, temperature, ignore_eos: true } }) });
      assert.equal(res.status, 200);
      metas.push(((await res.json()) as { meta_info: Meta }).meta_info);
    }
    assert.match(output, /synthetic acceptance from/);
    return metas;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/**
 * every cycle accepted `n` drafts but the last two: near max_new_tokens the loop drafts fewer tokens
 * (a tree of 2 nodes may be two siblings, depth 1), so the final cycles can accept fewer
 */
function assertForced(m: Meta, n: number): void {
  const h = m.spec_correct_drafts_histogram;
  const cycles = h.reduce((a, b) => a + b, 0);
  assert.equal(cycles, m.spec_verify_ct);
  assert.ok(h[n] >= cycles - 2 && h.slice(n + 1).every((c) => c === 0), `histogram ${JSON.stringify(h)}: expected all cycles at ${n}`);
  // acceptance length (bonus included, prefill token excluded) equals the set number
  assert.ok(Math.abs((m.completion_tokens - 1) / cycles - (n + 1)) <= (2 * (n + 1)) / cycles + 1e-9, `tau ${(m.completion_tokens - 1) / cycles}`);
}

describe('synthetic acceptance on the reference engine (performance-only mode)', { timeout: 240_000 }, () => {
  it('SGLANG_SIMULATE_ACC_LEN=4 on an eagle3 chain of 6: 3 drafts accepted per cycle, T=0 and T=1', async () => {
    const metas = await withServer(['--draft', 'eagle3', '--drafted-tokens', '6'], { SGLANG_SIMULATE_ACC_LEN: '4' }, 41);
    for (const m of metas) assertForced(m, 3);
  });
  it('TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS=2 (drafts, bonus excluded) on an eagle3 tree: 2 per cycle', async () => {
    const metas = await withServer(['--draft', 'eagle3', '--drafted-tokens', '8', '--topk', '2', '--steps', '4'], { TLLM_SPEC_DECODE_FORCE_NUM_ACCEPTED_TOKENS: '2' }, 61);
    for (const m of metas) assertForced(m, 2);
  });
  it("vLLM's synthetic_acceptance_length through --speculative-config: 5.0 on a chain of 6 gives 4 per cycle", async () => {
    const metas = await withServer(['--speculative-config', JSON.stringify({ method: 'eagle3', model: 'models/drafts/eagle3', num_speculative_tokens: 6, rejection_sample_method: 'synthetic', synthetic_acceptance_length: 5 })], {}, 41);
    for (const m of metas) assertForced(m, 4);
  });
});
