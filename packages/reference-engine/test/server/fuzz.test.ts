// Property-based fuzzing of the server's request handling (fast-check), loopback only, bounded in
// count and time: generated /generate bodies built from SGLang's field names with values of every
// JSON type (valid and not), arbitrary JSON documents, and raw text that is mostly not JSON. Every
// answer must be a 200 (a JSON object or list, or an SSE stream ending in [DONE]) or a 400 whose
// body is {"error": {"message": one line}}; afterwards the server must be healthy and its greedy
// output unchanged. Generated values keep max_new_tokens small so valid bodies finish quickly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SAMPLING_CAPABILITIES, SAMPLING_IMPLEMENTED, TOP_LEVEL_CAPABILITIES, TOP_LEVEL_IMPLEMENTED } from '../../src/server/sglang-fields.ts';
import { postJson, sseChunks, startServe, type RunningServer } from './serve.ts';

/** bodies per property and the wall-time cap of each (fast-check stops early at the cap and says how many ran) */
const RUNS = { fields: 2500, valid: 600, json: 800, text: 400 };
const TIME_LIMIT_MS = { fields: 150_000, valid: 120_000, json: 40_000, text: 20_000 };
const SEED = 20261127;

let srv: RunningServer;
const statuses = new Map<number, number>();
const GREEDY = { text: 'Question: Name three colors.\nAnswer:', sampling_params: { max_new_tokens: 16, temperature: 0, ignore_eos: true } };
let greedyBefore: number[] = [];

before(async () => {
  srv = await startServe(['--draft', 'ngram']);
  greedyBefore = (await postJson(srv.base, '/generate', GREEDY)).json.output_ids;
});
after(async () => { assert.equal(await srv?.stop(), 0, srv?.output()); });

/** values of every JSON type, biased toward the edges validators get wrong */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 5000 }), fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, -1, 2, 0.5, 1.5, 1e300, -0, 4095, 4096), fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(fc.integer({ min: -2, max: 4100 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 4 }), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxKeys: 2 }),
);
const smallTokens = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 2.5, '3', true, [1], {}, 'BIG'));
const prompt = fc.oneof(
  fc.string({ minLength: 0, maxLength: 16 }),
  fc.array(fc.string({ minLength: 0, maxLength: 8 }), { minLength: 0, maxLength: 3 }),
  fc.array(fc.integer({ min: -1, max: 4096 }), { minLength: 0, maxLength: 8 }),
  fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 4095 }), fc.constant(1.5)), { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  anyValue,
);
const samplingKeys = [...SAMPLING_IMPLEMENTED, ...Object.keys(SAMPLING_CAPABILITIES), 'max_tokens', 'best_of'];
const topKeys = [...TOP_LEVEL_IMPLEMENTED, ...Object.keys(TOP_LEVEL_CAPABILITIES), 'prompt', 'model'].filter((k) => !['text', 'input_ids', 'sampling_params'].includes(k));
const samplingParams = fc.record({
  max_new_tokens: smallTokens,
  extra: fc.dictionary(fc.constantFrom(...samplingKeys.filter((k) => k !== 'max_new_tokens' && k !== 'n')), anyValue, { maxKeys: 4 }),
  n: fc.option(fc.constantFrom(1, 2, 0, -1, 1.5, 'x', null), { nil: undefined }),
}).map(({ max_new_tokens, extra, n }) => ({ ...extra, max_new_tokens, ...(n === undefined ? {} : { n }) }));
const body = fc.record({
  prompt, useIds: fc.boolean(),
  sampling: fc.oneof({ weight: 6, arbitrary: samplingParams }, { weight: 1, arbitrary: fc.array(samplingParams, { maxLength: 3 }) }, { weight: 1, arbitrary: anyValue }),
  extra: fc.dictionary(fc.constantFrom(...topKeys), anyValue, { maxKeys: 4 }),
  stream: fc.option(fc.boolean(), { nil: undefined }),
}).map(({ prompt: p, useIds, sampling, extra, stream }) => {
  // top-level logprob options may ask for many top entries; keep them finite-sized
  const b: Record<string, unknown> = { ...extra, [useIds ? 'input_ids' : 'text']: p, sampling_params: sampling };
  if (stream !== undefined) b.stream = stream;
  return b;
});

/** checks one answer; returns its status */
async function check(payload: string): Promise<number> {
  const r = await postJson(srv.base, '/generate', payload);
  statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  if (r.status === 400) {
    assert.equal(typeof r.json?.error?.message, 'string', `400 without a message: ${r.text.slice(0, 200)}`);
    assert.ok(r.json.error.message.length > 0 && !r.json.error.message.includes('\n'), `message not one line: ${r.json.error.message}`);
    return 400;
  }
  assert.equal(r.status, 200, `status ${r.status} for ${payload.slice(0, 300)}: ${r.text.slice(0, 300)}`);
  if (r.text.startsWith('data: ')) {
    const { chunks, done } = sseChunks(r.text);
    assert.ok(done && chunks.length > 0, 'stream ends with [DONE]');
  } else {
    assert.ok(r.json !== undefined && typeof r.json === 'object', 'a JSON answer');
    const list = Array.isArray(r.json) ? r.json : [r.json];
    for (const a of list) assert.ok(Array.isArray(a.output_ids) && typeof a.text === 'string' && a.meta_info.completion_tokens === a.output_ids.length);
  }
  return 200;
}

