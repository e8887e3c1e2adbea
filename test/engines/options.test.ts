// extraArgs may not set what an adapter's launch line sets itself (host, port, model, speculation):
// a second --port makes the server listen where the harness does not poll, and a speculative flag
// in extraArgs would make the vanilla baseline speculative. One line naming the field to use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSuite } from '../../src/suite/index.ts';
import { checkSuiteEngines } from '../../src/engines/check.ts';
import { sglangArgs } from '../../src/engines/sglang.ts';
import { assertSuiteError, writeTemp } from '../suite/helpers.ts';

const suite = (engine: string, model: string, extraArgs: string[]) =>
  // raw prompts: sglang would otherwise read the model folder's chat template
  `engines: [{name: ${engine}, options: {model: ${model}, prompt: raw, extraArgs: ${JSON.stringify(extraArgs)}}}]\ndrafts: [{method: vanilla}]\n`;

function refused(engine: string, extraArgs: string[], fix: RegExp, problem: RegExp) {
  const file = writeTemp(suite(engine, 'm', extraArgs));
  assertSuiteError(() => checkSuiteEngines(loadSuite(file)), file, 'engines[0].options.extraArgs', fix, problem);
}

describe('extraArgs: the flags the harness sets are refused, --flag value and --flag=value alike', () => {
  it('sglang: --port, --host, --model-path, --model and every --speculative-* flag', () => {
    refused('sglang', ['--dtype', 'bfloat16', '--port', '1234'], /remove it: the harness picks the host and a free port for every launch .*run --base-url/, /^"--port": the harness sets --port itself$/);
    refused('sglang', ['--port=1234'], /free port/, /^"--port=1234": the harness sets --port itself$/);
    refused('sglang', ['--host', '0.0.0.0'], /free port/, /--host/);
    refused('sglang', ['--model-path', '/x'], /set the engine's options\.model instead/, /--model-path/);
    refused('sglang', ['--model=/x'], /set the engine's options\.model instead/, /--model/);
    refused('sglang', ['--speculative-algorithm', 'EAGLE'], /the suite's drafts set speculation .*the vanilla baseline included/, /--speculative-algorithm/);
    refused('sglang', ['--speculative-num-steps=3'], /the suite's drafts set speculation/, /--speculative-num-steps/);
  });
  it('vllm: --port, --model, --speculative-config and the older speculative flags, --per-request-spec-decode-metrics', () => {
    refused('vllm', ['--port', '1'], /free port/, /--port/);
    refused('vllm', ['--model', 'x'], /options\.model instead \(vllm serve MODEL\)/, /--model/);
    refused('vllm', ['--speculative-config', '{"method": "ngram"}'], /the suite's drafts set speculation/, /--speculative-config/);
    refused('vllm', ['--speculative-config={}'], /the suite's drafts set speculation/, /--speculative-config/);
    refused('vllm', ['--num-speculative-tokens', '4'], /drafts set speculation/, /--num-speculative-tokens/);
    refused('vllm', ['--ngram-prompt-lookup-max=4'], /drafts set speculation/, /--ngram-prompt-lookup-max/);
    refused('vllm', ['--per-request-spec-decode-metrics', 'summary'], /options\.perRequestMetrics instead/, /--per-request-spec-decode-metrics/);
  });
  it('trtllm: --port, --host, --backend, --extra_llm_api_options and its alias --config', () => {
    refused('trtllm', ['--port', '1'], /free port/, /--port/);
    refused('trtllm', ['--backend=tensorrt'], /options\.backend instead/, /--backend/);
    refused('trtllm', ['--extra_llm_api_options', 'x.yaml'], /options\.llmApiOptions instead/, /--extra_llm_api_options/);
    refused('trtllm', ['--config', 'x.yaml'], /options\.llmApiOptions instead/, /--config/);
  });
  it('other flags pass and are appended verbatim', () => {
    for (const [engine, args] of [['sglang', ['--dtype', 'bfloat16', '--log-requests']], ['vllm', ['--dtype=bfloat16', '--max-num-seqs', '1']], ['trtllm', ['--max_batch_size', '1']]] as const) {
      assert.doesNotThrow(() => checkSuiteEngines(loadSuite(writeTemp(suite(engine, 'm', [...args])))), engine);
    }
    const s = loadSuite(writeTemp(suite('sglang', 'm', ['--dtype', 'bfloat16'])));
    const args = sglangArgs({ draft: s.drafts[0]!, settings: s.settings, host: '127.0.0.1', port: 8000, logFile: '/tmp/x.log', options: s.engines[0]!.options });
    assert.deepEqual(args.slice(-2), ['--dtype', 'bfloat16']);
  });
});
