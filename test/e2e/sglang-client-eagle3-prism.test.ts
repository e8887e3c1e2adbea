// The PRISM artifact's bench_mt_all.py through SGLang's frontend against `prism-bench serve`
// with the learned drafts eagle3 and prism (the checks: test/e2e/sglang-client.ts).
import { test } from 'node:test';
import { checkClient } from './sglang-client.ts';

test('bench_mt_all.py against serve --draft eagle3: exit 0, acceptance length from the server\'s counters, answers equal the harness\'s', (t) => checkClient(t, 'eagle3', 'humaneval', 2));
test('bench_mt_all.py against serve --draft prism: exit 0, acceptance length from the server\'s counters, answers equal the harness\'s', (t) => checkClient(t, 'prism', 'alpaca', 2));
