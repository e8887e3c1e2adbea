// The vllm adapter's launch line: `vllm serve MODEL` with --speculative-config JSON whose keys are
// vLLM's SpeculativeConfig fields, for every method it offers; bad input is one line naming the
// file, the field and the fix, before anything launches.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSuite } from '../../src/suite/index.ts';
import { checkSuiteEngines } from '../../src/engines/check.ts';
import { VLLM_METHOD, speculativeConfig, vllmArgs, vllmEngine } from '../../src/engines/vllm.ts';
import type { Draft } from '../../src/suite/types.ts';
import { assertSuiteError, tempDir, writeTemp } from '../suite/helpers.ts';
import { VLLM_METHODS, VLLM_SPECULATIVE_KEYS } from './documented-flags.ts';


const settings = loadSuite(writeTemp('engines: [{name: vllm, options: {model: m}}]\ndrafts: [{method: vanilla}]\n')).settings;
const spec = (draft: Draft, options: Record<string, unknown> = { model: 'meta-llama/Llama-3.1-8B-Instruct' }) =>
  ({ draft, settings, host: '127.0.0.1', port: 8000, logFile: join(tempDir(), 'x.log'), options });
const configOf = (args: string[]) => JSON.parse(args[args.indexOf('--speculative-config') + 1] as string) as Record<string, unknown>;

