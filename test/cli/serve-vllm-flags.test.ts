// `prism-bench serve` answers vLLM's launch line (how the vllm adapter starts the reference
// engine): a wrong --speculative-config is one line and exit 2, before the model loads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = join(fileURLToPath(new URL('../../', import.meta.url)), 'bin', 'prism-bench.js');
const serve = (...args: string[]) => spawnSync(process.execPath, [BIN, 'serve', 'models/target', '--port', '0', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('serve with vLLM flags: bad input', () => {
  const cases: [string[], RegExp][] = [
    [['--speculative-config', '{method: ngram}'], /^prism-bench: --speculative-config: not valid JSON .*give an object such as/],
    [['--speculative-config', '{"method": "medusa", "model": "m"}'], /^prism-bench: --speculative-config: method "medusa" is not offered by the reference engine; use ngram, suffix, eagle or eagle3$/],
    [['--speculative-config', '{"method": "ngram", "prompt_lookup_max": 3, "suffix_decoding_min_token_prob": 0.2}'], /suffix_decoding_min_token_prob applies to method "suffix", not "ngram"; remove it$/],
    [['--speculative-config', '{"method": "suffix", "suffix_decoding_max_tree_depth": "deep"}'], /suffix_decoding_max_tree_depth: expected a number, got "deep"$/],
    [['--speculative-config', '{"method": "suffix", "suffix_decoding_max_tree_depth": 1}'], /--suffix-max-tree-depth: expected a whole number from 2 to 256, got '1'$/],
    [['--draft', 'ngram', '--suffix-min-token-prob', '0.2'], /--suffix-\* options apply to --draft suffix, not to --draft ngram$/],
    [['--speculative-config', '{"method": "ngram", "num_speculative_tokens": 4}'], /ngram needs prompt_lookup_max/],
    [['--speculative-config', '{"method": "ngram", "num_speculative_tokens": 0, "prompt_lookup_max": 3}'], /num_speculative_tokens: expected an integer >= 1, got 0/],
    [['--speculative-config', '{"method": "eagle3", "num_speculative_tokens": 3, "draft_tensor_parallel_size": 1, "model": "models/drafts/eagle3"}'], /does not implement draft_tensor_parallel_size/],
    [['--per-request-spec-decode-metrics', 'full'], /--per-request-spec-decode-metrics: expected none, summary or detailed, got 'full'/],
  ];
  for (const [args, message] of cases) {
    it(args.join(' '), () => {
      const r = serve(...args);
      assert.equal(r.status, 2, r.stderr);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
      assert.doesNotMatch(r.stdout, /loading/);
    });
  }
});
