// Property-based fuzzing of the server's request handling (fast-check), loopback only, bounded in
// count and time: generated /generate bodies built from SGLang's field names with values of every
// JSON type (valid and not), arbitrary JSON documents, and raw text that is mostly not JSON. Every
// answer must be a 200 (a JSON object or list, or an SSE stream ending in [DONE]) or a 400 whose
// body is {"error": {"message": one line}}; afterwards the server must be healthy and its greedy
// output unchanged. Generated values keep max_new_tokens small so valid bodies finish quickly.
// Object.prototype's names (toString, __proto__, ...) are among the generated keys, and an
// otherwise valid body with one must get a 400 naming it. Raw-socket clients leave requests to
// every generating endpoint partly sent, closed, half-closed then closed, or reset, or half-close
// and stay: the one that stays gets a whole answer, the next client is always answered, and a
// long request closed on stops early (the server's own token and aborted-request counts say so).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SAMPLING_CAPABILITIES, SAMPLING_IMPLEMENTED, TOP_LEVEL_CAPABILITIES, TOP_LEVEL_IMPLEMENTED } from '../../src/server/sglang-fields.ts';
import { connect } from 'node:net';
import { postJson, sseChunks, startServe, type RunningServer } from './serve.ts';

/** bodies per property and the wall-time cap of each (fast-check stops early at the cap and says how many ran) */
const RUNS = { fields: 2500, valid: 600, json: 800, text: 400, proto: 400, closes: 120 };
const TIME_LIMIT_MS = { fields: 150_000, valid: 120_000, json: 40_000, text: 20_000, proto: 30_000, closes: 90_000 };
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
/** Object.prototype's own names (toString, valueOf, __proto__, ...): a body's keys, not fields */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const samplingKeys = [...SAMPLING_IMPLEMENTED, ...Object.keys(SAMPLING_CAPABILITIES), 'max_tokens', 'best_of', ...PROTO_NAMES];
const topKeys = [...TOP_LEVEL_IMPLEMENTED, ...Object.keys(TOP_LEVEL_CAPABILITIES), 'prompt', 'model', ...PROTO_NAMES].filter((k) => !['text', 'input_ids', 'sampling_params'].includes(k));
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

/** bodies with every implemented field within its range: batches, n, logprobs, streaming */
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

/** server_info's count of generations stopped because their client left */
async function abortedRequests(): Promise<number> {
  const info = await (await fetch(`${srv.base}/server_info`)).json() as { internal_states: { prism_aborted_requests?: number }[] };
  return info.internal_states[0].prism_aborted_requests ?? NaN;
}

/** tokens generated so far, all requests together (/metrics) */
async function generatedTokens(): Promise<number> {
  const m = /^vllm:generation_tokens_total\{[^}]*\} (\d+)$/m.exec(await (await fetch(`${srv.base}/metrics`)).text());
  assert.ok(m);
  return Number(m[1]);
}

/** resolves once the requests queued so far have ended (they are served one at a time, in order) */
async function waitIdle(): Promise<void> {
  assert.equal((await fetch(`${srv.base}/health_generate`)).status, 200);
}

/** checks one answer; returns its status */
async function check(payload: string): Promise<number> {
  return (await checkAnswer(payload)).status;
}

