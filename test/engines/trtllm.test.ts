// The trtllm adapter's launch line: `trtllm-serve MODEL --backend --extra_llm_api_options FILE`
// whose YAML holds a speculative_config of TensorRT-LLM's keys for every method it offers, and
// enable_iter_perf_stats; bad input is one line naming the file, the field and the fix.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadSuite } from '../../src/suite/index.ts';
import { checkSuiteEngines } from '../../src/engines/check.ts';
import { TRTLLM_DECODING_TYPE, trtllmArgs, trtllmConfigYaml, trtllmEngine, trtllmPlan, type TrtllmOptions } from '../../src/engines/trtllm.ts';
import type { Draft } from '../../src/suite/types.ts';
import { assertSuiteError, tempDir, writeTemp } from '../suite/helpers.ts';
import { TRTLLM_DECODING_TYPES, TRTLLM_LLM_API_KEYS, TRTLLM_SERVE_FLAGS, TRTLLM_SPECULATIVE_KEYS } from './documented-flags.ts';

const settings = loadSuite(writeTemp('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: vanilla}]\n')).settings;
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const spec = (draft: Draft, options: Record<string, unknown> = { model: MODEL }) =>
  ({ draft, settings, host: '127.0.0.1', port: 8000, logFile: join(tempDir(), 'x.log'), options });
const yamlOf = (draft: Draft, options: TrtllmOptions = { model: MODEL }) => parse(trtllmConfigYaml(draft, options)) as Record<string, unknown>;

describe('trtllm launch arguments', () => {
  it('vanilla: trtllm-serve MODEL --host --port --backend pytorch --extra_llm_api_options FILE, FILE turning on iteration statistics only', () => {
    const s = spec({ name: 'v', method: 'vanilla' });
    const p = trtllmPlan(s);
    const file = s.logFile.replace(/\.log$/, '.llm-api-options.yaml');
    assert.deepEqual(p.command, ['trtllm-serve', MODEL, '--host', '127.0.0.1', '--port', '8000', '--backend', 'pytorch', '--extra_llm_api_options', file]);
    assert.deepEqual(p.files, [{ path: file, text: 'enable_iter_perf_stats: true\n' }]);
    for (const f of p.command.filter((w) => w.startsWith('--'))) assert.ok(TRTLLM_SERVE_FLAGS.includes(f), `${f} is a trtllm-serve flag`);
  });
  it('ngram: NGram with max_draft_len and max_matching_ngram_size', () => {
    assert.deepEqual(yamlOf({ name: 'n', method: 'ngram', draftedTokens: 4, ngramMin: 1, ngramMax: 3 }), {
      speculative_config: { decoding_type: 'NGram', max_draft_len: 4, max_matching_ngram_size: 3 }, enable_iter_perf_stats: true,
    });
  });
  it('every learned method maps to a decoding_type with max_draft_len and speculative_model_dir; MTP with num_nextn_predict_layers', () => {
    const cases: [Draft, Record<string, unknown>, TrtllmOptions?][] = [
      [{ name: 'e', method: 'eagle', model: 'yuhuili/EAGLE-LLaMA3-Instruct-8B', steps: 5 }, { decoding_type: 'Eagle', max_draft_len: 5, speculative_model_dir: 'yuhuili/EAGLE-LLaMA3-Instruct-8B' }],
      [{ name: 'e3', method: 'eagle3', model: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', verifiedTokens: 4 }, { decoding_type: 'Eagle3', max_draft_len: 3, speculative_model_dir: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B' }],
      [{ name: 'h', method: 'hass', model: 'HArmonizedSS/HASS-LLaMA3-Instruct-8B', steps: 6 }, { decoding_type: 'Eagle', max_draft_len: 6, speculative_model_dir: 'HArmonizedSS/HASS-LLaMA3-Instruct-8B' }],
      [{ name: 'dt', method: 'standalone', model: 'meta-llama/Llama-3.2-1B-Instruct', steps: 4 }, { decoding_type: 'DraftTarget', max_draft_len: 4, speculative_model_dir: 'meta-llama/Llama-3.2-1B-Instruct' }],
      [{ name: 'mtp', method: 'mtp', steps: 1 }, { decoding_type: 'MTP', num_nextn_predict_layers: 1 }],
      [{ name: 'md', method: 'medusa', model: 'FasterDecoding/medusa-vicuna-7b-v1.3', steps: 3 }, { decoding_type: 'Medusa', max_draft_len: 3, speculative_model_dir: 'FasterDecoding/medusa-vicuna-7b-v1.3' }, { model: MODEL, backend: 'tensorrt' }],
    ];
    for (const [draft, want, options] of cases) {
      const y = yamlOf(draft, options);
      assert.deepEqual(y.speculative_config, want, draft.method);
      for (const k of Object.keys(y)) assert.ok(TRTLLM_LLM_API_KEYS.includes(k), `${k} is an LLM API option`);
      for (const k of Object.keys(want)) assert.ok(TRTLLM_SPECULATIVE_KEYS.includes(k), `${k} is a decoding config field`);
      assert.ok(TRTLLM_DECODING_TYPES.includes(want.decoding_type as string));
    }
    assert.deepEqual(Object.keys(TRTLLM_DECODING_TYPE).sort(), ['dflash', 'eagle', 'eagle3', 'hass', 'medusa', 'mtp', 'ngram', 'pard', 'standalone', 'suffix']);
  });
  it("uses the engine's draftModel when the draft names none; llmApiOptions merge into the YAML; extraArgs append verbatim", () => {
    const o = { model: MODEL, draftModel: 'd', llmApiOptions: { kv_cache_config: { free_gpu_memory_fraction: 0.8 } }, extraArgs: ['--max_batch_size', '1'] };
    const y = yamlOf({ name: 'e3', method: 'eagle3', steps: 3 }, o);
    assert.deepEqual(y, { kv_cache_config: { free_gpu_memory_fraction: 0.8 }, speculative_config: { decoding_type: 'Eagle3', max_draft_len: 3, speculative_model_dir: 'd' }, enable_iter_perf_stats: true });
    assert.deepEqual(trtllmArgs(spec({ name: 'v', method: 'vanilla' }, o)).slice(-2), ['--max_batch_size', '1']);
  });
  it('requests carry no return_token_ids (trtllm-serve forbids fields it does not declare)', () => {
    const r = trtllmEngine.requestShape({ text: 'Q', maxNewTokens: 8, temperature: 0, topP: 1, topK: -1, ignoreEos: true, seed: 1 }, { model: MODEL, prompt: 'raw' });
    assert.equal(r.path, '/v1/completions');
    assert.ok(!('return_token_ids' in r.body));
    assert.deepEqual(r.body.stream_options, { include_usage: true });
  });
  it('offers vanilla and the decoding types TensorRT-LLM has, not prism or hass2', () => {
    assert.deepEqual([...trtllmEngine.accepts.methods].sort(), ['dflash', 'eagle', 'eagle3', 'hass', 'medusa', 'mtp', 'ngram', 'pard', 'standalone', 'suffix', 'vanilla']);
  });
});

