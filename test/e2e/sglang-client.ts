// SGLang's own client against `prism-bench serve`: the PRISM artifact's evaluation client
// (evaluation/client/bench_mt_all.py), unchanged, through SGLang 0.4.6's Python frontend
// (RuntimeEndpoint), both from ../shared/clients, run by its run_sglang_client.py. Checked: it
// exits 0; the acceptance length it prints is the one the server's own counters (GET /metrics
// before and after) give for the same requests; and at T=0 the answers it writes are those the
// harness's SGLang client (src/engines/sglang-protocol.ts) gets for the prompts the frontend sent
// (read from the server's --log-requests log, so the frontend's chat template is not re-derived here).
// Used by the sglang-client-*.test.ts files, two drafts each, so each file stays near a minute.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { SglangClient } from '../../src/engines/sglang-protocol.ts';
import { startServe, type RunningServer } from '../../packages/reference-engine/test/server/serve.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** beside the project in a CI clone (../shared), absent in a user's fresh clone */
export const SHARED_CLIENTS = resolve(ROOT, '../shared/clients');
export const PRISM_AE_QUESTIONS = resolve(ROOT, '../shared/datasets/prism-ae');
const PYTHON = '/usr/bin/python3';
const RUNNER = join(SHARED_CLIENTS, 'run_sglang_client.py');
const FRONTEND = join(SHARED_CLIENTS, 'sglang-frontend');
const CLIENT = join(SHARED_CLIENTS, 'prism-ae-client', 'bench_mt_all.py');
const PY_MODULES = 'requests, tqdm, aiohttp, pydantic, numpy, IPython';

let why: string | null | undefined;
/** why the check cannot run here (one line), or null when it can */
export function skipReason(): string | null {
  if (why !== undefined) return why;
  for (const p of [RUNNER, FRONTEND, CLIENT, PRISM_AE_QUESTIONS]) {
    if (!existsSync(p)) return (why = `../shared absent: ${p} not found, SGLang client check skipped`);
  }
  const r = spawnSync(PYTHON, ['-c', `import ${PY_MODULES}`], { encoding: 'utf8' });
  if (r.status !== 0) return (why = `${PYTHON} lacks ${PY_MODULES} (Debian's python3-requests, -tqdm, -aiohttp, -pydantic, -numpy, -ipython), SGLang client check skipped`);
  return (why = null);
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    // asynchronous, so the server's log pipe keeps draining while the client runs
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('exit', (code) => { clearTimeout(timer); done({ code, out }); });
  });
}

/** the server's generation and verify-cycle counters (vLLM's names on its GET /metrics) */
async function counters(base: string): Promise<{ tokens: number; cycles: number | null }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) => {
    const m = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  const tokens = value('vllm:generation_tokens_total');
  assert.ok(tokens !== null, `no generation counter in /metrics:\n${text}`);
  return { tokens, cycles: value('vllm:spec_decode_num_drafts_total') };
}

interface Received { text: string; sampling_params: { max_new_tokens?: number; temperature?: number } }

/**
 * Runs bench_mt_all.py on the first `questions` questions of a prism-ae dataset against
 * `prism-bench serve --draft <draft>` and checks what it printed and wrote.
 */
export async function checkClient(t: TestContext, draft: string, dataset: string, questions: number): Promise<void> {
  const skip = skipReason();
  if (skip !== null) { t.skip(skip); return; }
  const questionFile = join(PRISM_AE_QUESTIONS, dataset, 'question.jsonl');
  const asked = readFileSync(questionFile, 'utf8').split('\n').filter((l) => l.trim()).slice(0, questions)
    .map((l) => JSON.parse(l) as { question_id: number; turns: string[] });
  const dir = mkdtempSync(join(tmpdir(), `prism-sglang-client-${draft}-`));
  const srv: RunningServer = await startServe(['--draft', draft, '--log-requests']);
  try {
    const logFrom = srv.output().length;
    const before = await counters(srv.base);
    const answerFile = join(dir, 'answer.jsonl');
    const resultFile = join(dir, 'result.jsonl');
    const r = await run(PYTHON, [RUNNER, FRONTEND, CLIENT, '--question-file', questionFile, '--num-questions', String(questions), '--parallel', '1',
      '--port', String(srv.port), '--answer-file', answerFile, '--result-file', resultFile], dir, 300_000);
    assert.equal(r.code, 0, `bench_mt_all.py failed:\n${r.out}\nserver:\n${srv.output().slice(-3000)}`);
    const after = await counters(srv.base);

    // the acceptance length the client printed is the server's: tokens over verify cycles, or 1
    // without speculation (SGLang then sends no spec_verify_ct and the client prints 1)
    const line = /^#questions: (\d+), Throughput: [\d.]+ token\/s, Acceptance length: ([\d.]+), Temperature: (\S+)$/m.exec(r.out);
    assert.ok(line, `no summary line in the client's output:\n${r.out}`);
    assert.equal(Number(line[1]), questions);
    assert.equal(Number(line[3]), 0);
    const tokens = after.tokens - before.tokens;
    assert.ok(tokens > 0, 'the server generated nothing for the client');
    const cycles = after.cycles === null ? null : after.cycles - before.cycles!;
    if (draft === 'vanilla') assert.equal(cycles, null, 'a server without a draft counts no drafts');
    const server = cycles === null ? 1 : tokens / cycles;
    assert.equal(line[2], server.toFixed(3), `client ${line[2]}, server counters ${tokens} tokens / ${cycles ?? 'no'} verify cycles`);
    const recorded = JSON.parse(readFileSync(resultFile, 'utf8').trim()) as { accept_length: number };
    assert.equal(recorded.accept_length, Number(server.toFixed(3)));

    // what the frontend sent (its run_batch also sends a prefill-only request of the shared system prompt)
    const received = [...srv.output().slice(logFrom).matchAll(/^Receive: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as Received)
      .filter((b) => b.sampling_params.max_new_tokens !== 0);
    assert.equal(received.length, questions, srv.output().slice(logFrom, logFrom + 4000));
    const answers = readFileSync(answerFile, 'utf8').split('\n').filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { question_id: number; choices: { turns: string[] } });
    assert.deepEqual(answers.map((a) => a.question_id), asked.map((q) => q.question_id));
    const harness = new SglangClient(srv.base);
    for (const [i, q] of asked.entries()) {
      const sent = received[i]!;
      assert.ok(sent.text.includes(q.turns[0]!), `request ${i} does not carry question ${q.question_id}`);
      assert.equal(sent.sampling_params.temperature, 0);
      const ours = await harness.generate({
        text: sent.text, maxNewTokens: sent.sampling_params.max_new_tokens!, temperature: 0, topP: 1, topK: -1, ignoreEos: false, seed: 0,
      }, { sendSeed: false });
      assert.ok(ours.completionTokens > 0);
      assert.equal(answers[i]!.choices.turns[0], ours.text, `question ${q.question_id}: the client's answer differs from the harness's`);
    }
  } finally {
    assert.equal(await srv.stop(), 0, srv.output().slice(-3000));
  }
}
