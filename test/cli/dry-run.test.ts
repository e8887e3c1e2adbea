// `prism-bench run --dry-run`: every launch command, environment and request shape, nothing
// launched, nothing written. The commands are checked against each engine's documented flags, so
// a reader can trust what the dry run shows is what the engine accepts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTemp } from '../suite/helpers.ts';
import type { DryRun } from '../../src/runner/dry-run.ts';
import { SGLANG_ALGORITHMS, SGLANG_FLAGS, TRTLLM_DECODING_TYPES, TRTLLM_LLM_API_KEYS, TRTLLM_SERVE_FLAGS, TRTLLM_SPECULATIVE_KEYS, VLLM_METHODS, VLLM_SPECULATIVE_KEYS } from '../engines/documented-flags.ts';
import { parse } from 'yaml';
import { LLAMA3_CONFIG } from '../engines/fixtures/chat-templates.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');

/**
 * vLLM's: `vllm serve MODEL` (model positional), --host and --port (vllm/entrypoints/openai/cli_args.py),
 * --speculative-config (EngineArgs, vllm/engine/arg_utils.py), --per-request-spec-decode-metrics
 * (docs/features/speculative_decoding/acceptance_metrics.md), --dtype.
 */
const VLLM_FLAGS = ['--host', '--port', '--speculative-config', '--per-request-spec-decode-metrics', '--dtype'];

const SUITE = `
engines:
  - name: reference
  - name: sglang
    options: {model: meta-llama/Llama-3.1-8B-Instruct, prompt: raw, draftModel: yuhuili/EAGLE3-LLaMA3.1-Instruct-8B, extraArgs: [--dtype, bfloat16], env: {CUDA_VISIBLE_DEVICES: "0"}}
  - name: vllm
    options: {model: meta-llama/Llama-3.1-8B-Instruct, draftModel: yuhuili/EAGLE3-LLaMA3.1-Instruct-8B, perRequestMetrics: summary, extraArgs: [--dtype, bfloat16], env: {CUDA_VISIBLE_DEVICES: "0"}}
  - name: vllm
    label: vllm-raw
    options: {model: meta-llama/Llama-3.1-8B-Instruct, draftModel: yuhuili/EAGLE3-LLaMA3.1-Instruct-8B, prompt: raw}
drafts:
  - {name: vanilla, method: vanilla}
  - {name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3}
  - {name: eagle3, method: eagle3, steps: 3, topK: 1, verifiedTokens: 4}
datasets: [chat, code]
settings: {temperatures: [0, 1], maxNewTokens: 64, prompts: 2}
`;

/** Flags (words starting --) of a command, after the launcher. */
const flags = (cmd: string[]) => cmd.filter((w) => w.startsWith('--'));

function dryRun(suiteText: string, ...extra: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'prism-dry-run-')); // empty: whatever the run writes shows
  const file = writeTemp(suiteText);
  const r = spawnSync(process.execPath, [BIN, 'run', '--suite', file, '--dry-run', ...extra], { encoding: 'utf8', cwd });
  return { ...r, cwd, file };
}

