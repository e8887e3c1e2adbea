// run --base-url without a real engine: the flags' checks, the reading of each kind's info
// endpoints (bodies as SGLang, vLLM and trtllm-serve send them, and a tiny fake server for the
// probe), the reduction of a suite's drafts to the one the server runs, and the audit's findings.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { AttachError, attachOption, attachSuite, attachedDraft, parseAttachFlags, probeServer, unverifiedSettings } from '../../src/runner/attach.ts';
import { emptySettings, openAiModel, sglangServerSettings, vllmServerSettings } from '../../src/engines/server-info.ts';
import { checkAttach } from '../../src/audit/attach.ts';
import { engineAdapter } from '../../src/engines/index.ts';
import { loadSuite } from '../../src/suite/index.ts';
import type { Draft } from '../../src/suite/types.ts';
import type { ResultFile, ServerSettings } from '../../src/result/schema.ts';
import { writeTemp } from '../suite/helpers.ts';

const refused = (fn: () => unknown, flag: string, re: RegExp) => assert.throws(fn, (e: Error) => {
  assert.ok(e instanceof AttachError, String(e));
  assert.ok(e.message.startsWith(`${flag}: `), e.message);
  assert.match(e.message, re);
  assert.match(e.message, / -- /);
  assert.equal(e.message.split('\n').length, 1);
  return true;
});

