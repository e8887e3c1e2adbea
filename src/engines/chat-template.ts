// The target's chat template, found and rendered as Hugging Face tokenizers do, for engines whose
// native endpoint takes plain text (SGLang's /generate): the harness renders the conversation and
// sends the result. Templates are Jinja; @huggingface/jinja runs the dialect transformers uses.
import { Template } from '@huggingface/jinja';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { describe } from '../suite/errors.ts';
import { PrismError, messageOf } from '../errors.ts';
import { z } from 'zod';
import { isRecord } from '../record.ts';

/** Where the template should come from: the target model and an explicit template file, as the suite gives them. */
export interface TemplateSource {
  model?: string;
  chatTemplate?: string;
}

export interface ChatTemplate {
  /** the file (and field) the template text came from */
  source: string;
  template: Template;
  /** special tokens of the tokenizer config (bos_token, eos_token, ...), for templates that use them */
  tokens: Record<string, string>;
  /** the tokenizer puts its own BOS in front of encoded text (SGLang encodes /generate text with special tokens) */
  addsBos: boolean;
}

/** A template that cannot be found or read; `at` is the suite option to name. */
export class ChatTemplateError extends PrismError {
  /** `notLocal`: the model has no files on this machine at all (a dry run may go on without them) */
  constructor(readonly at: 'model' | 'chatTemplate', readonly problem: string, readonly fix: string, readonly notLocal = false) {
    super(`${problem} -- ${fix}`);
  }
}

const FIX = 'set options.chatTemplate to the chat template file (a .jinja, or a tokenizer_config.json), or set options.prompt: raw to send the plain Question/Answer transcript';

/** The Hugging Face hub cache as huggingface_hub finds it. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_HUB_CACHE ?? join(env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface'), 'hub');
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
/** org/name, as the hub names models */
const isHubId = (p: string) => /^[\w.-]+\/[\w.-]+$/.test(p);

/**
 * The local folder holding a model's files: modelPath itself when it is a folder here, else the
 * hub cache's snapshot of a hub id (org/name) that SGLang downloaded earlier, else null.
 */
export function localModelDir(modelPath: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (isDir(resolve(modelPath))) return resolve(modelPath);
  if (!isHubId(modelPath)) return null;
  const repo = join(hubCacheDir(env), `models--${modelPath.replace('/', '--')}`);
  const ref = join(repo, 'refs', 'main');
  if (!existsSync(ref)) return null;
  const snapshot = join(repo, 'snapshots', readFileSync(ref, 'utf8').trim());
  return isDir(snapshot) ? snapshot : null;
}

function readJson(file: string, at: ChatTemplateError['at']): Record<string, unknown> {
  let v: unknown;
  try { v = JSON.parse(readFileSync(file, 'utf8')); } catch (e) {
    throw new ChatTemplateError(at, `${file}: not valid JSON (${messageOf(e).split('\n')[0]})`, `fix the file, or ${FIX}`);
  }
  if (!isRecord(v)) throw new ChatTemplateError(at, `${file}: expected a JSON object, got ${describe(v)}`, `fix the file, or ${FIX}`);
  return v;
}

/** chat_template as a list of named templates (transformers' multi-template form). */
const NAMED_TEMPLATES = z.array(z.looseObject({ name: z.string(), template: z.string() }));

/** The template text of a config's chat_template: a string, or the named-template list (its "default" entry, as transformers picks). */
function templateField(config: Record<string, unknown>, file: string, at: ChatTemplateError['at']): string | null {
  const t = config.chat_template;
  if (t === undefined || t === null) return null;
  if (typeof t === 'string') return t;
  const parsed = NAMED_TEMPLATES.safeParse(t);
  if (!parsed.success) throw new ChatTemplateError(at, `${file}: field chat_template: expected a string or a list of {name, template}, got ${describe(t)}`, `fix the field, or ${FIX}`);
  const list = parsed.data;
  const def = list.find((e) => e.name === 'default');
  if (!def) throw new ChatTemplateError(at, `${file}: field chat_template: no template named "default" among ${list.map((e) => JSON.stringify(e.name)).join(', ')}`, FIX);
  return def.template;
}

/** Special tokens as a tokenizer config writes them: a string or an AddedToken object with `content`. */
function specialTokens(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!k.endsWith('_token')) continue;
    if (typeof v === 'string') out[k] = v;
    else if (isRecord(v) && typeof v.content === 'string') out[k] = v.content;
  }
  return out;
}