describe('run --dry-run', () => {
  const r = dryRun(SUITE, '--json');
  const plan = JSON.parse(r.stdout) as DryRun;
  const group = (key: string) => plan.groups.find((g) => g.key === key)!;

  it('exits 0, launches nothing and writes nothing (no run directory)', () => {
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(r.cwd), []);
    assert.equal(plan.groups.length, 12);
    assert.ok(plan.groups.every((g) => g.cells.length === 4));
  });

  it('sglang commands use only SGLang\'s documented flags and algorithms', () => {
    for (const d of ['vanilla', 'ngram', 'eagle3']) {
      const cmd = group(`sglang/${d}`).launch.command;
      assert.deepEqual(cmd.slice(0, 3), ['python3', '-m', 'sglang.launch_server']);
      for (const f of flags(cmd)) assert.ok(SGLANG_FLAGS.includes(f), `${f} is a documented SGLang flag`);
      const algo = cmd[cmd.indexOf('--speculative-algorithm') + 1];
      if (d !== 'vanilla') assert.ok(SGLANG_ALGORITHMS.includes(algo as string), `${algo} is an SGLang algorithm`);
      assert.deepEqual(group(`sglang/${d}`).launch.env, { CUDA_VISIBLE_DEVICES: '0' });
    }
    assert.deepEqual(group('sglang/eagle3').launch.command.slice(-12), ['--speculative-algorithm', 'EAGLE3', '--speculative-draft-model-path', 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B',
      '--speculative-num-steps', '3', '--speculative-eagle-topk', '1', '--speculative-num-draft-tokens', '4', '--dtype', 'bfloat16']);
  });

  it('vllm commands are `vllm serve MODEL` with documented flags and a --speculative-config of SpeculativeConfig keys', () => {
    for (const d of ['vanilla', 'ngram', 'eagle3']) {
      const cmd = group(`vllm/${d}`).launch.command;
      assert.deepEqual(cmd.slice(0, 3), ['vllm', 'serve', 'meta-llama/Llama-3.1-8B-Instruct']);
      for (const f of flags(cmd)) assert.ok(VLLM_FLAGS.includes(f), `${f} is a documented vLLM flag`);
      assert.ok(!cmd.includes('--disable-log-stats'));
      if (d === 'vanilla') { assert.ok(!cmd.includes('--speculative-config')); continue; }
      const c = JSON.parse(cmd[cmd.indexOf('--speculative-config') + 1] as string) as Record<string, unknown>;
      for (const k of Object.keys(c)) assert.ok(VLLM_SPECULATIVE_KEYS.includes(k), `${k} is a SpeculativeConfig field`);
      assert.ok(VLLM_METHODS.includes(c.method as string));
    }
    const ng = group('vllm/ngram').launch.command;
    assert.deepEqual(JSON.parse(ng[ng.indexOf('--speculative-config') + 1] as string), { method: 'ngram', num_speculative_tokens: 4, prompt_lookup_max: 3, prompt_lookup_min: 1 });
  });

  it('reference commands use only flags `prism-bench serve` has', () => {
    const help = spawnSync(process.execPath, [BIN, 'serve', '--help'], { encoding: 'utf8' }).stdout;
    for (const d of ['vanilla', 'ngram', 'eagle3']) {
      const cmd = group(`reference/${d}`).launch.command;
      assert.equal(cmd[2], 'serve');
      for (const f of flags(cmd)) assert.ok(help.includes(`${f} `) || help.includes(`${f}\n`), `${f} is a serve flag`);
    }
  });

  it('every engine is sent the same prompt and sampling settings in a cell; vllm as chat (its default) or raw', () => {
    for (const d of ['vanilla', 'ngram', 'eagle3']) {
      for (let i = 0; i < 4; i++) {
        const sg = group(`sglang/${d}`).cells[i]!.firstRequest, vl = group(`vllm-raw/${d}`).cells[i]!.firstRequest, chat = group(`vllm/${d}`).cells[i]!.firstRequest;
        const sp = sg.body.sampling_params as Record<string, unknown>;
        assert.equal(sg.path, '/generate');
        assert.equal(vl.path, '/v1/completions');
        assert.equal(vl.body.prompt, sg.body.text);
        assert.equal(chat.path, '/v1/chat/completions');
        const messages = chat.body.messages as { role: string; content: string }[];
        assert.equal(messages.length, 1);
        assert.equal(messages[0]!.role, 'user');
        assert.equal(sg.body.text, `Question: ${messages[0]!.content.trim()}\nAnswer:`);
        for (const k of ['max_tokens', 'temperature', 'top_p', 'seed', 'stream_options']) assert.deepEqual(chat.body[k], vl.body[k], k);
        assert.equal(vl.body.max_tokens, sp.max_new_tokens);
        assert.equal(vl.body.temperature, sp.temperature);
        assert.equal(vl.body.top_p, sp.top_p);
        assert.deepEqual(vl.body.stream_options, { include_usage: true });
      }
    }
  });

  it('prints the commands as shell words a reader can paste', () => {
    const t = dryRun(SUITE);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /^launch: CUDA_VISIBLE_DEVICES=0 vllm serve meta-llama\/Llama-3.1-8B-Instruct --host 127.0.0.1 --port 8000 --speculative-config '\{"method":"eagle3","model":"yuhuili\/EAGLE3-LLaMA3.1-Instruct-8B","num_speculative_tokens":3\}' --per-request-spec-decode-metrics summary --dtype bfloat16$/m);
    assert.match(t.stdout, /^cell vllm\/ngram\/code\/T1: 2 prompt\(s\); first request: POST \/v1\/chat\/completions \{"model":"meta-llama\/Llama-3.1-8B-Instruct","messages":\[\{"role":"user","content":"/m);
    assert.match(t.stdout, /^cell vllm-raw\/ngram\/code\/T1: 2 prompt\(s\); first request: POST \/v1\/completions \{"model":"meta-llama\/Llama-3.1-8B-Instruct","prompt":"Question: /m);
    assert.match(t.stdout, /nothing was launched/);
  });

  it('bad input: one line naming file, field and fix, exit 2, nothing printed on stdout', () => {
    const b = dryRun('engines: [{name: vllm, options: {draftModel: d}}]\ndrafts: [{method: vanilla}]\n');
    assert.equal(b.status, 2);
    assert.equal(b.stdout, '');
    const lines = b.stderr.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /\.yaml: engines\[0\]\.options\.model: missing -- add model: the target model vLLM should serve/);
  });
});

describe('run --dry-run with trtllm', () => {
  const TRT = `
engines:
  - name: trtllm
    options: {model: meta-llama/Llama-3.1-8B-Instruct, draftModel: yuhuili/EAGLE3-LLaMA3.1-Instruct-8B, extraArgs: [--max_batch_size, "1"], env: {CUDA_VISIBLE_DEVICES: "0"}}
  - name: vllm
    options: {model: meta-llama/Llama-3.1-8B-Instruct, draftModel: yuhuili/EAGLE3-LLaMA3.1-Instruct-8B}
drafts:
  - {name: vanilla, method: vanilla}
  - {name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3}
  - {name: eagle3, method: eagle3, steps: 3, topK: 1, verifiedTokens: 4}
datasets: [chat]
settings: {temperatures: [0], maxNewTokens: 64, prompts: 2}
`;
  const r = dryRun(TRT, '--json');
  const plan = JSON.parse(r.stdout) as DryRun;
  const group = (key: string) => plan.groups.find((g) => g.key === key)!;

  it('trtllm commands are `trtllm-serve MODEL` with documented flags, naming a YAML of LLM API options shown in full', () => {
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(r.cwd), [], 'the YAML is shown, not written');
    for (const d of ['vanilla', 'ngram', 'eagle3']) {
      const l = group(`trtllm/${d}`).launch;
      assert.deepEqual(l.command.slice(0, 2), ['trtllm-serve', 'meta-llama/Llama-3.1-8B-Instruct']);
      for (const f of flags(l.command)) assert.ok(TRTLLM_SERVE_FLAGS.includes(f), `${f} is a trtllm-serve flag`);
      const file = l.command[l.command.indexOf('--extra_llm_api_options') + 1];
      assert.equal(l.files!.length, 1);
      assert.equal(l.files![0]!.path, file);
      const y = parse(l.files![0]!.text) as Record<string, unknown>;
      for (const k of Object.keys(y)) assert.ok(TRTLLM_LLM_API_KEYS.includes(k), k);
      assert.equal(y.enable_iter_perf_stats, true);
      const sc = y.speculative_config as Record<string, unknown> | undefined;
      if (d === 'vanilla') { assert.equal(sc, undefined); continue; }
      for (const k of Object.keys(sc!)) assert.ok(TRTLLM_SPECULATIVE_KEYS.includes(k), `${k} is a decoding config field`);
      assert.ok(TRTLLM_DECODING_TYPES.includes(sc!.decoding_type as string));
    }
    assert.deepEqual(parse(group('trtllm/eagle3').launch.files![0]!.text), { speculative_config: { decoding_type: 'Eagle3', max_draft_len: 3, speculative_model_dir: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B' }, enable_iter_perf_stats: true });
    assert.deepEqual(group('trtllm/eagle3').launch.env, { CUDA_VISIBLE_DEVICES: '0' });
  });

  it('trtllm and vllm are sent the same chat request, less vLLM\'s return_token_ids', () => {
    for (const d of ['vanilla', 'ngram', 'eagle3']) {
      const t = group(`trtllm/${d}`).cells[0]!.firstRequest, v = group(`vllm/${d}`).cells[0]!.firstRequest;
      assert.equal(t.path, '/v1/chat/completions');
      const { return_token_ids: _, ...rest } = v.body;
      assert.deepEqual(t.body, rest);
    }
  });

  it('the text form prints the command and the YAML under it', () => {
    const t = dryRun(TRT);
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /^launch: CUDA_VISIBLE_DEVICES=0 trtllm-serve meta-llama\/Llama-3.1-8B-Instruct --host 127.0.0.1 --port 8000 --backend pytorch --extra_llm_api_options logs\/trtllm_ngram-r1.llm-api-options.yaml --max_batch_size 1$/m);
    assert.match(t.stdout, /^file logs\/trtllm_ngram-r1.llm-api-options.yaml \(written before launch\):\n  \| speculative_config:\n  \|   decoding_type: NGram\n  \|   max_draft_len: 4\n  \|   max_matching_ngram_size: 3\n  \| enable_iter_perf_stats: true$/m);
  });
});

describe('run --dry-run: the draft methods of issue 27 on the GPU engines', () => {
  // mtp, standalone, dflash and ngram on all three; suffix and pard where the engine has them
  const ALL = `
engines:
  - name: sglang
    options: {model: deepseek-ai/DeepSeek-V3, prompt: raw, draftModel: some/eagle-head}
  - name: vllm
    options: {model: deepseek-ai/DeepSeek-V3, draftModel: some/eagle-head}
  - name: trtllm
    options: {model: deepseek-ai/DeepSeek-V3, draftModel: some/eagle-head}
drafts:
  - {name: mtp, method: mtp, steps: 3, topK: 1, verifiedTokens: 4}
  - {name: standalone, method: standalone, model: meta-llama/Llama-3.2-1B-Instruct, steps: 4, topK: 1, verifiedTokens: 5}
  - {name: dflash, method: dflash, model: z-lab/Qwen3-8B-DFlash-b16, verifiedTokens: 16}
  - {name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3}
datasets: [chat]
settings: {temperatures: [0], maxNewTokens: 16, prompts: 1}
`;
  const NO_SGLANG = `
engines:
  - name: vllm
    options: {model: meta-llama/Llama-3.1-8B-Instruct}
  - name: trtllm
    options: {model: meta-llama/Llama-3.1-8B-Instruct}
drafts:
  - {name: suffix, method: suffix, draftedTokens: 8}
  - {name: pard, method: pard, model: amd/PARD-Llama-3.2-1B, steps: 6}
datasets: [chat]
settings: {temperatures: [0], maxNewTokens: 16, prompts: 1}
`;
  const all = dryRun(ALL, '--json');
  const rest = dryRun(NO_SGLANG, '--json');
  const launch = (r: typeof all, key: string) => (JSON.parse(r.stdout) as DryRun).groups.find((g) => g.key === key)!.launch;
  const arg = (cmd: string[], flag: string) => cmd[cmd.indexOf(flag) + 1];
  const vllmConfig = (r: typeof all, key: string) => JSON.parse(arg(launch(r, key).command, '--speculative-config')!) as Record<string, unknown>;
  const trtConfig = (r: typeof all, key: string) => (parse(launch(r, key).files![0]!.text) as { speculative_config: Record<string, unknown> }).speculative_config;

  it('every launch line uses only the engines\' documented flags, algorithms, methods and keys', () => {
    assert.equal(all.status, 0, all.stderr);
    assert.equal(rest.status, 0, rest.stderr);
    for (const d of ['mtp', 'standalone', 'dflash', 'ngram']) {
      const cmd = launch(all, `sglang/${d}`).command;
      for (const f of flags(cmd)) assert.ok(SGLANG_FLAGS.includes(f), `${f} is a documented SGLang flag`);
      assert.ok(SGLANG_ALGORITHMS.includes(arg(cmd, '--speculative-algorithm')!), d);
    }
    for (const [r, ds] of [[all, ['mtp', 'standalone', 'dflash', 'ngram']], [rest, ['suffix', 'pard']]] as const) {
      for (const d of ds) {
        for (const f of flags(launch(r, `vllm/${d}`).command)) assert.ok(VLLM_FLAGS.includes(f), `${f} is a documented vLLM flag`);
        const c = vllmConfig(r, `vllm/${d}`);
        for (const k of Object.keys(c)) assert.ok(VLLM_SPECULATIVE_KEYS.includes(k), `${k} is a SpeculativeConfig field`);
        assert.ok(VLLM_METHODS.includes(c.method as string), `${String(c.method)} is a vLLM method`);
        for (const f of flags(launch(r, `trtllm/${d}`).command)) assert.ok(TRTLLM_SERVE_FLAGS.includes(f), `${f} is a trtllm-serve flag`);
        const t = trtConfig(r, `trtllm/${d}`);
        for (const k of Object.keys(t)) assert.ok(TRTLLM_SPECULATIVE_KEYS.includes(k), `${k} is a decoding config field`);
        assert.ok(TRTLLM_DECODING_TYPES.includes(t.decoding_type as string), `${String(t.decoding_type)} is a decoding_type`);
      }
    }
  });

  it('mtp: SGLang NEXTN with no draft model (not the engine\'s draftModel), vLLM mtp, TensorRT-LLM MTP', () => {
    assert.deepEqual(launch(all, 'sglang/mtp').command.slice(-8), ['--speculative-algorithm', 'NEXTN', '--speculative-num-steps', '3', '--speculative-eagle-topk', '1', '--speculative-num-draft-tokens', '4']);
    assert.deepEqual(vllmConfig(all, 'vllm/mtp'), { method: 'mtp', num_speculative_tokens: 3 });
    assert.deepEqual(trtConfig(all, 'trtllm/mtp'), { decoding_type: 'MTP', num_nextn_predict_layers: 3 });
  });

  it('dflash: SGLang DFLASH with its block size, vLLM dflash, TensorRT-LLM DFlash (block less the root drafted)', () => {
    assert.deepEqual(launch(all, 'sglang/dflash').command.slice(-6), ['--speculative-algorithm', 'DFLASH', '--speculative-draft-model-path', 'z-lab/Qwen3-8B-DFlash-b16', '--speculative-dflash-block-size', '16']);
    assert.deepEqual(vllmConfig(all, 'vllm/dflash'), { method: 'dflash', model: 'z-lab/Qwen3-8B-DFlash-b16', num_speculative_tokens: 15 });
    assert.deepEqual(trtConfig(all, 'trtllm/dflash'), { decoding_type: 'DFlash', max_draft_len: 15, speculative_model_dir: 'z-lab/Qwen3-8B-DFlash-b16' });
  });

  it('standalone, suffix and pard: draft_model / STANDALONE / DraftTarget, suffix / SA, draft_model + parallel_drafting / PARD', () => {
    assert.equal(arg(launch(all, 'sglang/standalone').command, '--speculative-algorithm'), 'STANDALONE');
    assert.deepEqual(vllmConfig(all, 'vllm/standalone'), { method: 'draft_model', model: 'meta-llama/Llama-3.2-1B-Instruct', num_speculative_tokens: 4 });
    assert.equal(trtConfig(all, 'trtllm/standalone').decoding_type, 'DraftTarget');
    assert.deepEqual(vllmConfig(rest, 'vllm/suffix'), { method: 'suffix', num_speculative_tokens: 8 });
    assert.deepEqual(trtConfig(rest, 'trtllm/suffix'), { decoding_type: 'SA', max_draft_len: 8 });
    assert.deepEqual(vllmConfig(rest, 'vllm/pard'), { method: 'draft_model', model: 'amd/PARD-Llama-3.2-1B', num_speculative_tokens: 6, parallel_drafting: true });
    assert.deepEqual(trtConfig(rest, 'trtllm/pard'), { decoding_type: 'PARD', max_draft_len: 6, speculative_model_dir: 'amd/PARD-Llama-3.2-1B' });
  });

  it('a method the engine lacks is refused before launch: one line naming the draft, the reason and the fix, exit 2', () => {
    for (const [method, why] of [['suffix', /SGLang has no suffix-decoding algorithm/], ['pard', /SGLang has no parallel-draft \(PARD\) algorithm/]] as const) {
      const b = dryRun(`engines: [{name: sglang, options: {model: m, prompt: raw, draftModel: d}}]\ndrafts: [{name: x, method: ${method}}]\n`);
      assert.equal(b.status, 2, b.stderr);
      assert.equal(b.stdout, '');
      const lines = b.stderr.trim().split('\n');
      assert.equal(lines.length, 1);
      assert.match(lines[0]!, new RegExp(`\\.yaml: drafts\\[0\\]\\.method: method ${method} is not offered by the sglang engine`));
      assert.match(lines[0]!, why);
      assert.match(lines[0]!, /-- use one of vanilla, ngram, standalone, eagle, eagle3, hass, hass2, prism, mtp, dflash, or run this draft on another engine \(engine sglang\)$/);
    }
  });
});

describe('run --dry-run: sglang chat prompts (the default) rendered by the harness', () => {
  // a model folder as Hugging Face publishes one: a tokenizer config with a Llama-3-style chat template
  const model = mkdtempSync(join(tmpdir(), 'prism-chat-model-'));
  writeFileSync(join(model, 'tokenizer_config.json'), JSON.stringify(LLAMA3_CONFIG));
  const suite = `
engines:
  - name: sglang
    options: {model: ${model}}
  - name: sglang
    label: sglang-raw
    options: {model: ${model}, prompt: raw}
drafts: [{name: vanilla, method: vanilla}]
datasets: [chat]
settings: {maxNewTokens: 16, prompts: 1}
`;

  it('the first request carries the rendered template; raw carries the transcript', () => {
    const r = dryRun(suite, '--json');
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as DryRun;
    const first = (key: string) => plan.groups.find((g) => g.key === key)!.cells[0]!.firstRequest.body.text as string;
    const question = 'Write a short letter to a neighbor thanking him for helping you repair the fence after the storm last week.';
    assert.equal(first('sglang/vanilla'), `<|start_header_id|>user<|end_header_id|>\n\n${question}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n`);
    assert.equal(first('sglang-raw/vanilla'), `Question: ${question}\nAnswer:`);
    const text = dryRun(suite);
    assert.match(text.stdout, /^cell sglang\/vanilla\/chat\/T0: 1 prompt\(s\); first request: POST \/generate \{"text":"<\|start_header_id\|>user<\|end_header_id\|>\\n\\nWrite a short letter/m);
  });

  it('a hub id with no local files: the launch line, and the first request raw with a note saying why; nothing written', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'prism-dry-run-'));
    const file = writeTemp('engines: [{name: sglang, options: {model: meta-llama/Meta-Llama-3-8B-Instruct}}]\ndrafts: [{method: vanilla}]\ndatasets: [chat]\nsettings: {prompts: 1}\n');
    const env = { ...process.env, HF_HUB_CACHE: cwd };
    const b = spawnSync(process.execPath, [BIN, 'run', '--suite', file, '--dry-run'], { encoding: 'utf8', cwd, env });
    assert.equal(b.status, 0, b.stderr);
    assert.match(b.stdout, /^launch: python3 -m sglang\.launch_server --model-path meta-llama\/Meta-Llama-3-8B-Instruct --host 127\.0\.0\.1 --port 8000$/m);
    assert.match(b.stdout, /^note: meta-llama\/Meta-Llama-3-8B-Instruct has no local files, so its chat template is not available here: the first request is shown raw/m);
    assert.match(b.stdout, /^cell sglang\/vanilla\/chat\/T0: 1 prompt\(s\); first request: POST \/generate \{"text":"Question: Write a short letter/m);
    const j = spawnSync(process.execPath, [BIN, 'run', '--suite', file, '--dry-run', '--json'], { encoding: 'utf8', cwd, env });
    const plan = JSON.parse(j.stdout) as DryRun;
    assert.match(plan.groups[0]!.note ?? '', /chat template is not available here/);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('a chatTemplate file that is not there is still refused: one line naming the option, exit 2', () => {
    const b = dryRun('engines: [{name: sglang, options: {model: meta-llama/Meta-Llama-3-8B-Instruct, chatTemplate: no-such.jinja}}]\ndrafts: [{method: vanilla}]\n');
    assert.equal(b.status, 2);
    assert.equal(b.stdout, '');
    assert.match(b.stderr.trim(), /^prism-bench: .*\.yaml: engines\[0\]\.options\.chatTemplate: no such file .*no-such\.jinja -- /);
  });
});

describe('run --dry-run with command-line overrides', () => {
  it('the plan is the overridden suite (after --quick), and records the overrides', () => {
    const r = dryRun(SUITE, '--quick', '--json', '--trials', '5', '--temperatures', '1', '--max-new-tokens', '8', '--drafts', 'ngram', '--datasets', 'code', '--engines', 'reference,vllm-raw');
    assert.equal(r.status, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as DryRun;
    assert.deepEqual(plan.overrides, { trials: 5, maxNewTokens: 8, temperatures: [1], drafts: ['ngram'], datasets: ['code'], engines: ['reference', 'vllm-raw'] });
    assert.deepEqual(plan.groups.map((g) => g.key), ['reference/ngram', 'vllm-raw/ngram']);
    assert.deepEqual(plan.groups.flatMap((g) => g.cells.map((c) => c.id)), ['reference/ngram/code/T1', 'vllm-raw/ngram/code/T1']);
    assert.equal(plan.groups[1]!.cells[0]!.firstRequest.body.max_tokens, 8);
    assert.deepEqual(readdirSync(r.cwd), []);
  });

  it('a bad flag: one line naming it, exit 2, nothing printed on stdout', () => {
    const r = dryRun(SUITE, '--trials', '0');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'prism-bench: --trials: expected an integer >= 1, got 0 -- set --trials to a whole number such as 3\n');
    const d = dryRun(SUITE, '--drafts', 'eagle');
    assert.equal(d.status, 2);
    assert.match(d.stderr, /^prism-bench: --drafts: the suite has no draft "eagle" -- did you mean eagle3\? the suite's drafts are: vanilla, ngram, eagle3\n$/);
  });

  it('--resume with an override is refused: the run keeps the overrides it started with', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--resume', 'no-such-run', '--trials', '2', '--seed', '3'], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'prism-dry-run-')) });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^prism-bench: --trials, --seed: a resumed run keeps the suite and overrides it started with \(in its result\.json\) -- remove them\n$/);
  });
});
