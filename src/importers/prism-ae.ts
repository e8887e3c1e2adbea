// The PRISM artifact's SGLang client logs (Akemiiii/prism-mlsys-ae evaluation/client/bench_mt.py
// and bench_mt_all.py, driven by run_all_datasets.py): one JSON line per (server, dataset) run,
// {temperature, question_file, throughput, accept_length}, appended to results_temp_T.jsonl.
// throughput = completion tokens of the whole batch / its wall time; accept_length = completion
// tokens / spec_verify_ct summed over the batch (1.0 when the server reports no spec_verify_ct);
// both rounded to 3 decimals. No drafter name and no per-request data are written.
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { readJsonLines } from './jsonl.ts';
import { ImportError, type ImportCapabilities, type ImportContext, type ImportedTrial, type Importer, type ImportInput } from './types.ts';

const FIX = 'expected a results file of the PRISM artifact\'s evaluation/client/bench_mt.py (one JSON line per run: temperature, question_file, throughput, accept_length)';

const LINE = z.looseObject({
  temperature: z.number('expected the sampling temperature (a number)').nonnegative('expected a temperature of 0 or more'),
  question_file: z.string('expected the question file the run read (e.g. data/mt_bench/question.jsonl)'),
  throughput: z.number('expected output tokens per second (a number)').positive('expected a positive throughput'),
  accept_length: z.number('expected the acceptance length (a number)').min(1, 'expected an acceptance length of at least 1 (tokens per verify cycle, bonus included)'),
}, 'expected a JSON object');

/** The dataset of a question file path the way the artifact names it (data/NAME/question.jsonl -> NAME). */
export function datasetOfQuestionFile(file: string): string {
  const dir = basename(dirname(file));
  return dir === '' || dir === '.' ? basename(file).replace(/\.jsonl?$/i, '') : dir;
}

function read(input: ImportInput, text: string, ctx: ImportContext): ImportedTrial[] {
  const lines = readJsonLines(input, text, LINE, FIX);
  const draft = ctx.role === 'baseline' ? 'vanilla' : (ctx.draft ?? basename(input.path).replace(/\.jsonl?$/i, '')).replaceAll('/', '_');
  return lines.map(({ line, value }) => {
    if (ctx.role === 'baseline' && value.accept_length !== 1) {
      throw new ImportError(`${input.path}:${line}: accept_length: ${value.accept_length} is not 1, so this line is not a run without speculation -- give --baseline only the vanilla runs' lines (FILE:FIRST-LAST)`);
    }
    return {
      draft,
      method: ctx.role === 'baseline' ? 'vanilla' : draft,
      dataset: ctx.dataset ?? datasetOfQuestionFile(value.question_file),
      temperature: ctx.temperature ?? value.temperature,
      origin: { file: input.path, lines: [line] },
      records: null,
      wallSeconds: null,
      requests: null,
      figures: { throughput: value.throughput, accept_length_pooled: value.accept_length },
    };
  });
}

function capabilities(): ImportCapabilities {
  return {
    metrics: {
      throughput: { source: 'tool', definition: 'As the artifact\'s bench_mt.py wrote it: completion tokens of all the run\'s questions (both turns of MT-bench) over the wall time of the whole batch (sglang run_batch, prefill inside, requests sent from parallel client threads), rounded to 3 decimals; one value per log line.' },
      accept_length_pooled: { source: 'tool', definition: 'As bench_mt.py wrote it: completion tokens over spec_verify_ct summed over the batch (SGLang meta_info), pooled, bonus token included, prefill\'s token counted with no cycle (slightly overstates); 1.0 by definition when the server reports no spec_verify_ct (no speculation); rounded to 3 decimals.' },
    },
    unavailable: {
      accept_length_mean: 'the client writes pooled figures only, no per-request data',
      position_acceptance: 'the client writes no per-cycle or per-position counts',
      request_throughput: 'no per-request data',
      e2e_ms: 'no per-request data',
      ttft_ms: 'not measured by the client',
      draft_accept_rate: 'proposed draft tokens are not written',
      draft_ms_per_step: 'not measured by the client',
      verify_ms_per_cycle: 'not measured by the client',
    },
  };
}

export const prismAeImporter: Importer = {
  format: 'prism-ae',
  tool: 'PRISM artifact SGLang client',
  formatSource: 'Akemiiii/prism-mlsys-ae evaluation/client/bench_mt.py (figures at lines 239-247, the result line at lines 283-301), evaluation/client/run_all_datasets.py (results_temp_T.jsonl)',
  engine: 'prism-ae',
  read,
  capabilities,
};
