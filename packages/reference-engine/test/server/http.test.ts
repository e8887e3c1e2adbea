// The HTTP server's edges, against the real `prism-bench serve --draft ngram` (one for the file):
// a generation stops when its client goes away on every generating endpoint, however the client
// leaves (fetch aborted, socket closed, half-closed then closed); a half-closed client that stays
// still gets its whole answer; Object.prototype's names are unknown fields; a prompt longer than
// the context gets a 400 naming its length and the context. What the server did is read from its
// own counters (server_info's prism_aborted_requests, /metrics' generation tokens), not from clocks.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { postJson, startServe, type RunningServer } from './serve.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { TARGET_CONFIG, TOKENIZER_PATH } from '../../src/model/config.ts';

const LONG = 2500;
const tok = Tokenizer.load(TOKENIZER_PATH);
let srv: RunningServer;

before(async () => { srv = await startServe(['--draft', 'ngram']); });
after(async () => { assert.equal(await srv?.stop(), 0, srv?.output()); });

/** the server's own record: requests stopped because their client left, and tokens generated in all */
async function counters(): Promise<{ aborted: number; tokens: number }> {
  const info = await (await fetch(`${srv.base}/server_info`)).json() as { internal_states: { prism_aborted_requests?: number }[] };
  const metrics = await (await fetch(`${srv.base}/metrics`)).text();
  const m = /^vllm:generation_tokens_total\{[^}]*\} (\d+)$/m.exec(metrics);
  assert.ok(m, metrics.slice(0, 500));
  return { aborted: info.internal_states[0].prism_aborted_requests ?? NaN, tokens: Number(m[1]) };
}

/** a long greedy request for each generating endpoint, whole (not streamed) */
const ENDPOINTS: { path: string; body: (maxNew: number) => unknown }[] = [
  { path: '/generate', body: (n) => ({ text: 'Question: Tell me a long story.\nAnswer:', sampling_params: { max_new_tokens: n, temperature: 0, ignore_eos: true } }) },
  { path: '/v1/completions', body: (n) => ({ prompt: 'Question: Tell me a long story.\nAnswer:', max_tokens: n, temperature: 0, ignore_eos: true }) },
  { path: '/v1/chat/completions', body: (n) => ({ messages: [{ role: 'user', content: 'Tell me a long story.' }], max_tokens: n, temperature: 0, ignore_eos: true }) },
];

const rawRequest = (path: string, body: unknown) => {
  const text = JSON.stringify(body);
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
};

/** opens a socket, writes the request; resolves once the kernel has it (the server will read all of it) */
function sendRaw(path: string, body: unknown): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = connect(srv.port, '127.0.0.1', () => sock.write(rawRequest(path, body), (e) => (e ? reject(e) : resolve(sock))));
    sock.on('error', reject);
  });
}

