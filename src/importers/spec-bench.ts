// Spec-Bench answer files (hemingkx/Spec-Bench evaluation/eval.py get_model_answers, written by
// every evaluation/inference_*.py). One JSON line per question: {question_id, category,
// answer_id, model_id, choices: [{index, turns, decoding_steps, new_tokens, wall_time,
// accept_lengths}], tstamp}. Per turn: decoding_steps verify cycles, new_tokens emitted,
// wall_time around the forward function; accept_lengths holds the tokens each cycle emitted
// (accepted drafts + 1), turns concatenated. The category says the subtask; evaluation/speed.py
// groups the eight MT-bench categories as "mt_bench".
import { z } from 'zod';
import { readJsonLines, temperatureFromName } from './jsonl.ts';
import { checkBaseline, checkTurns, draftName, questionRecord, resolveTemperature, UNTIMED_BY_QUESTION_FILES } from './questions.ts';
import type { ImportCapabilities, ImportContext, ImportedTrial, Importer, ImportInput } from './types.ts';
import type { RequestRecord } from '../metrics/records.ts';

const FIX = 'expected an answer file of Spec-Bench\'s evaluation/inference_*.py (one JSON line per question with category and choices[0].turns, decoding_steps, new_tokens, wall_time, accept_lengths)';

/** The MT-bench categories Spec-Bench's evaluation/speed.py reports together as mt_bench. */
export const MT_BENCH_CATEGORIES = ['writing', 'roleplay', 'reasoning', 'math', 'coding', 'extraction', 'stem', 'humanities'];

const count = z.int('expected a whole number').nonnegative('expected a count (0 or more)');
const choice = z.looseObject({
  turns: z.array(z.string('expected a string'), 'expected an array of turn texts'),
  decoding_steps: z.array(count, 'expected an array of step counts, one per turn'),
  new_tokens: z.array(count, 'expected an array of token counts, one per turn'),
  wall_time: z.array(z.number('expected a number of seconds'), 'expected an array of seconds, one per turn'),
  accept_lengths: z.array(z.int('expected a whole number').positive('expected tokens per cycle (1 or more: the bonus token is included)'), 'expected an array of tokens per cycle').optional(),
}, 'expected an object');
const LINE = z.looseObject({
  question_id: z.union([z.number(), z.string()], 'expected the question id (a number or string)'),
  category: z.string('expected the question\'s category (Spec-Bench writes it on every line)'),
  model_id: z.string('expected a string').optional(),
  choices: z.array(choice, 'expected an array of choices').min(1, 'expected at least one choice'),
}, 'expected a JSON object');

export function subtask(category: string): string {
  return MT_BENCH_CATEGORIES.includes(category) ? 'mt_bench' : category;
}

function read(input: ImportInput, text: string, ctx: ImportContext): ImportedTrial[] {
  const lines = readJsonLines(input, text, LINE, FIX);
  const modelId = lines[0]!.value.model_id;
  const groups = new Map<string, { records: RequestRecord[]; lines: number[] }>();
  for (const { line, value } of lines) {
    const c = value.choices[0]!;
    const where = `${input.path}:${line}`;
    const q = {
      questionId: String(value.question_id),
      turns: c.turns,
      tokens: c.new_tokens,
      cycles: c.decoding_steps,
      seconds: c.wall_time,
      acceptedPerCycle: c.accept_lengths ? c.accept_lengths.map((n) => n - 1) : null,
    };
    checkTurns(where, q, { tokens: 'new_tokens', cycles: 'decoding_steps' }, FIX);
    if (ctx.role === 'baseline') checkBaseline(where, q, 'decoding_steps', 'Spec-Bench\'s evaluation/inference_baseline.py writes it');
    const dataset = ctx.dataset ?? subtask(value.category);
    const g = groups.get(dataset) ?? { records: [], lines: [] };
    g.records.push(questionRecord(q));
    g.lines.push(line);
    groups.set(dataset, g);
  }
  const draft = draftName(ctx, modelId, input.path);
  const temperature = resolveTemperature(input, ctx, modelId, temperatureFromName);
  return [...groups].map(([dataset, g]) => ({
    draft,
    method: ctx.role === 'baseline' ? 'vanilla' : draft,
    dataset,
    temperature,
    origin: { file: input.path, lines: g.lines },
    records: g.records,
    wallSeconds: g.records.reduce((a, r) => a + r.e2eSeconds, 0),
    requests: g.records.length,
    figures: {},
  }));
}

function capabilities(trials: readonly ImportedTrial[]): ImportCapabilities {
  const perCycle = trials.length > 0 && trials.every((t) => t.records?.every((r) => r.acceptedHistogram !== null));
  const unavailable: Record<string, string> = { ...UNTIMED_BY_QUESTION_FILES };
  if (!perCycle) unavailable.position_acceptance = 'some lines have no accept_lengths list, which per-position rates need';
  return {
    metrics: {
      throughput: { source: 'derived', definition: 'Sum of new_tokens over the sum of wall_time, over every turn of every question of the subtask: tokens emitted per second of forward-function time; prefill inside, batch size 1, tokenization and the gaps between calls outside.' },
      request_throughput: { source: 'derived', definition: 'Mean over questions of (the question\'s new_tokens / its wall_time, turns summed): the "Tokens per second" Spec-Bench\'s evaluation/speed.py prints (its baseline side recounts tokens with the tokenizer; this import uses new_tokens on both sides).' },
      accept_length_pooled: { source: 'derived', definition: 'Sum of new_tokens over the sum of decoding_steps, pooled over all questions of the subtask: tokens per verify cycle, bonus token included; where a method writes one accept_lengths entry per step adding up to new_tokens (EAGLE, Medusa, Hydra, REST, PLD, the baseline), this equals the "#Mean accepted tokens" evaluation/speed.py prints.' },
      accept_length_mean: { source: 'derived', definition: 'Mean over questions of ((new_tokens - decoding_steps) / decoding_steps + 1), turns summed: accepted drafts per cycle plus the bonus token, per question (accept_lengths is used only for the per-position rates).' },
      e2e_ms: { source: 'derived', definition: 'Mean over questions of the summed wall_time of its turns (forward-function calls only), in milliseconds.' },
    },
    unavailable,
  };
}

export const specBenchImporter: Importer = {
  format: 'spec-bench',
  tool: 'Spec-Bench',
  formatSource: 'hemingkx/Spec-Bench evaluation/eval.py get_model_answers (choices, lines 229-243), evaluation/inference_eagle.py ea_forward (accept_length_list, lines 98-114), evaluation/speed.py (per-question speed, mt_bench categories)',
  engine: 'spec-bench',
  read,
  capabilities,
};
