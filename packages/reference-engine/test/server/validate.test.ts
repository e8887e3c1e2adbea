import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequest, parseGenerateBody, type ValidationLimits } from '../../src/server/validate.ts';
import { NO_PROCESSING } from '../../src/decoding/logits.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TOKENIZER_PATH } from '../../src/model/config.ts';

const tok = Tokenizer.load(TOKENIZER_PATH);
const limits: ValidationLimits = { vocab: tok.vocabSize, maxContext: 1024, eosId: tok.eosId, encode: (t) => tok.encode(t), defaultSeed: () => 777 };
const parse = (raw: unknown) => parseGenerateBody(raw, limits);
/** the one request of a single-prompt body */
const one = (raw: unknown) => {
  const b = parse(raw);
  assert.equal(b.items.length, 1);
  assert.equal(b.batch, false);
  return { ...b, ...b.items[0] };
};

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
    const b = one({ text: 'Hello there' });
    assert.equal(b.stream, false);
    assert.equal(b.rid, undefined);
    assert.deepEqual(b.request, {
      prompt: tok.encode('Hello there'), maxNewTokens: 128, sampling: { temperature: 1, topP: 1, topK: -1 },
      ignoreEos: false, stop: [], stopTokenIds: [], seed: 777, logprobs: undefined,
      processing: NO_PROCESSING, skipSpecialTokens: true, noStopTrim: false,
    });
  });

  it('input_ids pass through unchanged', () => {
    const b = one({ input_ids: [0, 17, 4095], sampling_params: { max_new_tokens: 3 } });
    assert.deepEqual(b.request.prompt, [0, 17, 4095]);
    assert.equal(b.request.maxNewTokens, 3);
  });

  it('every implemented sampling field, stream and rid', () => {
    const b = one({
      text: 'x', stream: true, rid: 'req-1',
      sampling_params: {
        max_new_tokens: 9, min_new_tokens: 2, temperature: 0.7, top_p: 0.9, top_k: 20, min_p: 0.05, ignore_eos: true, stop: ['\n\n', 'END'],
        stop_token_ids: [5, 6], sampling_seed: 12345, frequency_penalty: 0.5, presence_penalty: -0.25, repetition_penalty: 1.3,
        logit_bias: { '7': -2.5 }, skip_special_tokens: false, spaces_between_special_tokens: false, no_stop_trim: true, stream_interval: 4,
      },
    });
    assert.equal(b.stream, true);
    assert.equal(b.rid, 'req-1');
    assert.equal(b.streamInterval, 4);
    assert.deepEqual(b.request.sampling, { temperature: 0.7, topP: 0.9, topK: 20, minP: 0.05 });
    assert.equal(b.request.maxNewTokens, 9);
    assert.equal(b.request.ignoreEos, true);
    assert.deepEqual(b.request.stop, ['\n\n', 'END']);
    assert.deepEqual(b.request.stopTokenIds, [5, 6]);
    assert.equal(b.request.seed, 12345);
    assert.equal(b.request.skipSpecialTokens, false);
    assert.equal(b.request.noStopTrim, true);
    assert.deepEqual(b.request.processing, {
      frequencyPenalty: 0.5, presencePenalty: -0.25, repetitionPenalty: 1.3, minNewTokens: 2, stopTokenIds: [tok.eosId, 5, 6], logitBias: new Map([[7, -2.5]]),
    });
  });

  it('a single stop string, temperature 0 (greedy), top_k -1, top_p 1, sampling_seed 0', () => {
    const b = one({ text: 'x', sampling_params: { stop: 'END', temperature: 0, top_k: -1, top_p: 1, sampling_seed: 0 } });
    assert.deepEqual(b.request.stop, ['END']);
    assert.equal(b.request.sampling.temperature, 0);
    assert.equal(b.request.seed, 0);
  });

  it('null means the default for every field, as in SGLang', () => {
    const b = one({
      text: 'x', input_ids: null, rid: null, stream: null, return_logprob: null, logprob_start_len: null, top_logprobs_num: null, return_text_in_logprobs: null,
      sampling_params: { max_new_tokens: null, temperature: null, top_p: null, top_k: null, stop: null, stop_token_ids: null, n: null, min_p: null, regex: null, json_schema: null },
    });
    assert.equal(b.request.maxNewTokens, 128);
    assert.equal(b.request.sampling.temperature, 1);
    assert.equal(b.request.logprobs, undefined);
  });

  it('max_new_tokens 0 (prefill only, as run_batch\'s prefix caching sends it)', () => {
    assert.equal(one({ text: 'x', sampling_params: { max_new_tokens: 0 } }).request.maxNewTokens, 0);
  });

  it('prompt + max_new_tokens exactly at the context limit is accepted, one more is not', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    assert.equal(one({ input_ids: ids, sampling_params: { max_new_tokens: 24 } }).request.maxNewTokens, 24);
    rejects({ input_ids: ids, sampling_params: { max_new_tokens: 25 } }, /sampling_params\.max_new_tokens: prompt \(1000 tokens\) \+ max_new_tokens \(25\) exceeds the context of 1024 tokens; ask for at most 24/);
  });

  it('the default max_new_tokens also counts against the context', () => {
    rejects({ input_ids: new Array(1000).fill(1) }, /max_new_tokens \(128\) exceeds the context/);
  });

  it('batched text: one request per prompt, per-prompt sampling_params and rids', () => {
    const b = parse({ text: ['a', 'bb'], sampling_params: [{ max_new_tokens: 2 }, { max_new_tokens: 3 }], rid: ['r0', 'r1'], return_logprob: [true, false] });
    assert.equal(b.batch, true);
    assert.deepEqual(b.items.map((i) => [i.rid, i.request.maxNewTokens, i.request.prompt]), [['r0', 2, tok.encode('a')], ['r1', 3, tok.encode('bb')]]);
    assert.deepEqual(b.items[0].request.logprobs, { inputFrom: -1, topN: 0 });
    assert.equal(b.items[1].request.logprobs, undefined);
  });

  it('batched input_ids with one sampling_params for all', () => {
    const b = parse({ input_ids: [[1, 2], [3]], sampling_params: { max_new_tokens: 0 } });
    assert.deepEqual(b.items.map((i) => i.request.prompt), [[1, 2], [3]]);
    assert.ok(b.items.every((i) => i.request.maxNewTokens === 0));
  });

  it('n samples: the batch repeated n times, distinct seeds, rid suffixed', () => {
    const b = parse({ text: ['a', 'b'], rid: 'q', sampling_params: { n: 2, sampling_seed: 10, max_new_tokens: 1 } });
    assert.equal(b.batch, true);
    assert.deepEqual(b.items.map((i) => [i.rid, i.request.seed, i.request.prompt]), [
      ['q_0', 10, tok.encode('a')], ['q_1', 10, tok.encode('b')], ['q_2', 11, tok.encode('a')], ['q_3', 11, tok.encode('b')],
    ]);
    const single = parse({ text: 'a', sampling_params: { n: 3 } });
    assert.equal(single.batch, true, 'n > 1 on one prompt answers a list, as in SGLang');
    assert.equal(single.items.length, 3);
  });

  it('logprob options', () => {
    const b = one({ text: 'abc', return_logprob: true, logprob_start_len: 0, top_logprobs_num: 3, return_text_in_logprobs: true });
    assert.deepEqual(b.request.logprobs, { inputFrom: 0, topN: 3 });
    assert.equal(b.logprobText, true);
  });

  it('capability fields with null, false or empty values are accepted', () => {
    one({
      text: 'x', image_data: null, video_data: [], audio_data: null, lora_path: null, lora_id: [null], custom_logit_processor: null, session_params: null,
      return_hidden_states: false, input_embeds: null, modalities: null, token_ids_logprob: null, bootstrap_host: null, bootstrap_room: null,
      data_parallel_rank: 0, log_metrics: true, no_logs: false, conversation_id: 'c', priority: null, extra_key: null, custom_labels: { a: 'b' },
      background: false, return_entropy: false, return_bytes: false, validation_time: 0.1,
      sampling_params: { regex: null, json_schema: null, ebnf: null, structural_tag: null, stop_regex: [], custom_params: null },
    });
  });
});

