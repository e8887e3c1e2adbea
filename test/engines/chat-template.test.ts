// The target's chat template, found where Hugging Face tokenizers keep it and rendered with the
// conversation (earlier answers included), as the sglang adapter sends prompts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatTemplateError, hubCacheDir, loadChatTemplate, localModelDir, renderChat } from '../../src/engines/chat-template.ts';
import { CHATML_CONFIG, LLAMA3_CONFIG, LLAMA3_STYLE, VICUNA_CONFIG, VICUNA_STYLE } from './fixtures/chat-templates.ts';

/** A model folder holding the given files (objects are written as JSON). */
function modelDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'prism-chat-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
}

/** An environment whose Hugging Face cache is an empty folder (so no test depends on this machine's cache). */
const emptyHub = () => ({ HF_HUB_CACHE: mkdtempSync(join(tmpdir(), 'prism-hub-')) });

function rejects(fn: () => unknown, at: string, problem: RegExp, fix: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ChatTemplateError, String(e));
    assert.equal(e.at, at);
    assert.match(e.problem, problem);
    assert.match(e.fix, fix);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

describe('rendering published chat formats', () => {
  it('Llama-3-Instruct style from tokenizer_config.json: headers, trimmed content, generation prompt; the BOS SGLang adds itself is not written twice', () => {
    const t = loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': LLAMA3_CONFIG }) }, emptyHub());
    assert.match(t.source, /tokenizer_config\.json \(chat_template\)$/);
    assert.equal(renderChat(t, ['  What is 2+2? '], []),
      '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
  });

  it('multi-turn: the model\'s own earlier answer sits between the turns (MT-bench)', () => {
    const t = loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': LLAMA3_CONFIG }) }, emptyHub());
    assert.equal(renderChat(t, ['What is 2+2?', 'And 3+3?'], [' It is 4. ']),
      '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>'
      + '<|start_header_id|>assistant<|end_header_id|>\n\nIt is 4.<|eot_id|>'
      + '<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>'
      + '<|start_header_id|>assistant<|end_header_id|>\n\n');
  });

  it('a tokenizer that adds no BOS of its own (add_bos_token: false) keeps the one the template writes', () => {
    const t = loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': { ...LLAMA3_CONFIG, add_bos_token: false } }) }, emptyHub());
    assert.ok(renderChat(t, ['Hi'], []).startsWith('<|begin_of_text|><|start_header_id|>user'));
  });

  it('ChatML in the named-template list form: the "default" entry', () => {
    const t = loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': CHATML_CONFIG }) }, emptyHub());
    assert.equal(renderChat(t, ['Write a haiku.', 'Another one.'], ['Snow on the pine.']),
      '<|im_start|>user\nWrite a haiku.<|im_end|>\n<|im_start|>assistant\nSnow on the pine.<|im_end|>\n<|im_start|>user\nAnother one.<|im_end|>\n<|im_start|>assistant\n');
  });

  it('Vicuna from chat_template.jinja beside the config, eos_token from an AddedToken object, before the config\'s own field', () => {
    const dir = modelDir({ 'chat_template.jinja': VICUNA_STYLE, 'tokenizer_config.json': { ...VICUNA_CONFIG, chat_template: 'unused {{ messages }}' } });
    const t = loadChatTemplate({ model: dir }, emptyHub());
    assert.equal(t.source, join(dir, 'chat_template.jinja'));
    const system = "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
    assert.equal(renderChat(t, ['Hello!', 'How are you?'], ['Hi there.']), `${system} USER: Hello! ASSISTANT: Hi there.</s> USER: How are you? ASSISTANT:`);
  });

  it('options.chatTemplate wins over the model\'s own, and takes the model\'s special tokens', () => {
    const dir = modelDir({ 'tokenizer_config.json': { ...VICUNA_CONFIG, chat_template: LLAMA3_STYLE } });
    const file = join(modelDir({ 'vicuna.jinja': VICUNA_STYLE }), 'vicuna.jinja');
    const t = loadChatTemplate({ model: dir, chatTemplate: file }, emptyHub());
    assert.equal(t.source, file);
    assert.match(renderChat(t, ['a', 'b'], ['c']), / USER: a ASSISTANT: c<\/s> USER: b ASSISTANT:$/);
  });

  it('options.chatTemplate may be a tokenizer_config.json (its own tokens) with a hub-id model', () => {
    const file = join(modelDir({ 'tokenizer_config.json': LLAMA3_CONFIG }), 'tokenizer_config.json');
    const t = loadChatTemplate({ model: 'meta-llama/Meta-Llama-3-8B-Instruct', chatTemplate: file }, emptyHub());
    assert.equal(renderChat(t, ['Hi'], []), '<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
  });

  it('a template\'s raise_exception surfaces as an error when the conversation breaks its rule', () => {
    const t = loadChatTemplate({ model: modelDir({ 'chat_template.jinja': VICUNA_STYLE }) }, emptyHub());
    assert.throws(() => renderChat(t, ['a', 'b'], []), /turns must alternate/);
  });
});

describe('finding the template of a hub id', () => {
  it('reads the snapshot the Hugging Face cache holds for org/name (refs/main)', () => {
    const hub = mkdtempSync(join(tmpdir(), 'prism-hub-'));
    const snap = join(hub, 'models--meta-llama--Meta-Llama-3-8B-Instruct', 'snapshots', 'abc123');
    mkdirSync(snap, { recursive: true });
    mkdirSync(join(hub, 'models--meta-llama--Meta-Llama-3-8B-Instruct', 'refs'));
    writeFileSync(join(hub, 'models--meta-llama--Meta-Llama-3-8B-Instruct', 'refs', 'main'), 'abc123\n');
    writeFileSync(join(snap, 'tokenizer_config.json'), JSON.stringify(LLAMA3_CONFIG));
    assert.equal(localModelDir('meta-llama/Meta-Llama-3-8B-Instruct', { HF_HUB_CACHE: hub }), snap);
    const t = loadChatTemplate({ model: 'meta-llama/Meta-Llama-3-8B-Instruct' }, { HF_HUB_CACHE: hub });
    assert.equal(t.source, `${join(snap, 'tokenizer_config.json')} (chat_template)`);
  });

  it('HF_HOME/hub when HF_HUB_CACHE is unset; an id not in the cache has no local folder', () => {
    assert.equal(hubCacheDir({ HF_HOME: '/opt/hf' }), '/opt/hf/hub');
    assert.equal(hubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/opt/hf' }), '/c');
    assert.equal(localModelDir('org/none', { HF_HOME: '/nonexistent-hf' }), null);
  });
});

describe('templates that cannot be used: the option, the file and field, the fix', () => {
  it('a hub id with no local files and no chatTemplate', () => {
    rejects(() => loadChatTemplate({ model: 'meta-llama/Meta-Llama-3-8B-Instruct' }, emptyHub()), 'model',
      /^meta-llama\/Meta-Llama-3-8B-Instruct: no local files \(not a folder here, nor in the Hugging Face cache .*prism-hub-/, /set options\.chatTemplate .* or set options\.prompt: raw/);
  });

  it('a config without chat_template', () => {
    const dir = modelDir({ 'tokenizer_config.json': { bos_token: '<s>' } });
    rejects(() => loadChatTemplate({ model: dir }, emptyHub()), 'model', /tokenizer_config\.json: field chat_template: missing/, /options\.chatTemplate/);
  });

  it('a folder with neither file', () => {
    rejects(() => loadChatTemplate({ model: modelDir({}) }, emptyHub()), 'model', /no tokenizer_config\.json or chat_template\.jinja/, /options\.prompt: raw/);
  });

  it('a config that is not JSON', () => {
    rejects(() => loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': '{"chat_template": ' }) }, emptyHub()), 'model', /tokenizer_config\.json: not valid JSON/, /fix the file/);
  });

  it('chat_template of the wrong type, and a list with no default', () => {
    rejects(() => loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': { chat_template: 7 } }) }, emptyHub()), 'model',
      /field chat_template: expected a string or a list of \{name, template\}, got 7/, /fix the field/);
    rejects(() => loadChatTemplate({ model: modelDir({ 'tokenizer_config.json': { chat_template: [{ name: 'rag', template: 'x' }] } }) }, emptyHub()), 'model',
      /field chat_template: no template named "default" among "rag"/, /options\.chatTemplate/);
  });

  it('a chatTemplate file that is not there, or not a template', () => {
    rejects(() => loadChatTemplate({ model: 'x/y', chatTemplate: '/nonexistent/t.jinja' }, emptyHub()), 'chatTemplate', /no such file \/nonexistent\/t\.jinja/, /give the path/);
    const bad = join(modelDir({ 't.jinja': '{% for m in messages %}{{ m.content }' }), 't.jinja');
    rejects(() => loadChatTemplate({ model: 'x/y', chatTemplate: bad }, emptyHub()), 'chatTemplate', /t\.jinja: not a Jinja template this harness can read/, /fix the template/);
  });
});
