// `run --base-url URL --engine-kind K`: benchmark a server somebody else started. Before anything
// runs, the flags are checked, the server is asked what it runs (its info endpoints, read by
// src/engines/server-info.ts), and the suite is reduced to what it serves: its one engine
// replaced by the attached one, its drafts by the one draft the server runs. What the server does
// not report is listed, one line per setting, for the audit. Any mistake is one line naming the
// flag and the fix (exit 2).
import type { AttachOption, ServerSettings } from '../result/schema.ts';
import { DRAFT_METHODS, ENDPOINT_KINDS, type Draft, type DraftMethod, type EndpointKind, type Engine, type Suite } from '../suite/types.ts';
import { endpointEngineName, type EndpointOptions } from '../engines/endpoint.ts';
import { REFERENCE_ENGINE_NAME, openAiModel, openAiServerSettings, sglangServerSettings, vllmServerSettings } from '../engines/server-info.ts';
import { SGLANG_OPTIONS, sglangEngine } from '../engines/sglang.ts';
import { PrismInputError, fetchFailure } from '../errors.ts';
import { isRecord } from '../record.ts';

/** A bad --base-url, --engine-kind or --draft-label, or a server that is not what they say: `--flag: problem -- fix`, exit 2. */
export class AttachError extends PrismInputError {
  constructor(flag: string, problem: string, fix: string) {
    super(`${flag}: ${problem} -- ${fix}`);
    this.name = 'AttachError';
  }
}

const KINDS = ENDPOINT_KINDS.join('|');
const RECOMMENDED = 'or run without --base-url, so prism-bench launches the engine itself (the recommended path)';

export interface AttachFlags {
  baseUrl?: string;
  engineKind?: string;
  draftLabel?: string;
  resume?: string;
  shard?: string;
}

/** The attach flags, checked alone (before any server is asked): undefined when --base-url is absent. */
export function parseAttachFlags(f: AttachFlags): { baseUrl: string; kind: EndpointKind; draftLabel?: string } | undefined {
  if (f.baseUrl === undefined) {
    if (f.engineKind !== undefined) throw new AttachError('--engine-kind', 'applies only to a server given with --base-url', 'add --base-url URL, or remove --engine-kind (without --base-url, prism-bench launches the engine itself: the recommended path)');
    if (f.draftLabel !== undefined) throw new AttachError('--draft-label', 'applies only to a server given with --base-url', 'add --base-url URL and --engine-kind, or remove --draft-label (a launched engine runs the suite\'s drafts by name)');
    return undefined;
  }
  if (f.resume !== undefined) throw new AttachError('--base-url', 'a resumed run keeps the server it was attached to (in its result.json)', 'remove --base-url and --engine-kind');
  if (f.shard !== undefined) throw new AttachError('--base-url', 'an attached run has one engine and one draft, so there is nothing to shard', 'remove --shard');
  let url: URL;
  try { url = new URL(f.baseUrl); } catch { url = new URL('invalid:'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:' || url.host === '') {
    throw new AttachError('--base-url', `${JSON.stringify(f.baseUrl)} is not an http(s) URL`, 'give the running server\'s address, such as http://127.0.0.1:30000');
  }
  if (f.engineKind === undefined) throw new AttachError('--base-url', 'needs the protocol the server speaks', `add --engine-kind ${KINDS}`);
  if (!(ENDPOINT_KINDS as readonly string[]).includes(f.engineKind)) throw new AttachError('--engine-kind', `${JSON.stringify(f.engineKind)} is not a kind of server`, `use one of ${KINDS}`);
  if (f.draftLabel !== undefined && f.draftLabel.trim() === '') throw new AttachError('--draft-label', 'is empty', 'give a draft name, such as eagle3, or remove it');
  const baseUrl = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  // why: checked against ENDPOINT_KINDS just above
  return { baseUrl, kind: f.engineKind as EndpointKind, ...(f.draftLabel !== undefined ? { draftLabel: f.draftLabel.trim() } : {}) };
}

/** What a server's info endpoints said: its settings, and the raw flags a check needs (the reference engine's planted faults). */
export interface ProbedServer {
  settings: ServerSettings;
  faults: Record<string, unknown> | null;
}

type Get = { status: number; text: string } | { error: string };

async function get(url: string): Promise<Get> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return { status: r.status, text: await r.text() };
  } catch (e) {
    return { error: fetchFailure(e) };
  }
}

const json = (g: Get): unknown => {
  if ('error' in g || g.status !== 200) return undefined;
  try { return JSON.parse(g.text); } catch { return undefined; }
};