describe('parseGenerateBody: each kind of bad input names the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['body not an object', [1, 2], /body: expected a JSON object/],
    ['body null', null, /body: expected a JSON object/],
    ['body a string', 'hello', /body: expected a JSON object/],
    ['unknown top-level field', { text: 'hi', max_tokens: 5 }, /^max_tokens: unknown field; SGLang's fields here are text, input_ids, sampling_params, rid, stream, /],
    ['neither text nor input_ids', { sampling_params: {} }, /text \/ input_ids: give exactly one of them/],
    ['both text and input_ids', { text: 'a', input_ids: [1] }, /text \/ input_ids: give exactly one/],
    ['text not a string', { text: 5 }, /text: expected a string or a list of strings, got number 5/],
    ['batched text with a number', { text: ['a', 3] }, /^text\[1\]: expected a string, got number 3$/],
    ['empty batch', { text: [] }, /text: the batch is empty/],
    ['empty text', { text: '' }, /text: the prompt is empty/],
    ['input_ids not integers', { input_ids: [1, 'a'] }, /^input_ids\[1\]: expected an integer token id, got the string "a"$/],
    ['input_ids fractional names the element', { input_ids: [1.5, 2] }, /^input_ids\[0\]: expected an integer token id, got number 1\.5$/],
    ['batched input_ids fractional', { input_ids: [[1], [2, 2.5]] }, /^input_ids\[1\]\[1\]: expected an integer token id, got number 2\.5$/],
    ['input_ids not an array', { input_ids: '1,2' }, /input_ids: expected a list of token ids .*got the string "1,2"/],
    ['empty input_ids', { input_ids: [] }, /input_ids: the prompt is empty/],
    ['token id beyond the vocabulary', { input_ids: [1, 4096] }, /input_ids\[1\]: token id 4096 is outside the vocabulary 0\.\.4095/],
    ['negative token id', { input_ids: [-1] }, /input_ids\[0\]: token id -1 is outside the vocabulary/],
    ['stream not boolean', { text: 'a', stream: 'yes' }, /stream: expected true or false/],
    ['rid not a string', { text: 'a', rid: 7 }, /rid: expected a string/],
    ['sampling_params list for one prompt', { text: 'a', sampling_params: [{}] }, /sampling_params: a list is only accepted with a batch of prompts/],
    ['sampling_params list of the wrong length', { text: ['a', 'b'], sampling_params: [{}] }, /sampling_params: the list has 1 entries but the batch has 2 prompts/],
    ['sampling_params not an object', { text: 'a', sampling_params: 3 }, /sampling_params: expected an object, got number 3/],
    ['unknown sampling field', { text: 'a', sampling_params: { max_tokens: 5 } }, /sampling_params\.max_tokens: unknown field; SGLang's fields here are max_new_tokens/],
    ['max_new_tokens negative', { text: 'a', sampling_params: { max_new_tokens: -1 } }, /sampling_params\.max_new_tokens: expected an integer >= 0 \(0 = prefill only\), got number -1/],
    ['max_new_tokens 1e400 is out of range', { text: 'a', sampling_params: { max_new_tokens: Infinity } }, /sampling_params\.max_new_tokens: expected an integer >= 0 .*got a number out of range/],
    ['max_new_tokens fractional', { text: 'a', sampling_params: { max_new_tokens: 2.5 } }, /max_new_tokens: expected an integer >= 0 .*got number 2.5/],
    ['max_new_tokens as a string', { text: 'a', sampling_params: { max_new_tokens: '16' } }, /max_new_tokens: expected an integer >= 0 .*got the string "16"/],
    ['max_new_tokens beyond the context', { text: 'a', sampling_params: { max_new_tokens: 5000 } }, /max_new_tokens: prompt \(\d+ tokens\) \+ max_new_tokens \(5000\) exceeds the context of 1024/],
    ['min_new_tokens above max_new_tokens', { text: 'a', sampling_params: { max_new_tokens: 2, min_new_tokens: 3 } }, /sampling_params\.min_new_tokens: 3 is more than max_new_tokens \(2\)/],
    ['temperature negative', { text: 'a', sampling_params: { temperature: -0.5 } }, /sampling_params\.temperature: expected a number >= 0/],
    ['temperature a string', { text: 'a', sampling_params: { temperature: 'hot' } }, /sampling_params\.temperature: expected a number >= 0 \(0 means greedy\), got the string "hot"/],
    ['top_p 0', { text: 'a', sampling_params: { top_p: 0 } }, /sampling_params\.top_p: expected a number in \(0, 1\]/],
    ['top_p above 1', { text: 'a', sampling_params: { top_p: 1.5 } }, /sampling_params\.top_p/],
    ['top_k 0', { text: 'a', sampling_params: { top_k: 0 } }, /sampling_params\.top_k: expected an integer >= 1, or -1 to disable, got number 0/],
    ['top_k fractional', { text: 'a', sampling_params: { top_k: 2.5 } }, /sampling_params\.top_k/],
    ['min_p above 1', { text: 'a', sampling_params: { min_p: 1.5 } }, /sampling_params\.min_p: expected a number in \[0, 1\]/],
    ['frequency_penalty beyond 2', { text: 'a', sampling_params: { frequency_penalty: 3 } }, /sampling_params\.frequency_penalty: expected a number in \[-2, 2\]/],
    ['presence_penalty beyond -2', { text: 'a', sampling_params: { presence_penalty: -3 } }, /sampling_params\.presence_penalty: expected a number in \[-2, 2\]/],
    ['repetition_penalty 0', { text: 'a', sampling_params: { repetition_penalty: 0 } }, /sampling_params\.repetition_penalty: expected a number in \(0, 2\]/],
    ['n 0', { text: 'a', sampling_params: { n: 0 } }, /sampling_params\.n: expected an integer in \[1, 256\]/],
    ['n times prompts beyond the limit', { text: ['a', 'b'], sampling_params: { n: 200 } }, /2 prompts x n = 200 makes 400 requests; send at most 256/],
    ['sampling_seed negative', { text: 'a', sampling_params: { sampling_seed: -1 } }, /sampling_params\.sampling_seed: expected a non-negative integer/],
    ['ignore_eos not boolean', { text: 'a', sampling_params: { ignore_eos: 1 } }, /sampling_params\.ignore_eos: expected true or false, got number 1/],
    ['stop not strings', { text: 'a', sampling_params: { stop: [1] } }, /sampling_params\.stop\[0\]: expected a string/],
    ['empty stop string', { text: 'a', sampling_params: { stop: [''] } }, /sampling_params\.stop: stop strings must not be empty/],
    ['stop_token_ids not integers', { text: 'a', sampling_params: { stop_token_ids: ['a'] } }, /sampling_params\.stop_token_ids\[0\]: expected a token id in 0\.\.4095/],
    ['logit_bias key not a token id', { text: 'a', sampling_params: { logit_bias: { x: 1 } } }, /sampling_params\.logit_bias: key "x" is not a token id/],
    ['logprob_start_len below -1', { text: 'a', return_logprob: true, logprob_start_len: -2 }, /logprob_start_len: expected an integer >= -1/],
    ['top_logprobs_num negative', { text: 'a', top_logprobs_num: -1 }, /top_logprobs_num: expected an integer in \[0, 1024\]/],
    ['return_logprob not boolean', { text: 'a', return_logprob: 'yes' }, /return_logprob: expected true or false/],
    // capabilities the engine lacks: the message names the capability
    ['image_data', { text: 'a', image_data: 'cat.png' }, /^image_data: the reference engine is text-only \(no image input\); send null or leave it out$/],
    ['lora_path', { text: 'a', lora_path: 'adapter' }, /^lora_path: the reference engine has no LoRA adapters; send null/],
    ['custom_logit_processor', { text: 'a', custom_logit_processor: '{}x' }, /^custom_logit_processor: custom logit processors are not supported/],
    ['return_hidden_states', { text: 'a', return_hidden_states: true }, /^return_hidden_states: hidden states are not returned/],
    ['priority', { text: 'a', priority: 3 }, /^priority: priority scheduling is not enabled/],
    ['regex', { text: 'a', sampling_params: { regex: '[0-9]+' } }, /^sampling_params\.regex: constrained decoding \(regex\) is not supported; send null or leave it out$/],
    ['json_schema', { text: 'a', sampling_params: { json_schema: '{"type":"object"}' } }, /^sampling_params\.json_schema: constrained decoding \(json_schema\) is not supported/],
    ['stop_regex', { text: 'a', sampling_params: { stop_regex: 'a+' } }, /^sampling_params\.stop_regex: regex stop conditions are not supported; use stop strings/],
  ];
  for (const [name, raw, message] of cases) it(name, () => rejects(raw, message));

  it('long strings in messages are cut short', () => {
    rejects({ input_ids: 'x'.repeat(500) }, /got the string "x{40}\.\.\."/);
  });

  it('1e400 in the raw JSON body is reported as out of range, not as null', () => {
    rejects(JSON.parse('{"text": "a", "sampling_params": {"max_new_tokens": 1e400}}'), /got a number out of range/);
  });
});

