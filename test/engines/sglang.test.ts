// The sglang adapter's request bodies: chat prompts rendered from the request's conversation
// (earlier answers included), raw prompts as the harness's transcript, and what fails how.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sglangEngine } from '../../src/engines/sglang.ts';
import { questionAnswerPrompt } from '../../src/engines/prompt.ts';
import { EngineError, type GenerateRequest } from '../../src/engines/types.ts';
import { CHATML_CONFIG, VICUNA_STYLE } from './fixtures/chat-templates.ts';

const model = mkdtempSync(join(tmpdir(), 'prism-sglang-'));
writeFileSync(join(model, 'tokenizer_config.json'), JSON.stringify(CHATML_CONFIG));

const request = (turns: string[], answers: string[], withConversation = true): GenerateRequest => ({
  text: questionAnswerPrompt(turns, answers), maxNewTokens: 32, temperature: 0, topP: 1, topK: -1, ignoreEos: false, seed: 3,
  ...(withConversation ? { conversation: { turns, answers } } : {}),
});

describe('sglang request bodies', () => {
  it('chat (the default): the second turn of a conversation, rendered with the model\'s first answer; sampling as before', () => {
    const shape = sglangEngine.requestShape(request(['Plan a picnic.', 'Now for ten people.'], ['Bring bread and fruit.']), { model: model, sendSeed: true });
    assert.equal(shape.path, '/generate');
    assert.equal(shape.body.text, '<|im_start|>user\nPlan a picnic.<|im_end|>\n<|im_start|>assistant\nBring bread and fruit.<|im_end|>\n<|im_start|>user\nNow for ten people.<|im_end|>\n<|im_start|>assistant\n');
    assert.deepEqual(shape.body.sampling_params, { max_new_tokens: 32, temperature: 0, top_p: 1, top_k: -1, ignore_eos: false, sampling_seed: 3 });
    assert.equal(shape.body.stream, true);
  });

  it('raw: the harness\'s Question/Answer transcript, untouched', () => {
    const req = request(['Plan a picnic.', 'Now for ten people.'], ['Bring bread and fruit.']);
    assert.equal(sglangEngine.requestShape(req, { model: model, prompt: 'raw' }).body.text, req.text);
  });

  it('chat without the request\'s conversation, or a template that fails on it: an engine error saying so', () => {
    assert.throws(() => sglangEngine.requestShape(request(['Hi'], [], false), { model: model }), (e: unknown) => e instanceof EngineError && /needs the request's conversation/.test(e.message));
    const vicuna = join(model, 'vicuna.jinja');
    writeFileSync(vicuna, VICUNA_STYLE);
    // two user turns in a row break Vicuna's alternation rule
    assert.throws(() => sglangEngine.requestShape(request(['a', 'b'], []), { model: model, chatTemplate: vicuna }),
      (e: unknown) => e instanceof EngineError && /vicuna\.jinja: rendering the chat template failed \(turns must alternate.*\) -- fix the template, or set options\.prompt: raw/.test(e.message));
  });

  it('launch checks the template before starting anything', async () => {
    await assert.rejects(sglangEngine.launch({
      draft: { name: 'vanilla', method: 'vanilla' }, settings: { maxNewTokens: 8 } as never, host: '127.0.0.1', port: 1,
      logFile: join(model, 'never.log'), options: { model: join(model, 'missing'), launcher: ['/nonexistent/launcher'] },
    }), (e: unknown) => e instanceof EngineError && /options\.model: .*missing: no such folder \(.*\), so the harness cannot read its chat template -- set options\.chatTemplate/.test(e.message));
  });
});
