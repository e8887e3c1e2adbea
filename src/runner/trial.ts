// Drives one trial of one cell through a ready engine: every prompt (every turn of
// multi-turn prompts) with `batchSize` requests in flight, each record appended to
// requests.jsonl the moment it completes.
import { createHash } from 'node:crypto';
import type { Dataset, Prompt, Settings } from '../suite/types.ts';
import type { EngineAdapter, EngineHandle, GenerateOutcome } from '../engines/types.ts';
import type { RequestRecord } from '../metrics/records.ts';
import { requestSeed } from './plan.ts';

export interface TrialInput {
  cellId: string;
  trial: number;
  attempt: string;
  dataset: Dataset;
  temperature: number;
  settings: Settings;
  adapter: EngineAdapter;
  engine: EngineHandle;
  onRecord: (r: RequestRecord) => void;
  signal?: AbortSignal;
  /** monotonic milliseconds for the wall time (default performance.now) */
  now?: () => number;
}

const clock = (input: Pick<TrialInput, 'now'>) => (input.now ? input.now() : performance.now());

export function outputHash(ids: number[]): string {
  return createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 32);
}

/** The hash lossless checks compare: of the token ids, or of the text when the engine sent no ids (an OpenAI stream without return_token_ids). */
export function outcomeHash(out: Pick<GenerateOutcome, 'outputIds' | 'text' | 'completionTokens'>): string {
  if (out.outputIds.length > 0 || out.completionTokens === 0) return outputHash(out.outputIds);
  return createHash('sha256').update(`text:${out.text}`).digest('hex').slice(0, 32);
}

/** Sends one conversation, turn by turn; later turns include the engine's earlier answers. */
async function runConversation(p: Prompt, input: TrialInput): Promise<RequestRecord[]> {
  const answers: string[] = [];
  const records: RequestRecord[] = [];
  const s = input.settings;
  for (let turn = 0; turn < p.turns.length; turn++) {
    const text = input.adapter.formatPrompt(p.turns.slice(0, turn + 1), answers);
    const startedAt = Date.now();
    const out: GenerateOutcome = await input.engine.generate({
      text, maxNewTokens: s.maxNewTokens, temperature: input.temperature, topP: s.topP, topK: s.topK, ignoreEos: s.ignoreEos,
      seed: requestSeed(s.seed, input.dataset.name, input.temperature, p.id, turn, input.trial),
      conversation: { turns: p.turns.slice(0, turn + 1), answers: answers.slice() },
    }, input.signal);
    answers.push(out.text);
    const record: RequestRecord = {
      cell: input.cellId, trial: input.trial, attempt: input.attempt, promptId: p.id, turn,
      promptTokens: out.promptTokens, completionTokens: out.completionTokens, verifyCycles: out.verifyCycles,
      acceptedHistogram: out.acceptedHistogram, proposedDrafts: out.proposedDrafts, acceptedDrafts: out.acceptedDrafts,
      draftSteps: out.draftSteps, draftSeconds: out.draftSeconds, verifySeconds: out.verifySeconds,
      ttftSeconds: out.ttftSeconds, e2eSeconds: out.e2eSeconds, finishReason: out.finishReason,
      chunkSeconds: out.streamChunks ? out.streamChunks.map((c) => Math.round(c.at * 1e6) / 1e6) : null,
      chunkTokens: out.streamChunks ? out.streamChunks.map((c) => c.tokens) : null,
      outputHash: outcomeHash(out), outputPreview: out.text.slice(0, 80), startedAt,
      ...(out.shapeAcceptance ? { shapeAcceptance: out.shapeAcceptance } : {}),
    };
    input.onRecord(record);
    records.push(record);
  }
  return records;
}

/** Runs the prompts with a pool of `batchSize` workers; returns records and the trial's wall time. */
export async function runTrial(input: TrialInput): Promise<{ records: RequestRecord[]; wallSeconds: number }> {
  const queue = input.dataset.prompts.slice();
  const records: RequestRecord[] = [];
  const started = clock(input);
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null) {
      const p = queue.shift();
      if (p === undefined) break;
      try {
        records.push(...(await runConversation(p, input)));
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, input.settings.batchSize) }, worker));
  // rethrows the first worker's caught value as it was thrown
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (failure !== null) throw failure;
  return { records, wallSeconds: (clock(input) - started) / 1000 };
}

/** Warmup requests: same settings as the cell, results discarded; the i-th uses prompt `from + i`. */
export async function warmup(input: Omit<TrialInput, 'onRecord' | 'trial' | 'attempt' | 'cellId' | 'now'>, count: number, from = 0): Promise<void> {
  const prompts = input.dataset.prompts;
  for (let i = from; i < from + count && prompts.length; i++) {
    const p = prompts[i % prompts.length];
    await input.engine.generate({
      text: input.adapter.formatPrompt([p.turns[0]], []), maxNewTokens: input.settings.maxNewTokens, temperature: input.temperature,
      topP: input.settings.topP, topK: input.settings.topK, ignoreEos: input.settings.ignoreEos, seed: i,
      conversation: { turns: [p.turns[0]], answers: [] },
    }, input.signal);
  }
}

export type InterleavedOutcome = { records: RequestRecord[]; wallSeconds: number } | { error: unknown };

/**
 * One trial on each of several engines at once (interleave: request): the same dataset's prompts,
 * each taken by every engine in turn, the order reversed from one prompt to the next (A B, B A,
 * A B, ...), so a drift of the machine within the trial lands on all of them alike. Each
 * engine's wall time is the time its own conversations took (batchSize is 1 here, so the
 * engine was busy exactly then). An engine whose request fails drops out of the rest of the
 * trial; the others go on.
 */
export async function runTrialsInterleaved(inputs: TrialInput[]): Promise<InterleavedOutcome[]> {
  const records: RequestRecord[][] = inputs.map(() => []);
  const busy = inputs.map(() => 0);
  const errors: unknown[] = inputs.map(() => undefined);
  const prompts = inputs[0]?.dataset.prompts ?? [];
  for (const [i, p] of prompts.entries()) {
    const order = inputs.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      if (errors[k] !== undefined) continue;
      const input = inputs[k];
      const t0 = clock(input);
      try {
        records[k]!.push(...(await runConversation(p, input)));
      } catch (e) {
        errors[k] = e ?? new Error('request failed');
        if (input.signal?.aborted) return inputs.map(() => ({ error: e }));
      }
      busy[k]! += clock(input) - t0;
    }
  }
  return inputs.map((_, k) => (errors[k] !== undefined ? { error: errors[k] } : { records: records[k]!, wallSeconds: busy[k]! / 1000 }));
}