/**
 * Asks the server at `baseUrl` what it runs, through the info endpoints of `kind`. Throws an
 * AttachError when nothing answers, when it is not ready, or when it does not speak the kind's protocol.
 */
export async function probeServer(baseUrl: string, kind: EndpointKind): Promise<ProbedServer> {
  const health = await get(`${baseUrl}/health`);
  if ('error' in health) throw new AttachError('--base-url', `nothing answers at ${baseUrl} (${health.error})`, `start the server first, check the host and port, ${RECOMMENDED}`);
  if (health.status !== 200) throw new AttachError('--base-url', `${baseUrl}/health answered HTTP ${health.status}: the server is not ready`, 'wait until its /health answers 200, then run again');
  const notKind = (what: string, fix: string) => new AttachError('--engine-kind', `${kind}: ${baseUrl} ${what}`, fix);
  if (kind === 'reference' || kind === 'sglang') {
    let path = '/server_info';
    let info = json(await get(`${baseUrl}${path}`));
    if (!isRecord(info)) { path = '/get_server_info'; info = json(await get(`${baseUrl}${path}`)); }
    if (!isRecord(info)) throw notKind('answers no /server_info (or /get_server_info): it does not speak SGLang\'s protocol', 'use --engine-kind vllm, trtllm or openai for an OpenAI-compatible server');
    const settings = sglangServerSettings(info, [path]);
    if (kind === 'reference' && settings.engine !== REFERENCE_ENGINE_NAME) throw notKind(`is not prism-bench serve (its ${path} names engine ${settings.engine})`, 'use --engine-kind sglang for an SGLang server');
    return { settings, faults: kind === 'reference' && isRecord(info.prism_faults) ? info.prism_faults : null };
  }
  const models = json(await get(`${baseUrl}/v1/models`));
  if (!openAiModel(models)) throw notKind('answers no model list at /v1/models: it does not speak the OpenAI-compatible API', 'use --engine-kind sglang or reference for a server of SGLang\'s protocol');
  const versionBody = json(await get(`${baseUrl}/version`));
  const version = isRecord(versionBody) && typeof versionBody.version === 'string' ? versionBody.version : null;
  if (kind === 'openai') return { settings: openAiServerSettings(models, 'openai', version), faults: null };
  const metrics = await get(`${baseUrl}/metrics`);
  const metricsText = 'error' in metrics || metrics.status !== 200 ? null : metrics.text;
  const trtllmList = metricsText !== null && Array.isArray(json(metrics));
  if (kind === 'vllm') {
    if (trtllmList) throw notKind("answers /metrics with TensorRT-LLM's JSON list of iterations", 'use --engine-kind trtllm');
    if (metricsText === null) throw notKind('answers no /metrics, where vLLM keeps its speculative-decoding counters', 'use --engine-kind openai for a server without them');
    return { settings: vllmServerSettings(models, metricsText, version), faults: null };
  }
  // trtllm-serve's /metrics is a JSON list (empty without enable_iter_perf_stats); reading it now only drains iterations from before the run
  if (!trtllmList) throw notKind("answers /metrics with something other than TensorRT-LLM's JSON list of iterations", 'use --engine-kind vllm for a vLLM server, or openai for another OpenAI-compatible one');
  return { settings: openAiServerSettings(models, 'trtllm', version), faults: null };
}

const methodWord = (s: ServerSettings) => (s.algorithm ? `${s.algorithm} (${s.methods?.join(', ') ?? 'method unknown'})` : s.methods?.join(', ') ?? 'a draft it does not name');

/** A draft of `method` as the server runs it (the suite's defaults where the server does not say). */
function draftOf(name: string, method: DraftMethod, s: ServerSettings): Draft {
  if (method === 'vanilla') return { name, method };
  if (method === 'ngram') return { name, method, draftedTokens: s.draftedTokens ?? 6, ngramMin: s.ngramMin ?? 1, ngramMax: s.ngramMax ?? 4 };
  if (method === 'suffix') return s.draftedTokens === null ? { name, method } : { name, method, draftedTokens: s.draftedTokens };
  return { name, method };
}

