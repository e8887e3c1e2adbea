import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequest, parseGenerateBody, type ValidationLimits } from '../../../src/reference/server/validate.ts';
import { Tokenizer } from '../../../src/reference/model/tokenizer.ts';
import { TOKENIZER_PATH } from '../../../src/reference/model/config.ts';

const tok = Tokenizer.load(TOKENIZER_PATH);
const limits: ValidationLimits = { vocab: tok.vocabSize, maxContext: 1024, encode: (t) => tok.encode(t), defaultSeed: () => 777 };
const parse = (raw: unknown) => parseGenerateBody(raw, limits);

/** asserts a 400-class rejection whose message matches (names the field and the problem) */
function rejects(raw: unknown, message: RegExp): void {
  assert.throws(() => parse(raw), (e: unknown) => {
    assert.ok(e instanceof BadRequest, `expected BadRequest, got ${String(e)}`);
    assert.match((e as Error).message, message);
    return true;
  }, `body ${JSON.stringify(raw)?.slice(0, 80)}`);
}

describe('parseGenerateBody: accepted shapes', () => {
  it('text with defaults (SGLang defaults: 128 new tokens, temperature 1, no top-p/top-k)', () => {
    const b = parse({ text: 'Hello there' });
    assert.equal(b.stream, false);
    assert.equal(b.text, 'Hello there');
    assert.equal(b.rid, undefined);
    assert.deepEqual(b.request, {
      prompt: tok.encode('Hello there'), maxNewTokens: 128, sampling: { temperature: 1, topP: 1, topK: -1 },
      ignoreEos: false, stop: [], stopTokenIds: [], seed: 777,
    });
  });

  it('input_ids pass through unchanged', () => {
    const b = parse({ input_ids: [0, 17, 4095], sampling_params: { max_new_tokens: 3 } });
    assert.deepEqual(b.request.prompt, [0, 17, 4095]);
    assert.equal(b.request.maxNewTokens, 3);
  });

  it('every sampling field, stream and rid', () => {
    const b = parse({
      text: 'x', stream: true, rid: 'req-1',
      sampling_params: { max_new_tokens: 9, temperature: 0.7, top_p: 0.9, top_k: 20, ignore_eos: true, stop: ['\n\n', 'END'], stop_token_ids: [5, 6], sampling_seed: 12345 },
    });
    assert.equal(b.stream, true);
    assert.equal(b.rid, 'req-1');
    assert.deepEqual(b.request.sampling, { temperature: 0.7, topP: 0.9, topK: 20 });
    assert.equal(b.request.maxNewTokens, 9);
    assert.equal(b.request.ignoreEos, true);
    assert.deepEqual(b.request.stop, ['\n\n', 'END']);
    assert.deepEqual(b.request.stopTokenIds, [5, 6]);
    assert.equal(b.request.seed, 12345);
  });

  it('a single stop string, temperature 0 (greedy), top_k -1, top_p 1, sampling_seed 0', () => {
    const b = parse({ text: 'x', sampling_params: { stop: 'END', temperature: 0, top_k: -1, top_p: 1, sampling_seed: 0 } });
    assert.deepEqual(b.request.stop, ['END']);
    assert.equal(b.request.sampling.temperature, 0);
    assert.equal(b.request.seed, 0);
  });

  it('prompt + max_new_tokens exactly at the context limit is accepted, one more is not', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    assert.equal(parse({ input_ids: ids, sampling_params: { max_new_tokens: 24 } }).request.maxNewTokens, 24);
    rejects({ input_ids: ids, sampling_params: { max_new_tokens: 25 } }, /sampling_params\.max_new_tokens: prompt \(1000 tokens\) \+ max_new_tokens \(25\) exceeds the context of 1024 tokens; ask for at most 24/);
  });

  it('the default max_new_tokens also counts against the context', () => {
    rejects({ input_ids: new Array(1000).fill(1) }, /max_new_tokens \(128\) exceeds the context/);
  });
});