/** the ways a client leaves a request it no longer wants */
const LEAVES: Record<string, (path: string, body: unknown) => Promise<void>> = {
  // fetch's AbortController (undici closes the socket); the wait only lets the request go out
  'fetch aborted': async (path, body) => {
    const ac = new AbortController();
    const pending = fetch(`${srv.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: ac.signal });
    await new Promise((r) => setTimeout(r, 1000));
    ac.abort();
    await assert.rejects(pending, { name: 'AbortError' });
  },
  // curl -m: the socket closed (a FIN, as a half-close sends) while the whole answer is computed
  'socket closed': async (path, body) => { (await sendRaw(path, body)).destroy(); },
  // half-closed after sending, then gone once the server has shown it noticed (its 100 Continue)
  'half-closed, then closed': async (path, body) => {
    const sock = await sendRaw(path, body);
    let got = '';
    await new Promise<void>((resolve, reject) => {
      sock.on('data', (d) => { got += d.toString(); if (got.includes('\r\n\r\n')) resolve(); });
      sock.on('close', () => reject(new Error(`closed before any interim response; got ${JSON.stringify(got)}`)));
      sock.end();
    });
    assert.match(got, /^(HTTP\/1\.1 100 Continue\r\n\r\n)+$/);
    sock.destroy();
  },
};

describe('a whole (not streamed) generation stops when its client goes away', () => {
  for (const ep of ENDPOINTS) {
    for (const [how, leave] of Object.entries(LEAVES)) {
      it(`${ep.path}: ${how}`, async (t) => {
        const before = await counters();
        await leave(ep.path, ep.body(LONG));
        // the request left behind has ended once the server counts it (aborted, or its tokens);
        // the server may read it after a request sent later on another connection, so wait for that
        for (const deadline = Date.now() + 600_000; ;) {
          const now = await counters();
          if (now.aborted > before.aborted || now.tokens > before.tokens) break;
          assert.ok(Date.now() < deadline, 'the request left behind never ended');
          await new Promise((r) => setTimeout(r, 100));
        }
        // and the next request is served at once (one at a time: it would wait for the one left behind)
        const next = await postJson(srv.base, '/generate', { text: 'Hi', sampling_params: { max_new_tokens: 4, temperature: 0, ignore_eos: true } });
        assert.equal(next.status, 200, next.text);
        const after = await counters();
        const leftBehind = after.tokens - before.tokens - 4;
        t.diagnostic(`the request left behind generated ${leftBehind} of its ${LONG} tokens`);
        assert.ok(leftBehind >= 1 && leftBehind < LONG, `the request left behind generated ${leftBehind} of its ${LONG} tokens`);
        assert.equal(after.aborted - before.aborted, 1, 'the server counts one aborted request');
      });
    }
  }
});

describe('a client that half-closes and stays still gets its whole answer', () => {
  for (const ep of ENDPOINTS) {
    it(`${ep.path}: any interim responses are 100 Continue, then the 200 with every token`, async (t) => {
      const before = await counters();
      const sock = await sendRaw(ep.path, ep.body(64));
      const reply = await new Promise<string>((resolve, reject) => {
        let got = '';
        sock.on('data', (d) => { got += d.toString(); });
        sock.on('close', () => resolve(got));
        sock.on('error', reject);
        sock.end();
      });
      const final = reply.replace(/^(HTTP\/1\.1 100 Continue\r\n\r\n)*/, '');
      t.diagnostic(`${(reply.length - final.length) / 25} interim responses`);
      assert.match(final, /^HTTP\/1\.1 200 /, reply.slice(0, 300));
      const json = JSON.parse(final.slice(final.indexOf('\r\n\r\n') + 4));
      assert.equal(json.meta_info?.completion_tokens ?? json.usage.completion_tokens, 64);
      const after = await counters();
      assert.equal(after.aborted, before.aborted);
      assert.equal(after.tokens - before.tokens, 64);
    });
  }
});

describe('Object.prototype\'s names are unknown fields over HTTP too', () => {
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    it(name, async () => {
      const top = await postJson(srv.base, '/generate', `{"text": "hi", ${JSON.stringify(name)}: null}`);
      assert.equal(top.status, 400, top.text);
      assert.match(top.json.error.message, new RegExp(`^${name.replace(/\W/g, '\\$&')}: unknown field`));
      const sp = await postJson(srv.base, '/generate', `{"text": "hi", "sampling_params": {${JSON.stringify(name)}: 5}}`);
      assert.equal(sp.status, 400, sp.text);
      assert.match(sp.json.error.message, new RegExp(`^sampling_params\\.${name.replace(/\W/g, '\\$&')}: unknown field`));
    });
  }
});

describe('a prompt longer than the context: 400 naming its tokens and the context, on every endpoint', () => {
  const ctx = TARGET_CONFIG.maxContext;
  const text = 'the cat sat on the mat. '.repeat(Math.ceil(ctx / 4));
  const n = tok.encode(text).length;
  const ids = Array.from({ length: ctx + 10 }, (_, i) => i % 1000);
  const said = (field: string, tokens: number) => new RegExp(`^${field.replace(/\W/g, '\\$&')}: the prompt is ${tokens} tokens, the context is ${ctx} tokens; send a shorter prompt$`);
  const cases: [string, string, unknown, RegExp][] = [
    ['/generate text', '/generate', { text, sampling_params: { max_new_tokens: 0 } }, said('text', n)],
    ['/generate input_ids', '/generate', { input_ids: ids }, said('input_ids', ctx + 10)],
    ['/generate batched text', '/generate', { text: ['hi', text] }, said('text[1]', n)],
    ['/v1/completions', '/v1/completions', { prompt: text, max_tokens: 1 }, said('prompt', n)],
  ];
  for (const [name, path, body, message] of cases) {
    it(name, async () => {
      assert.ok(n > ctx, `${n} tokens`);
      const r = await postJson(srv.base, path, body);
      assert.equal(r.status, 400, r.text.slice(0, 300));
      assert.match(r.json.error?.message ?? r.json.message, message);
    });
  }
  it('/v1/chat/completions', async () => {
    const r = await postJson(srv.base, '/v1/chat/completions', { messages: [{ role: 'user', content: text }] });
    assert.equal(r.status, 400, r.text.slice(0, 300));
    assert.match(r.json.message, new RegExp(`^messages: the prompt is \\d+ tokens, the context is ${ctx} tokens; send a shorter prompt$`));
  });
});
