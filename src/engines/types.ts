// The one small interface every engine sits behind. The runner launches an engine for one
// draft, waits until it is ready, sends requests, and stops it; adapters say which figures
// the engine itself reports (the rest the harness measures from the client side).
import type { z } from 'zod';
import type { Draft, DraftMethod, Settings } from '../suite/types.ts';
import { PrismError } from '../errors.ts';
import type { RequestShapeAcceptance } from '../metrics/shape-acceptance.ts';

export interface LaunchSpec {
  draft: Draft;
  settings: Settings;
  host: string;
  port: number;
  /** engine stdout and stderr go here, kept beside the result */
  logFile: string;
  /** adapter-specific options from the suite, as written (each adapter parses them with its schema) */
  options: Record<string, unknown>;
}

export interface GenerateRequest {
  /** full prompt text, as the adapter's formatPrompt wrote it (adapters sending chat prompts render `conversation` instead) */
  text: string;
  maxNewTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  ignoreEos: boolean;
  seed: number;
  /** the conversation `text` was formatted from (user turns, the engine's earlier answers), for chat endpoints */
  conversation?: { turns: string[]; answers: string[] };
}

/** What one request produced, engine-neutral. null = the engine does not report it. */
export interface GenerateOutcome {
  text: string;
  outputIds: number[];
  promptTokens: number;
  completionTokens: number;
  finishReason: string;
  verifyCycles: number | null;
  /** histogram[a] = cycles that accepted exactly a drafts */
  acceptedHistogram: number[] | null;
  proposedDrafts: number | null;
  acceptedDrafts: number | null;
  draftSeconds: number | null;
  verifySeconds: number | null;
  draftSteps: number | null;
  /** client-measured: request sent -> first token received (streaming) */
  ttftSeconds: number | null;
  /** client-measured: request sent -> response complete */
  e2eSeconds: number;
  /** the engine's own e2e_latency, if it reports one */
  engineE2eSeconds: number | null;
  /** the reference engine's tree drafts: every smaller tree shape's acceptance (src/metrics/shape-acceptance.ts); absent or null otherwise */
  shapeAcceptance?: RequestShapeAcceptance | null;
  /** client-measured: every streamed chunk that carried new tokens, in arrival order; null when not streamed */
  streamChunks?: StreamChunk[] | null;
}

/** One streamed chunk: when it arrived (seconds after the request was sent) and how many new tokens it carried. */
export interface StreamChunk {
  at: number;
  tokens: number;
}

export interface EngineMeasures {
  /** engine reports verify cycles per request */
  verifyCycles: boolean;
  acceptedHistogram: boolean;
  draftTime: boolean;
  verifyTime: boolean;
}

/**
 * Where a figure comes from: `engine` = the engine reports it per request; `engine-counters` = the
 * engine's server-wide counters, read before and after each trial; `client` = the harness measures
 * it from the client side; `derived` = the harness computes it from other figures.
 */
export type MetricSource = 'engine' | 'engine-counters' | 'client' | 'derived';

/** Server-wide speculative-decoding counters at one moment (vLLM's /metrics); deltas around a trial are the trial's. */
export interface SpecCounters {
  /** draft-verify steps (vLLM V1: num_drafts; V0 has no such counter: draft tokens / k, marked derived) */
  drafts: number | null;
  draftTokens: number;
  acceptedTokens: number;
  /** acceptedPerPosition[i] = steps whose draft token i was accepted (so all before it were) */
  acceptedPerPosition: number[] | null;
  /** which naming generation the figures were read under */
  generation: string;
  /** iterations the engine dropped before they were read (TensorRT-LLM's bounded stats queue); a delta across a drop is unknown */
  lostIterations?: number;
}

/** One process the harness would start, exactly: what --dry-run prints. */
export interface LaunchPlan {
  command: string[];
  /** environment set on top of the harness's own */
  env: Record<string, string>;
  /** readiness probe the harness polls */
  ready: string;
  /** files the harness writes before starting the process (a config the command names), with their exact text */
  files?: { path: string; text: string }[];
  /** run --base-url: the server the harness attaches to instead (command is then empty: nothing is started) */
  attach?: string;
}

/** One request as sent on the wire: what --dry-run prints. */
export interface RequestShape {
  method: 'POST';
  path: string;
  body: Record<string, unknown>;
}

