// The reference engine as the harness sees it: a separate process speaking SGLang's native
// protocol. One server for the whole file (`prism-bench serve --draft ngram --port 0`), small
// max_new_tokens; checks readiness, request and response shapes, streaming, stop conditions,
// 400s for bad input (and that the server keeps serving), and a clean SIGTERM exit.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_CONFIG, TOKENIZER_PATH } from '../../src/model/config.ts';

const BIN = fileURLToPath(new URL('../../../../bin/prism-bench.js', import.meta.url));
const MAX_BODY = 65536;
const PROMPT = 'Question: Write a short letter to a neighbor thanking him for helping you repair the fence.\nAnswer:';

let child: ChildProcess;
let base = '';
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
const preReady: string[] = []; // what /health said before it said 200
let generateBeforeReady: number | string = 'not tried';
let generateBeforeReadyBody: any;
const tok = Tokenizer.load(TOKENIZER_PATH);

interface Meta {
  id: string;
  finish_reason: { type: string; matched?: string | number; length?: number } | null;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  e2e_latency: number;
  spec_verify_ct: number;
  spec_accept_length: number;
  spec_num_correct_drafts: number;
  spec_num_proposed_drafts: number;
  spec_correct_drafts_histogram: number[];
  prism_draft_time_s: number;
  prism_verify_time_s: number;
  prism_prefill_time_s: number;
}
interface GenerateResponse { text: string; output_ids: number[]; meta_info: Meta }

