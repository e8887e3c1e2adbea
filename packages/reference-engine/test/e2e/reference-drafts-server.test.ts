// The learned drafts served as the harness launches them: `prism-bench serve --draft prism`
// (and SGLang's own flags for the same) reports the draft architecture and its parameter counts
// in /server_info, and per-request draft time, draft steps and the module that ran at each step
// in meta_info.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRAFTS_DIR } from '../../src/model/draft-config.ts';
import { startServe } from '../server/serve.ts';

async function withServer(args: string[], fn: (base: string) => Promise<void>): Promise<void> {
  const server = await startServe(args);
  try {
    await fn(server.base);
  } finally {
    assert.equal(await server.stop(), 0, server.output());
  }
}

const generate = async (base: string, body: unknown) => {
  const r = await fetch(`${base}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(r.status, 200);
  return (await r.json()) as { output_ids: number[]; meta_info: Record<string, any> };
};

test('serve --draft prism: server_info names the architecture; meta_info carries draft time, steps and modules per step', async () => {
  await withServer(['--draft', 'prism', '--drafted-tokens', '3', '--step-map', '0,1'], async (base) => {
    const info = await (await fetch(`${base}/server_info`)).json() as Record<string, any>;
    assert.equal(info.prism_draft, 'prism');
    assert.equal(info.speculative_algorithm, 'LD');
    assert.equal(info.speculative_num_steps, 3);
    assert.equal(info.speculative_eagle_topk, 1);
    assert.match(info.prism_draft_architecture, /PRISM/);
    assert.equal(info.prism_draft_modules, 2);
    assert.deepEqual(info.prism_draft_step_map, [0, 1]);
    // the figures the shipped manifest records; two modules of which one runs per step
    const counts = (JSON.parse(readFileSync(join(DRAFTS_DIR, 'prism', 'manifest.json'), 'utf8')) as { parameters: Record<string, number> }).parameters;
    assert.equal(info.prism_draft_params_total, counts.total);
    assert.equal(info.prism_draft_params_per_step, counts.activatedPerStep);
    assert.ok(info.prism_draft_params_total > 1.5 * info.prism_draft_params_per_step, 'M = 2 modules (sharing only the frozen embedding and head)');
    const r = await generate(base, { text: 'Question: What do plants need to grow?\nAnswer:', sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
    const m = r.meta_info;
    assert.equal(m.completion_tokens, 24);
    assert.equal(m.prism_draft_steps, m.spec_num_proposed_drafts, 'a chain drafts one token per step');
    assert.ok(m.prism_draft_time_s > 0);
    assert.equal(m.prism_draft_module_by_step.length, 3);
    assert.deepEqual(m.prism_draft_module_by_step[0].slice(1).filter((n: number) => n > 0), [], 'step 0 ran module 0 only');
    assert.equal(m.prism_draft_module_by_step[1][0] ?? 0, 0, 'step 1 never ran module 0');
    assert.ok(m.prism_draft_module_by_step[1][1] > 0, 'step 1 ran module 1');
  });
});

test('SGLang launch flags select a learned draft: --speculative-algorithm EAGLE3 and --speculative-draft-model-path', async () => {
  await withServer(['--speculative-algorithm', 'EAGLE3', '--speculative-num-steps', '2', '--speculative-eagle-topk', '1', '--speculative-num-draft-tokens', '3'], async (base) => {
    const info = await (await fetch(`${base}/server_info`)).json() as Record<string, any>;
    assert.equal(info.prism_draft, 'eagle3');
    assert.equal(info.speculative_num_steps, 2);
    const r = await generate(base, { text: 'The jury said', sampling_params: { max_new_tokens: 8, temperature: 1, sampling_seed: 3 } });
    assert.ok(r.meta_info.spec_verify_ct > 0);
  });
  await withServer(['--speculative-algorithm', 'EAGLE', '--speculative-draft-model-path', 'models/drafts/hass2'], async (base) => {
    const info = await (await fetch(`${base}/server_info`)).json() as Record<string, any>;
    assert.equal(info.prism_draft, 'hass2', 'EAGLE serves hass2 too: the draft\'s manifest names the method');
    assert.equal(info.prism_draft_layers_per_module, 2);
  });
});

test('tree drafting served: --topk/--steps/--drafted-tokens (and SGLang\'s flags) give a dynamic tree whose greedy output is vanilla\'s', async () => {
  const body = { text: 'Question: Why is the sky blue?\nAnswer:', sampling_params: { max_new_tokens: 32, temperature: 0, ignore_eos: true } };
  let vanilla: number[] = [];
  await withServer(['--draft', 'vanilla'], async (base) => { vanilla = (await generate(base, body)).output_ids; });
  for (const args of [['--draft', 'prism', '--topk', '4', '--steps', '4', '--drafted-tokens', '8'],
    ['--speculative-algorithm', 'LD', '--speculative-num-steps', '4', '--speculative-eagle-topk', '4', '--speculative-num-draft-tokens', '9']]) {
    await withServer(args, async (base) => {
      const info = await (await fetch(`${base}/server_info`)).json() as Record<string, any>;
      assert.equal(info.speculative_eagle_topk, 4);
      assert.equal(info.speculative_num_steps, 4);
      assert.equal(info.speculative_num_draft_tokens, 9, 'SGLang counts the root');
      const r = await generate(base, body);
      assert.deepEqual(r.output_ids, vanilla);
      assert.ok(r.meta_info.spec_num_proposed_drafts > 4 * r.meta_info.spec_verify_ct, 'more nodes per cycle than a 4-step chain drafts');
      assert.ok(r.meta_info.prism_draft_steps <= 4 * r.meta_info.spec_verify_ct, 'at most 4 draft steps per cycle');
      // every smaller shape replayed over each cycle's tree; the wide one is the run itself, exactly
      const sa = r.meta_info.prism_shape_acceptance;
      assert.deepEqual([sa.steps, sa.topK, sa.draftTokens, sa.cycles, sa.greedy], [4, 4, 8, r.meta_info.spec_verify_ct, true]);
      assert.equal(sa.grid.length, 16);
      const wide = sa.grid.find((g: any) => g.steps === 4 && g.topK === 4);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      assert.equal(sum(wide.acceptedAtRank), r.meta_info.spec_num_correct_drafts);
      assert.equal(sum(wide.censoredAtRank), 0);
      const chain1 = sa.grid.find((g: any) => g.steps === 1 && g.topK === 1);
      assert.ok(chain1.acceptedAtRank.length === 1 && chain1.acceptedAtRank[0] <= sa.cycles);
    });
  }
});
