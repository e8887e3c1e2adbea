// SGLang's own clients, replayed: the request bodies RuntimeEndpoint (generate, generate_stream,
// run_batch's prefix caching, select), bench_serving and flush_cache build (fixtures in
// packages/reference-engine/test/fixtures/sglang-requests, each citing its SGLang source) against the real
// `prism-bench serve --draft prism`, checking each answer's shape and values; plus the endpoints
// and keys those clients read, the SGLang features the engine implements, and a half-closed client.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TOKENIZER_PATH } from '../../src/model/config.ts';
import { postJson, sseChunks, startServe, type RunningServer } from './serve.ts';

interface Fixture { source: string; body: any; path?: string }
const FIXTURES = (JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/sglang-requests/requests.json', import.meta.url)), 'utf8')) as { requests: Record<string, Fixture> }).requests;
const tok = Tokenizer.load(TOKENIZER_PATH);
let srv: RunningServer;
const gen = (body: unknown) => postJson(srv.base, '/generate', body);
const ok = async (body: unknown) => {
  const r = await gen(body);
  assert.equal(r.status, 200, r.text.slice(0, 300));
  return r.json;
};

/** [logprob, token id, text|null] as SGLang returns them */
function assertTriple(e: unknown, withText: boolean, where: string): void {
  assert.ok(Array.isArray(e) && e.length === 3, `${where}: ${JSON.stringify(e)}`);
  const [lp, id, text] = e as [number | null, number, string | null];
  assert.ok(lp === null || (typeof lp === 'number' && lp <= 1e-6), `${where}: logprob ${lp}`);
  assert.ok(Number.isInteger(id) && id >= 0 && id < tok.vocabSize, `${where}: id ${id}`);
  if (withText) assert.equal(text, tok.decode([id]), `${where}: text`); else assert.equal(text, null, `${where}: text`);
}

before(async () => { srv = await startServe(['--draft', 'prism']); });
after(async () => { assert.equal(await srv?.stop(), 0, srv?.output()); });

describe('fixtures: request bodies as SGLang builds them', () => {
  it('every fixture cites its SGLang source', () => {
    for (const [name, f] of Object.entries(FIXTURES)) assert.match(f.source, /python\/sglang\/.+\.py/, name);
  });

  it('RuntimeEndpoint.generate: 200, greedy text equal to a plain greedy request, meta_info complete', async () => {
    const f = FIXTURES.runtime_endpoint_generate;
    const r = await ok(f.body);
    const plain = await ok({ text: f.body.text, sampling_params: { max_new_tokens: 32, temperature: 0 } });
    assert.equal(r.text, plain.text);
    assert.deepEqual(r.output_ids, plain.output_ids);
    const m = r.meta_info;
    assert.equal(m.prompt_tokens, tok.encode(f.body.text).length);
    assert.equal(m.completion_tokens, r.output_ids.length);
    assert.ok(m.completion_tokens >= 1 && m.completion_tokens <= 32);
    assert.equal(m.cached_tokens, 0);
    assert.ok(m.spec_verify_ct >= 1 && m.spec_verify_ct <= m.completion_tokens);
    assert.equal(typeof m.e2e_latency, 'number');
    assert.equal(m.input_token_logprobs, undefined, 'return_logprob: null asks for no logprobs');
  });

  it('RuntimeEndpoint.generate_stream: cumulative text, cached_tokens in every chunk, [DONE]', async () => {
    const f = FIXTURES.runtime_endpoint_generate_stream;
    const r = await gen(f.body);
    assert.equal(r.status, 200);
    const { chunks, done } = sseChunks(r.text);
    assert.ok(done && chunks.length >= 2, `${chunks.length} chunks`);
    let prev = '';
    for (const [i, c] of chunks.entries()) {
      assert.equal(c.meta_info.cached_tokens, 0, `chunk ${i} lacks cached_tokens`);
      assert.ok(c.text.startsWith(prev), 'text is cumulative');
      prev = c.text;
      if (i < chunks.length - 1) assert.equal(c.meta_info.finish_reason, null);
    }
    const last = chunks[chunks.length - 1];
    assert.ok(last.meta_info.finish_reason !== null);
    assert.deepEqual(last.output_ids, (await ok(FIXTURES.runtime_endpoint_generate.body)).output_ids);
  });

  it('run_batch prefix caching: max_new_tokens 0 runs the prefill only', async () => {
    const f = FIXTURES.run_batch_cache_prefix;
    const r = await ok(f.body);
    assert.equal(r.text, '');
    assert.deepEqual(r.output_ids, []);
    assert.equal(r.meta_info.completion_tokens, 0);
    assert.equal(r.meta_info.prompt_tokens, tok.encode(f.body.text).length);
    assert.deepEqual(r.meta_info.finish_reason, { type: 'length', length: 0 });
    assert.equal(r.meta_info.spec_verify_ct, 0);
  });

  it('select: batched text, input logprobs with text from logprob_start_len', async () => {
    const f = FIXTURES.select_logprobs;
    const r = await ok(f.body);
    assert.ok(Array.isArray(r) && r.length === 2);
    r.forEach((one: any, i: number) => {
      const ids = tok.encode(f.body.text[i]);
      assert.equal(one.meta_info.prompt_tokens, ids.length);
      const inp = one.meta_info.input_token_logprobs;
      assert.equal(inp.length, ids.length - f.body.logprob_start_len);
      inp.forEach((e: unknown, j: number) => assertTriple(e, true, `text[${i}] position ${j}`));
      assert.deepEqual(inp.map((e: any) => e[1]), ids.slice(f.body.logprob_start_len));
      assert.deepEqual(one.meta_info.output_token_logprobs, []);
    });
    // the two prompts share everything but the last token, so their shared positions score the same
    const a = r[0].meta_info.input_token_logprobs, b = r[1].meta_info.input_token_logprobs;
    const shared = Math.min(a.length, b.length) - 1;
    for (let j = 0; j < shared; j++) if (a[j][1] === b[j][1]) assert.ok(Math.abs(a[j][0] - b[j][0]) < 1e-3, `position ${j}`);
  });

  it('select, unconditional: batched input_ids; the first prompt token has no logprob', async () => {
    const f = FIXTURES.select_unconditional;
    const r = await ok({ ...f.body, logprob_start_len: 0 });
    assert.equal(r.length, 2);
    assert.deepEqual(r[0].meta_info.input_token_logprobs.map((e: any) => e[1]), f.body.input_ids[0]);
    assert.equal(r[0].meta_info.input_token_logprobs[0][0], null);
    const plain = await ok(f.body);
    assert.deepEqual(plain[1].meta_info.input_token_logprobs, [], 'logprob_start_len defaults to -1: output tokens only');
  });

  it('bench_serving: streamed, ignore_eos honoured, cached_tokens and spec_verify_ct present', async () => {
    const f = FIXTURES.bench_serving_sglang;
    const r = await gen(f.body);
    assert.equal(r.status, 200);
    const { chunks, done } = sseChunks(r.text);
    assert.ok(done);
    assert.ok(chunks.every((c) => c.meta_info.cached_tokens === 0 && typeof c.meta_info.completion_tokens === 'number'));
    const last = chunks[chunks.length - 1].meta_info;
    assert.equal(last.completion_tokens, 24);
    assert.deepEqual(last.finish_reason, { type: 'length', length: 24 });
    assert.ok(last.spec_verify_ct >= 1 && last.spec_accept_length >= 1);
  });

  it('flush_cache: 200 on POST (with its body) and GET', async () => {
    const f = FIXTURES.flush_cache;
    const r = await postJson(srv.base, f.path!, f.body);
    assert.equal(r.status, 200);
    assert.match(r.text, /flushed/i);
    assert.equal((await fetch(`${srv.base}/flush_cache`)).status, 200);
  });
});

describe('what SGLang clients read', () => {
  it('/get_server_info: SGLang server-args keys, filled truthfully for --draft prism', async () => {
    const info = await (await fetch(`${srv.base}/get_server_info`)).json() as Record<string, any>;
    for (const k of ['model_path', 'speculative_algorithm', 'speculative_draft_model_path', 'speculative_num_steps', 'speculative_num_draft_tokens',
      'speculative_eagle_topk', 'dtype', 'cuda_graph_max_bs', 'tp_size', 'disable_radix_cache', 'max_running_requests', 'context_length', 'max_total_num_tokens', 'version']) {
      assert.ok(k in info, `missing ${k}`);
    }
    assert.equal(info.speculative_algorithm, 'LD');
    assert.match(info.speculative_draft_model_path, /prism$/);
    assert.equal(info.speculative_num_draft_tokens, info.speculative_num_steps + 1);
    assert.equal(info.speculative_eagle_topk, 1);
    assert.equal(info.dtype, 'float32');
    assert.equal(info.tp_size, 1);
    assert.equal(info.disable_radix_cache, true, 'no prefix cache');
    assert.equal(info.cuda_graph_max_bs, null, 'CPU engine: no CUDA graphs');
    assert.equal(info.max_running_requests, 1);
    assert.ok(info.context_length >= 1024);
    assert.ok(Array.isArray(info.internal_states));
  });

  it('/get_model_info: model_path, tokenizer_path, is_generation', async () => {
    const m = await (await fetch(`${srv.base}/get_model_info`)).json() as Record<string, any>;
    assert.equal(typeof m.model_path, 'string');
    assert.equal(typeof m.tokenizer_path, 'string');
    assert.equal(m.is_generation, true);
  });

  it('/concate_and_append_request: a clear refusal, not a bare 404', async () => {
    const r = await postJson(srv.base, '/concate_and_append_request', { src_rids: ['a'], dst_rid: 'b' });
    assert.equal(r.status, 501);
    assert.match(r.json.error.message, /no KV cache between requests/);
  });
});

describe('SGLang features the engine implements', () => {
  const PROMPT = 'Question: Describe a busy market in the morning.\nAnswer:';

  it('output logprobs: greedy tokens are their own top-1, and input logprobs of the continuation agree', async () => {
    const r = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 6, temperature: 0, ignore_eos: true }, return_logprob: true, top_logprobs_num: 2 });
    const out = r.meta_info.output_token_logprobs, top = r.meta_info.output_top_logprobs;
    assert.equal(out.length, 6);
    out.forEach((e: any, i: number) => {
      assertTriple(e, false, `output ${i}`);
      assert.equal(e[1], r.output_ids[i]);
      assert.equal(top[i].length, 2);
      assert.equal(top[i][0][1], e[1], 'greedy picks the most likely token');
      assert.ok(Math.abs(top[i][0][0] - e[0]) < 1e-9 && top[i][1][0] <= top[i][0][0]);
    });
    // scoring prompt + output as input gives the same logprobs (a different pass shape: small float noise)
    const ids = [...tok.encode(PROMPT), ...r.output_ids];
    const again = await ok({ input_ids: ids, sampling_params: { max_new_tokens: 0 }, return_logprob: true, logprob_start_len: ids.length - 6 });
    again.meta_info.input_token_logprobs.forEach((e: any, i: number) => assert.ok(Math.abs(e[0] - out[i][0]) < 2e-3, `position ${i}: ${e[0]} vs ${out[i][0]}`));
  });

  it('penalties change greedy output; n returns n samples; min_new_tokens holds EOS back', async () => {
    const plain = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
    const pen = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true, frequency_penalty: 1, presence_penalty: 0.5, repetition_penalty: 1.5 } });
    assert.notDeepEqual(pen.output_ids, plain.output_ids);
    const counts = (ids: number[]) => Math.max(...[...new Set(ids)].map((t) => ids.filter((x) => x === t).length));
    assert.ok(counts(pen.output_ids) <= counts(plain.output_ids), 'penalised output repeats no token more often');
    const many = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 8, temperature: 1, n: 3, sampling_seed: 5 } });
    assert.ok(Array.isArray(many) && many.length === 3);
    // EOS forced by logit_bias ends at once, unless min_new_tokens holds it back
    const eos = String(tok.eosId);
    const forced = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 8, temperature: 0, logit_bias: { [eos]: 100 } } });
    assert.deepEqual(forced.output_ids, [tok.eosId]);
    const held = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 8, temperature: 0, logit_bias: { [eos]: 100 }, min_new_tokens: 5 } });
    assert.equal(held.output_ids.length, 6);
    assert.equal(held.output_ids.indexOf(tok.eosId), 5);
  });

  it('skip_special_tokens and no_stop_trim', async () => {
    const eos = String(tok.eosId);
    const body = { text: PROMPT, sampling_params: { max_new_tokens: 1, temperature: 0, logit_bias: { [eos]: 100 } } };
    assert.equal((await ok(body)).text, '');
    const special = Object.entries(tok.file.specials).find(([, id]) => id === tok.eosId)![0];
    assert.equal((await ok({ ...body, sampling_params: { ...body.sampling_params, skip_special_tokens: false } })).text, special);
    const plain = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
    const stop = plain.text.slice(10, 14);
    const at = plain.text.indexOf(stop);
    const trimmed = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true, stop } });
    assert.equal(trimmed.text, plain.text.slice(0, at));
    assert.deepEqual(trimmed.meta_info.finish_reason, { type: 'stop', matched: stop });
    assert.ok(trimmed.output_ids.length < plain.output_ids.length, 'output_ids end where the stop string does');
    const kept = await ok({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true, stop, no_stop_trim: true } });
    assert.ok(kept.text.startsWith(plain.text.slice(0, at) + stop), JSON.stringify(kept.text));
    assert.deepEqual(kept.output_ids, trimmed.output_ids);
  });

  it('a capability the engine lacks gets a 400 naming it', async () => {
    const r = await gen({ ...FIXTURES.runtime_endpoint_generate.body, image_data: 'https://example.com/cat.png' });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /^image_data: the reference engine is text-only/);
    const g = await gen({ text: 'hi', sampling_params: { json_schema: '{"type": "object"}' } });
    assert.match(g.json.error.message, /^sampling_params\.json_schema: constrained decoding \(json_schema\) is not supported/);
  });

  it('1e400 in a body is out of range, not "null"', async () => {
    const r = await gen('{"text": "hi", "sampling_params": {"max_new_tokens": 1e400}}');
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /^sampling_params\.max_new_tokens: expected an integer >= 0 .*got a number out of range/);
  });
});

describe('a client that half-closes its socket after sending', () => {
  it('still gets its full response', async () => {
    const body = JSON.stringify({ text: 'Hello', sampling_params: { max_new_tokens: 4, temperature: 0 } });
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(srv.port, '127.0.0.1', () => {
        sock.write(`POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        sock.end(); // FIN: nothing more to send, still reading
      });
      let got = '';
      sock.on('data', (d) => { got += d.toString(); });
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
      setTimeout(() => { sock.destroy(); reject(new Error(`no complete response within 30 s; got ${JSON.stringify(got)}`)); }, 30_000);
    });
    assert.match(reply, /^HTTP\/1\.1 200 /);
    const json = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    assert.equal(json.meta_info.completion_tokens, json.output_ids.length);
  });
});