describe('fuzz: every generated body gets a 200 or a one-line 400', () => {
  it('bodies from SGLang\'s field names with values of every type', async (t) => {
    const ran = { n: 0 };
    await fc.assert(fc.asyncProperty(body, async (b) => { ran.n++; await check(JSON.stringify(b)); }),
      { numRuns: RUNS.fields, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS.fields, markInterruptAsFailure: false, endOnFailure: true });
    t.diagnostic(`${ran.n} field bodies`);
    assert.ok(ran.n >= 500, `only ${ran.n} bodies ran in the time limit`);
  });

  it('valid bodies (every implemented field within its range, batches, n, logprobs, streaming) all get a 200', async (t) => {
    const ran = { n: 0 };
    const validSampling = fc.record({
      max_new_tokens: fc.integer({ min: 0, max: 3 }), temperature: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: fc.double({ min: 0.01, max: 1, noNaN: true }), top_k: fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 50 })),
      min_p: fc.double({ min: 0, max: 1, noNaN: true }), frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
      presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }), repetition_penalty: fc.double({ min: 0.01, max: 2, noNaN: true }),
      min_new_tokens: fc.integer({ min: 0, max: 0 }), n: fc.integer({ min: 1, max: 2 }), ignore_eos: fc.boolean(),
      stop: fc.oneof(fc.constant(null), fc.string({ minLength: 1, maxLength: 3 }), fc.array(fc.string({ minLength: 1, maxLength: 3 }), { maxLength: 2 })),
      stop_token_ids: fc.oneof(fc.constant(null), fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 2 })),
      logit_bias: fc.oneof(fc.constant(null), fc.dictionary(fc.integer({ min: 0, max: 4095 }).map(String), fc.double({ min: -50, max: 50, noNaN: true }), { maxKeys: 2 })),
      skip_special_tokens: fc.boolean(), spaces_between_special_tokens: fc.boolean(), no_stop_trim: fc.boolean(),
      sampling_seed: fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: null }), regex: fc.constant(null), json_schema: fc.constant(null),
    }, { requiredKeys: ['max_new_tokens'] });
    const validBody = fc.record({
      prompt: fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 2 }),
        fc.array(fc.integer({ min: 0, max: 4095 }), { minLength: 1, maxLength: 6 }), fc.array(fc.array(fc.integer({ min: 0, max: 4095 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 })),
      sp: validSampling, stream: fc.boolean(), ret: fc.boolean(), start: fc.integer({ min: -1, max: 3 }), top: fc.integer({ min: 0, max: 5 }), txt: fc.boolean(),
    }).map(({ prompt: p, sp, stream, ret, start, top, txt }) => ({
      [typeof p === 'string' || typeof p[0] === 'string' ? 'text' : 'input_ids']: p, sampling_params: sp, stream,
      return_logprob: ret, logprob_start_len: start, top_logprobs_num: top, return_text_in_logprobs: txt, image_data: null, lora_path: null,
    }));
    await fc.assert(fc.asyncProperty(validBody, async (b) => { ran.n++; assert.equal(await check(JSON.stringify(b)), 200, JSON.stringify(b)); }),
      { numRuns: RUNS.valid, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS.valid, markInterruptAsFailure: false, endOnFailure: true });
    t.diagnostic(`${ran.n} valid bodies`);
    assert.ok(ran.n >= 100, `only ${ran.n} valid bodies ran in the time limit`);
  });

  it('arbitrary JSON documents, and numbers beyond a double (1e400)', async (t) => {
    const ran = { n: 0 };
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ text: fc.string({ maxLength: 8 }), sampling_params: fc.dictionary(fc.constantFrom(...samplingKeys), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }) })
      .map((b) => ({ ...b, sampling_params: { max_new_tokens: 2, ...b.sampling_params } }))), async (v) => {
      ran.n++;
      const s = JSON.stringify(v) ?? 'null';
      // tokens too big for a double read as Infinity: put one where a number was
      await check(ran.n % 5 === 0 ? s.replace(/(?<=[:[,])-?\d+(\.\d+)?(e[+-]?\d+)?/i, '1e400') : s);
    }), { numRuns: RUNS.json, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS.json, markInterruptAsFailure: false, endOnFailure: true });
    t.diagnostic(`${ran.n} JSON documents`);
  });

  it('raw text bodies (mostly not JSON)', async (t) => {
    const ran = { n: 0 };
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }).map((s) => `{"text": "a", ${s}`)), async (s) => {
      ran.n++; await check(s);
    }), { numRuns: RUNS.text, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS.text, markInterruptAsFailure: false, endOnFailure: true });
    t.diagnostic(`${ran.n} raw bodies`);
  });

  it('afterwards: healthy, and greedy output unchanged', async (t) => {
    assert.equal((await fetch(`${srv.base}/health`)).status, 200);
    const after = (await postJson(srv.base, '/generate', GREEDY)).json.output_ids;
    assert.deepEqual(after, greedyBefore);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    t.diagnostic(`answers: ${total} (${[...statuses].sort().map(([s, n]) => `${n} x ${s}`).join(', ')})`);
    assert.deepEqual([...statuses.keys()].filter((s) => s !== 200 && s !== 400), []);
    assert.ok((statuses.get(200) ?? 0) > 50 && (statuses.get(400) ?? 0) > 500, 'both accepted and rejected bodies were exercised');
  });
});