/** checks one answer; returns its status and, for a 400, its message */
async function checkAnswer(payload: string): Promise<{ status: number; message?: string }> {
  const r = await postJson(srv.base, '/generate', payload);
  statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  if (r.status === 400) {
    assert.equal(typeof r.json?.error?.message, 'string', `400 without a message: ${r.text.slice(0, 200)}`);
    assert.ok(r.json.error.message.length > 0 && !r.json.error.message.includes('\n'), `message not one line: ${r.json.error.message}`);
    return { status: 400, message: r.json.error.message };
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
  return { status: 200 };
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

  it('Object.prototype\'s names in an otherwise valid body: a 400 naming the name as an unknown field', async (t) => {
    const ran = { n: 0 };
    const withProto = fc.record({ b: validBody, name: fc.constantFrom(...PROTO_NAMES), value: anyValue, inSampling: fc.boolean() });
    await fc.assert(fc.asyncProperty(withProto, async ({ b, name, value, inSampling }) => {
      ran.n++;
      // as JSON text, the name first: JSON.parse makes it an own key, even "__proto__"
      const pair = `${JSON.stringify(name)}: ${JSON.stringify(value)}`;
      const sp = JSON.stringify(b.sampling_params);
      const payload = inSampling
        ? JSON.stringify(b).replace(sp, `{${pair}, ${sp.slice(1)}`)
        : `{${pair}, ${JSON.stringify(b).slice(1)}`;
      const r = await checkAnswer(payload);
      assert.equal(r.status, 400, payload.slice(0, 300));
      assert.match(r.message!, new RegExp(`^${inSampling ? 'sampling_params(\\[0\\])?\\.' : ''}${name.replace(/\W/g, '\\$&')}: unknown field`), payload.slice(0, 300));
    }), { numRuns: RUNS.proto, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS.proto, markInterruptAsFailure: false, endOnFailure: true });
    t.diagnostic(`${ran.n} bodies with prototype names`);
    assert.ok(ran.n >= 100, `only ${ran.n} bodies ran in the time limit`);
  });

  it('clients that leave mid-request (partly sent, closed, half-closed then closed, reset) or half-close and stay, on every generating endpoint', async (t) => {
    const ran = { n: 0 };
    const abortedAtStart = await abortedRequests();
    const request = fc.oneof(
      validBody.map((b) => ({ path: '/generate', body: b as Record<string, unknown> })),
      fc.record({ prompt: fc.string({ minLength: 1, maxLength: 12 }), stream: fc.boolean(), chat: fc.boolean(), temperature: fc.constantFrom(0, 0.7) })
        .map(({ prompt: p, stream, chat, temperature }) => ({
          path: chat ? '/v1/chat/completions' : '/v1/completions',
          body: { ...(chat ? { messages: [{ role: 'user', content: p }] } : { prompt: p }), stream, temperature, max_tokens: 4, ignore_eos: true } as Record<string, unknown>,
        })),
    );
    const leave = fc.oneof(
      fc.record({ how: fc.constant('partial' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ how: fc.constantFrom('close' as const, 'half-then-close' as const, 'reset' as const), afterMs: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ how: fc.constant('half-and-stay' as const) }),
    );
    await fc.assert(fc.asyncProperty(request, leave, fc.boolean(), async (req, l, long) => {
      ran.n++;
      const body = { ...req.body };
      // a client that leaves may leave a long generation behind; one that stays waits for a short one
      if (l.how !== 'half-and-stay' && long) {
        if (req.path === '/generate') body.sampling_params = { ...(body.sampling_params as object), max_new_tokens: 1500, n: 1, ignore_eos: true };
        else body.max_tokens = 1500;
      }
      // a long request sent whole and then closed on is certain to reach the engine: it must stop early
      const watched = long && (l.how === 'close' || l.how === 'half-then-close');
      if (watched) await waitIdle();
      const tokensBefore = watched ? await generatedTokens() : 0;
      const abortedBefore = watched ? await abortedRequests() : 0;
      const text = JSON.stringify(body);
      const raw = `POST ${req.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
      const sock = connect(srv.port, '127.0.0.1');
      sock.on('error', () => { /* a reset or refused write: the client is leaving anyway */ });
      await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
      let got = '';
      sock.on('data', (d: Buffer) => { got += d.toString(); });
      const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
      const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
      if (l.how === 'partial') {
        sock.write(raw.slice(0, Math.floor(raw.length * l.at)));
        sock.destroy();
      } else if (l.how === 'half-and-stay') {
        sock.end(raw);
        await closed;
        // 100 Continue interim responses, then one whole answer: a 200 or a one-line 400
        const final = got.replace(/^(HTTP\/1\.1 100 Continue\r\n\r\n)*/, '');
        assert.match(final, /^HTTP\/1\.1 (200|400) /, `${req.path} ${text.slice(0, 200)}: ${JSON.stringify(got.slice(0, 300))}`);
        const payload = final.slice(final.indexOf('\r\n\r\n') + 4);
        if (final.startsWith('HTTP/1.1 200') && !/text\/event-stream/.test(final.slice(0, final.indexOf('\r\n\r\n')))) JSON.parse(payload);
      } else {
        if (l.how === 'half-then-close') sock.end(raw); else sock.write(raw);
        await wait(l.afterMs);
        if (l.how === 'reset') sock.resetAndDestroy(); else sock.destroy();
      }
      await closed;
      if (watched) {
        for (const deadline = Date.now() + 600_000; ;) {
          if ((await abortedRequests()) > abortedBefore || (await generatedTokens()) > tokensBefore) break;
          assert.ok(Date.now() < deadline, 'the request left behind never ended');
          await wait(100);
        }
        await waitIdle();
        const left = (await generatedTokens()) - tokensBefore - 1;
        assert.ok(left < 1500, `a request left behind (${l.how} after ${l.afterMs} ms, ${req.path}) generated ${left} tokens, all it asked for`);
      }
      // whatever the client did, the next one is answered
      const next = await postJson(srv.base, '/generate', { text: 'Hi', sampling_params: { max_new_tokens: 2, temperature: 0 } });
      assert.equal(next.status, 200, `after ${l.how} on ${req.path}: ${next.text.slice(0, 200)}`);
    }), { numRuns: RUNS.closes, seed: SEED, interruptAfterTimeLimit: TIME_LIMIT_MS.closes, markInterruptAsFailure: false, endOnFailure: true });
    t.diagnostic(`${ran.n} clients`);
    assert.ok(ran.n >= 30, `only ${ran.n} clients ran in the time limit`);
    // the long generations left behind were stopped, not run to their end
    await waitIdle();
    const aborted = (await abortedRequests()) - abortedAtStart;
    t.diagnostic(`${aborted} generations stopped because their client left`);
    assert.ok(aborted >= 5, `only ${aborted} generations were stopped for a client that left`);
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