export interface EngineHandle {
  readonly url: string;
  readonly pid: number | undefined;
  /** a server the harness attached to (run --base-url): its processes are not the harness's */
  readonly attached?: boolean;
  /** resolves when the engine answers its readiness probe; rejects on timeout or exit, with the log tail */
  waitReady(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  generate(req: GenerateRequest, signal?: AbortSignal): Promise<GenerateOutcome>;
  /** engine name and version, plus whatever info endpoints return */
  describe(): Promise<{ version: string; info: unknown }>;
  /** resolves with a reason when the process exits */
  readonly exited: Promise<string>;
  /** empties the engine's prefix cache (SGLang's POST /flush_cache) before each trial, so no trial reuses another's cached prompts */
  flushCache?(): Promise<void>;
  /** the engine's server-wide speculative-decoding counters now, for engines that keep them (read around each trial) */
  counters?(): Promise<SpecCounters | null>;
  /** SIGTERM, then SIGKILL of the whole process group after graceMs */
  stop(graceMs?: number): Promise<void>;
}

/** One mistake in what a suite asks of an engine: where (relative to the draft or the engine's options), what, and the fix. */
export interface InputProblem {
  /** `draft.<field>`, `draft` (the whole draft) or `options.<field>` */
  at: string;
  problem: string;
  fix: string;
}

/**
 * What an engine accepts, declared by its adapter. One check (src/engines/check.ts) reads it for
 * every engine, before anything launches, and turns a mistake into a suite error (exit 2) naming
 * the file, the field and the fix; launch() runs the same check.
 */
export interface EngineAccepts<Options = unknown> {
  /** draft methods the engine offers */
  methods: readonly DraftMethod[];
  /** the engine's own name for each method it offers (its flag's value), for `prism-bench methods` */
  names?: Readonly<Partial<Record<DraftMethod, string>>>;
  /** why the engine lacks a method it does not offer, said when a suite asks for it */
  missing?: Readonly<Partial<Record<DraftMethod, string>>>;
  /** the suite's `options` mapping for this engine (also published in the suite's JSON Schema); the hooks below get what it parsed */
  options: z.ZodType<Options>;
  /** tokens of context (prompt + generated) the engine holds with these options, when known before launch */
  contextTokens?(options: Options): number | undefined;
  /** what the schema cannot say about the options alone (files they name, such as a chat template), before any draft */
  checkOptions?(options: Options): InputProblem | undefined;
  /** what the schema cannot say about one draft on this engine with these options */
  checkDraft?(draft: Draft, options: Options): InputProblem | undefined;
}

/**
 * One engine. `Options` is what its options schema infers (z.infer); the registry holds adapters
 * as EngineAdapter<unknown>, the hooks' parameters being methods (checked bivariantly).
 */
export interface EngineAdapter<Options = unknown> {
  readonly name: string;
  readonly measures: EngineMeasures;
  /** per metric id: whether the engine measures it or the harness derives it (reports carry this label) */
  readonly sources: Readonly<Record<string, MetricSource>>;
  /**
   * The same two declarations for one engine's options, where options change them (vLLM's
   * per-request metrics); the static ones above otherwise.
   */
  declared?(options: Record<string, unknown>): { measures: EngineMeasures; sources: Readonly<Record<string, MetricSource>> };
  readonly accepts: EngineAccepts<Options>;
  /** turns a conversation so far into the plain prompt text (raw prompts; chat prompts are built from the request's conversation on the way out) */
  formatPrompt(turns: string[], answers: string[]): string;
  /** the exact process launch() would start (checked like launch; starts nothing) */
  plan(spec: LaunchSpec): LaunchPlan;
  /** the exact body generate() would send for this request */
  requestShape(req: GenerateRequest, options: Record<string, unknown>): RequestShape;
  /**
   * The options a dry run plans with when this machine lacks model files a run would read here
   * (a GPU suite checked on a laptop), and a note saying what differs; undefined when nothing does.
   */
  dryRunOptions?(options: Record<string, unknown>): { options: Record<string, unknown>; note: string } | undefined;
  launch(spec: LaunchSpec): Promise<EngineHandle>;
  /**
   * A handle on a server of this engine that someone else started (run --base-url): the same
   * protocol client launch() returns, over `url`, with no process behind it to wait on or stop.
   * `options` are this adapter's options as far as requests need them (the model a request names).
   */
  attach?(url: string, options: Record<string, unknown>, draft: Draft, logFile: string): EngineHandle;
}

export class EngineError extends PrismError {}