function expectError(text: string, path: string, fix: RegExp, problem?: RegExp) {
  const file = writeTemp(text);
  return assertSuiteError(() => checkSuiteEngines(loadSuite(file)), file, path, fix, problem);
}

describe('trtllm input checks: one line naming file, field and fix', () => {
  it('a missing or misspelt model, an unknown backend', () => {
    expectError('engines: [{name: trtllm}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.model', /add model: the target model TensorRT-LLM should serve/);
    expectError('engines: [{name: trtllm, options: {mdel: m}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.mdel', /did you mean model\?/);
    expectError('engines: [{name: trtllm, options: {model: m, backend: trt}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.backend', /pytorch, tensorrt/);
  });
  it('llmApiOptions may not set what the harness writes', () => {
    expectError('engines: [{name: trtllm, options: {model: m, llmApiOptions: {enable_iter_perf_stats: false}}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.llmApiOptions', /remove it: the draft sets speculative_config/);
  });
  it('methods on the wrong backend, a shortest n-gram TensorRT-LLM cannot set, a learned draft without weights or length, a tree', () => {
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: medusa, model: d, steps: 3}]\n', 'drafts[0].method', /set the engine's options.backend: tensorrt/, /Medusa runs on the tensorrt backend only/);
    expectError('engines: [{name: trtllm, options: {model: m, backend: tensorrt}}]\ndrafts: [{method: ngram, draftedTokens: 4}]\n', 'drafts[0].method', /remove options.backend/, /NGram runs on the pytorch backend only/);
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: ngram, draftedTokens: 4, ngramMin: 2, ngramMax: 3}]\n', 'drafts[0].ngramMin', /set ngramMin: 1 or leave it out/);
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: eagle3, steps: 3}]\n', 'drafts[0]', /set model: on the draft, or the engine's options.draftModel \(engine trtllm\)/);
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: eagle3, model: d}]\n', 'drafts[0]', /set steps: on the draft/);
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: eagle3, model: d, topK: 4, steps: 3, verifiedTokens: 8}]\n', 'drafts[0].topK', /set topK: 1 or leave it out/);
  });
  it('a method TensorRT-LLM does not offer', () => {
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: prism}]\n', 'drafts[0].method', /use one of vanilla, ngram, suffix, eagle, hass, eagle3, mtp, medusa, standalone, pard, dflash/, /\(TensorRT-LLM has no PRISM decoding config\)/);
  });
  it('mtp needs no draft model (the target carries its MTP layers)', () => {
    checkSuiteEngines(loadSuite(writeTemp('engines: [{name: trtllm, options: {model: deepseek-ai/DeepSeek-V3}}]\ndrafts: [{method: mtp, steps: 1}]\n')));
  });
  it('suffix (SA) needs max_draft_len; SA, PARD and DFlash run on the pytorch backend only', () => {
    expectError('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: suffix}]\n', 'drafts[0]', /set draftedTokens: on the draft/, /suffix decoding \(SA\) needs max_draft_len/);
    for (const d of ['{method: suffix, draftedTokens: 4}', '{method: pard, model: p, steps: 3}', '{method: dflash, model: p, steps: 15}']) {
      expectError(`engines: [{name: trtllm, options: {model: m, backend: tensorrt}}]\ndrafts: [${d}]\n`, 'drafts[0].method', /remove options.backend/, /runs on the pytorch backend/);
    }
  });
});