/** The suite draft (or a draft of a method) `label` names, checked against what the server says it runs. */
function labelled(drafts: readonly Draft[], s: ServerSettings, label: string): Draft {
  const named = drafts.find((d) => d.name === label);
  const method = named?.method ?? ((DRAFT_METHODS as readonly string[]).includes(label) ? label as DraftMethod : undefined); // why: checked just before
  if (method !== undefined) {
    if (s.methods && !s.methods.includes(method)) {
      throw new AttachError('--draft-label', `${label} is ${named ? `the suite's draft of method ${method}` : `method ${method}`}, but the server runs ${methodWord(s)}`, `name a draft of method ${s.methods.join(' or ')}, or remove --draft-label (the server's info names its draft)`);
    }
    return named ?? draftOf(label, method, s);
  }
  if (s.methods?.length === 1) return draftOf(label, s.methods[0] as DraftMethod, s); // why: methods hold suite draft method names (server-info.ts)
  throw new AttachError('--draft-label', `${label} names none of the suite's drafts (${drafts.map((d) => d.name).join(', ')}) and no draft method, and the server does not say which method it runs`, `name one of the suite's drafts, or a method (${DRAFT_METHODS.join(', ')})`);
}

/** Shape fields the server reported, as the suite names them. */
function serverShape(d: Draft, s: ServerSettings): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const put = (k: string, v: number | string | null) => { if (v !== null) out[k] = v; };
  if (d.method === 'ngram') { put('draftedTokens', s.draftedTokens); put('ngramMin', s.ngramMin); put('ngramMax', s.ngramMax); }
  else if (d.method === 'suffix') put('draftedTokens', s.draftedTokens);
  else if (d.method !== 'vanilla') { put('steps', s.steps); put('topK', s.topK); put('verifiedTokens', s.verifiedTokens); put('model', s.draftModel); }
  return out;
}

/**
 * The one draft the server runs, from the suite's drafts: the one `label` (--draft-label) names,
 * else the one the server's info names (a suite draft of that method, narrowed by the shape the
 * server reports, or a draft named after the method), with the server's reported shape filled
 * in. `differs` says where the suite's draft asked for something else.
 */
export function attachedDraft(drafts: readonly Draft[], s: ServerSettings, label?: string): { draft: Draft; from: AttachOption['draftFrom']; differs: string[] } {
  let chosen: Draft;
  let from: AttachOption['draftFrom'];
  if (label !== undefined) {
    chosen = labelled(drafts, s, label);
    from = s.methods?.length === 1 ? 'server' : 'flag';
  } else {
    const methods = s.methods;
    if (!methods) throw new AttachError('--draft-label', 'the server does not say which draft it runs', `add --draft-label NAME: one of the suite's drafts (${drafts.map((d) => d.name).join(', ')}) or a draft method`);
    let fits = drafts.filter((d) => methods.includes(d.method));
    if (fits.length > 1) {
      const same = fits.filter((d) => Object.entries(serverShape(d, s)).every(([k, v]) => k === 'model' || (d as Record<string, unknown>)[k] === undefined || (d as Record<string, unknown>)[k] === v));
      if (same.length >= 1) fits = same;
    }
    if (fits.length === 1) { chosen = fits[0]!; from = methods.length === 1 ? 'server' : 'suite'; }
    else if (fits.length === 0 && methods.length === 1) { chosen = draftOf(methods[0]!, methods[0] as DraftMethod, s); from = 'server'; } // why: methods hold suite draft method names
    else {
      throw new AttachError('--draft-label', `the server runs ${methodWord(s)}, which ${fits.length ? `the suite's drafts ${fits.map((d) => d.name).join(', ')} all fit` : 'is more than one draft method'}`, 'add --draft-label NAME to say which draft it is');
    }
  }
  const shape = serverShape(chosen, s);
  const differs: string[] = [];
  const asked = chosen as Record<string, unknown>;
  for (const [k, v] of Object.entries(shape)) {
    if (asked[k] !== undefined && asked[k] !== v) differs.push(`the suite's draft ${chosen.name} asks ${k} ${JSON.stringify(asked[k])}, but the server runs ${JSON.stringify(v)} (the cells measure the server's)`);
  }
  // why: the keys come from serverShape for this draft's method, so the merged draft keeps its method's fields
  return { draft: { ...chosen, ...shape } as Draft, from, differs };
}

/** One line per setting the harness could not verify from the server (each an audit warning). */
export function unverifiedSettings(kind: EndpointKind, s: ServerSettings, draft: Draft, from: AttachOption['draftFrom'], faults: Record<string, unknown> | null): string[] {
  const out = [`launch settings of an attached server not verifiable: the harness did not start it, so its dtype, batch limits, CUDA graphs, GPU sharing and hardware are its operator's (${kind === 'reference' || kind === 'sglang' ? 'its server_info is recorded in result.json' : 'it reports none of them'})`];
  const draftLine = (what: string) => out.push(`draft settings of an attached server not verifiable: ${what}`);
  if (from === 'flag') draftLine(`the draft method (${s.methods ? `${s.algorithm ?? 'its info'} can be ${s.methods.join(', ')}` : `${kind} reports no speculative config`}); the label ${draft.name} came from --draft-label`);
  if (from === 'suite') draftLine(`the draft method (${s.algorithm} can be ${s.methods?.join(', ')}); the label ${draft.name} is the suite's only draft that fits`);
  if (draft.method === 'ngram') {
    if (s.draftedTokens === null) draftLine('tokens drafted per cycle (not reported)');
    if (s.ngramMin === null || s.ngramMax === null) draftLine('the n-gram match window (not reported)');
  } else if (draft.method === 'suffix') {
    if (s.draftedTokens === null) draftLine('tokens drafted per cycle at most (not reported)');
  } else if (draft.method !== 'vanilla') {
    if (s.steps === null) draftLine('draft steps per cycle (not reported)');
    if (s.topK === null && kind !== 'vllm' && kind !== 'trtllm') draftLine('top-k per step (not reported)');
    if (s.verifiedTokens === null) draftLine('tokens verified per cycle (not reported)');
    if (s.draftModel === null && draft.method !== 'mtp') draftLine('the draft model (not reported)');
  }
  if (kind === 'openai') out.push('acceptance of an attached server not measurable: a plain OpenAI-compatible server reports no speculative figures, so no acceptance length is measured');
  const planted = faults ? Object.entries(faults).filter(([, v]) => v !== undefined && v !== null && v !== false && v !== 0) : [];
  if (planted.length) out.push(`planted faults on the attached server: ${planted.map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ')}`);
  return out;
}

/**
 * Why the harness cannot render the chat template of the model an SGLang server serves (it renders
 * it itself, as the launched sglang adapter does), or undefined when it can. Prompts then go raw.
 */
function chatTemplateProblem(model: string | null): string | undefined {
  if (model === null) return 'the server does not name its model, so its chat template is unknown here';
  const p = sglangEngine.accepts.checkOptions?.(SGLANG_OPTIONS.parse({ model }));
  return p ? `the chat template of ${model} cannot be used here (${p.problem})` : undefined;
}

/** An attached run replaces the suite's one engine: a suite of several is refused (before the server is asked anything). */
export function checkOneEngine(suite: Suite): void {
  if (suite.engines.length === 1) return;
  throw new AttachError('--base-url', `attaches one server, but the suite has ${suite.engines.length} engines (${suite.engines.map((e) => e.label ?? e.name).join(', ')})`, 'choose one with --engines NAME, or use a suite with one engine');
}

/** The attach recorded in result.json: the server, the draft it runs and what could not be verified. */
export function attachOption(suite: Suite, flags: { baseUrl: string; kind: EndpointKind; draftLabel?: string }, probed: ProbedServer): AttachOption {
  const { draft, from, differs } = attachedDraft(suite.drafts, probed.settings, flags.draftLabel);
  const template = flags.kind === 'sglang' ? chatTemplateProblem(probed.settings.model) : undefined;
  return {
    baseUrl: flags.baseUrl, kind: flags.kind, ...(flags.draftLabel !== undefined ? { draftLabel: flags.draftLabel } : {}),
    draft: draft.name, draftFrom: from, server: probed.settings,
    unverified: [
      ...unverifiedSettings(flags.kind, probed.settings, draft, from, probed.faults),
      ...differs.map((d) => `draft settings of an attached server differ from the suite: ${d}`),
      ...(template ? [`prompts to an attached server not as launched: ${template}, so requests carry the raw Question/Answer transcript`] : []),
    ],
  };
}

/**
 * The suite reduced to the attached server: its one engine replaced by the server (labelled as
 * that engine when it is of the same kind, so cell ids match a launched run's), its drafts by the
 * one the server runs. Deterministic from the suite and `a`, so a resumed run gets the same suite.
 */
export function attachSuite(suite: Suite, a: AttachOption): Suite {
  checkOneEngine(suite);
  const kind = a.kind as EndpointKind; // why: written by attachOption from a checked kind
  const only = suite.engines[0]!;
  const { draft } = attachedDraft(suite.drafts, a.server as ServerSettings, a.draftLabel); // why: written by attachOption
  let options: EndpointOptions = { baseUrl: a.baseUrl, kind, ...(a.server.model ? { model: a.server.model } : {}) };
  if (kind === 'sglang' && chatTemplateProblem(a.server.model)) options = { ...options, prompt: 'raw' };
  const engine: Engine = { name: endpointEngineName(kind), label: only.name === kind ? only.label ?? only.name : kind, options };
  return { ...suite, engines: [engine], drafts: [draft] };
}
