// The vllm adapter end to end against a live process speaking vLLM's protocol: the reference
// engine started through the adapter's own launch path (`vllm serve MODEL --speculative-config`
// answered by `prism-bench serve`), its OpenAI front end streamed, its vLLM-style /metrics read as
// deltas; then a whole run on it. Per-request figures and counter deltas are checked against each other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vllmEngine } from '../../src/engines/vllm.ts';
import { OpenAiClient } from '../../src/engines/openai-protocol.ts';
import { counterDelta } from '../../src/engines/prometheus.ts';
import getPort from 'get-port';
import { questionAnswerPrompt } from '../../src/engines/prompt.ts';
import type { EngineHandle, GenerateRequest } from '../../src/engines/types.ts';
import { loadSuite } from '../../src/suite/index.ts';
import { runSuite } from '../../src/runner/run.ts';
import { writeTemp } from '../suite/helpers.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');
const MODEL = join(ROOT, 'models', 'target');
const LAUNCHER = [process.execPath, BIN, 'serve'];

const request = (turns: string[], answers: string[] = [], maxNewTokens = 24): GenerateRequest => ({
  text: questionAnswerPrompt(turns, answers), maxNewTokens, temperature: 0, topP: 1, topK: -1, ignoreEos: true, seed: 7,
  conversation: { turns, answers },
});

describe('vllm adapter against the reference engine (ngram, per-request metrics on)', () => {
  let engine: EngineHandle;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'prism-vllm-'));
  const settings = loadSuite(writeTemp('engines: [{name: vllm, options: {model: m}}]\ndrafts: [{method: vanilla}]\n')).settings;
  before(async () => {
    port = await getPort({ host: '127.0.0.1' });
    engine = await vllmEngine.launch({
      draft: { name: 'ngram', method: 'ngram', draftedTokens: 4, ngramMin: 1, ngramMax: 3 }, settings, host: '127.0.0.1', port,
      logFile: join(dir, 'engine.log'), options: { model: MODEL, launcher: LAUNCHER, perRequestMetrics: 'summary' },
    });
    // connections are refused until the process listens, then /health answers 503 until warm
    await engine.waitReady(120_000);
  });
  after(async () => { await engine?.stop(); });

  it('launched with vLLM flags, the log says so', () => {
    const log = readFileSync(join(dir, 'engine.log'), 'utf8');
    assert.match(log, /loading .*models\/target \(draft ngram\)/);
  });

  it('a streamed completion: token ids per chunk, usage, per-request acceptance that the counter deltas match exactly', async () => {
    const c0 = await engine.counters!();
    assert.equal(c0?.generation, 'vllm-v1');
    const out = await engine.generate(request(['Name three colours of the rainbow.']));
    const c1 = await engine.counters!();
    assert.equal(out.completionTokens, 24);
    assert.equal(out.outputIds.length, 24);
    assert.equal(out.finishReason, 'length');
    assert.ok(out.promptTokens > 5);
    assert.equal(out.streamChunks!.reduce((a, c) => a + c.tokens, 0), 24);
    assert.ok(out.ttftSeconds !== null && out.ttftSeconds <= out.e2eSeconds);
    const d = counterDelta(c0!, c1!)!;
    assert.ok(out.verifyCycles! > 0);
    assert.equal(d.drafts, out.verifyCycles);
    assert.equal(d.acceptedTokens, out.acceptedDrafts);
    assert.equal(d.draftTokens, out.proposedDrafts);
    const hist = out.acceptedHistogram!;
    assert.equal(hist.reduce((a, b) => a + b, 0), out.verifyCycles);
    // position i was accepted in every step that accepted more than i drafts
    assert.deepEqual(d.acceptedPerPosition, hist.slice(1).map((_, i) => hist.slice(i + 1).reduce((a, b) => a + b, 0)));
    // every token after the prefill's comes from a verify step: 1 + accepted per step
    assert.equal(out.completionTokens, 1 + out.verifyCycles! + out.acceptedDrafts!);
  });

  it('chat (the default) and raw completions see the same conversation (the reference target\'s template is the Q/A transcript) and answer alike at T = 0', async () => {
    const turns = ['Name three colours of the rainbow.', 'And two more?'];
    const first = await engine.generate(request([turns[0]!], [], 12));
    const raw = new OpenAiClient(engine.url, { model: MODEL, api: 'completions', sendSeed: true });
    const viaChat = await engine.generate(request(turns, [first.text], 12));
    const viaCompletions = await raw.generate(request(turns, [first.text], 12));
    assert.equal(viaChat.text, viaCompletions.text);
    assert.deepEqual(viaChat.outputIds, viaCompletions.outputIds);
  });

  it('describe() reads /version and /v1/models, and says how prompts are sent', async () => {
    const d = await engine.describe();
    assert.equal((d.info as { prompt: string }).prompt, 'chat');
    assert.match(d.version, /^\d+\.\d+\.\d+/);
    assert.equal((d.info as { models: { data: { id: string }[] } }).models.data[0]!.id, MODEL);
  });

  it('a request for another model is refused as vLLM refuses it (404), and said so', async () => {
    const other = new OpenAiClient(engine.url, { model: 'meta-llama/Llama-3.1-8B-Instruct', api: 'completions', sendSeed: true });
    await assert.rejects(other.generate(request(['Hi'])), /HTTP 404.*does not exist/);
  });

  it('a whole (not streamed) completion carries usage, token ids and metrics.speculative_decoding', async () => {
    const r = await fetch(`${engine.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'Question: Hi\nAnswer:', max_tokens: 8, temperature: 0, ignore_eos: true, return_token_ids: true }) });
    assert.equal(r.status, 200);
    const body = await r.json() as { object: string; choices: { text: string; token_ids: number[]; finish_reason: string }[]; usage: { completion_tokens: number; total_tokens: number; prompt_tokens: number }; metrics: { speculative_decoding: { num_spec_steps: number; acceptance_histogram: number[]; num_spec_tokens: number } } };
    assert.equal(body.object, 'text_completion');
    assert.equal(body.choices[0]!.token_ids.length, 8);
    assert.equal(body.choices[0]!.finish_reason, 'length');
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + 8);
    const sd = body.metrics.speculative_decoding;
    assert.equal(sd.num_spec_tokens, 4);
    assert.equal(sd.acceptance_histogram.length, 5);
    assert.equal(sd.acceptance_histogram.reduce((a, b) => a + b, 0), sd.num_spec_steps);
  });

  it('bad fields are a 400 naming the field', async () => {
    const r = await fetch(`${engine.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'Hi', max_tokens: 0 }) });
    assert.equal(r.status, 400);
    const body = await r.json() as { object: string; message: string };
    assert.equal(body.object, 'error');
    assert.match(body.message, /^max_tokens: expected an integer >= 1, got/);
  });
});

