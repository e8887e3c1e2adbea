// `prism-bench serve` answers trtllm-serve's launch line (how the trtllm adapter starts the
// reference engine): a wrong --extra_llm_api_options YAML is one line and exit 2, before the model loads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTemp } from '../suite/helpers.ts';

const BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'bin', 'prism-bench.js');
const serve = (...args: string[]) => spawnSync(process.execPath, [BIN, 'serve', 'models/target', '--port', '0', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('serve with trtllm-serve flags: bad input', () => {
  const yaml = (text: string) => writeTemp(text);
  const cases: [() => string[], RegExp][] = [
    [() => ['--backend', 'tensorrt'], /^prism-bench: --backend: the reference engine serves as trtllm-serve's pytorch backend; got 'tensorrt', use --backend pytorch$/],
    [() => ['--extra_llm_api_options', '/nonexistent/x.yaml'], /^prism-bench: --extra_llm_api_options: \/nonexistent\/x.yaml not found; give the YAML file/],
    [() => ['--config', yaml('speculative_config: [1]\n')], /\.yaml: speculative_config: expected a mapping such as \{decoding_type: NGram/],
    [() => ['--config', yaml('speculative_config: {decoding_type: Medusa, max_draft_len: 3}\n')], /\.yaml: speculative_config\.decoding_type: "Medusa" is not offered by the reference engine; use NGram, Eagle or Eagle3$/],
    [() => ['--config', yaml('speculative_config: {decoding_type: NGram}\n')], /speculative_config\.max_draft_len: missing; TensorRT-LLM requires it for NGram/],
    [() => ['--config', yaml('speculative_config: {decoding_type: NGram, max_draft_len: 0}\n')], /speculative_config\.max_draft_len: expected an integer >= 1, got 0/],
    [() => ['--config', yaml('speculative_config: {decoding_type: Eagle3, max_draft_len: 3}\n')], /speculative_config\.speculative_model_dir: Eagle3 needs the draft's directory/],
    [() => ['--config', yaml('speculative_config: {decoding_type: NGram, max_draft_len: 3, is_keep_all: false}\n')], /speculative_config\.is_keep_all: not implemented by the reference engine; remove it/],
    [() => ['--config', yaml('kv_cache_config: {free_gpu_memory_fraction: 0.8}\n')], /\.yaml: kv_cache_config: not implemented by the reference engine; remove it/],
    [() => ['--config', yaml('enable_iter_perf_stats: yes please\n')], /enable_iter_perf_stats: expected true or false, got "yes please"/],
  ];
  for (const [args, message] of cases) {
    it(String(message).slice(1, 60), () => {
      const r = serve(...args());
      assert.equal(r.status, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
      assert.doesNotMatch(r.stdout, /loading/);
    });
  }
});
