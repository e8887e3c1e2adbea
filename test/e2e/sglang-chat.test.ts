// Chat prompts end to end: `prism-bench run` drives the sglang adapter, which launches a real
// server process speaking SGLang's protocol (the reference engine, through the adapter's launcher,
// with SGLang's --log-requests so the server logs each text as it arrives). The model folder is a
// temporary one holding the target's weights and a tokenizer_config.json with a Llama-3-style
// chat template; a two-turn question must reach the engine rendered, the second turn carrying
// the model's own first answer (MT-bench), and the result must say which prompt format ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultFile } from '../../src/result/schema.ts';
import { Tokenizer, TOKENIZER_PATH } from '@prism-bench/reference-engine';
import { LLAMA3_CONFIG } from '../engines/fixtures/chat-templates.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'prism-bench.js');

/** The Llama 3 Instruct layout, written out here rather than rendered, so the check does not lean on the code under test. */
const llama3 = (messages: [string, string][]) =>
  messages.map(([role, content]) => `<|start_header_id|>${role}<|end_header_id|>\n\n${content.trim()}<|eot_id|>`).join('') + '<|start_header_id|>assistant<|end_header_id|>\n\n';

test('sglang chat prompts: the engine receives the rendered template, turn by turn with its own answers; the result records the format', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prism-e2e-chat-'));
  const model = join(dir, 'model');
  const target = join(ROOT, 'models', 'target');
  mkdirSync(model);
  for (const f of ['manifest.json', 'model.safetensors']) symlinkSync(join(target, f), join(model, f));
  writeFileSync(join(model, 'tokenizer_config.json'), JSON.stringify(LLAMA3_CONFIG));
  const turns = ['Tell me about the old mill by the river.', 'What happened to it after the war?'];
  writeFileSync(join(dir, 'question.jsonl'), `${JSON.stringify({ question_id: 81, category: 'writing', turns })}\n`);
  writeFileSync(join(dir, 'suite.yaml'), `version: 1
name: sglang-chat
engines:
  - name: sglang
    options: { model: "${model}", launcher: ["${process.execPath}", "${BIN}", "serve"], extraArgs: ["--log-requests"] }
drafts: [{ name: vanilla, method: vanilla }]
datasets: [{ name: mt, path: question.jsonl }]
settings: { temperatures: [0], maxNewTokens: 10, trials: 1, warmup: 0 }
`);
  const out = join(dir, 'run');
  const r = spawnSync(process.execPath, [BIN, 'run', '--suite', join(dir, 'suite.yaml'), '--out', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);

  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultFile;
  const info = result.engines['sglang/vanilla']!.info as { prompt: string; chatTemplate: string; server: Record<string, unknown> };
  assert.equal(info.prompt, 'chat');
  assert.equal(info.chatTemplate, `${join(model, 'tokenizer_config.json')} (chat_template)`);
  assert.equal(info.server.log_requests, true);

  // what the server received and answered, from its own log
  const log = readdirSync(join(out, 'logs')).map((f) => readFileSync(join(out, 'logs', f), 'utf8')).join('\n');
  const received = [...log.matchAll(/^Receive: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as { text: string }).text);
  const answered = [...log.matchAll(/^Finish: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as { text: string }).text);
  assert.equal(received.length, 2, log);
  assert.equal(answered.length, 2);
  // the template's BOS is left to the tokenizer, which adds its own (no double BOS)
  assert.equal(received[0], llama3([['user', turns[0]!]]));
  assert.equal(received[1], llama3([['user', turns[0]!], ['assistant', answered[0]!], ['user', turns[1]!]]));
  assert.ok(answered[0]!.trim().length > 0, 'the first answer has text to carry into the second turn');

  // the prompt token counts the harness recorded are those of the rendered text
  const tokenizer = Tokenizer.load(TOKENIZER_PATH);
  const records = readFileSync(join(out, 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind?: string; turn: number; promptTokens: number })
    .filter((l) => l.kind === undefined).sort((a, b) => a.turn - b.turn);
  assert.deepEqual(records.map((x) => x.promptTokens), received.map((t) => tokenizer.encode(t).length));
});