describe('a run with the vllm engine on the reference engine (counters only, no per-request metrics)', () => {
  it('acceptance comes from the /metrics deltas around each trial, labelled as such', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prism-vllm-run-'));
    const suite = writeTemp(`
engines:
  - name: vllm
    options: {model: ${JSON.stringify(MODEL)}, launcher: ${JSON.stringify(LAUNCHER)}}
drafts:
  - {name: vanilla, method: vanilla}
  - {name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3}
datasets: [summarization]
settings: {temperatures: [0], maxNewTokens: 24, ignoreEos: true, prompts: 2, trials: 1, warmup: 0}
`);
    const { result } = await runSuite({ suiteFile: suite, outDir: join(out, 'run'), readyTimeoutMs: 120_000 });
    const ngram = result.cells.find((c) => c.draft === 'ngram')!;
    const vanilla = result.cells.find((c) => c.draft === 'vanilla')!;
    assert.equal(ngram.status, 'ok', ngram.error);
    assert.equal(vanilla.status, 'ok', vanilla.error);
    const t = ngram.trials[0]!;
    const d = t.engineCounters!;
    assert.ok(d.drafts! > 0);
    assert.equal(t.metrics.accept_length_engine, 1 + d.acceptedTokens / d.drafts!);
    assert.equal(t.metrics.draft_accept_rate, d.acceptedTokens / d.draftTokens);
    // without per-request figures the harness's own acceptance lengths are not made up
    assert.equal(t.metrics.accept_length_pooled, undefined);
    // every generated token after each request's first came from a counted step: 2 requests x 24 tokens
    assert.equal(d.drafts! + d.acceptedTokens, 2 * 23);
    assert.equal(ngram.positionAcceptance!.cycles, d.drafts);
    assert.equal(ngram.positionAcceptance!.unconditional[0], d.acceptedPerPosition![0]! / d.drafts!);
    assert.equal(vanilla.trials[0]!.engineCounters, undefined, 'no speculation, no spec-decode counters');
    assert.equal(result.engines['vllm/ngram']!.sources!.accept_length_engine, 'engine-counters');
    assert.equal(result.engines['vllm/ngram']!.sources!.throughput, 'client');
    assert.equal((result.engines['vllm/ngram']!.info as { prompt: string; api: string }).prompt, 'chat');
    // a lossless engine: ngram's greedy outputs equal vanilla's, compared by token ids
    const lossless = (result.audit ?? []).filter((f) => f.check === 'lossless' && f.severity === 'error');
    assert.deepEqual(lossless, []);
    // accept_length_engine and the per-position counters add up, trial by trial and pooled
    assert.deepEqual((result.audit ?? []).filter((f) => f.check === 'consistency'), []);
  });

  it('with per-request metrics on as well, the counters and the per-request sums agree (no consistency finding)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prism-vllm-run-'));
    const suite = writeTemp(`
engines:
  - name: vllm
    options: {model: ${JSON.stringify(MODEL)}, launcher: ${JSON.stringify(LAUNCHER)}, perRequestMetrics: summary}
drafts:
  - {name: ngram, method: ngram, draftedTokens: 4, ngramMin: 1, ngramMax: 3}
datasets: [summarization]
settings: {temperatures: [0], maxNewTokens: 24, ignoreEos: true, prompts: 2, trials: 2, warmup: 0}
`);
    const { result } = await runSuite({ suiteFile: suite, outDir: join(out, 'run'), readyTimeoutMs: 120_000 });
    const ngram = result.cells[0]!;
    assert.equal(ngram.status, 'ok', ngram.error);
    assert.ok(ngram.trials.every((t) => t.engineCounters !== undefined && t.metrics.accept_length_mean !== undefined), 'both sources present');
    assert.ok(ngram.positionAcceptance!.cycles > 0);
    assert.deepEqual((result.audit ?? []).filter((f) => f.check === 'consistency'), []);
  });
});