describe('vllm launch arguments', () => {
  it('vanilla: vllm serve MODEL --host --port and no speculative flag', () => {
    assert.deepEqual(vllmArgs(spec({ name: 'v', method: 'vanilla' })), ['meta-llama/Llama-3.1-8B-Instruct', '--host', '127.0.0.1', '--port', '8000']);
  });
  it('ngram: num_speculative_tokens and both prompt-lookup windows', () => {
    const c = configOf(vllmArgs(spec({ name: 'n', method: 'ngram', draftedTokens: 4, ngramMin: 2, ngramMax: 5 })));
    assert.deepEqual(c, { method: 'ngram', num_speculative_tokens: 4, prompt_lookup_max: 5, prompt_lookup_min: 2 });
  });
  it('every learned method maps to a vLLM method with a draft model and k draft tokens (steps, or verifiedTokens less the root)', () => {
    const cases: [Draft, Record<string, unknown>][] = [
      [{ name: 'e', method: 'eagle', model: 'yuhuili/EAGLE-LLaMA3-Instruct-8B', steps: 5 }, { method: 'eagle', model: 'yuhuili/EAGLE-LLaMA3-Instruct-8B', num_speculative_tokens: 5 }],
      [{ name: 'e3', method: 'eagle3', model: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', verifiedTokens: 4 }, { method: 'eagle3', model: 'yuhuili/EAGLE3-LLaMA3.1-Instruct-8B', num_speculative_tokens: 3 }],
      [{ name: 'md', method: 'medusa', model: 'FasterDecoding/medusa-vicuna-7b-v1.3', steps: 3, topK: 1, verifiedTokens: 4 }, { method: 'medusa', model: 'FasterDecoding/medusa-vicuna-7b-v1.3', num_speculative_tokens: 3 }],
      [{ name: 'dm', method: 'standalone', model: 'meta-llama/Llama-3.2-1B-Instruct', steps: 4 }, { method: 'draft_model', model: 'meta-llama/Llama-3.2-1B-Instruct', num_speculative_tokens: 4 }],
      [{ name: 'mtp', method: 'mtp', steps: 1 }, { method: 'mtp', num_speculative_tokens: 1 }],
      [{ name: 'h', method: 'hass', model: 'HArmonizedSS/HASS-LLaMA3-Instruct-8B', steps: 6 }, { method: 'eagle', model: 'HArmonizedSS/HASS-LLaMA3-Instruct-8B', num_speculative_tokens: 6 }],
    ];
    for (const [draft, want] of cases) {
      const c = configOf(vllmArgs(spec(draft)));
      assert.deepEqual(c, want, draft.method);
      for (const k of Object.keys(c)) assert.ok(VLLM_SPECULATIVE_KEYS.includes(k), `${k} is a SpeculativeConfig field`);
      assert.ok(VLLM_METHODS.includes(c.method as string), `${String(c.method)} is a vLLM method`);
    }
    assert.deepEqual(Object.keys(VLLM_METHOD).sort(), ['dflash', 'eagle', 'eagle3', 'hass', 'medusa', 'mtp', 'ngram', 'pard', 'standalone', 'suffix']);
  });
  it("uses the engine's draftModel when the draft names none, and --per-request-spec-decode-metrics only when speculating", () => {
    const o = { model: 'm', draftModel: 'd', perRequestMetrics: 'summary' as const };
    const args = vllmArgs(spec({ name: 'e3', method: 'eagle3' }, o));
    assert.deepEqual(configOf(args), { method: 'eagle3', model: 'd' });
    assert.deepEqual(args.slice(-2), ['--per-request-spec-decode-metrics', 'summary']);
    assert.ok(!vllmArgs(spec({ name: 'v', method: 'vanilla' }, o)).includes('--per-request-spec-decode-metrics'));
    assert.deepEqual(speculativeConfig({ name: 'v', method: 'vanilla' }, o), null);
  });
  it('never passes --disable-log-stats (the counters need it off), and appends extraArgs verbatim', () => {
    const args = vllmArgs(spec({ name: 'v', method: 'vanilla' }, { model: 'm', extraArgs: ['--dtype', 'bfloat16'] }));
    assert.ok(!args.includes('--disable-log-stats'));
    assert.deepEqual(args.slice(-2), ['--dtype', 'bfloat16']);
  });
  it('with per-request metrics, acceptance is recorded as computed from the requests (preferred over the counters), without as the counters\'', () => {
    const on = vllmEngine.declared!({ model: 'm', perRequestMetrics: 'summary' });
    assert.equal(on.sources.draft_accept_rate, 'derived');
    assert.equal(on.sources.accept_length_engine, 'engine-counters');
    assert.equal(on.measures.verifyCycles, true);
    assert.equal(on.measures.acceptedHistogram, true);
    const off = vllmEngine.declared!({ model: 'm' });
    assert.equal(off.sources.draft_accept_rate, 'engine-counters');
    assert.equal(off.measures.verifyCycles, false);
  });
  it('offers vanilla and the methods vLLM has, not prism or hass2', () => {
    assert.deepEqual([...vllmEngine.accepts.methods].sort(), ['dflash', 'eagle', 'eagle3', 'hass', 'medusa', 'mtp', 'ngram', 'pard', 'standalone', 'suffix', 'vanilla']);
  });
});

function expectError(text: string, path: string, fix: RegExp, problem?: RegExp) {
  const file = writeTemp(text);
  return assertSuiteError(() => checkSuiteEngines(loadSuite(file)), file, path, fix, problem);
}

describe('vllm input checks: one line naming file, field and fix', () => {
  it('a missing or misspelt model', () => {
    expectError('engines: [{name: vllm}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.model', /add model: the target model vLLM should serve/);
    expectError('engines: [{name: vllm, options: {mdel: m}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.mdel', /did you mean model\?/);
  });
  it('an unknown prompt format or per-request level', () => {
    expectError('engines: [{name: vllm, options: {model: m, prompt: chats}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.prompt', /did you mean chat\? set prompt to one of: chat, raw/);
    expectError('engines: [{name: vllm, options: {model: m, perRequestMetrics: full}}]\ndrafts: [{method: vanilla}]\n', 'engines[0].options.perRequestMetrics', /summary, detailed/);
  });
  it('a learned draft without weights, a tree, and verifiedTokens that disagree with steps', () => {
    expectError('engines: [{name: vllm, options: {model: m}}]\ndrafts: [{method: eagle3}]\n', 'drafts[0]', /set model: on the draft, or the engine's options.draftModel \(engine vllm\)/);
    expectError('engines: [{name: vllm, options: {model: m}}]\ndrafts: [{method: eagle3, model: d, topK: 4, steps: 3, verifiedTokens: 8}]\n', 'drafts[0].topK', /set topK: 1 or leave it out/);
    expectError('engines: [{name: vllm, options: {model: m}}]\ndrafts: [{method: eagle, model: d, steps: 3, verifiedTokens: 3}]\n', 'drafts[0].verifiedTokens', /set verifiedTokens: 4, or leave it out/);
  });
  it('a method vLLM does not offer', () => {
    expectError('engines: [{name: vllm, options: {model: m}}]\ndrafts: [{method: prism}]\n', 'drafts[0].method', /use one of vanilla, ngram, suffix, standalone, pard, medusa, eagle, hass, eagle3, mtp, dflash/, /\(vLLM has no PRISM method\)/);
  });
  it('mtp needs no draft model (the target carries its MTP layers)', () => {
    checkSuiteEngines(loadSuite(writeTemp('engines: [{name: vllm, options: {model: deepseek-ai/DeepSeek-V3}}]\ndrafts: [{method: mtp, steps: 1}]\n')));
  });
});
