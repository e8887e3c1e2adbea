// What EAGLE and Spec-Bench answer files share: one JSON line per question whose first choice
// holds per-turn totals (tokens, verify cycles, generation time) and, in some versions, one
// entry per verify cycle. This turns one question into one request record (all its turns),
// the unit both tools average their speed over.
import { createHash } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { RequestRecord } from '../metrics/records.ts';
import { ImportError, type ImportContext, type ImportInput } from './types.ts';

/** One question's first choice, normalised: per-turn arrays of equal length. */
export interface QuestionTotals {
  questionId: string;
  turns: string[];
  /** tokens the generation loop emitted, per turn */
  tokens: number[];
  /** verify cycles (target forward passes after prefill), per turn */
  cycles: number[];
  /** seconds around the whole generate call, per turn */
  seconds: number[];
  /** accepted draft tokens of each cycle, all turns in order (bonus token not included); null when not written */
  acceptedPerCycle: number[] | null;
}

/** Checks the per-turn arrays against each other; `where` is "FILE:LINE". */
export function checkTurns(where: string, q: QuestionTotals, names: { tokens: string; cycles: string; list?: string }, fix: string): void {
  const n = q.turns.length;
  for (const [field, arr] of [[names.tokens, q.tokens], [names.cycles, q.cycles], ['wall_time', q.seconds]] as const) {
    if (arr.length !== n) throw new ImportError(`${where}: choices[0].${field}: has ${arr.length} entries but turns has ${n} -- every per-turn list must have one entry per turn; ${fix}`);
  }
  q.seconds.forEach((s, i) => {
    if (!(s > 0)) throw new ImportError(`${where}: choices[0].wall_time[${i}]: ${s} is not a positive time -- ${fix}`);
  });
  const cycles = q.cycles.reduce((a, b) => a + b, 0);
  if (q.acceptedPerCycle && names.list && q.acceptedPerCycle.length !== cycles) {
    throw new ImportError(`${where}: choices[0].${names.list}: has ${q.acceptedPerCycle.length} entries but the turns ran ${cycles} verify cycles (from ${names.cycles}) -- the per-cycle list must have one entry per cycle; ${fix}`);
  }
  const tokens = q.tokens.reduce((a, b) => a + b, 0);
  if (tokens < cycles) {
    throw new ImportError(`${where}: choices[0].${names.tokens}: ${tokens} tokens in ${cycles} verify cycles, but every cycle emits at least one token -- ${fix}`);
  }
}

/** A baseline (no speculation) emits one token per cycle; anything else was decoded with a draft. */
export function checkBaseline(where: string, q: QuestionTotals, cyclesField: string, fix: string): void {
  const tokens = q.tokens.reduce((a, b) => a + b, 0);
  const cycles = q.cycles.reduce((a, b) => a + b, 0);
  if (tokens !== cycles) {
    throw new ImportError(`${where}: choices[0].${cyclesField}: ${tokens} tokens in ${cycles} cycles, so this question was decoded with speculation and the file is not a run without speculation -- give --baseline the vanilla run's file (${fix})`);
  }
}

/** One request record for one question (all turns); cell and trial are filled in by build.ts. */
export function questionRecord(q: QuestionTotals): RequestRecord {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const tokens = sum(q.tokens);
  const cycles = sum(q.cycles);
  let histogram: number[] | null = null;
  if (q.acceptedPerCycle) {
    histogram = new Array<number>(Math.max(0, ...q.acceptedPerCycle) + 1).fill(0);
    for (const a of q.acceptedPerCycle) histogram[a]++;
  }
  return {
    cell: '',
    trial: 0,
    attempt: '',
    promptId: q.questionId,
    turn: 0,
    promptTokens: 0,
    completionTokens: tokens,
    verifyCycles: cycles,
    acceptedHistogram: histogram,
    proposedDrafts: null,
    // each cycle emits its accepted drafts plus the one token verification supplies; from the
    // totals rather than the per-cycle list, so pooled and per-question figures agree (some
    // Spec-Bench methods write a list whose length differs from decoding_steps)
    acceptedDrafts: tokens - cycles,
    draftSteps: null,
    draftSeconds: null,
    verifySeconds: null,
    ttftSeconds: null,
    e2eSeconds: sum(q.seconds),
    chunkSeconds: null,
    chunkTokens: null,
    finishReason: 'unknown',
    // text, not token ids: the tools write only decoded text
    outputHash: createHash('sha256').update(q.turns.join('\u0000')).digest('hex'),
    outputPreview: (q.turns[0] ?? '').slice(0, 80),
    startedAt: 0,
  };
}

/** The temperature: --temperature, else the "-temperature-X" / "-temp-X" the tools append to the model id and file name. */
export function resolveTemperature(input: ImportInput, ctx: ImportContext, modelId: string | undefined, found: (name: string) => number | undefined): number {
  if (ctx.temperature !== undefined) return ctx.temperature;
  const t = (modelId !== undefined ? found(modelId) : undefined) ?? found(basename(input.path));
  if (t === undefined) {
    throw new ImportError(`${input.path}: temperature: neither the file name nor model_id says it (the tools append "-temperature-T") -- pass --temperature T`);
  }
  return t;
}

/** The dataset an EAGLE-style answer file belongs to: --dataset, else the folder it sits in (data/BENCH/model_answer/FILE or BENCH/FILE). */
export function datasetFromPath(path: string, ctx: ImportContext): string {
  if (ctx.dataset !== undefined) return ctx.dataset;
  let dir = dirname(path);
  if (basename(dir) === 'model_answer') dir = dirname(dir);
  const name = basename(dir);
  if (name === '' || name === '.' || name === '/') {
    throw new ImportError(`${path}: dataset: the file is not in a folder named after its benchmark (the tools write BENCH/FILE or data/BENCH/model_answer/FILE) -- pass --dataset NAME`);
  }
  return name;
}

/** The draft's name: --draft, else the model id the tool wrote (without its temperature suffix), else the file name. */
export function draftName(ctx: ImportContext, modelId: string | undefined, path: string): string {
  if (ctx.role === 'baseline') return 'vanilla';
  if (ctx.draft !== undefined) return ctx.draft.replaceAll('/', '_');
  const base = (modelId ?? basename(path).replace(/\.jsonl?$/i, '')).replaceAll('/', '_');
  return base.replace(/[-_]temp(?:erature)?[-_]?\d+(?:\.\d+)?$/i, '') || base;
}

/** What files of per-question totals (EAGLE's and Spec-Bench's scripts) cannot give, and why. */
export const UNTIMED_BY_QUESTION_FILES: Readonly<Record<string, string>> = {
  draft_accept_rate: 'the files do not record how many draft tokens were proposed',
  ttft_ms: 'the scripts do not stream: only each turn\'s total generation time is written',
  tpot_ms: 'no time to first token is written',
  draft_ms_per_step: 'drafting and verification are not timed apart',
  verify_ms_per_cycle: 'drafting and verification are not timed apart',
};