async function post(body: unknown, raw = false): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const res = await fetch(`${base}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ? (body as string) : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}
async function get(path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
async function generate(body: Record<string, unknown>): Promise<GenerateResponse> {
  const r = await post(body);
  assert.equal(r.status, 200, `generate failed: ${r.text}`);
  return r.json as GenerateResponse;
}

before(async () => {
  child = spawn(process.execPath, [BIN, 'serve', '--draft', 'ngram', '--port', '0', '--max-body-bytes', String(MAX_BODY)], { stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 60 s; output so far:\n${output}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with code ${code} before listening:\n${output}`)); });
  });
  // the port is open before the model is loaded: /health must say 503 (or refuse) until warm.
  // A generate sent at once (it lands while the model loads) must be refused with 503.
  const earlyGenerate = post({ text: 'hi', sampling_params: { max_new_tokens: 2 } });
  earlyGenerate.catch(() => undefined); // awaited below only once /health has said 503
  const deadline = Date.now() + 120_000;
  for (;;) {
    let status: number | string;
    try {
      const r = await fetch(`${base}/health`);
      status = r.status;
      await r.text();
    } catch (e) {
      status = (e as { cause?: { code?: string } }).cause?.code ?? String(e);
    }
    if (status === 200) break;
    preReady.push(String(status));
    if (generateBeforeReady === 'not tried' && status === 503) {
      // readiness only ever goes from 503 to 200, so a generate answered before a 503 ran before ready
      const g = await earlyGenerate;
      const h = await fetch(`${base}/health`);
      await h.text();
      generateBeforeReady = g.status === 503 || h.status === 503 ? g.status : `${g.status} (not conclusive: ready by then)`;
      generateBeforeReadyBody = g.json;
    }
    if (Date.now() > deadline) throw new Error(`server not ready within 120 s; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
});

describe('reference server (SGLang protocol)', () => {
  it('readiness: /health answered 503 (or refused) until warm, then 200; /generate was refused with 503 meanwhile', async (t) => {
    t.diagnostic(`before ready: /health ${preReady.join(' ')}; /generate ${generateBeforeReady}`);
    assert.ok(preReady.length > 0, 'the first /health poll after "listening" was already 200: loading is not observable');
    for (const s of preReady) assert.ok(s === '503' || s === 'ECONNREFUSED', `before ready /health gave ${s}`);
    assert.ok(preReady.includes('503'), 'expected at least one 503 while loading');
    if (generateBeforeReady === 503) {
      assert.match(generateBeforeReadyBody?.error?.message ?? '', /loading|warming/);
    } else {
      // not provably before ready; then it must at least be a well-formed success
      assert.match(String(generateBeforeReady), /^200 \(not conclusive/);
      assert.equal(generateBeforeReadyBody?.meta_info?.completion_tokens, 2);
    }
    assert.match(output, /ready in [\d.]+ s/);
    assert.equal((await get('/health')).status, 200);
    assert.equal((await get('/health_generate')).status, 200);
  });

  it('/model_info, /server_info and the older /get_* names', async () => {
    for (const path of ['/model_info', '/get_model_info']) {
      const r = await get(path);
      assert.equal(r.status, 200);
      assert.equal(r.json.is_generation, true);
      assert.equal(typeof r.json.model_path, 'string');
      assert.match(r.json.model_path, /models[\\/]target/);
    }
    for (const path of ['/server_info', '/get_server_info']) {
      const r = await get(path);
      assert.equal(r.status, 200);
      assert.equal(r.json.speculative_algorithm, 'NGRAM');
      assert.equal(r.json.speculative_num_draft_tokens, 7);
      assert.equal(r.json.max_total_tokens, TARGET_CONFIG.maxContext);
      assert.ok(Array.isArray(r.json.internal_states));
      assert.equal(typeof r.json.internal_states[0].avg_spec_accept_length, 'number');
    }
  });

  let greedy: GenerateResponse;
  it('text request: response shape and every meta_info field', async () => {
    greedy = await generate({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
    const m = greedy.meta_info;
    assert.equal(greedy.output_ids.length, 24);
    for (const id of greedy.output_ids) assert.ok(Number.isInteger(id) && id >= 0 && id < tok.vocabSize);
    assert.equal(greedy.text, tok.decode(greedy.output_ids));
    assert.ok(typeof m.id === 'string' && m.id.length >= 8);
    assert.deepEqual(m.finish_reason, { type: 'length', length: 24 });
    assert.equal(m.prompt_tokens, tok.encode(PROMPT).length);
    assert.equal(m.completion_tokens, 24);
    assert.equal(m.cached_tokens, 0);
    assert.ok(m.e2e_latency > 0 && m.e2e_latency < 60, `e2e_latency ${m.e2e_latency} s`);
    assert.ok(Number.isInteger(m.spec_verify_ct) && m.spec_verify_ct >= 1 && m.spec_verify_ct <= 23, `spec_verify_ct ${m.spec_verify_ct}`);
    const h = m.spec_correct_drafts_histogram;
    assert.equal(h.length, 7, 'histogram over 0..6 accepted drafts');
    assert.equal(h.reduce((a, b) => a + b, 0), m.spec_verify_ct);
    assert.equal(h.reduce((a, n, k) => a + n * k, 0), m.spec_num_correct_drafts);
    // the first token comes from prefill; every cycle emits its accepted drafts plus one
    assert.equal(1 + m.spec_verify_ct + m.spec_num_correct_drafts, 24);
    assert.ok(m.spec_num_correct_drafts <= m.spec_num_proposed_drafts);
    assert.ok(Math.abs(m.spec_accept_length - 24 / m.spec_verify_ct) < 1e-9);
    assert.ok(m.prism_draft_time_s >= 0 && m.prism_draft_time_s < m.e2e_latency);
    assert.ok(m.prism_verify_time_s > 0 && m.prism_verify_time_s < m.e2e_latency);
    assert.ok(m.prism_prefill_time_s > 0);
    assert.ok(m.prism_draft_time_s + m.prism_verify_time_s + m.prism_prefill_time_s <= m.e2e_latency + 1e-3);
  });

  it('input_ids request for the same prompt gives the same greedy output', async () => {
    const r = await generate({ input_ids: tok.encode(PROMPT), sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
    assert.deepEqual(r.output_ids, greedy.output_ids);
    assert.equal(r.text, greedy.text);
  });

  it('every sampling field at once, with rid; a fixed sampling_seed reproduces the sample', async () => {
    const body = {
      text: PROMPT, rid: 'rid-sampled-1',
      sampling_params: { max_new_tokens: 12, temperature: 0.8, top_p: 0.9, top_k: 20, ignore_eos: true, stop: ['never-appears-zzz'], stop_token_ids: [], sampling_seed: 42 },
    };
    const a = await generate(body);
    const b = await generate({ ...body, rid: 'rid-sampled-2' });
    assert.equal(a.meta_info.id, 'rid-sampled-1');
    assert.equal(b.meta_info.id, 'rid-sampled-2');
    assert.equal(a.output_ids.length, 12);
    assert.deepEqual(a.output_ids, b.output_ids, 'same seed, same sample');
    const seeds = [1, 2, 3, 4, 5];
    const outs = await Promise.all(seeds.map((s) => generate({ ...body, sampling_params: { ...body.sampling_params, sampling_seed: s } })));
    assert.ok(new Set(outs.map((o) => o.output_ids.join(','))).size > 1, 'different seeds should give different samples at temperature 0.8');
  });

  it('stream: SSE data chunks with cumulative text, final meta_info, then data: [DONE]', async () => {
    const r = await post({ text: PROMPT, stream: true, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = r.text.split('\n\n').filter((e) => e.length > 0);
    assert.ok(events.every((e) => e.startsWith('data: ')), 'every event is a data: line');
    assert.equal(events[events.length - 1], 'data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as GenerateResponse);
    assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
    for (let i = 1; i < chunks.length; i++) {
      assert.ok(chunks[i].text.startsWith(chunks[i - 1].text), 'text is cumulative');
      assert.ok(chunks[i].output_ids.length >= chunks[i - 1].output_ids.length);
    }
    for (const c of chunks.slice(0, -1)) assert.equal(c.meta_info.finish_reason, null);
    const last = chunks[chunks.length - 1];
    assert.equal(last.text, greedy.text, 'streamed greedy output equals the non-streamed one');
    assert.deepEqual(last.output_ids, greedy.output_ids);
    assert.deepEqual(last.meta_info.finish_reason, { type: 'length', length: 24 });
    assert.equal(last.meta_info.completion_tokens, 24);
    assert.equal(typeof last.meta_info.spec_verify_ct, 'number');
    assert.equal(typeof last.meta_info.e2e_latency, 'number');
  });

  it('stop strings end the text before the match; stop_token_ids end after the token', async () => {
    // a stop string taken from the middle of the known greedy output
    const full = greedy.text;
    let stop = '';
    for (let at = Math.max(1, Math.floor(full.length / 3)); at < full.length - 3 && !stop; at++) {
      const cand = full.slice(at, at + 3);
      if (full.indexOf(cand) === at) stop = cand;
    }
    // degenerate (repetitive) output: fall back to the earliest first occurrence
    for (let at = 1; at < full.length - 3 && !stop; at++) if (full.indexOf(full.slice(at, at + 3)) === at) stop = full.slice(at, at + 3);
    assert.ok(stop, `no usable stop string in ${JSON.stringify(full)}`);
    const r = await generate({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true, stop: ['zzz-never', stop] } });
    assert.equal(r.text, full.slice(0, full.indexOf(stop)));
    assert.deepEqual(r.meta_info.finish_reason, { type: 'stop', matched: stop });
    assert.ok(r.meta_info.completion_tokens < 24);
    assert.deepEqual(r.output_ids, greedy.output_ids.slice(0, r.output_ids.length));

    const j = 5;
    const stopId = greedy.output_ids[j];
    const first = greedy.output_ids.indexOf(stopId);
    const s = await generate({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, stop_token_ids: [stopId] } });
    if (!greedy.output_ids.slice(0, first + 1).includes(tok.eosId)) {
      assert.deepEqual(s.output_ids, greedy.output_ids.slice(0, first + 1));
      assert.deepEqual(s.meta_info.finish_reason, { type: 'stop', matched: stopId });
      assert.equal(s.meta_info.completion_tokens, first + 1);
    }
  });

  describe('bad input: 400 with a JSON error naming the problem; the server keeps serving', () => {
    const cases: [string, unknown, boolean, RegExp][] = [
      ['malformed JSON', '{"text": "hi", "sampling_params": {', true, /body: not valid JSON/],
      ['unknown top-level field', { text: 'hi', max_tokens: 4 }, false, /max_tokens: unknown field/],
      ['unknown sampling field', { text: 'hi', sampling_params: { max_tokens: 4 } }, false, /sampling_params\.max_tokens: unknown field/],
      ['wrong type: text', { text: 42 }, false, /text: expected a string/],
      ['wrong type: temperature', { text: 'hi', sampling_params: { temperature: 'warm' } }, false, /sampling_params\.temperature: expected a number/],
      ['wrong type: input_ids', { input_ids: 'hello' }, false, /input_ids: expected a list of token ids/],
      ['wrong type: stream', { text: 'hi', stream: 1 }, false, /stream: expected true or false/],
      ['oversized body', JSON.stringify({ text: 'x'.repeat(MAX_BODY + 10) }), true, new RegExp(`body: larger than the limit of ${MAX_BODY} bytes`)],
      ['max_new_tokens beyond the context', { text: 'hi', sampling_params: { max_new_tokens: TARGET_CONFIG.maxContext } }, false, new RegExp(`max_new_tokens: prompt \\(\\d+ tokens\\) \\+ max_new_tokens \\(${TARGET_CONFIG.maxContext}\\) exceeds the context of ${TARGET_CONFIG.maxContext} tokens`)],
      ['empty prompt (text)', { text: '' }, false, /text: the prompt is empty/],
      ['empty prompt (input_ids)', { input_ids: [] }, false, /input_ids: the prompt is empty/],
      ['token id out of vocab', { input_ids: [5, 4096] }, false, /input_ids\[1\]: token id 4096 is outside the vocabulary 0\.\.4095/],
    ];
    for (const [name, body, raw, message] of cases) {
      it(name, async () => {
        const r = await post(body, raw);
        assert.equal(r.status, 400, `status for ${name}: ${r.status} ${r.text.slice(0, 200)}`);
        assert.match(r.headers.get('content-type') ?? '', /application\/json/);
        assert.equal(r.json?.error?.code, 400);
        assert.match(r.json.error.message, message);
        assert.equal((await get('/health')).status, 200, 'still healthy');
      });
    }

    it('unknown routes and methods: 404 / 405', async () => {
      assert.equal((await get('/v2/nothing')).status, 404);
      assert.equal((await get('/generate')).status, 405);
    });

    it('after all that, generation still works and the lifetime acceptance figure moved', async () => {
      const r = await generate({ text: PROMPT, sampling_params: { max_new_tokens: 24, temperature: 0, ignore_eos: true } });
      assert.deepEqual(r.output_ids, greedy.output_ids);
      const info = await get('/server_info');
      const avg = info.json.internal_states[0].avg_spec_accept_length;
      assert.ok(avg >= 1, `avg_spec_accept_length ${avg} should be at least 1 after requests`);
    });
  });

  it('SIGTERM: the process exits promptly with code 0', async () => {
    const t0 = Date.now();
    child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000));
    const result = await Promise.race([exited, timeout]);
    assert.notEqual(result, 'timeout', `still running 10 s after SIGTERM; output:\n${output}`);
    assert.deepEqual(result, { code: 0, signal: null }, output);
    assert.ok(Date.now() - t0 < 10_000);
    assert.match(output, /SIGTERM: shutting down/);
  });
});
