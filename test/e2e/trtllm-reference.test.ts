// The trtllm adapter end to end against a live process speaking TensorRT-LLM's protocol: the
// reference engine started through the adapter's own launch path (`trtllm-serve MODEL --backend
// pytorch --extra_llm_api_options FILE`, answered by `prism-bench serve`), its OpenAI front end
// streamed, its /metrics iteration statistics drained around each request; then a whole run on it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configPath, trtllmEngine } from '../../src/engines/trtllm.ts';
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

const request = (turns: string[], maxNewTokens = 24): GenerateRequest => ({
  text: questionAnswerPrompt(turns, []), maxNewTokens, temperature: 0, topP: 1, topK: -1, ignoreEos: true, seed: 7,
  conversation: { turns, answers: [] },
});

describe('trtllm adapter against the reference engine (NGram)', () => {
  let engine: EngineHandle;
  const dir = mkdtempSync(join(tmpdir(), 'prism-trtllm-'));
  const logFile = join(dir, 'engine.log');
  const settings = loadSuite(writeTemp('engines: [{name: trtllm, options: {model: m}}]\ndrafts: [{method: vanilla}]\n')).settings;
  before(async () => {
    const port = await getPort({ host: '127.0.0.1' });
    engine = await trtllmEngine.launch({
      draft: { name: 'ngram', method: 'ngram', draftedTokens: 4, ngramMin: 1, ngramMax: 3 }, settings, host: '127.0.0.1', port,
      logFile, options: { model: MODEL, launcher: LAUNCHER },
    });
    await engine.waitReady(120_000);
  });
  after(async () => { await engine?.stop(); });

  it('wrote the YAML its command names, and the engine read it', () => {
    const yaml = parse(readFileSync(configPath(logFile), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(yaml, { speculative_config: { decoding_type: 'NGram', max_draft_len: 4, max_matching_ngram_size: 3 }, enable_iter_perf_stats: true });
    assert.match(readFileSync(logFile, 'utf8'), /loading .*models\/target \(draft ngram\)/);
  });

  it('a streamed chat completion: usage, and iteration statistics whose sums match the request', async () => {
    const c0 = await engine.counters!();
    assert.equal(c0?.generation, 'trtllm-iteration-stats');
    const out = await engine.generate(request(['Name three colours of the rainbow.']));
    const c1 = await engine.counters!();
    assert.equal(out.completionTokens, 24);
    assert.equal(out.finishReason, 'length');
    assert.ok(out.text.length > 0);
    // no return_token_ids on trtllm-serve: no per-chunk token counts rather than guessed ones
    assert.equal(out.streamChunks, null);
    const d = counterDelta(c0!, c1!)!;
    assert.ok(d.drafts! > 0 && d.draftTokens > 0);
    assert.ok(d.acceptedTokens <= d.draftTokens);
    // each verify step yields its accepted drafts plus one; steps without a draft yield one token: 24 = 1 (prefill) + steps + accepted
    assert.ok(1 + d.drafts! + d.acceptedTokens <= 24);
  });

  it('reads drain: a second read with no request in between adds nothing', async () => {
    const a = await engine.counters!();
    const b = await engine.counters!();
    assert.deepEqual(counterDelta(a!, b!), { drafts: 0, draftTokens: 0, acceptedTokens: 0, acceptedPerPosition: null, generation: 'trtllm-iteration-stats' });
  });

  it('the raw /metrics body is a list of iterations: one prefill, then one per verify step', async () => {
    await engine.counters!(); // drain
    const r = await fetch(`${engine.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'Question: Hi\nAnswer:', max_tokens: 8, temperature: 0, ignore_eos: true }) });
    assert.equal(r.status, 200);
    const usage = (await r.json() as { usage: { completion_tokens: number } }).usage;
    const items = await (await fetch(`${engine.url}/metrics`)).json() as { iter: number; inflightBatchingStats: { numContextRequests: number }; specDecodingStats: { numDraftTokens: number; numAcceptedTokens: number; numRequestsWithDraftTokens: number } }[];
    assert.equal(items[0]!.inflightBatchingStats.numContextRequests, 1);
    const steps = items.slice(1);
    assert.deepEqual(items.map((x) => x.iter), items.map((_, i) => items[0]!.iter + i));
    // every token after the prefill's came from a step: 1 bonus + accepted drafts each
    assert.equal(1 + steps.length + steps.reduce((a, x) => a + x.specDecodingStats.numAcceptedTokens, 0), usage.completion_tokens);
  });

  it("vLLM's return_token_ids is refused as trtllm-serve refuses extra fields (400)", async () => {
    const r = await fetch(`${engine.url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: 'Hi', max_tokens: 2, return_token_ids: true }) });
    assert.equal(r.status, 400);
    assert.match((await r.json() as { message: string }).message, /return_token_ids: Extra inputs are not permitted/);
  });
});

describe('a run with the trtllm engine on the reference engine', () => {
  it('acceptance comes from the iteration statistics around each trial, labelled as engine counters', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prism-trtllm-run-'));
    const suite = writeTemp(`
engines:
  - name: trtllm
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
    // 2 requests x 24 tokens: each one's first from prefill, the rest from steps (1 + accepted each, or 1 without a draft)
    assert.ok(d.drafts! + d.acceptedTokens <= 2 * 23);
    assert.equal(vanilla.trials[0]!.engineCounters, undefined, 'no speculation, no spec-decode figures');
    assert.equal(result.engines['trtllm/ngram']!.sources!.accept_length_engine, 'engine-counters');
    const lossless = (result.audit ?? []).filter((f) => f.check === 'lossless' && f.severity === 'error');
    assert.deepEqual(lossless, []);
  });
});
