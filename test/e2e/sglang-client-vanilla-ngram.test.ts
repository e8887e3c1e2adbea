// The PRISM artifact's bench_mt_all.py through SGLang's frontend against `prism-bench serve`
// without a draft and with ngram (the checks: test/e2e/sglang-client.ts).
import { test } from 'node:test';
import { checkClient } from './sglang-client.ts';

test('bench_mt_all.py against serve (vanilla): exit 0, acceptance length 1 as SGLang gives it, answers equal the harness\'s', (t) => checkClient(t, 'vanilla', 'gsm8k', 2));
test('bench_mt_all.py against serve --draft ngram: exit 0, acceptance length from the server\'s counters, answers equal the harness\'s', (t) => checkClient(t, 'ngram', 'humaneval', 3));
