// The PRISM artifact's SGLang client logs (Akemiiii/prism-mlsys-ae evaluation/client/bench_mt.py
// and bench_mt_all.py, driven by run_all_datasets.py): one JSON line per (server, dataset) run,
// {temperature, question_file, throughput, accept_length}, appended to results_temp_T.jsonl.
// throughput = completion tokens of the whole batch / its wall time; accept_length = completion
// tokens / spec_verify_ct summed over the batch (1.0 when the server reports no spec_verify_ct);
// both rounded to 3 decimals. No drafter name and no per-request data are written.
// The table4 scripts (evaluation/table4/e2e_llama3_wo_standalone.py) gather the same figures
// into a CSV with an algorithm column (NONE = no speculation) and a status and error per row.
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { readJsonLines } from './jsonl.ts';
import { parseCsv } from './csv.ts';
import { ImportError, type ImportCapabilities, type ImportContext, type ImportedTrial, type Importer, type ImportInput } from './types.ts';
import { messageOf } from '../errors.ts';

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

const CSV_FIX = 'expected a CSV of the PRISM artifact\'s evaluation/table4 scripts (columns algorithm, dataset, question_file, temperature, status, throughput, accept_length, error)';
const CSV_COLUMNS = ['algorithm', 'status', 'throughput', 'accept_length'] as const;

function isCsv(input: ImportInput, text: string): boolean {
  return /\.csv$/i.test(input.path) || /^\s*algorithm,/.test(text);
}

/** The table4 CSV: one row per (algorithm, dataset, temperature); the draft is the algorithm column, NONE the baseline. */
function readCsv(input: ImportInput, text: string, ctx: ImportContext): ImportedTrial[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    throw new ImportError(`${input.path}: ${messageOf(e)} -- ${CSV_FIX}`);
  }
  const header = records.shift();
  const col = new Map((header?.fields ?? []).map((name, i) => [name.trim(), i]));
  // evaluation/run_sglang_and_datasets.py writes no temperature column (its --temperature, default 0, is not recorded)
  const missing = [...CSV_COLUMNS.filter((c) => !col.has(c)), ...(col.has('temperature') || ctx.temperature !== undefined ? [] : ['temperature (or give --temperature: evaluation/run_sglang_and_datasets.py does not record it)'])];
  if (!header || missing.length > 0 || !(col.has('dataset') || col.has('question_file'))) {
    throw new ImportError(`${input.path}:1: header: missing column${missing.length === 1 ? '' : 's'} ${[...missing, ...(col.has('dataset') || col.has('question_file') ? [] : ['dataset'])].join(', ')} -- ${CSV_FIX}`);
  }
  const selected = records.filter((r) => !input.lines || input.lines.some(([a, b]) => r.line >= a && r.line <= b));
  if (selected.length === 0) throw new ImportError(`${input.path}: no data rows${input.lines ? ' in the selected lines' : ''} -- ${CSV_FIX}`);
  return selected.map(({ line, fields }): ImportedTrial => {
    const get = (name: string) => (col.has(name) ? (fields[col.get(name)!] ?? '').trim() : '');
    const where = `${input.path}:${line}`;
    const algorithm = get('algorithm').toUpperCase();
    if (algorithm === '') throw new ImportError(`${where}: algorithm: empty -- ${CSV_FIX}`);
    // run_sglang_and_datasets.py names its runs without speculation "Standalone" (no draft model path)
    const vanilla = algorithm === 'NONE' || (algorithm === 'STANDALONE' && col.has('draft_model_path') && get('draft_model_path') === '');
    if (ctx.role === 'baseline' && !vanilla) {
      throw new ImportError(`${where}: algorithm: ${algorithm} is not NONE, so this row is not a run without speculation -- give --baseline only the NONE rows (FILE:FIRST-LAST), or pass the CSV once: its NONE rows are the baseline`);
    }
    const temperature = ctx.temperature ?? Number(get('temperature'));
    if (ctx.temperature === undefined && (get('temperature') === '' || !Number.isFinite(temperature) || temperature < 0)) throw new ImportError(`${where}: temperature: '${get('temperature')}' is not a temperature -- ${CSV_FIX}`);
    const dataset = ctx.dataset ?? (get('dataset') || datasetOfQuestionFile(get('question_file')));
    const draft = vanilla ? 'vanilla' : algorithm.toLowerCase().replaceAll('/', '_');
    const base: Omit<ImportedTrial, 'figures'> = { draft, method: draft, dataset, temperature: ctx.temperature ?? temperature, origin: { file: input.path, lines: [line] }, records: null, wallSeconds: null, requests: null };
    const status = get('status').toLowerCase();
    // one line: the artifact stores tracebacks with their newlines
    const error = get('error').replace(/\s+/g, ' ');
    if (status !== 'ok') return { ...base, figures: {}, error: `${status || 'no status'}${error ? `: ${error}` : ''}` };
    const figure = (name: 'throughput' | 'accept_length', min: number): number => {
      const v = Number(get(name));
      if (get(name) === '' || !Number.isFinite(v) || v < min) throw new ImportError(`${where}: ${name}: '${get(name)}' is not a number of at least ${min} in a row with status ok -- ${CSV_FIX}`);
      return v;
    };
    return { ...base, figures: { throughput: figure('throughput', Number.MIN_VALUE), accept_length_pooled: figure('accept_length', 1) } };
  });
}

/**
 * A log names no drafter, so a whole log holds vanilla runs (accept_length exactly 1: no
 * spec_verify_ct) beside speculative ones; as one draft they would merge into one cell.
 */
function refuseMixedRuns(input: ImportInput, lines: ReadonlyArray<{ line: number; value: { accept_length: number } }>): void {
  const vanilla = lines.filter((l) => l.value.accept_length === 1).map((l) => l.line);
  if (vanilla.length === 0 || vanilla.length === lines.length) return;
  const spec = lines.filter((l) => l.value.accept_length !== 1).map((l) => l.line);
  throw new ImportError(`${input.path}: line${vanilla.length === 1 ? '' : 's'} ${spans(vanilla)} ran without speculation (accept_length 1) and line${spec.length === 1 ? '' : 's'} ${spans(spec)} with it; as one draft they would merge into one cell -- give one drafter's lines (of ${spans(spec)}) as ${input.path}:FIRST-LAST with --draft NAME, and the vanilla ones as --baseline ${input.path}:${spans(vanilla)}`);
}

/** [1, 2, 3, 5] -> '1-3,5' */
function spans(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

function read(input: ImportInput, text: string, ctx: ImportContext): ImportedTrial[] {
  if (isCsv(input, text)) return readCsv(input, text, ctx);
  const lines = readJsonLines(input, text, LINE, FIX);
  if (ctx.role === 'method') refuseMixedRuns(input, lines);
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