describe('parseGenerateBody: names of Object.prototype are unknown fields', () => {
  // every own name of Object.prototype (toString, valueOf, constructor, hasOwnProperty, __proto__, ...),
  // sent as JSON sends them: own keys of the parsed body, with values that would pass as "inert"
  const names = Object.getOwnPropertyNames(Object.prototype);
  it(`covers all ${names.length} of them, __proto__ included`, () => {
    assert.ok(names.includes('__proto__') && names.includes('toString') && names.includes('valueOf') && names.length >= 12);
  });
  for (const name of names) {
    for (const value of ['null', '5', 'false', '{}', '[]']) {
      it(`${name}: ${value} at the top level and in sampling_params`, () => {
        const key = JSON.stringify(name);
        rejects(JSON.parse(`{"text": "hi", ${key}: ${value}}`), new RegExp(`^${name.replace(/\W/g, '\\$&')}: unknown field; SGLang's fields here are text, `));
        rejects(JSON.parse(`{"text": "hi", "sampling_params": {${key}: ${value}}}`), new RegExp(`^sampling_params\\.${name.replace(/\W/g, '\\$&')}: unknown field; SGLang's fields here are max_new_tokens`));
      });
    }
  }
});

describe('parseGenerateBody: a prompt longer than the context', () => {
  it('is refused naming its token count and the context, not with "ask for at most 0"', () => {
    const long = Array.from({ length: 1030 }, (_, i) => i % 4000);
    rejects({ input_ids: long }, /^input_ids: the prompt is 1030 tokens, the context is 1024 tokens; send a shorter prompt$/);
    rejects({ input_ids: long, sampling_params: { max_new_tokens: 0 } }, /^input_ids: the prompt is 1030 tokens, the context is 1024 tokens/);
    rejects({ input_ids: [[1, 2], long] }, /^input_ids\[1\]: the prompt is 1030 tokens, the context is 1024 tokens/);
    const text = 'the cat sat on the mat. '.repeat(400);
    const n = tok.encode(text).length;
    assert.ok(n > 1024, `${n} tokens`);
    rejects({ text }, new RegExp(`^text: the prompt is ${n} tokens, the context is 1024 tokens; send a shorter prompt$`));
    rejects({ text: ['hi', text], sampling_params: { max_new_tokens: 0 } }, new RegExp(`^text\\[1\\]: the prompt is ${n} tokens, the context is 1024 tokens`));
  });

  it('a prompt exactly the context long still may ask for 0 new tokens (prefill only)', () => {
    const full = Array.from({ length: 1024 }, (_, i) => i);
    assert.equal(one({ input_ids: full, sampling_params: { max_new_tokens: 0 } }).request.maxNewTokens, 0);
    rejects({ input_ids: full, sampling_params: { max_new_tokens: 1 } }, /ask for at most 0/);
  });
});
