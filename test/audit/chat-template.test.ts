// Issue 27, item 4: the audit says when a chat model got raw prompts, or when one dataset's
// acceptance falls far below the same draft's on the others, and names the likely cause.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { auditResult, checkChatTemplate } from '../../src/audit/index.ts';
import { FAR_BELOW, looksLikeChatModel } from '../../src/audit/chat-template.ts';
import { makeCell, makeResult, metric } from './helpers.ts';

const accept = (v: number) => ({ throughput: metric('throughput', [100, 100]), accept_length_mean: metric('accept_length_mean', [v, v]) });
const cell = (dataset: string, length: number, over: Parameters<typeof makeCell>[0] = {}) =>
  makeCell({ engine: 'sglang', draft: 'eagle3', dataset, metrics: accept(length), ...over });

describe('chat-template: raw prompts to a chat model', () => {
  const withEngine = (options: Record<string, unknown>, engines: Record<string, unknown> = {}) => {
    const r = makeResult([makeCell({ engine: 'sglang' })]);
    r.suite.engines = [{ name: 'sglang', options }];
    r.engines = engines as typeof r.engines;
    return checkChatTemplate(r);
  };

  it('warns, naming the engine, the model and the likely cause', () => {
    const f = withEngine({ model: 'meta-llama/Llama-3.3-70B-Instruct', prompt: 'raw' });
    assert.equal(f.length, 1);
    assert.equal(f[0]!.check, 'chat-template');
    assert.equal(f[0]!.severity, 'warning');
    assert.match(f[0]!.message, /^engine sglang sent raw prompts \(prompt: raw\) to meta-llama\/Llama-3\.3-70B-Instruct, which by its name is a chat model/);
    assert.match(f[0]!.message, /likely a missing chat template.*5\.88 -> 2\.42.*-- remove prompt: raw/);
  });

  it('says nothing for chat prompts (the default) or a base model sent raw text', () => {
    assert.deepEqual(withEngine({ model: 'meta-llama/Llama-3.3-70B-Instruct' }), []);
    assert.deepEqual(withEngine({ model: 'meta-llama/Llama-3.1-8B', prompt: 'raw' }), []);
  });

  it('what the engine recorded (an attached server) wins over the suite\'s options', () => {
    const f = withEngine({ model: 'Qwen/Qwen2.5-7B-Instruct' }, { 'sglang/eagle3': { version: '1', info: { prompt: 'raw' } } });
    assert.equal(f.length, 1);
  });

  it('chat-model names: instruct, chat, -it, but not base models or words that merely contain "it"', () => {
    for (const m of ['meta-llama/Llama-3.1-8B-Instruct', 'Qwen/Qwen1.5-7B-Chat', 'google/gemma-2-9b-it', 'allenai/OLMo-2-7B-SFT']) assert.ok(looksLikeChatModel(m), m);
    for (const m of ['meta-llama/Llama-3.1-8B', 'deepseek-ai/DeepSeek-V3-Base', 'tiiuae/falcon-7b', 'bigcode/starcoder2-15b-italic']) assert.ok(!looksLikeChatModel(m), m);
  });
});

describe('chat-template: one dataset far below the same draft elsewhere', () => {
  it('flags the cell, with the other datasets\' figures and the likely cause (the reported 5.88 -> 2.42)', () => {
    const r = makeResult([cell('chat', 5.88), cell('code', 6.1), cell('math', 2.42), makeCell({ engine: 'sglang', draft: 'vanilla', dataset: 'math' })]);
    const f = checkChatTemplate(r);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.cell, 'sglang/eagle3/math/T0');
    assert.equal(f[0]!.severity, 'warning');
    assert.match(f[0]!.message, /^accept_length_mean 2\.42 on math is 40% of the same draft's median on the other datasets \(chat 5\.88, code 6\.1\); likely a missing chat template/);
  });

  it('leaves ordinary spread, drafts that accept little anywhere, failed cells and lone datasets alone', () => {
    assert.deepEqual(checkChatTemplate(makeResult([cell('chat', 4), cell('code', 4 * FAR_BELOW + 0.01)])), []);
    assert.deepEqual(checkChatTemplate(makeResult([cell('chat', 1.8), cell('code', 1.1)])), []);
    assert.deepEqual(checkChatTemplate(makeResult([cell('chat', 5), cell('code', 1.5, { status: 'failed' })])), []);
    assert.deepEqual(checkChatTemplate(makeResult([cell('chat', 1.5)])), []);
  });

  it('leaves model-free drafts alone: prompt lookup and suffix decoding accept what the text repeats', () => {
    // the default suite's quick run: ngram tau 1.07 on code against 2.82 on summarization and qa
    for (const method of ['ngram', 'suffix']) {
      const lookup = (dataset: string, v: number) => cell(dataset, v, { draft: method, method });
      assert.deepEqual(checkChatTemplate(makeResult([lookup('chat', 2.18), lookup('code', 1.07), lookup('summarization', 2.82), lookup('qa', 2.82)])), []);
    }
  });

  it('compares within one engine, draft and temperature only', () => {
    const r = makeResult([cell('chat', 5), cell('code', 2, { engine: 'vllm' }), cell('math', 2, { temperature: 1 })]);
    assert.deepEqual(checkChatTemplate(r), []);
  });

  it('is part of the audit, ordered after consistency', () => {
    const r = makeResult([cell('chat', 5.88), cell('math', 2.42)]);
    assert.ok(auditResult(r, []).some((x) => x.check === 'chat-template' && x.cell === 'sglang/eagle3/math/T0'));
  });
});