describe('parseGenerateBody: each kind of bad input names the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['body not an object', [1, 2], /body: expected a JSON object/],
    ['body null', null, /body: expected a JSON object/],
    ['body a string', 'hello', /body: expected a JSON object/],
    ['unknown top-level field', { text: 'hi', max_tokens: 5 }, /^max_tokens: unknown field; allowed fields are text, input_ids, sampling_params, stream, rid$/],
    ['neither text nor input_ids', { sampling_params: {} }, /text \/ input_ids: give exactly one of them/],
    ['both text and input_ids', { text: 'a', input_ids: [1] }, /text \/ input_ids: give exactly one/],
    ['text not a string', { text: 5 }, /text: expected a string, got number 5/],
    ['batched text', { text: ['a', 'b'] }, /text: expected a string, got an array \(batched requests are not supported/],
    ['empty text', { text: '' }, /text: the prompt is empty/],
    ['input_ids not integers', { input_ids: [1, 'a'] }, /input_ids: expected an array of integers/],
    ['input_ids fractional', { input_ids: [1.5] }, /input_ids: expected an array of integers/],
    ['input_ids not an array', { input_ids: '1,2' }, /input_ids: expected an array of integers, got the string "1,2"/],
    ['empty input_ids', { input_ids: [] }, /input_ids: the prompt is empty/],
    ['token id beyond the vocabulary', { input_ids: [1, 4096] }, /input_ids: token id 4096 is outside the vocabulary 0\.\.4095/],
    ['negative token id', { input_ids: [-1] }, /input_ids: token id -1 is outside the vocabulary/],
    ['stream not boolean', { text: 'a', stream: 'yes' }, /stream: expected true or false/],
    ['rid not a string', { text: 'a', rid: 7 }, /rid: expected a string/],
    ['sampling_params not an object', { text: 'a', sampling_params: [1] }, /sampling_params: expected an object, got an array/],
    ['unknown sampling field', { text: 'a', sampling_params: { max_tokens: 5 } }, /sampling_params\.max_tokens: unknown field; allowed fields are max_new_tokens/],
    ['max_new_tokens 0', { text: 'a', sampling_params: { max_new_tokens: 0 } }, /sampling_params\.max_new_tokens: expected an integer >= 1, got 0/],
    ['max_new_tokens fractional', { text: 'a', sampling_params: { max_new_tokens: 2.5 } }, /max_new_tokens: expected an integer >= 1, got 2.5/],
    ['max_new_tokens as a string', { text: 'a', sampling_params: { max_new_tokens: '16' } }, /max_new_tokens: expected an integer >= 1, got "16"/],
    ['max_new_tokens beyond the context', { text: 'a', sampling_params: { max_new_tokens: 5000 } }, /max_new_tokens: prompt \(\d+ tokens\) \+ max_new_tokens \(5000\) exceeds the context of 1024/],
    ['temperature negative', { text: 'a', sampling_params: { temperature: -0.5 } }, /sampling_params\.temperature: expected a number >= 0/],
    ['temperature a string', { text: 'a', sampling_params: { temperature: 'hot' } }, /sampling_params\.temperature: expected a number >= 0 \(0 means greedy\), got "hot"/],
    ['temperature null', { text: 'a', sampling_params: { temperature: null } }, /sampling_params\.temperature: .* got null/],
    ['top_p 0', { text: 'a', sampling_params: { top_p: 0 } }, /sampling_params\.top_p: expected a number in \(0, 1\]/],
    ['top_p above 1', { text: 'a', sampling_params: { top_p: 1.5 } }, /sampling_params\.top_p/],
    ['top_k 0', { text: 'a', sampling_params: { top_k: 0 } }, /sampling_params\.top_k: expected an integer >= 1, or -1 to disable, got 0/],
    ['top_k fractional', { text: 'a', sampling_params: { top_k: 2.5 } }, /sampling_params\.top_k/],
    ['sampling_seed negative', { text: 'a', sampling_params: { sampling_seed: -1 } }, /sampling_params\.sampling_seed: expected a non-negative integer/],
    ['ignore_eos not boolean', { text: 'a', sampling_params: { ignore_eos: 1 } }, /sampling_params\.ignore_eos: expected true or false, got number 1/],
    ['stop not strings', { text: 'a', sampling_params: { stop: [1] } }, /sampling_params\.stop: expected a string or an array of strings/],
    ['empty stop string', { text: 'a', sampling_params: { stop: [''] } }, /sampling_params\.stop: stop strings must not be empty/],
    ['stop_token_ids not integers', { text: 'a', sampling_params: { stop_token_ids: ['a'] } }, /sampling_params\.stop_token_ids: expected an array of integers/],
  ];
  for (const [name, raw, message] of cases) it(name, () => rejects(raw, message));

  it('long strings in messages are cut short', () => {
    rejects({ input_ids: 'x'.repeat(500) }, /got the string "x{40}\.\.\."/);
  });
});
