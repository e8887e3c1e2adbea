// EAGLE answer files (SafeAILab/EAGLE eagle/evaluation/gen_ea_answer_*.py and
// gen_baseline_answer_*.py; the PRISM artifact's PRISM/evaluation copies add "accept_length").
// One JSON line per question: {question_id, model_id, choices: [{index, turns, idxs,
// new_tokens, wall_time, accept_length?}], tstamp}. Per turn: idxs is the last loop index of
// the generate call, so it ran idxs + 1 verify cycles; new_tokens counts what the loop appended
// (accepted drafts + 1 per cycle); wall_time is timed around the generate call. accept_length
// (PRISM's scripts) holds the accepted drafts of every cycle, turns concatenated.
import { z } from 'zod';
import { readJsonLines, temperatureFromName } from './jsonl.ts';
import { checkBaseline, checkTurns, datasetFromPath, draftName, questionRecord, resolveTemperature, UNTIMED_BY_QUESTION_FILES } from './questions.ts';
import type { ImportCapabilities, ImportContext, ImportedTrial, Importer, ImportInput } from './types.ts';

const FIX = 'expected an answer file of EAGLE\'s gen_ea_answer_*.py or gen_baseline_answer_*.py (one JSON line per question with choices[0].turns, idxs, new_tokens, wall_time)';

const count = z.int('expected a whole number').nonnegative('expected a count (0 or more)');
const choice = z.looseObject({
  turns: z.array(z.string('expected a string'), 'expected an array of turn texts'),
  idxs: z.array(count, 'expected an array of loop indices, one per turn'),
  new_tokens: z.array(count, 'expected an array of token counts, one per turn'),
  wall_time: z.array(z.number('expected a number of seconds'), 'expected an array of seconds, one per turn'),
  accept_length: z.array(count, 'expected an array of accepted-draft counts, one per cycle').optional(),
}, 'expected an object');
const LINE = z.looseObject({
  question_id: z.union([z.number(), z.string()], 'expected the question id (a number or string)'),
  model_id: z.string('expected a string').optional(),
  choices: z.array(choice, 'expected an array of choices').min(1, 'expected at least one choice'),
}, 'expected a JSON object');

function read(input: ImportInput, text: string, ctx: ImportContext): ImportedTrial[] {
  const lines = readJsonLines(input, text, LINE, FIX);
  const modelId = lines[0]!.value.model_id;
  const records = lines.map(({ line, value }) => {
    const c = value.choices[0]!;
    const q = {
      questionId: String(value.question_id),
      turns: c.turns,
      tokens: c.new_tokens,
      cycles: c.idxs.map((i) => i + 1),
      seconds: c.wall_time,
      acceptedPerCycle: c.accept_length ?? null,
    };
    checkTurns(`${input.path}:${line}`, q, { tokens: 'new_tokens', cycles: 'idxs', list: 'accept_length' }, FIX);
    if (ctx.role === 'baseline') checkBaseline(`${input.path}:${line}`, q, 'idxs', 'EAGLE\'s gen_baseline_answer_*.py writes it');
    return questionRecord(q);
  });
  const draft = draftName(ctx, modelId, input.path);
  return [{
    draft,
    method: ctx.role === 'baseline' ? 'vanilla' : draft,
    dataset: datasetFromPath(input.path, ctx),
    temperature: resolveTemperature(input, ctx, modelId, temperatureFromName),
    origin: { file: input.path, lines: lines.map((l) => l.line) },
    records,
    wallSeconds: records.reduce((a, r) => a + r.e2eSeconds, 0),
    requests: records.length,
    figures: {},
  }];
}

const hasPerCycle = (trials: readonly ImportedTrial[]) =>
  trials.length > 0 && trials.filter((t) => t.method !== 'vanilla').every((t) => t.records?.every((r) => r.acceptedHistogram !== null));

function capabilities(trials: readonly ImportedTrial[]): ImportCapabilities {
  const perCycle = hasPerCycle(trials);
  const unavailable: Record<string, string> = { ...UNTIMED_BY_QUESTION_FILES };
  if (!perCycle) unavailable.position_acceptance = 'EAGLE\'s gen_ea_answer scripts write per-turn totals only; per-position rates need the per-cycle "accept_length" list that the PRISM artifact\'s copies of the scripts add';
  return {
    metrics: {
      throughput: { source: 'derived', definition: 'Sum of new_tokens over the sum of wall_time, over every turn of every question in the file: tokens the generate loop appended (before stop-token trimming) per second of generate-call time; prefill inside, batch size 1, tokenization and the gaps between calls outside.' },
      request_throughput: { source: 'derived', definition: 'Mean over questions of (the question\'s new_tokens / its wall_time, turns summed): the per-question speed EAGLE\'s evaluation/speed.py averages (its baseline side recounts tokens with the tokenizer; this import uses new_tokens on both sides).' },
      accept_length_pooled: { source: 'derived', definition: 'Sum of new_tokens over the sum of verify cycles (idxs + 1 per turn), pooled over all questions: tokens per cycle, bonus token included; EAGLE counts prefill\'s token as the root of the first cycle and does not append the last cycle\'s bonus, so this does not overstate.' },
      accept_length_mean: { source: 'derived', definition: perCycle
        ? 'Mean over questions of (mean of the question\'s accept_length list + 1), i.e. accepted drafts per cycle plus the bonus token, as the PRISM artifact\'s evaluation/acceptance_length.py computes it.'
        : 'Mean over questions of ((new_tokens - cycles) / cycles + 1): accepted drafts per cycle plus the bonus token, per question, turns summed.' },
      e2e_ms: { source: 'derived', definition: 'Mean over questions of the summed wall_time of its turns (generate calls only), in milliseconds.' },
    },
    unavailable,
  };
}

export const eagleImporter: Importer = {
  format: 'eagle',
  tool: 'EAGLE',
  formatSource: 'SafeAILab/EAGLE eagle/evaluation/gen_ea_answer_llama3chat.py (per-turn lists at lines 283-286, the line at 292-304), eagle/model/ea_model.py eagenerate (idx, new_token); Akemiiii/prism-mlsys-ae PRISM/evaluation/gen_ea_answer_llama3chat.py (accept_length, lines 310-311)',
  engine: 'eagle',
  read,
  capabilities,
};