describe('parseAttachFlags', () => {
  it('no --base-url: nothing to attach; its companions alone are refused', () => {
    assert.equal(parseAttachFlags({}), undefined);
    refused(() => parseAttachFlags({ engineKind: 'vllm' }), '--engine-kind', /only to a server given with --base-url -- add --base-url URL/);
    refused(() => parseAttachFlags({ draftLabel: 'eagle3' }), '--draft-label', /only to a server given with --base-url/);
  });
  it('a URL and a kind, normalized', () => {
    assert.deepEqual(parseAttachFlags({ baseUrl: 'http://gpu-box:8000/', engineKind: 'vllm', draftLabel: ' eagle3 ' }), { baseUrl: 'http://gpu-box:8000', kind: 'vllm', draftLabel: 'eagle3' });
    assert.deepEqual(parseAttachFlags({ baseUrl: 'https://h.example/v/', engineKind: 'openai' }), { baseUrl: 'https://h.example/v', kind: 'openai' });
  });
  it('bad input names the flag and the fix', () => {
    refused(() => parseAttachFlags({ baseUrl: 'gpu-box:8000', engineKind: 'vllm' }), '--base-url', /"gpu-box:8000" is not an http\(s\) URL -- give the running server's address/);
    refused(() => parseAttachFlags({ baseUrl: 'localhost', engineKind: 'vllm' }), '--base-url', /not an http\(s\) URL/);
    refused(() => parseAttachFlags({ baseUrl: 'http://h:1' }), '--base-url', /add --engine-kind reference\|sglang\|vllm\|trtllm\|openai/);
    refused(() => parseAttachFlags({ baseUrl: 'http://h:1', engineKind: 'tgi' }), '--engine-kind', /"tgi" is not a kind of server -- use one of reference\|sglang/);
    refused(() => parseAttachFlags({ baseUrl: 'http://h:1', engineKind: 'vllm', resume: 'results/x' }), '--base-url', /resumed run keeps the server/);
    refused(() => parseAttachFlags({ baseUrl: 'http://h:1', engineKind: 'vllm', shard: '1/2' }), '--base-url', /remove --shard/);
    refused(() => parseAttachFlags({ baseUrl: 'http://h:1', engineKind: 'vllm', draftLabel: ' ' }), '--draft-label', /is empty/);
  });
});

describe('server info', () => {
  it("SGLang's server_info: the algorithm, its methods and the tree, as the suite names them", () => {
    const s = sglangServerSettings({
      model_path: 'meta-llama/Llama-3.1-8B-Instruct', version: '0.5.4', speculative_algorithm: 'EAGLE', speculative_draft_model_path: 'yuhuili/EAGLE-LLaMA3.1-Instruct-8B',
      speculative_num_steps: 6, speculative_eagle_topk: 4, speculative_num_draft_tokens: 16, internal_states: [{ avg_spec_accept_length: 3.1 }],
    });
    assert.deepEqual({ ...s, read: undefined }, {
      engine: 'sglang', version: '0.5.4', model: 'meta-llama/Llama-3.1-8B-Instruct', algorithm: 'EAGLE', methods: ['eagle', 'hass', 'hass2'],
      steps: 6, topK: 4, verifiedTokens: 16, draftedTokens: null, ngramMin: null, ngramMax: null, draftModel: 'yuhuili/EAGLE-LLaMA3.1-Instruct-8B', read: undefined,
    });
  });
  it('NGRAM counts the root among its draft tokens; no algorithm is vanilla; args nested under server_args are read too', () => {
    const ng = sglangServerSettings({ server_args: { speculative_algorithm: 'NGRAM', speculative_num_draft_tokens: 5, speculative_ngram_min_match_window_size: 1, speculative_ngram_max_match_window_size: 3 } });
    assert.deepEqual([ng.methods, ng.draftedTokens, ng.ngramMin, ng.ngramMax, ng.steps], [['ngram'], 4, 1, 3, null]);
    assert.deepEqual(sglangServerSettings({ model_path: 'm', speculative_algorithm: null }).methods, ['vanilla']);
    // a body without the key says nothing either way
    assert.equal(sglangServerSettings({ model_path: 'm' }).methods, null);
    assert.equal(sglangServerSettings({ speculative_algorithm: 'SOMETHING_NEW' }).methods, null);
  });
  it("the reference engine's prism_draft names the exact method", () => {
    const s = sglangServerSettings({ engine: 'prism-bench-reference', speculative_algorithm: 'EAGLE', prism_draft: 'hass2', speculative_num_steps: 6, speculative_eagle_topk: 1, speculative_num_draft_tokens: 7 });
    assert.deepEqual([s.engine, s.methods, s.steps], ['prism-bench-reference', ['hass2'], 6]);
  });
  it("the reference engine's suffix draft: SUFFIX with its tree size (the root counted); attached, a draft of that size", () => {
    const s = sglangServerSettings({ engine: 'prism-bench-reference', speculative_algorithm: 'SUFFIX', prism_draft: 'suffix', speculative_num_draft_tokens: 7, suffix_decoding_max_tree_depth: 24 });
    assert.deepEqual([s.algorithm, s.methods, s.draftedTokens, s.steps], ['SUFFIX', ['suffix'], 6, null]);
    assert.deepEqual(attachedDraft(DRAFTS, s).draft, { name: 'suffix', method: 'suffix', draftedTokens: 6 });
    assert.deepEqual(unverifiedSettings('reference', s, { name: 'suffix', method: 'suffix' }, 'server', null).filter((l) => l.startsWith('draft settings')), []);
  });
  it("vLLM: the model from /v1/models; speculation off when /metrics has vLLM's families but no spec_decode counters, unknown otherwise", () => {
    const models = { object: 'list', data: [{ id: 'llama', owned_by: 'vllm', root: '/models/llama' }] };
    assert.deepEqual(openAiModel(models), { id: 'llama', ownedBy: 'vllm', root: '/models/llama' });
    assert.equal(openAiModel({ data: [] }), null);
    const off = vllmServerSettings(models, '# TYPE vllm:num_requests_running gauge\nvllm:num_requests_running{model_name="llama"} 0\n', '0.11.0');
    assert.deepEqual([off.model, off.engine, off.version, off.methods], ['llama', 'vllm', '0.11.0', ['vanilla']]);
    const on = vllmServerSettings(models, 'vllm:num_requests_running 0\nvllm:spec_decode_num_drafts_total 12\n', null);
    assert.equal(on.methods, null);
    assert.equal(vllmServerSettings(models, null, null).methods, null);
  });
});

const settings = (over: Partial<ServerSettings>): ServerSettings => ({ ...emptySettings(['/server_info']), ...over });
const DRAFTS: Draft[] = [
  { name: 'vanilla', method: 'vanilla' },
  { name: 'ngram', method: 'ngram', draftedTokens: 6, ngramMin: 1, ngramMax: 4 },
  { name: 'eagle3', method: 'eagle3', steps: 3 },
  { name: 'hass', method: 'hass' },
];

describe('the draft of an attached server', () => {
  it("the suite's draft of the method the server names, with the server's shape, and where the suite asked otherwise", () => {
    const r = attachedDraft(DRAFTS, settings({ algorithm: 'EAGLE3', methods: ['eagle3'], steps: 6, topK: 1, verifiedTokens: 7, draftModel: 'd' }));
    assert.deepEqual(r.draft, { name: 'eagle3', method: 'eagle3', steps: 6, topK: 1, verifiedTokens: 7, model: 'd' });
    assert.equal(r.from, 'server');
    assert.deepEqual(r.differs, ["the suite's draft eagle3 asks steps 3, but the server runs 6 (the cells measure the server's)"]);
  });
  it('a method the suite lacks gets a draft named after it; vanilla is vanilla', () => {
    assert.deepEqual(attachedDraft(DRAFTS, settings({ algorithm: 'LD', methods: ['prism'], steps: 6 })).draft, { name: 'prism', method: 'prism', steps: 6 });
    assert.deepEqual(attachedDraft(DRAFTS, settings({ methods: ['vanilla'] })).draft, { name: 'vanilla', method: 'vanilla' });
  });
  it("SGLang's EAGLE fits eagle, hass and hass2: the suite's only draft of those, or --draft-label", () => {
    const eagle = settings({ algorithm: 'EAGLE', methods: ['eagle', 'hass', 'hass2'] });
    const one = attachedDraft(DRAFTS, eagle);
    assert.deepEqual([one.draft.name, one.from], ['hass', 'suite']);
    const both = [...DRAFTS, { name: 'eagle', method: 'eagle' } as Draft];
    refused(() => attachedDraft(both, eagle), '--draft-label', /the server runs EAGLE \(eagle, hass, hass2\), which the suite's drafts hass, eagle all fit -- add --draft-label NAME/);
    const picked = attachedDraft(both, eagle, 'eagle');
    assert.deepEqual([picked.draft.name, picked.from], ['eagle', 'flag']);
  });
  it('a server that does not say: --draft-label names a suite draft, a method, or nothing that can be used', () => {
    const silent = settings({});
    refused(() => attachedDraft(DRAFTS, silent), '--draft-label', /does not say which draft it runs -- add --draft-label NAME: one of the suite's drafts \(vanilla, ngram, eagle3, hass\)/);
    assert.deepEqual(attachedDraft(DRAFTS, silent, 'eagle3').draft, DRAFTS[2]);
    assert.deepEqual(attachedDraft(DRAFTS, silent, 'medusa').draft, { name: 'medusa', method: 'medusa' });
    refused(() => attachedDraft(DRAFTS, silent, 'my-draft'), '--draft-label', /my-draft names none of the suite's drafts .* and no draft method/);
    // where the server names exactly one method, any label names it
    assert.deepEqual(attachedDraft(DRAFTS, settings({ methods: ['eagle3'] }), 'E3-run-7').draft, { name: 'E3-run-7', method: 'eagle3' });
  });
  it('a label that contradicts the server is refused', () => {
    refused(() => attachedDraft(DRAFTS, settings({ algorithm: 'EAGLE3', methods: ['eagle3'] }), 'ngram'), '--draft-label', /ngram is the suite's draft of method ngram, but the server runs EAGLE3 \(eagle3\) -- name a draft of method eagle3/);
  });
});

describe('attaching a suite', () => {
  const server = settings({ engine: 'sglang', model: 'meta-llama/Not-Here-8B', algorithm: 'NGRAM', methods: ['ngram'], draftedTokens: 4, ngramMin: 1, ngramMax: 4 });
  it("one engine, replaced by the server (labelled as the suite's engine of that kind), one draft", () => {
    const suite = loadSuite(writeTemp('engines: [{name: sglang, label: gpu, options: {model: x, prompt: raw}}]\ndrafts: [{method: vanilla}, {method: ngram}]\n'));
    const a = attachOption(suite, { baseUrl: 'http://h:30000', kind: 'sglang' }, { settings: server, faults: null });
    assert.deepEqual([a.draft, a.draftFrom], ['ngram', 'server']);
    const s = attachSuite(suite, a);
    assert.deepEqual(s.engines, [{ name: 'endpoint:sglang', label: 'gpu', options: { baseUrl: 'http://h:30000', kind: 'sglang', model: 'meta-llama/Not-Here-8B', prompt: 'raw' } }]);
    assert.deepEqual(s.drafts, [{ name: 'ngram', method: 'ngram', draftedTokens: 4, ngramMin: 1, ngramMax: 4 }]);
    // the chat template of a model with no files here: raw prompts, said so
    assert.ok(a.unverified.some((u) => /^prompts to an attached server not as launched: the chat template of meta-llama\/Not-Here-8B cannot be used here \(.*\), so requests carry the raw/.test(u)), a.unverified.join('\n'));
    // the requests are the sglang adapter's own
    const shape = engineAdapter('endpoint:sglang').requestShape({ text: 'Question: Hi\nAnswer:', maxNewTokens: 8, temperature: 0, topP: 1, topK: -1, ignoreEos: true, seed: 1 }, s.engines[0]!.options);
    assert.deepEqual(shape, { method: 'POST', path: '/generate', body: { text: 'Question: Hi\nAnswer:', sampling_params: { max_new_tokens: 8, temperature: 0, top_p: 1, top_k: -1, ignore_eos: true }, stream: true } });
  });
  it('several engines are refused, naming --engines', () => {
    const suite = loadSuite(writeTemp('engines: [{name: reference, label: a}, {name: reference, label: b}]\ndrafts: [{method: ngram}]\n'));
    const a = attachOption(suite, { baseUrl: 'http://h:1', kind: 'reference' }, { settings: server, faults: null });
    refused(() => attachSuite(suite, a), '--base-url', /attaches one server, but the suite has 2 engines \(a, b\) -- choose one with --engines NAME/);
  });
  it('what a kind does not report is one warning each; the audit lists them after naming the server', () => {
    const draft: Draft = { name: 'eagle3', method: 'eagle3' };
    const lines = unverifiedSettings('vllm', emptySettings(), draft, 'flag', null);
    assert.deepEqual(lines.map((l) => l.replace(/:.*$/, '')), ['launch settings of an attached server not verifiable', ...Array<string>(4).fill('draft settings of an attached server not verifiable')]);
    assert.match(lines[1]!, /the draft method \(vllm reports no speculative config\); the label eagle3 came from --draft-label/);
    assert.ok(unverifiedSettings('openai', emptySettings(), { name: 'vanilla', method: 'vanilla' }, 'flag', null).some((l) => /no acceptance length is measured/.test(l)));
    assert.ok(unverifiedSettings('reference', emptySettings(), { name: 'vanilla', method: 'vanilla' }, 'server', { verifyDelayMs: 2, ignoreTemperature: false }).some((l) => l === 'planted faults on the attached server: verifyDelayMs 2'));
    const result = { options: { quick: false, attach: { baseUrl: 'http://h:8000', kind: 'vllm', draft: 'eagle3', draftFrom: 'flag', server: emptySettings(), unverified: lines } } } as unknown as ResultFile;
    const found = checkAttach(result);
    assert.equal(found[0]!.severity, 'info');
    assert.match(found[0]!.message, /^attached to http:\/\/h:8000 \(kind vllm\): nothing was launched; draft eagle3 as named by --draft-label/);
    assert.deepEqual(found.slice(1).map((f) => [f.check, f.severity, f.message]), lines.map((l) => ['attach', 'warning', l]));
    assert.deepEqual(checkAttach({ options: { quick: false } } as unknown as ResultFile), []);
  });
});

describe('probeServer against fake servers', () => {
  let srv: Server;
  let url = '';
  let metrics: { type: string; body: string } = { type: 'text/plain', body: '' };
  before(async () => {
    srv = createServer((req, res) => {
      const send = (type: string, body: string) => { res.writeHead(200, { 'content-type': type }); res.end(body); };
      if (req.url === '/health') return send('application/json', '{}');
      if (req.url === '/v1/models') return send('application/json', JSON.stringify({ object: 'list', data: [{ id: 'llama', owned_by: 'vllm' }] }));
      if (req.url === '/version') return send('application/json', '{"version": "0.11.0"}');
      if (req.url === '/metrics') return send(metrics.type, metrics.body);
      res.writeHead(404); res.end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const addr = srv.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  after(() => { srv.close(); });

  it("a vLLM server: its model and version; it is not SGLang's protocol nor trtllm-serve", async () => {
    metrics = { type: 'text/plain', body: 'vllm:num_requests_running 0\n' };
    const p = await probeServer(url, 'vllm');
    assert.deepEqual([p.settings.model, p.settings.version, p.settings.methods], ['llama', '0.11.0', ['vanilla']]);
    await assert.rejects(probeServer(url, 'sglang'), /^AttachError: --engine-kind: sglang: .* answers no \/server_info .* -- use --engine-kind vllm, trtllm or openai/);
    await assert.rejects(probeServer(url, 'trtllm'), /--engine-kind: trtllm: .* -- use --engine-kind vllm/);
    assert.equal((await probeServer(url, 'openai')).settings.model, 'llama');
  });
  it('a trtllm-serve: /metrics is a JSON list, which vLLM never answers', async () => {
    metrics = { type: 'application/json', body: '[]' };
    assert.equal((await probeServer(url, 'trtllm')).settings.model, 'llama');
    await assert.rejects(probeServer(url, 'vllm'), /--engine-kind: vllm: .* TensorRT-LLM's JSON list of iterations -- use --engine-kind trtllm/);
  });
});