function parse(text: string, source: string, at: ChatTemplateError['at']): Template {
  try { return new Template(text); } catch (e) {
    throw new ChatTemplateError(at, `${source}: not a Jinja template this harness can read (${messageOf(e).split('\n')[0]})`, `fix the template, or ${FIX}`);
  }
}

/**
 * Finds the chat template: options.chatTemplate (a .jinja file, or a JSON file with chat_template),
 * else <model>/chat_template.jinja (where newer transformers save it), else <model>/tokenizer_config.json's
 * chat_template. Special tokens come from the model's tokenizer_config.json when it is local.
 */
export function loadChatTemplate(src: TemplateSource, env: NodeJS.ProcessEnv = process.env): ChatTemplate {
  const dir = src.model ? localModelDir(src.model, env) : null;
  const configFile = dir ? join(dir, 'tokenizer_config.json') : null;
  const config = configFile && existsSync(configFile) ? readJson(configFile, src.chatTemplate ? 'chatTemplate' : 'model') : {};
  const tokens = specialTokens(config);
  const addsBos = config.add_bos_token !== false;
  if (src.chatTemplate) {
    const file = resolve(src.chatTemplate);
    if (!existsSync(file) || !statSync(file).isFile()) throw new ChatTemplateError('chatTemplate', `no such file ${file}`, 'give the path of a chat template file (a .jinja, or a tokenizer_config.json), relative to the working directory');
    if (extname(file).toLowerCase() === '.json') {
      const own = readJson(file, 'chatTemplate');
      const text = templateField(own, file, 'chatTemplate');
      if (text === null) throw new ChatTemplateError('chatTemplate', `${file}: field chat_template: missing`, 'name a file that has a chat_template field, or a .jinja template file');
      // a tokenizer config given as the template brings its own special tokens
      return { source: `${file} (chat_template)`, template: parse(text, file, 'chatTemplate'), tokens: { ...tokens, ...specialTokens(own) }, addsBos: own.add_bos_token === undefined ? addsBos : own.add_bos_token !== false };
    }
    return { source: file, template: parse(readFileSync(file, 'utf8'), file, 'chatTemplate'), tokens, addsBos };
  }
  if (!src.model) throw new ChatTemplateError('model', 'no model to read a chat template from', FIX);
  if (!dir) {
    const where = isHubId(src.model) ? `no local files (not a folder here, nor in the Hugging Face cache ${hubCacheDir(env)})` : `no such folder (${resolve(src.model)})`;
    throw new ChatTemplateError('model', `${src.model}: ${where}, so the harness cannot read its chat template`, FIX, true);
  }
  const jinja = join(dir, 'chat_template.jinja');
  if (existsSync(jinja)) return { source: jinja, template: parse(readFileSync(jinja, 'utf8'), jinja, 'model'), tokens, addsBos };
  if (!configFile || !existsSync(configFile)) throw new ChatTemplateError('model', `${dir}: no tokenizer_config.json or chat_template.jinja`, FIX);
  const text = templateField(config, configFile, 'model');
  if (text === null) throw new ChatTemplateError('model', `${configFile}: field chat_template: missing (the tokenizer has no chat template)`, FIX);
  return { source: `${configFile} (chat_template)`, template: parse(text, configFile, 'model'), tokens, addsBos };
}

/** The conversation as chat messages: user turns, each answered by the model's own earlier answer. */
export function chatMessages(turns: string[], answers: string[]): { role: 'user' | 'assistant'; content: string }[] {
  return turns.flatMap((t, i) => {
    const answer = answers[i];
    return answer === undefined ? [{ role: 'user' as const, content: t }] : [{ role: 'user' as const, content: t }, { role: 'assistant' as const, content: answer }];
  });
}

/**
 * Renders a conversation with the generation prompt added, as apply_chat_template(tokenize=False,
 * add_generation_prompt=True) does. A leading BOS the template writes is dropped when the tokenizer
 * adds its own: SGLang encodes /generate text with special tokens, and two BOS would change the
 * target's input from what its chat endpoint (and EAGLE's scripts, add_special_tokens=False) feed it.
 */
export function renderChat(t: ChatTemplate, turns: string[], answers: string[]): string {
  const text = t.template.render({ messages: chatMessages(turns, answers), add_generation_prompt: true, ...t.tokens });
  const bos = t.tokens.bos_token;
  return t.addsBos && bos && text.startsWith(bos) ? text.slice(bos.length) : text;
}
